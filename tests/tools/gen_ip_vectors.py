#!/usr/bin/env python3
"""Writes tests/data/ip/vectors.jsonl: what CPython's ipaddress answers, case by case.

Regenerate (from the repository root, with CPython 3.11.7 as python3):
    python3 tests/tools/gen_ip_vectors.py

One JSON object per line: {"op": ..., ...arguments..., "ok": result} or {..., "error": class,
"message": str(exception)}. tests/unit/ip/vectors_test.cpp replays every line against
netkit::ip. The first line names the Python version. Ops:
  parse      cls (IPv4Address ... IPv6Interface, ip_address, ip_network, ip_interface), text,
             strict -> {type, str, repr, exploded|error, reverse_pointer|error, int, flags}
  int        cls, n (decimal) -> str          packed   cls, hex -> str
  add / sub  cls, text, n -> str              getitem  net, n -> str
  hosts      net -> {first: [...], count}     iter     net -> {first: [...], count}
  subnets    net, diff, new -> {first: [...], count}
  supernet   net, diff, new -> str            exclude  net, other -> [str]
  relate     a, b -> {compare, overlaps, subnet_of, supernet_of, eq, lt}
  contains   net, addr -> bool                collapse items -> [str]
  summarize  first, last -> [str]             to_packed version, n -> hex
"""
import ipaddress as I
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import _ip_reference as ref  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'ip', 'vectors.jsonl')
FLAGS = ['is_private', 'is_global', 'is_multicast', 'is_reserved', 'is_unspecified',
         'is_loopback', 'is_link_local', 'is_site_local']
CLASSES = {c.__name__: c for c in (I.IPv4Address, I.IPv6Address, I.IPv4Network, I.IPv6Network,
                                   I.IPv4Interface, I.IPv6Interface)}


def attempt(fn):
    try:
        return {'ok': fn()}
    except Exception as e:  # noqa: BLE001
        return {'error': type(e).__name__, 'message': str(e)}


def flags(v):
    return ''.join('-' if not hasattr(v, f) else '1' if getattr(v, f) else '0' for f in FLAGS)


def value_facts(v):
    out = {'type': type(v).__name__, 'str': str(v), 'repr': repr(v)}
    for name in ('exploded', 'reverse_pointer'):
        r = attempt(lambda: getattr(v, name))
        out[name] = r['ok'] if 'ok' in r else {'error': r['error'], 'message': r['message']}
    if not isinstance(v, I._BaseNetwork):
        out['int'] = str(int(v))
    out['flags'] = flags(v)
    return out


def parse(cls, text, strict=True):
    if cls == 'ip_address':
        return value_facts(I.ip_address(text))
    if cls == 'ip_network':
        return value_facts(I.ip_network(text, strict))
    if cls == 'ip_interface':
        return value_facts(I.ip_interface(text))
    c = CLASSES[cls]
    return value_facts(c(text, strict) if 'Network' in cls else c(text))


def first_and_count(it, limit=6):
    first = []
    count = 0
    for x in it:
        if count < limit:
            first.append(str(x))
        count += 1
        if count > 5000:
            return {'first': first, 'count': None}
    return {'first': first, 'count': count}


