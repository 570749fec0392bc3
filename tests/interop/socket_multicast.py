#!/usr/bin/env python3
"""Interop test: seed 002's multicast sender and receiver against their C++ twins.

Multicast datagrams must never leave this machine, so the whole test runs inside a private
network namespace it makes itself (`unshare -n`: only `lo`, set up with multicast on and the
route 224.0.0.0/4 via lo). Where that is not permitted the test is skipped (exit 77) with the
reason.

For every receiver (python, c++) and sender (python, c++): the receiver starts (group, free UDP
port) and prints its ready line; the sender runs to its end (one ack, then its 0.2 s timeout);
the receiver then prints its ready line again and is stopped with SIGTERM. Both transcripts must
equal those of the Python pair, ports normalised.

Usage: socket_multicast.py --examples DIR --seeds DIR --app PATH   (0 ok, 1 failure, 77 skip)
"""

import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402

GROUP = '224.3.29.71'  # the programs' default group
READY = 'waiting to receive message'
DEFAULT_PORT = 10000  # the programs' default port
ATTEMPTS = 3  # the sender waits only 0.2 s for acks: a loaded machine may miss one


def cmd(args, impl, name, *argv):
    if impl == 'py':
        return c.python_cmd(args.seeds, name, *argv)
    return c.cpp_cmd(args.examples, name, *argv)


def free_udp_port():
    # The receiver binds '' (all interfaces), so look for a port free on all of them.
    return c.free_port(socket.SOCK_DGRAM, host='')


def session(args, receiver_impl, sender_impl, defaults=False):
    """One receiver with one sender: (receiver Result, sender Result, port). With `defaults`
    both run without arguments (group 224.3.29.71, port 10000: free by construction in this
    private namespace)."""
    def argv(port):
        return [] if defaults else [GROUP, port]

    receiver, port = c.start_server(
        lambda p: cmd(args, receiver_impl, 'socket_multicast_receiver', *argv(p)), READY,
        make_port=(lambda: DEFAULT_PORT) if defaults else free_udp_port)
    with receiver:
        sender = c.run(cmd(args, sender_impl, 'socket_multicast_sender', *argv(port)))
        idle = receiver.wait_for_line(READY, count=2)
        result = receiver.stop()
    if not idle:
        result.stderr += '\n[the receiver did not print %r again]' % READY
    return result, sender, port


def acked(sender):
    return any(line.startswith("received b'ack'") for line in sender.stdout.splitlines())


def normalised_session(args, receiver_impl, sender_impl, defaults=False):
    """A session whose sender got its ack (retried a few times), normalised."""
    for _ in range(ATTEMPTS):
        receiver, sender, port = session(args, receiver_impl, sender_impl, defaults)
        if acked(sender):
            break
    return (c.normalise_ports(receiver.stdout, (port,)), c.normalise_ports(sender.stdout, (port,)),
            receiver, sender)


def main():
    c.reexec_in_private_netns(multicast=True)
    args = c.parse_args()
    check = c.Checker()
    missing = c.require_programs(args.examples,
                                 ['socket_multicast_sender', 'socket_multicast_receiver'])
    if missing:
        print('FAIL: C++ twins not built in %s: %s' % (args.examples, ' '.join(missing)))
        return 1

    try:
        ref_receiver, ref_sender, ref_r, ref_s = normalised_session(args, 'py', 'py')
        if not check.true('python pair: the sender gets an ack', acked(ref_s),
                          'sender:\n%s%s\nreceiver:\n%s%s' % (ref_s.stdout, ref_s.stderr,
                                                               ref_r.stdout, ref_r.stderr)):
            return check.exit_code()
        for receiver_impl, sender_impl, defaults in (
                ('py', 'cpp', False), ('cpp', 'py', False), ('cpp', 'cpp', False),
                ('cpp', 'cpp', True)):
            mix = '%s receiver + %s sender%s' % (receiver_impl, sender_impl,
                                                 ' (defaults)' if defaults else '')
            receiver, sender, r, s = normalised_session(args, receiver_impl, sender_impl,
                                                        defaults)
            check.equal('sender transcript, ' + mix, ref_sender, sender, 'python pair', mix)
            check.true('sender exit status, ' + mix, s.returncode == 0, s.stderr)
            check.equal('receiver transcript, ' + mix, ref_receiver, receiver, 'python pair', mix)
            check.true('receiver stderr empty, ' + mix, not r.stderr.strip(), r.stderr)
    except RuntimeError as e:
        check.fail('receiver start', str(e))

    # An invalid group: inet_aton's OSError escapes from the receiver, after its bind.
    port = free_udp_port()
    py = c.run(cmd(args, 'py', 'socket_multicast_receiver', 'not-a-group', port))
    cpp = c.run(cmd(args, 'cpp', 'socket_multicast_receiver', 'not-a-group', port))
    check.equal('receiver with an invalid group: stdout', py.stdout, cpp.stdout)
    check.true('receiver with an invalid group: exit status', py.returncode == cpp.returncode,
               'python %r, c++ %r: %s' % (py.returncode, cpp.returncode, cpp.stderr))
    check.equal('receiver with an invalid group: exception line', py.last_stderr_line() + '\n',
                cpp.last_stderr_line() + '\n')

    # No receiver at all: both senders time out the same way.
    port = free_udp_port()
    py = c.run(cmd(args, 'py', 'socket_multicast_sender', GROUP, port))
    cpp = c.run(cmd(args, 'cpp', 'socket_multicast_sender', GROUP, port))
    check.equal('sender with no receiver: stdout', py.stdout, cpp.stdout)
    check.true('sender with no receiver: exit status', py.returncode == cpp.returncode == 0,
               'python %r, c++ %r: %s' % (py.returncode, cpp.returncode, cpp.stderr))
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
