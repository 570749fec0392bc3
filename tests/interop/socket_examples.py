#!/usr/bin/env python3
"""Interop test: seed 002's (PyMOTW) socket programs against their C++ twins in examples/.

- standalone programs (resolver, services, address packing, argument errors): the Python
  program and the twin run with the same (loopback-only) arguments; stdout, the exit status and
  the last line of stderr (Python's exception line) must match;
- socket_socketpair: the same transcript (the first two lines, printed by the parent and the
  child at once, in either order), and the twin leaves no child process behind;
- server/client pairs: the server runs on loopback (a free port, or a Unix socket in a temporary
  directory); once it prints its ready line the client runs; once the server prints its ready
  line again (idle) it gets SIGTERM and its stdout so far is its transcript. The client's and
  the server's transcripts of every mix (C++ client + Python server, C++ server + Python client,
  C++ client + C++ server) must equal those of the Python pair. Ports are normalised.

Usage: socket_examples.py --examples DIR --seeds DIR --app PATH   (exit 0 ok, 1 failure)
"""

import os
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

MESSAGE_READY_TCP = 'waiting for a connection'
MESSAGE_READY_UDP = 'waiting to receive message'

# (program, arguments): run both, compare. Loopback names and numbers only.
STANDALONE = [
    ('socket_gethostname', []),
    ('socket_getservbyname', []),
    ('socket_getservbyport', []),
    ('socket_getprotobyname', []),
    ('socket_address_packing', []),
    ('socket_ipv6_address_packing', []),
    ('socket_gethostbyname', ['localhost', '127.0.0.1']),
    ('socket_gethostbyname_ex', ['localhost', '127.0.0.1']),
    ('socket_getfqdn', ['localhost', '127.0.0.1']),
    ('socket_gethostbyaddr', ['127.0.0.1']),
    ('socket_getaddrinfo', ['localhost', 'http']),
    ('socket_getaddrinfo', ['127.0.0.1', '80']),
    ('socket_getaddrinfo', ['::1', 'https']),
    # An unknown service: socket.gaierror escapes, exit status 1.
    ('socket_getaddrinfo', ['localhost', 'no-such-service']),
    ('socket_getaddrinfo_extra_args', ['localhost', 'http']),
    ('socket_getaddrinfo_extra_args', ['127.0.0.1', '80']),
    # Argument errors escape as in Python: IndexError (host is required), ValueError (int()).
    ('socket_echo_server_explicit', []),
    ('socket_echo_client_explicit', []),
    ('socket_echo_server', ['127.0.0.1', 'abc']),
    ('socket_echo_client_dgram', ['127.0.0.1', '10x']),
    ('socket_echo_server_any', ['127.0.0.1', ' 1_0x']),
    # A port outside 0-65535 fails in bind/connect/sendto (OverflowError), after what the
    # program printed before that call.
    ('socket_echo_server', ['127.0.0.1', '70000']),
    ('socket_echo_server_dgram', ['127.0.0.1', '-1']),
    ('socket_echo_server_explicit', ['127.0.0.1', '65536']),
    ('socket_echo_client', ['127.0.0.1', '70000']),
    ('socket_echo_client_explicit', ['127.0.0.1', '-5']),
    ('socket_echo_client_dgram', ['127.0.0.1', '70000']),
]

# (server, client, host, ready line, socket type).
TCP_UDP_PAIRS = [
    ('socket_echo_server', 'socket_echo_client', 'localhost', MESSAGE_READY_TCP,
     socket.SOCK_STREAM),
    ('socket_echo_server', 'socket_echo_client_easy', '127.0.0.1', MESSAGE_READY_TCP,
     socket.SOCK_STREAM),
    ('socket_echo_server_explicit', 'socket_echo_client_explicit', '127.0.0.1',
     MESSAGE_READY_TCP, socket.SOCK_STREAM),
    ('socket_echo_server_any', 'socket_echo_client', '127.0.0.1', MESSAGE_READY_TCP,
     socket.SOCK_STREAM),
    ('socket_echo_server_any', 'socket_echo_client_explicit', '127.0.0.1', MESSAGE_READY_TCP,
     socket.SOCK_STREAM),
    ('socket_echo_server_dgram', 'socket_echo_client_dgram', '127.0.0.1', MESSAGE_READY_UDP,
     socket.SOCK_DGRAM),
]

ALL_TWINS = sorted({name for name, _ in STANDALONE} |
                   {p[0] for p in TCP_UDP_PAIRS} | {p[1] for p in TCP_UDP_PAIRS} |
                   {'socket_socketpair', 'socket_echo_server_uds', 'socket_echo_client_uds'})


