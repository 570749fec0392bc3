#!/usr/bin/env python3
"""Fault tests for `netkit echo-server`: every model (and the reactor and thread pools) under
peers that reset, half-close, idle, trickle, never read, come in bursts, exhaust the descriptor
table, and signals (issue 8; docs/faults_echo.md has the table of what each model does).

Run by ctest as: echo_servers.py --examples DIR --seeds DIR --app PATH --tools DIR (PATH 'none':
skipped, exit 77). Options for a developer: --kinds a,b (server kinds), --faults a,b.

After every fault each server must:
- keep serving: a fresh client gets its echo (models that serve a bounded number of clients at
  a time, the blocking model (1), the thread pool (4) and socketserver-forking (max_children
  40), get it once the fault's connections are gone; the doc says which waited);
- free what the fault took: its descriptor count returns to the baseline measured before the
  fault, and a forking server's children exit, within a deadline;
- log at most one line per fault (counted on stderr; out of descriptors, at most one a second),
  never a stack trace or sanitizer report;
- never crash: it is alive, and SIGTERM ends it with status 0 within 5 s.

Every kind runs each fault in its own server, all kinds of one fault at once (a thread pool):
faults of different kinds do not interfere, and the slow-client fault (2 s) costs 2 s for all.
Loopback only; every wait has a deadline, every loop a count; every process started is killed.
"""
import concurrent.futures
import os
import select
import signal
import socket
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
import _faults as F  # noqa: E402

MiB = 1 << 20

# name -> (echo-server arguments, how many clients it serves at once (None: no fixed bound))
KINDS = {
    'reactor': (['--model', 'reactor'], None),
    'reactor-pool': (['--model', 'reactor', '--threads', '2'], None),
    'blocking': (['--model', 'blocking'], 1),
    'thread': (['--model', 'thread'], None),
    'thread-pool': (['--model', 'thread', '--threads', '4'], 4),
    'fork': (['--model', 'fork'], None),
    'select': (['--model', 'select'], None),
    'poll': (['--model', 'poll'], None),
    'epoll': (['--model', 'epoll'], None),
    'selectors': (['--model', 'selectors'], None),
    'socketserver-threading': (['--model', 'socketserver-threading'], None),
    'socketserver-forking': (['--model', 'socketserver-forking'], 40),
}
FORKING = ('fork', 'socketserver-forking')

# What must never be on a server's stderr.
TRACE_MARKERS = ('Traceback', 'Exception occurred', 'AddressSanitizer', 'runtime error:',
                 'terminate called', 'LeakSanitizer', 'Aborted')

BURST = 10000
# A process per connection: a fork of an ASan binary takes ~10 ms, so 10,000 do not fit the time
# (2,000 took 20 s to drain); the deadline for the drain is longer too.
BURST_FORKING = 1000
BURST_DRAIN = 30.0
BURST_BATCH = 250
NOREAD_TOTAL = 100 * MiB
RSS_BAR_KB = 32 * 1024
EXHAUST_NOFILE = 64
EXHAUST_CONNECTIONS = 200
EXHAUST_CPU_BAR = 0.25  # seconds of CPU over the 1 s window (a spinning loop takes ~1 s)
# Connections arriving one at a time while the table is full: each may be shed, none may cost
# a line beyond one a second.
EXHAUST_TRICKLE = 20
SIGTERM_BAR = 5.0


