"""Python's side of the netkit::ip checks (not a test: its name starts with '_').

facts(text, kind, strict, hosts) computes, with CPython's ipaddress, exactly the JSON object
`netkit ip --json` writes for one input (SPEC.md section 4); random_inputs(rng, n) makes inputs
that reach every parser branch: valid addresses and networks of both families with random
masks, and mutations of them (leading zeros, extra groups, '%scope', bad masks, hostmask
forms, host bits), plus some plain garbage.
"""

import ipaddress
import random

ADDRESS_PROPS = ['version', 'max_prefixlen', 'packed', 'compressed', 'exploded', 'reverse_pointer',
                 'is_private', 'is_global', 'is_multicast', 'is_reserved', 'is_unspecified',
                 'is_loopback', 'is_link_local']
V6_ADDRESS_PROPS = ['is_site_local', 'ipv4_mapped', 'sixtofour', 'teredo', 'scope_id']
NETWORK_PROPS = ['version', 'max_prefixlen', 'compressed', 'exploded', 'reverse_pointer',
                 'is_private', 'is_global', 'is_multicast', 'is_reserved', 'is_unspecified',
                 'is_loopback', 'is_link_local', 'network_address', 'broadcast_address',
                 'netmask', 'hostmask', 'prefixlen', 'num_addresses', 'with_prefixlen',
                 'with_netmask', 'with_hostmask']
INTERFACE_EXTRA = ['ip', 'network', 'netmask', 'hostmask', 'with_prefixlen', 'with_netmask',
                   'with_hostmask']


def _json_value(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if v <= 2 ** 53 else str(v)
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, tuple):
        return [str(x) for x in v]
    return str(v)  # addresses, networks


def property_names(v):
    if isinstance(v, (ipaddress.IPv4Network, ipaddress.IPv6Network)):
        names = list(NETWORK_PROPS)
        if v.version == 6:
            names.insert(names.index('network_address'), 'is_site_local')
        return names
    names = list(ADDRESS_PROPS)
    if v.version == 6:
        names += V6_ADDRESS_PROPS
    names.append('int')
    if isinstance(v, (ipaddress.IPv4Interface, ipaddress.IPv6Interface)):
        names += INTERFACE_EXTRA
    return names


def make(text, kind, strict=True):
    if kind == 'address':
        return ipaddress.ip_address(text)
    if kind == 'network':
        return ipaddress.ip_network(text, strict)
    return ipaddress.ip_interface(text)


def facts(text, kind=None, strict=True, hosts=None):
    if kind is None:
        kind = 'network' if '/' in text else 'address'
    try:
        v = make(text, kind, strict)
    except Exception as e:  # noqa: BLE001 -- the class name is the answer
        return {'input': text, 'error': type(e).__name__}
    out = {'input': text, 'type': type(v).__name__, 'str': str(v)}
    for name in property_names(v):
        try:
            value = str(int(v)) if name == 'int' else _json_value(getattr(v, name))
        except Exception as e:  # noqa: BLE001
            value = {'error': type(e).__name__}
        out[name] = value
    if hosts is not None and kind == 'network':
        got = []
        for h in v.hosts():
            if len(got) >= hosts:
                break
            got.append(str(h))
        out['hosts'] = got
    return out


# --- random inputs ------------------------------------------------------------------------

V4_SPECIAL = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
              '172.16.0.0/12', '192.0.0.0/29', '192.0.0.170/31', '192.0.2.0/24', '192.168.0.0/16',
              '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
              '255.255.255.255/32', '0.0.0.0/32']
V6_SPECIAL = ['::1/128', '::/128', '::ffff:0:0/96', '100::/64', '2001::/23', '2001:2::/48',
              '2001:db8::/32', '2001:10::/28', 'fc00::/7', 'fe80::/10', 'fec0::/10', 'ff00::/8',
              '2002::/16', '2001::/32', '::/8', '100::/8', '200::/7', '400::/6', '800::/5',
              '1000::/4', '4000::/3', '6000::/3', '8000::/3', 'a000::/3', 'c000::/3', 'e000::/4',
              'f000::/5', 'f800::/6', 'fe00::/9', '::ffff:10.0.0.0/104', '::ffff:100.64.0.0/106']
SCOPES = ['eth0', '1', 'lo', 'en0', 'x', 'wlan0', 'a b', 'é', '0', '%', ':', 'a:b', '1.2.3.4',
          'zone-with-a-long-name-xyz']


def _v4_int(rng):
    r = rng.random()
    if r < 0.5:
        net = ipaddress.ip_network(rng.choice(V4_SPECIAL))
        return int(net.network_address) + rng.randrange(net.num_addresses)
    if r < 0.6:
        return rng.choice([0, 1, 2 ** 32 - 1, 2 ** 32 - 2, 0x7F000001, 0x80000000])
    return rng.getrandbits(32)


def _v6_int(rng):
    r = rng.random()
    if r < 0.35:
        net = ipaddress.ip_network(rng.choice(V6_SPECIAL))
        return int(net.network_address) + rng.randrange(net.num_addresses)
    if r < 0.7:
        # Runs of zero hextets exercise the '::' choice (first longest run, length >= 2).
        hextets = [rng.choice([0, 0, 0, rng.getrandbits(16), rng.getrandbits(4)]) for _ in range(8)]
        return int.from_bytes(b''.join(h.to_bytes(2, 'big') for h in hextets), 'big')
    if r < 0.75:
        return rng.choice([0, 1, 2 ** 128 - 1, 2 ** 127, 0xFFFF << 32])
    return rng.getrandbits(128)


