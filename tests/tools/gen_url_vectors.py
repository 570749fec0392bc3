#!/usr/bin/env python3
"""Generates tests/data/url/vectors.jsonl: urllib.parse's answers, from the python3 running this
script (CPython 3.11.7 is the reference), for tens of thousands of inputs built from URL pieces.

Regenerate with one command:  python3 tests/tools/gen_url_vectors.py

The file is JSON Lines. The first line names the generator and the Python version; every other
line is [function, args, result], where result is "ValueError" when Python raises it:
  urlsplit  [url, scheme, allow_fragments] -> [scheme, netloc, path, query, fragment,
                                               username, password, hostname, port, geturl]
  urlparse  [url, scheme, allow_fragments] -> [scheme, netloc, path, params, query, fragment,
                                               username, password, hostname, port, geturl]
            (port is "ValueError" when reading it raises; None is null)
  urlunsplit [5 strings] / urlunparse [6 strings] -> str
  urljoin   [base, url, allow_fragments] -> str
  urldefrag [url] -> [url, fragment]
  quote / quote_plus [text, safe] -> str;  unquote / unquote_plus [text] -> str
  unquote_to_bytes [text] -> hex
  parse_qsl / parse_qs [qs, keep_blank_values, strict_parsing, max_num_fields, separator]
            -> [[name, value], ...] / [[name, [values]], ...] (dict order)
  urlencode [[[name, value-or-list], ...], doseq, safe, "quote"|"quote_plus"] -> str

The random pieces (also used by tests/interop/url_differential.py) are the functions below.
"""
import json
import pathlib
import random
import sys
import urllib.parse as up

OUT = pathlib.Path(__file__).resolve().parents[2] / 'tests' / 'data' / 'url' / 'vectors.jsonl'
SEED = 3117

# --- URL pieces ---------------------------------------------------------------------------

LISTED_SCHEMES = sorted(set(up.uses_relative + up.uses_netloc + up.uses_params +
                            up.non_hierarchical + up.uses_query + up.uses_fragment) - {''})
ODD_SCHEMES = ['HTTP', 'Https', 'FILE', 'mailto', 'javascript', 'data', 'urn', 'x-y', 'a.b',
               'svn+SSH', 'c', 'C', 'a1', '1a', '+a', 'a b', 'h\tttp', 'ht\ntp', 'é', 'a_b',
               'news', 'tel', 'sip', 'hdl', 'git+ssh', 'ws', '', 'a%41', 'ab:c']

NAMES = ['example.com', 'EXAMPLE.COM', 'Host', 'a', 'localhost', 'xn--bcher-kva.ch', 'b\u00fccher.de',
         'B\u00dcCHER.DE', '\u03a3\u0391\u03a3.gr', '\u039f\u0394\u039f\u03a3', '\u0130stanbul', 'd\u00e9j\u00e0',
         '\u2100', 'a\uff0fb', 'a\uff1fb', 'a\ufe6bb', 'x\uff03', 'x\uff20y', 'x\uff1a1', 'a\u2047',
         '\uff21\uff22', '\u212a', 'caf\u00e9.fr', '\u65e5\u672c.jp', '\U0001f600.com', '%41', 'a%zz',
         'a b', '', ' ', 'h;x', "a!$&'()*+,=", '1.2.3.4', '127.0.0.1', '256.1.1.1', '01.2.3.4',
         'ex ample', '\u00c0\u00c9', '\u0391\u03a3\u0301', '\u03a3', '\u03a3a', 'a\u03a3', 'a\u03a3\u0301',
         'a\u03a3.b']
IPV6 = ['::1', '::', '1::', '::ffff:1.2.3.4', '2001:db8::1', 'FE80::1%eth0', 'fe80::1%25Eth0',
        '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4',
        '1:2:3:4:5:6:7:8:9', '1::2::3', ':1::2', '1::2:', '12345::', 'g::1', '::1%', '::1%a%b',
        '1.2.3.4', '::1.2.3', '::01.2.3.4', '::1.2.3.256', 'v1.abc', 'V1.abc', 'v.abc', 'v1.',
        'vF.x:y', 'vg.x', '', '::1 ', ' ::1', 'ABCD:EF01::', '1:2:3:4:5:6:7:8%z', ':', ':::',
        '::%x', '1:2:3:4:5:6:7', 'a:b:c:d:e:f:1.2.3.4', '::1.2.3.4.5', '\uff11::1',
        '1::2:3:4:5:6:7:8', '::0:0:0:0:0:0:0', '::0:0:0:0:0:0', '0:0:0:0:0:0:0::', 'fe80::1%\u00e9']
