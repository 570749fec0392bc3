#!/usr/bin/env python3
"""Interop tests for the reactor's example programs: the twins of the seeds' Twisted programs
(s000_twisted_simple_logger, s004_twisted_timestamp_server, s004_twisted_timestamp_client) and
reactor_echo_server / reactor_chat_server, whose references are the Twisted programs
_twisted_echo.py and _twisted_chat.py next to this script.

The Twisted side runs with a Python that has Twisted (/usr/bin/python3, Debian's
python3-twisted; --twisted-python to choose another); the other seed programs (the clients
socket_binary_client.py, socket_echo_client.py, the s004_tcp_timestamp pair) run with this
script's Python, as in the other interop scripts.

- Pairs: every server with its clients in the four mixes (Python/Python, Python/C++, C++/Python,
  C++/C++): the client's stdout and exit status and the server's stdout (read after SIGTERM) and
  exit status must equal the Python pair's, once ports and ctime() stamps are normalised; a C++
  program writes nothing on stderr. The timestamp programs also cross over with the
  s004_tcp_timestamp pair, as the seed's INDEX pairs them.
- Scenarios driven by this script over raw sockets, each run against the Twisted program and the
  C++ twin: several clients at once (logger, timestamp server, echo with a 1 MiB echo, chat with
  names taken, lines in pieces, a burst of joins), clients that leave mid-line or reset, data
  that is not UTF-8 (Twisted's "Unhandled Error", the connection dropped, the server serving on),
  a line longer than LineReceiver's MAX_LENGTH; then SIGTERM or SIGINT. The server logs must be
  equal; what the servers print while stopping (one line per client still connected, in an order
  Twisted takes from descriptor numbers) is compared sorted. Exit status 0 on either signal.
- Bad arguments and failures: a port that is not a number or out of range, a port in use, a
  client facing a closed port or a server that sends bytes that are not UTF-8: same stdout, exit
  status and exception line (first and last line of stderr) as the Twisted program.

Without Twisted the comparisons are skipped (the reason is printed) and the C++ programs are
still checked against what the scenarios expect; exit 77 only when nothing could run.

Usage: reactor_examples.py --examples DIR --seeds DIR [--app PATH] [--twisted-python PY] [-k NAME]
Exit status: 0 pass, 1 fail, 77 skipped.
"""

import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _common  # noqa: E402

HOST = '127.0.0.1'
SOCKET_TIMEOUT = 10.0  # every socket operation of this script
RUN_TIMEOUT = 15.0     # every program run to completion

TWINS = ['s000_twisted_simple_logger', 's004_twisted_timestamp_server',
         's004_twisted_timestamp_client', 'reactor_echo_server', 'reactor_chat_server']
# C++ twins of the plain seed programs used as peers.
PEERS = ['socket_binary_client', 'socket_echo_client', 's004_tcp_timestamp_server',
         's004_tcp_timestamp_client']
TWISTED_SEEDS = {'s000_twisted_simple_logger', 's004_twisted_timestamp_server',
                 's004_twisted_timestamp_client'}
REFERENCES = {'reactor_echo_server': '_twisted_echo.py', 'reactor_chat_server': '_twisted_chat.py'}

CTIME = re.compile(r'\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) '
                   r'(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) '
                   r'[ 123]\d \d\d:\d\d:\d\d \d{4}\]')
READY_PREFIX = 'starting up on '  # the first line of reactor_echo_server / reactor_chat_server


class Skip(Exception):
    """A test (or part of one) that cannot run here; the reason is printed."""


# --- programs -----------------------------------------------------------------------------------

class Programs:
    """Command lines: cmd('py' or 'cpp', name, *args). 'py' is the Twisted program for the
    twins (the seed, or the reference next to this script) and the seed for the peers."""

    def __init__(self, examples, seeds, twisted_python, twisted_reason):
        self.examples = examples
        self.seeds = seeds
        self.twisted_python = twisted_python
        self.twisted_reason = twisted_reason  # '' when Twisted can be imported

    def impls(self):
        """The implementations a comparison can run here."""
        return ('cpp',) if self.twisted_reason else ('py', 'cpp')

    def require_twisted(self):
        if self.twisted_reason:
            raise Skip(self.twisted_reason)

    def cmd(self, impl, name, *args):
        if impl == 'cpp':
            return _common.cpp_cmd(self.examples, name, *args)
        if name in REFERENCES:
            return [self.twisted_python, '-u', os.path.join(HERE, REFERENCES[name]),
                    *map(str, args)]
        if name in TWISTED_SEEDS:
            return [self.twisted_python, '-u', os.path.join(self.seeds, name + '.py'),
                    *map(str, args)]
        return _common.python_cmd(self.seeds, name, *args)


