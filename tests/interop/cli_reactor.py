#!/usr/bin/env python3
"""`netkit echo-server --model reactor` (the default model) and the tour's reactor section, end
to end (docs/cli.md).

Run by ctest as: cli_reactor.py --examples DIR --seeds DIR --app PATH (PATH 'none': skipped,
exit 77). cli.py's model checks over TCP, UDP and Unix (`netkit echo-client`, the seed clients,
concurrent raw clients, SIGTERM with clients connected or not reading, the Unix socket file
removed), and: SIGINT; the reactor is what runs without --model; 1,000 concurrent connections
every byte echoed; a client that sends without reading is no longer read from (bounded server
RSS) while another is served; a client that sends 8 MiB before reading gets all of it back;
peer resets mid-stream leave the server serving and silent; out of descriptors (hard limit 64)
the loop does not spin and serves again once descriptors are free; options the reactor model
does not take are usage errors.

Loopback and Unix sockets in a private directory only; ports from the kernel; every
subprocess, socket and wait is bounded; every process started here is killed and reaped.
"""
import os
import resource
import selectors
import socket
import struct
import sys
import time
import unittest

sys.dont_write_bytecode = True  # importing cli.py must leave no __pycache__ in the source tree
import _common  # noqa: E402  (recv_exactly)
import cli as base  # noqa: E402  (the Server wrapper and the per-model checks of cli.py)
import cli_select as readiness  # noqa: E402  (echo_many, payload, cpu_seconds, rss_bytes ...)

MODEL = 'reactor'
STREAMS = ('tcp', 'unix')


def send_until_stuck(sock, limit, stuck_for=1.0):
    """Sends on non-blocking `sock` until it stays unwritable for `stuck_for` seconds or `limit`
    bytes have gone; returns the bytes sent."""
    chunk = b'x' * 65536
    sent = 0
    sel = selectors.DefaultSelector()
    sel.register(sock, selectors.EVENT_WRITE)
    try:
        while sent < limit and sel.select(timeout=stuck_for):
            try:
                sent += sock.send(chunk)
            except BlockingIOError:
                pass
    finally:
        sel.close()
    return sent


