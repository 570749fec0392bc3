#!/usr/bin/env python3
"""Generates src/http/unicode_lower_table.cpp: what str.lower() needs, from the python3 running
this script (CPython 3.11.7, Unicode 14.0.0 is the reference), for the sort key of
list_directory (names sorted by str.lower):
  - every code point whose lower case is one other code point (U+0130, whose lower case is
    "i" U+0307, is the one exception and is handled in the code);
  - for GREEK CAPITAL LETTER SIGMA's final form, the code points that are case-ignorable, and
    those that are cased and not case-ignorable. CPython does not expose these properties; they
    are read off str.lower() itself:
        'a' + c + 'Σ' ends in 'ς'  <=>  ignorable(c) or cased(c)
        'aΣ' + c     has 'ς' second <=>  ignorable(c) or not cased(c)
    so both hold exactly for the ignorable ones, and the first alone for the cased ones (for an
    ignorable character, cased never matters to the rule).

Regenerate with one command:  python3 tests/tools/gen_http_unicode_lower.py
"""
from _unicode_ranges import MAX_CODE_POINT, REPO, banner, ranges, write_cpp

OUT = REPO / 'src' / 'http' / 'unicode_lower_table.cpp'
FINAL = '\u03c2'


def before(c):
    return ('a' + chr(c) + '\u03a3').lower().endswith(FINAL)


def after(c):
    return ('a\u03a3' + chr(c)).lower()[1] == FINAL


def range_lines(name, rs):
    lines = ['constexpr code_point_range %s[] = {' % name]
    lines += ['    {0x%X, 0x%X},' % r for r in rs]
    lines.append('};')
    return lines


def main():
    pairs = []
    for c in range(MAX_CODE_POINT + 1):
        low = chr(c).lower()
        if low != chr(c) and c != 0x130:
            assert len(low) == 1, hex(c)
            pairs.append((c, ord(low)))
    assert chr(0x130).lower() == 'i\u0307'
    ignorable = ranges(lambda c: before(c) and after(c))
    cased = ranges(lambda c: before(c) and not after(c))

    out = banner('gen_http_unicode_lower.py', 'str.lower() for the sort key of list_directory.')
    w = out.append
    w('#include "unicode_lower.hpp"')
    w('')
    w('namespace netkit::http::detail {')
    w('namespace {')
    w('')
    w('constexpr lower_pair lower_pairs[] = {')
    for a, b in pairs:
        w('    {0x%X, 0x%X},' % (a, b))
    w('};')
    w('')
    out += range_lines('ignorable', ignorable) + ['']
    out += range_lines('cased', cased) + ['']
    w('}  // namespace')
    w('')
    w('std::span<const lower_pair> lower_table() noexcept { return lower_pairs; }')
    w('std::span<const code_point_range> case_ignorable_ranges() noexcept { return ignorable; }')
    w('std::span<const code_point_range> cased_ranges() noexcept { return cased; }')
    w('')
    w('}  // namespace netkit::http::detail')
    write_cpp(OUT, out)
    print('wrote %s: %d pairs, %d ignorable and %d cased ranges'
          % (OUT, len(pairs), len(ignorable), len(cased)))


if __name__ == '__main__':
    main()
