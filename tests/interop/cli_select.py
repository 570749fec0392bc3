#!/usr/bin/env python3
"""`netkit echo-server --model select|poll|epoll|selectors` and the tour's selectors section,
end to end (docs/cli.md).

Run by ctest as: cli_select.py --examples DIR --seeds DIR --app PATH (PATH 'none': skipped, exit
77). Each readiness model × {tcp, unix, udp} against `netkit echo-client`, the seed clients and
concurrent raw clients; SIGTERM and SIGINT with clients connected; a client that never reads
does not hold up another one and does not make the server buffer without bound; EMFILE does
not make the loop spin; select refuses descriptors >= FD_SETSIZE and keeps serving; and the
issue's proof: 1,000 concurrent connections per model, every byte echoed intact.

Loopback and Unix sockets in a private directory only; ports from the kernel; every
subprocess, socket and wait is bounded; every process started here is killed and reaped.
"""
import os
import resource
import selectors
import socket
import sys
import tempfile
import time
import unittest

sys.dont_write_bytecode = True  # importing cli.py must leave no __pycache__ in the source tree
import _common  # noqa: E402  (recv_nonblocking)
import cli as base  # noqa: E402  (the Server wrapper and the per-model checks of cli.py)

MODELS = ('select', 'poll', 'epoll', 'selectors')
TRANSPORTS = ('tcp', 'unix', 'udp')
MANY = 1000              # the number of concurrent connections
MANY_PAYLOAD = 4096      # bytes sent (and echoed) on each of them
MANY_DEADLINE = 60.0     # seconds for one model's 1,000 connections, connect to last byte
FD_SETSIZE = 1024        # glibc's, which select(2) cannot go beyond


