#!/usr/bin/env python3
"""Differential test of `netkit ip --json -` against CPython's ipaddress (the oracle).

Seeded random inputs (see _ip_reference.random_input: valid addresses and networks of both
families with random masks, mutations of them, some garbage) go, one per line, to the netkit
binary in several modes, and the same inputs to ipaddress in this script; every field of every
answer must be equal. Every input runs in the default mode (--as chosen by '/', strict, --hosts
3) and in one of: --as network --no-strict --hosts 2, --as interface, --as address.

Usage: ip_differential.py --app PATH [--count N] [--seed S]   (default 20000 inputs, random seed)
The big run: ip_differential.py --app build/apps/netkit/netkit --count 1000000 --seed 1

One divergence is by design and is counted apart, not as a difference: netkit keeps an IPv6
scope id inline (values stay trivially copyable) and refuses one longer than 31 bytes, which
Python accepts; for such inputs netkit must answer with an error.
"""
import json
import os
import random
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402
import _ip_reference as ref  # noqa: E402

MODES = [
    (['--hosts', '3'], None, True, 3),
    (['--as', 'network', '--no-strict', '--hosts', '2'], 'network', False, 2),
    (['--as', 'interface'], 'interface', True, None),
    (['--as', 'address'], 'address', True, None),
]
BATCH = 20000
MAX_SCOPE_ID = 31  # bytes: netkit::ip::max_scope_id_size


def long_scope_id(text):
    """True when the input's IPv6 scope id is longer than netkit stores (see above)."""
    _, sep, scope = text.split('/')[0].partition('%')
    return bool(sep) and len(scope.encode('utf-8')) > MAX_SCOPE_ID and '%' not in scope


def run_batch(app, flags, inputs):
    data = ('\n'.join(inputs) + '\n').encode('utf-8')
    proc = subprocess.run([app, 'ip', '--json', *flags, '-'], input=data, capture_output=True,
                          timeout=600, check=False)
    if proc.returncode != 0:
        raise SystemExit('netkit ip exited %d: %s' % (proc.returncode, proc.stderr.decode()[:2000]))
    lines = proc.stdout.decode('utf-8').splitlines()
    if len(lines) != len(inputs):
        raise SystemExit('expected %d lines, got %d' % (len(inputs), len(lines)))
    return [json.loads(line) for line in lines]


def describe(flags, want, got):
    out = ['input %r (flags %s)' % (want.get('input'), ' '.join(flags) or '-')]
    for key in sorted(set(want) | set(got)):
        if want.get(key, '<missing>') != got.get(key, '<missing>'):
            out.append('  %s: python %r, netkit %r' % (key, want.get(key, '<missing>'),
                                                       got.get(key, '<missing>')))
    return '\n'.join(out)


def main():
    def extra(parser):
        parser.add_argument('--count', type=int, default=20000)
        parser.add_argument('--seed', type=int, default=None)
    args = _common.parse_args(extra=extra)
    if args.app in ('', 'none') or not os.path.exists(args.app):
        print('skip: no netkit binary')
        return _common.SKIP
    seed = args.seed if args.seed is not None else random.randrange(2 ** 32)
    print('ip_differential: seed %d, %d inputs, CPython %s' % (seed, args.count, sys.version.split()[0]),
          flush=True)
    rng = random.Random(seed)
    start = time.monotonic()
    done = compared = differences = long_scopes = 0
    while done < args.count:
        n = min(BATCH, args.count - done)
        inputs = ref.random_inputs(rng, n)
        jobs = [(0, inputs)]
        for m in (1, 2, 3):
            jobs.append((m, [t for i, t in enumerate(inputs) if (done + i) % 3 == m - 1]))
        for m, batch in jobs:
            flags, kind, strict, hosts = MODES[m]
            got = run_batch(args.app, flags, batch)
            for text, answer in zip(batch, got):
                want = ref.facts(text, kind, strict, hosts)
                compared += 1
                if long_scope_id(text) and 'error' not in want:
                    long_scopes += 1
                    want = {'input': text, 'error': want['error'] if 'error' in want else 'ValueError'}
                if want != answer:
                    differences += 1
                    if differences <= 10:
                        print(describe(flags, want, answer), flush=True)
        done += n
        if args.count > BATCH:
            print('  %d inputs, %d answers compared, %d differences, %.0f s' %
                  (done, compared, differences, time.monotonic() - start), flush=True)
    print('ip_differential: seed %d: %d inputs, %d answers compared, %d differences, %.1f s '
          '(%d answers with a scope id over %d bytes: an error, by design)' %
          (seed, done, compared, differences, time.monotonic() - start, long_scopes, MAX_SCOPE_ID))
    return 1 if differences else 0


if __name__ == '__main__':
    sys.exit(main())
