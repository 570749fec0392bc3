"""Python's side of `netkit struct ... --json` (SPEC.md section 4), and random inputs for it.

Shared by tests/interop/struct_differential.py and tests/tools/gen_struct_vectors.py (not a test
itself: its name starts with '_'). The JSON rules: values for s, p and c are hex strings; other
values are JSON numbers, booleans, null, "nan"/"inf"/"-inf", or decimal strings for integers
(used beyond 2^53); any other string is a Python str. Outputs: integers beyond 2^53 as decimal
strings, floats as numbers or "nan"/"inf"/"-inf", bytes as lowercase hex.
"""

import math
import random
import re
import struct

SPACES = ' \t\n\r\x0b\x0c'
CODES = 'xcbB?hHiIlLqQnNefdspP'
DECIMAL = re.compile(r'-?[0-9]+')


def item_codes(fmt):
    """The code of every packed item of a format struct accepted."""
    codes = []
    i = 1 if fmt[:1] in ('@', '=', '<', '>', '!') else 0
    while i < len(fmt):
        c = fmt[i]
        i += 1
        if c in SPACES:
            continue
        num = 1
        if c.isdigit():
            j = i - 1
            while fmt[i].isdigit():
                i += 1
            num = int(fmt[j:i])
            c = fmt[i]
            i += 1
        if c in 'sp':
            codes.append(c)
        elif c != 'x':
            codes.extend(c * min(num, 1 << 24))
    return codes


def decode_value(v, code):
    if isinstance(v, str):
        if code in ('s', 'p', 'c'):
            return bytes.fromhex(v)
        if DECIMAL.fullmatch(v):
            return int(v)
        if v in ('nan', 'inf', '-inf'):
            return float(v)
        return v
    return v


def encode_value(v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return str(v) if abs(v) > 2 ** 53 else v
    if isinstance(v, float):
        if math.isnan(v):
            return 'nan'
        if math.isinf(v):
            return 'inf' if v > 0 else '-inf'
        return v
    if isinstance(v, bytes):
        return v.hex()
    return v


def error(inp, e, messages):
    out = {'input': inp, 'error': type(e).__name__}
    if messages:
        out['message'] = str(e)
    return out


def answer(mode, inp, messages=False):
    """What `netkit struct MODE --json` must print for the parsed input `inp`."""
    try:
        if mode == 'calcsize':
            return {'input': inp, 'size': struct.calcsize(inp)}
        fmt = inp[0]
        s = struct.Struct(fmt)
        if mode == 'unpack':
            data = bytes.fromhex(inp[1])
            return {'input': inp, 'values': [encode_value(v) for v in s.unpack(data)]}
        codes = item_codes(fmt)
        args = [decode_value(v, codes[k] if k < len(codes) else '')
                for k, v in enumerate(inp[1:])]
        return {'input': inp, 'hex': s.pack(*args).hex()}
    except Exception as e:  # noqa: BLE001 - every class is part of the answer
        return error(inp, e, messages)


def same(a, b):
    """Equal JSON values, types included (True is not 1, 0.0 is not -0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


# --- random inputs -----------------------------------------------------------------------

INT_EDGES = sorted({s * (2 ** b + d) for b in (0, 7, 8, 15, 16, 31, 32, 53, 63, 64, 70, 200)
                    for d in (-1, 0, 1) for s in (1, -1)} | {0, 300, 70000, -200})
FLOAT_EDGES = [0.0, -0.0, 1.0, -1.5, 2.7, 0.1, 65504.0, 65519.99, 65520.0, -65520.0, 2 ** -24,
               2 ** -25, 1.5 * 2 ** -25, 2 ** -26, 3 * 2 ** -26, 2 ** -14, 6.1e-05, 5e-324,
               2.2250738585072014e-308, 1.7976931348623157e308, 3.4028234663852886e38,
               3.4028235677973366e38, 3.4028235677973362e38, 3.5e38, 1e39, 1.401298464324817e-45,
               7e-46, 1e-50, 1e16, 1e15, 123456789.125, float('nan'), float('inf'),
               float('-inf')]


def random_format(rng, for_data=True):
    parts = []
    prefix = rng.choice(['', '', '@', '=', '<', '>', '!'])
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.3:
            parts.append(rng.choice(SPACES))
        r = rng.random()
        if r < 0.02:
            code = rng.choice('zZaA$!<>@=\x00\x80 ') if rng.random() < 0.9 else 'é'
        else:
            code = rng.choice(CODES)
        r = rng.random()
        if r < 0.6:
            count = ''
        elif r < 0.95:
            count = str(rng.randint(0, 5 if code not in 'sp' else 12))
        elif for_data and r < 0.99:
            count = str(rng.randint(0, 300))
        else:
            count = str(rng.choice([rng.randint(0, 2 ** 64), 2 ** 63 - 1, 2 ** 63, 2 ** 62,
                                    9223372036854775807 // 8, 10 ** 30]))
        if rng.random() < 0.01:
            parts.append(count)  # a count with nothing after it, or before a space
            continue
        parts.append(count + code)
    return prefix + ''.join(parts)


def random_int(rng):
    r = rng.random()
    if r < 0.5:
        return rng.choice(INT_EDGES)
    if r < 0.8:
        return rng.randint(-2 ** rng.randint(1, 66), 2 ** rng.randint(1, 66))
    return rng.randint(-300, 300)


def random_float(rng):
    r = rng.random()
    if r < 0.4:
        return rng.choice(FLOAT_EDGES)
    if r < 0.7:
        return struct.unpack('<d', rng.getrandbits(64).to_bytes(8, 'little'))[0]
    if r < 0.85:
        return struct.unpack('<f', rng.getrandbits(32).to_bytes(4, 'little'))[0]
    return rng.uniform(-70000, 70000)


def random_value(rng, code):
    r = rng.random()
    if code in 'spc' and r < 0.85:
        n = rng.choice([0, 1, 1, 2, 3, 5, 8, 12, 20, 300])
        return rng.randbytes(n).hex()
    if r < 0.04:
        return None
    if r < 0.08:
        return rng.choice([True, False])
    if r < 0.11:
        return rng.choice(['abc', '', 'x', '1.5', '0x10'])
    if code in 'efd' or (r < 0.2 and code not in 'efd'):
        return encode_value(random_float(rng) if rng.random() < 0.8 else random_int(rng))
    return encode_value(random_int(rng) if rng.random() < 0.9 else random_float(rng))


def random_input(rng, mode):
    if mode == 'calcsize':
        return random_format(rng, for_data=False)
    while True:
        fmt = random_format(rng)
        try:
            size = struct.calcsize(fmt)
        except Exception:  # noqa: BLE001 - invalid formats are inputs too
            size = None
        if size is None or size <= 4096:
            break
    if mode == 'unpack':
        n = size if size is not None else rng.randint(0, 16)
        r = rng.random()
        if r < 0.08:
            n = max(0, n + rng.choice([-1, 1, 2]))
        kind = rng.random()
        if kind < 0.7:
            data = rng.randbytes(n)
        else:
            data = bytes([rng.choice([0, 0xff, 0x7f, 0x80, 0x7c, 0x7e, 1])]) * n
        return [fmt, data.hex()]
    codes = item_codes(fmt) if size is not None else []
    values = [random_value(rng, c) for c in codes]
    r = rng.random()
    if r < 0.03:
        values.append(random_value(rng, rng.choice(CODES)))
    elif r < 0.06 and values:
        values.pop()
    return [fmt] + values