def raise_nofile(needed):
    """Raises this process's soft RLIMIT_NOFILE to the hard limit; the reason to skip when the
    hard limit is below `needed`, else None."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < needed:
        return f'RLIMIT_NOFILE hard limit {hard} < {needed}'
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return None


def payload(i, size=MANY_PAYLOAD):
    """Connection i's bytes: its id, then a pattern that differs from every other's."""
    head = b'connection %04d:' % i
    return (head + bytes((i * 7 + k) % 251 for k in range(size)))[:size]


def cpu_seconds(pid):
    """User + system CPU time of pid so far, from /proc/PID/stat."""
    with open(f'/proc/{pid}/stat') as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def rss_bytes(pid):
    with open(f'/proc/{pid}/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


def echo_many(address, family, n, deadline, while_open=None):
    """Opens n connections to address, sends payload(i) on connection i, reads until each has
    its payload back (or closes, or the deadline passes). Returns {i: bytes received}.
    while_open() runs after the last read, before any connection is closed.

    One selector drives them all, so no connection waits for another."""
    socks = []
    got = {}
    sel = selectors.DefaultSelector()
    try:
        for i in range(n):
            s = socket.socket(family, socket.SOCK_STREAM)
            socks.append(s)
            # Blocking connects, one after the other: the kernel completes them from the
            # listen backlog, served or not, so none of them waits for the server's loop.
            s.settimeout(max(0.1, deadline - time.monotonic()))
            s.connect(address)
            s.setblocking(False)
            got[i] = bytearray()
            sel.register(s, selectors.EVENT_WRITE, [i, memoryview(payload(i))])
        pending = n
        while pending and time.monotonic() < deadline:
            for key, events in sel.select(timeout=max(0.0, deadline - time.monotonic())):
                i, out = key.data
                s = key.fileobj
                if events & selectors.EVENT_WRITE and out:
                    try:
                        sent = s.send(out)
                    except BlockingIOError:
                        sent = 0
                    except OSError:  # the server closed it: what came back so far stands
                        sel.unregister(s)
                        pending -= 1
                        continue
                    key.data[1] = out = out[sent:]
                    if not out:
                        sel.modify(s, selectors.EVENT_READ, key.data)
                if events & selectors.EVENT_READ:
                    chunk = _common.recv_nonblocking(s)
                    if chunk is None:
                        continue
                    got[i] += chunk
                    if not chunk or len(got[i]) >= MANY_PAYLOAD:
                        sel.unregister(s)
                        pending -= 1
        if while_open:
            while_open()
        return got
    finally:
        sel.close()
        for s in socks:
            s.close()


class Models(base.EchoChecks, unittest.TestCase):
    """cli.py's checks for every readiness model on every transport (the clients, concurrent
    clients, SIGTERM with clients connected or not reading, the Unix socket file removed), and
    more."""
    MODELS = MODELS
    TRANSPORTS = TRANSPORTS

    def test_sigint(self):
        for model in MODELS:
            with self.subTest(model=model):
                self.check_sigint(model)

    def test_client_that_never_reads(self):
        """A client that sends without reading fills its own buffers only: another client is
        served meanwhile, the server stops reading it (bounded memory), and SIGTERM still
        ends the server at once."""
        for model in MODELS:
            with self.subTest(model=model), self.start(model, 'tcp') as server:
                rss_before = rss_bytes(server.pid)
                hog = self.connect_non_reader(server)
                chunk = b'x' * 65536
                sent, limit = 0, 64 * 1024 * 1024
                sel = selectors.DefaultSelector()
                sel.register(hog, selectors.EVENT_WRITE)
                # Send until the connection stays unwritable for a second: the server has
                # stopped reading it. A server buffering without bound would take it all.
                while sent < limit and sel.select(timeout=1.0):
                    try:
                        sent += hog.send(chunk)
                    except BlockingIOError:
                        pass
                sel.close()
                self.assertLess(sent, limit, 'the server read a client that never reads '
                                             'without bound')
                # What it holds for the client: 1 MiB and a read, far below what was sent.
                self.assertLess(rss_bytes(server.pid) - rss_before, 16 * 1024 * 1024)
                # Another client is served as if nothing were wrong.
                other = self.connect(server, 'tcp')
                big = bytes(range(256)) * 512
                self.assertEqual(self.exchange(other, 'tcp', big), big)
                r = base.run('echo-client', '127.0.0.1', str(server.port))
                self.assertEqual((r.returncode, r.stdout), (0, base.MESSAGE + '\n'), r.stderr)
                self.assertEqual(server.stop(), 0)

    def test_slow_reader_gets_everything(self):
        """Reading paused for a client with too much unsent resumes once it drains: a client
        that sends 8 MiB before reading anything gets all 8 MiB back, in order."""
        data = bytes((k * 13) % 256 for k in range(256)) * (32 * 1024)
        for model in MODELS:
            with self.subTest(model=model), self.start(model, 'tcp') as server:
                s = self.connect(server, 'tcp')
                s.setblocking(False)
                sel = selectors.DefaultSelector()
                sel.register(s, selectors.EVENT_WRITE)
                view, got = memoryview(data), bytearray()
                deadline = time.monotonic() + base.TIMEOUT
                while len(got) < len(data) and time.monotonic() < deadline:
                    for _, events in sel.select(timeout=1.0):
                        if events & selectors.EVENT_WRITE and view:
                            try:
                                view = view[s.send(view[:1 << 20]):]
                            except BlockingIOError:
                                pass
                            if not view:
                                sel.modify(s, selectors.EVENT_READ)
                            # Only once stuck does it read, a little: the server's buffer
                            # for it is full by then.
                            elif len(view) < len(data) // 2:
                                sel.modify(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
                        if events & selectors.EVENT_READ:
                            try:
                                got += s.recv(65536)
                            except BlockingIOError:
                                pass
                sel.close()
                self.assertEqual(len(got), len(data))
                self.assertTrue(got == data, 'echo differs')
                self.assertEqual(server.stop(), 0)


class Limits(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix='netkit-cli-select-')
        self.addCleanup(self.tmp.cleanup)

    def start(self, model, transport, **kwargs):
        if transport == 'unix':
            self.path = os.path.join(self.tmp.name, f'{model}.sock')
            return base.Server('--model', model, '--unix', self.path, **kwargs)
        return base.Server('--model', model, '--port', '0', **kwargs)

    def address(self, server, transport):
        if transport == 'unix':
            return server.where, socket.AF_UNIX
        return ('127.0.0.1', server.port), socket.AF_INET

    def test_thousand_connections(self):
        """The issue's proof: each model serves 1,000 concurrent connections, every byte of
        every echo intact. The server raises its own soft descriptor limit to the hard one."""
        reason = raise_nofile(2100)
        if reason:
            self.skipTest(reason)
        for model in MODELS:
            for transport in ('tcp', 'unix'):
                with self.subTest(model=model, transport=transport):
                    with self.start(model, transport) as server:
                        started = time.monotonic()
                        open_fds = []
                        got = echo_many(*self.address(server, transport), MANY,
                                        started + MANY_DEADLINE, while_open=lambda: open_fds
                                        .append(len(os.listdir(f'/proc/{server.pid}/fd'))))
                        bad = [i for i in range(MANY) if got.get(i) != payload(i)]
                        self.assertEqual(bad[:10], [], f'{len(bad)} of {MANY} echoes wrong '
                                                       f'or missing')
                        # All at once: the server held every connection open at the end.
                        self.assertGreaterEqual(open_fds[0], MANY)
                        print(f'  {model}/{transport}: {MANY} connections x {MANY_PAYLOAD} B '
                              f'echoed in {time.monotonic() - started:.2f} s', file=sys.stderr)
                        status = server.stop()
                        self.assertEqual((status, server.proc.stderr.read()), (0, ''))

    def test_select_beyond_fd_setsize(self):
        """select(2) cannot watch a descriptor >= FD_SETSIZE: those connections are closed with
        one log line each, the others are served, and so are new ones afterwards."""
        n = FD_SETSIZE + 16
        reason = raise_nofile(n + 100)
        if reason:
            self.skipTest(reason)
        with self.start('select', 'tcp') as server:
            got = echo_many(('127.0.0.1', server.port), socket.AF_INET, n,
                            time.monotonic() + MANY_DEADLINE)
            served = [i for i in range(n) if got[i] == payload(i)]
            refused = [i for i in range(n) if got[i] == b'']
            self.assertEqual(len(served) + len(refused), n, 'a connection half served')
            self.assertGreater(len(refused), 0)
            self.assertGreater(len(served), 1000)
            r = base.run('echo-client', '127.0.0.1', str(server.port))
            self.assertEqual((r.returncode, r.stdout), (0, base.MESSAGE + '\n'), r.stderr)
            self.assertEqual(server.stop(), 0)
            log = server.proc.stderr.read().splitlines()
            self.assertEqual(len(log), len(refused), log[:3])
            self.assertIn(f'>= FD_SETSIZE ({FD_SETSIZE}): select cannot watch it', log[0])

    def test_emfile_does_not_spin(self):
        """Out of descriptors (hard limit 64), a waiting connection is accepted and closed at
        once (the spare descriptor), with a log line, instead of the loop spinning on a
        listener that stays readable; the server serves again once descriptors are free."""
        limit = 64

        def low_limit():
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        for model in MODELS:
            with self.subTest(model=model), self.start(model, 'tcp', preexec_fn=low_limit) \
                    as server:
                address = ('127.0.0.1', server.port)
                n = limit + 20
                got = echo_many(address, socket.AF_INET, n, time.monotonic() + base.TIMEOUT)
                served = [i for i in range(n) if got[i] == payload(i)]
                dropped = [i for i in range(n) if got[i] == b'']
                self.assertEqual(len(served) + len(dropped), n)
                self.assertGreater(len(dropped), 0)
                self.assertGreater(len(served), limit // 2)
                # The served ones are closed now and the server frees their descriptors as it
                # sees them go: a new client is served again (polled, bounded). Its CPU time
                # over at least a second meanwhile shows whether the loop spins.
                before, started = cpu_seconds(server.pid), time.monotonic()
                while True:
                    r = base.run('echo-client', '127.0.0.1', str(server.port))
                    if r.returncode == 0 and r.stdout == base.MESSAGE + '\n':
                        break
                    self.assertLess(time.monotonic() - started, base.TIMEOUT, 'never served')
                window = 1.0 - (time.monotonic() - started)
                if window > 0:
                    time.sleep(window)  # the measuring window, not a synchronisation
                used = cpu_seconds(server.pid) - before
                self.assertLess(used, 0.5 * (time.monotonic() - started), 'the loop spins')
                self.assertEqual(server.stop(), 0)
                log = server.proc.stderr.read()
                self.assertIn('Too many open files', log)
                self.assertLess(len(log.splitlines()), len(dropped) + 1)


class Tour(unittest.TestCase):
    def test_selectors_section(self):
        section = base.tour_section(self, 'selectors echo')
        self.assertIn('epoll_selector', section)
        self.assertIn(f"client received b'{base.MESSAGE}'", section)
        self.assertIn('\n  ok\n', section)
        self.assertNotIn('FAILED', section)


def main():
    # cli.py's: parses --app/--seeds, skips without a binary, runs this module's tests.
    return base.main()


if __name__ == '__main__':
    sys.exit(main())