USERINFO = ['', 'user@', 'User:Pass@', 'u:@', ':p@', '@', 'a@b@', 'u:p:q@', 'us%40er:p%3Aw@',
            'j\u00f6rg:pw@', 'u[1]@', 'u:p[@']
PORTS = ['', ':', ':80', ':0', ':65535', ':65536', ':99999999999999999999', ':00080', ':-1', ':+1',
         ':abc', ': 80', ':80 ', ':8a', ':\uff18\uff10', ':\u0668', ':1:2', ':0x50', ':80]']
SEGMENTS = ['', '.', '..', 'a', 'b', 'c;p', 'd;x=1;y', 'e.html', '%2e', '%2E%2E', '%zz', '%',
            '\u00e9', ' ', 'x y', ';', 'g;', '..;p', '...', '.a', 'a..', '~u', 'C:', 'a:b', '@',
            '[', ']', '\u2100', '+', '%C3%A9', '%FF']
QUERIES = ['', '?', '?a=1', '?a=1&b=2', '?q=x+y', '?a=%20&b', '?;x', '??', '?/a/b', '?#',
           '?\u00e9=\u00e8', '?a=1;b=2', '?[::1]']
FRAGMENTS = ['', '#', '#f', '#a#b', '#?x', '#/p', '#\u00e9', '#%23']
CONTROL = ['\t', '\r', '\n', '\x00', '\x01', '\x1f', ' ', '\x7f', '\x0b', '\x0c', '\u00a0',
           '\u3000', '\x85']
PUNCT = ':/?#[]@!$&\'()*+,;=%.-_~ \t\\"<>^`{|}'


def rand_text(rng, alphabet, lo=0, hi=8):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def rand_unicode_char(rng):
    r = rng.random()
    if r < 0.5:
        return chr(rng.randint(0x80, 0x7FF))
    if r < 0.8:
        c = rng.randint(0x800, 0xFFFF)
        return chr(c) if not 0xD800 <= c < 0xE000 else '\ufffd'
    return chr(rng.randint(0x10000, 0x10FFFF))


def rand_host(rng):
    r = rng.random()
    if r < 0.45:
        return rng.choice(NAMES)
    if r < 0.75:
        h = rng.choice(IPV6)
        form = rng.random()
        if form < 0.8:
            return '[' + h + ']'
        if form < 0.85:
            return '[' + h
        if form < 0.9:
            return h + ']'
        if form < 0.95:
            return ']' + h + '['
        return '[' + h + ']]'
    if r < 0.9:
        return rand_text(rng, 'abcXYZ019.-_%' + 'é\u03a3\u0130', 1, 10)
    return rand_text(rng, 'ab:[]@%' + PUNCT, 0, 8)


def rand_netloc(rng):
    return rng.choice(USERINFO) + rand_host(rng) + rng.choice(PORTS)


def rand_path(rng, absolute=None):
    segs = [rng.choice(SEGMENTS) for _ in range(rng.randint(0, 5))]
    if absolute is None:
        absolute = rng.random() < 0.6
    path = '/'.join(segs)
    return ('/' + path) if absolute else path


def rand_scheme(rng):
    r = rng.random()
    if r < 0.6:
        return rng.choice(LISTED_SCHEMES)
    if r < 0.85:
        return rng.choice(ODD_SCHEMES)
    return rand_text(rng, 'abcHTTP+-.1:', 1, 6)


def sprinkle(rng, s, chars, n):
    for _ in range(n):
        i = rng.randint(0, len(s))
        s = s[:i] + rng.choice(chars) + s[i:]
    return s