def twisted_unavailable_reason(python):
    """'' when `python` can import Twisted's reactor and LineReceiver, else why not."""
    if not os.access(python, os.X_OK):
        return '%s is not there, so the Twisted programs cannot run' % python
    try:
        done = subprocess.run(
            [python, '-c', 'import twisted.internet.reactor, twisted.protocols.basic'],
            capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return '%s took more than %d s to import twisted' % (python, RUN_TIMEOUT)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return '%s cannot import twisted (%s)' % (python, lines[-1] if lines else done.returncode)
    return ''


# --- servers ------------------------------------------------------------------------------------

def start(programs, impl, name, args_for_port):
    """Starts server `name` and waits until it is ready. reactor_echo_server and
    reactor_chat_server get port 0 and announce the real one on their first line; the Twisted
    seed servers print nothing useful first, so they get a free port and are ready once /proc
    shows them listening. Returns (server, port)."""
    if name in REFERENCES:
        server = _common.Server(programs.cmd(impl, name, *args_for_port(0)))
        if not server.wait_for_line(lambda line: line.startswith(READY_PREFIX)):
            result = server.stop()
            server.__exit__(None, None, None)
            raise RuntimeError('%s (%s) never became ready (rc=%r)\nstdout:\n%s\nstderr:\n%s' % (
                name, impl, result.returncode, result.stdout, result.stderr))
        return server, ready_port(server)
    return _common.start_listening_server(
        lambda port: programs.cmd(impl, name, *args_for_port(port)))


# _common.Server keeps what a running server printed in _lines and _stderr; these two read it.

def ready_port(server):
    """The port in a server's 'starting up on HOST port PORT' line (already printed)."""
    with server._cond:
        line = next(line for line in server._lines if line.startswith(READY_PREFIX))
    return int(line.rsplit(' ', 1)[1])


def stderr_so_far(server):
    return ''.join(server._stderr)


def wait_lines(server, count, what=''):
    """Waits until the server has printed `count` lines; raises with its output otherwise."""
    if not server.wait_for_line(lambda line: True, count=count):
        result = server.stop()
        raise RuntimeError('the server did not print %d lines%s\nstdout:\n%s\nstderr:\n%s' % (
            count, ' (' + what + ')' if what else '', result.stdout, result.stderr))


def stop_with(server, signum):
    """Stops the server with `signum` (SIGTERM or SIGINT) and returns its Result; the process
    must exit by itself within the bound (it is killed otherwise, and the Result says so)."""
    if signum == signal.SIGTERM:
        return server.stop()
    try:
        os.killpg(server.proc.pid, signum)
    except ProcessLookupError:
        pass
    try:
        server.proc.wait(_common.STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        result = server.stop()  # SIGTERM, then SIGKILL
        result.stderr += '\n[still running %.0f s after %s]' % (
            _common.STOP_TIMEOUT, signal.Signals(signum).name)
        result.returncode = None
        return result
    return server.stop()


def normalise(text, port=None):
    """ctime() stamps become [CTIME], the server's port PORT, every address tuple's port N."""
    return _common.normalise_ports(CTIME.sub('[CTIME]', text), (port,) if port else ())


def split_at(text, count):
    """(the first `count` lines, the rest sorted): what a server prints while it stops comes in
    an order Twisted takes from descriptor numbers, so that part is compared as a multiset."""
    lines = text.splitlines(True)
    return ''.join(lines[:count]), ''.join(sorted(lines[count:]))


def stderr_ends(text):
    """The first and the last non-blank line of stderr: a traceback's header and its exception
    line (Twisted's frames in between name its Python files; the twins leave them out)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return (lines[0], lines[-1]) if lines else ('', '')


# --- raw clients --------------------------------------------------------------------------------

def connect(port, host=HOST, family=socket.AF_INET):
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(SOCKET_TIMEOUT)
    sock.connect((host, port))
    return sock


def reset_close(sock):
    """Closes with SO_LINGER 0: the peer gets a reset, not an orderly end."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    sock.close()


def read_to_end(sock):
    """Everything the peer sends until it closes (a reset counts as the end)."""
    data = b''
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    return data


class LineClient:
    """A chat client: lines end with b'\\r\\n'; each line received is recorded in `events`
    (shared by the clients of one scenario) as 'NAME < line'."""

    def __init__(self, name, port, events):
        self.name = name
        self.sock = connect(port)
        self.buf = b''
        self.events = events

    def send(self, data):
        self.sock.sendall(data)

    def line(self):
        while b'\r\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError('%s: the server closed the connection; unfinished: %r' % (
                    self.name, self.buf))
            self.buf += chunk
        line, self.buf = self.buf.split(b'\r\n', 1)
        self.events.append('%s < %s' % (self.name, line.decode('utf-8', 'backslashreplace')))
        return line

    def lines(self, n):
        return [self.line() for _ in range(n)]

    def close(self):
        self.sock.close()