class Models(base.EchoChecks, unittest.TestCase):
    """cli.py's checks for the reactor model on TCP and Unix, and more."""
    MODELS = (MODEL,)
    TRANSPORTS = (*STREAMS, 'udp')

    def test_sigint(self):
        self.check_sigint(MODEL)

    def test_reactor_is_the_default(self):
        """Without --model the server is the reactor (help says so; a plain server echoes)."""
        r = base.run('echo-server', '--help')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('reactor (the default', r.stdout)
        with base.Server('--port', '0') as server:
            r = base.run('echo-client', '127.0.0.1', str(server.port))
            self.assertEqual((r.returncode, r.stdout), (0, base.MESSAGE + '\n'), r.stderr)
            self.assertEqual(server.stop(), 0)

    def test_pool(self):
        """--threads 3: three reactors on three threads (SO_REUSEPORT for TCP, hand-off for
        Unix), every check of a single loop, and SIGTERM with clients on every loop."""
        for transport in STREAMS:
            with self.subTest(transport=transport), \
                    self.start(MODEL, transport, '--threads', '3') as server:
                self.check_clients(server, transport)  # served: the loops are running now
                self.assertGreaterEqual(len(os.listdir(f'/proc/{server.pid}/task')), 4)
                self.check_concurrent(server, transport, n=12)
                held = [self.connect(server, transport) for _ in range(6)]
                for s in held:
                    self.assertEqual(self.exchange(s, transport, b'ping'), b'ping')
                self.assertEqual(server.stop(), 0)
                self.assertEqual(server.proc.stderr.read(), '')
                if transport == 'unix':
                    self.assertFalse(os.path.exists(self.path), 'socket file left behind')

    def test_usage(self):
        for args, words in ((['--udp', '--threads', '2'], '--threads applies to TCP and Unix'),
                            (['--udp', '--unix', 'x.sock'], 'not available for --model reactor')):
            for explicit in (True, False):
                with self.subTest(args=args, explicit=explicit):
                    model = ['--model', MODEL] if explicit else []
                    port = [] if '--unix' in args else ['--port', '0']
                    r = base.run('echo-server', *model, *port, *args)
                    self.assertEqual((r.returncode, r.stdout), (2, ''), r.stderr)
                    self.assertIn(words, r.stderr)

    def test_many_clients_at_once(self):
        """1,000 concurrent connections over TCP and over a Unix socket, each sending 4 KiB of
        its own, every byte echoed; the server held all of them open at once."""
        reason = readiness.raise_nofile(2100)
        if reason:
            self.skipTest(reason)
        for transport in STREAMS:
            with self.subTest(transport=transport), self.start(MODEL, transport) as server:
                if transport == 'unix':
                    address, family = server.where, socket.AF_UNIX
                else:
                    address, family = ('127.0.0.1', server.port), socket.AF_INET
                open_fds = []
                got = readiness.echo_many(
                    address, family, readiness.MANY, time.monotonic() + readiness.MANY_DEADLINE,
                    while_open=lambda: open_fds.append(len(os.listdir(f'/proc/{server.pid}/fd'))))
                bad = [i for i in range(readiness.MANY) if got.get(i) != readiness.payload(i)]
                self.assertEqual(bad[:10], [], f'{len(bad)} echoes wrong or missing')
                self.assertGreaterEqual(open_fds[0], readiness.MANY)
                self.assertEqual((server.stop(), server.proc.stderr.read()), (0, ''))

    def test_client_that_never_reads(self):
        """A client that sends without reading: the reactor's flow control stops reading it
        once its queued echo passes the high-water mark, so the client cannot push 64 MiB in
        (it gets stuck after the kernel's buffers, a few MiB) and the server's RSS stays
        bounded; another client is served meanwhile; SIGTERM still ends the server."""
        for transport in STREAMS:
            with self.subTest(transport=transport), self.start(MODEL, transport) as server:
                rss_before = readiness.rss_bytes(server.pid)
                hog = self.connect(server, transport)
                hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                hog.setblocking(False)
                limit = 64 * 1024 * 1024
                sent = send_until_stuck(hog, limit)
                self.assertLess(sent, limit, 'the server read a client that never reads '
                                             'without bound')
                self.assertGreater(sent, 128 * 1024, 'the server stopped reading too early')
                grown = readiness.rss_bytes(server.pid) - rss_before
                self.assertLess(grown, 16 * 1024 * 1024, f'server RSS grew by {grown} bytes '
                                                          f'for {sent} bytes sent')
                other = self.connect(server, transport)
                big = bytes(range(256)) * 512
                self.assertEqual(self.exchange(other, transport, big), big)
                self.assertEqual(server.stop(), 0)

    def test_slow_reader_gets_everything(self):
        """Reading paused for a client whose echo is queued resumes once it drains: a client
        that sends until it is stuck before reading anything, 8 MiB in all, gets all 8 MiB
        back, in order."""
        data = bytes((k * 13) % 256 for k in range(256)) * (32 * 1024)
        for transport in STREAMS:
            with self.subTest(transport=transport), self.start(MODEL, transport) as server:
                s = self.connect(server, transport)
                s.setblocking(False)
                view, got = memoryview(data), bytearray()
                sel = selectors.DefaultSelector()
                sel.register(s, selectors.EVENT_WRITE)
                deadline = time.monotonic() + base.TIMEOUT
                while len(got) < len(data) and time.monotonic() < deadline:
                    ready = sel.select(timeout=0.5)
                    if not ready:  # stuck: the server no longer reads it; now read too
                        sel.modify(s, selectors.EVENT_READ | (selectors.EVENT_WRITE if view else 0))
                    for _, events in ready:
                        if events & selectors.EVENT_WRITE and view:
                            try:
                                view = view[s.send(view[:1 << 20]):]
                            except BlockingIOError:
                                pass
                            if not view:
                                sel.modify(s, selectors.EVENT_READ)
                        if events & selectors.EVENT_READ:
                            try:
                                got += s.recv(65536)
                            except BlockingIOError:
                                pass
                sel.close()
                self.assertEqual(len(got), len(data))
                self.assertTrue(got == data, 'echo differs')
                self.assertEqual(server.stop(), 0)

    def test_peer_reset_mid_stream(self):
        """Clients that reset their connection (SO_LINGER 0) while their echo is in flight or
        queued: the server drops them quietly and serves the next client."""
        for transport in STREAMS:
            with self.subTest(transport=transport), self.start(MODEL, transport) as server:
                for _ in range(5):
                    s = self.connect(server, transport)
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
                    s.setblocking(False)
                    send_until_stuck(s, 4 * 1024 * 1024, stuck_for=0.2)
                    if transport == 'tcp':  # a TCP RST; a Unix socket just goes away
                        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
                    s.close()
                r = base.run('echo-client', *self.client_args(server, transport))
                self.assertEqual((r.returncode, r.stdout), (0, base.MESSAGE + '\n'), r.stderr)
                self.assertEqual(server.stop(), 0)
                self.assertEqual(server.proc.stderr.read(), '')

    def test_sigterm_with_idle_clients(self):
        """Ten idle clients connected: SIGTERM ends the server at once with status 0, each
        client sees its connection end, and the Unix socket file is removed."""
        for transport in STREAMS:
            with self.subTest(transport=transport), self.start(MODEL, transport) as server:
                clients = [self.connect(server, transport) for _ in range(10)]
                for s in clients:
                    self.assertEqual(self.exchange(s, transport, b'hi'), b'hi')
                started = time.monotonic()
                self.assertEqual(server.stop(), 0)
                self.assertLess(time.monotonic() - started, base.STOP_TIMEOUT)
                for s in clients:
                    try:
                        self.assertEqual(s.recv(16), b'')
                    except ConnectionResetError:
                        pass  # also an end
                if transport == 'unix':
                    self.assertFalse(os.path.exists(self.path))