def rand_url(rng):
    r = rng.random()
    if r < 0.08:
        # Anything: URL punctuation, letters, controls and non-ASCII text.
        alphabet = PUNCT + 'abHT01é' + ''.join(CONTROL)
        s = rand_text(rng, alphabet, 0, 24)
        if rng.random() < 0.3:
            s = sprinkle(rng, s, [rand_unicode_char(rng)], 2)
        return s
    parts = []
    if rng.random() < 0.8:
        parts.append(rand_scheme(rng) + ':')
    if rng.random() < 0.75:
        parts.append(rng.choice(['//', '//', '//', '/', '///', '\\\\', '/\t/']) + rand_netloc(rng))
    parts.append(rand_path(rng))
    if rng.random() < 0.4:
        parts.append(rng.choice(QUERIES))
    if rng.random() < 0.3:
        parts.append(rng.choice(FRAGMENTS))
    s = ''.join(parts)
    r = rng.random()
    if r < 0.1:
        s = ''.join(rng.choice(CONTROL) for _ in range(rng.randint(1, 3))) + s
    elif r < 0.2:
        s = sprinkle(rng, s, ['\t', '\r', '\n'], rng.randint(1, 3))
    elif r < 0.25:
        s = s + rng.choice(CONTROL)
    elif r < 0.3:
        s = sprinkle(rng, s, [rand_unicode_char(rng)], 1)
    return s


RELATIVE = ['', 'g', './g', 'g/', '/g', '//g', '?y', 'g?y', '#s', 'g#s', 'g?y#s', ';x', 'g;x',
            'g;x?y#s', '.', './', '..', '../', '../g', '../..', '../../', '../../g',
            '../../../g', '../../../../g', '/./g', '/../g', 'g.', '.g', 'g..', '..g', './../g',
            './g/.', 'g/./h', 'g/../h', 'g;x=1/./y', 'g;x=1/../y', 'g?y/./x', 'g?y/../x',
            'g#s/./x', 'g#s/../x', 'http:g', 'http:', 'http://a', 'http:/g', 'https:g',
            'ftp://x/y', '//[::1]/x', '//[::1', 'a//b', '..//g', '/..//g', '//', '///g', 'g//h/../i',
            ' g', '\tg', 'g\n', '..\t/g', 'file:g', 'mailto:x', 'x:y', '../g;p?q#f', '?', '#']
BASES = ['http://a/b/c/d;p?q', 'http://a/b/c/d;p?q#f', 'http://a', 'http://a/', 'http://a/b',
         'http://a/b/', 'http://a/b/c/', 'http://a/b/c/d/e/f', 'http:///b', 'http:/b/c', 'http:b/c',
         'file:///tmp/x', 'file:/tmp/x', 'ftp://u@h/a/b;type=a', 'mailto:x@y', 'a/b/c', '/a/b/c',
         '', '?q', '#f', 'svn+ssh://h/p/q', 'ws://h/p/', 'https://h:8080/a/../b/./c',
         'HTTP://A/B/C', 'http://a/b/c/..', 'http://a/b/c/.', 'x:/a/b', 'sftp://h/a//b//c',
         'http://[::1]/a/b', 'http://a/b;p1/c;p2', 'tel:123', 'nntp://h/g', 'git://h/a/b']


def rand_join(rng):
    base = rng.choice(BASES) if rng.random() < 0.5 else rand_url(rng)
    r = rng.random()
    if r < 0.5:
        url = rng.choice(RELATIVE)
    elif r < 0.8:
        url = rand_path(rng)
        if rng.random() < 0.3:
            url += rng.choice(QUERIES) + rng.choice(FRAGMENTS)
    else:
        url = rand_url(rng)
    return [base, url]


def rand_quote_text(rng):
    alphabet = PUNCT + 'azAZ09' + '\x00\x7f'
    s = rand_text(rng, alphabet, 0, 16)
    for _ in range(rng.randint(0, 3)):
        s = sprinkle(rng, s, [rand_unicode_char(rng)], 1)
    return s


HEX = '0123456789abcdefABCDEF'


def rand_escape(rng):
    r = rng.random()
    if r < 0.5:  # a byte of UTF-8, valid or not
        return '%' + rng.choice(['C3', 'c3', 'A9', 'E2', '82', 'AC', 'F0', '9F', '98', '80', 'ED',
                                 'A0', 'BF', 'C0', 'C1', 'F4', '90', '8F', 'F5', 'FF', 'E0', '41',
                                 '20', '2B', '25', '00', 'e0', 'f8', 'fe', '7F', '3D', '26'])
    if r < 0.8:
        return '%' + rng.choice(HEX) + rng.choice(HEX)
    return '%' + rand_text(rng, HEX + 'gGz% +', 0, 2)


