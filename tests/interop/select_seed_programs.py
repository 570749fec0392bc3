#!/usr/bin/env python3
"""Interop tests for the C++ twins of the select/poll programs of seeds 000 and 001:
s000_select_server, s000_poll_server (log only, never reply), s001_select_server with
s001_select_client, and myserver (select over a listener and stdin, appending to a file) with
s001_select_file_client.

Every session runs with the Python server and with the C++ twin; where the seed has a client,
also with the Python client and with the C++ client (all four mixes). The Python/Python run is
the reference: client stdout, server stdout (read after SIGTERM) and, for myserver, the file it
writes (in a temporary directory) must equal it once ports are normalised. The log-only servers
are driven by socket_binary_client (py and C++, as INDEX.md suggests) and by senders in this
script. Each server also faces several clients at once: connections held open together and
served in an interleaved order that this script fixes (transcripts compared exactly), and a
burst of clients started together (compared as multisets, since the order is the scheduler's).
myserver also gets lines on stdin, two in one write (Python's buffered stdin keeps the second
out of select()'s sight until stdin is readable again, and the twin must do the same), a
"\\r\\n" line, a last line without a newline, and then EOF, after which it must keep serving.

Readiness: s001_select_server prints its first line before it selects; the others print
nothing until a client comes, so /proc shows when they listen. Nothing sleeps to synchronise;
every wait is bounded; every process is killed and reaped.

Failures must look like Python's too: bad port arguments, a refused connection, a file myserver
cannot open, and a message that is not UTF-8 (the servers decode it and die with Python's
UnicodeDecodeError line; myserver has written it to its file first).

Usage: select_seed_programs.py --examples DIR --seeds DIR [--app PATH] [-k NAME]
Exit status: 0 pass, 1 fail, 77 skipped (programs missing).
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

HOST = '127.0.0.1'
WAIT = 10.0  # seconds for any one thing the server should print or write
CLIENT_TIMEOUT = 20.0

PROGRAMS = ['s000_select_server', 's000_poll_server', 's001_select_server', 's001_select_client',
            'myserver', 's001_select_file_client', 'socket_binary_client']
SEEDS = PROGRAMS

MIXES = (('py', 'py'), ('py', 'cpp'), ('cpp', 'py'), ('cpp', 'cpp'))
WAITING = '等待IO发生'  # s001_select_server prints it before each select()
REPLY = '这是一条回复消息'.encode()
FILE_REPLY = '接收成功!'.encode()


class StdinServer(_common.Server):
    """_common.Server with a pipe on stdin (myserver reads it)."""

    def __init__(self, cmd, cwd=None):
        super().__init__(cmd, cwd, stdin=subprocess.PIPE)

    def write_stdin(self, data):
        """One write(2), so the server reads it as one chunk."""
        view = memoryview(data)
        while view:
            view = view[os.write(self.proc.stdin.fileno(), view):]

    def close_stdin(self):
        if not self.proc.stdin.closed:
            self.proc.stdin.close()

    def __exit__(self, *exc):
        try:
            self.close_stdin()
        except OSError:
            pass
        return super().__exit__(*exc)


def run_client(cmd, stdin, cwd=None):
    """Runs a client to completion with `stdin` (bytes); stdout/stderr decoded as UTF-8."""
    try:
        done = subprocess.run(cmd, input=stdin, capture_output=True, timeout=CLIENT_TIMEOUT,
                              cwd=cwd)
        return _common.Result(cmd, done.returncode, done.stdout.decode('utf-8', 'replace'),
                              done.stderr.decode('utf-8', 'replace'))
    except subprocess.TimeoutExpired as e:
        return _common.Result(cmd, None, (e.stdout or b'').decode('utf-8', 'replace'),
                              (e.stderr or b'').decode('utf-8', 'replace') + '\n[killed]')


def wait_until(condition, timeout=WAIT):
    return _common.wait_until(condition, timeout)


def read_file(path):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except OSError:
        return None


def process_state(pid):
    """The state letter of /proc/PID/stat ('R' running, 'S' sleeping ...), '' if gone."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except (OSError, IndexError):
        return ''