def main():
    rng = random.Random(20240311)
    lines = [{'op': 'meta', 'python': sys.version.split()[0]}]

    def add(case, fn):
        case.update(attempt(fn))
        lines.append(case)

    # Parsing: random inputs and hand-picked ones through every constructor.
    handpicked = ['', '0', '1.2.3.4', '01.2.3.4', '1.2.3.04', '1.2.3.0', '0.0.0.0', '255.255.255.255',
                  '256.1.1.1', '1.2.3', '1.2.3.4.5', '1..2.3', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.a',
                  '1.2.3.1234', '١.2.3.4', '::', '::1', '1::', ':1', '1:', ':::', '1:::2', '1::2::3',
                  '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8',
                  '1:2:3:4:5:6:7', '12345::', 'g::', '::1.2.3.4', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4',
                  '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3', '::01.2.3.4', 'fe80::1%eth0', 'fe80::1%',
                  'fe80::1%a%b', '%eth0', 'fe80::1%eth0/64', 'fe80::%eth0/64', '10.0.0.0/8',
                  '10.0.0.1/8', '10.0.0.0/255.0.0.0', '10.0.0.0/0.255.255.255', '10.0.0.0/255.0.255.0',
                  '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/08', '10.0.0.0/+8', '10.0.0.0/ 8', '1/2/3',
                  '0.0.0.0/0', '0.0.0.0/0.0.0.0', '255.255.255.255/255.255.255.255', '::/0', '::/128',
                  '::/129', '::/ffff::', '2001:db8::/32', '2001:db8::1/32', '2001::/23', '100.64.0.0/10',
                  '100.64.0.0/9', '127.0.0.1', '169.254.1.1', '224.0.0.1', '240.0.0.1', '::ffff:10.0.0.1',
                  '2002:c000:0204::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', 'fec0::1', 'ff02::1',
                  '0:0:0:0:0:0:0:0', '1:0:0:1:0:0:0:1', '1:0:0:1:1:0:0:1', '0:1:0:0:1:0:0:0',
                  '::1/128', '::/127', '0.0.0.0/32', '0.0.0.0/8', 'fe80::1%' + 'x' * 31,
                  '1.2.3.4%x', '1.2.3.4/24/', 'ABCD::EF']
    inputs = handpicked + ref.random_inputs(rng, 450)
    names = list(CLASSES) + ['ip_address', 'ip_network', 'ip_interface']
    for text in inputs:
        for cls in names:
            if 'Network' in cls or cls == 'ip_network':
                for strict in (True, False):
                    add({'op': 'parse', 'cls': cls, 'text': text, 'strict': strict},
                        lambda: parse(cls, text, strict))
            else:
                add({'op': 'parse', 'cls': cls, 'text': text, 'strict': True},
                    lambda: parse(cls, text))

    # Integers and packed bytes.
    ints = [0, 1, -1, 2 ** 32 - 1, 2 ** 32, 2 ** 128 - 1, 2 ** 128, -(2 ** 128), 2 ** 64]
    ints += [rng.getrandbits(rng.choice([8, 32, 33, 64, 127, 128, 129])) * rng.choice([1, 1, -1])
             for _ in range(120)]
    for n in ints:
        for cls in ('IPv4Address', 'IPv6Address', 'ip_address', 'ip_network', 'ip_interface'):
            fn = {'ip_address': I.ip_address, 'ip_network': I.ip_network,
                  'ip_interface': I.ip_interface}.get(cls) or CLASSES[cls]
            add({'op': 'int', 'cls': cls, 'n': str(n)}, lambda: repr(fn(n)))
        for version in (4, 6):
            f = I.v4_int_to_packed if version == 4 else I.v6_int_to_packed
            add({'op': 'to_packed', 'version': version, 'n': str(n)}, lambda: f(n).hex())
    for size in (0, 3, 4, 5, 15, 16, 17):
        for _ in range(4):
            data = bytes(rng.getrandbits(8) for _ in range(size))
            for cls in ('IPv4Address', 'IPv6Address'):
                add({'op': 'packed', 'cls': cls, 'hex': data.hex()}, lambda: repr(CLASSES[cls](data)))

    # Arithmetic.
    for _ in range(500):
        v4 = rng.random() < 0.5
        cls = rng.choice(['IPv4Address', 'IPv4Interface'] if v4 else ['IPv6Address', 'IPv6Interface'])
        n = ref._v4_int(rng) if v4 else ref._v6_int(rng)
        text = str(I.ip_address(n))
        if 'Interface' in cls:
            text += '/' + str(rng.randrange(33 if v4 else 129))
        elif not v4 and rng.random() < 0.1:
            text += '%eth0'
        k = rng.choice([1, -1, 0, 255, 2 ** 32, 2 ** 64, 2 ** 127, 2 ** 128, rng.getrandbits(34),
                        rng.getrandbits(130)]) * rng.choice([1, -1])
        add({'op': 'add', 'cls': cls, 'text': text, 'n': str(k)}, lambda: repr(CLASSES[cls](text) + k))
        add({'op': 'sub', 'cls': cls, 'text': text, 'n': str(k)}, lambda: repr(CLASSES[cls](text) - k))

    def random_net(rng, v4=None):
        if v4 is None:
            v4 = rng.random() < 0.5
        n = ref._v4_int(rng) if v4 else ref._v6_int(rng)
        bits = 32 if v4 else 128
        p = rng.choice([rng.randrange(bits + 1), bits, bits - 1, bits - 2, 0, rng.randrange(bits - 8, bits + 1)])
        return (I.IPv4Network if v4 else I.IPv6Network)((n, p), strict=False)

    nets = [random_net(rng) for _ in range(350)]
    for net in nets:
        s = str(net)
        add({'op': 'hosts', 'net': s}, lambda: first_and_count(net.hosts()))
        add({'op': 'iter', 'net': s}, lambda: first_and_count(net))
        for n in (0, 1, -1, -2, 5, net.num_addresses - 1, net.num_addresses, -net.num_addresses,
                  -net.num_addresses - 1, rng.getrandbits(20)):
            add({'op': 'getitem', 'net': s, 'n': str(n)}, lambda: str(net[n]))
        for diff, new in ((1, None), (2, None), (0, None), (-1, None), (1, net.prefixlen + 3),
                          (1, net.prefixlen - 1), (2, net.prefixlen + 1), (1, net.max_prefixlen),
                          (net.max_prefixlen + 1, None), (1, rng.randrange(130))):
            add({'op': 'subnets', 'net': s, 'diff': diff, 'new': new},
                lambda: first_and_count(net.subnets(diff, new)))
            add({'op': 'supernet', 'net': s, 'diff': diff, 'new': new},
                lambda: str(net.supernet(diff, new)))
        other = random_net(rng, net.version == 4)
        inner = type(net)((int(net.network_address) + rng.randrange(net.num_addresses),
                              rng.randrange(net.prefixlen, net.max_prefixlen + 1)), strict=False)
        for b in (other, inner, net):
            add({'op': 'exclude', 'net': s, 'other': str(b)},
                lambda: [str(x) for x in net.address_exclude(b)])
            add({'op': 'relate', 'a': s, 'b': str(b)},
                lambda: {'compare': net.compare_networks(b), 'overlaps': net.overlaps(b),
                         'subnet_of': net.subnet_of(b), 'supernet_of': net.supernet_of(b),
                         'eq': net == b, 'lt': net < b})
        for a in (net.network_address, net.broadcast_address, other.network_address,
                  inner.broadcast_address):
            add({'op': 'contains', 'net': s, 'addr': str(a)}, lambda: a in net)

    # collapse_addresses and summarize_address_range.
    for _ in range(500):
        v4 = rng.random() < 0.5
        base = random_net(rng, v4)
        items = []
        for _ in range(rng.randrange(1, 12)):
            if rng.random() < 0.4:
                a = int(base.network_address) + rng.randrange(base.num_addresses)
                items.append(str(I.ip_address(a)) if v4 or a >= 2 ** 32 else str(I.IPv6Address(a)))
            else:
                sub = type(base)((int(base.network_address) + rng.randrange(base.num_addresses),
                                    rng.randrange(base.prefixlen, base.max_prefixlen + 1)), strict=False)
                items.append(str(sub))
        objs = [I.ip_network(x) if '/' in x else I.ip_address(x) for x in items]
        if len({o.version for o in objs}) > 1:
            continue
        add({'op': 'collapse', 'items': items}, lambda: [str(x) for x in I.collapse_addresses(objs)])
        f = int(base.network_address) + rng.randrange(base.num_addresses)
        l = f + rng.randrange(-3, base.num_addresses)
        cls = I.IPv4Address if v4 else I.IPv6Address
        if 0 <= l < 2 ** base.max_prefixlen:
            add({'op': 'summarize', 'first': str(cls(f)), 'last': str(cls(l))},
                lambda: [str(x) for x in I.summarize_address_range(cls(f), cls(l))])
    add({'op': 'summarize', 'first': '::', 'last': 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'},
        lambda: [str(x) for x in I.summarize_address_range(I.IPv6Address(0), I.IPv6Address(2 ** 128 - 1))])
    add({'op': 'summarize', 'first': '0.0.0.1', 'last': '255.255.255.255'},
        lambda: [str(x) for x in I.summarize_address_range(I.IPv4Address(1), I.IPv4Address(2 ** 32 - 1))])

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w', encoding='utf-8') as f:
        for line in lines:
            f.write(json.dumps(line, ensure_ascii=False, separators=(',', ':')) + '\n')
    print('%s: %d vectors (CPython %s)' % (os.path.relpath(OUT), len(lines), sys.version.split()[0]))


if __name__ == '__main__':
    main()
