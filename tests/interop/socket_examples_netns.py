#!/usr/bin/env python3
"""Interop test: seed 002's (PyMOTW) socket programs with their DEFAULT arguments, against
their C++ twins, inside a private network namespace.

The defaults name internet hosts (www.python.org, pymotw.com, apu, 10.9.0.10) and the fixed
port 10000. Run as they are, they would query DNS servers outside this machine and could
collide with other programs on port 10000. Inside a namespace that this test makes itself
(`unshare -n`, holding only `lo`), no packet can leave and nothing else can hold a port. A DNS
lookup then fails at once and in the same way for the Python program and the twin ("[Errno -3]
Temporary failure in name resolution"). Where a namespace cannot be made, the test is skipped
(exit 77) with the reason.

Checks:
- the resolver programs with no arguments and with unknown names: same stdout, exit status and
  exception line;
- the echo servers and clients with no arguments (localhost / '' and port 10000): every mix of
  Python and C++ server and client prints what the Python pair prints.

Usage: socket_examples_netns.py --examples DIR --seeds DIR --app PATH   (0, 1, or 77 = skip)
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

DEFAULT_PORT = 10000  # the seed programs' default; free by construction in the namespace

STANDALONE = [
    ('socket_gethostbyname', []),
    ('socket_gethostbyname_ex', []),
    ('socket_getfqdn', []),
    ('socket_gethostbyaddr', []),
    ('socket_getaddrinfo', []),
    ('socket_getaddrinfo_extra_args', []),
    ('socket_gethostbyname', ['localhost', 'nosuchname', '127.0.0.1']),
    ('socket_gethostbyname_ex', ['nosuchname', 'localhost']),
    ('socket_getfqdn', ['nosuchname', 'localhost']),
    ('socket_gethostbyaddr', ['192.0.2.1']),
    ('socket_getaddrinfo', ['nosuchname', 'http']),
    # No server in the namespace: the clients' connect is refused.
    ('socket_echo_client', []),
    ('socket_echo_client_easy', []),
]

# (server, client, ready line) run with no arguments at all.
PAIRS = [
    ('socket_echo_server', 'socket_echo_client', 'waiting for a connection'),
    ('socket_echo_server', 'socket_echo_client_easy', 'waiting for a connection'),
    ('socket_echo_server_any', 'socket_echo_client', 'waiting for a connection'),
    ('socket_echo_server_dgram', 'socket_echo_client_dgram', 'waiting to receive message'),
]


def main():
    c.reexec_in_private_netns()
    args = c.parse_args()
    check = c.Checker()
    names = sorted({n for n, _ in STANDALONE} | {p[0] for p in PAIRS} | {p[1] for p in PAIRS})
    missing = c.require_programs(args.examples, names)
    if missing:
        print('FAIL: C++ twins not built in %s: %s' % (args.examples, ' '.join(missing)))
        return 1

    def cmd(impl, name, *argv):
        if impl == 'py':
            return c.python_cmd(args.seeds, name, *argv)
        return c.cpp_cmd(args.examples, name, *argv)

    for name, argv in STANDALONE:
        what = '%s %s' % (name, ' '.join(argv) or '(defaults)')
        py = c.run(cmd('py', name, *argv))
        cpp = c.run(cmd('cpp', name, *argv))
        check.equal(what + ': stdout', py.stdout, cpp.stdout)
        check.true(what + ': exit status', py.returncode == cpp.returncode,
                   'python %r, c++ %r\npython stderr:\n%s\nc++ stderr:\n%s' % (
                       py.returncode, cpp.returncode, py.stderr, cpp.stderr))
        if py.returncode:
            check.equal(what + ': exception line', py.last_stderr_line() + '\n',
                        cpp.last_stderr_line() + '\n')

    for server, client, ready in PAIRS:
        c.compare_server_client(check, '%s + %s (defaults)' % (server, client),
                                lambda impl, _, server=server: cmd(impl, server),
                                lambda impl, _, client=client: cmd(impl, client), ready,
                                make_port=lambda: DEFAULT_PORT)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
