#!/usr/bin/env python3
"""Generates tests/data/http/path_vectors.json: SimpleHTTPRequestHandler.translate_path of the
python3 running this script (CPython 3.11.7 is the reference) for a few thousand request paths
(traversal in many encodings, queries, fragments, NULs, non-UTF-8 escapes, raw Latin-1 bytes,
very long paths) under several roots, for tests/unit/http/static_paths_test.cpp.

Each row is [root, path, result_hex]: path is the request target's bytes read as Latin-1 (as
BaseHTTPRequestHandler reads the request line), result_hex the answer encoded with
'utf-8', 'surrogatepass'.

Regenerate with one command:  python3 tests/tools/gen_http_path_vectors.py
"""
import http.server
import json
import random
import sys

from _unicode_ranges import REPO, python_version

OUT = REPO / 'tests' / 'data' / 'http' / 'path_vectors.json'
SEED = 8117
ROOTS = ['/srv/www', '/srv/www/', '/', '.', 'rel/dir', '/r o/caf\u00e9']

DOTS = ['..', '.', '%2e%2e', '%2E%2e', '%2e.', '.%2E', '%2e', '%252e%252e', '%2e%2e%2f', '..%2f',
        '..%2F', '..%5c', '..\\', '..\\..', '%c0%ae%c0%ae', '%u002e%u002e', '...', '....',
        '..;', '..%00', '%00', '.%00.', '..%252f', '%2e%2e%5c', '..%c0%af', '%ef%bc%8e%ef%bc%8e']
WORDS = ['a', 'b', 'etc', 'passwd', 'index.html', 'dir', 'x y', 'x%20y', 'caf%C3%A9', 'caf\xe9',
         '%ff', '%FF%FE', '%C3', '%C3%28', '%ED%A0%80', '%ED%B2%80', '%F0%9F%98%80', '%e2%82',
         'a%2fb', 'a%2Fb', '%2f', '%5C', '~user', 'C:', 'c:%5cwin', 'a+b', '%', '%%', '%2',
         '%zz', 'A%41', '\x85', '\xa0', '\xff', '%0a', '%0d%0a', '%09', '%20', ' ', '%00',
         'file.txt', '%E2%80%AE', 'a\x00b', '&', '"', "'", '<', '%3c']
SEPS = ['/', '/', '/', '//', '///', '%2f', '\\', '/./', '/%2e/']
TAILS = ['', '', '', '/', '?', '?q=1', '?a=/../b', '#', '#frag', '#../x', '?x#y', '#y?x', ' ',
         '/ ', '/\t', '/\xa0', '/\x85', '%20', '/%20', '/?q', '/#f', '?/', '/\x1c']
HEADS = ['/', '/', '/', '//', '///', '', '%2f', '\\', 'http://host/', 'http://host', '/%2e%2e/',
         '../', './', '?', '#']


def translate(root, path):
    h = http.server.SimpleHTTPRequestHandler.__new__(http.server.SimpleHTTPRequestHandler)
    h.directory = root
    return h.translate_path(path).encode('utf-8', 'surrogatepass').hex()


def random_path(rng):
    parts = [rng.choice(HEADS)]
    for _ in range(rng.randint(0, 7)):
        parts.append(rng.choice(DOTS) if rng.random() < 0.45 else rng.choice(WORDS))
        parts.append(rng.choice(SEPS))
    if parts and rng.random() < 0.5:
        parts.pop()
    parts.append(rng.choice(TAILS))
    return ''.join(parts)


def main():
    rng = random.Random(SEED)
    paths = ['', '/', '//', '///', '/..', '/../', '/../..', '/../../etc/passwd', '/a/../../b',
             '/%2e%2e/%2e%2e/etc/passwd', '/%2E%2e/', '/..%2f..%2fetc%2fpasswd', '/%252e%252e/',
             '/..\\..\\etc', '//etc/passwd', '/etc//passwd', '/a/./b/../c/', '/a?b', '/a#b',
             '/a%3fb', '/a%23b', '/%00', '/a%00/../b', '/%ff', '/%ff/../x', '/caf%C3%A9/',
             'caf\xe9', '/caf\xe9%41', '/\xc3\xa9', '/%C3\xe9%A9', '/a/b/ ', '/a/b/\t', '/dir/',
             '/dir /', '..', '.', '../x', './x', 'a/../..', 'http://h/a/../b', '/?', '/#',
             '/' + 'a/' * 2000, '/' + '../' * 3000 + 'etc', '/' + 'x' * 10000,
             '/' + '%2e%2e/' * 500 + 'etc/passwd', '/%ED%A0%80', '/%ED%B2%80', '/a%2Fb/..%2F..%2Fc']
    paths += [random_path(rng) for _ in range(3500)]
    rows = []
    for i, path in enumerate(paths):
        path.encode('latin-1')  # only what a request line can carry
        roots = ROOTS if i < 60 or i % 7 == 0 else [rng.choice(ROOTS)]
        for root in roots:
            rows.append([root, path, translate(root, path)])
    OUT.write_text(json.dumps({'generator': 'tests/tools/gen_http_path_vectors.py',
                               'python': python_version(), 'translate_path': rows},
                              ensure_ascii=False, indent=0) + '\n')
    print('wrote %s (%d vectors)' % (OUT, len(rows)), file=sys.stderr)


if __name__ == '__main__':
    main()
