#!/usr/bin/env python3
"""Generates tests/data/http/parser_responses.jsonl: how Python's http.client (CPython 3.11.7 is the
reference) reads a few thousand well-formed HTTP/1.x responses, for the differential test in
tests/unit/http/parser_differential_test.cpp.

Regenerate with one command:  python3 tests/tools/gen_http_vectors.py

Only messages both sides mean to accept are generated: netkit's parser is stricter than
http.client on purpose (it refuses "0x10" chunk sizes, bare LF in chunked framing, folding,
spaces before colons...), so those are tested against the rules, not against Python.
Each line after the first (which names the generator and the Python version) is an object:
  wire (hex), method, version (10 or 11), status, reason (hex), headers [[name, value], ...]
  (hex; values with trailing whitespace removed: netkit trims it, email's compat32 policy keeps
  it), body (hex), will_close. Text is hex of its latin-1 bytes, as http.client decodes them.
"""
import http.client
import io
import itertools
import json
import pathlib
import random
import sys

OUT = pathlib.Path(__file__).resolve().parents[2] / 'tests' / 'data' / 'http' / 'parser_responses.jsonl'
SEED = 7


class FakeSocket:
    def __init__(self, data):
        self._file = io.BytesIO(data)

    def makefile(self, mode, *args, **kwargs):
        return self._file


def latin1_hex(text):
    return text.encode('latin-1').hex()


def python_reads(wire, method):
    r = http.client.HTTPResponse(FakeSocket(wire), method=method)
    r.begin()
    body = r.read()
    return {
        'version': r.version, 'status': r.status, 'reason': latin1_hex(r.reason),
        'headers': [[latin1_hex(k), latin1_hex(v.rstrip(' \t'))] for k, v in r.getheaders()],
        'body': body.hex(), 'will_close': bool(r.will_close),
    }


def chunked(body, rng, ext, trailers, eol=b'\r\n'):
    out = b''
    pos = 0
    while pos < len(body):
        n = rng.randint(1, max(1, len(body) - pos))
        piece = body[pos:pos + n]
        pos += n
        size = b'%x' % n if rng.random() < 0.5 else b'%X' % n
        if rng.random() < 0.2:
            size = b'00' + size
        out += size + (ext if rng.random() < 0.5 else b'') + eol + piece + eol
    out += b'0' + ext + eol + trailers + eol
    return out


def main():
    rng = random.Random(SEED)
    versions = [b'HTTP/1.0', b'HTTP/1.1']
    statuses = [(200, b' OK'), (201, b' Created'), (204, b' No Content'),
                (304, b' Not Modified'), (404, b' Not Found'), (500, b''), (200, b' '),
                (302, b' Found \xe9t\xe9'), (418, b" I'm a\tteapot")]
    methods = ['GET', 'HEAD', 'POST']
    connections = [b'', b'Connection: close\r\n', b'Connection: keep-alive\r\n',
                   b'Connection: Keep-Alive, Upgrade\r\n']
    extras = [b'', b'Server: netkit-test/1.0\r\nX-Empty:\r\n',
              b'Set-Cookie: a=1\r\nset-cookie: b=2\r\nX-Latin: caf\xe9\r\n',
              b'Content-Type:   text/html; charset=utf-8\r\nX-Tab:\tv\r\n']
    bodies = [b'', b'hello', b'x' * 40, bytes(range(0, 256, 7))]
    framings = ['length', 'chunked', 'chunked-ext', 'close']
    eols = [b'\r\n', b'\n']
    lines = [json.dumps({'generator': 'gen_http_vectors.py', 'python': sys.version.split()[0]})]
    for version, (status, reason), method, conn, extra, body, framing, eol in itertools.product(
            versions, statuses, methods, connections, extras, bodies, framings, eols):
        if rng.random() > 0.06:  # a sample keeps the file small and still covers every value
            continue
        head = version + b' %d' % status + reason + eol
        fields = conn + extra
        if framing == 'length':
            fields += b'Content-Length: %d\r\n' % len(body)
            payload = body
        elif framing.startswith('chunked'):
            if version == b'HTTP/1.0':
                continue  # netkit reads HTTP/1.0 chunked until close (RFC 9112 §6.1)
            if status in (204, 304) or method == 'HEAD':
                # http.client decodes a chunked body even here (it tests chunked before the
                # length it sets to 0); RFC 9110 says these responses have no content.
                continue
            fields += b'Transfer-Encoding: chunked\r\n'
            ext = b';a=b;q="x y"' if framing == 'chunked-ext' else b''
            trailers = b'X-Trailer: t\r\n' if framing == 'chunked-ext' else b''
            payload = chunked(body, rng, ext, trailers)
        else:
            payload = body
        fields = fields.replace(b'\r\n', eol)
        wire = head + fields + eol + payload
        try:
            got = python_reads(wire, method)
        except Exception as e:  # noqa: BLE001 - any refusal means "not a shared vector"
            print(f'skipped (Python refuses): {wire[:60]!r}: {e!r}', file=sys.stderr)
            continue
        lines.append(json.dumps(dict(wire=wire.hex(), method=method, **got)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text('\n'.join(lines) + '\n')
    print(f'{OUT}: {len(lines) - 1} vectors')


if __name__ == '__main__':
    main()
