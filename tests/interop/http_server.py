#!/usr/bin/env python3
"""Interop and attack tests for `netkit http-server` (netkit/http/server.hpp + static_files.hpp)
with real clients, python3's http.server as the reference, and hostile clients.

    parity      one temporary tree served by `netkit http-server` and by python3's
                SimpleHTTPRequestHandler; the same requests to both over raw sockets; status,
                reason, Content-Type, Content-Length, Location, Last-Modified, the set of field
                names and the body compared byte for byte. EXPECTED_DIFFERENCES lists, and
                checks, every place they may differ.
    protocol    request-level edges (Host, versions, limits, odd request lines) against
                python3: the same status, or the documented pair where netkit differs.
    curl        every file downloaded and compared, `curl -I`, `-L` through a 301, several
                transfers on one kept-alive connection.
    urllib      urllib.request.urlopen (files, a 301 followed, a 404's HTTPError) and
                http.client (several requests on one kept-alive HTTPConnection).
    netkit_get  `netkit get` against `python3 -m http.server`: -o FILE byte for byte, the
                progress bar's text on a pseudo-terminal (none on a pipe), stdout, a 404.
    wrk         2 s with 10 connections against examples/http_hello_server: no socket error,
                no non-2xx, a sane request count (wrk installed with apt-get when missing).
    traversal   '..' and '/' in many encodings, absolute-form, a long '../' chain: never a byte
                of the secret file outside the root (nor /etc/passwd), a 4xx or something that is
                inside the root, and no redirect off the site; symlinks out of the root.
    limits      Content-Length: 1073741824 with no body → 413 at once; 10,000 fields → 431; the
                server serves on after each.
    slowloris   500 connections sending a head a byte at a time under --header-timeout 2:
                another client is answered within 1 s throughout; each slow one gets 408 and is
                closed; the server's descriptor count goes back down.
    slow_download  a 4 MiB file read in about 6 s under --idle-timeout 1 must arrive whole
                (a known netkit bug today: XFAIL).
    chromium    headless Chromium (Debian's, installed with apt-get when missing and the time
                budget allows) dumps the listing's DOM and follows links from it.

Time: ctest gives the script 120 s. The parts that may install a package (wrk, chromium) only
start an install that fits in what is left of NETKIT_HTTP_TEST_BUDGET (seconds, default 110);
otherwise they skip with the reason. Run once by hand with NETKIT_HTTP_TEST_BUDGET=900 to let
the installs finish. `--only NAME` runs the parts whose name contains NAME.

Usage: http_server.py --examples DIR --seeds DIR --app PATH [--only NAME]
Exit status: 0 pass, 1 fail, 77 skipped (no netkit app).
"""

import email.utils
import errno
import html.parser
import http.client
import json
import os
import pty
import random
import re
import resource
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

START = time.monotonic()
BUDGET = float(os.environ.get('NETKIT_HTTP_TEST_BUDGET', '110'))
MTIME = 1700000000  # every file's modification time: Tue, 14 Nov 2023 22:13:20 GMT
SECRET = b'TOP-SECRET-%08x' % random.getrandbits(32)
IO_TIMEOUT = 10.0

# python3's SimpleHTTPRequestHandler on port 0, quiet, printing its port once it listens.
def remaining():
    return BUDGET - (time.monotonic() - START)


# --- the tree -------------------------------------------------------------------------------

FILES = {
    'hello.txt': b'Hello, World!\n',
    'page.html': b'<!doctype html><title>page</title><p>a page</p>\n',
    'style.css': b'body { color: red }\n',
    'app.js': b'console.log("hi");\n',
    'data.json': b'{"a": 1}\n',
    'notes.md': b'# notes\n',
    'archive.tar.gz': bytes(range(256)) * 4,
    'image.png': b'\x89PNG\r\n\x1a\n' + bytes(random.getrandbits(8) for _ in range(2000)),
    'random.bin': os.urandom((1 << 20) + 7),
    'empty.bin': b'',
    'UPPER.TXT': b'upper\n',
    'name with spaces.txt': 'über, with spaces\n'.encode() * 50,
    '<b>&\'".txt': b'awkward\n',
    'café ünï 日本.txt': 'unicode\n'.encode(),
    'sub/index.html': b'<!doctype html><title>sub</title><p id="marker">SUB-INDEX</p>\n',
    'sub/other.txt': b'other\n',
    'plain/a.txt': b'a\n',
    'plain/nested/deep.txt': b'deep\n',
}
DIRS = ('sub', 'plain', 'plain/nested', 'empty_dir')


def make_tree(tmp):
    """tmp/www (served) and tmp/outside (holding the secret), siblings. Returns www's path."""
    root = os.path.join(tmp, 'www')
    outside = os.path.join(tmp, 'outside')
    for d in DIRS:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.makedirs(outside)
    for name, content in FILES.items():
        with open(os.path.join(root, name), 'wb') as f:
            f.write(content)
    with open(os.path.join(outside, 'secret.txt'), 'wb') as f:
        f.write(SECRET + b'\n')
    os.symlink('hello.txt', os.path.join(root, 'link_in.txt'))
    os.symlink('sub', os.path.join(root, 'link_dir_in'))
    os.symlink(outside, os.path.join(root, 'out'))  # a directory out of the root
    os.symlink(os.path.join(outside, 'secret.txt'), os.path.join(root, 'link_out.txt'))
    for dirpath, dirnames, filenames in os.walk(root):
        for n in filenames:
            os.utime(os.path.join(dirpath, n), (MTIME, MTIME), follow_symlinks=False)
    return root


# --- servers --------------------------------------------------------------------------------

def start_netkit(app, root, *extra):
    """`netkit http-server ROOT --port 0 --quiet ...`; returns (server, port)."""
    return _common.start_announcing_server(
        [app, 'http-server', root, '--bind', '127.0.0.1', '--port', '0', '--quiet', *extra],
        'Serving HTTP on ', lambda line: int(re.search(r' port (\d+) ', line).group(1)),
        'netkit http-server')


# --- raw HTTP -------------------------------------------------------------------------------

class Answer:
    def __init__(self, raw, method):
        self.raw = raw
        if not raw:  # closed without an answer: status 0
            self.version, self.status, self.reason, self.fields = '', 0, '', []
            self.body = self.extra_after_head = b''
            return
        head, sep, body = raw.partition(b'\r\n\r\n')
        if not sep:
            raise ValueError('no complete head in %r' % raw[:200])
        lines = head.decode('latin-1').split('\r\n')
        version, status, *reason = lines[0].split(' ', 2)
        self.version = version
        self.status = int(status)
        self.reason = reason[0] if reason else ''
        self.fields = [tuple(part.strip() for part in line.split(':', 1)) for line in lines[1:]]
        self.body = b'' if method == 'HEAD' else body
        self.extra_after_head = body if method == 'HEAD' else b''

    def get(self, name):
        for n, v in self.fields:
            if n.lower() == name.lower():
                return v
        return None

    def names(self):
        return sorted(n.lower() for n, _ in self.fields)


