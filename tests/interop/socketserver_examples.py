#!/usr/bin/env python3
"""Interop tests for the C++ twins of the socketserver programs: the standalone
socketserver_echo, socketserver_echo_simple, socketserver_threaded and socketserver_forking
(seed 002), seed 000's s000_socketserver_simple_server, s000_forking_server and
s000_threading_server (with s000_simple_client), and seed 004's
s004_socketserver_timestamp_server and s004_socketserver_timestamp_client.

Standalone programs run as `python3 -u` and as the twin, several times each, with the seed's
defaults and with 127.0.0.1 and port 0. Their stdout must be equal once what legitimately
differs is normalised: port numbers, and for socketserver_forking the two pids (the twin's
must be its own pid and a child's). socketserver_threaded prints Python's thread names
("Thread-1 (serve_forever)", "Thread-2 (process_request_thread)"), compared as they are.
socketserver_echo logs every hook on stderr from two threads, so the interleaving of the two
threads' lines is the scheduler's: what is compared is each thread's own sequence of lines
(ports and descriptor numbers normalised: the twin's server holds one more descriptor, the
eventfd that wakes serve_forever), plus the orderings that causality fixes (the request is
verified after the client connects, echoed after it sends, answered before the client reads
the answer, closed before shutdown() returns).

Servers run in every mix with their clients (Python or C++ on either side); the client's
stdout and the server's stdout, read after SIGTERM, must equal the Python pair's (ports and
time.ctime() normalised; the twin's ctime() must be the time now). The seed-000 servers print
nothing before their first client, so they are ready once /proc shows them listening; the
timestamp server prints its first line after listen(). Each server also gets a burst of
clients started together, Python and C++ clients and raw sockets (compared as multisets: the
order is the scheduler's).

No leftovers: while idle after its clients, a forking server must have reaped every child and
a threading server must be back to one thread (/proc/PID/task); then the server alone gets
SIGTERM, and once it is dead nothing may remain in its process group (each server runs in its
own session), nor come back to this script, which is the subreaper of whatever they orphan.

Usage: socketserver_examples.py --examples DIR --seeds DIR [--app PATH] [-k NAME]
Exit status: 0 pass, 1 fail, 77 skipped (programs missing).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

HOST = '127.0.0.1'
WAIT = 10.0  # seconds for any one thing a server should print or do
RUNS = 3  # runs of each standalone program, per implementation

STANDALONE = ['socketserver_echo', 'socketserver_echo_simple', 'socketserver_threaded',
              'socketserver_forking']
SEED000_SERVERS = ['s000_socketserver_simple_server', 's000_forking_server',
                   's000_threading_server']
PROGRAMS = STANDALONE + SEED000_SERVERS + [
    's000_simple_client', 's004_socketserver_timestamp_server',
    's004_socketserver_timestamp_client']

THANKS = "b'Thank you for connecting'\n"
TIMESTAMP_READY = 'waiting for connection...'
CTIME = re.compile(r'\[(\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4})\]')


# --- /proc --------------------------------------------------------------------------------------

def children_of(pid):
    """The pids of pid's children (zombies included) from /proc/PID/task/*/children."""
    kids = []
    try:
        tasks = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open('/proc/%d/task/%s/children' % (pid, tid)) as f:
                kids += [int(k) for k in f.read().split()]
        except OSError:
            pass
    return kids


def thread_count(pid):
    try:
        return len(os.listdir('/proc/%d/task' % pid))
    except OSError:
        return 0


def uses_tsan(pid):
    """1 when ThreadSanitizer's runtime is mapped into process pid, else 0."""
    try:
        with open('/proc/%d/maps' % pid) as f:
            return int('libtsan' in f.read())
    except OSError:
        return 0


def group_members(pgid):
    """Every process (zombies too) whose process group is pgid."""
    members = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/stat' % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(')') + 2:].split()  # state ppid pgrp ...
        if int(fields[2]) == pgid:
            members.append(int(entry))
    return members


def wait_until(condition, timeout=WAIT):
    return _common.wait_until(condition, timeout)


