"""A TCP echo server on Twisted: the reference for examples/reactor_echo_server (not a test
itself: its name starts with '_'). Run it with a Python that has Twisted (/usr/bin/python3 here)
and -u, so each line is flushed as it is printed.

Usage: _twisted_echo.py [host] [port]   (defaults: localhost, 10000; port 0 = a free one)

Its log, on stdout:
    starting up on HOST port PORT                      listening (PORT: the real port)
    connection from ('127.0.0.1', 54321)               a client connected
    ('127.0.0.1', 54321) disconnected after N bytes    it left; N: the bytes it sent
SIGINT and SIGTERM stop it (exit status 0); Twisted's shutdown disconnects, and so logs, the
clients still connected.
"""
import sys

from twisted.internet import protocol, reactor


class Echo(protocol.Protocol):
    def connectionMade(self):
        self.received = 0
        print('connection from', self.transport.client)

    def dataReceived(self, data):
        self.received += len(data)
        self.transport.write(data)

    def connectionLost(self, reason):
        print(self.transport.client, 'disconnected after', self.received, 'bytes')


factory = protocol.Factory()
factory.protocol = Echo
host = sys.argv[1] if len(sys.argv) > 1 else 'localhost'
port = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
listening = reactor.listenTCP(port, factory, interface=host)
print('starting up on {} port {}'.format(host, listening.getHost().port))
reactor.run()
