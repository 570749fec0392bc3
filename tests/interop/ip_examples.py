#!/usr/bin/env python3
"""The six ipaddress twins (seed 002, PyMOTW "ipaddress") print byte for byte what their
Python originals print: stdout, stderr and exit status are compared.

Usage: ip_examples.py --examples DIR --seeds DIR [--app PATH]
"""
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

PROGRAMS = [
    'ipaddress_addresses',
    'ipaddress_networks',
    'ipaddress_network_iterate',
    'ipaddress_network_iterate_hosts',
    'ipaddress_network_membership',
    'ipaddress_interfaces',
]


def main():
    args = _common.parse_args()
    missing = _common.require_programs(args.examples, PROGRAMS)
    if len(missing) == len(PROGRAMS):
        print('skip: no ipaddress twins built in %s' % args.examples)
        return _common.SKIP
    check = _common.Checker()
    for name in PROGRAMS:
        if name in missing:
            check.fail(name, 'not built')
            continue
        py = _common.run(_common.python_cmd(args.seeds, name))
        cpp = _common.run(_common.cpp_cmd(args.examples, name))
        check.equal(name + ' stdout', py.stdout, cpp.stdout)
        check.equal(name + ' stderr', py.stderr, cpp.stderr)
        check.true(name + ' exit status', py.returncode == cpp.returncode == 0,
                   'python %r, c++ %r' % (py.returncode, cpp.returncode))
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