class Run:
    """One fault on one server kind: the server, its baseline, what failed, what was measured."""

    def __init__(self, app, kind, fault):
        self.app = app
        self.kind = kind
        self.fault = fault
        self.args, self.capacity = KINDS[kind]
        self.failures = []
        self.figures = {}
        self.server = None
        self.base_fds = None
        self.lines_seen = 0

    # --- bookkeeping ---
    def fail(self, what):
        self.failures.append(what)

    def expect(self, condition, what):
        if not condition:
            self.fail(what)
        return condition

    def serves_at_once(self, n):
        """Whether the kind serves n+1 clients at once (n held by the fault, one fresh)."""
        return self.capacity is None or self.capacity > n

    # --- the server ---
    def start(self, nofile=None):
        self.server = F.Server([self.app, 'echo-server', *self.args, '--port', '0'],
                               nofile=nofile)
        return self.server

    def baseline(self):
        """One echo (first-use allocations done), then the descriptor count once it is steady."""
        s = self.server
        self.expect(F.echo(s.address, b'warm up\n') == b'warm up\n', 'no echo at start')
        if self.kind in FORKING:
            F.wait_until(lambda: not s.children(), 5)
        self.base_fds = F.settle(s.fds, quiet=0.2, timeout=3)
        self.figures['fds'] = self.base_fds
        self.lines_seen = len(s.stderr_lines())

    def fresh_echo(self, timeout=5.0):
        payload = ('fresh client %s %s\n' % (self.kind, self.fault)).encode()
        return F.echo(self.server.address, payload, timeout) == payload

    def after(self, label, max_lines=1, drain=10.0):
        """What the server must do after a fault: alive, serving, resources back, little log."""
        s = self.server
        if not self.expect(s.alive(), '%s: the server died (rc %s)' % (label, s.proc.poll())):
            return
        # Descriptors first: a server out of them sheds a client that comes before it has
        # seen the fault's connections close. Then a fresh client, whose own descriptor must
        # go too.
        self.fds_back(label, drain)
        self.expect(self.fresh_echo(), '%s: a fresh client got no echo' % label)
        self.fds_back(label + ', then a fresh client')
        if self.kind in FORKING:
            F.wait_until(lambda: not s.children(), drain)
            left = s.children()
            self.expect(not left, '%s: children left after %.0f s: %s' % (label, drain, left))
        lines = s.stderr_lines()
        new = lines[self.lines_seen:]
        self.lines_seen = len(lines)
        self.figures.setdefault('log lines', 0)
        self.figures['log lines'] += len(new)
        if callable(max_lines):
            max_lines = max_lines()
        self.expect(len(new) <= max_lines, '%s: %d log lines (at most %d): %r' % (
            label, len(new), max_lines, new[:5]))

    def fds_back(self, label, deadline=10.0):
        s = self.server
        # At the baseline and staying there for 0.2 s: a server still draining its accept
        # queue (closed clients waiting there) dips to it between two accepts.
        F.wait_until(lambda: F.holds(lambda: (s.fds() or 0) <= self.base_fds, 0.2), deadline)
        now = s.fds()
        if not self.expect(now is not None and now <= self.base_fds,
                           '%s: descriptors %s, baseline %s (after %.0f s)' % (
                               label, now, self.base_fds, deadline)):
            self.fail('open: %s; threads: %s' % (F.describe_fds(s.pid), F.thread_states(s.pid)))

    def stop(self):
        """SIGTERM: exit 0 within SIGTERM_BAR, no trace on stderr, no child left."""
        s = self.server
        kids = s.children()
        rc, took = s.terminate(SIGTERM_BAR)
        self.figures['exit s'] = round(took, 3)
        self.expect(rc == 0, 'SIGTERM: exit status %s after %.1f s' % (rc, took))
        if kids:
            F.wait_until(lambda: not any(F.exists(k) for k in kids), 5)
            self.expect(not any(F.exists(k) for k in kids),
                        'children alive after the server exited: %s' % kids)
        text = s.stderr_text()
        for marker in TRACE_MARKERS:
            self.expect(marker not in text, 'stderr has %r: %s' % (marker, text[-800:]))


# --- the faults -----------------------------------------------------------------------------

