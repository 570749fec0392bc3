#!/usr/bin/env python3
"""Generates src/url/unicode_tables.cpp: the Unicode facts urllib.parse depends on, taken from
the python3 that runs this script (CPython 3.11.7, Unicode 14.0.0 is the reference).

  - str.lower() (hostname lowercasing): the full lowercase mapping of every code point, and the
    classes CPython's Final_Sigma rule consults (case-ignorable, cased);
  - _checknetloc(): the code points whose NFKC form contains one of '/?#@:'.

Regenerate with one command:  python3 tests/tools/gen_url_unicode_tables.py
"""
import unicodedata

from _unicode_ranges import REPO, banner, code_points, is_surrogate, runs, write_cpp

OUT = REPO / 'src' / 'url' / 'unicode_tables.cpp'


def sigma_class(c):
    """0 other, 1 cased (and not case-ignorable), 2 case-ignorable: the three answers CPython's
    handle_capital_sigma can get, found by asking str.lower() itself."""
    ch = chr(c)
    if (ch + '\u03a3').lower()[-1] == '\u03c2':
        return 1
    if ('A' + ch + '\u03a3').lower()[-1] == '\u03c2':
        return 2
    return 0


def main():
    lower = []
    for c in code_points():
        low = chr(c).lower()
        if low != chr(c):
            lower.append((c, [ord(x) for x in low]))
    single = [(c, l[0]) for c, l in lower if len(l) == 1]
    multi = [(c, l) for c, l in lower if len(l) != 1]
    assert multi == [(0x130, [0x69, 0x307])], multi  # the one special case CPython applies

    sigma_runs = runs(lambda c: 0 if is_surrogate(c) else sigma_class(c))

    delims = [c for c in code_points() if c >= 0x80 and
              any(d in unicodedata.normalize('NFKC', chr(c)) for d in '/?#@:')]

    out = banner('gen_url_unicode_tables.py', '')
    w = out.append
    w('#include "unicode_tables.hpp"')
    w('')
    w('namespace netkit::url::detail {')
    w('')
    w('const lower_entry lower_table[] = {')
    for c, l in single:
        w('    {0x%X, 0x%X},' % (c, l))
    w('};')
    w('const std::size_t lower_table_size = sizeof(lower_table) / sizeof(lower_table[0]);')
    w('')
    w('const sigma_run sigma_runs[] = {')
    for c, k in sigma_runs:
        w('    {0x%X, %d},' % (c, k))
    w('};')
    w('const std::size_t sigma_runs_size = sizeof(sigma_runs) / sizeof(sigma_runs[0]);')
    w('')
    w('const char32_t nfkc_delimiters[] = {')
    w('    ' + ', '.join('0x%X' % c for c in delims) + ',')
    w('};')
    w('const std::size_t nfkc_delimiters_size = sizeof(nfkc_delimiters) / sizeof(nfkc_delimiters[0]);')
    w('')
    w('}  // namespace netkit::url::detail')
    write_cpp(OUT, out)
    print(f'{OUT}: {len(single)} lowercase mappings, {len(sigma_runs)} sigma runs, '
          f'{len(delims)} NFKC delimiters')


if __name__ == '__main__':
    main()