def rand_unquote_text(rng):
    pieces = []
    for _ in range(rng.randint(0, 8)):
        r = rng.random()
        if r < 0.5:
            pieces.append(rand_escape(rng))
        elif r < 0.8:
            pieces.append(rand_text(rng, 'ab+ %=&', 0, 3))
        else:
            pieces.append(rand_unicode_char(rng))
    if rng.random() < 0.3:
        # Whole valid UTF-8 characters, percent-encoded (some cut short).
        enc = up.quote(rand_unicode_char(rng), safe='')
        if rng.random() < 0.3:
            enc = enc[:rng.randint(0, len(enc))]
        pieces.insert(rng.randint(0, len(pieces)), enc)
    return ''.join(pieces)


def rand_query(rng):
    fields = []
    for _ in range(rng.randint(0, 6)):
        r = rng.random()
        if r < 0.5:
            fields.append(rand_text(rng, 'ab+ ', 0, 3) + '=' + rand_unquote_text(rng)[:8])
        elif r < 0.65:
            fields.append(rand_text(rng, 'ab', 0, 3))
        elif r < 0.8:
            fields.append(rand_text(rng, 'a=b', 0, 4))
        else:
            fields.append(rand_unquote_text(rng)[:6] + '=' + rand_text(rng, 'x;=+', 0, 3))
    sep = '&' if rng.random() < 0.85 else rng.choice([';', '&&', '=', 'ab'])
    return sep.join(fields)


# --- the reference -------------------------------------------------------------------------

def attr(result, name):
    try:
        return getattr(result, name)
    except ValueError:
        return 'ValueError'


def split_result(url, scheme='', allow_fragments=True):
    try:
        r = up.urlsplit(url, scheme, allow_fragments)
    except ValueError:
        return 'ValueError'
    return list(r) + [attr(r, a) for a in ('username', 'password', 'hostname', 'port')] + [r.geturl()]


def parse_result(url, scheme='', allow_fragments=True):
    try:
        r = up.urlparse(url, scheme, allow_fragments)
    except ValueError:
        return 'ValueError'
    return list(r) + [attr(r, a) for a in ('username', 'password', 'hostname', 'port')] + [r.geturl()]


def call(fn, *args):
    try:
        return fn(*args)
    except ValueError:
        return 'ValueError'


def qs_call(fn, qs, keep, strict, max_fields, sep):
    try:
        r = fn(qs, keep, strict, max_num_fields=max_fields, separator=sep)
    except ValueError:
        return 'ValueError'
    if isinstance(r, dict):
        return [[k, v] for k, v in r.items()]
    return [list(p) for p in r]