def request_bytes(method, target, fields=(), body=b'', close=True):
    if isinstance(target, str):
        target = target.encode('utf-8')
    out = method.encode() + b' ' + target + b' HTTP/1.1\r\nHost: 127.0.0.1\r\n'
    for f in fields:
        out += f.encode('latin-1') + b'\r\n'
    if close:
        out += b'Connection: close\r\n'
    return out + b'\r\n' + body


def read_all(sock, limit=64 << 20):
    data = b''
    while len(data) < limit:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def exchange(port, method, target, fields=(), body=b'', timeout=IO_TIMEOUT):
    """One request with Connection: close; the answer once the server has closed."""
    with socket.create_connection(('127.0.0.1', port), timeout=timeout) as s:
        s.sendall(request_bytes(method, target, fields, body))
        return Answer(read_all(s), method)


# --- parity ---------------------------------------------------------------------------------

def q(path):
    return urllib.parse.quote(path)


def parity_requests():
    """(label, method, target, fields): the same list for both servers."""
    reqs = []
    for name in FILES:
        for method in ('GET', 'HEAD'):
            reqs.append(('%s /%s' % (method, name), method, '/' + q(name), ()))
    for d in DIRS:
        for method in ('GET', 'HEAD'):
            reqs.append(('%s /%s/' % (method, d), method, '/%s/' % d, ()))
        reqs.append(('GET /%s (301)' % d, 'GET', '/' + d, ()))
    for label, target in [
            ('root', '/'), ('root with query', '/?q=1'), ('301 keeps the query', '/sub?x=1&y=2'),
            ('listing with an escaped query', '/plain/?a=%3Cb%3E'),
            ('missing', '/nope'), ('missing dir', '/nope/'), ('file with a slash', '/hello.txt/'),
            ('query on a file', '/hello.txt?x=1'), ('fragment', '/hello.txt#frag'),
            ('lower-case escapes', '/caf%c3%a9%20%c3%bcn%c3%af%20%e6%97%a5%e6%9c%ac.txt'),
            ('raw UTF-8 in the target', '/café ünï 日本.txt'.replace(' ', '%20')),
            ('escaped slash', '/sub%2fother.txt'), ('double slash inside', '/plain//a.txt'),
            ('dot segment', '/./hello.txt'), ('dot-dot inside the root', '/sub/../hello.txt'),
            ('escaped dot-dot', '/%2e%2e/hello.txt'), ('dot-dot above the root', '/../hello.txt'),
            ('NUL', '/hello.txt%00'), ('not UTF-8', '/%ff'), ('symlink in', '/link_in.txt'),
            ('symlink dir in', '/link_dir_in/'), ('symlink dir in (301)', '/link_dir_in'),
            ('file in a symlinked dir', '/link_dir_in/other.txt'),
            ('symlink out (file)', '/link_out.txt'), ('symlink out (dir)', '/out/'),
            ('symlink out (dir, 301)', '/out'), ('through a symlink out', '/out/secret.txt'),
            ('two leading slashes', '//sub'), ('absolute-form', 'http://x/hello.txt')]:
        reqs.append(('GET %s: %s' % (label, target), 'GET', target, ()))
    future = 'If-Modified-Since: Wed, 01 Jan 2100 00:00:00 GMT'
    for label, method, target, fields in [
            ('POST', 'POST', '/', ('Content-Length: 0',)),
            ('PUT', 'PUT', '/hello.txt', ('Content-Length: 0',)),
            ('IMS past', 'GET', '/hello.txt',
             ('If-Modified-Since: Tue, 14 Nov 2023 22:13:19 GMT',)),
            ('IMS equal', 'GET', '/hello.txt',
             ('If-Modified-Since: Tue, 14 Nov 2023 22:13:20 GMT',)),
            ('IMS future', 'GET', '/hello.txt', (future,)),
            ('IMS future + If-None-Match', 'GET', '/hello.txt', (future, 'If-None-Match: "x"')),
            ('IMS not a date', 'GET', '/hello.txt', ('If-Modified-Since: yesterday',)),
            ('IMS with an offset', 'GET', '/hello.txt',
             ('If-Modified-Since: Wed, 01 Jan 2100 00:00:00 +0100',)),
            ('IMS on a listing', 'GET', '/plain/', (future,)),
            ('IMS on a directory\'s index', 'GET', '/sub/', (future,)),
            ('IMS past on a directory\'s index', 'GET', '/sub/',
             ('If-Modified-Since: Tue, 14 Nov 2023 22:13:19 GMT',)),
            ('HEAD IMS future', 'HEAD', '/hello.txt', (future,)),
            ('Range', 'GET', '/hello.txt', ('Range: bytes=0-4',)),
            ('Range beyond the end', 'GET', '/hello.txt', ('Range: bytes=1000-',))]:
        reqs.append(('%s %s: %s' % (method, target, label), method, target, fields))
    return reqs


def is_secret(a):
    return SECRET in a.raw


# label -> (why, check(python_answer, netkit_answer) -> bool). Each is a documented difference
# (docs/http_testing.md); the check says what each side must answer instead of equality.
EXPECTED_DIFFERENCES = {
    'GET symlink out (file): /link_out.txt': (
        'netkit serves nothing outside its root (404); Python follows the symlink',
        lambda p, n: p.status == 200 and is_secret(p) and n.status == 404 and not is_secret(n)),
    'GET symlink out (dir): /out/': (
        'netkit 404; Python lists the directory outside the root',
        lambda p, n: p.status == 200 and b'secret.txt' in p.body and n.status == 404),
    'GET symlink out (dir, 301): /out': (
        'netkit 404 (no 301 that would reveal a directory); Python 301',
        lambda p, n: p.status == 301 and n.status == 404),
    'GET through a symlink out: /out/secret.txt': (
        'netkit 404; Python serves the file outside the root',
        lambda p, n: p.status == 200 and is_secret(p) and n.status == 404 and not is_secret(n)),
    'GET NUL: /hello.txt%00': (
        'Python\'s open() raises ValueError (embedded null byte), which send_head does not '
        'catch: the connection closes with no answer; netkit 404',
        lambda p, n: p.status == 0 and n.status == 404),
    'GET /hello.txt: Range': (
        'Range: Python 3.11 ignores it (200, whole file); netkit 206 with Content-Range',
        lambda p, n: p.status == 200 and p.body == FILES['hello.txt'] and n.status == 206
        and n.body == FILES['hello.txt'][:5] and n.get('Content-Range') == 'bytes 0-4/14'),
    'GET /hello.txt: Range beyond the end': (
        'Range: Python 200 (ignored); netkit 416 with Content-Range: bytes */14',
        lambda p, n: p.status == 200 and n.status == 416
        and n.get('Content-Range') == 'bytes */14'),
}

# Labels whose difference is a netkit bug found by this test and reported (see
# docs/http_testing.md): checked and printed as XFAIL, not counted as a failure; an XPASS is
# printed when one starts to match so that the entry can be removed.
KNOWN_BUGS = {}  # label -> the bug's description; empty since the three found were fixed

COMPARED = ('status', 'reason', 'content-type', 'content-length', 'location', 'last-modified',
            'field names', 'body')
IGNORED_FIELDS = ('server', 'date', 'connection')


