#!/usr/bin/env python3
"""Generates tests/data/struct/vectors.txt: what CPython's struct module answers for tens of
thousands of inputs (every code with every prefix and count, edge values in and out of range,
bad formats, offsets, random formats and values), read by tests/unit/struct/vectors_test.cpp.

Regenerate (deterministic; python3 must be CPython 3.11.7, the reference):
    python3 tests/tools/gen_struct_vectors.py

Line format (tab-separated; FMT is the format's bytes in hex, so any character fits):
    calcsize     FMT                          RESULT
    pack         FMT  VALUES                  RESULT   (ok: packed hex)
    pack_into    FMT  BUFLEN OFFSET VALUES    RESULT   (ok: the whole buffer in hex)
    unpack       FMT  DATA                    RESULT   (ok: VALUES, then repr of the tuple)
    unpack_from  FMT  DATA OFFSET             RESULT   (ok: VALUES, then repr)
    iter_unpack  FMT  DATA                    RESULT   (ok: records' VALUES joined by ' | ')
    repr         BITS                         repr(float) (BITS: the double's 64 bits, hex)
VALUES: space-separated tokens, '-' for none: n (None), T/F, i<decimal int>, f<16 hex digits:
the double's bits>, b<hex bytes>. RESULT: 'ok' TAB payload..., or 'err' TAB class TAB message
(struct.error's class is 'error').
"""

import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'interop'))
import _struct_reference as ref  # noqa: E402

OUT = os.path.join(HERE, '..', 'data', 'struct', 'vectors.txt')
PREFIXES = ['', '@', '=', '<', '>', '!']
NATIVE_ONLY = 'nNP'


def token(v):
    if v is None:
        return 'n'
    if v is True:
        return 'T'
    if v is False:
        return 'F'
    if isinstance(v, int):
        return 'i%d' % v
    if isinstance(v, float):
        return 'f' + struct.pack('>d', v).hex()
    if isinstance(v, (bytes, bytearray)):
        return 'b' + bytes(v).hex()
    if isinstance(v, str):  # a Python str: the C++ side passes its UTF-8 bytes
        return 'b' + v.encode().hex()
    raise TypeError(v)


def tokens(values):
    return ' '.join(token(v) for v in values) or '-'


def err(e):
    return 'err\t%s\t%s' % (type(e).__name__, str(e).replace('\t', ' ').replace('\n', ' '))


def fmt_hex(fmt):
    return fmt.encode('utf-8').hex()


def as_given(fmt):
    """The format as the C++ API receives it: bytes. A non-ASCII str would fail to encode
    (UnicodeEncodeError, which only the JSON mode of the CLI reproduces), so the vectors give
    its UTF-8 bytes, as a Python caller passing bytes would."""
    return fmt if fmt.isascii() else fmt.encode('utf-8')


class Writer:
    def __init__(self):
        self.lines = []

    def calcsize(self, fmt):
        try:
            r = 'ok\t%d' % struct.calcsize(as_given(fmt))
        except Exception as e:  # noqa: BLE001
            r = err(e)
        self.lines.append('calcsize\t%s\t%s' % (fmt_hex(fmt), r))

    def pack(self, fmt, values):
        try:
            r = 'ok\t' + struct.pack(as_given(fmt), *values).hex()
        except Exception as e:  # noqa: BLE001
            r = err(e)
        self.lines.append('pack\t%s\t%s\t%s' % (fmt_hex(fmt), tokens(values), r))

    def pack_into(self, fmt, buflen, offset, values):
        buf = bytearray(b'\xaa' * buflen)
        try:
            struct.pack_into(as_given(fmt), buf, offset, *values)
            r = 'ok\t' + buf.hex()
        except Exception as e:  # noqa: BLE001
            r = err(e)
        self.lines.append('pack_into\t%s\t%d\t%d\t%s\t%s' % (fmt_hex(fmt), buflen, offset,
                                                          tokens(values), r))

    def unpack(self, fmt, data):
        try:
            v = struct.unpack(as_given(fmt), data)
            r = 'ok\t%s\t%s' % (tokens(v), repr(v))
        except Exception as e:  # noqa: BLE001
            r = err(e)
        self.lines.append('unpack\t%s\t%s\t%s' % (fmt_hex(fmt), data.hex() or '-', r))

    def unpack_from(self, fmt, data, offset):
        try:
            v = struct.unpack_from(as_given(fmt), data, offset)
            r = 'ok\t%s\t%s' % (tokens(v), repr(v))
        except Exception as e:  # noqa: BLE001
            r = err(e)
        self.lines.append('unpack_from\t%s\t%s\t%d\t%s' % (fmt_hex(fmt), data.hex() or '-',
                                                           offset, r))

    def iter_unpack(self, fmt, data):
        try:
            v = list(struct.iter_unpack(as_given(fmt), data))
            r = 'ok\t' + (' | '.join(tokens(t) for t in v) or '-')
        except Exception as e:  # noqa: BLE001
            r = err(e)
        self.lines.append('iter_unpack\t%s\t%s\t%s' % (fmt_hex(fmt), data.hex() or '-', r))

    def repr(self, d):
        self.lines.append('repr\t%s\t%s' % (struct.pack('>d', d).hex(), repr(d)))