# --- pairs: a program client against a server, in the four mixes ------------------------------

def session(programs, server_impl, server_name, server_args, client_impl, client_name,
            client_args, stdin_text, settled):
    """One server, one client run to completion; `settled(server)` waits until the server has
    printed what the session makes it print. Returns (server Result, client Result, port)."""
    server, port = start(programs, server_impl, server_name, server_args)
    with server:
        client = _common.run(programs.cmd(client_impl, client_name, *client_args(port)),
                             timeout=RUN_TIMEOUT, stdin_text=stdin_text)
        ok = settled(server)
        result = server.stop()
    if not ok:
        result.stderr += '\n[the server never printed what the session should make it print]'
    return result, client, port


def compare_mixes(check, programs, label, server_name, server_args, client_name, client_args,
                  settled, stdin_text=None, expect_in_server=None):
    """Runs the four mixes of server and client and compares each with the Python pair."""
    programs.require_twisted()
    runs = {}
    for s_impl, c_impl in _common.MIXES:
        runs[s_impl, c_impl] = session(programs, s_impl, server_name, server_args, c_impl,
                                       client_name, client_args, stdin_text, settled)
    ref_server, ref_client, ref_port = runs['py', 'py']
    ref_server_text = normalise(ref_server.stdout, ref_port)
    ref_client_text = normalise(ref_client.stdout, ref_port)
    if expect_in_server:
        check.true('%s: the python pair ran (%r in the server log)' % (label, expect_in_server),
                   expect_in_server in ref_server_text,
                   'server stdout:\n%s\nstderr:\n%s\nclient stderr:\n%s' % (
                       ref_server.stdout, ref_server.stderr, ref_client.stderr))
    for key in _common.MIXES[1:]:
        server, client, port = runs[key]
        mix = '%s server + %s client' % key
        where = '%s, %s' % (label, mix)
        check.equal(where + ': client stdout', ref_client_text, normalise(client.stdout, port),
                    'py + py', mix)
        check.true(where + ': client exit status %r' % ref_client.returncode,
                   client.returncode == ref_client.returncode,
                   'got %r; stderr:\n%s' % (client.returncode, client.stderr))
        check.equal(where + ': server stdout', ref_server_text, normalise(server.stdout, port),
                    'py + py', mix)
        check.true(where + ': server exit status %r' % ref_server.returncode,
                   server.returncode == ref_server.returncode,
                   'got %r; stderr:\n%s' % (server.returncode, server.stderr))
        for who, impl, result in (('server', key[0], server), ('client', key[1], client)):
            if impl == 'cpp':
                check.true(where + ': c++ %s stderr empty' % who, not result.stderr.strip(),
                           result.stderr)


def printed(text, count=1):
    """settled() for a session: the server has printed `count` lines containing `text`."""
    return lambda server: server.wait_for_line(lambda line: text in line, count=count)


TIMESTAMP_INPUT = 'hello\nworld 你好 ✓\n  spaces  \nlast line'  # ends at EOF, no newline


def test_logger_pairs(check, programs, tmp):
    """s000_twisted_simple_logger with socket_binary_client, as the seed's INDEX pairs it."""
    compare_mixes(check, programs, 'logger + socket_binary_client', 's000_twisted_simple_logger',
                  lambda port: (port, HOST), 'socket_binary_client', lambda port: (HOST, port),
                  printed(' disconnected'), expect_in_server='Got connection from')


def test_timestamp_pairs(check, programs, tmp):
    """The Twisted timestamp pair, and each crossing over with the s004_tcp_timestamp pair."""
    compare_mixes(check, programs, 'twisted timestamp pair', 's004_twisted_timestamp_server',
                  lambda port: (port, HOST), 's004_twisted_timestamp_client',
                  lambda port: (HOST, port), printed('...connected from:'), TIMESTAMP_INPUT,
                  expect_in_server='...connected from: 127.0.0.1')
    compare_mixes(check, programs, 'twisted timestamp server + s004_tcp_timestamp_client',
                  's004_twisted_timestamp_server', lambda port: (port, HOST),
                  's004_tcp_timestamp_client', lambda port: (HOST, port),
                  printed('...connected from:'), TIMESTAMP_INPUT + '\n\nnever sent\n')
    compare_mixes(check, programs, 's004_tcp_timestamp_server + twisted timestamp client',
                  's004_tcp_timestamp_server', lambda port: (HOST, port),
                  's004_twisted_timestamp_client', lambda port: (HOST, port),
                  printed('waiting for connection...', 2), TIMESTAMP_INPUT)