def wait_for_text(server, fragment, count, timeout=WAIT):
    """Waits until `fragment` occurs `count` times in the server's stdout so far (Python's
    unbuffered print() writes a line's items one by one, so concurrent handlers' lines may
    be mixed and a fragment is what can be counted)."""
    deadline = time.monotonic() + timeout
    with server._cond:  # noqa: SLF001 (_common.Server's own lock and lines)
        while True:
            if ''.join(server._lines).count(fragment) >= count:
                return True
            left = deadline - time.monotonic()
            if server._eof or left <= 0:
                return False
            server._cond.wait(left)


def stop_checked(check, label, server, idle_threads=None):
    """Checks a server has nothing left running while idle (children reaped; back to
    `idle_threads` threads when given, the count it had when it became ready), SIGTERMs the
    server alone, checks that nothing of its process group outlives it and nothing it
    orphaned reaches this subreaper, and returns its Result."""
    pid = server.proc.pid
    reaped = wait_until(lambda: not children_of(pid))
    check.true(label + ': every child reaped while idle', reaped,
               'children still there: %r' % children_of(pid))
    if idle_threads is not None:
        # ThreadSanitizer starts its own background thread with the program's first thread.
        allowed = {idle_threads, idle_threads + uses_tsan(pid)}
        back = wait_until(lambda: thread_count(pid) in allowed)
        check.true(label + ': back to %d thread(s) while idle' % idle_threads, back,
                   '%d threads' % thread_count(pid))
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        server.proc.wait(_common.STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass
    left = [p for p in group_members(pid) if p != pid]
    result = server.stop()  # kills the whole group whatever is left, joins the readers
    orphans = _common.reap_orphans(timeout=1.0)
    check.true(label + ': nothing left in its process group after SIGTERM', not left and
               not orphans, 'left: %r, orphans reaped: %r' % (left, orphans))
    return result


# --- normalising --------------------------------------------------------------------------------

def normalise(text, ports=()):
    text = _common.normalise_ports(text, ports)
    text = re.sub(r'fd=\d+', 'fd=N', text)
    return CTIME.sub('[CTIME]', text)


def ctimes_are_now(text, slack=120):
    """Every [ctime()] stamp in text parses as time.ctime() does and is about now."""
    now = time.time()
    for stamp in CTIME.findall(text):
        try:
            t = time.mktime(time.strptime(stamp, '%a %b %d %H:%M:%S %Y'))
        except ValueError:
            return False
        if abs(t - now) > slack:
            return False
    return True


# --- standalone programs ------------------------------------------------------------------------

# GCC 12's AddressSanitizer runtime does not lock its allocator across fork(): a child forked
# while another thread of the parent is inside malloc hangs for good. socketserver_forking's
# client (hello_client::exchange in examples/socketserver_support.hpp) therefore allocates
# nothing between its connect and the server's answer, and its C++ runs are kept under ASan.


def run_standalone(cmd):
    """Runs cmd once; returns (Result, pid)."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=_common.RUN_TIMEOUT)
        rc = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        rc = None
    return _common.Result(cmd, rc, out.decode(errors='backslashreplace'),
                          err.decode(errors='backslashreplace')), proc.pid


def normalise_forking(text, pid):
    """socketserver_forking: the server's pid must be the program's own, the answering one
    another (a child's); both become names."""
    m = re.search(r"b'(\d+): Hello, world'", text)
    child = int(m.group(1)) if m else None
    ok = ('Server loop running in process: %d\n' % pid) in text and child not in (None, pid)
    text = text.replace('process: %d\n' % pid, 'process: PID\n')
    if child is not None:
        text = text.replace("b'%d: " % child, "b'CHILD: ")
    return text, ok


def test_standalone(check, programs, tmp):
    for name in ('socketserver_echo_simple', 'socketserver_threaded', 'socketserver_forking'):
        for args in ((), (HOST, 0)):
            label = '%s %s' % (name, ' '.join(map(str, args)) or '(defaults)')
            ref = None
            for impl in ('py', 'cpp'):
                for i in range(RUNS):
                    result, pid = run_standalone(programs.cmd(impl, name, *args))
                    orphans = _common.reap_orphans(timeout=1.0)
                    what = '%s: %s run %d' % (label, impl, i + 1)
                    check.true(what + ' exits 0 with nothing on stderr',
                               result.returncode == 0 and not result.stderr,
                               'rc=%r\n%s' % (result.returncode, result.stderr))
                    text = result.stdout
                    if name == 'socketserver_forking':
                        text, ok = normalise_forking(text, pid)
                        check.true(what + ': its own pid, then a child answers', ok,
                                   result.stdout)
                    if impl == 'cpp':
                        # Python leaves its last child to init (the daemon thread's loop may
                        # not have collected it); the twin waits for it.
                        check.true(what + ': leaves no process behind', not orphans,
                                   'orphans: %r' % orphans)
                    if ref is None:
                        ref = text
                        check.true(label + ': python prints the seed\'s 3 lines',
                                   len(text.splitlines()) == (2 if name.endswith('simple')
                                                              else 3), text)
                    else:
                        check.equal(what + ': stdout as python run 1', ref, text)


# socketserver_echo's lines, by the thread that logs them.
MAIN_THREAD = re.compile(r'^(client: |EchoServer: (__init__|server_activate|shutdown\(\))$)')

# (earlier, later): line prefixes whose order causality fixes.
CAUSAL = [
    ('EchoServer: __init__', 'EchoServer: server_activate'),
    ('EchoServer: server_activate', 'EchoServer: waiting for request'),
    ('client: connecting to server', 'EchoServer: verify_request('),
    ('client: sending data', 'EchoRequestHandler: recv()->'),
    ('EchoRequestHandler: recv()->', 'client: response from server'),
    ('EchoServer: shutdown()', 'client: closing socket'),
    ('EchoServer: close_request(', 'client: closing socket'),
]


def echo_log_parts(text):
    lines = text.splitlines()
    main = [line for line in lines if MAIN_THREAD.match(line)]
    serving = [line for line in lines if not MAIN_THREAD.match(line)]
    return main, serving


def causal_problems(text):
    lines = text.splitlines()

    def index(prefix):
        for i, line in enumerate(lines):
            if line.startswith(prefix):
                return i
        return None

    problems = []
    for earlier, later in CAUSAL:
        a, b = index(earlier), index(later)
        if a is None or b is None or a > b:
            problems.append('%r should come before %r' % (earlier, later))
    return problems


def test_socketserver_echo(check, programs, tmp):
    for args in ((), (HOST, 0)):
        label = 'socketserver_echo %s' % (' '.join(map(str, args)) or '(defaults)')
        ref = None
        for impl in ('py', 'cpp'):
            for i in range(RUNS):
                result, _ = run_standalone(programs.cmd(impl, 'socketserver_echo', *args))
                what = '%s: %s run %d' % (label, impl, i + 1)
                check.true(what + ' exits 0 with nothing on stdout',
                           result.returncode == 0 and not result.stdout,
                           'rc=%r\n%s%s' % (result.returncode, result.stdout, result.stderr))
                m = re.search(r'^client: Server on [\d.]+:(\d+)$', result.stderr, re.M)
                log = normalise(result.stderr, (int(m.group(1)),) if m else ())
                main, serving = echo_log_parts(log)
                problems = causal_problems(log)
                check.true(what + ': lines in causal order', not problems,
                           '\n'.join(problems) + '\n' + log)
                # The request's socket repr names the server's port and the client's address.
                reprs = re.findall(r"laddr=\('127\.0\.0\.1', (PORT|N)\), raddr=\('127\.0\.0\.1',"
                                   r" N\)>", log)
                check.true(what + ': the request socket repr, 4 times', len(reprs) == 4, log)
                if ref is None:
                    ref = (main, serving)
                    check.true(label + ': python logs 22 lines', len(log.splitlines()) == 22,
                               log)
                    continue
                check.equal(what + ': main thread\'s lines as python run 1',
                            '\n'.join(ref[0]) + '\n', '\n'.join(main) + '\n')
                check.equal(what + ': serving thread\'s lines as python run 1',
                            '\n'.join(ref[1]) + '\n', '\n'.join(serving) + '\n')


# --- servers and clients ------------------------------------------------------------------------

def start_seed000(programs, impl, name):
    server, port = _common.start_listening_server(
        lambda port: programs.cmd(impl, name, HOST, port))
    # Before any client: what the server runs on when idle (a sanitizer may add a thread).
    server.idle_threads = thread_count(server.proc.pid)
    return server, port


def start_timestamp(programs, impl):
    server, port = _common.start_server(
        lambda port: programs.cmd(impl, 's004_socketserver_timestamp_server', HOST, port),
        TIMESTAMP_READY)
    server.idle_threads = thread_count(server.proc.pid)
    return server, port


def test_seed000_pairs(check, programs, tmp):
    for name in SEED000_SERVERS:
        runs = {}
        for s_impl, c_impl in _common.MIXES:
            label = '%s: %s server + %s client' % (name, s_impl, c_impl)
            server, port = start_seed000(programs, s_impl, name)
            with server:
                clients = [_common.run(programs.cmd(c_impl, 's000_simple_client', HOST, port))
                           for _ in range(2)]
                printed = server.wait_for_line(
                    lambda line: line.startswith('Got connection from'), count=2)
                check.true(label + ': server printed both connections', printed)
                result = stop_checked(check, label, server, server.idle_threads)
            for c in clients:
                check.true(label + ': client exits 0, nothing on stderr',
                           c.returncode == 0 and not c.stderr, c.stderr)
            check.true(label + ': server stderr empty', not result.stderr.strip(),
                       result.stderr)
            runs[s_impl, c_impl] = (normalise(result.stdout, (port,)),
                                    ''.join(normalise(c.stdout, (port,)) for c in clients))
        ref_server, ref_client = runs['py', 'py']
        check.equal(name + ': python client prints the thanks twice', THANKS * 2, ref_client)
        for key in _common.MIXES[1:]:
            mix = '%s server + %s client' % key
            check.equal('%s: client transcript, %s' % (name, mix), ref_client, runs[key][1],
                        'py server + py client', mix)
            check.equal('%s: server transcript, %s' % (name, mix), ref_server, runs[key][0],
                        'py server + py client', mix)


def raw_client(port, out, index):
    """A client in this script: connects, reads to EOF (bounded), records what came."""
    try:
        with socket.create_connection((HOST, port), timeout=WAIT) as s:
            data = b''
            while True:
                chunk = s.recv(1024)
                if not chunk:
                    break
                data += chunk
            out[index] = data
    except OSError as e:
        out[index] = e


def test_seed000_burst(check, programs, tmp):
    per_kind = 4
    for name in SEED000_SERVERS:
        for s_impl in ('py', 'cpp'):
            label = '%s: %s server, a burst of %d clients' % (name, s_impl, 3 * per_kind)
            server, port = start_seed000(programs, s_impl, name)
            with server:
                results = {}
                raw = {}

                def client(key, impl):
                    results[key] = _common.run(programs.cmd(impl, 's000_simple_client', HOST,
                                                            port))

                threads = [threading.Thread(target=client, args=((impl, i), impl))
                           for impl in ('py', 'cpp') for i in range(per_kind)]
                threads += [threading.Thread(target=raw_client, args=(port, raw, i))
                            for i in range(per_kind)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join(_common.RUN_TIMEOUT + 5)
                printed = wait_for_text(server, 'Got connection from', 3 * per_kind)
                check.true(label + ': the server printed every connection', printed)
                result = stop_checked(check, label, server, server.idle_threads)
            outputs = sorted(r.stdout for r in results.values())
            check.true(label + ': every client thanked',
                       outputs == [THANKS] * (2 * per_kind) and
                       all(r.returncode == 0 for r in results.values()),
                       repr(outputs))
            check.true(label + ': every raw connection thanked, then closed',
                       list(raw.values()) == [b'Thank you for connecting'] * per_kind,
                       repr(raw))
            text = normalise(result.stdout)
            if s_impl == 'py':
                # print() -u writes its items one by one, so concurrent handlers' words mix.
                text = ''.join(sorted(re.findall(r"Got connection from|\('127\.0\.0\.1', N\)",
                                                 text)))
                check.equal(label + ': every connection printed', ''.join(sorted(
                    ['Got connection from', "('127.0.0.1', N)"] * (3 * per_kind))), text)
            else:
                # The twin writes each line whole.
                check.equal(label + ': one line per connection',
                            "Got connection from ('127.0.0.1', N)\n" * (3 * per_kind), text)


TIMESTAMP_INPUTS = [
    ('three lines then EOF', 'hello\n  spaced out \t\n你好\n', 4),
    ('an empty line ends it', 'one\n\nnever sent\n', 2),
    ('EOF at once', '', 1),
    ('a last line without a newline', 'a\nlast', 3),
]


def test_timestamp_pairs(check, programs, tmp):
    for title, stdin_text, connections in TIMESTAMP_INPUTS:
        runs = {}
        for s_impl, c_impl in _common.MIXES:
            label = 'timestamp (%s): %s server + %s client' % (title, s_impl, c_impl)
            server, port = start_timestamp(programs, s_impl)
            with server:
                client = _common.run(programs.cmd(c_impl, 's004_socketserver_timestamp_client',
                                                  HOST, port), stdin_text=stdin_text)
                printed = server.wait_for_line(
                    lambda line: line.startswith('...connected from:'), count=connections)
                check.true(label + ': server printed %d connections' % connections, printed)
                result = stop_checked(check, label, server, server.idle_threads)
            check.true(label + ': client exits 0, nothing on stderr',
                       client.returncode == 0 and not client.stderr, client.stderr)
            check.true(label + ': server stderr empty', not result.stderr.strip(),
                       result.stderr)
            if s_impl == 'cpp':
                check.true(label + ': the stamps are ctime() now', ctimes_are_now(client.stdout),
                           client.stdout)
            runs[s_impl, c_impl] = (normalise(result.stdout, (port,)),
                                    normalise(client.stdout, (port,)))
        ref_server, ref_client = runs['py', 'py']
        for key in _common.MIXES[1:]:
            mix = '%s server + %s client' % key
            check.equal('timestamp (%s): client transcript, %s' % (title, mix), ref_client,
                        runs[key][1], 'py server + py client', mix)
            check.equal('timestamp (%s): server transcript, %s' % (title, mix), ref_server,
                        runs[key][0], 'py server + py client', mix)


def test_timestamp_burst(check, programs, tmp):
    per_kind = 3
    for s_impl in ('py', 'cpp'):
        label = 'timestamp: %s server, %d clients at once' % (s_impl, 2 * per_kind)
        server, port = start_timestamp(programs, s_impl)
        with server:
            results = {}

            def client(key, impl, text):
                results[key] = _common.run(
                    programs.cmd(impl, 's004_socketserver_timestamp_client', HOST, port),
                    stdin_text=text)

            threads = [threading.Thread(target=client, args=(
                (impl, i), impl, '%s %d\nsecond %s %d\n' % (impl, i, impl, i)))
                for impl in ('py', 'cpp') for i in range(per_kind)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(_common.RUN_TIMEOUT + 5)
            printed = server.wait_for_line(lambda line: line.startswith('...connected from:'),
                                           count=3 * 2 * per_kind)
            check.true(label + ': the server printed every connection', printed)
            result = stop_checked(check, label, server, server.idle_threads)
        for (impl, i), r in sorted(results.items()):
            expected = '> [CTIME] %s %d\n\n> [CTIME] second %s %d\n\n> ' % (impl, i, impl, i)
            check.equal('%s: %s client %d transcript' % (label, impl, i), expected,
                        normalise(r.stdout))
        check.true(label + ': server stderr empty', not result.stderr.strip(), result.stderr)


TESTS = [test_standalone, test_socketserver_echo, test_seed000_pairs, test_seed000_burst,
         test_timestamp_pairs, test_timestamp_burst]


def main():
    args = _common.parse_args(extra=lambda p: p.add_argument(
        '-k', dest='only', help='run only the tests whose name contains this'))
    missing = _common.missing_programs(args.examples, args.seeds, PROGRAMS, PROGRAMS)
    if missing:
        print('SKIP: missing programs: ' + ', '.join(missing), flush=True)
        return _common.SKIP
    if not _common.set_child_subreaper():
        print('note: PR_SET_CHILD_SUBREAPER refused; orphans go to init unseen', flush=True)
    programs = _common.Programs(args.examples, args.seeds)
    check = _common.Checker()
    with tempfile.TemporaryDirectory(prefix='netkit_socketserver_') as tmp:
        _common.run_tests(check, TESTS, programs, tmp, args.only)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
