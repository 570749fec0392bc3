#!/usr/bin/env python3
"""The `netkit` command-line tool, end to end (SPEC.md section 4, docs/cli.md).

Run by ctest as: cli.py --examples DIR --seeds DIR --app PATH (PATH 'none': skipped, exit 77).
Everything runs on loopback or on Unix sockets in a private temporary directory; ports come
from the kernel (--port 0, or a socket bound to port 0); every subprocess and every socket has a
timeout, and every process started here is killed and reaped.
"""
import argparse
import ast
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

APP = None
SEEDS = None
TIMEOUT = 15  # seconds, for any one subprocess
STOP_TIMEOUT = 5  # how long a server may take to exit after SIGTERM ("promptly")
MESSAGE = 'This is the message. It will be repeated.'
MODELS = ('blocking', 'thread', 'fork')
TRANSPORTS = ('tcp', 'udp', 'unix')


def run(*args, timeout=TIMEOUT):
    return subprocess.run([APP, *args], capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def run_seed(name, *args):
    return subprocess.run([sys.executable, os.path.join(SEEDS, name), *args],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def seed_echo(output):
    """The bytes a seed client printed as "received b'...'" lines, joined."""
    data = b''
    for line in output.splitlines():
        if line.startswith('received '):
            data += ast.literal_eval(line[len('received '):])
    return data


def unreaped_children(pid, timeout=None):
    """The exited children of pid still waiting to be reaped, once they are gone or (bounded)
    `timeout` (default STOP_TIMEOUT) has passed: nothing announces a reap, so poll /proc."""
    deadline = time.monotonic() + (STOP_TIMEOUT if timeout is None else timeout)
    while True:
        zombies = [child for child in children_of(pid) if not alive(child)]
        if not zombies or time.monotonic() > deadline:
            return zombies
        time.sleep(0.05)


def children_of(pid):
    """Pids whose parent is pid, from /proc/*/stat (/proc/PID/task/*/children may be absent)."""
    kids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                stat = f.read()
        except OSError:
            continue  # gone meanwhile
        fields = stat[stat.rindex(')') + 2:].split()
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids


def alive(pid):
    """True if pid exists and is not a zombie."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rindex(')') + 2] != 'Z'


class Server:
    """`netkit echo-server ARGS`, started and stopped; the first line gives the address."""

    def __init__(self, *args, preexec_fn=None):
        self.proc = subprocess.Popen([APP, 'echo-server', *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     text=True, preexec_fn=preexec_fn)
        # Readiness = the first line; read in a thread so that the wait is bounded.
        result = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(TIMEOUT)
        line = result[0] if result else ''
        if not line.startswith('listening on '):
            self.kill()
            raise AssertionError(f'no "listening on" line from the server: {line!r}, '
                                 f'stderr {self.proc.stderr.read()!r}')
        self.where = line[len('listening on '):].strip()

    @property
    def pid(self):
        return self.proc.pid

    @property
    def port(self):
        return int(self.where.rsplit(':', 1)[1])

    def stop(self, signo=signal.SIGTERM):
        """Sends signo and returns the exit status (None if it did not exit in time)."""
        self.proc.send_signal(signo)
        try:
            return self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(TIMEOUT)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()


class Help(unittest.TestCase):
    def test_every_subcommand_has_help(self):
        for sub in ([], ['tour'], ['resolve'], ['echo-server'], ['echo-client']):
            with self.subTest(sub=sub):
                r = run(*sub, '--help')
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn('Usage', r.stdout)

    def test_usage_errors_exit_2(self):
        cases = [
            [],
            ['no-such-command'],
            ['tour', 'extra'],
            ['resolve'],
            ['resolve', '--family', '5', 'localhost'],
            ['resolve', '--type', 'raw', 'localhost'],
            ['resolve', '--hostname', 'localhost'],
            ['echo-server', '--model', 'nonsense'],
            ['echo-server', '--port', '70000'],
            ['echo-server', '--tcp', '--udp'],
            ['echo-server', '--unix', 'x.sock', '--port', '0'],
            ['echo-server', '--model', 'blocking', '--threads', '2'],
            ['echo-client'],
            ['echo-client', '127.0.0.1'],
            ['echo-client', '127.0.0.1', 'notaport'],
            ['echo-client', '--unix', '/nonexistent.sock', '127.0.0.1', '1'],
            ['echo-client', '--tcp', '--udp', '127.0.0.1', '1'],
        ]
        for args in cases:
            with self.subTest(args=args):
                r = run(*args)
                self.assertEqual(r.returncode, 2, (r.stdout, r.stderr))
                self.assertEqual(r.stdout, '')
                self.assertNotEqual(r.stderr, '')

    # (select, poll, epoll and selectors are tested in cli_select.py, the socketserver models in
    # cli_socketserver.py, the reactor, the default model, in cli_reactor.py.)


def tour_section(test, title):
    """The text of `netkit tour`'s section `title`: from after its '== title ==' line up to the
    next section (with its newline back). The tour must exit 0."""
    r = run('tour')
    test.assertEqual(r.returncode, 0, r.stdout + r.stderr)
    return r.stdout.split(f'== {title} ==\n', 1)[1].split('\n== ', 1)[0] + '\n'


class Tour(unittest.TestCase):
    def test_tour(self):
        r = run('tour')
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        for title in ('TCP echo', 'UDP echo', 'Unix stream echo', 'socketpair',
                      'name resolution'):
            self.assertIn(f'== {title} ==', r.stdout)
        self.assertNotIn('FAILED', r.stdout)
        self.assertIn(f"received b'{MESSAGE}'", r.stdout)
        self.assertIn("getservbyname('http', 'tcp') = 80", r.stdout)
        http = tour_section(self, 'HTTP')
        self.assertIn("urlopen /hello: 200 OK, b'Hello, World!'", http)
        self.assertIn('urlopen /missing: HTTP Error 404: File not found', http)


def constants(prefix):
    """Python's names for socket constants, built as the seed socket_getaddrinfo.py does."""
    return {getattr(socket, n): n for n in dir(socket) if n.startswith(prefix)}


class Resolve(unittest.TestCase):
    def expected_lines(self, *args, **kwargs):
        families, types, protos = constants('AF_'), constants('SOCK_'), constants('IPPROTO_')
        return [f'{families[f]} {types[t]} {protos[p]} {sa!r}' + (f' canonname={c!r}' if c else '')
                for f, t, p, c, sa in socket.getaddrinfo(*args, **kwargs)]

    def test_localhost_matches_python(self):
        for args, kwargs, cli in [
            (('localhost', 'http'), {}, ['localhost', 'http']),
            (('localhost', None), {}, ['localhost']),
            (('127.0.0.1', 8080), {'type': socket.SOCK_DGRAM},
             ['--type', 'dgram', '127.0.0.1', '8080']),
            (('localhost', 80), {'family': socket.AF_INET, 'flags': socket.AI_CANONNAME},
             ['--family', '4', '--canonname', 'localhost', '80']),
            (('::1', 'ssh'), {'family': socket.AF_INET6}, ['--family', '6', '::1', 'ssh']),
        ]:
            with self.subTest(cli=cli):
                r = run('resolve', *cli)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.splitlines(), self.expected_lines(*args, **kwargs))

    def test_json(self):
        r = run('resolve', '--json', '--canonname', 'localhost', 'http')
        self.assertEqual(r.returncode, 0, r.stderr)
        got = [json.loads(line) for line in r.stdout.splitlines()]
        want = socket.getaddrinfo('localhost', 'http', flags=socket.AI_CANONNAME)
        self.assertEqual(len(got), len(want))
        for g, (f, t, p, c, sa) in zip(got, want):
            self.assertEqual(list(g), ['family', 'type', 'proto', 'canonname', 'sockaddr'])
            self.assertEqual(g['family'], socket.AddressFamily(f).name)
            self.assertEqual(g['type'], socket.SocketKind(t).name)
            self.assertEqual(g['canonname'], c)
            self.assertEqual(g['sockaddr'], list(sa))

    def test_other_lookups(self):
        r = run('resolve', '--hostname')
        self.assertEqual((r.returncode, r.stdout), (0, socket.gethostname() + '\n'))
        r = run('resolve', '--fqdn', 'localhost')
        self.assertEqual((r.returncode, r.stdout), (0, socket.getfqdn('localhost') + '\n'))
        r = run('resolve', '--json', '--reverse', '127.0.0.1')
        self.assertEqual(r.returncode, 0, r.stderr)
        name, aliases, addresses = socket.gethostbyaddr('127.0.0.1')
        self.assertEqual(json.loads(r.stdout),
                         {'hostname': name, 'aliases': aliases, 'addresses': addresses})
        r = run('resolve', '--reverse', '127.0.0.1')
        self.assertEqual(r.stdout, f'Hostname : {name}\nAliases : {aliases}\n'
                                   f'Addresses: {addresses}\n')

    def test_failure_exits_1(self):
        # Rejected by getaddrinfo itself (numeric host, wrong family): no DNS query is sent.
        r = run('resolve', '--family', '6', '127.0.0.1')
        self.assertEqual(r.returncode, 1)
        self.assertIn('Address family for hostname not supported', r.stderr)


class EchoChecks:
    """Every model in MODELS × every transport in TRANSPORTS against the clients (a mixin, not a
    test by itself: cli_select.py runs it for the readiness models)."""
    MODELS = MODELS
    TRANSPORTS = TRANSPORTS

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='netkit-cli-')
        self.addCleanup(self.tmp.cleanup)

    def start(self, model, transport, *extra):
        args = ['--model', model, *extra]
        if transport == 'unix':
            self.path = os.path.join(self.tmp.name, f'{model}.sock')
            args += ['--unix', self.path]
        else:
            args += [f'--{transport}', '--port', '0']
        return Server(*args)

    def client_args(self, server, transport):
        if transport == 'unix':
            return ['--unix', server.where]
        return [f'--{transport}', '127.0.0.1', str(server.port)]

    def connect(self, server, transport):
        if transport == 'unix':
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(TIMEOUT)
            s.connect(server.where)
        elif transport == 'tcp':
            s = socket.create_connection(('127.0.0.1', server.port), timeout=TIMEOUT)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(TIMEOUT)
            s.connect(('127.0.0.1', server.port))
        self.addCleanup(s.close)
        return s

    def exchange(self, s, transport, data):
        s.sendall(data)
        if transport == 'udp':
            return s.recv(65536)
        got = b''
        while len(got) < len(data):
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        return got

    def check_clients(self, server, transport):
        r = run('echo-client', *self.client_args(server, transport))
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, MESSAGE + '\n', ''))
        r = run('echo-client', *self.client_args(server, transport), '--message', 'hello, world')
        self.assertEqual((r.returncode, r.stdout), (0, 'hello, world\n'), r.stderr)
        if transport == 'unix':
            seed = ['socket_echo_client_uds.py', server.where]
        else:
            seed = [{'tcp': 'socket_echo_client.py', 'udp': 'socket_echo_client_dgram.py'}[transport],
                    '127.0.0.1', str(server.port)]
        r = run_seed(*seed)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(seed_echo(r.stdout), MESSAGE.encode())
        # A larger message, sent and echoed in several pieces.
        big = bytes(range(256)) * (256 if transport != 'udp' else 16)
        s = self.connect(server, transport)
        self.assertEqual(self.exchange(s, transport, big), big)
        s.close()  # a pool thread (--threads N) serves one connection at a time

    def check_sigint(self, model):
        """SIGINT ends the server (TCP, a client served first) with status 0, as SIGTERM does."""
        with self.start(model, 'tcp') as server:
            s = self.connect(server, 'tcp')
            self.assertEqual(self.exchange(s, 'tcp', b'ping'), b'ping')
            self.assertEqual(server.stop(signal.SIGINT), 0)

    def check_concurrent(self, server, transport, n=5):
        # All connected before anyone is served: a server that handles one client at a time
        # would never answer the second while the first stays open.
        socks = [self.connect(server, transport) for _ in range(n)]
        for i, s in reversed(list(enumerate(socks))):
            data = f'client {i}'.encode()
            self.assertEqual(self.exchange(s, transport, data), data)
        for s in socks:
            s.close()

    def test_models(self):
        for model in self.MODELS:
            for transport in self.TRANSPORTS:
                with self.subTest(model=model, transport=transport):
                    self.run_model(model, transport)

    def run_model(self, model, transport):
        with self.start(model, transport) as server:
            if transport == 'unix':
                self.assertEqual(server.where, self.path)
            else:
                self.assertTrue(server.where.startswith('127.0.0.1:'), server.where)
                self.assertNotEqual(server.port, 0)
            self.check_clients(server, transport)
            if model != 'blocking':
                self.check_concurrent(server, transport)
            # Clients still connected (mid-session) when the signal comes.
            # (The blocking model serves one of them only: the other waits in the backlog.)
            held = [self.connect(server, transport) for _ in range(1 if model == 'blocking' else 2)]
            for s in held:
                self.assertEqual(self.exchange(s, transport, b'ping'), b'ping')
            kids = children_of(server.pid)
            if model == 'fork' and transport != 'udp':
                self.assertGreaterEqual(len(kids), 2, 'one child per open connection')
            self.assertEqual(server.stop(), 0, server.proc.stderr.read())
            for pid in kids:
                self.assertFalse(alive(pid), f'child {pid} outlived the server')
            if transport == 'unix':
                self.assertFalse(os.path.exists(self.path), 'socket file left behind')

    def connect_non_reader(self, server):
        """A TCP client, non-blocking, with a small receive buffer: one that never reads."""
        s = self.connect(server, 'tcp')
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.setblocking(False)
        return s

    def test_sigterm_while_client_does_not_read(self):
        # The server blocks writing to a client that never reads; SIGTERM must still win.
        for model in self.MODELS:
            with self.subTest(model=model), self.start(model, 'tcp') as server:
                s = self.connect_non_reader(server)
                chunk = b'x' * 65536
                sent = 0
                try:
                    while sent < 64 * 1024 * 1024:
                        sent += s.send(chunk)
                except BlockingIOError:
                    pass  # both directions full: the server is stuck in send
                kids = children_of(server.pid)
                self.assertEqual(server.stop(), 0)
                for pid in kids:
                    self.assertFalse(alive(pid))


