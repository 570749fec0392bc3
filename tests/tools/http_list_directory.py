#!/usr/bin/env python3
"""The oracle of tests/unit/http/directory_listing_test.cpp: prints what CPython's
SimpleHTTPRequestHandler.list_directory writes for a directory and request paths.

Usage: http_list_directory.py DIR HEXPATH...
Each HEXPATH is a request target's bytes in hex (Python reads them as Latin-1). For each, one
line: the page's bytes in hex, or "ERROR <exception name>" when list_directory raises.
The first line is the file-system encoding, which the page declares.
"""
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, path):  # no connection: only what list_directory reads
        self.path = path

    def send_response(self, code, message=None):
        pass

    def send_header(self, keyword, value):
        pass

    def end_headers(self):
        pass


def main():
    directory = sys.argv[1]
    print(sys.getfilesystemencoding())
    for hexpath in sys.argv[2:]:
        path = bytes.fromhex(hexpath).decode('latin-1')
        try:
            page = Handler(path).list_directory(directory).read()
            print(page.hex())
        except Exception as e:  # noqa: BLE001 - reported to the test, which decides
            print('ERROR', type(e).__name__)


if __name__ == '__main__':
    main()