def fault_reset(r):
    """1. A peer resets mid-request (part of a message sent) and mid-response (1 MB sent, a
    little read)."""
    s = r.server
    c = socket.create_connection(s.address, timeout=5)
    c.sendall(b'GET /a-request-that-never-ends HTTP/1.1\r\nHost: x\r\n' * 20)
    F.reset(c)
    r.after('reset mid-request')

    c = socket.create_connection(s.address, timeout=5)
    c.setblocking(False)
    sent, _ = F.send_until_blocked(c, MiB, stuck=0.5, deadline=10)
    readable, _, _ = select.select([c], [], [], 5)
    got = len(c.recv(4096)) if readable else 0
    r.figures['1MB sent'] = sent
    r.expect(got > 0, 'mid-response: no echo came before the reset')
    F.reset(c)
    r.after('reset mid-response')


def fault_half_close(r):
    """2. The client sends, shuts down its write side, and must still get all its echo back
    before the server closes."""
    payload = os.urandom(256 * 1024)
    c = socket.create_connection(r.server.address, timeout=10)
    errors = []

    def send():
        try:
            c.sendall(payload)
            c.shutdown(socket.SHUT_WR)
        except OSError as e:
            errors.append(e)

    t = threading.Thread(target=send)
    t.start()
    got = bytearray()
    eof = False
    deadline = time.monotonic() + 10
    try:
        while time.monotonic() < deadline:
            c.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = c.recv(65536)
            if not chunk:
                eof = True
                break
            got += chunk
    except OSError as e:
        errors.append(e)
    t.join(10)
    c.close()
    r.figures['echoed after SHUT_WR'] = '%d/%d' % (len(got), len(payload))
    r.expect(not errors, 'half-close: %s' % errors)
    r.expect(bytes(got) == payload, 'half-close: %d of %d bytes echoed (equal prefix: %s)' % (
        len(got), len(payload), payload.startswith(bytes(got))))
    r.expect(eof, 'half-close: the server did not close after the echo')
    r.after('half-close')


def fault_idle(r):
    """3. 100 connections that never send while another client is served; then closed."""
    idle = F.open_connections(r.server.address, 100)
    r.expect(len(idle) == 100, 'idle: %d of 100 connected' % len(idle))
    if r.kind in FORKING:  # a child holds each connection
        r.figures['children with 100 idle'] = F.settle(lambda: len(r.server.children()),
                                                       quiet=0.2, timeout=5)
    elif r.serves_at_once(len(idle)):
        r.figures['fds with 100 idle'] = F.wait_until(
            lambda: (r.server.fds() or 0) >= r.base_fds + 100 and r.server.fds(), 5)
    served = r.fresh_echo(timeout=5 if r.serves_at_once(len(idle)) else 1)
    r.figures['served while 100 idle'] = served
    if r.serves_at_once(len(idle)):
        r.expect(served, 'idle: a fresh client got no echo while 100 idle connections were open')
    for c in idle:
        c.close()
    r.after('idle connections')


def fault_slow(r):
    """4. A client that sends one byte every 200 ms for 2 s, reading each echo; another client
    is served meanwhile."""
    c = socket.create_connection(r.server.address, timeout=5)
    worst = 0.0
    served_meanwhile = None
    for i in range(10):
        sent_at = time.monotonic()
        c.sendall(bytes([ord('a') + i]))
        try:
            c.settimeout(2)
            b = c.recv(1)
        except OSError:
            b = b''
        worst = max(worst, time.monotonic() - sent_at)
        if not r.expect(b == bytes([ord('a') + i]), 'slow client: byte %d echoed as %r' % (i, b)):
            break
        if i == 5:
            served_meanwhile = r.fresh_echo(timeout=5 if r.serves_at_once(1) else 0.5)
        time.sleep(0.2)  # the fault itself: the client's pace
    c.close()
    r.figures['slowest byte s'] = round(worst, 3)
    r.figures['served meanwhile'] = served_meanwhile
    if r.serves_at_once(1):
        r.expect(served_meanwhile, 'slow client: another client was not served meanwhile')
    r.after('slow client')


