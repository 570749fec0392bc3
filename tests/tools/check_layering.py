#!/usr/bin/env python3
"""Fails when a header or source of one layer includes a layer above it (SPEC.md §1).

Layers, lowest first: the base headers (error, bytes, repr), then ip / struct / url (pure),
socket, select, socketserver and reactor (siblings: neither may include the other), http,
testing. Usage: check_layering.py REPO_ROOT
"""
import pathlib
import re
import sys

RANK = {"": 0, "ip": 1, "struct": 1, "url": 1, "socket": 2, "select": 3,
        "socketserver": 4, "reactor": 4, "http": 5, "testing": 6}
INCLUDE = re.compile(r'#\s*include\s+"netkit/([^"]+)"')


def layer_of(rel: str) -> str:
    parts = rel.split("/")
    if len(parts) > 1:
        return parts[0]
    stem = parts[0].rsplit(".", 1)[0]  # umbrella headers (netkit/socket.hpp) belong to their layer
    return stem if stem in RANK else ""


def main() -> int:
    root = pathlib.Path(sys.argv[1])
    bad = []
    for base in (root / "include" / "netkit", root / "src"):
        for path in base.rglob("*"):
            if path.suffix not in (".hpp", ".cpp"):
                continue
            own = layer_of(str(path.relative_to(base)))
            for line_no, line in enumerate(path.read_text().splitlines(), 1):
                m = INCLUDE.search(line)
                if not m:
                    continue
                other = layer_of(m.group(1))
                if other not in RANK or own not in RANK:
                    bad.append(f"{path}:{line_no}: unknown layer in {m.group(0)}")
                elif RANK[other] > RANK[own] or (RANK[other] == RANK[own] and other != own):
                    bad.append(f"{path}:{line_no}: layer '{own or 'base'}' includes "
                               f"'{other or 'base'}' above or beside it: {m.group(0)}")
    for b in bad:
        print(b)
    print(f"layering: {len(bad)} violation(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