class Limits(unittest.TestCase):
    def test_emfile_does_not_spin(self):
        self.check_emfile()

    def test_emfile_does_not_spin_with_a_pool(self):
        # Regression: another loop's thread could take the descriptor shed_one() freed; the
        # port then lost its spare for good and every loop spun on EMFILE. Now a port that
        # cannot shed stops watching its listener for a while (backoff) instead.
        self.check_emfile('--threads', '2')

    def check_emfile(self, *extra):
        """Out of descriptors (hard limit 64), each waiting connection is accepted and closed
        at once (the listening port's spare descriptor) instead of the loop spinning on a
        listener that stays readable; a log line says so; the connections already open are
        still echoed; once they close, new ones are served again. The server's CPU time over a
        window of at least a second, while clients keep connecting, shows whether it spins."""
        limit = 64

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        with base.Server('--model', MODEL, '--port', '0', *extra, preexec_fn=low_limit) \
                as server:
            address = ('127.0.0.1', server.port)
            held = []  # connections the server has taken: its descriptors stay used
            try:
                # Fill the table with a burst of more clients than it has room for: the
                # server takes what it can and sheds the rest (closed without an echo). A
                # pool's port that lost its spare to another loop's thread backs off instead:
                # its clients wait in the backlog (no answer within a second, then dropped).
                pooled = bool(extra)
                burst = [socket.create_connection(address, timeout=base.TIMEOUT)
                         for _ in range(limit + 16)]
                for s in burst:
                    if pooled:
                        s.settimeout(1.0)
                    try:
                        s.sendall(b'ping')
                        answer = s.recv(16)
                    except (ConnectionError, TimeoutError):
                        answer = b''
                    if answer == b'ping':
                        held.append(s)
                    else:
                        s.close()
                self.assertGreater(len(held), limit // 2)
                self.assertLess(len(held), limit)
                # Out of descriptors now; clients keep coming, one every 20 ms for a second
                # (paced, so that the server's legitimate work stays small), and are shed.
                before, started = readiness.cpu_seconds(server.pid), time.monotonic()
                shed = 0
                for k in range(50):
                    with socket.create_connection(address, timeout=base.TIMEOUT) as s:
                        if pooled:
                            continue
                        try:
                            shed += s.recv(16) == b''
                        except ConnectionResetError:
                            shed += 1
                    pause = started + 0.02 * (k + 1) - time.monotonic()
                    if pause > 0:
                        time.sleep(pause)  # pacing the load, not a synchronisation
                elapsed = time.monotonic() - started
                used = readiness.cpu_seconds(server.pid) - before
                if not pooled:
                    self.assertEqual(shed, 50,
                                     'a connection was served while out of descriptors')
                self.assertLess(used, 0.5 * elapsed, f'the loop spins: {used:.2f} s of CPU in '
                                                     f'{elapsed:.2f} s')
                # Not stopped serving: the held connections still echo.
                for s in held[:3]:
                    s.sendall(b'still here')
                    self.assertEqual(_common.recv_exactly(s, 10), b'still here')
            finally:
                for s in held:
                    s.close()
            # Descriptors free up as the server sees those go: it serves again (polled, bounded).
            deadline = time.monotonic() + base.TIMEOUT
            while True:
                r = base.run('echo-client', '127.0.0.1', str(server.port))
                if r.returncode == 0 and r.stdout == base.MESSAGE + '\n':
                    break
                self.assertLess(time.monotonic(), deadline, 'never served again')
            self.assertEqual(server.stop(), 0)
            log = server.proc.stderr.read()
            if not extra:  # (a pool's ports are its own: the server cannot count for them)
                self.assertIn('Too many open files', log)
                self.assertIn('out of descriptors', log)


class Tour(unittest.TestCase):
    def test_reactor_section(self):
        section = base.tour_section(self, 'reactor')
        self.assertIn("listen_tcp(0, echo factory) on ('127.0.0.1', ", section)
        self.assertIn(f"client sent     b'{base.MESSAGE}'", section)
        self.assertIn(f"client received b'{base.MESSAGE}'", section)
        self.assertIn('client connection_lost: clean close', section)
        self.assertIn('call_later(0.05, fn): fn ran after 0.05 s', section)
        self.assertIn("call_from_thread(fn) from a worker thread: fn ran on the reactor's thread",
                      section)
        self.assertIn("server line_received('hello') -> send_line('HELLO')", section)
        self.assertIn("client line_received('HELLO')\n  client line_received('REACTOR')\n",
                      section)
        self.assertIn('\n  ok\n', section)
        self.assertNotIn('FAILED', section)


def main():
    # cli.py's: parses --app/--seeds, skips without a binary, runs this module's tests.
    return base.main()


if __name__ == '__main__':
    sys.exit(main())
