#!/usr/bin/env python3
"""Generates src/unicode_printable.cpp: the code points for which the running CPython's
str.isprintable() is False (CPython 3.11.7, Unicode 14.0.0 is the reference), as sorted ranges.
repr(str) escapes exactly these (categories Cc, Cf, Cs, Co, Cn, Zl, Zp, and Zs but U+0020).

Regenerate with one command:  python3 tests/tools/gen_unicode_printable.py
Then regenerate the test vectors too:  python3 tests/tools/gen_repr_str_vectors.py
"""
import unicodedata

from _unicode_ranges import MAX_CODE_POINT, REPO, banner, ranges, write_cpp

OUT = REPO / 'src' / 'unicode_printable.cpp'
NONPRINTABLE_CATEGORIES = {'Cc', 'Cf', 'Cs', 'Co', 'Cn', 'Zl', 'Zp', 'Zs'}


def main():
    table = ranges(lambda c: not chr(c).isprintable())
    # What the table is meant to be, checked against Python's own answer rather than assumed.
    for c in range(MAX_CODE_POINT + 1):
        expected = unicodedata.category(chr(c)) in NONPRINTABLE_CATEGORIES and c != 0x20
        assert expected == (not chr(c).isprintable()), hex(c)
    assert table[-1][1] == MAX_CODE_POINT  # is_printable() relies on it

    out = banner('gen_unicode_printable.py',
                 'The code points for which str.isprintable() is False, as inclusive ranges.')
    w = out.append
    w('#include "unicode_printable.hpp"')
    w('')
    w('namespace netkit::detail {')
    w('')
    w('constexpr code_point_range nonprintable_ranges[] = {')
    for first, last in table:
        w('    {0x%X, 0x%X},' % (first, last))
    w('};')
    w('constexpr std::size_t nonprintable_ranges_size =')
    w('    sizeof(nonprintable_ranges) / sizeof(nonprintable_ranges[0]);')
    w('')
    w('}  // namespace netkit::detail')
    write_cpp(OUT, out)
    print(f'{OUT}: {len(table)} ranges of non-printable code points')


if __name__ == '__main__':
    main()
