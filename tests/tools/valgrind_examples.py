#!/usr/bin/env python3
"""Valgrind memcheck on short runs of the C++ examples and `netkit tour` (issue 8).

Usage: valgrind_examples.py --examples DIR --seeds DIR --app PATH [--budget SECONDS] [--only TEXT]
                            [--keep-logs DIR]

Each case starts the programs as tests/interop/*.py start them (servers on loopback, ready by
their printed line or by /proc showing them listening, fed by their interop peers, stopped with
SIGINT or SIGTERM), with every C++ program, server and client alike, under

    valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
             --track-fds=no --trace-children=no --log-file=<case dir>/vg.%p.log

Python peers (the seeds' http server, urllib) run natively. A case fails when any valgrind log
of that case (one per process, forked children included: --trace-children only concerns exec)
reports an error or a definite/indirect leak, when a log has no ERROR SUMMARY (the process was
killed before valgrind could finish), when a process exits 99, or when the programs do not do
what the case expects of them (so a run that silently did nothing cannot pass).

Expected and not an error: valgrind 3.19 does not know openat2(2) ("unhandled amd64-linux syscall:
437" in the log, ENOSYS to the program); netkit's static-file code falls back to openat.

Valgrind runs the programs ~30x slower than natively: every wait here is generous, and the
whole run is bounded by --budget (default 290 s); a case that would start after it fails.
Exit status: 0 pass, 1 fail, 77 skipped (valgrind or the programs missing, with the reason).
"""

import argparse
import glob
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.dont_write_bytecode = True  # importing _common must leave no __pycache__ in the source tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import _common  # noqa: E402

HOST = '127.0.0.1'
READY = 60.0     # seconds for a program under valgrind to print its ready line
RUN = 90.0       # seconds for a client or a standalone program under valgrind
STOP = 60.0      # seconds for a server to exit (and valgrind to check for leaks) after a signal

VALGRIND_OPTIONS = ['--error-exitcode=99', '--leak-check=full',
                    '--errors-for-leak-kinds=definite,indirect',
                    '--show-leak-kinds=definite,indirect', '--track-fds=no',
                    '--trace-children=no', '--num-callers=40']

TWINS = ['socket_echo_server', 'socket_echo_client', 'selectors_echo_server',
         'selectors_echo_client', 'socketserver_threaded', 'socketserver_forking',
         's000_threading_server', 's000_forking_server', 's000_simple_client',
         'reactor_echo_server', 's004_twisted_timestamp_server', 's004_twisted_timestamp_client',
         'http_hello_server', 's000_urlopen_about']
SEEDS = ['s001_http_server']

ABOUT_PAGE = ('<html><body>\n<a href="/doc/">Docs</a>\n'
              '<A HREF="/about/" class="tier-1 element-1">About</a>\n</body></html>\n')
TIMESTAMP_INPUT = 'hello\nworld\nlast line'


class Failed(Exception):
    """A case's programs did not do what the case expects (the message says what)."""


class Valgrind:
    """Command lines under valgrind, each case's logs in a directory of its own."""

    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.logs = None  # the current case's log directory

    def begin(self, name):
        self.logs = os.path.join(self.tmp, name)
        shutil.rmtree(self.logs, ignore_errors=True)  # a kept directory from an earlier run
        os.mkdir(self.logs)

    def cmd(self, program, *argv):
        return ['valgrind', *VALGRIND_OPTIONS, '--log-file=%s/vg.%%p.log' % self.logs, program,
                *map(str, argv)]

    def example(self, name, *argv):
        return self.cmd(os.path.join(self.args.examples, name), *argv)

    def app(self, *argv):
        return self.cmd(self.args.app, *argv)


def program_of(cmd):
    """The program and its arguments in a command line, without valgrind and its options."""
    if cmd[0] == 'valgrind':
        cmd = cmd[len(VALGRIND_OPTIONS) + 2:]
    return ' '.join([os.path.basename(cmd[0]), *cmd[1:]])