def test_echo_pairs(check, programs, tmp):
    """reactor_echo_server with socket_echo_client (the PyMOTW echo client)."""
    compare_mixes(check, programs, 'echo server + socket_echo_client', 'reactor_echo_server',
                  lambda port: (HOST, port), 'socket_echo_client', lambda port: (HOST, port),
                  printed(' disconnected after '), expect_in_server='disconnected after 41 bytes')


# --- scenarios: this script's clients against each server ---------------------------------------

def run_scenario(check, programs, label, server_name, server_args, scenario, signum,
                 expected_events=None, expected_stderr=('', '')):
    """Runs scenario(server, port, events, hold) -> lines printed before the signal, against
    each implementation, then stops the server with `signum`; the sockets the scenario put in
    `hold` stay connected until the server has stopped. The server logs must be equal (the
    stopping part sorted), and so must the events the scenario recorded (also equal to
    `expected_events` when given); exit status 0; the first and last lines of stderr equal
    (`expected_stderr` when Twisted cannot run)."""
    outcomes = {}
    for impl in programs.impls():
        events = []
        hold = []
        server, port = start(programs, impl, server_name, server_args)
        try:
            with server:
                before = scenario(server, port, events, hold)
                result = stop_with(server, signum)
        finally:
            for sock in hold:
                sock.close()
        outcomes[impl] = (split_at(normalise(result.stdout, port), before), events, result)
        where = '%s (%s)' % (label, impl)
        check.true('%s: exit status 0 after %s' % (where, signal.Signals(signum).name),
                   result.returncode == 0,
                   'got %r; stderr:\n%s' % (result.returncode, result.stderr))
        if expected_events is not None:
            check.equal(where + ': what the clients received', '\n'.join(expected_events),
                        '\n'.join(events), 'expected', impl)
    if programs.twisted_reason:
        print('skip  %s: comparison with Twisted (%s)' % (label, programs.twisted_reason))
        result = outcomes['cpp'][2]
        check.equal(label + ' (cpp): stderr (first and last line)', '\n'.join(expected_stderr),
                    '\n'.join(stderr_ends(result.stderr)), 'expected', 'c++')
        return outcomes
    (ref_head, ref_tail), ref_events, ref = outcomes['py']
    (head, tail), events, got = outcomes['cpp']
    check.equal(label + ': server log', ref_head, head)
    check.equal(label + ': server log while stopping (sorted)', ref_tail, tail)
    if expected_events is None:
        check.equal(label + ': what the clients received', '\n'.join(ref_events),
                    '\n'.join(events))
    check.equal(label + ': stderr (first and last line)', '\n'.join(stderr_ends(ref.stderr)),
                '\n'.join(stderr_ends(got.stderr)))
    return outcomes


def test_logger_clients(check, programs, tmp):
    """Three clients, two at once, binary data, one leaving; SIGTERM, then the same with SIGINT."""
    def scenario(server, port, events, hold):
        a = connect(port)
        wait_lines(server, 1, 'A connected')
        b = connect(port)
        wait_lines(server, 2, 'B connected')
        a.sendall(b'first from A')
        wait_lines(server, 3, "A's data")
        b.sendall(bytes(range(256)))
        wait_lines(server, 4, "B's bytes")
        b.sendall('héllo ✓ 你好\n\t\\ \' "'.encode())
        wait_lines(server, 5, "B's text")
        a.close()
        wait_lines(server, 6, 'A disconnected')
        c = connect(port)
        wait_lines(server, 7, 'C connected')
        c.sendall(b"it's")
        wait_lines(server, 8, "C's data")
        hold.extend([b, c])  # connected until the server stops, which disconnects them
        return 8

    for signum in (signal.SIGTERM, signal.SIGINT):
        run_scenario(check, programs, 'logger, three clients, %s' % signal.Signals(signum).name,
                     's000_twisted_simple_logger', lambda port: (port, HOST), scenario, signum)


def ipv6_loopback_reason():
    if not socket.has_ipv6:
        return 'no IPv6 in this Python'
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(('::1', 0))
    except OSError as e:
        return 'cannot bind ::1 (%s)' % e
    return ''


