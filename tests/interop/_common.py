"""Helpers shared by the interop scripts in tests/interop/ (not a test itself: its name starts
with '_', so ctest skips it).

Every script runs a seed program (python3 -u) and its C++ twin and compares what they print.
Rules these helpers enforce: every subprocess has a timeout, servers bind loopback on a free
port, readiness is a line the server prints (never a sleep), every process started is killed
and reaped.

Other scripts may add functions here; existing ones keep their behaviour.
"""

import argparse
import ctypes
import difflib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

SKIP = 77  # ctest's SKIP_RETURN_CODE for these scripts

# Bounds on how long anything may take (seconds).
RUN_TIMEOUT = 20.0
READY_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0


def parse_args(argv=None, extra=None):
    """The arguments every interop script takes: --examples DIR --seeds DIR --app PATH.

    `extra(parser)` may add more."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--examples', required=True, help='directory of the built C++ twins')
    parser.add_argument('--seeds', required=True, help='directory of the seed programs (.py)')
    parser.add_argument('--app', default='none', help="the netkit binary, or 'none'")
    if extra:
        extra(parser)
    args = parser.parse_args(argv)
    # Programs are also started from other working directories (Unix socket tests).
    args.examples = os.path.abspath(args.examples)
    args.seeds = os.path.abspath(args.seeds)
    return args


def python_cmd(seeds, name, *args):
    """The command line that runs seed program `name` (without .py), unbuffered."""
    return [sys.executable, '-u', os.path.join(seeds, name + '.py'), *map(str, args)]


def cpp_cmd(examples, name, *args):
    """The command line that runs the C++ twin `name`."""
    return [os.path.join(examples, name), *map(str, args)]


class Programs:
    """The seed programs and their C++ twins: cmd('py' or 'cpp', name, *args)."""

    def __init__(self, examples, seeds):
        self.examples = examples
        self.seeds = seeds

    def cmd(self, impl, name, *args):
        if impl == 'py':
            return python_cmd(self.seeds, name, *args)
        return cpp_cmd(self.examples, name, *args)


def missing_programs(examples, seeds, twins, seed_names=()):
    """The C++ twins among `twins` that are not built and the seeds among `seed_names` that are
    not there (as 'name.py'); empty when all are."""
    return require_programs(examples, twins) + [
        n + '.py' for n in seed_names if not os.path.exists(os.path.join(seeds, n + '.py'))]


def twins_missing(examples, names):
    """True, after saying which, when some of the C++ twins `names` are not built."""
    missing = require_programs(examples, names)
    if missing:
        print('FAIL: C++ twins not built in %s: %s' % (examples, ' '.join(missing)))
    return bool(missing)


def run_tests(check, tests, programs, tmp, only=None, own_tmp=False):
    """Runs each test(check, programs, tmp) whose name contains `only` (all without it), timing
    it; with `own_tmp`, each test gets a fresh directory of its name under tmp. An exception
    fails that test, not the others."""
    for test in tests:
        if only and only not in test.__name__:
            continue
        started = time.monotonic()
        test_tmp = tmp
        if own_tmp:
            test_tmp = os.path.join(tmp, test.__name__)
            os.mkdir(test_tmp)
        try:
            test(check, programs, test_tmp)
        except Exception as e:  # a broken step fails this test, not the others
            check.fail(test.__name__, '%s: %s' % (type(e).__name__, e))
        print('--    %s (%.1f s)' % (test.__name__, time.monotonic() - started), flush=True)


def recv_exactly(sock, n):
    """Receives until `n` bytes have come or the peer closes; returns what came."""
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def recv_nonblocking(sock, size=65536):
    """One recv() on a non-blocking socket: the bytes that came, b'' when the peer closed or the
    connection failed, None when nothing is there yet."""
    try:
        return sock.recv(size)
    except BlockingIOError:
        return None
    except OSError:
        return b''


def free_port(kind=socket.SOCK_STREAM, host='127.0.0.1'):
    """A port the kernel considers free on `host` right now (bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until(condition, timeout=READY_TIMEOUT, interval=0.01):
    """Polls condition() (a /proc read, a file's contents) until it holds or `timeout` passes;
    for states that nothing announces. Returns whether it held."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def wait_for_port(host, port, timeout=READY_TIMEOUT):
    """Polls a TCP connect to (host, port) until it succeeds or `timeout` passes. Note that the
    probe connection is itself seen by the server (and appears in an echo server's transcript).
    Returns True when it connected."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1.0):
                return True
        except OSError:
            # A refused loopback connect fails at once: back off briefly between polls.
            time.sleep(0.02)
    return False


class Result:
    """What a finished process printed: returncode, stdout, stderr (text)."""

    def __init__(self, cmd, returncode, stdout, stderr):
        self.cmd = cmd
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def last_stderr_line(self):
        lines = [line for line in self.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else ''

    def __repr__(self):
        return 'Result(%r, rc=%r)' % (self.cmd, self.returncode)


def run(cmd, timeout=RUN_TIMEOUT, cwd=None, stdin_text=None):
    """Runs cmd to completion (killed after `timeout`) and returns a Result; a timeout gives
    returncode None with what was printed so far."""
    try:
        done = subprocess.run(cmd, input=stdin_text, capture_output=True, text=True,
                              timeout=timeout, cwd=cwd, errors='backslashreplace')
        return Result(cmd, done.returncode, done.stdout, done.stderr)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors='backslashreplace') if isinstance(e.stdout, bytes) else (
            e.stdout or '')
        err = e.stderr.decode(errors='backslashreplace') if isinstance(e.stderr, bytes) else (
            e.stderr or '')
        return Result(cmd, None, out, err + '\n[killed after %.0f s]' % timeout)


class Server:
    """A long-running program whose stdout lines are collected as they arrive, so a test can
    wait for a line (readiness) and then stop the program with SIGTERM and keep its transcript.

    Use as a context manager: the process is always killed and reaped on exit. Its stdin is
    /dev/null unless `stdin` says otherwise (subprocess.PIPE, for a program that reads it)."""

    def __init__(self, cmd, cwd=None, stdin=subprocess.DEVNULL):
        self.cmd = cmd
        # Its own process group, so stopping it also stops what it forked (a forking server's
        # children, a wrapper's pipeline), which would otherwise hold the pipes open.
        self.proc = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd, start_new_session=True)
        self._lines = []
        self._stderr = []
        self._cond = threading.Condition()
        self._eof = False
        self._readers = [
            threading.Thread(target=self._read_stdout, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for t in self._readers:
            t.start()

    def _read_stdout(self):
        for raw in self.proc.stdout:
            with self._cond:
                self._lines.append(raw.decode(errors='backslashreplace').rstrip('\n'))
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def _read_stderr(self):
        for raw in self.proc.stderr:
            self._stderr.append(raw.decode(errors='backslashreplace'))

    def wait_for_line(self, predicate, count=1, timeout=READY_TIMEOUT):
        """Waits until `count` stdout lines satisfy predicate (a str is an exact match).
        Returns False if the program ended or `timeout` passed first."""
        if isinstance(predicate, str):
            text = predicate
            predicate = lambda line: line == text  # noqa: E731
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                if sum(1 for line in self._lines if predicate(line)) >= count:
                    return True
                left = deadline - time.monotonic()
                if self._eof or left <= 0:
                    return False
                self._cond.wait(left)

    def stop(self):
        """SIGTERM (then SIGKILL if needed), reap, and return a Result with the transcript."""
        if self.proc.poll() is None:
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait(STOP_TIMEOUT)
        else:
            self._signal_group(signal.SIGTERM)  # whatever it left behind in its group
        for t in self._readers:
            t.join(STOP_TIMEOUT)
        with self._cond:
            stdout = ''.join(line + '\n' for line in self._lines)
        return Result(self.cmd, self.proc.returncode, stdout, ''.join(self._stderr))

    def __enter__(self):
        return self

    def _signal_group(self, signum):
        try:
            os.killpg(self.proc.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def __exit__(self, *exc):
        self._signal_group(signal.SIGKILL)
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        for t in self._readers:
            t.join(STOP_TIMEOUT)
        # Closing a pipe that a reader thread still blocks on would deadlock on its lock.
        if not any(t.is_alive() for t in self._readers):
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream:
                    stream.close()
        return False


def start_server(make_cmd, ready_line, make_port=free_port, attempts=5, cwd=None):
    """Starts the server `make_cmd(port)` on a free port and waits for its ready line.

    A free port can be taken between the moment it is found and the server's bind: when the
    server dies before it is ready with 'Address already in use', another port is tried.
    Returns (server, port); raises RuntimeError with the server's output otherwise."""
    return _start_on_free_port(make_cmd, lambda server, port: server.wait_for_line(ready_line),
                               'never became ready', make_port, attempts, cwd, Server)


def _start_on_free_port(make_cmd, is_ready, never, make_port, attempts, cwd, server_class):
    """start_server's and start_listening_server's loop: starts server_class(make_cmd(port),
    cwd=cwd) on a port from make_port() until is_ready(server, port); another port when the
    server dies first with 'Address already in use', at most `attempts` times. Returns (server,
    port); raises RuntimeError ('server ... <never> ...' with its output) otherwise."""
    last = None
    for _ in range(attempts):
        port = make_port()
        server = server_class(make_cmd(port), cwd=cwd)
        if is_ready(server, port):
            return server, port
        result = server.stop()
        server.__exit__(None, None, None)
        last = result
        if 'Address already in use' not in result.stderr:
            break
    raise RuntimeError('server %r %s (rc=%r)\nstdout:\n%s\nstderr:\n%s' % (
        last.cmd, never, last.returncode, last.stdout, last.stderr))


def normalise_ports(text, ports=()):
    """Replaces what varies between runs: the given port numbers by PORT, and the port in every
    printed address tuple ('host', 12345) by N."""
    for port in ports:
        text = re.sub(r'\b%d\b' % port, 'PORT', text)
    return re.sub(r"(\('[^']*', )\d+", r'\1N', text)


def diff(expected, actual, expected_label='python', actual_label='c++'):
    """A unified diff of two transcripts, '' when they are equal."""
    if expected == actual:
        return ''
    return ''.join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        expected_label, actual_label))


class Checker:
    """Collects check results and prints a readable report; exit() returns 0 or 1."""

    def __init__(self):
        self.failures = []
        self.passed = 0

    def equal(self, what, expected, actual, expected_label='python', actual_label='c++'):
        d = diff(expected, actual, expected_label, actual_label)
        if d:
            self.fail(what, d)
        else:
            self.ok(what)
        return not d

    def true(self, what, condition, detail=''):
        if condition:
            self.ok(what)
        else:
            self.fail(what, detail)
        return condition

    def ok(self, what):
        self.passed += 1
        print('ok    ' + what, flush=True)

    def fail(self, what, detail=''):
        self.failures.append(what)
        print('FAIL  ' + what, flush=True)
        if detail:
            print('      ' + detail.rstrip('\n').replace('\n', '\n      '), flush=True)

    def exit_code(self):
        print('%d passed, %d failed' % (self.passed, len(self.failures)), flush=True)
        for what in self.failures:
            print('  failed: ' + what, flush=True)
        return 1 if self.failures else 0


def require_programs(examples, names):
    """The C++ twins among `names` that are not built (empty when all are there)."""
    return [n for n in names if not os.access(os.path.join(examples, n), os.X_OK)]


def set_child_subreaper():
    """Makes this process the reaper of orphaned descendants (PR_SET_CHILD_SUBREAPER), so a
    test can see a child that a program left behind. Returns False where it is not allowed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def reap_orphans(timeout=STOP_TIMEOUT):
    """Waits (bounded) for every remaining child of this process; returns their pids."""
    pids = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return pids
        if pid:
            pids.append(pid)
            continue
        if time.monotonic() >= deadline:
            return pids
        time.sleep(0.01)


def netns_unavailable_reason():
    """Why a private network namespace cannot be made here ('' when `unshare -n` works)."""
    if shutil.which('unshare') is None:
        return 'unshare(1) is not installed'
    if shutil.which('ip') is None:
        return 'ip(8) is not installed'
    try:
        done = subprocess.run(['unshare', '-n', 'true'], capture_output=True, text=True,
                              timeout=10)
    except subprocess.TimeoutExpired:
        return '`unshare -n true` did not finish in 10 s'
    if done.returncode != 0:
        return '`unshare -n true` failed (rc=%d): %s' % (done.returncode, done.stderr.strip())
    return ''


INSIDE_NETNS_FLAG = '--inside-private-netns'


def reexec_in_private_netns(multicast=False, timeout=110):
    """Runs this script again inside a new network namespace holding only `lo` (set up, and
    with multicast on and the route 224.0.0.0/4 via lo when `multicast`), so nothing it does
    can reach another machine. Call it first thing in main(): inside the namespace it returns
    True (and the caller carries on); outside it never returns (exits with the inner status,
    or 77 with the reason when a namespace cannot be made)."""
    if INSIDE_NETNS_FLAG in sys.argv:
        sys.argv.remove(INSIDE_NETNS_FLAG)
        setup = [['ip', 'link', 'set', 'lo', 'up']]
        if multicast:
            setup = [['ip', 'link', 'set', 'lo', 'up', 'multicast', 'on'],
                     ['ip', 'route', 'add', '224.0.0.0/4', 'dev', 'lo']]
        for cmd in setup:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            if done.returncode != 0:
                print('SKIP: `%s` failed in the private namespace: %s' % (
                    ' '.join(cmd), done.stderr.strip()), flush=True)
                sys.exit(SKIP)
        return True
    reason = netns_unavailable_reason()
    if reason:
        print('SKIP: this test runs only inside a private network namespace, and %s' % reason,
              flush=True)
        sys.exit(SKIP)
    cmd = ['unshare', '-n', '--', sys.executable, '-u', os.path.abspath(sys.argv[0]),
           INSIDE_NETNS_FLAG, *sys.argv[1:]]
    try:
        done = subprocess.run(cmd, timeout=timeout)
    except subprocess.TimeoutExpired:
        print('FAIL: the run inside the private namespace took more than %d s' % timeout,
              flush=True)
        sys.exit(1)
    sys.exit(done.returncode)


MIXES = (('py', 'py'), ('py', 'cpp'), ('cpp', 'py'), ('cpp', 'cpp'))


def server_client_session(server_cmd, client_cmd, ready, make_port=free_port, cwd=None):
    """One server with one client. `server_cmd(port)` and `client_cmd(port)` give the command
    lines; the server is ready when it prints `ready`, and idle again when it prints it a
    second time, after the client: only then is it stopped (SIGTERM), so its transcript is
    complete. Returns (server Result, client Result, port)."""
    server, port = start_server(server_cmd, ready, make_port=make_port, cwd=cwd)
    with server:
        client = run(client_cmd(port), cwd=cwd)
        idle = server.wait_for_line(ready, count=2)
        result = server.stop()
    if not idle:
        result.stderr += '\n[the server did not print %r again after the client]' % ready
    return result, client, port


def compare_server_client(check, label, server_cmd, client_cmd, ready, make_port=free_port,
                          cwd=None):
    """Runs every mix of Python and C++ server and client (server_cmd(impl, port),
    client_cmd(impl, port), impl 'py' or 'cpp') and checks that each mix prints what the
    Python pair prints (client and server transcripts, ports normalised), that every client
    exits 0 and that no server writes to stderr."""
    runs = {}
    for s_impl, c_impl in MIXES:
        try:
            runs[s_impl, c_impl] = server_client_session(
                lambda p, s_impl=s_impl: server_cmd(s_impl, p),
                lambda p, c_impl=c_impl: client_cmd(c_impl, p), ready, make_port, cwd)
        except RuntimeError as e:
            check.fail('%s: %s server starts' % (label, s_impl), str(e))
            return

    def texts(key):
        server, client, port = runs[key]
        ports = (port,) if isinstance(port, int) else ()
        return normalise_ports(server.stdout, ports), normalise_ports(client.stdout, ports)

    ref_server, ref_client = texts(('py', 'py'))
    ref_client_result = runs['py', 'py'][1]
    check.true(label + ': python client exits 0', ref_client_result.returncode == 0,
               ref_client_result.stderr)
    for key in MIXES[1:]:
        server, client, _ = runs[key]
        server_text, client_text = texts(key)
        mix = '%s server + %s client' % key
        check.equal('%s: client transcript, %s' % (label, mix), ref_client, client_text,
                    'py server + py client', mix)
        check.true('%s: client exits 0, %s' % (label, mix), client.returncode == 0,
                   client.stderr)
        check.equal('%s: server transcript, %s' % (label, mix), ref_server, server_text,
                    'py server + py client', mix)
        check.true('%s: server stderr empty, %s' % (label, mix), not server.stderr.strip(),
                   server.stderr)


# --- readiness without a probe connection (added for the servers that print nothing first) ---

def process_socket_inodes(pid):
    """The inodes of the sockets process `pid` holds open (from /proc/PID/fd)."""
    inodes = set()
    try:
        fds = os.listdir('/proc/%d/fd' % pid)
    except OSError:
        return inodes
    for fd in fds:
        try:
            target = os.readlink('/proc/%d/fd/%s' % (pid, fd))
        except OSError:
            continue
        if target.startswith('socket:['):
            inodes.add(target[len('socket:['):-1])
    return inodes


def is_listening(pid, port, kind='tcp'):
    """True once process `pid` holds a socket bound to `port` (in LISTEN state for 'tcp';
    'udp' for a bound datagram socket), read from /proc/net/{kind,kind6}. Unlike
    wait_for_port, this makes no connection, so a server that logs every connection logs none."""
    inodes = process_socket_inodes(pid)
    for table in ('/proc/net/%s' % kind, '/proc/net/%s6' % kind):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if (int(fields[1].rsplit(':', 1)[1], 16) == port and fields[9] in inodes
                    and (kind == 'udp' or fields[3] == '0A')):
                return True
    return False


def wait_listening(proc, port, kind='tcp', timeout=READY_TIMEOUT):
    """Polls /proc until the subprocess `proc` listens on `port` (True), exits or `timeout`
    passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if is_listening(proc.pid, port, kind):
            return True
        time.sleep(0.01)  # polling /proc, as one would poll a port
    return False


def start_listening_server(make_cmd, kind='tcp', make_port=free_port, attempts=5, cwd=None,
                           server_class=None):
    """start_server for servers with no ready line: started as `server_class(make_cmd(port),
    cwd=cwd)` (default Server), ready once /proc shows it listening on the port. Another port
    is tried when the server dies first with 'Address already in use'. Returns (server, port);
    raises RuntimeError with the server's output otherwise."""
    return _start_on_free_port(make_cmd,
                               lambda server, port: wait_listening(server.proc, port, kind),
                               'never listened', make_port, attempts, cwd, server_class or Server)


def start_announcing_server(cmd, prefix, port_of, what):
    """Starts `cmd`, which prints a line starting with `prefix` once it listens (on port 0);
    returns (server, port_of(that line)). A server that never prints it is stopped and reaped,
    and RuntimeError says what it printed."""
    server = Server(cmd)
    if not server.wait_for_line(lambda line: line.startswith(prefix)):
        result = server.stop()
        server.__exit__(None, None, None)
        raise RuntimeError('%s did not start: %s %s' % (what, result.stdout, result.stderr))
    with server._cond:
        line = next(line for line in server._lines if line.startswith(prefix))
    return server, port_of(line)


# python3's SimpleHTTPRequestHandler serving the directory argv[1] (quietly) on a free loopback
# port, announced as 'PORT <n>'.
PYTHON_HTTP_SERVER = r'''
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.func.log_message = lambda *args: None
srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
print('PORT %d' % srv.server_address[1], flush=True)
srv.serve_forever()
'''


def start_python_http_server(root):
    """python3's http.server on `root` (PYTHON_HTTP_SERVER); returns (server, port)."""
    return start_announcing_server([sys.executable, '-u', '-c', PYTHON_HTTP_SERVER, root],
                                   'PORT ', lambda line: int(line[5:]), 'http.server')
