#!/usr/bin/env python3
"""Generates src/unicode_case_table.cpp: what str.lower() needs, from the python3 running this
script (CPython 3.11.7, Unicode 14.0.0 is the reference). url lowers hostnames with it, http
sorts directory listings by it.
  - every code point whose lower case is one other code point (U+0130, whose lower case is
    "i" U+0307, is the one exception and is handled in the code);
  - for GREEK CAPITAL LETTER SIGMA's final form, the code points that are case-ignorable, and
    those that are cased and not case-ignorable. CPython does not expose these properties; they
    are read off str.lower() itself:
        'a' + c + 'Σ' ends in 'ς'  <=>  ignorable(c) or cased(c)
        'aΣ' + c     has 'ς' second <=>  ignorable(c) or not cased(c)
    so both hold exactly for the ignorable ones, and the first alone for the cased ones (for an
    ignorable character, cased never matters to the rule).

Regenerate with one command:  python3 tests/tools/gen_unicode_case.py
"""
from _unicode_ranges import MAX_CODE_POINT, REPO, banner, ranges, write_cpp

OUT = REPO / 'src' / 'unicode_case_table.cpp'
FINAL = '\u03c2'


def before(c):
    return ('a' + chr(c) + '\u03a3').lower().endswith(FINAL)


def after(c):
    return ('a\u03a3' + chr(c)).lower()[1] == FINAL


def table_lines(kind, name, rows):
    lines = ['constexpr %s %s[] = {' % (kind, name)]
    lines += ['    {0x%X, 0x%X},' % r for r in rows]
    lines.append('};')
    lines.append('constexpr std::size_t %s_size = sizeof(%s) / sizeof(%s[0]);' % (name, name, name))
    lines.append('')
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

    out = banner('gen_unicode_case.py', "str.lower()'s mapping and Final_Sigma's classes.")
    out += ['#include "unicode_case.hpp"', '', 'namespace netkit::detail {', '']
    out += table_lines('lower_pair', 'lower_pairs', pairs)
    out += table_lines('code_point_range', 'case_ignorable_ranges', ignorable)
    out += table_lines('code_point_range', 'cased_ranges', cased)
    out.append('}  // namespace netkit::detail')
    write_cpp(OUT, out)
    print('%s: %d pairs, %d ignorable and %d cased ranges'
          % (OUT, len(pairs), len(ignorable), len(cased)))


if __name__ == '__main__':
    main()