def test_logger_ipv6(check, programs, tmp):
    """Interface ::1: Twisted listens on IPv6 and transport.client is a 4-tuple."""
    reason = ipv6_loopback_reason()
    if reason:
        raise Skip(reason)

    def free_port6():
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(('::1', 0))
            return s.getsockname()[1]

    def scenario(server, port, events, hold):
        sock = connect(port, '::1', socket.AF_INET6)
        sock.sendall(b'over IPv6')
        wait_lines(server, 2, 'data')
        sock.close()
        wait_lines(server, 3, 'disconnected')
        return 3

    outcomes = {}
    for impl in programs.impls():
        server, port = _common.start_listening_server(
            lambda p, impl=impl: programs.cmd(impl, 's000_twisted_simple_logger', p, '::1'),
            make_port=free_port6)
        with server:
            scenario(server, port, [], [])
            result = server.stop()
        outcomes[impl] = normalise(result.stdout, port)
        check.true('logger on ::1 (%s): exit status 0' % impl, result.returncode == 0,
                   result.stderr)
        check.true('logger on ::1 (%s): the peer is a 4-tuple' % impl,
                   "Got connection from ('::1', N, 0, 0)" in outcomes[impl], result.stdout)
    if 'py' in outcomes:
        check.equal('logger on ::1: server log', outcomes['py'], outcomes['cpp'])


def test_timestamp_server_clients(check, programs, tmp):
    """Three clients at once, one sending bytes that are not UTF-8 (Twisted logs the
    UnicodeDecodeError and drops that connection only); then SIGTERM."""
    def exchange(sock, text, events, name):
        data = text.encode()
        sock.sendall(data)
        reply = _common.recv_exactly(sock, len('[Tue Nov 24 20:10:40 2026] ') + len(data))
        events.append('%s < %s' % (name, normalise(reply.decode('utf-8', 'backslashreplace'))))

    def scenario(server, port, events, hold):
        socks = []
        for i in range(3):
            socks.append(connect(port))
            wait_lines(server, i + 2, 'client %d connected' % i)
        exchange(socks[1], 'second first', events, 'B')
        exchange(socks[0], 'then the first, 你好', events, 'A')
        exchange(socks[2], 'x' * 1000, events, 'C')
        bad = connect(port)
        wait_lines(server, 5, 'the bad client connected')
        bad.sendall(b'\xff not utf-8')
        events.append('bad < %r (then the end)' % read_to_end(bad))
        bad.close()
        exchange(socks[0], 'still served', events, 'A')
        if not _common.wait_until(lambda: 'UnicodeDecodeError' in stderr_so_far(server)):
            events.append('no UnicodeDecodeError on stderr')
        for sock in socks:
            sock.close()
        return 5

    run_scenario(check, programs, 'timestamp server, several clients',
                 's004_twisted_timestamp_server', lambda port: (port, HOST), scenario,
                 signal.SIGTERM, expected_stderr=(
                     'Unhandled Error', "builtins.UnicodeDecodeError: 'utf-8' codec can't decode "
                     'byte 0xff in position 0: invalid start byte'))


def test_echo_clients(check, programs, tmp):
    """Four clients at once (one echoing 1 MiB while it sends), one reset mid-message, one
    leaving; SIGTERM with two still connected; then a shorter run stopped by SIGINT."""
    def echo(sock, data, events, name):
        got = {}
        reader = threading.Thread(
            target=lambda: got.setdefault('data', _common.recv_exactly(sock, len(data))))
        reader.start()
        sock.sendall(data)
        reader.join(SOCKET_TIMEOUT)
        events.append('%s: %d bytes echoed %s' % (
            name, len(data), 'exactly' if got.get('data') == data else 'WRONG'))

    def scenario(server, port, events, hold):
        socks = []
        for i in range(4):
            socks.append(connect(port))
            wait_lines(server, i + 2, 'client %d connected' % i)
        echo(socks[0], b'one', events, 'A')
        echo(socks[1], b'two' * 1000, events, 'B')
        echo(socks[2], bytes(range(256)) * 4, events, 'C')
        echo(socks[3], os.urandom(1 << 20), events, 'D')
        echo(socks[0], b'A again', events, 'A')
        socks[1].sendall(b'a message cut')
        reset_close(socks[1])
        wait_lines(server, 6, 'B reset')
        socks[0].close()
        wait_lines(server, 7, 'A left')
        hold.extend(socks[2:])
        return 7

    run_scenario(check, programs, 'echo server, several clients', 'reactor_echo_server',
                 lambda port: (HOST, port), scenario, signal.SIGTERM, [
                     'A: 3 bytes echoed exactly', 'B: 3000 bytes echoed exactly',
                     'C: 1024 bytes echoed exactly', 'D: 1048576 bytes echoed exactly',
                     'A: 7 bytes echoed exactly'])

    def short(server, port, events, hold):
        sock = connect(port)
        wait_lines(server, 2, 'connected')
        echo(sock, b'ping', events, 'A')
        hold.append(sock)
        return 2

    run_scenario(check, programs, 'echo server, SIGINT', 'reactor_echo_server',
                 lambda port: (HOST, port), short, signal.SIGINT, ['A: 4 bytes echoed exactly'])


