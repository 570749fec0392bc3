#!/usr/bin/env python3
"""Generates src/url/unicode_tables.cpp: the Unicode fact urllib.parse's _checknetloc() depends
on, taken from the python3 that runs this script (CPython 3.11.7, Unicode 14.0.0 is the
reference): the code points whose NFKC form contains one of '/?#@:'. (Hostname lowercasing,
str.lower(), is the base layer's: tests/tools/gen_unicode_case.py.)

Regenerate with one command:  python3 tests/tools/gen_url_unicode_tables.py
"""
import unicodedata

from _unicode_ranges import REPO, banner, code_points, write_cpp

OUT = REPO / 'src' / 'url' / 'unicode_tables.cpp'


def main():
    delims = [c for c in code_points() if c >= 0x80 and
              any(d in unicodedata.normalize('NFKC', chr(c)) for d in '/?#@:')]

    out = banner('gen_url_unicode_tables.py', '')
    w = out.append
    w('#include "unicode_tables.hpp"')
    w('')
    w('namespace netkit::url::detail {')
    w('')
    w('const char32_t nfkc_delimiters[] = {')
    w('    ' + ', '.join('0x%X' % c for c in delims) + ',')
    w('};')
    w('const std::size_t nfkc_delimiters_size = sizeof(nfkc_delimiters) / sizeof(nfkc_delimiters[0]);')
    w('')
    w('}  // namespace netkit::url::detail')
    write_cpp(OUT, out)
    print(f'{OUT}: {len(delims)} NFKC delimiters')


if __name__ == '__main__':
    main()