def start_listening(check, programs, impl, name, *args, cwd=None, server_class=None):
    """Starts `name` HOST PORT *args (py or cpp) with _common.start_listening_server; returns
    (server, port), or None after failing the check '<name> (<impl>) starts'."""
    try:
        return _common.start_listening_server(lambda p: programs.cmd(impl, name, HOST, p, *args),
                                              cwd=cwd, server_class=server_class)
    except RuntimeError as e:
        check.fail('%s (%s) starts' % (name, impl), str(e))
        return None


def count_lines(server, predicate, count):
    """Waits until `count` of the server's stdout lines satisfy predicate; True if they do."""
    return server.wait_for_line(predicate, count=count, timeout=WAIT)


def any_line(_line):
    return True


class Driver:
    """Raw client connections held open together, whose local ports are given labels so a
    server's transcript can be compared across runs."""

    def __init__(self):
        self.socks = {}
        self.labels = {}

    def connect(self, name, port):
        s = socket.create_connection((HOST, port), timeout=WAIT)
        self.socks[name] = s
        self.labels[s.getsockname()[1]] = name
        return s

    def close(self, name):
        self.socks.pop(name).close()

    def close_all(self):
        for s in self.socks.values():
            s.close()
        self.socks.clear()

    def normalise(self, text, server_port):
        for port, name in self.labels.items():
            text = re.sub(r"\('127\.0\.0\.1', %d\)" % port, "('127.0.0.1', <%s>)" % name, text)
        return _common.normalise_ports(text, (server_port,))


# --- the log-only servers of seed 000 ---------------------------------------------------------

def log_only_binary_clients(check, programs, name):
    """socket_binary_client (py and C++) against both servers: two clients one after the other
    in each session."""
    runs = {}
    for s_impl, c_impl in MIXES:
        started = start_listening(check, programs, s_impl, name)
        if started is None:
            return
        server, port = started
        with server:
            clients = []
            for i in (1, 2):
                clients.append(run_client(
                    programs.cmd(c_impl, 'socket_binary_client', HOST, port), b''))
                count_lines(server, lambda line: line.endswith(' disconnected'), i)
            result = server.stop()
        runs[s_impl, c_impl] = (result, clients, port)
    ref_server, ref_clients, ref_port = runs['py', 'py']
    ref_server_text = _common.normalise_ports(ref_server.stdout, (ref_port,))
    check.true('%s: python reference logs 2 connections' % name,
               ref_server_text.count(' disconnected') == 2, ref_server_text)
    for key in MIXES:
        server, clients, port = runs[key]
        mix = '%s server + %s socket_binary_client' % key
        for i, client in enumerate(clients):
            check.true('%s: client %d exits 0, %s' % (name, i + 1, mix),
                       client.returncode == 0, client.stderr)
            check.equal('%s: client %d stdout, %s' % (name, i + 1, mix),
                        ref_clients[i].stdout, client.stdout, 'py + py', mix)
        if key != ('py', 'py'):
            check.equal('%s: server stdout, %s' % (name, mix), ref_server_text,
                        _common.normalise_ports(server.stdout, (port,)), 'py + py', mix)
        check.true('%s: server stderr empty, %s' % (name, mix), not server.stderr.strip(),
                   server.stderr)


LOG_ONLY_SCRIPT = [
    # (action, client, payload): messages and hang-ups in an order chosen here, with every
    # connection open from the start, so a server that served one client at a time would stall.
    ('send', 'C3', 'third 你好'.encode()),
    ('send', 'C1', b'first'),
    ('send', 'C4', b'\x00\xff\r\n binary \'"\\'),
    ('send', 'C2', b'second'),
    ('close', 'C2', None),
    ('send', 'C1', b'first again'),
    ('close', 'C4', None),
    ('send', 'C3', b'x' * 1000),
    ('close', 'C1', None),
    ('close', 'C3', None),
]