def summary(a):
    out = {'status': a.status, 'reason': a.reason,
           'field names': [n for n in a.names() if n not in IGNORED_FIELDS],
           'body': a.body}
    for name in ('content-type', 'content-length', 'location', 'last-modified'):
        out[name] = a.get(name)
    return out


def builtin_type(name):
    """The type SimpleHTTPRequestHandler would give with mimetypes' built-in table only (what
    netkit implements: it never reads /etc/mime.types)."""
    import http.server
    import mimetypes
    ext = os.path.splitext(name)[1]
    handler_map = http.server.SimpleHTTPRequestHandler.extensions_map
    if ext in handler_map:
        return handler_map[ext]
    if ext.lower() in handler_map:
        return handler_map[ext.lower()]
    guess, _ = mimetypes.MimeTypes().guess_type(name)  # no files: the built-in table
    return guess or 'application/octet-stream'


def test_parity(check, app, tmp):
    root = make_tree(tmp)
    nk, nk_port = start_netkit(app, root)
    py, py_port = _common.start_python_http_server(root)
    differences = []
    with nk, py:
        for label, method, target, fields in parity_requests():
            p = exchange(py_port, method, target, fields)
            n = exchange(nk_port, method, target, fields)
            if p.status and n.status:
                check.true('parity: netkit answers HTTP/1.1, python HTTP/1.0: %s' % label,
                           n.version == 'HTTP/1.1' and p.version == 'HTTP/1.0',
                           '%s %s' % (n.version, p.version))
            if label in EXPECTED_DIFFERENCES:
                why, ok = EXPECTED_DIFFERENCES[label]
                check.true('parity: expected difference, %s (%s)' % (label, why), ok(p, n),
                           'python %d %r, netkit %d %r' % (p.status, p.raw[:300], n.status,
                                                          n.raw[:300]))
                continue
            ps, ns = summary(p), summary(n)
            diffs = [k for k in COMPARED if ps[k] != ns[k]]
            # The one Content-Type difference allowed: a type only /etc/mime.types gives.
            if diffs == ['content-type'] and method in ('GET', 'HEAD') and p.status == 200:
                name = urllib.parse.unquote(target.split('?')[0]).rsplit('/', 1)[-1]
                if ns['content-type'] == builtin_type(name):
                    differences.append('%s: Content-Type python %r (from /etc/mime.types), '
                                       'netkit %r (built-in table)' % (label, ps['content-type'],
                                                                       ns['content-type']))
                    check.ok('parity: %s (Content-Type from the built-in table)' % label)
                    continue
            detail = '\n'.join('%s: python %r\n    netkit %r' % (
                k, ps[k] if k != 'body' else ps[k][:400], ns[k] if k != 'body' else ns[k][:400])
                for k in diffs)
            if label in KNOWN_BUGS:
                if diffs:
                    print('XFAIL parity: %s: known netkit bug: %s\n      %s' % (
                        label, KNOWN_BUGS[label], detail.replace('\n', '\n      ')), flush=True)
                else:
                    print('XPASS parity: %s now matches Python: remove it from KNOWN_BUGS' %
                          label, flush=True)
                continue
            check.true('parity: %s (%d)' % (label, p.status), not diffs, detail)
            if p.status == 200 and method == 'GET' and 'content-length' not in diffs:
                check.true('parity: %s: Content-Length is the body\'s length' % label,
                           n.get('content-length') == str(len(n.body)))
            if method == 'HEAD':
                check.true('parity: %s: nothing after a HEAD answer' % label,
                           n.extra_after_head == b'', repr(n.extra_after_head[:100]))
        # Every file's body was compared with Python's above; with the file itself too.
        for name, content in FILES.items():
            a = exchange(nk_port, 'GET', '/' + q(name))
            check.true('parity: netkit serves %r byte for byte' % name, a.body == content)
        py.stop()
        nk.stop()
    for d in differences:
        print('note: ' + d, flush=True)


# --- protocol edges, against python3 --------------------------------------------------------

def many(n, host_last=True):
    fields = b''.join(b'X-%d: v\r\n' % i for i in range(n))
    return b'GET /hello.txt HTTP/1.1\r\n' + fields + b'Host: x\r\n\r\n'


# label, raw request, (python status, netkit status) when they differ on purpose (None: equal;
# a string: a KNOWN_BUGS key, XFAIL while they differ). Status 0: closed without an answer; -1:
# an answer with no status line (Python's HTTP/0.9 style, which it also uses for errors found
# before the version is known).
PROTOCOL_CASES = [
    ('HTTP/1.0 without Host', b'GET /hello.txt HTTP/1.0\r\n\r\n', None),
    ('HTTP/1.1 without Host', b'GET /hello.txt HTTP/1.1\r\n\r\n', (200, 400)),
    ('two Host fields', b'GET /hello.txt HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n', (200, 400)),
    ('HTTP/0.9 request', b'GET /hello.txt\r\n', (-1, 400)),
    ('99 fields + Host', many(99), (431, 200)),
    ('98 fields + Host', many(98), None),
    ('101 fields + Host', many(101), None),
    ('a 9,000-byte target', b'GET /' + b'a' * 9000 + b' HTTP/1.1\r\nHost: x\r\n\r\n', (404, 414)),
    ('a 65,537-byte target', b'GET /' + b'a' * 65537 + b' HTTP/1.1\r\nHost: x\r\n\r\n', None),
    ('a 65,537-byte field', b'GET / HTTP/1.1\r\nHost: x\r\nX: ' + b'v' * 65537 + b'\r\n\r\n',
     None),
    ('HTTP/2.0', b'GET /hello.txt HTTP/2.0\r\nHost: x\r\n\r\n', (-1, 505)),
    ('HTTP/1.2', b'GET /hello.txt HTTP/1.2\r\nHost: x\r\n\r\n', None),
    ('FOO/1.1', b'GET /hello.txt FOO/1.1\r\nHost: x\r\n\r\n', (-1, 400)),
    ('TLS bytes', b'\x16\x03\x01 hello\r\n\r\n', (-1, 400)),
    ('lower-case method', b'get /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n', None),
    ('OPTIONS *', b'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', None),
    ('CONNECT', b'CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n', None),
    ('two spaces after the method', b'GET  /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n', (200, 400)),
    ('a field without a colon', b'GET /hello.txt HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n',
     (200, 400)),
    ('bare LF line ends', b'GET /hello.txt HTTP/1.1\nHost: x\n\n', None),
    ('an empty line first', b'\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n', (0, 200)),
    ('Expect: 100-continue on a GET',
     b'GET /hello.txt HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n', None),
    ('a chunked GET',
     b'GET /hello.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
     None),
    ('Content-Length: 1073741824 on a GET',
     b'GET /hello.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n', (200, 413)),
]


def raw_status(port, raw):
    """The status of the answer to `raw` (sent, then the write side shut)."""
    with socket.create_connection(('127.0.0.1', port), timeout=IO_TIMEOUT) as s:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        data = read_all(s)
    if not data:
        return 0
    m = re.match(rb'HTTP/1\.[01] (\d{3}) ', data)
    return int(m.group(1)) if m else -1


