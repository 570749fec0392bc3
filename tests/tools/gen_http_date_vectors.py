#!/usr/bin/env python3
"""Generates tests/data/http/date_vectors.json: the answers of the python3 running this script
(CPython 3.11.7 is the reference) for tests/unit/http/http_date_test.cpp:
  format  [t, email.utils.formatdate(t, usegmt=True) or "ValueError"]
  parse   [value, instant or null, if_modified_since or null]
          instant: parsedate_to_datetime(value) as a Unix time (a naive result read as UTC),
          null where it raises; if_modified_since: the instant when send_head would compare it
          (naive or tzinfo is timezone.utc), else null. Values are Latin-1 text, as Python's
          header parser reads them.
  log     {TZ: [[t, log_date_time_string at t], ...]} for a few POSIX TZ strings.

Regenerate with one command:  python3 tests/tools/gen_http_date_vectors.py
"""
import datetime
import email.utils
import http.server
import json
import os
import random
import sys
import time

from _unicode_ranges import REPO, python_version

OUT = REPO / 'tests' / 'data' / 'http' / 'date_vectors.json'
SEED = 7117
MIN_T = -62135596800   # 0001-01-01T00:00:00Z
MAX_T = 253402300799   # 9999-12-31T23:59:59Z
ZONES = ['UTC0', 'EST5EDT,M3.2.0,M11.1.0', '<+0530>-5:30', 'CET-1CEST,M3.5.0,M10.5.0/3',
         '<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45', '<-03>3']

DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', 'Monday', 'Sunday', 'sun', 'SUN', 'Xyz',
        'Sun,', 'Sunday,', '']
MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec',
          'jan', 'NOV', 'November', 'january', 'Sept', 'Foo', '']
ZONE_WORDS = ['GMT', 'UTC', 'UT', 'Z', 'gmt', 'EST', 'EDT', 'CST', 'CDT', 'MST', 'MDT', 'PST',
              'PDT', 'AST', 'ADT', '+0000', '-0000', '+0100', '-0500', '+0530', '-1230', '+2359',
              '-2359', '+2400', '+0099', '-0', '+0', '0', '+05:30', 'XYZ', '', 'A', '+1_00',
              '+99999999999999999999', '-00000000000000000000000', '1e3', '\u00b2', 'ß']


def tz_instant(value):
    try:
        dt = email.utils.parsedate_to_datetime(value)
    except (TypeError, IndexError, OverflowError, ValueError):
        return None, None
    ims = dt if dt.tzinfo is not None else dt.replace(tzinfo=datetime.timezone.utc)
    instant = int(ims.timestamp())
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=datetime.timezone.utc)
    return instant, (instant if dt.tzinfo is datetime.timezone.utc else None)


def random_time(rng):
    r = rng.random()
    if r < 0.6:
        return rng.randint(0, 2**32)
    if r < 0.8:
        return rng.randint(-2**31, 2**34)
    return rng.randint(MIN_T, MAX_T)


def random_date_text(rng):
    t = random_time(rng)
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc)
    day = rng.choice(DAYS)
    month = rng.choice(MONTHS) if rng.random() < 0.2 else d.strftime('%b')
    dd = rng.choice(['%02d' % d.day, str(d.day), '%d,' % d.day, str(rng.randint(-3, 40)), '0',
                     ' ' + str(d.day), '+%d' % d.day, '1_0'])
    yy = rng.choice(['%04d' % d.year, str(d.year % 100), '%02d' % (d.year % 100), '%d,' % d.year,
                     str(rng.randint(-200, 12000)), '0', '00', '68', '69', '99', '100', '\u00b9\u00b9'])
    tm = rng.choice(['%02d:%02d:%02d' % (d.hour, d.minute, d.second), '%02d:%02d' % (d.hour, d.minute),
                     '%d.%d.%d' % (d.hour, d.minute, d.second), '%d.%d' % (d.hour, d.minute),
                     '24:00:00', '23:59:60', '12:60:00', '1:2:3:4', '12', '12:30:', ':30:00',
                     '-1:00:00', '12:30,', '1.2.3.4', '+1:+2:+3'])
    tz = rng.choice(ZONE_WORDS)
    shape = rng.random()
    if shape < 0.45:   # IMF-fixdate and its variations
        parts = [day + (',' if day and not day.endswith(',') and rng.random() < 0.8 else ''), dd,
                 month, yy, tm, tz]
    elif shape < 0.6:  # RFC 850
        parts = [day, '%s-%s-%s' % (dd, month, yy), tm, tz]
    elif shape < 0.75:  # asctime
        parts = [day, month, dd, tm, yy]
    elif shape < 0.85:  # fields glued to the zone, the day name glued by a comma
        parts = ['%s,%s' % (day, dd), month, yy, tm + tz]
    else:               # shuffled fields
        parts = [day, dd, month, yy, tm, tz]
        rng.shuffle(parts)
    sep = rng.choice([' ', ' ', ' ', '  ', '\t', '\x85', '\xa0', ' \x1c'])
    return sep.join(parts)