def fault_no_read(r):
    """5. The client sends up to 100 MB and never reads: the server must stop reading when its
    writes back up; its memory stays bounded (growth < 32 MB)."""
    s = r.server
    before, pss_before = s.rss_kb(), s.pss_kb()
    c = socket.create_connection(s.address, timeout=5)
    c.setblocking(False)
    sent, stuck = F.send_until_blocked(c, NOREAD_TOTAL, stuck=1.0, deadline=60)
    during, pss_during = s.rss_kb(), s.pss_kb()
    served = r.fresh_echo(timeout=5 if r.serves_at_once(1) else 0.5)
    c.close()
    r.figures['sent MB'] = round(sent / MiB, 1)
    r.figures['RSS before MB'] = round(before / 1024, 1)
    r.figures['RSS growth MB'] = round((during - before) / 1024, 1)
    r.figures['Pss growth MB'] = round((pss_during - pss_before) / 1024, 1)
    r.figures['served meanwhile'] = served
    r.expect(stuck, 'no-read: the server read all %d bytes without pushing back' % sent)
    # A forked child's VmRSS counts the pages it shares with the parent (copy-on-write) again:
    # under ASan that alone is ~50 MB. For the forking kinds the bar applies to Pss, which
    # counts a shared page once over the processes sharing it.
    growth = (pss_during - pss_before) if r.kind in FORKING else (during - before)
    r.expect(growth < RSS_BAR_KB, 'no-read: memory grew %d KiB (bar %d; %s)' % (
        growth, RSS_BAR_KB, 'Pss' if r.kind in FORKING else 'VmRSS'))
    if r.serves_at_once(1):
        r.expect(served, 'no-read: another client was not served meanwhile')
    r.after('no-read')
    r.figures['RSS after MB'] = round(s.rss_kb() / 1024, 1)