def test_protocol(check, app, tmp):
    root = make_tree(tmp)
    nk, nk_port = start_netkit(app, root)
    py, py_port = _common.start_python_http_server(root)
    with nk, py:
        for label, raw, expected in PROTOCOL_CASES:
            p, n = raw_status(py_port, raw), raw_status(nk_port, raw)
            if isinstance(expected, str):
                if p == n:
                    print('XPASS protocol: %s: the same status (%d): remove it from KNOWN_BUGS'
                          % (label, p), flush=True)
                else:
                    print('XFAIL protocol: %s: python %d, netkit %d: known netkit bug: %s' % (
                        label, p, n, KNOWN_BUGS[expected]), flush=True)
            elif expected is None:
                check.true('protocol: %s: the same status (%d)' % (label, p), p == n,
                           'python %d, netkit %d' % (p, n))
            else:
                check.true('protocol: %s: python %d, netkit %d (expected difference)' % (
                    label, expected[0], expected[1]), (p, n) == expected,
                    'python %d, netkit %d' % (p, n))
        py.stop()
        nk.stop()


# --- real clients ---------------------------------------------------------------------------

def test_curl(check, app, tmp):
    curl = shutil.which('curl')
    if not curl:
        print('note: curl is not installed; the curl part is skipped', flush=True)
        return
    root = make_tree(tmp)
    server, port = start_netkit(app, root)
    base = 'http://127.0.0.1:%d/' % port
    with server:
        names = list(FILES)
        args = [curl, '-sS', '--max-time', '20', '-w', '%{num_connects} %{http_code}\\n']
        for i, name in enumerate(names):
            args += [base + q(name), '-o', os.path.join(tmp, 'curl-%d' % i)]
        r = _common.run(args, timeout=30)
        check.true('curl: exits 0 for %d files' % len(names), r.returncode == 0, r.stderr)
        for i, name in enumerate(names):
            path = os.path.join(tmp, 'curl-%d' % i)
            got = open(path, 'rb').read() if os.path.exists(path) else None
            check.true('curl: %r byte for byte (%d bytes)' % (name, len(FILES[name])),
                       got == FILES[name], 'got %r bytes' % (None if got is None else len(got)))
        lines = r.stdout.split()
        connects = [int(x) for x in lines[0::2]]
        codes = lines[1::2]
        check.true('curl: every transfer 200', codes == ['200'] * len(names), r.stdout)
        check.true('curl: one connection for all %d transfers (keep-alive)' % len(names),
                   sum(connects) == 1, 'num_connects per transfer: %r' % connects)

        r = _common.run([curl, '-sSI', '--max-time', '10', base + 'random.bin'])
        head = r.stdout.replace('\r', '')
        check.true('curl -I: 200 with the fields', r.returncode == 0
                   and head.startswith('HTTP/1.1 200 OK\n')
                   and 'Content-Length: %d\n' % len(FILES['random.bin']) in head
                   and 'Content-Type: application/octet-stream\n' in head
                   and 'Last-Modified: Tue, 14 Nov 2023 22:13:20 GMT\n' in head,
                   r.stdout + r.stderr)
        r = _common.run([curl, '-sSL', '--max-time', '10', base + 'sub'])
        check.true('curl -L: follows the 301 to sub/index.html',
                   r.stdout.encode() == FILES['sub/index.html'], r.stdout + r.stderr)
        r = _common.run([curl, '-sS', '--max-time', '10', '-o', '/dev/null', '-w',
                         '%{http_code}', base + 'nope'])
        check.true('curl: 404 for a missing file', r.stdout == '404', r.stdout + r.stderr)
        r = _common.run([curl, '-sS', '--max-time', '10', '-r', '2-4', base + 'hello.txt'])
        check.true('curl -r 2-4: the range', r.stdout == 'llo', r.stdout + r.stderr)
        r = _common.run([curl, '-sS', '--max-time', '10', base])
        check.true('curl: the listing names every entry', all(
            ('href="%s' % q(n.split('/')[0])) in r.stdout for n in FILES), r.stdout[:2000])
        server.stop()

    # --threads 3: a reactor_pool, every loop serving files (sendfile) on its own connections.
    server, port = start_netkit(app, root, '--threads', '3')
    base = 'http://127.0.0.1:%d/' % port
    with server:
        args = [curl, '-sS', '--max-time', '20', '--parallel', '--parallel-max', '6']
        names = [n for n in FILES for _ in range(3)]
        for i, name in enumerate(names):
            args += [base + q(name), '-o', os.path.join(tmp, 'pool-%d' % i)]
        r = _common.run(args, timeout=30)
        check.true('curl --parallel, --threads 3: exits 0', r.returncode == 0, r.stderr)
        wrong = [name for i, name in enumerate(names)
                 if not os.path.exists(os.path.join(tmp, 'pool-%d' % i))
                 or open(os.path.join(tmp, 'pool-%d' % i), 'rb').read() != FILES[name]]
        check.true('curl --parallel, --threads 3: %d downloads byte for byte' % len(names),
                   not wrong, repr(wrong))
        stopped = server.stop()
        check.true('--threads 3: exits 0 on SIGTERM', stopped.returncode == 0, stopped.stderr)


