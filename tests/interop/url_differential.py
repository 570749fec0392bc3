#!/usr/bin/env python3
"""`netkit url ... --json -` against CPython's urllib.parse on seeded random inputs.

For each action (parse, split, join, quote, quote_plus, unquote, unquote_plus, parse_qsl, and a
few option variants) the same random inputs go to one netkit process (a JSON string per line,
--json-input; join: a JSON array per line) and to urllib.parse in this script; every field of
every answer is compared. The inputs come from the URL pieces of tests/tools/gen_url_vectors.py
plus byte-level mutations of them.

  url_differential.py --app PATH [--count N] [--seed S] [--raw-count N]

--count is per action (default 2,500: the CI run, about 20,000 inputs in all). The seed is
printed; a failure prints the first differences and exits 1. Exit 77 (skipped) without the app.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse as up

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tools'))
import gen_url_vectors as pieces  # noqa: E402

SKIP = 77
TIMEOUT = 300  # seconds for one netkit process
CHUNK = 100000  # inputs per netkit process


def attrs(result, out):
    for name in ('username', 'password', 'hostname', 'port'):
        try:
            out[name] = getattr(result, name)
        except ValueError:
            out[name] = {'error': 'ValueError'}
    return out


def py_answer(action, value, opts):
    out = {'input': value}
    try:
        if action == 'parse':
            r = up.urlparse(value)
            out.update(r._asdict())
            return attrs(r, out)
        if action == 'split':
            r = up.urlsplit(value)
            out.update(r._asdict())
            return attrs(r, out)
        if action == 'join':
            out['result'] = up.urljoin(value[0], value[1])
        elif action == 'quote':
            out['result'] = up.quote(value, opts.get('safe', '/'))
        elif action == 'quote_plus':
            out['result'] = up.quote_plus(value, opts.get('safe', ''))
        elif action == 'unquote':
            out['result'] = up.unquote(value)
        elif action == 'unquote_plus':
            out['result'] = up.unquote_plus(value)
        elif action == 'parse_qsl':
            out['result'] = [list(p) for p in up.parse_qsl(
                value, opts.get('keep', False), opts.get('strict', False),
                max_num_fields=opts.get('max'), separator=opts.get('sep', '&'))]
        return out
    except ValueError:
        return {'input': value, 'error': 'ValueError'}


def mutate(rng, s):
    """A byte-level edit of s: insert, delete or replace characters with URL punctuation,
    controls or non-ASCII text."""
    alphabet = pieces.PUNCT + ''.join(pieces.CONTROL) + 'aZ09'
    for _ in range(rng.randint(1, 3)):
        i = rng.randint(0, len(s))
        op = rng.random()
        c = rng.choice(alphabet) if rng.random() < 0.85 else pieces.rand_unicode_char(rng)
        if op < 0.4:
            s = s[:i] + c + s[i:]
        elif op < 0.7:
            s = s[:i] + s[i + 1:]
        else:
            s = s[:i] + c + s[i + 1:]
    return s


def gen_input(action, rng):
    if action in ('parse', 'split'):
        s = pieces.rand_url(rng)
        return mutate(rng, s) if rng.random() < 0.25 else s
    if action == 'join':
        base, url = pieces.rand_join(rng)
        if rng.random() < 0.2:
            url = mutate(rng, url)
        return [base, url]
    if action in ('quote', 'quote_plus'):
        return pieces.rand_quote_text(rng)
    if action in ('unquote', 'unquote_plus'):
        s = pieces.rand_unquote_text(rng)
        return mutate(rng, s) if rng.random() < 0.2 else s
    s = pieces.rand_query(rng)
    return mutate(rng, s) if rng.random() < 0.2 else s


# (action, command-line options, options for the Python side)
RUNS = [
    ('parse', [], {}),
    ('split', [], {}),
    ('join', [], {}),
    ('quote', [], {}),
    ('quote', ['--safe', ''], {'safe': ''}),
    ('quote', ['--safe', ":/?#[]@\u00e9"], {'safe': ":/?#[]@\u00e9"}),
    ('quote_plus', [], {}),
    ('quote_plus', ['--safe', '/+'], {'safe': '/+'}),
    ('unquote', [], {}),
    ('unquote_plus', [], {}),
    ('parse_qsl', [], {}),
    ('parse_qsl', ['--keep-blank-values'], {'keep': True}),
    ('parse_qsl', ['--strict-parsing'], {'strict': True}),
    ('parse_qsl', ['--max-num-fields', '3', '--keep-blank-values'], {'max': 3, 'keep': True}),
    ('parse_qsl', ['--separator', ';'], {'sep': ';'}),
]


def run_netkit(app, action, options, inputs, raw):
    cmd = [app, 'url', action, '--json', *options]
    if not raw and action != 'join':
        cmd.append('--json-input')
    cmd += ['--', '-']
    if raw:
        data = ''.join(v + '\n' for v in inputs)
    else:
        data = ''.join(json.dumps(v) + '\n' for v in inputs)
    proc = subprocess.run(cmd, input=data.encode('utf-8'), capture_output=True,
                          timeout=TIMEOUT)
    if proc.returncode != 0:
        raise SystemExit(f'{" ".join(cmd)}: exit {proc.returncode}\n'
                         f'{proc.stderr.decode(errors="replace")}')
    # Not splitlines(): U+0085 and U+2028 appear unescaped inside JSON strings.
    return [json.loads(line) for line in proc.stdout.decode('utf-8').split('\n') if line]


def check(app, action, options, opts, inputs, raw, report):
    got = run_netkit(app, action, options, inputs, raw)
    if len(got) != len(inputs):
        report.append(f'{action} {options}: {len(inputs)} inputs, {len(got)} answers')
        return
    for value, answer in zip(inputs, got):
        want = py_answer(action, value, opts)
        if answer != want:
            diff = {k: (want.get(k, '<missing>'), answer.get(k, '<missing>'))
                    for k in sorted(set(want) | set(answer)) if want.get(k) != answer.get(k)}
            report.append(f'{action} {" ".join(options)} input={value!r}\n'
                          + ''.join(f'    {k}: python={w!r} netkit={n!r}\n'
                                    for k, (w, n) in diff.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--app', default='none')
    parser.add_argument('--examples')
    parser.add_argument('--seeds')
    parser.add_argument('--count', type=int, default=2500, help='inputs per action')
    parser.add_argument('--raw-count', type=int, default=500,
                        help='inputs per action also sent as raw lines (no JSON quoting)')
    parser.add_argument('--seed', type=int, default=None)
    parser.add_argument('--unicode', action='store_true',
                        help='also split http://<c>/, http://a<c>\u03a3/ and http://a\u03a3<c>/ for '
                             'every code point c (lowercasing, final sigma, NFKC)')
    args = parser.parse_args()
    if args.app == 'none' or not os.path.exists(args.app):
        print('url_differential: no netkit binary, skipped')
        return SKIP
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f'url_differential: seed {seed}, {args.count} inputs per action, '
          f'python {sys.version.split()[0]}', flush=True)
    start = time.monotonic()
    report = []
    total = 0
    for index, (action, options, opts) in enumerate(RUNS):
        rng = random.Random(seed * 1000 + index)
        done = 0
        while done < args.count:  # in chunks, so that a million answers need little memory
            inputs = [gen_input(action, rng) for _ in range(min(CHUNK, args.count - done))]
            check(args.app, action, options, opts, inputs, False, report)
            if done == 0 and action != 'join' and args.raw_count:
                # Raw lines: what a shell user pipes in (no newline can be inside an input).
                raw = [v for v in inputs[:args.raw_count] if '\n' not in v and '\r' not in v]
                check(args.app, action, options, opts, raw, True, report)
                total += len(raw)
            done += len(inputs)
        total += done
        print(f'  {action} {" ".join(options)}: {done} inputs, '
              f'{len(report)} differences so far', flush=True)
    if args.unicode:
        chars = [chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000]
        for form in ('http://{}/', 'http://a{}\u03a3/', 'http://a\u03a3{}/'):
            for i in range(0, len(chars), CHUNK):
                inputs = [form.format(c) for c in chars[i:i + CHUNK]]
                check(args.app, 'split', [], {}, inputs, False, report)
                total += len(inputs)
            print(f'  split {form}: every code point, {len(report)} differences so far',
                  flush=True)
    elapsed = time.monotonic() - start
    print(f'url_differential: {total} inputs, {len(report)} differences, {elapsed:.1f}s, '
          f'seed {seed}')
    for r in report[:25]:
        print(r)
    return 1 if report else 0


if __name__ == '__main__':
    sys.exit(main())