CHAT_EXPECTED = [
    "alice < What's your name?",
    'alice < Welcome, alice!',
    "bob < What's your name?",
    'bob < Name taken, please choose another.',
    'bob < Welcome, bob!',
    'alice < * bob has joined',
    "carol < What's your name?",
    'carol < Welcome, carol!',
    'alice < * carol has joined',
    'bob < * carol has joined',
    'bob < <alice> hello everyone',
    'carol < <alice> hello everyone',
    'alice < <bob> one',
    'alice < <bob> two',
    'carol < <bob> one',
    'carol < <bob> two',
    'alice < <carol> héllo ✓ 你好',
    'bob < <carol> héllo ✓ 你好',
    "dave < What's your name?",
    'alice < * bob has left',
    'carol < * bob has left',
    "eve < What's your name?",
    'eve < Welcome, eve!',
    'alice < * eve has joined',
    'carol < * eve has joined',
    'alice < * eve has left',
    'carol < * eve has left',
    'carol < <alice> ',
    'carol < <alice> after them',
]


def test_chat(check, programs, tmp):
    """Three named clients, a name taken, lines in one write and in pieces, UTF-8; a client
    leaving unnamed mid-line, one leaving named mid-line, one dropped for a line longer than
    MAX_LENGTH; then SIGTERM, and the same run stopped by SIGINT."""
    def scenario(server, port, events, hold):
        log = 1  # 'starting up on ...'

        def logged(n, what):
            nonlocal log
            log += n
            wait_lines(server, log, what)

        alice = LineClient('alice', port, events)
        logged(1, 'alice connected')
        alice.line()
        alice.send(b'alice\r\n')
        alice.line()
        logged(1, 'alice joined')

        bob = LineClient('bob', port, events)
        logged(1, 'bob connected')
        bob.line()
        bob.send(b'alice\r\n')
        bob.line()
        bob.send(b'bob\r\n')
        bob.line()
        alice.line()
        logged(1, 'bob joined')

        carol = LineClient('carol', port, events)
        logged(1, 'carol connected')
        carol.line()
        for piece in (b'ca', b'rol\r', b'\n'):  # a name in pieces, the delimiter split too
            carol.send(piece)
        carol.line()
        alice.line()
        bob.line()
        logged(1, 'carol joined')

        alice.send(b'hello everyone\r\n')
        bob.line()
        carol.line()
        bob.send(b'one\r\ntwo\r\n')
        alice.lines(2)
        carol.lines(2)
        carol.send('héllo ✓ 你好\r\n'.encode())
        alice.line()
        bob.line()

        dave = LineClient('dave', port, events)  # leaves before choosing a name, mid-line
        logged(1, 'dave connected')
        dave.line()
        dave.send(b'da')
        dave.close()
        logged(1, 'dave disconnected')

        bob.send(b'an unfinished li')  # leaves mid-line: the piece is never delivered
        bob.close()
        alice.line()
        carol.line()
        logged(2, 'bob left')

        eve = LineClient('eve', port, events)
        logged(1, 'eve connected')
        eve.line()
        eve.send(b'eve\r\n')
        eve.line()
        alice.line()
        carol.line()
        logged(1, 'eve joined')
        try:  # longer than LineReceiver.MAX_LENGTH (16384): the server drops eve
            eve.send(b'x' * 20000)
        except OSError:
            pass  # the server may close before it takes everything
        alice.line()
        carol.line()
        logged(2, 'eve dropped')
        read_to_end(eve.sock)
        eve.close()

        alice.send(b'\r\nafter them\r\n')  # an empty line is a message too
        carol.lines(2)
        hold.extend([alice, carol])  # stopping the server disconnects them
        return log

    for signum in (signal.SIGTERM, signal.SIGINT):
        run_scenario(check, programs, 'chat, %s' % signal.Signals(signum).name,
                     'reactor_chat_server', lambda port: (HOST, port), scenario, signum,
                     CHAT_EXPECTED)


