#!/usr/bin/env python3
"""Interop test: seed 002's socket_binary_client.py / socket_binary_server.py (struct over TCP)
against their C++ twins (netkit's struct and socket) in examples/.

- every mix of Python and C++ server and client: the client's and the server's transcripts must
  equal those of the Python pair (free port found by binding port 0; ports normalised);
- a client that sends only 5 bytes ends both servers the same way: the same stdout, exit
  status 1 and the traceback's last line "struct.error: unpack requires a buffer of 12 bytes".

Readiness is the server's own "waiting for a connection" line, printed after listen(): a probe
connection (polling connect) would be a client sending nothing, which makes the seed server die
on struct.error, as it should. Everything is bounded by timeouts; every process is reaped.

Usage: struct_examples.py --examples DIR --seeds DIR --app PATH   (exit 0 ok, 1 failure, 77 skip)
"""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

READY = 'waiting for a connection'
SERVER, CLIENT = 'socket_binary_server', 'socket_binary_client'


def command(args, impl, name, port):
    if impl == 'py':
        return c.python_cmd(args.seeds, name, '127.0.0.1', port)
    return c.cpp_cmd(args.examples, name, '127.0.0.1', port)


def short_client(check, args, impl):
    """A client that sends 5 bytes and closes: the server fails to unpack and exits."""
    server, port = c.start_server(lambda p: command(args, impl, SERVER, p), READY)
    with server:
        with socket.create_connection(('127.0.0.1', port), timeout=c.RUN_TIMEOUT) as s:
            s.sendall(b'\x01\x02\x03\x04\x05')
        try:
            server.proc.wait(c.RUN_TIMEOUT)
        except Exception:  # noqa: BLE001 - a server still running is the failure reported below
            pass
        return server.stop()


def main():
    args = c.parse_args()
    missing = c.require_programs(args.examples, [SERVER, CLIENT])
    if missing:
        print('SKIP: C++ twins not built: %s' % ', '.join(missing))
        return c.SKIP
    check = c.Checker()
    c.compare_server_client(
        check, 'socket_binary',
        lambda impl, port: command(args, impl, SERVER, port),
        lambda impl, port: command(args, impl, CLIENT, port), READY)

    py = short_client(check, args, 'py')
    cpp = short_client(check, args, 'cpp')
    check.equal('short message: server transcript', py.stdout, cpp.stdout)
    check.true('short message: python server exits 1', py.returncode == 1, py.stderr)
    check.true('short message: c++ server exits 1', cpp.returncode == 1, cpp.stderr)
    check.equal('short message: exception line', py.last_stderr_line() + '\n',
                cpp.last_stderr_line() + '\n')
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
