"""Twisted's classic line-based chat server (the LineReceiver example of Twisted's
documentation), with joins and departures announced: the reference for
examples/reactor_chat_server (not a test itself: its name starts with '_'). Run it with a Python
that has Twisted (/usr/bin/python3 here) and -u, so each line is flushed as it is printed.

Usage: _twisted_chat.py [host] [port]   (defaults: localhost, 8123; port 0 = a free one)

Protocol (lines end with b'\\r\\n', LineReceiver's delimiter): the server asks "What's your
name?"; the first line is the name ("Name taken, please choose another." while another client
has it), answered "Welcome, NAME!"; then each line goes to every other named client as
"<NAME> line", and the others hear "* NAME has joined" and "* NAME has left".

Its log, on stdout:
    starting up on HOST port PORT             listening (PORT: the real port)
    connection from ('127.0.0.1', 54321)      a client connected
    b'alice' has joined                       it chose its name
    b'alice' has left                         a named client left
    ('127.0.0.1', 54321) disconnected         its connection ended
SIGINT and SIGTERM stop it (exit status 0); Twisted's shutdown disconnects, and so logs, the
clients still connected.
"""
import sys

from twisted.internet import protocol, reactor
from twisted.protocols.basic import LineReceiver


class Chat(LineReceiver):
    def __init__(self, users):
        self.users = users
        self.name = None

    def connectionMade(self):
        self.peer = self.transport.client
        print('connection from', self.peer)
        self.sendLine(b"What's your name?")

    def connectionLost(self, reason):
        if self.name is not None:
            del self.users[self.name]
            print(self.name, 'has left')
            self.broadcast(b'* ' + self.name + b' has left')
        print(self.peer, 'disconnected')

    def lineReceived(self, line):
        if self.name is None:
            self.handle_GETNAME(line)
        else:
            self.handle_CHAT(line)

    def handle_GETNAME(self, name):
        if name in self.users:
            self.sendLine(b'Name taken, please choose another.')
            return
        self.sendLine(b'Welcome, ' + name + b'!')
        self.broadcast(b'* ' + name + b' has joined')
        print(name, 'has joined')
        self.users[name] = self
        self.name = name

    def handle_CHAT(self, message):
        self.broadcast(b'<' + self.name + b'> ' + message)

    def broadcast(self, line):
        for user in self.users.values():
            if user is not self:
                user.sendLine(line)


class ChatFactory(protocol.Factory):
    def __init__(self):
        self.users = {}  # name -> Chat, for the clients that have a name

    def buildProtocol(self, addr):
        return Chat(self.users)


host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 8123
listening = reactor.listenTCP(port, ChatFactory(), interface=host)
print('starting up on {} port {}'.format(host, listening.getHost().port))
reactor.run()