class EchoServer(EchoChecks, unittest.TestCase):
    def test_fork_reaps_children(self):
        with self.start('fork', 'tcp') as server:
            for _ in range(3):
                r = run('echo-client', '127.0.0.1', str(server.port))
                self.assertEqual(r.returncode, 0, r.stderr)
            # Each child exits when its client closes, and the server reaps it on SIGCHLD:
            # wait (bounded) for the zombies to go.
            self.assertEqual(unreaped_children(server.pid), [], 'exited children not reaped')
            self.assertEqual(server.stop(), 0)

    def test_thread_pool(self):
        for transport in TRANSPORTS:
            with self.subTest(transport=transport):
                with self.start('thread', transport, '--threads', '3') as server:
                    self.check_clients(server, transport)
                    self.check_concurrent(server, transport, n=3)
                    self.assertEqual(server.stop(), 0)

    def test_sigint(self):
        self.check_sigint('thread')


class EchoClient(unittest.TestCase):
    def test_connection_refused(self):
        # Bound but not listening: a connect gets a RST, on a port nobody else can take.
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            r = run('echo-client', '127.0.0.1', str(s.getsockname()[1]))
        self.assertEqual(r.returncode, 1)
        self.assertIn('Connection refused', r.stderr)
        self.assertEqual(r.stdout, '')

    def test_udp_refused_or_silent(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(('127.0.0.1', 0))
            port = s.getsockname()[1]
            # Bound but never answering: the client gives up after its timeout.
            r = run('echo-client', '--udp', '--timeout', '0.5', '127.0.0.1', str(port))
            self.assertEqual(r.returncode, 1)
            self.assertIn('timed out', r.stderr)
        # Closed now: ICMP port unreachable comes back as ECONNREFUSED.
        r = run('echo-client', '--udp', '127.0.0.1', str(port))
        self.assertEqual(r.returncode, 1)
        self.assertIn('Connection refused', r.stderr)

    def test_unix_missing(self):
        with tempfile.TemporaryDirectory(prefix='netkit-cli-') as tmp:
            r = run('echo-client', '--unix', os.path.join(tmp, 'nothing.sock'))
        self.assertEqual(r.returncode, 1)
        self.assertIn('No such file or directory', r.stderr)

    def test_against_python_seed_servers(self):
        """netkit echo-client against the seed's own echo servers (TCP, UDP)."""
        with socket.socket() as probe:  # a free port for the seed server, found by binding 0
            probe.bind(('127.0.0.1', 0))
            port = probe.getsockname()[1]
        for seed, flag in (('socket_echo_server.py', '--tcp'),
                           ('socket_echo_server_dgram.py', '--udp')):
            with self.subTest(seed=seed):
                proc = subprocess.Popen([sys.executable, '-u', os.path.join(SEEDS, seed),
                                         '127.0.0.1', str(port)], stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                        text=True)
                try:
                    # "starting up on ..." comes before bind; the line after it ("waiting for
                    # a connection" / "waiting to receive message") after bind (and listen).
                    first = proc.stdout.readline()
                    self.assertTrue(first.startswith('starting up on'), first)
                    ready = proc.stdout.readline().strip() or proc.stdout.readline().strip()
                    self.assertTrue(ready.startswith('waiting'), ready)
                    r = run('echo-client', flag, '127.0.0.1', str(port))
                    self.assertEqual((r.returncode, r.stdout), (0, MESSAGE + '\n'), r.stderr)
                finally:
                    proc.kill()
                    proc.wait(TIMEOUT)
                    proc.stdout.close()


def main():
    global APP, SEEDS
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--examples')
    parser.add_argument('--seeds', required=True)
    parser.add_argument('--app', required=True)
    args, rest = parser.parse_known_args()
    if args.app == 'none' or not os.path.exists(args.app):
        print(f'skipped: no netkit binary ({args.app})')
        return 77
    APP, SEEDS = os.path.abspath(args.app), os.path.abspath(args.seeds)
    program = unittest.main(argv=[sys.argv[0], '-v', *rest], exit=False)
    return 0 if program.result.wasSuccessful() else 1


if __name__ == '__main__':
    sys.exit(main())