# --- processes ----------------------------------------------------------------------------------

def start(cmd, ready=None, port=None, cwd=None):
    """Starts a server (a _common.Server); ready once it prints a line `ready(line)` accepts, or,
    without `ready`, once /proc shows it listening on `port`. Raises Failed otherwise."""
    server = _common.Server(cmd, cwd=cwd)
    if ready is not None:
        ok = server.wait_for_line(ready, timeout=READY)
    else:
        ok = _common.wait_listening(server.proc, port, timeout=READY)
    if not ok:
        result = stop(server, signal.SIGTERM)
        server.__exit__(None, None, None)
        raise Failed('%s never became ready (rc=%r)\nstdout:\n%s\nstderr:\n%s' % (
            program_of(cmd), result.returncode, result.stdout, result.stderr))
    return server


def start_on_free_port(make_cmd, ready=None, attempts=5):
    """start() on a free port (another when the first is taken meanwhile); (server, port)."""
    for attempt in range(attempts):
        port = _common.free_port()
        try:
            return start(make_cmd(port), ready, port), port
        except Failed as e:
            if 'Address already in use' not in str(e) or attempt == attempts - 1:
                raise
    raise AssertionError('unreachable')


def stop(server, signum):
    """Sends `signum` to the server's process group and waits (long: valgrind checks for leaks
    at the exit) for it to exit; SIGKILL after STOP seconds, which leaves its log without an
    ERROR SUMMARY and so fails the case. Returns a _common.Result."""
    if server.proc.poll() is None:
        try:
            os.killpg(server.proc.pid, signum)
        except ProcessLookupError:
            pass
        try:
            server.proc.wait(STOP)
        except subprocess.TimeoutExpired:
            pass
    return server.stop()  # SIGKILL only if it is still there; reaps and joins the readers


def run(cmd, stdin_text=None, cwd=None):
    result = _common.run(cmd, timeout=RUN, stdin_text=stdin_text, cwd=cwd)
    if result.returncode is None:
        raise Failed('%s did not finish in %.0f s\nstdout:\n%s\nstderr:\n%s' % (
            program_of(cmd), RUN, result.stdout, result.stderr))
    return result


def expect(condition, what, result=None):
    if not condition:
        detail = ''
        if result is not None:
            detail = '\nrc=%r\nstdout:\n%s\nstderr:\n%s' % (result.returncode, result.stdout,
                                                            result.stderr)
        raise Failed(what + detail)


def expect_rc(result, rc, what):
    expect(result.returncode != 99, what + ': valgrind reported errors (exit 99)', result)
    expect(result.returncode == rc, '%s: exit status %r, expected %r' % (
        what, result.returncode, rc), result)


# --- the cases ----------------------------------------------------------------------------------

def case_socket_echo(vg):
    """socket_echo_server with socket_echo_client (seed 002's pair, PyMOTW), both under valgrind;
    the server loops forever, as the seed does: SIGTERM ends it."""
    server, port = start_on_free_port(
        lambda p: vg.example('socket_echo_server', HOST, p),
        lambda line: line == 'waiting for a connection')
    with server:
        client = run(vg.example('socket_echo_client', HOST, port))
        expect_rc(client, 0, 'socket_echo_client')
        expect("received b'This is the message.  It will be repeated.'" in client.stdout
               or 'received' in client.stdout, 'socket_echo_client got its echo', client)
        expect(server.wait_for_line('waiting for a connection', count=2, timeout=RUN),
               'socket_echo_server waits again after its client')
        result = stop(server, signal.SIGTERM)
    expect('sending data back to the client' in result.stdout, 'socket_echo_server echoed', result)