def _v4_text(rng, n):
    return str(ipaddress.IPv4Address(n))


def _v6_text(rng, n):
    a = ipaddress.IPv6Address(n)
    r = rng.random()
    if r < 0.5:
        text = str(a)
    elif r < 0.65:
        text = a.exploded
    elif r < 0.75:
        # An IPv4 tail.
        text = a.exploded[:30] + str(ipaddress.IPv4Address(n & 0xFFFFFFFF))
    else:
        # Hextets without their leading zeros, or with some, in any case.
        parts = ['%x' % int(h, 16) for h in a.exploded.split(':')]
        parts = [p.zfill(rng.randrange(len(p), 5)) for p in parts]
        text = ':'.join(parts)
    if rng.random() < 0.2:
        text = ''.join(c.upper() if rng.random() < 0.5 else c for c in text)
    return text


def _mask(rng, version):
    bits = 32 if version == 4 else 128
    r = rng.random()
    if r < 0.6:
        return str(rng.randrange(bits + 1))
    if r < 0.72 and version == 4:
        p = rng.randrange(33)
        return str(ipaddress.IPv4Network('0.0.0.0/%d' % p).netmask)
    if r < 0.8 and version == 4:
        p = rng.randrange(33)
        return str(ipaddress.IPv4Network('0.0.0.0/%d' % p).hostmask)
    if r < 0.85 and version == 6:
        p = rng.randrange(129)
        return str(ipaddress.IPv6Network('::/%d' % p).netmask)
    return rng.choice(['', '0' + str(rng.randrange(bits + 1)), '00', '+8', '-1', ' 8', '8 ',
                       str(bits + 1), '999', '1e1', '٣', '0x10', '255.255.0.255', '0.255.0.255',
                       '255.255.255.256', '255.255.255.0.0', '0.0.0.0', '255.255.255.255',
                       '128.0.0.0', '0.0.0.1', 'ffff::', '::', '00000000000000000000024',
                       str(rng.randrange(1000))])


def _mutate(rng, text):
    ops = [
        lambda s: s.replace('.', '.0', 1),                                  # leading zero
        lambda s: '0' + s,
        lambda s: s + '.1',
        lambda s: s + ':1',
        lambda s: s.replace('::', ':::', 1),
        lambda s: s.replace('::', ':', 1),
        lambda s: s.replace(':', '::', 1),
        lambda s: ':' + s,
        lambda s: s + ':',
        lambda s: s + '%' + rng.choice(SCOPES),
        lambda s: s.split('/')[0] + '%' + rng.choice(SCOPES) + ('/' + s.split('/')[1] if '/' in s else ''),
        lambda s: s + '%',
        lambda s: s + '/' + str(rng.randrange(200)),
        lambda s: s + '/',
        lambda s: s + '//8',
        lambda s: s.replace('.', '..', 1),
        lambda s: s[:-1] if s else s,
        lambda s: s[1:],
        lambda s: s.upper(),
        lambda s: ' ' + s,
        lambda s: s + ' ',
        lambda s: s.replace('1', '١', 1),
        lambda s: s.replace('0', 'O', 1),
        lambda s: s.replace('a', 'g', 1),
        lambda s: s.replace('2', '256', 1),
        lambda s: s.replace(':', ':00000', 1),
        lambda s: s + '.' + str(rng.randrange(300)),
        lambda s: s.replace('.', ':', 1),
        lambda s: (lambda i: s[:i] + rng.choice('0123456789abcdef.:/%x') + s[i:])(rng.randrange(len(s) + 1)),
        lambda s: (lambda i: s[:i] + s[i + 1:])(rng.randrange(len(s))) if s else s,
    ]
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        text = rng.choice(ops)(text)
    return text


def random_input(rng):
    """One random input text."""
    r = rng.random()
    version = 4 if rng.random() < 0.5 else 6
    n = _v4_int(rng) if version == 4 else _v6_int(rng)
    text = _v4_text(rng, n) if version == 4 else _v6_text(rng, n)
    if r < 0.55:
        # A network: sometimes a true one (host bits cleared), sometimes with host bits.
        mask = _mask(rng, version)
        if rng.random() < 0.7:
            cls = ipaddress.IPv4Network if version == 4 else ipaddress.IPv6Network
            try:
                text = str(cls('%s/%s' % (text, mask), strict=False).network_address)
            except ValueError:
                pass
        text = text + '/' + mask
        if version == 6 and rng.random() < 0.05:
            text = text.replace('/', '%' + rng.choice(SCOPES[:8]) + '/', 1)
    elif r < 0.6 and version == 6:
        text += '%' + rng.choice(SCOPES)
    if rng.random() < 0.3:
        text = _mutate(rng, text)
    if rng.random() < 0.02:
        alphabet = '0123456789abcdefABCDEF.:/% x'
        text = ''.join(rng.choice(alphabet) for _ in range(rng.randrange(12)))
    return text.replace('\n', '').replace('\r', '')


def random_inputs(rng, count):
    return [random_input(rng) for _ in range(count)]