def test_chat_burst(check, programs, tmp):
    """Eight clients connect and choose their names at once, then each says one line: everyone
    hears every other client's line once; then all leave together."""
    n = 8

    def scenario(server, port, events, hold):
        clients = [LineClient('u%d' % i, port, []) for i in range(n)]
        for i, c in enumerate(clients):
            c.send(b'u%d\r\n' % i)
        for c in clients:
            if c.lines(2)[1] != b'Welcome, %s!' % c.name.encode():
                events.append('%s was not welcome' % c.name)
        wait_lines(server, 1 + 2 * n, 'every client joined')
        for c in clients:
            c.send(b'from %s\r\n' % c.name.encode())
        for c in clients:
            heard = set()
            while len(heard) < n - 1:
                line = c.line().decode()
                if line.startswith('<'):
                    heard.add(line)
            expected = {'<%s> from %s' % (o.name, o.name) for o in clients if o is not c}
            events.append('%s heard %s' % (c.name, 'everyone' if heard == expected else heard))
        for c in clients:
            c.close()
        wait_lines(server, 1 + 4 * n, 'every client left')
        return 0  # which client's lines come first varies: compare the whole log sorted

    run_scenario(check, programs, 'chat, a burst of clients', 'reactor_chat_server',
                 lambda port: (HOST, port), scenario, signal.SIGTERM,
                 ['u%d heard everyone' % i for i in range(n)])


def test_signals(check, programs, tmp):
    """SIGINT and SIGTERM with a client connected stop each server with exit status 0 and the
    same last lines as Twisted's (the client logged as gone)."""
    servers = [  # (label, program, arguments, lines printed before the first client)
        ('logger', 's000_twisted_simple_logger', lambda port: (port, HOST), 0),
        ('timestamp server', 's004_twisted_timestamp_server', lambda port: (port, HOST), 1),
        ('echo server', 'reactor_echo_server', lambda port: (HOST, port), 1),
        ('chat', 'reactor_chat_server', lambda port: (HOST, port), 1),
    ]
    for label, name, args, first in servers:
        def scenario(server, port, events, hold, first=first, join=name == 'reactor_chat_server'):
            hold.append(connect(port))
            count = first + 1
            wait_lines(server, count, 'connected')
            if join:
                hold[0].sendall(b'zed\r\n')
                count += 1
                wait_lines(server, count, 'joined')
            return count

        for signum in (signal.SIGINT, signal.SIGTERM):
            run_scenario(check, programs, '%s, one client, %s' % (
                label, signal.Signals(signum).name), name, args, scenario, signum)


# --- bad arguments and failures -----------------------------------------------------------------

def compare_runs(check, programs, label, name, args, stdin_text='hello\n', port=None):
    """Runs the Twisted program and the twin with `args`: the same exit status, stdout and
    last line of stderr (the exception; the twins print no traceback above it), ports
    normalised."""
    results = {impl: _common.run(programs.cmd(impl, name, *args), timeout=RUN_TIMEOUT,
                                 stdin_text=stdin_text) for impl in ('py', 'cpp')}

    def summary(result):
        return normalise('exit status %r\nstdout: %r\nstderr ends: %s\n' % (
            result.returncode, result.stdout, result.last_stderr_line()), port)

    check.equal('%s %s' % (name, label), summary(results['py']), summary(results['cpp']))
    return results


def test_bad_arguments(check, programs, tmp):
    """Ports that are not numbers or out of range, and a port already in use."""
    programs.require_twisted()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((HOST, 0))
        holder.listen(1)
        in_use = holder.getsockname()[1]
        cases = {
            's000_twisted_simple_logger': [('abc',), ('70000', HOST), ('-1', HOST),
                                           (in_use, HOST), (in_use,)],
            's004_twisted_timestamp_server': [('12x',), ('65536', HOST), (in_use, HOST),
                                              (in_use,)],
            's004_twisted_timestamp_client': [(HOST, 'abc'), (HOST, '')],
            'reactor_echo_server': [(HOST, 'abc'), (HOST, '70000'), (HOST, in_use)],
            'reactor_chat_server': [(HOST, '1.5'), (HOST, '-1'), (HOST, in_use)],
        }
        for name, arg_lists in cases.items():
            for args in arg_lists:
                results = compare_runs(check, programs, 'with %r' % (args,), name, args,
                                       port=in_use)
                check.true('%s with %r: python exits 1' % (name, args),
                           results['py'].returncode == 1, results['py'].stderr)