def vectors():
    rng = random.Random(SEED)
    out = []

    def add(fn, args, result):
        out.append([fn, args, result])

    # Fixed cases: every scheme list entry with a netloc and params, every host and port form.
    for scheme in LISTED_SCHEMES + ODD_SCHEMES:
        for rest in ['//u:p@H:1/a;b?c#d', '/a;b', 'a;b/c;d', '//h', '', '///x', '//[::1]:8/p']:
            url = scheme + ':' + rest
            add('urlsplit', [url, '', True], split_result(url))
            add('urlparse', [url, '', True], parse_result(url))
    for user in USERINFO:
        for host in NAMES + ['[' + h + ']' for h in IPV6] + ['[::1', '::1]', '[a]b]', ']a[']:
            for port in PORTS:
                if rng.random() < 0.12:
                    url = 'http://' + user + host + port + '/p'
                    add('urlsplit', [url, '', True], split_result(url))
    for c in range(0x00, 0x21):
        for url in [chr(c) + 'http://h/p', 'http://h' + chr(c) + '/p', 'ht' + chr(c) + 'tp://h/',
                    'http://h/p' + chr(c)]:
            add('urlsplit', [url, '', True], split_result(url))
    for base in BASES:
        for rel in RELATIVE:
            add('urljoin', [base, rel, True], call(up.urljoin, base, rel, True))
    for rel in RELATIVE:
        add('urljoin', ['http://a/b/c/d;p?q#f', rel, False],
            call(up.urljoin, 'http://a/b/c/d;p?q#f', rel, False))

    # Random cases built from the pieces.
    for _ in range(9000):
        url = rand_url(rng)
        add('urlsplit', [url, '', True], split_result(url))
    for _ in range(3500):
        url = rand_url(rng)
        add('urlparse', [url, '', True], parse_result(url))
    for _ in range(800):
        url = rand_url(rng)
        scheme = rng.choice(['', 'http', ' ftp\t', 'X', 'mailto', '\nhttps '])
        frag = rng.random() < 0.5
        add('urlsplit', [url, scheme, frag], split_result(url, scheme, frag))
        add('urlparse', [url, scheme, frag], parse_result(url, scheme, frag))
    for _ in range(8000):
        base, url = rand_join(rng)
        frag = rng.random() < 0.9
        add('urljoin', [base, url, frag], call(up.urljoin, base, url, frag))
    for _ in range(1200):
        url = rand_url(rng)
        add('urldefrag', [url], call(lambda u: list(up.urldefrag(u)), url))
    pieces = ['', 'http', 'file', 'mailto', 'x', 'ab+c']
    for _ in range(1000):
        parts = [rng.choice(pieces), rng.choice(['', 'h', 'u@h:1', '[::1]']),
                 rng.choice(['', 'p', '/p', '//p', '///p', 'a/b', '/']),
                 rng.choice(['', 'x;y', ';']), rng.choice(['', 'q', 'a=1']),
                 rng.choice(['', 'f', '#'])]
        add('urlunparse', parts, up.urlunparse(parts))
        five = parts[:3] + parts[4:]
        add('urlunsplit', five, up.urlunsplit(five))
    safes = ['/', '', ':/?#[]@', "!$&'()*+,;=", '\u00e9/', 'abc', '%', ' ', '~']
    for _ in range(2500):
        text = rand_quote_text(rng)
        safe = rng.choice(safes)
        add('quote', [text, safe], up.quote(text, safe))
        add('quote_plus', [text, safe], up.quote_plus(text, safe))
    for _ in range(4000):
        text = rand_unquote_text(rng)
        add('unquote', [text], up.unquote(text))
        if rng.random() < 0.4:
            add('unquote_plus', [text], up.unquote_plus(text))
        if rng.random() < 0.2:
            add('unquote_to_bytes', [text], up.unquote_to_bytes(text).hex())
    # Every two-byte escape, and every lead byte before a continuation byte.
    for b in range(256):
        text = '%%%02X%%80%%80%%80x' % b
        add('unquote', [text], up.unquote(text))
    for _ in range(3000):
        qs = rand_query(rng)
        keep = rng.random() < 0.5
        strict = rng.random() < 0.2
        max_fields = rng.choice([None, None, None, 0, 1, 2, 3, 5, -1])
        sep = rng.choice(['&', '&', '&', ';', '&&', '='])
        add('parse_qsl', [qs, keep, strict, max_fields, sep],
            qs_call(up.parse_qsl, qs, keep, strict, max_fields, sep))
        if rng.random() < 0.3:
            add('parse_qs', [qs, keep, strict, max_fields, sep],
                qs_call(up.parse_qs, qs, keep, strict, max_fields, sep))
    add('parse_qsl', ['a=1', False, False, None, ''], 'ValueError')
    for _ in range(1500):
        pairs = []
        for _ in range(rng.randint(0, 4)):
            name = rand_quote_text(rng)[:6]
            if rng.random() < 0.3:
                value = [rand_quote_text(rng)[:5] for _ in range(rng.randint(0, 3))]
            else:
                value = rand_quote_text(rng)[:8]
            pairs.append([name, value])
        doseq = rng.random() < 0.5
        safe = rng.choice(['', '/', ':@'])
        via = rng.choice(['quote', 'quote_plus'])
        # str(list) uses repr, whose escapes for unprintable non-ASCII text netkit::repr_str
        # does not reproduce: lists of values are given only with printable text.
        if not doseq and any(isinstance(v, list) and not all(x.isprintable() for x in v)
                             for _, v in pairs):
            continue
        add('urlencode', [pairs, doseq, safe, via],
            up.urlencode([(k, v) for k, v in pairs], doseq, safe,
                         quote_via=getattr(up, via)))
    return out


def main():
    rows = vectors()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, 'w', encoding='utf-8', newline='\n') as f:
        f.write(json.dumps({'generator': 'tests/tools/gen_url_vectors.py', 'seed': SEED,
                            'python': sys.version.split()[0]}) + '\n')
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(',', ':')) + '\n')
    print(f'{OUT}: {len(rows)} vectors, {OUT.stat().st_size} bytes')


if __name__ == '__main__':
    main()
