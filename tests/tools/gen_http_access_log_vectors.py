#!/usr/bin/env python3
"""Generates tests/data/http/access_log_vectors.json: the lines BaseHTTPRequestHandler.log_request
and log_message of the python3 running this script (CPython 3.11.7 is the reference) write to
stderr, with TZ=UTC0, for tests/unit/http/access_log_test.cpp:
  request  [client, t, request_line, code, size, line]
  message  [client, t, message, line]
request_line and message are Latin-1 text (how Python reads a request line); line is what
stderr receives, as text (UTF-8 on the wire).

Regenerate with one command:  python3 tests/tools/gen_http_access_log_vectors.py
"""
import http.server
import io
import json
import os
import random
import sys
import time

from _unicode_ranges import REPO, python_version

OUT = REPO / 'tests' / 'data' / 'http' / 'access_log_vectors.json'
SEED = 9117


def logged(fn, client, t):
    h = http.server.BaseHTTPRequestHandler.__new__(http.server.BaseHTTPRequestHandler)
    h.client_address = (client, 12345)
    real_time, real_stderr = time.time, sys.stderr
    time.time = lambda: t
    sys.stderr = io.StringIO()
    try:
        fn(h)
        return sys.stderr.getvalue()
    finally:
        time.time, sys.stderr = real_time, real_stderr


def random_line(rng):
    r = rng.random()
    if r < 0.3:
        return ''.join(chr(rng.randint(0, 255)) for _ in range(rng.randint(0, 40)))
    method = rng.choice(['GET', 'HEAD', 'POST', 'get', 'BREW', ''])
    path = ''.join(rng.choice(['/', 'a', '%20', '\\', '"', '\x1b[31m', '\r', '\n', '\t', '\x00',
                               '\x7f', '\x80', '\x9f', '\xa0', '\xe9', '\xff', ' ', '%', '%s'])
                   for _ in range(rng.randint(0, 8)))
    version = rng.choice(['HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', '', 'HTTP/2'])
    return ' '.join(x for x in (method, path, version) if x or rng.random() < 0.3)


def main():
    os.environ['TZ'] = 'UTC0'
    time.tzset()
    rng = random.Random(SEED)
    clients = ['127.0.0.1', '::1', '10.0.0.255', 'fe80::1%eth0', '']
    fixed = ['GET / HTTP/1.1', 'GET /a\\b HTTP/1.1', 'GET /\x1b[31mred HTTP/1.1', '', '\\',
             'GET /caf\xe9 HTTP/1.1', 'GET /%s%d HTTP/1.0', 'x' * 5000, ''.join(map(chr, range(256)))]
    requests = []
    for i, line in enumerate(fixed + [random_line(rng) for _ in range(2000)]):
        client = rng.choice(clients)
        t = 1795572600 if i == 0 else rng.randint(0, 2**34)
        code = rng.choice([200, 200, 304, 404, 301, 206, 416, 501, 100, 999])
        size = rng.choice(['-', '-', '0', '1234', '\x00', '\\'])
        line_out = logged(lambda h: (setattr(h, 'requestline', line), h.log_request(code, size)),
                          client, t)
        requests.append([client, t, line, code, size, line_out])
    messages = []
    for i in range(300):
        client = rng.choice(clients)
        t = rng.randint(0, 2**34)
        msg = 'code %d, message %s' % (rng.choice([400, 404, 501]), random_line(rng))
        messages.append([client, t, msg, logged(lambda h: h.log_message('%s', msg), client, t)])
    OUT.write_text(json.dumps({'generator': 'tests/tools/gen_http_access_log_vectors.py',
                               'python': python_version(), 'request': requests,
                               'message': messages}, ensure_ascii=False, indent=0) + '\n')
    print('wrote %s (%d request and %d message lines)' % (OUT, len(requests), len(messages)),
          file=sys.stderr)


if __name__ == '__main__':
    main()