def test_urllib(check, app, tmp):
    root = make_tree(tmp)
    server, port = start_netkit(app, root)
    base = 'http://127.0.0.1:%d/' % port
    with server:
        for name, content in FILES.items():
            with urllib.request.urlopen(base + q(name), timeout=IO_TIMEOUT) as resp:
                got = resp.read()
                status = resp.status
            check.true('urllib: %r (200, byte for byte)' % name,
                       status == 200 and got == content, '%d, %d bytes' % (status, len(got)))
        with urllib.request.urlopen(base + 'plain', timeout=IO_TIMEOUT) as resp:
            check.true('urllib: follows the 301 to the listing', resp.url == base + 'plain/'
                       and b'Directory listing for /plain/' in resp.read(), resp.url)
        try:
            urllib.request.urlopen(base + 'nope', timeout=IO_TIMEOUT)
            check.fail('urllib: a 404 raises HTTPError')
        except urllib.error.HTTPError as e:
            check.true('urllib: a 404 raises HTTPError 404 File not found',
                       e.code == 404 and e.reason == 'File not found', '%r %r' % (e.code, e.reason))

        conn = http.client.HTTPConnection('127.0.0.1', port, timeout=IO_TIMEOUT)
        try:
            first_sock = None
            steps = [('GET', '/hello.txt', {}, 200, FILES['hello.txt']),
                     ('HEAD', '/random.bin', {}, 200, b''),
                     ('GET', '/random.bin', {}, 200, FILES['random.bin']),
                     ('GET', '/plain/', {}, 200, None),
                     ('GET', '/hello.txt', {'If-Modified-Since': 'Wed, 01 Jan 2100 00:00:00 GMT'},
                      304, b''),
                     ('GET', '/hello.txt', {'Range': 'bytes=7-'}, 206, FILES['hello.txt'][7:]),
                     ('GET', '/hello.txt', {'Range': 'bytes=99-'}, 416, None),
                     ('GET', '/sub', {}, 301, b''),
                     ('GET', '/empty.bin', {}, 200, b'')]
            for i, (method, target, headers, status, body) in enumerate(steps):
                conn.request(method, target, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                if first_sock is None:
                    first_sock = conn.sock
                ok = resp.status == status and (body is None or data == body)
                check.true('http.client: request %d on one connection: %s %s → %d' % (
                    i + 1, method, target, status), ok, '%d %r' % (resp.status, data[:200]))
                check.true('http.client: request %d: the connection is still the first' % (i + 1),
                           conn.sock is not None and conn.sock is first_sock)
        finally:
            conn.close()
        server.stop()


def read_pty(master, proc, timeout):
    out = b''
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError as e:  # EIO: every slave descriptor is closed
                if e.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    return out


def test_netkit_get(check, app, tmp):
    root = make_tree(tmp)
    big = os.urandom((3 << 20) + 11)
    with open(os.path.join(root, 'big.bin'), 'wb') as f:
        f.write(big)
    server, port = _common.start_server(
        lambda p: [sys.executable, '-u', '-m', 'http.server', str(p), '--bind', '127.0.0.1',
                   '--directory', root], lambda line: line.startswith('Serving HTTP on'))
    base = 'http://127.0.0.1:%d/' % port
    with server:
        for name, content in [('big.bin', big), ('name with spaces.txt',
                                                 FILES['name with spaces.txt']),
                              ('empty.bin', b''), ('café ünï 日本.txt', FILES['café ünï 日本.txt'])]:
            out = os.path.join(tmp, 'get-' + name)
            r = _common.run([app, 'get', '-o', out, base + q(name)], timeout=30)
            got = open(out, 'rb').read() if os.path.exists(out) else None
            check.true('netkit get -o %r from python3 -m http.server: byte for byte' % name,
                       r.returncode == 0 and got == content, r.stderr)
            check.true('netkit get -o %r: no progress bar when stderr is not a terminal' % name,
                       r.stderr == '', repr(r.stderr))
        r = subprocess.run([app, 'get', base + 'random.bin'], capture_output=True, timeout=30)
        check.true('netkit get URL: the body on stdout', r.returncode == 0
                   and r.stdout == FILES['random.bin'], r.stderr.decode(errors='replace'))

        # The progress bar, on a pseudo-terminal.
        out = os.path.join(tmp, 'get-pty.bin')
        master, slave = pty.openpty()
        proc = subprocess.Popen([app, 'get', '-o', out, base + 'big.bin'],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave,
                                start_new_session=True)
        os.close(slave)
        try:
            text = read_pty(master, proc, 30).decode(errors='replace')
            proc.wait(10)
        finally:
            os.close(master)
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        got = open(out, 'rb').read() if os.path.exists(out) else None
        check.true('netkit get -o on a terminal: exits 0 and the file is whole',
                   proc.returncode == 0 and got == big, text[-500:])
        frames = [f.strip() for f in text.split('\r') if f.strip()]
        final = re.compile(r'^\[={30}\] 100%  3\.0 MiB / 3\.0 MiB$')
        check.true('netkit get: the bar ends at [==============================] 100%  '
                   '3.0 MiB / 3.0 MiB', bool(frames) and final.match(frames[-1]) is not None,
                   repr(frames[-3:]))
        partial = [f for f in frames if re.match(r'^\[=*>? *\] +\d+%  [\d.]+ (B|KiB|MiB) / '
                                                 r'3\.0 MiB$', f)]
        percents = [int(re.search(r'\] +(\d+)%', f).group(1)) for f in partial]
        check.true('netkit get: the bar is redrawn as the download goes (several frames, '
                   'percentages rising)', len(partial) >= 3 and percents == sorted(percents)
                   and percents[0] < 100, repr(frames[:5]))
        check.true('netkit get: the bar line ends with a newline', text.endswith('\n'),
                   repr(text[-80:]))

        r = _common.run([app, 'get', '-o', os.path.join(tmp, 'never'), base + 'nope'])
        check.true('netkit get: a 404 is one line on stderr and exit status 1',
                   r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
                   and '404' in r.stderr, repr(r.stderr))
        server.stop()


def apt_install(package, limit):
    """apt-get install -y PACKAGE, bounded: the download (safe to stop) within `limit` seconds,
    then the install from the cache. Returns '' on success, else the reason."""
    if os.geteuid() != 0 or not shutil.which('apt-get'):
        return 'not root or no apt-get: cannot install %s' % package
    env = dict(os.environ, DEBIAN_FRONTEND='noninteractive')
    started = time.monotonic()

    def attempt(args, timeout):
        try:
            done = subprocess.run(['apt-get', '-y', '-q', *args], capture_output=True,
                                  text=True, timeout=timeout, env=env,
                                  stdin=subprocess.DEVNULL)
            return done.returncode, done.stdout + done.stderr
        except subprocess.TimeoutExpired:
            return None, 'timed out after %.0f s' % timeout

    rc, out = attempt(['install', '--download-only', package], limit)
    if rc != 0 and rc is not None and 'Unable to locate' in out:
        attempt(['update'], max(1.0, limit - (time.monotonic() - started)))
        rc, out = attempt(['install', '--download-only', package],
                          max(1.0, limit - (time.monotonic() - started)))
    if rc != 0:
        return 'apt-get could not download %s: %s' % (package, out.strip()[-300:])
    left = limit - (time.monotonic() - started)
    if left < 60:
        return ('%s downloaded, but %.0f s are left: not enough to install it (run again, or '
                'apt-get install -y %s)' % (package, left, package))
    rc, out = attempt(['install', package], left)
    if rc != 0:
        return 'apt-get install %s failed: %s' % (package, out.strip()[-300:])
    return ''


def test_wrk(check, app, examples, tmp):
    hello = os.path.join(examples, 'http_hello_server')
    if not os.access(hello, os.X_OK):
        check.fail('wrk: examples/http_hello_server is built', hello)
        return
    if not shutil.which('wrk'):
        reason = apt_install('wrk', min(120.0, remaining() - 30))
        if reason or not shutil.which('wrk'):
            print('note: wrk is missing and was not installed (%s); the wrk part is skipped' %
                  (reason or 'no wrk after the install'), flush=True)
            return
    server, port = _common.start_server(lambda p: [hello, '127.0.0.1', str(p)],
                                        lambda line: line.startswith('Serving HTTP on'))
    with server:
        r = _common.run(['wrk', '-t1', '-c10', '-d2s', '--timeout', '2s',
                         'http://127.0.0.1:%d/' % port], timeout=15)
        print(r.stdout, flush=True)
        check.true('wrk: exits 0', r.returncode == 0, r.stderr)
        check.true('wrk: no socket errors', 'Socket errors' not in r.stdout, r.stdout)
        check.true('wrk: no non-2xx/3xx answers', 'Non-2xx' not in r.stdout, r.stdout)
        m = re.search(r'(\d+) requests in ([\d.]+)s', r.stdout)
        count = int(m.group(1)) if m else 0
        check.true('wrk: at least 1,000 requests in 2 s (%d)' % count, count >= 1000, r.stdout)
        stopped = server.stop()
        check.true('wrk: http_hello_server exits 0 on SIGTERM', stopped.returncode == 0,
                   stopped.stderr)


def bench_json(check, what, app, url, *args):
    """Runs `netkit bench http URL ARGS --json`; returns (exit status, the JSON or {})."""
    r = _common.run([app, 'bench', 'http', url, '--json', '--timeout', '30', *args], timeout=40)
    try:
        return r.returncode, json.loads(r.stdout)
    except ValueError:
        check.fail('bench http: %s prints one JSON object' % what, r.stdout + r.stderr)
        return r.returncode, {}


def test_bench_http(check, app, examples, tmp):
    """`netkit bench http` counts exactly what it was asked for, across pipelining, bodies of
    any length, servers that close after every answer, and error answers."""
    hello = os.path.join(examples, 'http_hello_server')
    server, port = _common.start_server(lambda p: [hello, '127.0.0.1', str(p)],
                                        lambda line: line.startswith('Serving HTTP on'))
    with server:
        url = 'http://127.0.0.1:%d/' % port
        for conns, depth in ((1, 1), (4, 8), (3, 7)):
            rc, j = bench_json(check, 'hello', app, url, '-c', str(conns), '-n', '2000', '-P',
                               str(depth))
            check.true('bench http: %d connections, pipeline %d: 2,000 responses, all 2xx, '
                       'exit 0' % (conns, depth),
                       rc == 0 and j.get('responses') == 2000 and j.get('status_2xx') == 2000
                       and j.get('errors') == 0 and j.get('reconnects') == 0, j)
        rc, j = bench_json(check, 'timed', app, url, '-c', '2', '-d', '0.5', '-P', '4')
        check.true('bench http: a timed run ends by itself with answers and no error',
                   rc == 0 and j.get('responses', 0) > 0 and j.get('errors') == 0, j)
    root = make_tree(tmp)
    server, port = start_netkit(app, root)
    with server:
        big = len(FILES['random.bin'])
        rc, j = bench_json(check, 'file', app, 'http://127.0.0.1:%d/random.bin' % port, '-c', '2',
                           '-n', '20', '-P', '2')
        check.true('bench http: 20 bodies of %d bytes received whole' % big,
                   rc == 0 and j.get('responses') == 20 and j.get('status_2xx') == 20, j)
        rc, j = bench_json(check, 'empty', app, 'http://127.0.0.1:%d/empty.bin' % port, '-c', '2',
                           '-n', '100', '-P', '5')
        check.true('bench http: 100 empty bodies (Content-Length: 0)',
                   rc == 0 and j.get('responses') == 100, j)
        rc, j = bench_json(check, '404', app, 'http://127.0.0.1:%d/missing' % port, '-c', '1',
                           '-n', '10')
        check.true('bench http: 404 answers are counted apart and make the exit status 1',
                   rc == 1 and j.get('status_other') == 10 and j.get('status_2xx') == 0, j)
    server, port = _common.start_python_http_server(root)
    with server:
        rc, j = bench_json(check, 'python', app, 'http://127.0.0.1:%d/hello.txt' % port, '-c',
                           '2', '-n', '20')
        check.true('bench http: a server that closes after each answer (python3 http.server, '
                   'HTTP/1.0): 20 answers through reconnections',
                   rc == 0 and j.get('responses') == 20 and j.get('reconnects', 0) >= 18, j)
    with socket.socket() as unused:
        unused.bind(('127.0.0.1', 0))
        dead = unused.getsockname()[1]
    r = _common.run([app, 'bench', 'http', 'http://127.0.0.1:%d/' % dead, '-n', '1'], timeout=20)
    check.true('bench http: nothing listening: exit 1 with a message',
               r.returncode == 1 and 'no connection to 127.0.0.1:%d' % dead in r.stderr,
               r.stdout + r.stderr)
    r = _common.run([app, 'bench', 'http', 'https://127.0.0.1/', '-n', '1'], timeout=20)
    check.true('bench http: an https URL is a usage error (exit 2)', r.returncode == 2,
               r.stdout + r.stderr)


# --- attacks --------------------------------------------------------------------------------

DOTDOTS = ('..', '%2e%2e', '%2E%2e', '.%2e', '%2e.', '%252e%252e', '%c0%ae%c0%ae', '.%00.',
           '%u002e%u002e', '..%00', '%2e%2e%00')
SLASHES = ('/', '%2f', '%2F', '\\', '%5c', '%255c', '%c0%af', '//', '/./')
NAMED = [
    '/../', '/%2e%2e/', '/%2E%2e%2f', '/..%2f', '/%252e%252e/', '/..\\', '/./../',
    '/%c0%ae%c0%ae/', '/.%00./', '/../../../../../../',
]


def traversal_targets():
    """(target, what) pairs: each tries to reach outside/secret.txt or /etc/passwd."""
    targets = []
    for prefix in NAMED:
        targets.append(prefix + 'outside/secret.txt')
        targets.append(prefix + '../../../../../etc/passwd')
    targets += ['//etc/passwd', '//' + 'outside/secret.txt', 'http://x/../outside/secret.txt',
                'http://x/%2e%2e/outside/secret.txt', '/' + '../' * 1000 + 'etc/passwd',
                '/' + '../' * 3000 + 'etc/passwd', '/sub/../../outside/secret.txt',
                '/out/secret.txt', '/link_out.txt', '/out/', '/out', '/out/../out/secret.txt',
                '/link_dir_in/../../outside/secret.txt', '/%2e%2e%2foutside%2fsecret.txt']
    for dd in DOTDOTS:
        for sl in SLASHES:
            targets.append('/' + (dd + sl) * 6 + 'etc' + sl + 'passwd')
            targets.append('/' + dd + sl + 'outside' + sl + 'secret.txt')
    return targets


def body_inside_root(a, root):
    """True when a 200's body is a file of the tree or a listing of one of its directories."""
    if any(a.body == c for c in FILES.values()):
        return True
    return a.body.startswith(b'<!DOCTYPE HTML>') and b'Directory listing for' in a.body


def test_traversal(check, app, tmp):
    root = make_tree(tmp)
    with open('/etc/passwd', 'rb') as f:
        passwd = f.read()
    server, port = start_netkit(app, root)
    with server:
        targets = traversal_targets()
        bad = []
        statuses = {}
        for target in targets:
            a = exchange(port, 'GET', target)
            statuses[a.status] = statuses.get(a.status, 0) + 1
            problems = []
            if SECRET in a.raw or passwd[:64] in a.raw or b'root:x:0:0' in a.raw:
                problems.append('leaks a file outside the root')
            if a.status == 200 and not body_inside_root(a, root):
                problems.append('200 with a body that is not a file of the tree')
            if 300 <= a.status < 400:
                loc = a.get('Location') or ''
                if not loc.startswith('/') or loc.startswith('//'):
                    problems.append('redirects off the site: Location %r' % loc)
            if not (a.status == 200 or 300 <= a.status < 500):
                problems.append('status %d' % a.status)
            if problems:
                bad.append('%r: %d %s' % (target[:80], a.status, '; '.join(problems)))
        print('note: %d traversal targets, statuses %r' % (len(targets), statuses), flush=True)
        check.true('traversal: none of %d targets leaks a byte from outside the root, each a 4xx '
                   'or a file/listing inside it' % len(targets), not bad, '\n'.join(bad))
        for target in ('/link_out.txt', '/out/secret.txt', '/out/', '/out'):
            a = exchange(port, 'GET', target)
            check.true('symlink out: %s → 404' % target, a.status == 404 and SECRET not in a.raw,
                       '%d' % a.status)

        # An open redirect: '//host/..' is a directory, and its 301 must stay on this site.
        for target in ('//sub', '//evil.example/%2e%2e', '//evil.example/..'):
            a = exchange(port, 'GET', target)
            loc = a.get('Location') or ''
            ok = not (300 <= a.status < 400) or (loc.startswith('/') and not loc.startswith('//'))
            what = 'redirect stays on the site: GET %s → %d Location %r' % (target, a.status, loc)
            check.true(what, ok, 'an open redirect (gh-87389)')
        a = exchange(port, 'GET', '/hello.txt')
        check.true('traversal: the server still serves', a.status == 200)
        server.stop()


def open_conn(port, timeout=IO_TIMEOUT):
    return socket.create_connection(('127.0.0.1', port), timeout=timeout)


def test_limits(check, app, tmp):
    root = make_tree(tmp)
    server, port = start_netkit(app, root)
    with server:
        for method in ('POST', 'GET', 'PUT'):
            with open_conn(port, timeout=5) as s:
                started = time.monotonic()
                s.sendall(request_bytes(method, '/', ('Content-Length: 1073741824',), close=False))
                data = read_all(s)
                took = time.monotonic() - started
            a = Answer(data, method)
            check.true('1 GB Content-Length, %s with no body: 413 in under 1 s (%.3f s) and '
                       'closed' % (method, took), a.status == 413 and took < 1.0
                       and a.get('Connection') == 'close', data[:200])
            check.true('after a 413: the server serves', exchange(port, 'GET', '/hello.txt').body
                       == FILES['hello.txt'])
        fields = ['X-Field-%d: v' % i for i in range(10000)]
        with open_conn(port, timeout=5) as s:
            started = time.monotonic()
            s.sendall(request_bytes('GET', '/', fields, close=False))
            data = read_all(s)
            took = time.monotonic() - started
        a = Answer(data, 'GET')
        check.true('10,000 fields: 431 and closed (%.3f s)' % took,
                   a.status == 431 and a.get('Connection') == 'close', data[:200])
        check.true('after a 431: the server serves', exchange(port, 'GET', '/hello.txt').body
                   == FILES['hello.txt'])
        long_field = ['X-Long: ' + 'v' * 100000]
        with open_conn(port, timeout=5) as s:
            s.sendall(request_bytes('GET', '/', long_field, close=False))
            a = Answer(read_all(s), 'GET')
        check.true('a 100 kB field: 431', a.status == 431, '%d' % a.status)
        a = exchange(port, 'GET', '/' + 'a' * 10000)
        check.true('a 10 kB target: 414', a.status == 414, '%d' % a.status)
        server.stop()


def fd_count(pid):
    try:
        return len(os.listdir('/proc/%d/fd' % pid))
    except OSError:
        return -1


def test_slow_download(check, app, tmp):
    """A client that reads a 4 MiB file slowly (about 6 s) from a server whose --idle-timeout is
    1 s: the download is a request in progress, so it must complete (KNOWN_BUGS: today the idle
    timer runs from the last byte received and resets the connection mid-body)."""
    root = make_tree(tmp)
    content = os.urandom(4 << 20)
    with open(os.path.join(root, 'slow.bin'), 'wb') as f:
        f.write(content)
    server, port = start_netkit(app, root, '--idle-timeout', '1')
    with server:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        s.settimeout(IO_TIMEOUT)
        data = b''
        end = 'complete'
        started = time.monotonic()
        try:
            s.connect(('127.0.0.1', port))
            s.sendall(request_bytes('GET', '/slow.bin', close=False))
            while time.monotonic() - started < 20:
                try:
                    chunk = s.recv(32768)
                except OSError as e:
                    end = repr(e)
                    break
                if not chunk:
                    end = 'EOF'
                    break
                data += chunk
                head, sep, body = data.partition(b'\r\n\r\n')
                if sep and len(body) >= len(content):
                    break
                time.sleep(0.02)  # paces the reader (at most 1.6 MB/s); waits for no state
        finally:
            s.close()
        took = time.monotonic() - started
        body = data.partition(b'\r\n\r\n')[2]
        what = ('slow download (%.1f s) with --idle-timeout 1: all %d bytes arrive' % (
            took, len(content)))
        check.true(what, body == content, 'got %d bytes, then %s' % (len(body), end))
        a = exchange(port, 'GET', '/hello.txt')
        check.true('slow download: the server serves afterwards', a.status == 200)
        server.stop()


def test_slowloris(check, app, tmp):
    n_slow = 500
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 4096 if hard == resource.RLIM_INFINITY else min(hard, 4096)
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the server inherits it
    if want < n_slow + 100:
        print('note: RLIMIT_NOFILE hard limit %d is too low for %d connections; slowloris '
              'skipped' % (hard, n_slow), flush=True)
        return
    root = make_tree(tmp)
    server, port = start_netkit(app, root, '--header-timeout', '2', '--idle-timeout', '30')
    pid = server.proc.pid
    slow = []
    with server:
        try:
            baseline = fd_count(pid)
            for _ in range(n_slow):
                slow.append(open_conn(port, timeout=5))
            accepted = _common.wait_until(lambda: fd_count(pid) >= baseline + n_slow, timeout=10)
            check.true('slowloris: the server holds %d connections (%d descriptors, %d before)' % (
                n_slow, fd_count(pid), baseline), accepted)
            for s in slow:
                s.setblocking(False)
            head = b'GET /hello.txt HTTP/1.1\r\nHost: x\r\nX-Slow: ' + b'a' * 100000
            started = time.monotonic()
            latencies = []
            failures = []
            send_errors = 0
            i = 0
            # Rounds of one byte per slow connection, every 50 ms; in each round, up to 5
            # requests of the fast client, each on a new connection and answered within 1 s.
            # (A bounded number: every one leaves a TIME_WAIT socket behind.) The sleep only
            # paces the load; nothing waits for a state by sleeping.
            while time.monotonic() - started < 3.0:
                round_start = time.monotonic()
                for s in slow:
                    if s.fileno() < 0:
                        continue
                    try:
                        s.send(head[i:i + 1])
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        send_errors += 1
                i += 1
                for _ in range(5):
                    t0 = time.monotonic()
                    try:
                        with open_conn(port, timeout=1.0) as c:
                            c.sendall(request_bytes('GET', '/hello.txt'))
                            a = Answer(read_all(c), 'GET')
                        if a.status != 200 or a.body != FILES['hello.txt']:
                            failures.append('%d' % a.status)
                    except (OSError, ValueError) as e:
                        failures.append(repr(e))
                    latencies.append(time.monotonic() - t0)
                    if time.monotonic() - round_start >= 0.05:
                        break
                time.sleep(max(0.0, 0.05 - (time.monotonic() - round_start)))
            print('note: slowloris: %d rounds of one byte, %d fast requests, slowest %.3f s, '
                  '%d sends refused' % (i, len(latencies), max(latencies), send_errors),
                  flush=True)
            check.true('slowloris: another client is answered throughout (%d requests, none '
                       'failed)' % len(latencies), not failures and len(latencies) >= 10,
                       repr(failures[:5]))
            check.true('slowloris: each answer within 1 s (slowest %.3f s)' % max(latencies),
                       max(latencies) < 1.0)

            # Each slow connection: a 408, then the server's FIN (or a reset after lingering).
            got_408 = 0
            closed = 0
            pending = {s.fileno(): [s, b''] for s in slow}
            deadline = time.monotonic() + 6.0
            while pending and time.monotonic() < deadline:
                ready, _, _ = select.select(list(pending), [], [], 0.2)
                for fd in ready:
                    s, buf = pending[fd]
                    chunk = _common.recv_nonblocking(s)
                    if chunk is None:
                        continue
                    if chunk:
                        pending[fd][1] = buf + chunk
                        continue
                    closed += 1
                    if buf.startswith(b'HTTP/1.1 408 '):
                        got_408 += 1
                    del pending[fd]
            check.true('slowloris: every slow connection closed by the server (%d of %d)' % (
                closed, n_slow), closed == n_slow)
            check.true('slowloris: every slow connection got a 408 first (%d of %d)' % (
                got_408, n_slow), got_408 == n_slow)
            # The server lets them go on its own (our ends are still open).
            down = _common.wait_until(lambda: fd_count(pid) <= baseline + 2, timeout=6.0)
            check.true('slowloris: the server\'s descriptors back down to %d (now %d)' % (
                baseline, fd_count(pid)), down)
            a = exchange(port, 'GET', '/hello.txt')
            check.true('slowloris: the server serves afterwards', a.status == 200)
        finally:
            for s in slow:
                s.close()
        stopped = server.stop()
        check.true('slowloris: the server exits 0 on SIGTERM', stopped.returncode == 0,
                   stopped.stderr[-500:])


# --- chromium -------------------------------------------------------------------------------

class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag == 'a':
            self.hrefs += [v for k, v in attrs if k == 'href']

    def handle_data(self, data):
        self.text.append(data)


def parse_links(page):
    p = Links()
    p.feed(page)
    return p.hrefs, ''.join(p.text)


def find_chromium():
    for name in ('chromium', 'chromium-browser'):
        path = shutil.which(name)
        if path:
            return path
    return None


def dump_dom(chromium, url, tmp):
    profile = tempfile.mkdtemp(prefix='chromium-', dir=tmp)
    r = _common.run([chromium, '--headless=new', '--no-sandbox', '--disable-gpu',
                     '--no-first-run', '--disable-dev-shm-usage', '--user-data-dir=' + profile,
                     '--dump-dom', url], timeout=max(5.0, min(60.0, remaining() - 5)))
    return r


def test_chromium(check, app, tmp):
    chromium = find_chromium()
    if not chromium:
        reason = apt_install('chromium', min(300.0, remaining() - 40))
        chromium = find_chromium()
        if reason or not chromium:
            print('SKIPPED chromium: Debian\'s chromium is missing and was not installed: %s' %
                  (reason or 'no chromium after the install'), flush=True)
            return
    if remaining() < 20:
        print('SKIPPED chromium: only %.0f s left of the budget' % remaining(), flush=True)
        return
    root = make_tree(tmp)
    server, port = start_netkit(app, root)
    base = 'http://127.0.0.1:%d/' % port
    with server:
        expected, _ = parse_links(exchange(port, 'GET', '/').body.decode())
        r = dump_dom(chromium, base, tmp)
        hrefs, text = parse_links(r.stdout)
        check.true('chromium: the root listing\'s DOM has its %d links' % len(expected),
                   r.returncode == 0 and hrefs == expected and 'Directory listing for /' in text,
                   'rc %r, hrefs %r, stderr %s' % (r.returncode, hrefs, r.stderr[-800:]))
        for href, wanted in [('plain/', 'Directory listing for /plain/'),
                             ('sub/', 'SUB-INDEX'),
                             (q('name with spaces.txt'), 'with spaces'),
                             (q('café ünï 日本.txt'), 'unicode')]:
            if href not in hrefs:
                check.fail('chromium: the listing links to %s' % href, repr(hrefs))
                continue
            url = urllib.parse.urljoin(base, href)
            r = dump_dom(chromium, url, tmp)
            _, text = parse_links(r.stdout)
            check.true('chromium: follows %s to %s (its DOM has %r)' % (href, url, wanted),
                       r.returncode == 0 and wanted in text, r.stdout[:500] + r.stderr[-500:])
        r = dump_dom(chromium, urllib.parse.urljoin(base, 'plain/'), tmp)
        hrefs, _ = parse_links(r.stdout)
        check.true('chromium: the /plain/ listing links to a.txt and nested/',
                   hrefs == ['a.txt', 'nested/'], repr(hrefs))
        server.stop()


# --- main -----------------------------------------------------------------------------------

def main():
    only = None
    argv = sys.argv[1:]
    if '--only' in argv:
        i = argv.index('--only')
        only = argv[i + 1]
        del argv[i:i + 2]
    args = _common.parse_args(argv)
    if args.app == 'none' or not os.access(args.app, os.X_OK):
        print('SKIP: the netkit app is not built (--app %s)' % args.app, flush=True)
        return _common.SKIP
    check = _common.Checker()
    tmp = tempfile.mkdtemp(prefix='netkit-http-server-')
    app, examples = os.path.abspath(args.app), args.examples
    tests = [
        ('parity', lambda c, t: test_parity(c, app, t)),
        ('protocol', lambda c, t: test_protocol(c, app, t)),
        ('curl', lambda c, t: test_curl(c, app, t)),
        ('urllib', lambda c, t: test_urllib(c, app, t)),
        ('netkit_get', lambda c, t: test_netkit_get(c, app, t)),
        ('traversal', lambda c, t: test_traversal(c, app, t)),
        ('limits', lambda c, t: test_limits(c, app, t)),
        ('slowloris', lambda c, t: test_slowloris(c, app, t)),
        ('slow_download', lambda c, t: test_slow_download(c, app, t)),
        ('wrk', lambda c, t: test_wrk(c, app, examples, t)),
        ('bench_http', lambda c, t: test_bench_http(c, app, examples, t)),
        ('chromium', lambda c, t: test_chromium(c, app, t)),
    ]
    try:
        for name, test in tests:
            if only and only not in name:
                continue
            started = time.monotonic()
            test_tmp = os.path.join(tmp, name)
            os.mkdir(test_tmp)
            try:
                test(check, test_tmp)
            except Exception as e:  # a broken step fails this part, not the others
                import traceback
                traceback.print_exc()
                check.fail(name, '%s: %s' % (type(e).__name__, e))
            print('--    %s (%.1f s)' % (name, time.monotonic() - started), flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