class Runner(c.Programs):
    def __init__(self, args, check):
        super().__init__(args.examples, args.seeds)
        self.args = args
        self.check = check

    # --- standalone ---------------------------------------------------------------------------

    def compare_runs(self, what, name, argv, ports=(), cwd=None):
        py = c.run(self.cmd('py', name, *argv), cwd=cwd)
        cpp = c.run(self.cmd('cpp', name, *argv), cwd=cwd)
        self.compare_results(what, py, cpp, ports)

    def compare_results(self, what, py, cpp, ports=(), canonical=lambda text: text):
        self.check.equal(what + ': stdout', canonical(c.normalise_ports(py.stdout, ports)),
                         canonical(c.normalise_ports(cpp.stdout, ports)))
        self.check.true(what + ': exit status', py.returncode == cpp.returncode,
                        'python %r, c++ %r\npython stderr:\n%s\nc++ stderr:\n%s' % (
                            py.returncode, cpp.returncode, py.stderr, cpp.stderr))
        if py.returncode:
            # Python's traceback ends with the exception line; the twin prints just that line.
            self.check.equal(what + ': exception line',
                             c.normalise_ports(py.last_stderr_line(), ports) + '\n',
                             c.normalise_ports(cpp.last_stderr_line(), ports) + '\n')

    def standalone(self):
        for name, argv in STANDALONE:
            self.compare_runs('%s %s' % (name, ' '.join(argv)), name, argv)

    def refused(self):
        # Nothing listens on a free port: connect fails, ConnectionRefusedError escapes.
        port = c.free_port()
        for name in ('socket_echo_client', 'socket_echo_client_easy',
                     'socket_echo_client_explicit'):
            self.compare_runs('%s to a closed port' % name, name, ['127.0.0.1', port],
                              ports=(port,))
        with tempfile.TemporaryDirectory() as tmp:
            missing = os.path.join(tmp, 'missing_socket')
            self.compare_runs('socket_echo_client_uds to a missing path',
                              'socket_echo_client_uds', [missing])
            plain = os.path.join(tmp, 'plain_file')
            with open(plain, 'w'):
                pass
            self.compare_runs('socket_echo_client_uds to a plain file',
                              'socket_echo_client_uds', [plain])
            too_long = os.path.join(tmp, 'x' * 120)  # beyond sockaddr_un's sun_path
            self.compare_runs('socket_echo_client_uds to a too long path',
                              'socket_echo_client_uds', [too_long])
            self.compare_runs('socket_echo_server_uds on a too long path',
                              'socket_echo_server_uds', [too_long])
            # The stale-socket removal meets a directory: the OSError escapes, naming it.
            self.compare_runs('socket_echo_server_uds on a directory', 'socket_echo_server_uds',
                              [tmp])

    # --- socketpair ---------------------------------------------------------------------------

    def socketpair(self, subreaper):
        py = c.run(self.cmd('py', 'socket_socketpair'))
        c.reap_orphans()  # the Python parent does not wait for its child: it lands here
        cpp = c.run(self.cmd('cpp', 'socket_socketpair'))
        if subreaper:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
                left = 'child %d was left to this test to reap' % pid if pid else \
                    'a child of the twin was still running when it exited'
            except ChildProcessError:
                left = ''
            c.reap_orphans()
            self.check.true('socket_socketpair: the twin reaps its child', not left, left)
        else:
            print('note: PR_SET_CHILD_SUBREAPER refused; the no-zombie check is skipped')

        first = ('in child, waiting for message', 'in parent, sending message')

        def canonical(text):
            # The parent's and the child's first lines race; everything after them is ordered.
            # Python's print() writes the text and the '\n' separately, so the two lines can
            # even interleave ("in child, ...in parent, ...\n\n"): accept any interleaving of
            # those four writes, and nothing else.
            n = sum(len(m) + 1 for m in first)
            head, rest = text[:n], text[n:]
            left = head
            for m in first:
                left = left.replace(m, '', 1)
            if left == '\n\n' and all(m in head for m in first):
                return ''.join(m + '\n' for m in first) + rest
            return text

        expected = ['in child, waiting for message\n', 'in parent, sending message\n',
                    "message from parent: b'ping'\n", "response from child: b'pong'\n"]
        self.check.equal('socket_socketpair: python transcript as expected', ''.join(expected),
                         canonical(py.stdout), 'expected', 'python')
        self.compare_results('socket_socketpair (first two lines in any order)', py, cpp,
                             canonical=canonical)

    # --- server/client pairs -----------------------------------------------------------------

    def compare_pair(self, server, client, host, ready, kind):
        c.compare_server_client(
            self.check, '%s + %s (%s)' % (server, client, host),
            lambda impl, port: self.cmd(impl, server, host, port),
            lambda impl, port: self.cmd(impl, client, host, port), ready,
            make_port=lambda: c.free_port(kind))

    def uds_pair(self, use_defaults):
        label = 'socket_echo_server_uds + socket_echo_client_uds (%s)' % (
            "default './uds_socket'" if use_defaults else 'path argument')
        # Same path text in every run, so the transcripts need no normalising; each server
        # first removes the socket file the previous one left.
        argv = [] if use_defaults else ['echo.sock']
        with tempfile.TemporaryDirectory() as tmp:
            c.compare_server_client(
                self.check, label,
                lambda impl, _: self.cmd(impl, 'socket_echo_server_uds', *argv),
                lambda impl, _: self.cmd(impl, 'socket_echo_client_uds', *argv),
                MESSAGE_READY_TCP, make_port=lambda: None, cwd=tmp)

    def uds_stale_socket(self):
        # The server removes a stale socket file before it binds; both must start over one.
        for impl in ('py', 'cpp'):
            with tempfile.TemporaryDirectory() as tmp:
                stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                stale.bind(os.path.join(tmp, 'uds_socket'))
                stale.close()
                srv = c.Server(self.cmd(impl, 'socket_echo_server_uds'), cwd=tmp)
                with srv:
                    ready = srv.wait_for_line(MESSAGE_READY_TCP)
                    result = srv.stop()
                self.check.true('socket_echo_server_uds (%s) replaces a stale socket file' %
                                impl, ready, result.stderr)


def main():
    args = c.parse_args()
    check = c.Checker()
    if c.twins_missing(args.examples, ALL_TWINS):
        return 1
    subreaper = c.set_child_subreaper()
    runner = Runner(args, check)
    # First, while this process has no other children, so a leftover child is noticed.
    runner.socketpair(subreaper)
    runner.standalone()
    runner.refused()
    for server, client, host, ready, kind in TCP_UDP_PAIRS:
        runner.compare_pair(server, client, host, ready, kind)
    runner.uds_pair(use_defaults=True)
    runner.uds_pair(use_defaults=False)
    runner.uds_stale_socket()
    c.reap_orphans()  # anything a stopped server left to this process (its subreaper)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