def log_only_interleaved(check, programs, name):
    texts = {}
    for impl in ('py', 'cpp'):
        started = start_listening(check, programs, impl, name)
        if started is None:
            return
        server, port = started
        driver = Driver()
        with server:
            try:
                printed = 0
                ok = True
                for i in range(1, 5):
                    driver.connect('C%d' % i, port)
                    printed += 1
                    ok = ok and count_lines(server, any_line, printed)
                for action, who, payload in LOG_ONLY_SCRIPT:
                    if action == 'send':
                        driver.socks[who].sendall(payload)
                    else:
                        driver.close(who)
                    printed += 1
                    ok = ok and count_lines(server, any_line, printed)
            finally:
                driver.close_all()
            result = server.stop()
        check.true('%s (%s): printed a line for each step' % (name, impl), ok, result.stdout)
        check.true('%s (%s): stderr empty' % (name, impl), not result.stderr.strip(),
                   result.stderr)
        texts[impl] = driver.normalise(result.stdout, port)
    check.equal('%s: four clients at once, interleaved: server stdout' % name, texts['py'],
                texts['cpp'])


def burst(n, port, body):
    """Runs body(i, port) in n threads released together; returns their results (or the
    exceptions they raised)."""
    barrier = threading.Barrier(n, timeout=WAIT)
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = body(i, port)
        except Exception as e:  # reported by the caller
            results[i] = e

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(CLIENT_TIMEOUT)
    return results