def case_selectors(vg):
    """selectors_echo_server (PyMOTW's selectors example) with selectors_echo_client; the server
    stops by itself after its first client."""
    server, port = start_on_free_port(lambda p: vg.example('selectors_echo_server', HOST, p),
                                      lambda line: line == 'waiting for I/O')
    with server:
        client = run(vg.example('selectors_echo_client', HOST, port))
        expect_rc(client, 0, 'selectors_echo_client')
        expect(' received ' in client.stdout, 'selectors_echo_client got its echo', client)
        try:
            server.proc.wait(RUN)
        except subprocess.TimeoutExpired:
            pass
        result = stop(server, signal.SIGTERM)
    # It ends normally (0), or, as the seed does, on the reset of a client that closed with
    # unread echo: its next getpeername()/recv() fails, exit 1 (tests/interop/select_examples.py).
    expect(result.returncode != 99, 'selectors_echo_server: valgrind reported errors', result)
    on_reset = result.returncode == 1 and result.last_stderr_line().startswith(
        ('OSError: [Errno 107]', 'ConnectionResetError'))
    expect(result.returncode == 0 or on_reset,
           'selectors_echo_server ends by itself after its client, normally or on its reset',
           result)


def case_socketserver_threaded(vg):
    """socketserver_threaded: ThreadingMixIn server, its client in the same program."""
    result = run(vg.example('socketserver_threaded', HOST, 0))
    expect_rc(result, 0, 'socketserver_threaded')
    expect(len(result.stdout.splitlines()) == 3 and 'Hello, world' in result.stdout,
           'socketserver_threaded prints its 3 lines', result)


def case_socketserver_forking(vg):
    """socketserver_forking: ForkingMixIn server (a child per request, each child's memory
    checked in a log of its own), its client in the same program."""
    result = run(vg.example('socketserver_forking', HOST, 0))
    expect_rc(result, 0, 'socketserver_forking')
    expect(len(result.stdout.splitlines()) == 3 and 'Hello, world' in result.stdout,
           'socketserver_forking prints its 3 lines', result)


def seed000_server(vg, name):
    """Seed 000's thanks server `name` with two s000_simple_client runs, then SIGTERM."""
    server, port = start_on_free_port(lambda p: vg.example(name, HOST, p))
    with server:
        for _ in range(2):
            client = run(vg.example('s000_simple_client', HOST, port))
            expect_rc(client, 0, 's000_simple_client')
            expect('Thank you for connecting' in client.stdout, 's000_simple_client thanked',
                   client)
        expect(server.wait_for_line(lambda line: line.startswith('Got connection from'),
                                    count=2, timeout=RUN), name + ' saw both clients')
        stop(server, signal.SIGTERM)


def case_s000_threading_server(vg):
    seed000_server(vg, 's000_threading_server')


def case_s000_forking_server(vg):
    seed000_server(vg, 's000_forking_server')


def case_reactor_echo(vg):
    """reactor_echo_server (the reactor; port 0, announced) with socket_echo_client; SIGINT
    stops it with exit status 0."""
    server = start(vg.example('reactor_echo_server', HOST, 0),
                   lambda line: line.startswith('starting up on '))
    with server:
        with server._cond:
            line = next(x for x in server._lines if x.startswith('starting up on '))
        port = int(line.rsplit(' ', 1)[1])
        client = run(vg.example('socket_echo_client', HOST, port))
        expect_rc(client, 0, 'socket_echo_client')
        expect(server.wait_for_line(lambda x: ' disconnected after ' in x, timeout=RUN),
               'reactor_echo_server saw its client go')
        result = stop(server, signal.SIGINT)
    expect_rc(result, 0, 'reactor_echo_server on SIGINT')


def case_twisted_timestamp(vg):
    """The Twisted-style timestamp pair (seed 004), both on netkit's reactor; SIGTERM stops the
    server with exit status 0."""
    server, port = start_on_free_port(
        lambda p: vg.example('s004_twisted_timestamp_server', p, HOST))
    with server:
        client = run(vg.example('s004_twisted_timestamp_client', HOST, port),
                     stdin_text=TIMESTAMP_INPUT)
        expect_rc(client, 0, 's004_twisted_timestamp_client')
        expect(client.stdout.count('hello') + client.stdout.count('world') >= 2,
               'the client printed the timestamped lines', client)
        expect(server.wait_for_line(lambda x: '...connected from:' in x, timeout=RUN),
               's004_twisted_timestamp_server saw its client')
        result = stop(server, signal.SIGTERM)
    expect_rc(result, 0, 's004_twisted_timestamp_server on SIGTERM')


