#!/usr/bin/env python3
"""`netkit echo-server --model socketserver-threading|socketserver-forking` and the tour's
socketserver threading section, end to end (docs/cli.md).

Run by ctest as: cli_socketserver.py --examples DIR --seeds DIR --app PATH (PATH 'none':
skipped, exit 77). Both models × {tcp, udp, unix, unix-dgram} against `netkit echo-client`, the
seed clients (Python) and 5 concurrent raw clients; SIGTERM and SIGINT with clients connected
(and with a client that does not read) end the server promptly with status 0, the forking
model leaving no child behind (checked in /proc); `--threads N` (pool_mixin); the tour.

Loopback and Unix sockets in a private directory only; ports from the kernel; every
subprocess, socket and wait is bounded; every process started here is killed and reaped.
"""
import os
import socket
import sys
import time
import unittest

sys.dont_write_bytecode = True  # importing cli.py must leave no __pycache__ in the source tree
import cli as base  # noqa: E402  (the Server wrapper and the per-model checks of cli.py)

MODELS = ('socketserver-threading', 'socketserver-forking')
# unix-dgram: `--udp --unix PATH`, a Unix datagram server (socketserver models only).
TRANSPORTS = ('tcp', 'udp', 'unix', 'unix-dgram')


class Models(base.EchoChecks, unittest.TestCase):
    """cli.py's checks (clients, 5 concurrent clients, SIGTERM with clients connected or not
    reading, the Unix socket file removed) for both socketserver models, plus Unix datagrams."""
    MODELS = MODELS
    TRANSPORTS = TRANSPORTS

    def start(self, model, transport, *extra):
        if transport == 'unix-dgram':
            self.path = os.path.join(self.tmp.name, f'{model}.dgram.sock')
            return base.Server('--model', model, *extra, '--udp', '--unix', self.path)
        return super().start(model, transport, *extra)

    def client_args(self, server, transport):
        if transport == 'unix-dgram':
            return ['--udp', '--unix', server.where]
        return super().client_args(server, transport)

    def connect(self, server, transport):
        if transport != 'unix-dgram':
            return super().connect(server, transport)
        # A datagram client needs an address of its own for the echo to come back to.
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(s.close)
        s.settimeout(base.TIMEOUT)
        s.bind(os.path.join(self.tmp.name, f'client-{id(s)}.sock'))
        s.connect(server.where)
        return s

    def exchange(self, s, transport, data):
        if transport == 'unix-dgram':
            s.send(data)
            return s.recv(65536)
        return super().exchange(s, transport, data)

    def check_clients(self, server, transport):
        if transport != 'unix-dgram':
            super().check_clients(server, transport)
            return
        # No seed client speaks Unix datagrams: netkit echo-client and a raw Python client.
        r = base.run('echo-client', *self.client_args(server, transport))
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, base.MESSAGE + '\n', ''))
        r = base.run('echo-client', *self.client_args(server, transport), '-m', 'hello, world')
        self.assertEqual((r.returncode, r.stdout), (0, 'hello, world\n'), r.stderr)
        big = bytes(range(256)) * 16
        s = self.connect(server, transport)
        self.assertEqual(self.exchange(s, transport, big), big)
        s.close()

    def run_model(self, model, transport):
        stream = transport in ('tcp', 'unix')
        with self.start(model, transport) as server:
            if transport.startswith('unix'):
                self.assertEqual(server.where, self.path)
            else:
                self.assertTrue(server.where.startswith('127.0.0.1:'), server.where)
                self.assertNotEqual(server.port, 0)
            self.check_clients(server, transport)
            self.check_concurrent(server, transport, n=5)
            # Clients still connected (mid-session) when the signal comes.
            held = [self.connect(server, transport) for _ in range(2)]
            for s in held:
                self.assertEqual(self.exchange(s, transport, b'ping'), b'ping')
            kids = base.children_of(server.pid)
            if model == 'socketserver-forking' and stream:
                self.assertGreaterEqual(len(kids), 2, 'one child per open connection')
            started = time.monotonic()
            self.assertEqual(server.stop(), 0, server.proc.stderr.read())
            self.assertLess(time.monotonic() - started, base.STOP_TIMEOUT)
            self.assertEqual(server.proc.stderr.read(), '')
            for pid in kids:
                self.assertFalse(base.alive(pid), f'child {pid} outlived the server')
            if transport.startswith('unix'):
                self.assertFalse(os.path.exists(self.path), 'socket file left behind')

    def test_sigint(self):
        for model in MODELS:
            with self.subTest(model=model):
                self.check_sigint(model)

    def test_sigterm_with_many_clients_connected(self):
        """Ten clients connected and idle (threads blocked reading, or children): SIGTERM ends
        the server at once; no request thread or child is waited for."""
        for model in MODELS:
            for transport in ('tcp', 'unix'):
                with self.subTest(model=model, transport=transport), \
                        self.start(model, transport) as server:
                    socks = [self.connect(server, transport) for _ in range(10)]
                    for i, s in enumerate(socks):
                        self.assertEqual(self.exchange(s, transport, b'%d' % i), b'%d' % i)
                    kids = base.children_of(server.pid)
                    if model == 'socketserver-forking':
                        self.assertEqual(len(kids), 10)
                    self.assertEqual(server.stop(), 0)
                    for pid in kids:
                        self.assertFalse(base.alive(pid), f'child {pid} outlived the server')
                    # The server closed every connection on its way out.
                    for s in socks:
                        self.assertEqual(s.recv(16), b'')

    def test_threads_pool(self):
        """--threads N: pool_mixin, N workers; N clients at once, the next ones queued."""
        for transport in TRANSPORTS:
            with self.subTest(transport=transport), \
                    self.start('socketserver-threading', transport, '--threads', '3') as server:
                self.check_clients(server, transport)
                self.check_concurrent(server, transport, n=3)
                held = [self.connect(server, transport) for _ in range(3)]
                for s in held:
                    self.assertEqual(self.exchange(s, transport, b'ping'), b'ping')
                self.assertEqual(server.stop(), 0)
                self.assertEqual(server.proc.stderr.read(), '')

    def test_pool_queues_beyond_its_workers(self):
        """With 2 workers busy on 2 open connections, a third client waits in the queue and is
        served as soon as a worker is free."""
        with self.start('socketserver-threading', 'tcp', '--threads', '2') as server:
            busy = [self.connect(server, 'tcp') for _ in range(2)]
            for s in busy:
                self.assertEqual(self.exchange(s, 'tcp', b'busy'), b'busy')
            waiting = self.connect(server, 'tcp')
            waiting.sendall(b'queued')
            busy[0].close()  # frees a worker, which takes the queued connection
            got = b''
            while len(got) < len(b'queued'):
                chunk = waiting.recv(64)
                if not chunk:
                    break
                got += chunk
            self.assertEqual(got, b'queued')
            self.assertEqual(server.stop(), 0)

    def test_forking_reaps_children(self):
        with self.start('socketserver-forking', 'tcp') as server:
            for _ in range(3):
                r = base.run('echo-client', '127.0.0.1', str(server.port))
                self.assertEqual(r.returncode, 0, r.stderr)
            # Each child exits when its client closes; forking_mixin reaps it at the next
            # service_actions (every poll_interval, 0.5 s): wait, bounded, for the zombies.
            self.assertEqual(base.unreaped_children(server.pid), [], 'exited children not reaped')
            self.assertEqual(server.stop(), 0)

    def test_forking_udp_one_child_per_datagram_none_left(self):
        for transport in ('udp', 'unix-dgram'):
            with self.subTest(transport=transport), \
                    self.start('socketserver-forking', transport) as server:
                s = self.connect(server, transport)
                for i in range(20):
                    self.assertEqual(self.exchange(s, transport, b'%d' % i), b'%d' % i)
                kids = base.children_of(server.pid)
                self.assertEqual(server.stop(), 0)
                for pid in kids:
                    self.assertFalse(base.alive(pid))

    def test_usage(self):
        for args in (['--model', 'socketserver-forking', '--threads', '2'],
                     ['--model', 'thread', '--udp', '--unix', 'x.sock'],
                     ['--model', 'socketserver-threading', '--threads', '0']):
            with self.subTest(args=args):
                r = base.run('echo-server', '--port', '0', *args) if '--unix' not in args \
                    else base.run('echo-server', *args)
                self.assertEqual(r.returncode, 2, (r.stdout, r.stderr))
                self.assertEqual(r.stdout, '')


class Tour(unittest.TestCase):
    def test_socketserver_threading_section(self):
        section = base.tour_section(self, 'socketserver threading')
        self.assertIn('threading_tcp_server listening on (\'127.0.0.1\', ', section)
        for i in (1, 2):
            self.assertIn(f"client {i} received b'client {i}: {base.MESSAGE}\\n'", section)
        self.assertIn('active_threads() = 2', section)
        self.assertIn('active_threads() = 0', section)
        self.assertIn('\n  ok\n', section)
        self.assertNotIn('FAILED', section)


def main():
    # cli.py's: parses --app/--seeds, skips without a binary, runs this module's tests.
    return base.main()


if __name__ == '__main__':
    sys.exit(main())
