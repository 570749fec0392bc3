#!/usr/bin/env python3
"""Differential test: `netkit struct pack|unpack|calcsize --json --messages -` against CPython's
struct on seeded random inputs (random formats with random prefixes, counts and whitespace, bad
characters, random values in and out of range, random bytes). Every field of every answer,
error class and Python's error message included, must be identical.

Usage: struct_differential.py --app NETKIT [--count N] [--seed S]   (default 20,000 inputs)
Exit 0: no difference; 1: differences (the first ones printed); 77: no netkit binary.
"""

import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common as c  # noqa: E402
import _struct_reference as ref  # noqa: E402

MODES = (('pack', 0.45), ('unpack', 0.35), ('calcsize', 0.20))


def main():
    args = c.parse_args(extra=lambda p: (
        p.add_argument('--count', type=int, default=20000),
        p.add_argument('--seed', type=int, default=None),
        p.add_argument('--timeout', type=float, default=3600.0)))
    if args.app == 'none' or not os.path.exists(args.app):
        print('skipped: no netkit binary')
        return c.SKIP
    seed = args.seed if args.seed is not None else random.randrange(2 ** 32)
    print('struct_differential: seed %d, %d inputs (python %s)' % (
        seed, args.count, sys.version.split()[0]), flush=True)
    rng = random.Random(seed)
    started = time.monotonic()
    failures = 0
    for mode, share in MODES:
        n = int(args.count * share)
        inputs = [ref.random_input(rng, mode) for _ in range(n)]
        lines = ''.join((json.dumps(i) if mode != 'calcsize' else json.dumps(i)) + '\n'
                        for i in inputs)
        done = subprocess.run([args.app, 'struct', mode, '--json', '--messages', '-'],
                              input=lines.encode(), capture_output=True,
                              timeout=args.timeout)
        if done.returncode != 0:
            print('%s: netkit exited %d: %s' % (mode, done.returncode, done.stderr.decode()[-2000:]))
            return 1
        got = done.stdout.decode().splitlines()
        if len(got) != len(inputs):
            print('%s: %d answers for %d inputs' % (mode, len(got), len(inputs)))
            return 1
        diffs = 0
        for inp, line in zip(inputs, got):
            expected = ref.answer(mode, inp, messages=True)
            actual = json.loads(line)
            if not ref.same(expected, actual):
                diffs += 1
                if diffs <= 10:
                    print('DIFF %s %s\n  python: %s\n  netkit: %s' % (
                        mode, json.dumps(inp), json.dumps(expected), line))
        print('%s: %d inputs, %d differences' % (mode, len(inputs), diffs), flush=True)
        failures += diffs
    print('struct_differential: %d differences in %.1f s (seed %d)' % (
        failures, time.monotonic() - started, seed))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