def fetch(url):
    with urllib.request.urlopen(url, timeout=RUN) as response:
        return response.status, response.read()


def case_http_hello_server(vg):
    """examples/http_hello_server with 2 threads (the reactor pool): urllib requests, then
    `netkit get` (the HTTP client, itself under valgrind); SIGTERM, exit status 0."""
    server, port = start_on_free_port(lambda p: vg.example('http_hello_server', HOST, p, 2),
                                      lambda line: line.startswith('Serving HTTP on'))
    with server:
        url = 'http://%s:%d/' % (HOST, port)
        for _ in range(4):  # on new connections: the pool hands them to both loops
            status, body = fetch(url)
            expect(status == 200 and body, 'http_hello_server answers 200 with a body')
        out = os.path.join(vg.logs, 'hello.out')
        got = run(vg.app('get', url, '-o', out))
        expect_rc(got, 0, 'netkit get')
        with open(out, 'rb') as f:
            expect(f.read() == body, 'netkit get wrote what urllib read')
        result = stop(server, signal.SIGTERM)
    expect_rc(result, 0, 'http_hello_server on SIGTERM')


def case_http_server_static(vg):
    """`netkit http-server DIR --threads 2` serving files (the static-file code, whose openat2
    call valgrind does not know: its fallback runs here), fetched by urllib and `netkit get`."""
    root = os.path.join(vg.logs, 'root')
    os.mkdir(root)
    files = {'index.html': b'<html>index</html>\n', 'big.bin': os.urandom(300 * 1024)}
    for name, data in files.items():
        with open(os.path.join(root, name), 'wb') as f:
            f.write(data)
    server, port = start_on_free_port(
        lambda p: vg.app('http-server', root, '--bind', HOST, '--port', p, '--threads', 2,
                         '--quiet'),
        lambda line: line.startswith('Serving HTTP on'))
    with server:
        for name, data in files.items():
            status, body = fetch('http://%s:%d/%s' % (HOST, port, name))
            expect(status == 200 and body == data, 'http-server serves %s whole' % name)
        out = os.path.join(vg.logs, 'big.out')
        got = run(vg.app('get', 'http://%s:%d/big.bin' % (HOST, port), '-o', out))
        expect_rc(got, 0, 'netkit get big.bin')
        with open(out, 'rb') as f:
            expect(f.read() == files['big.bin'], 'netkit get wrote big.bin whole')
        result = stop(server, signal.SIGTERM)
    expect_rc(result, 0, 'netkit http-server on SIGTERM')


def case_urlopen_about(vg):
    """s000_urlopen_about against the seed's own server (python3 s001_http_server.py, serving a
    page with an about link), as tests/interop/http_client.py runs it."""
    page = os.path.join(vg.logs, 'about.html')
    with open(page, 'w') as f:
        f.write(ABOUT_PAGE)
    server, port = start_on_free_port(
        lambda p: _common.python_cmd(vg.args.seeds, 's001_http_server', HOST, p, page),
        lambda line: line.startswith('Listen the port'))
    with server:
        result = run(vg.example('s000_urlopen_about', 'http://%s:%d/' % (HOST, port)))
        stop(server, signal.SIGTERM)
    expect_rc(result, 0, 's000_urlopen_about')
    expect("/about/" in result.stdout, 's000_urlopen_about found the about link', result)


def case_tour(vg):
    """`netkit tour`: every section of the toolkit in one process."""
    result = run(vg.app('tour'))
    expect_rc(result, 0, 'netkit tour')
    expect('FAILED' not in result.stdout, 'netkit tour: no section failed', result)


CASES = [case_socket_echo, case_selectors, case_socketserver_threaded, case_socketserver_forking,
         case_s000_threading_server, case_s000_forking_server, case_reactor_echo,
         case_twisted_timestamp, case_http_hello_server, case_http_server_static,
         case_urlopen_about, case_tour]