FIXED = [
    'Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-94 08:49:37 GMT', 'Sun Nov  6 08:49:37 1994',
    'Wed, 25 Nov 2026 02:10:00 GMT', 'Sun, 06 Nov 1994 08:49:37 +0100',
    'Sun, 06 Nov 1994 08:49:37 -0000', 'Sun, 06 Nov 1994 08:49:37 +0000',
    'Sun, 06 Nov 1994 08:49:37', '06 Nov 1994 08:49:37 GMT', 'Nov 06 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37-0500', 'Sun,06 Nov 1994 08:49:37 GMT', '', ' ', ',', 'Sun,',
    'x', '1 2 3 4 5', 'Sun, 29 Feb 2000 00:00:00 GMT', 'Sun, 29 Feb 1900 00:00:00 GMT',
    'Sun, 29 Feb 2004 23:59:59 GMT', 'Fri, 31 Dec 9999 23:59:59 GMT', 'Mon, 01 Jan 0001 00:00:00 GMT',
    'Mon, 01 Jan 0001 00:00:00 +0100', 'Fri, 31 Dec 9999 23:59:59 -0100', 'Sat, 01 Jan 10000 00:00:00 GMT',
    'Sun, 06 Nov 1994 08:49 GMT', 'Sun, 06 Nov 1994 8.49.37 GMT', 'Sun, 06 Nov 1994 8.49 GMT',
    'Sun, 06 November 1994 08:49:37 GMT', 'Sun, 06 nOv 1994 08:49:37 gmt', '06 Nov 94 08:49:37 EST',
    'Sun, 06 Nov 1994 08:49:37 PDT', 'Sun, 06 Nov 1994 08:49:37 +2359', 'Sun, 06 Nov 1994 08:49:37 +2400',
    'Sun, 06 Nov 1994 08:49:37 +99999999999999999999999', 'Sun, 06 Nov 99999999999999999999 08:49:37 GMT',
    'Sun, 99999999999999999999 Nov 1994 08:49:37 GMT', 'Sun, 06 Nov 1994 99999999999999999999:49:37 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT extra words', 'Sun, 06, Nov, 1994, 08:49:37, GMT',
    'Sun, 06 Nov 1994, 08:49:37 GMT', 'Sun, 06 Nov , 08:49:37 GMT', 'Sun, 06 Nov 1994 08:49:37 +',
    '1994 Nov 06 08:49:37', '08:49:37 06 Nov 1994', 'Sun, 06 Nov \u00b21994 08:49:37 GMT',
    'Sun, 06 Nov 1_994 08:49:37 GMT', 'Sun, 0_6 Nov 1994 08:49:37 GMT', '\xa0Sun, 06 Nov 1994 08:49:37 GMT\x85',
    'Sun, 06 Nov 1994 08:49:37 +1_00', 'Sun, 06 Nov -5 08:49:37 GMT', 'Sun, 06 Nov 1994 -08:49:37 GMT',
    'Tue, 1 Jan 2036 00:00:00 GMT', 'Tue, 19 Jan 2038 03:14:08 GMT', 'Thu, 01 Jan 1970 00:00:00 GMT',
    'Wed, 31 Dec 1969 23:59:59 GMT',
]


def main():
    rng = random.Random(SEED)
    fmt_times = [0, 1, -1, 86399, 86400, 951782400, 2**31 - 1, 2**31, 2**32, MIN_T, MAX_T,
                 MIN_T - 1, MAX_T + 1, -2**40, 2**40]
    fmt_times += [random_time(rng) for _ in range(4000)]
    fmt = []
    for t in fmt_times:
        try:
            fmt.append([t, email.utils.formatdate(t, usegmt=True)])
        except (ValueError, OverflowError):
            fmt.append([t, 'ValueError'])

    texts = FIXED + [random_date_text(rng) for _ in range(6000)]
    for t in fmt_times[:500]:
        if MIN_T <= t <= MAX_T:
            texts.append(email.utils.formatdate(t, usegmt=True))
    parse = []
    for text in texts:
        text.encode('latin-1')  # only what a request can carry
        instant, ims = tz_instant(text)
        parse.append([text, instant, ims])

    log = {}
    handler = http.server.BaseHTTPRequestHandler.__new__(http.server.BaseHTTPRequestHandler)
    saved = os.environ.get('TZ')
    log_times = [0, 1, 2**31 - 1, 1795486200] + [rng.randint(-2**33, 2**34) for _ in range(600)]
    for zone in ZONES:
        os.environ['TZ'] = zone
        time.tzset()
        rows = []
        for t in log_times:
            real_time = time.time
            time.time = lambda t=t: t
            try:
                rows.append([t, handler.log_date_time_string()])
            finally:
                time.time = real_time
        log[zone] = rows
    if saved is None:
        del os.environ['TZ']
    else:
        os.environ['TZ'] = saved
    time.tzset()

    OUT.write_text(json.dumps({'generator': 'tests/tools/gen_http_date_vectors.py',
                               'python': python_version(), 'format': fmt, 'parse': parse,
                               'log': log}, ensure_ascii=False, indent=0) + '\n')
    print('wrote %s: %d format, %d parse, %d log vectors'
          % (OUT, len(fmt), len(parse), sum(len(v) for v in log.values())), file=sys.stderr)


if __name__ == '__main__':
    main()