def typed_values(code, rng):
    """Edge values of every type for one code."""
    out = [None, True, False, b'', b'a', b'ab']
    if code not in 'spc':  # a str behaves as bytes there; in s, p and c only bytes exist in C++
        out.append('text')
    out += ref.INT_EDGES
    out += ref.FLOAT_EDGES
    if code in 'efd':
        out += [rng.uniform(-1e5, 1e5) for _ in range(10)]
        out += [struct.unpack('<e', rng.getrandbits(16).to_bytes(2, 'little'))[0] +
                rng.choice([0.0, 2 ** -30, -2 ** -30]) for _ in range(20)]
    if code in 'sp':
        out += [bytes(i % 256 for i in range(n)) for n in (0, 1, 3, 7, 254, 255, 256, 300)]
    return out


def small_input(rng, mode):
    """A random input whose vector line stays short (the file stays a few MB)."""
    while True:
        inp = ref.random_input(rng, mode)
        if len(repr(inp)) <= 300:
            return inp


def main():
    rng = random.Random(3117)
    w = Writer()
    counts = ['', '0', '1', '2', '3', '7', '16']

    # calcsize: every code, prefix and count; every pair (alignment); bad formats.
    for p in PREFIXES:
        for c in ref.CODES:
            for n in counts:
                w.calcsize(p + n + c)
        for a in ref.CODES:
            for b in ref.CODES:
                w.calcsize(p + a + b)
                w.calcsize(p + a + '0' + b)
    for fmt in ['', ' ', '\t\n\r\x0b\x0c', 'i ', ' i', '2', '2 i', 'i\x00', '\x00', 'z', 'i<',
                '<<i', '!', '99999999999999999999', '99999999999999999999i',
                '9223372036854775807s', '9223372036854775807x', '9223372036854775808s',
                '9223372036854775807i', '1152921504606846975q', '1152921504606846976q',
                'b9223372036854775807s', 'q9223372036854775800x', 'llh0l', 'ci', 'ic', '\x1ci',
                '\xffi', 'é', 'ii\u20ac\u20ac', '\U0001f600', 'i$', '3 s', '12', '0', 'x0',
                '0x', '0s', '0p', '00i', '007i']:
        w.calcsize(fmt)
    for _ in range(3000):
        w.calcsize(ref.random_format(rng, for_data=False))

    # pack: every prefix, code and edge value; counts on s and p; item count errors.
    for p in PREFIXES:
        for c in ref.CODES:
            if c == 'x':
                continue
            for v in typed_values(c, rng):
                w.pack(p + c, [v])
        for n in range(0, 6):
            for v in [b'', b'a', b'abc', b'abcdef', bytes(range(10))]:
                w.pack(p + '%ds' % n, [v])
                w.pack(p + '%dp' % n, [v])
                w.pack(p + 'x%dsx' % n, [v])
                w.pack(p + '%dpx' % n, [v])
        w.pack(p + '0px', [b''])
        w.pack(p + '300p', [bytes(300)])
        w.pack(p + '256p', [b'\x01' * 300])
        w.pack(p + 'ii', [1])
        w.pack(p + 'ii', [1, 2, 3])
        w.pack(p + '3b', [1, 2, 3])
        w.pack(p + '0i', [])
        w.pack(p + 'bh', [1, 2])
        w.pack(p + 'I 2s f', [1, b'ab', 2.7])
    for fmt in ['z', '2', 'i\x00']:
        w.pack(fmt, [1])
    for _ in range(6000):
        inp = small_input(rng, 'pack')
        try:
            struct.calcsize(inp[0])
        except Exception:  # noqa: BLE001
            w.pack(inp[0], [])
            continue
        codes = ref.item_codes(inp[0])
        try:
            values = [ref.decode_value(v, codes[k] if k < len(codes) else '')
                      for k, v in enumerate(inp[1:])]
        except ValueError:  # text that is not hex where bytes go: not a struct input
            continue
        w.pack(inp[0], values)

    # unpack: every prefix and code over patterned and random bytes; size errors.
    patterns = [b'\x00', b'\xff', b'\x7f', b'\x80', b'\x01', b'\x7c', b'\x7e', b'\xfc', b'\x3c']
    for p in PREFIXES:
        for c in ref.CODES:
            for n in ['', '2', '0']:
                fmt = p + n + c
                try:
                    size = struct.calcsize(as_given(fmt))
                except Exception:  # noqa: BLE001
                    w.unpack(fmt, b'')
                    continue
                for pat in patterns:
                    w.unpack(fmt, pat * size)
                for _ in range(12):
                    w.unpack(fmt, rng.randbytes(size))
                w.unpack(fmt, bytes(size + 1))
                if size:
                    w.unpack(fmt, bytes(size - 1))
        for n in range(0, 5):
            for data in [b'\x00abcd', b'\x03abcd', b'\x09abcd', b'\xffabcd']:
                fmt = p + '%dp' % n
                w.unpack(fmt, data[:struct.calcsize(as_given(fmt))])
        w.unpack(p + 'e', b'\x00\x7c')
    for bits in range(0, 1 << 16, 19):  # a sample of every half-float exponent and sign
        w.unpack('<e', bits.to_bytes(2, 'little'))
    for _ in range(5000):
        inp = small_input(rng, 'unpack')
        w.unpack(inp[0], bytes.fromhex(inp[1]))

    # pack_into / unpack_from: offsets in and out of range, negative ones.
    for fmt in ['i', '<h', '0p', 'x0p', '0pb', 'bx', '', '3s', '>q']:
        try:
            size = struct.calcsize(as_given(fmt))
        except Exception:  # noqa: BLE001
            continue
        count = len(ref.item_codes(fmt))
        values = [b'ab' if c in 'sp' else 1 for c in ref.item_codes(fmt)]
        for buflen in [0, size, size + 1, size + 3, 12]:
            for offset in range(-14, 14):
                w.pack_into(fmt, buflen, offset, values)
                w.unpack_from(fmt, bytes(range(buflen)), offset)
        w.pack_into(fmt, 12, 0, values + [1])
        if count:
            w.pack_into(fmt, 12, -100, values[:-1])

    # iter_unpack
    for fmt in ['', 'x0', 'b', '<h', '>i2s', '@bq', 'e', '?']:
        try:
            size = struct.calcsize(as_given(fmt))
        except Exception:  # noqa: BLE001
            continue
        for n in [0, 1, 2, 5]:
            w.iter_unpack(fmt, rng.randbytes(size * n))
            w.iter_unpack(fmt, rng.randbytes(size * n + 1))

    # repr(float): edges and random doubles of every magnitude.
    for d in ref.FLOAT_EDGES + [1e16, 1e17, 1.5e16, 9999999999999998.0, 1e-4, 1e-5, 0.0001234,
                                123456.789, 1e22, 1e100, -1e-300, 2.5, 100.0, 0.5,
                                1 / 3, 2 / 3, 1e15 + 0.3, 12345678901234567.0]:
        w.repr(d)
    for _ in range(5000):
        w.repr(struct.unpack('<d', rng.getrandbits(64).to_bytes(8, 'little'))[0])
    for _ in range(3000):
        w.repr(rng.uniform(-10, 10) * 10 ** rng.randint(-25, 25))
    for _ in range(2000):
        w.repr(struct.unpack('<f', rng.getrandbits(32).to_bytes(4, 'little'))[0])

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='ascii', newline='\n') as f:
        f.write('# netkit struct vectors: generated by tests/tools/gen_struct_vectors.py from '
                'CPython %s (%s); do not edit\n' % (sys.version.split()[0], sys.platform))
        for line in w.lines:
            f.write(line + '\n')
    print('%s: %d vectors' % (os.path.relpath(OUT), len(w.lines)))


if __name__ == '__main__':
    main()