def test_timestamp_client_failures(check, programs, tmp):
    """A closed port (Twisted's client stops silently: exit 0); a port out of range (Twisted
    logs an OverflowError and runs until a signal); a server that answers bytes that are not
    UTF-8 (the error is logged, the connection dropped, the client stops: exit 0)."""
    programs.require_twisted()
    name = 's004_twisted_timestamp_client'
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind((HOST, 0))  # bound, not listening: connecting is refused
        port = holder.getsockname()[1]
        results = compare_runs(check, programs, 'against a closed port', name, (HOST, port),
                               port=port)
    check.true(name + ' against a closed port: exit 0, nothing printed',
               results['py'].returncode == 0 and results['py'].stdout == '', repr(results['py']))

    ends = {}
    for impl in ('py', 'cpp'):
        with _common.Server(programs.cmd(impl, name, HOST, '70000')) as client:
            logged = _common.wait_until(lambda: 'OverflowError' in stderr_so_far(client))
            running = client.proc.poll() is None
            result = client.stop()
        check.true('%s (%s) with port 70000: logs the error and keeps running' % (name, impl),
                   logged and running, result.stderr)
        check.true('%s (%s) with port 70000: SIGTERM, exit 0' % (name, impl),
                   result.returncode == 0, repr(result.returncode))
        ends[impl] = '%r\n%s\n' % (result.stdout, '\n'.join(stderr_ends(result.stderr)))
    check.equal(name + ' with port 70000: stdout and stderr', ends['py'], ends['cpp'])

    ends = {}
    for impl in ('py', 'cpp'):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
            listener.bind((HOST, 0))
            listener.listen(1)
            listener.settimeout(SOCKET_TIMEOUT)
            port = listener.getsockname()[1]
            proc = subprocess.Popen(programs.cmd(impl, name, HOST, port), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                out = err = b''
                conn, _ = listener.accept()
                with conn:
                    conn.settimeout(SOCKET_TIMEOUT)
                    proc.stdin.write(b'hello\nsecond line\n')
                    proc.stdin.flush()
                    received = conn.recv(1024)
                    conn.sendall(b'\xff\xfe not utf-8')
                    rest = read_to_end(conn)  # the client drops the connection
                out, err = proc.communicate(timeout=RUN_TIMEOUT)
            finally:
                if proc.poll() is None:
                    proc.kill()
                proc.wait()
        ends[impl] = 'exit status %r\nstdout: %r\nsent: %r then %r\n%s\n' % (
            proc.returncode, out.decode(errors='backslashreplace'), received, rest,
            '\n'.join(stderr_ends(err.decode(errors='backslashreplace'))))
    check.equal(name + ' answered bytes that are not UTF-8', ends['py'], ends['cpp'])
    check.true(name + ' answered bytes that are not UTF-8: python exits 0',
               ends['py'].startswith('exit status 0\n'), ends['py'])


TESTS = [test_logger_pairs, test_timestamp_pairs, test_echo_pairs, test_logger_clients,
         test_logger_ipv6, test_timestamp_server_clients, test_echo_clients, test_chat,
         test_chat_burst, test_signals, test_bad_arguments, test_timestamp_client_failures]


def main():
    def extra(parser):
        parser.add_argument('--twisted-python', default='/usr/bin/python3',
                            help='a Python that has Twisted (default: /usr/bin/python3)')
        parser.add_argument('-k', dest='only', help='only the tests whose name contains this')

    args = _common.parse_args(extra=extra)
    missing = _common.missing_programs(
        args.examples, args.seeds, TWINS + PEERS,
        sorted(TWISTED_SEEDS) + ['socket_binary_client', 'socket_echo_client',
                                 's004_tcp_timestamp_server', 's004_tcp_timestamp_client'])
    if missing:
        print('SKIP: missing programs: ' + ' '.join(missing), flush=True)
        return _common.SKIP
    # The servers must get SIGINT's default action from us, whatever ours was (a shell's
    # background job starts with SIGINT ignored, and Python, then Twisted, would keep that).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    reason = twisted_unavailable_reason(args.twisted_python)
    if reason:
        print('NOTE: comparisons with the Twisted programs are skipped: ' + reason, flush=True)
    programs = Programs(args.examples, args.seeds, args.twisted_python, reason)
    check = _common.Checker()
    skipped = []

    def run_one(test, check_, programs_, tmp):
        try:
            test(check_, programs_, tmp)
        except Skip as e:
            skipped.append(test.__name__)
            print('skip  %s: %s' % (test.__name__, e), flush=True)

    tests = [lambda c, p, t, test=test: run_one(test, c, p, t) for test in TESTS]
    for wrapper, test in zip(tests, TESTS):
        wrapper.__name__ = test.__name__
    started = time.monotonic()
    _common.run_tests(check, tests, programs, None, args.only)
    print('(%.1f s)' % (time.monotonic() - started), flush=True)
    if check.passed == 0 and not check.failures:
        print('SKIP: nothing could run (%s)' % ', '.join(skipped), flush=True)
        return _common.SKIP
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