def log_only_burst(check, programs, name, n=8):
    def sender(i, port):
        with socket.create_connection((HOST, port), timeout=WAIT) as s:
            s.sendall(('burst client %d ✓' % i).encode())
            return s.getsockname()[1]

    texts = {}
    for impl in ('py', 'cpp'):
        started = start_listening(check, programs, impl, name)
        if started is None:
            return
        server, port = started
        with server:
            ports = burst(n, port, sender)
            done = count_lines(server, lambda line: line.endswith(' disconnected'), n)
            result = server.stop()
        errors = [p for p in ports if not isinstance(p, int)]
        check.true('%s (%s): %d clients at once all sent' % (name, impl, n), not errors,
                   repr(errors))
        check.true('%s (%s): %d clients at once all logged' % (name, impl, n), done,
                   result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        for p in ports:
            if isinstance(p, int):
                peer = "('127.0.0.1', %d)" % p
                mine = [line for line in lines if peer in line]
                check.true('%s (%s): client port %d connected then disconnected' % (
                    name, impl, p), mine == ['Got connection from ' + peer,
                                             peer + ' disconnected'], repr(mine))
        texts[impl] = '\n'.join(sorted(_common.normalise_ports(result.stdout).splitlines()))
    check.equal('%s: %d clients at once: server lines (sorted)' % (name, n), texts['py'],
                texts['cpp'])


def test_s000_select_server(check, programs, tmp):
    log_only_binary_clients(check, programs, 's000_select_server')
    log_only_interleaved(check, programs, 's000_select_server')
    log_only_burst(check, programs, 's000_select_server')


def test_s000_poll_server(check, programs, tmp):
    log_only_binary_clients(check, programs, 's000_poll_server')
    log_only_interleaved(check, programs, 's000_poll_server')
    log_only_burst(check, programs, 's000_poll_server')


# --- s001_select_server and s001_select_client ------------------------------------------------

# Client sessions: (stdin, number of messages sent). The first ends at EOF after a last line
# with no newline; the second at an empty line, and what follows is never sent.
S001_SESSIONS = [
    ('hello\n你好 world ✓\n  spaces  \nlast line'.encode(), 4),
    ('x\n\nnever sent\n'.encode(), 1),
]


def test_s001_select_pair(check, programs, tmp):
    runs = {}
    for s_impl, c_impl in MIXES:
        try:
            server, port = _common.start_server(
                lambda p: programs.cmd(s_impl, 's001_select_server', HOST, p), WAITING)
        except RuntimeError as e:
            check.fail('s001_select_server (%s) starts' % s_impl, str(e))
            return
        with server:
            # The server prints WAITING once at start, once after each accept, twice per
            # message (read, then reply) and once after the client hangs up.
            waiting = 1
            clients = []
            idle = True
            for stdin, messages in S001_SESSIONS:
                clients.append(run_client(
                    programs.cmd(c_impl, 's001_select_client', HOST, port), stdin))
                waiting += 1 + 2 * messages + 1
                idle = idle and count_lines(server, WAITING, waiting)
            result = server.stop()
        check.true('s001_select_server (%s): idle after the clients' % s_impl, idle,
                   result.stdout)
        runs[s_impl, c_impl] = (result, clients, port)
    ref_server, ref_clients, ref_port = runs['py', 'py']
    ref_text = _common.normalise_ports(ref_server.stdout, (ref_port,))
    check.true('s001_select: python reference replied', REPLY.decode() in ref_clients[0].stdout,
               ref_clients[0].stdout)
    for key in MIXES:
        server, clients, port = runs[key]
        mix = '%s server + %s client' % key
        for i, client in enumerate(clients):
            check.true('s001_select: client %d exits 0, %s' % (i + 1, mix),
                       client.returncode == 0, client.stderr)
            check.equal('s001_select: client %d stdout, %s' % (i + 1, mix),
                        ref_clients[i].stdout, client.stdout, 'py + py', mix)
        if key != ('py', 'py'):
            check.equal('s001_select: server stdout, %s' % mix, ref_text,
                        _common.normalise_ports(server.stdout, (port,)), 'py + py', mix)
        check.true('s001_select: server stderr empty, %s' % mix, not server.stderr.strip(),
                   server.stderr)


def test_s001_select_server_interleaved(check, programs, tmp):
    """Three connections open together, each message answered before the next is sent."""
    script = [('send', 'B', 'from B'), ('send', 'A', 'from A 你好'), ('send', 'C', 'from C'),
              ('close', 'B', None), ('send', 'A', 'A again'), ('send', 'C', 'C again'),
              ('close', 'A', None), ('close', 'C', None)]
    texts = {}
    for impl in ('py', 'cpp'):
        try:
            server, port = _common.start_server(
                lambda p: programs.cmd(impl, 's001_select_server', HOST, p), WAITING)
        except RuntimeError as e:
            check.fail('s001_select_server (%s) starts' % impl, str(e))
            return
        driver = Driver()
        replies = []
        with server:
            try:
                waiting = 1
                ok = True
                for who in 'ABC':
                    driver.connect(who, port)
                    waiting += 1
                    ok = ok and count_lines(server, WAITING, waiting)
                for action, who, text in script:
                    if action == 'send':
                        driver.socks[who].sendall(text.encode())
                        replies.append(_common.recv_exactly(driver.socks[who], len(REPLY)))
                        waiting += 2
                    else:
                        driver.close(who)
                        waiting += 1
                    ok = ok and count_lines(server, WAITING, waiting)
            finally:
                driver.close_all()
            result = server.stop()
        check.true('s001_select_server (%s), three clients: every step done' % impl, ok,
                   result.stdout)
        check.true('s001_select_server (%s), three clients: every reply' % impl,
                   replies == [REPLY] * 5, repr(replies))
        check.true('s001_select_server (%s), three clients: stderr empty' % impl,
                   not result.stderr.strip(), result.stderr)
        texts[impl] = driver.normalise(result.stdout, port)
    check.equal('s001_select_server, three clients at once: server stdout', texts['py'],
                texts['cpp'])


def client_burst(check, label, programs, server_name, client_name, ready, n, lines,
                 expected_client_stdout, where=lambda impl: None, extra_server_args=lambda impl: (),
                 server_class=None):
    """n client processes (py and C++ alternately) started together against each server, each
    sending `lines`; where(impl) is the working directory, extra_server_args(impl) follow the
    port. Returns {impl: (server Result, port)}."""
    stdin = ''.join(line + '\n' for line in lines).encode()
    out = {}
    for impl in ('py', 'cpp'):
        cwd = where(impl)
        make = lambda p, impl=impl: programs.cmd(impl, server_name, HOST, p,  # noqa: E731
                                                 *extra_server_args(impl))
        try:
            if ready is None:
                server, port = _common.start_listening_server(make, cwd=cwd,
                                                              server_class=server_class)
            else:
                server, port = _common.start_server(make, ready, cwd=cwd)
        except RuntimeError as e:
            check.fail('%s (%s) starts' % (server_name, impl), str(e))
            return None
        with server:
            if isinstance(server, StdinServer):
                server.close_stdin()
            clients = burst(n, port, lambda i, p: run_client(
                programs.cmd('py' if i % 2 == 0 else 'cpp', client_name, HOST, p), stdin, cwd))
            result = server.stop()
        for i, client in enumerate(clients):
            ok = isinstance(client, _common.Result) and client.returncode == 0
            check.true('%s (%s), %d clients at once: client %d exits 0' % (label, impl, n, i),
                       ok, client.stderr if isinstance(client, _common.Result) else repr(client))
            if ok:
                check.equal('%s (%s), %d clients at once: client %d stdout' % (
                    label, impl, n, i), expected_client_stdout, client.stdout, 'expected',
                    'client %d' % i)
        check.true('%s (%s), %d clients at once: server stderr empty' % (label, impl, n),
                   not result.stderr.strip(), result.stderr)
        out[impl] = (result, port)
    return out


def test_s001_select_server_burst(check, programs, tmp):
    n, lines = 6, ['one', '二', 'three ✓']
    runs = client_burst(check, 's001_select', programs, 's001_select_server',
                        's001_select_client', WAITING, n, lines,
                        ('Msg>>' + REPLY.decode() + '\n') * len(lines) + 'Msg>>')
    if runs is None:
        return
    texts = {}
    for impl, (result, port) in runs.items():
        # How many selects it takes depends on how the clients' messages coincide.
        kept = [line for line in _common.normalise_ports(result.stdout, (port,)).splitlines()
                if line != WAITING]
        texts[impl] = '\n'.join(sorted(kept))
        check.true('s001_select (%s), %d clients at once: every message received' % (impl, n),
                   sum(line.startswith('Receive: ') for line in kept) == n * len(lines),
                   result.stdout)
    check.equal('s001_select_server, %d clients at once: server lines but %s (sorted)' % (
        n, WAITING), texts['py'], texts['cpp'])


# --- myserver and s001_select_file_client ----------------------------------------------------

def test_myserver_pair(check, programs, tmp):
    """Each mix: two lines on stdin in one write, a client, more stdin ("\\r\\n", a last line
    without newline) then EOF, then another client to show it still serves."""
    runs = {}
    for s_impl, c_impl in MIXES:
        where = os.path.join(tmp, 'myserver_%s_%s' % (s_impl, c_impl))
        os.mkdir(where)
        path = os.path.join(where, 'out.txt')
        started = start_listening(check, programs, s_impl, 'myserver', path, cwd=where,
                                  server_class=StdinServer)
        if started is None:
            return
        server, port = started
        steps = []
        with server:
            # Python's buffered stdin reads both lines and hands out the first; the second
            # stays in its buffer, unseen by select(), until stdin is readable again (EOF).
            server.write_stdin('stdin one\nstdin two\n'.encode())
            steps.append(wait_until(lambda: read_file(path) == b'stdin one\n'))
            clients = [run_client(programs.cmd(c_impl, 's001_select_file_client', HOST, port),
                                  'hello\n你好 世界\n'.encode(), where)]
            server.write_stdin('stdin three 三\r\nno newline'.encode())
            server.close_stdin()
            steps.append(wait_until(lambda: (read_file(path) or b'').endswith(b'no newline')))
            # Stopped watching stdin: it sleeps in select() instead of spinning on EOF.
            steps.append(wait_until(lambda: process_state(server.proc.pid) == 'S'))
            clients.append(run_client(
                programs.cmd(c_impl, 's001_select_file_client', HOST, port),
                'after eof\n\nnever sent\n'.encode(), where))
            steps.append(count_lines(server, '已连接......', 2))
            result = server.stop()
        check.true('myserver (%s): stdin and both clients handled' % s_impl, all(steps),
                   '%r\n%s\nfile: %r' % (steps, result.stdout, read_file(path)))
        runs[s_impl, c_impl] = (result, clients, read_file(path))
    ref_server, ref_clients, ref_file = runs['py', 'py']
    check.true('myserver: python reference wrote the file', ref_file is not None and
               b'hello\n' in ref_file, repr(ref_file))
    for key in MIXES:
        server, clients, content = runs[key]
        mix = '%s server + %s client' % key
        for i, client in enumerate(clients):
            check.true('myserver: client %d exits 0, %s' % (i + 1, mix), client.returncode == 0,
                       client.stderr)
            check.equal('myserver: client %d stdout, %s' % (i + 1, mix), ref_clients[i].stdout,
                        client.stdout, 'py + py', mix)
        if key != ('py', 'py'):
            check.equal('myserver: server stdout, %s' % mix, ref_server.stdout, server.stdout,
                        'py + py', mix)
            check.true('myserver: file written, %s' % mix, content == ref_file,
                       'py + py: %r\n%s: %r' % (ref_file, mix, content))
        check.true('myserver: server stderr empty, %s' % mix, not server.stderr.strip(),
                   server.stderr)


def test_myserver_interleaved(check, programs, tmp):
    """Three connections open together, and stdin lines between their messages."""
    script = [('send', 'B', 'from B'), ('stdin', None, 'typed 1'), ('send', 'A', 'from A 你好'),
              ('send', 'C', 'from C'), ('close', 'B', None), ('stdin', None, 'typed 2'),
              ('send', 'A', 'A again'), ('close', 'A', None), ('send', 'C', 'C again'),
              ('eof', None, None), ('close', 'C', None)]
    results = {}
    for impl in ('py', 'cpp'):
        where = os.path.join(tmp, 'myserver_interleaved_%s' % impl)
        os.mkdir(where)
        path = os.path.join(where, 'out.txt')
        started = start_listening(check, programs, impl, 'myserver', path, cwd=where,
                                  server_class=StdinServer)
        if started is None:
            return
        server, port = started
        driver = Driver()
        replies = []
        ok = True
        with server:
            try:
                for i, who in enumerate('ABC'):
                    driver.connect(who, port)
                    ok = ok and count_lines(server, '已连接......', i + 1)
                for action, who, text in script:
                    if action == 'send':
                        driver.socks[who].sendall(text.encode())
                        replies.append(_common.recv_exactly(driver.socks[who], len(FILE_REPLY)))
                    elif action == 'stdin':
                        expected = (read_file(path) or b'') + (text + '\n').encode()
                        server.write_stdin((text + '\n').encode())
                        ok = ok and wait_until(lambda: read_file(path) == expected)
                    elif action == 'eof':
                        server.close_stdin()
                    else:
                        driver.close(who)
                # After EOF on stdin and every hang-up, it still serves.
                driver.connect('D', port)
                ok = ok and count_lines(server, '已连接......', 4)
                driver.socks['D'].sendall(b'last')
                replies.append(_common.recv_exactly(driver.socks['D'], len(FILE_REPLY)))
            finally:
                driver.close_all()
            result = server.stop()
        check.true('myserver (%s), three clients: every step done' % impl, ok, result.stdout)
        check.true('myserver (%s), three clients: every reply' % impl,
                   replies == [FILE_REPLY] * 6, repr(replies))
        check.true('myserver (%s), three clients: stderr empty' % impl,
                   not result.stderr.strip(), result.stderr)
        results[impl] = (result.stdout, read_file(path))
    check.equal('myserver, three clients at once and stdin: server stdout', results['py'][0],
                results['cpp'][0])
    check.true('myserver, three clients at once and stdin: file', results['py'][1] ==
               results['cpp'][1], 'python: %r\nc++:    %r' % (results['py'][1],
                                                              results['cpp'][1]))


def test_myserver_burst(check, programs, tmp):
    n, lines = 6, ['one', '二', 'three ✓']
    for impl in ('py', 'cpp'):
        os.mkdir(os.path.join(tmp, impl))
    path = lambda impl: os.path.join(tmp, impl, 'out.txt')  # noqa: E731
    runs = client_burst(check, 'myserver', programs, 'myserver', 's001_select_file_client',
                        None, n, lines,
                        ('Msg>>' + FILE_REPLY.decode() + '\n') * len(lines) + 'Msg>>',
                        where=lambda impl: os.path.join(tmp, impl),
                        extra_server_args=lambda impl: (path(impl),), server_class=StdinServer)
    if runs is None:
        return
    texts = {impl: '\n'.join(sorted(result.stdout.splitlines()))
             for impl, (result, _) in runs.items()}
    check.equal('myserver, %d clients at once: server lines (sorted)' % n, texts['py'],
                texts['cpp'])
    for impl in runs:
        content = read_file(path(impl))
        check.true('myserver (%s), %d clients at once: file has every message' % (impl, n),
                   content is not None and sorted(content.decode().splitlines()) ==
                   sorted(lines * n), repr(content))


# --- failures: the same message and exit status as Python --------------------------------------

def outcome(result):
    return (result.returncode, result.stdout, result.last_stderr_line())


def test_failures(check, programs, tmp):
    """Bad ports, a refused connection, a file that cannot be opened, and a message that is
    not UTF-8 (the server decodes it, so it dies as Python does)."""
    servers = ['s000_select_server', 's000_poll_server', 's001_select_server', 'myserver']
    clients = ['s001_select_client', 's001_select_file_client']
    for name in servers + clients:
        for port in ('not a port', '70000', '-1'):
            got = {impl: outcome(run_client(programs.cmd(impl, name, HOST, port), b'hi\n', tmp))
                   for impl in ('py', 'cpp')}
            check.true('%s %s %r: as python' % (name, HOST, port), got['py'] == got['cpp'] and
                       got['py'][0] == 1, repr(got))
    with socket.socket() as holder:  # bound, not listening: connecting is refused
        holder.bind((HOST, 0))
        port = holder.getsockname()[1]
        for name in clients:
            got = {impl: outcome(run_client(programs.cmd(impl, name, HOST, port), b'hi\n', tmp))
                   for impl in ('py', 'cpp')}
            check.true('%s against a closed port: as python' % name, got['py'] == got['cpp'] and
                       got['py'][0] == 1, repr(got))
        missing = os.path.join(tmp, 'no such dir', 'out.txt')
        got = {impl: outcome(run_client(programs.cmd(impl, 'myserver', HOST, 0, missing), b'',
                                        tmp)) for impl in ('py', 'cpp')}
        check.true('myserver with a file it cannot open: as python', got['py'] == got['cpp'] and
                   got['py'][0] == 1, repr(got))

    for name, ready in (('s001_select_server', WAITING), ('myserver', None)):
        got = {}
        for impl in ('py', 'cpp'):
            path = os.path.join(tmp, 'not_utf8_%s_%s.txt' % (name, impl))
            args = (path,) if name == 'myserver' else ()
            make = lambda p, impl=impl, args=args: programs.cmd(  # noqa: E731
                impl, name, HOST, p, *args)
            try:
                if ready is None:
                    server, port = _common.start_listening_server(make, cwd=tmp)
                else:
                    server, port = _common.start_server(make, ready, cwd=tmp)
            except RuntimeError as e:
                check.fail('%s (%s) starts' % (name, impl), str(e))
                return
            with server:
                with socket.create_connection((HOST, port), timeout=WAIT) as s:
                    s.sendall(b'ok \xff\xfe')
                    exited = wait_until(lambda: server.proc.poll() is not None)
                result = server.stop()
            got[impl] = (exited, result.returncode,
                         _common.normalise_ports(result.stdout, (port,)), result.last_stderr_line(),
                         read_file(path) if args else None)
        check.true('%s, a message that is not UTF-8: dies as python' % name,
                   got['py'] == got['cpp'] and got['py'][0], repr(got))


TESTS = [test_s000_select_server, test_s000_poll_server, test_s001_select_pair,
         test_s001_select_server_interleaved, test_s001_select_server_burst, test_myserver_pair,
         test_myserver_interleaved, test_myserver_burst, test_failures]


def main():
    args = _common.parse_args(extra=lambda p: p.add_argument(
        '-k', dest='only', help='run only the tests whose name contains this'))
    missing = _common.missing_programs(args.examples, args.seeds, PROGRAMS, SEEDS)
    if missing:
        print('SKIP: missing programs: ' + ', '.join(missing), flush=True)
        return _common.SKIP
    programs = _common.Programs(args.examples, args.seeds)
    check = _common.Checker()
    with tempfile.TemporaryDirectory(prefix='netkit_select_seeds_') as tmp:
        _common.run_tests(check, TESTS, programs, tmp, args.only, own_tmp=True)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