def fault_burst(r):
    """6. Connections opened and dropped as fast as possible, BURST_BATCH in flight, every third
    with an RST."""
    n = BURST_FORKING if r.kind in FORKING else BURST
    opened = 0
    started = time.monotonic()
    for _ in range(n // BURST_BATCH):
        conns = F.open_connections(r.server.address, BURST_BATCH, timeout=10)
        opened += len(conns)
        for i, c in enumerate(conns):
            if i % 3 == 0:
                F.reset(c)
            else:
                c.close()
    r.figures['burst'] = '%d/%d' % (opened, n)
    r.figures['burst s'] = round(time.monotonic() - started, 1)
    r.expect(opened >= n * 0.99, 'burst: only %d of %d connections opened' % (opened, n))
    r.after('burst', drain=BURST_DRAIN)


def fault_exhaust(r):
    """7. Under RLIMIT_NOFILE 64, 200 connections: no exit, no spin (CPU over 1 s), a bounded
    log, and serving again once they are closed."""
    s = r.server
    started = time.monotonic()
    conns = F.open_connections(s.address, EXHAUST_CONNECTIONS)
    r.expect(len(conns) == EXHAUST_CONNECTIONS, 'exhaustion: %d of %d connected' % (
        len(conns), EXHAUST_CONNECTIONS))
    # Done accepting (and, for the forking kinds, forking): nothing changes for 0.3 s.
    peak = F.settle(lambda: (s.fds(), len(s.children())), quiet=0.3, timeout=10)[0]
    cpu0 = s.cpu_seconds()
    time.sleep(1.0)  # the measurement window
    cpu = s.cpu_seconds() - cpu0
    r.figures['fds at peak'] = peak
    r.figures['CPU in 1 s'] = round(cpu, 3)
    r.expect(s.alive(), 'exhaustion: the server died')
    r.expect(cpu < EXHAUST_CPU_BAR, 'exhaustion: %.2f s of CPU in 1 s (spinning)' % cpu)
    # Clients that keep coming while the table is full: each is shed (or waits), none is a line.
    for _ in range(EXHAUST_TRICKLE):
        conns += F.open_connections(s.address, 1, timeout=2)
    r.expect(s.alive(), 'exhaustion: the server died')
    for c in conns:
        c.close()
    # One line a second at most: one for each second begun since the fault started.
    r.after('exhaustion', max_lines=lambda: 1 + int(time.monotonic() - started))


def fault_sigterm_blocked(r):
    """8a. SIGTERM while the server is blocked (a client connected and idle): exit 0 in 5 s,
    no child left."""
    s = r.server
    c = socket.create_connection(s.address, timeout=5)
    c.sendall(b'one line\n')
    r.expect(F.echo_recv(c, 9) == b'one line\n', 'sigterm: no echo before')
    blocked = F.wait_until(lambda: F.all_sleeping(s.pid), 5)
    r.expect(blocked, 'sigterm: the server never blocked: %s' % F.thread_states(s.pid))
    r.figures['children at SIGTERM'] = len(s.children())
    r.stop()
    c.close()


def fault_signals(r):
    """8b. SIGCHLD, SIGWINCH and SIGPIPE in a burst while the server echoes 1 MB: no effect."""
    s = r.server
    payload = os.urandom(MiB)
    c = socket.create_connection(s.address, timeout=10)
    errors = []

    def send():
        try:
            c.sendall(payload)
        except OSError as e:  # the server died: reported below
            errors.append(e)

    t = threading.Thread(target=send)
    t.start()
    for _ in range(50):
        for signum in (signal.SIGCHLD, signal.SIGWINCH, signal.SIGPIPE):
            try:
                os.kill(s.pid, signum)
            except OSError:
                pass
    got = F.echo_recv(c, len(payload), timeout=10)
    t.join(10)
    c.close()
    r.expect(got == payload and not errors, 'signals: %d of %d bytes echoed %s' % (
        len(got), len(payload), errors))
    r.after('signals', max_lines=0)


FAULTS = [
    ('reset', fault_reset, None),
    ('half-close', fault_half_close, None),
    ('idle', fault_idle, None),
    ('slow', fault_slow, None),
    ('no-read', fault_no_read, None),
    ('burst', fault_burst, None),
    ('exhaustion', fault_exhaust, EXHAUST_NOFILE),
    ('sigterm', fault_sigterm_blocked, None),
    ('signals', fault_signals, None),
]


def run_one(app, kind, fault, fn, nofile):
    r = Run(app, kind, fault)
    started = time.monotonic()
    try:
        with r.start(nofile):
            r.baseline()
            fn(r)
            if r.server.proc.poll() is None and 'exit s' not in r.figures:
                r.stop()
    except Exception as e:  # a broken step fails this fault for this kind, not the others
        r.fail('%s: %s\n%s' % (type(e).__name__, e, traceback.format_exc()))
    r.figures['took s'] = round(time.monotonic() - started, 1)
    return r


def main():
    def extra(p):
        p.add_argument('--kinds', default='', help='comma-separated server kinds (default all)')
        p.add_argument('--faults', default='', help='comma-separated faults (default all)')

    args = F.parse_args(extra=extra)
    if args.app == 'none' or not os.path.exists(args.app):
        print('SKIP: the netkit app is not built (--app %s)' % args.app)
        return F.SKIP
    kinds = [k for k in KINDS if not args.kinds or k in args.kinds.split(',')]
    faults = [f for f in FAULTS if not args.faults or f[0] in args.faults.split(',')]
    failed = 0
    started = time.monotonic()
    for name, fn, nofile in faults:
        phase = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(kinds)) as pool:
            runs = list(pool.map(lambda k: run_one(args.app, k, name, fn, nofile), kinds))
        print('== %s (%.1f s, all kinds at once)' % (name, time.monotonic() - phase), flush=True)
        for r in runs:
            status = 'FAIL' if r.failures else 'ok  '
            figures = ', '.join('%s=%s' % kv for kv in r.figures.items())
            print('%s %-24s %s' % (status, r.kind, figures))
            for f in r.failures:
                print('       - ' + f.replace('\n', '\n         '))
            failed += bool(r.failures)
        sys.stdout.flush()
    print('%d failure(s) in %.1f s' % (failed, time.monotonic() - started))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