# --- the logs -----------------------------------------------------------------------------------

SUMMARY = re.compile(r'^==\d+== ERROR SUMMARY: (\d+) errors', re.M)
COMMAND = re.compile(r'^==\d+== Command: (.*)$', re.M)
UNHANDLED = re.compile(r'unhandled amd64-linux syscall: (\d+)')


def check_logs(logs):
    """(problems, notes) over every valgrind log in `logs`: a log with errors or without an
    ERROR SUMMARY is a problem (with the log's text); an unknown system call a note."""
    problems, notes = [], []
    paths = sorted(glob.glob(os.path.join(logs, 'vg.*.log')))
    if not paths:
        problems.append('no valgrind log was written in %s' % logs)
    for path in paths:
        with open(path, errors='backslashreplace') as f:
            text = f.read()
        m = COMMAND.search(text)
        command = os.path.basename(m.group(1)) if m else path
        summary = SUMMARY.search(text)
        if not summary:
            problems.append('%s: no ERROR SUMMARY (killed before valgrind finished?)\n%s' % (
                command, text[-3000:]))
        elif int(summary.group(1)):
            problems.append('%s: %s errors\n%s' % (command, summary.group(1), text[-12000:]))
        for number in sorted(set(UNHANDLED.findall(text))):
            notes.append('%s: valgrind does not know system call %s%s' % (
                command, number, ' (openat2: expected, netkit falls back)' if number == '437'
                else ''))
    return problems, notes, len(paths)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--examples', required=True, help='directory of the built C++ twins')
    parser.add_argument('--seeds', required=True, help='directory of the seed programs (.py)')
    parser.add_argument('--app', default='none', help="the netkit binary, or 'none'")
    parser.add_argument('--budget', type=float, default=290.0,
                        help='seconds for the whole run (a case that would start later fails)')
    parser.add_argument('--only', help='run only the cases whose name contains this')
    parser.add_argument('--keep-logs', metavar='DIR',
                        help='write the valgrind logs under DIR (kept) instead of a temporary one')
    args = parser.parse_args()
    args.examples = os.path.abspath(args.examples)
    args.seeds = os.path.abspath(args.seeds)

    if shutil.which('valgrind') is None:
        print('SKIP: valgrind is not installed (apt-get install -y valgrind)', flush=True)
        return _common.SKIP
    missing = _common.missing_programs(args.examples, args.seeds, TWINS, SEEDS)
    if args.app == 'none' or not os.access(args.app, os.X_OK):
        missing.append('netkit (--app %s)' % args.app)
    if missing:
        print('SKIP: not built or not there: %s' % ' '.join(missing), flush=True)
        return _common.SKIP

    check = _common.Checker()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix='netkit-valgrind-') as tmp:
        if args.keep_logs:
            tmp = os.path.abspath(args.keep_logs)
            os.makedirs(tmp, exist_ok=True)
        vg = Valgrind(args, tmp)
        for case in CASES:
            name = case.__name__[len('case_'):]
            if args.only and args.only not in name:
                continue
            if time.monotonic() - started > args.budget:
                check.fail(name, 'not run: the budget of %.0f s is spent' % args.budget)
                continue
            vg.begin(name)
            case_started = time.monotonic()
            try:
                case(vg)
                failure = None
            except (Failed, OSError, RuntimeError) as e:
                failure = '%s: %s' % (type(e).__name__, e)
            problems, notes, count = check_logs(vg.logs)
            for note in notes:
                print('note  ' + note, flush=True)
            if failure:
                problems.insert(0, failure)
            what = '%s (%d processes under valgrind, %.1f s)' % (
                name, count, time.monotonic() - case_started)
            if problems:
                check.fail(what, '\n'.join(problems))
            else:
                check.ok(what)
    print('valgrind_examples: %.1f s in all' % (time.monotonic() - started), flush=True)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
