#!/usr/bin/env python3
"""Puts real netkit peers through tests/tools/fault_proxy and checks what each side sees.

1. Echo servers (six models) behind the proxy with --fragment and with --delay-ms 20: messages of
   1 byte, 1000 bytes and 100 KiB come back identical, and a half-close comes back as EOF.
2. `netkit http-server` behind the proxy: `netkit get` and urllib download a 200 KiB file
   identical through --fragment and --delay-ms; through --truncate-down, --reset-down and
   --refuse `netkit get` fails with one line naming the URL and exit status 1, and leaves no
   file that could pass for the download (-o FILE) nor exits 0 on a short body (stdout); Python's
   urlretrieve is run alongside. After each fault the server still answers a direct request.
3. The HTTP server reading requests cut into 1-byte writes (curl, http.client, a pipelined pair)
   and a request cut mid-head (--truncate-up): it answers the whole ones and keeps serving.
4. The proxy itself: --delay-ms 50 delays the first echo (a lower bound only), faults fire after
   exactly N bytes, half-closes are forwarded both ways, an unreachable target resets the
   client, memory stays bounded under a 32 MiB transfer, and SIGTERM ends it with status 0.

Each check prints one line; the script exits 1 on any failure (77 when a program is not built).
Run by ctest as fault_proxy; by hand:
  python3 tests/faults/proxy.py --examples B/examples --seeds ../shared/seeds/py \\
      --app B/apps/netkit/netkit --tools B/tests/tools [--only NAME]
"""

import http.client
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'interop'))
import _common as common  # noqa: E402

IO_TIMEOUT = 30.0  # seconds any one socket operation may take
ECHO_MODELS = ['reactor', 'thread', 'select', 'epoll', 'selectors', 'socketserver-threading']
BIG_SIZE = 200 * 1024
CUT = 100000  # where the HTTP faults cut the response: mid-body (the head is ~200 bytes)


def random_bytes(n, seed):
    return random.Random(seed).randbytes(n)


# 1 byte, 1000 bytes, 100 KiB.
MESSAGES = [b'x', bytes(range(256)) * 3 + b'0123456789' * 23 + b'ab', random_bytes(100 * 1024, 1)]


# --- programs ---------------------------------------------------------------------------------

def wait_for_prefix(server, prefix):
    """Waits for the server's first stdout line starting with prefix; the line, or None."""
    seen = []

    def match(line):
        if line.startswith(prefix):
            seen.append(line)
            return True
        return False

    return seen[0] if server.wait_for_line(match) else None


# Runs argv[2:] with at most argv[1] descriptors (RLIMIT_NOFILE), in place of this process.
LIMIT_FDS = ('import os, resource, sys; n = int(sys.argv[1]); '
             'resource.setrlimit(resource.RLIMIT_NOFILE, (n, n)); '
             'os.execv(sys.argv[2], sys.argv[2:])')


class Proxy:
    """fault_proxy in front of 127.0.0.1:target_port with `flags`; .port is where it listens.
    stop() ends it with SIGTERM and returns its Result (exit status and stderr). With max_fds it
    runs under that RLIMIT_NOFILE."""

    def __init__(self, tool, target_port, *flags, max_fds=None):
        cmd = [tool, '--target', '127.0.0.1:%d' % target_port, *flags]
        if max_fds is not None:
            cmd = [sys.executable, '-c', LIMIT_FDS, str(max_fds)] + cmd
        self.server = common.Server(cmd)
        self.flags = ' '.join(flags)
        self.result = None
        line = wait_for_prefix(self.server, 'listening on ')
        if line is None:
            result = self.stop()
            raise RuntimeError('fault_proxy %s never listened (rc=%r): %s' % (
                self.flags, result.returncode, result.stderr.strip()))
        self.port = int(line.rsplit(':', 1)[1])

    def stop(self):
        if self.result is None:
            self.result = self.server.stop()
            self.server.__exit__(None, None, None)
        return self.result

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def start_echo(app, model):
    """`netkit echo-server --model M --port 0`: (server, port)."""
    server = common.Server([app, 'echo-server', '--model', model, '--port', '0'])
    line = wait_for_prefix(server, 'listening on ')
    if line is None:
        result = server.stop()
        server.__exit__(None, None, None)
        raise RuntimeError('echo-server %s never listened: %s' % (model, result.stderr))
    return server, int(line.rsplit(':', 1)[1])


def start_http(app, root):
    """`netkit http-server ROOT --port 0 --quiet`: (server, port)."""
    server = common.Server([app, 'http-server', root, '--port', '0', '--quiet'])
    line = wait_for_prefix(server, 'Serving HTTP on ')
    if line is None:
        result = server.stop()
        server.__exit__(None, None, None)
        raise RuntimeError('http-server never listened: %s' % result.stderr)
    return server, int(re.search(r' port (\d+) ', line).group(1))


# --- clients ----------------------------------------------------------------------------------

def connect(port):
    s = socket.create_connection(('127.0.0.1', port), timeout=IO_TIMEOUT)
    s.settimeout(IO_TIMEOUT)
    return s


def read_to_eof(sock):
    """Everything until EOF; (data, error) where error is the exception that ended it, if any."""
    chunks = []
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return b''.join(chunks), None
            chunks.append(chunk)
    except OSError as e:
        return b''.join(chunks), e


def echo_exchange(sock, message):
    """Sends message (from a thread, so that neither side waits on the other) and reads as many
    bytes back; returns what came (shorter if the connection ended)."""
    sender = threading.Thread(target=sock.sendall, args=(message,), daemon=True)
    sender.start()
    got = common.recv_exactly(sock, len(message))
    sender.join(IO_TIMEOUT)
    return got


def describe(data, expected):
    if data == expected:
        return 'identical (%d bytes)' % len(data)
    same = next((i for i, (a, b) in enumerate(zip(data, expected)) if a != b),
                min(len(data), len(expected)))
    return '%d bytes, expected %d; first difference at byte %d' % (len(data), len(expected), same)


def http_get_raw(port, path):
    """One direct GET with Connection: close; the body, or raises."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=IO_TIMEOUT)
    try:
        conn.request('GET', path, headers={'Connection': 'close'})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError('status %d' % response.status)
        return body
    finally:
        conn.close()


def parse_responses(data):
    """Splits a byte stream into HTTP responses framed by Content-Length: a list of (status,
    body) and what is left over."""
    responses = []
    while True:
        end = data.find(b'\r\n\r\n')
        if end < 0:
            return responses, data
        head = data[:end].decode('latin-1').split('\r\n')
        length = 0
        for field in head[1:]:
            name, _, value = field.partition(':')
            if name.strip().lower() == 'content-length':
                length = int(value)
        if len(data) < end + 4 + length:
            return responses, data
        responses.append((int(head[0].split()[1]), data[end + 4:end + 4 + length]))
        data = data[end + 4 + length:]


# --- 1. echo models ---------------------------------------------------------------------------

def test_echo_models(check, ctx):
    for model in ECHO_MODELS:
        server, port = start_echo(ctx.app, model)
        with server:
            for flags in (['--fragment'], ['--delay-ms', '20']):
                with Proxy(ctx.tools_proxy, port, *flags) as proxy:
                    seen = []
                    with connect(proxy.port) as s:
                        for message in MESSAGES:
                            got = echo_exchange(s, message)
                            if got != message:
                                seen.append('%d-byte message: %s' % (
                                    len(message), describe(got, message)))
                        s.shutdown(socket.SHUT_WR)
                        rest, error = read_to_eof(s)
                        if rest or error:
                            seen.append('after shutdown(SHUT_WR): %r more bytes, error %r' % (
                                len(rest), error))
                    check_proxy_exit(proxy, seen)
                    check.true('echo %s through %s: 1 B, 1000 B, 100 KiB came back identical, '
                               'then EOF after our SHUT_WR' % (model, proxy.flags),
                               not seen, '\n'.join(seen))


def check_proxy_exit(proxy, seen):
    """Stops the proxy; adds to `seen` if it did not exit 0 or complained on stderr."""
    result = proxy.stop()
    if result.returncode != 0:
        seen.append('fault_proxy exited %r on SIGTERM, expected 0' % result.returncode)
    if result.stderr.strip():
        seen.append('fault_proxy stderr: %s' % result.stderr.strip())


# --- 2. HTTP downloads through faults ----------------------------------------------------------

def netkit_get(ctx, port, out=None):
    """`netkit get URL [-o out]`; without out the body is Result.stdout (bytes as latin-1)."""
    cmd = [ctx.app, 'get', 'http://127.0.0.1:%d/big.bin' % port, '--timeout', str(IO_TIMEOUT)]
    if out is None:
        return run_binary(cmd)
    return common.run(cmd + ['-o', out], timeout=IO_TIMEOUT * 2)


def run_binary(cmd):
    """common.run for a program whose stdout is bytes: stdout comes back decoded as latin-1."""
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=IO_TIMEOUT * 2)
        return common.Result(cmd, done.returncode, done.stdout.decode('latin-1'),
                             done.stderr.decode(errors='backslashreplace'))
    except subprocess.TimeoutExpired:
        return common.Result(cmd, None, '', '[killed after %.0f s]' % (IO_TIMEOUT * 2))


def python_retrieve(port, out):
    """urlretrieve through the proxy: None, or the exception it raised."""
    try:
        urllib.request.urlretrieve('http://127.0.0.1:%d/big.bin' % port, out)
        return None
    except (OSError, urllib.error.ContentTooShortError, http.client.HTTPException) as e:
        return e


def file_state(path, full):
    """What a failed download left at path, and whether that looks complete."""
    if not os.path.exists(path):
        return 'no file', False
    with open(path, 'rb') as f:
        data = f.read()
    kind = 'a prefix' if full.startswith(data) else 'NOT a prefix'
    return '%s of %d bytes (%s)' % ('a file' if data else 'an empty file', len(data), kind), (
        len(data) >= len(full) or not full.startswith(data))


def check_server_alive(check, ctx, after):
    try:
        body = http_get_raw(ctx.http_port, '/big.bin')
        check.true('after %s the server answers a direct GET: %s' % (
            after, describe(body, ctx.big)), body == ctx.big, describe(body, ctx.big))
    except (OSError, http.client.HTTPException, RuntimeError) as e:
        check.fail('after %s the server answers a direct GET' % after, 'error: %r' % e)


def test_http_downloads(check, ctx):
    for flags in (['--fragment'], ['--delay-ms', '20']):
        with Proxy(ctx.tools_proxy, ctx.http_port, *flags) as proxy:
            out = os.path.join(ctx.tmp, 'get.bin')
            result = netkit_get(ctx, proxy.port, out)
            data = open(out, 'rb').read() if os.path.exists(out) else b''
            check.true('netkit get through %s: exit 0, the 200 KiB file %s' % (
                proxy.flags, describe(data, ctx.big)),
                result.returncode == 0 and data == ctx.big,
                'exit %r, stderr %r, file: %s' % (result.returncode, result.stderr.strip(),
                                                 describe(data, ctx.big)))
            if os.path.exists(out):
                os.remove(out)
            try:
                with urllib.request.urlopen('http://127.0.0.1:%d/big.bin' % proxy.port,
                                            timeout=IO_TIMEOUT) as r:
                    body = r.read()
                check.true('urllib.request through %s: %s' % (proxy.flags,
                                                               describe(body, ctx.big)),
                           body == ctx.big, describe(body, ctx.big))
            except OSError as e:
                check.fail('urllib.request through %s' % proxy.flags, 'error: %r' % e)
            seen = []
            check_proxy_exit(proxy, seen)
            check.true('fault_proxy %s exits 0 on SIGTERM, quietly' % proxy.flags, not seen,
                       '\n'.join(seen))

    # What netkit get says and leaves behind, next to what Python's urlretrieve does.
    faults = [
        (['--truncate-down', str(CUT)], 'retrieval incomplete', urllib.error.ContentTooShortError),
        (['--reset-down', str(CUT)], 'Connection reset by peer', ConnectionResetError),
        (['--refuse'], 'Connection reset by peer', (ConnectionResetError, urllib.error.URLError)),
    ]
    for flags, phrase, python_error in faults:
        with Proxy(ctx.tools_proxy, ctx.http_port, *flags) as proxy:
            url = 'http://127.0.0.1:%d/big.bin' % proxy.port
            out = os.path.join(ctx.tmp, 'fault.bin')
            result = netkit_get(ctx, proxy.port, out)
            left, complete = file_state(out, ctx.big)
            part_left = os.path.exists(out + '.part')
            lines = [x for x in result.stderr.splitlines() if x.strip()]
            clear = (len(lines) == 1 and lines[0].startswith('netkit get: ') and
                     url in lines[0] and phrase in lines[0])
            check.true('netkit get -o FILE through %s: exit 1, says %r, leaves %s%s' % (
                proxy.flags, lines[-1] if lines else '', left,
                ' and a FILE.part' if part_left else ''),
                result.returncode == 1 and clear and not complete and not part_left,
                'expected exit 1, one line "netkit get: %s: ...%s...", no complete file; saw '
                'exit %r, stderr %r, %s, FILE.part left: %s' % (
                    url, phrase, result.returncode, result.stderr, left, part_left))
            # To stdout: a body cut short must not pass for the whole one either.
            result = netkit_get(ctx, proxy.port)
            lines = [x for x in result.stderr.splitlines() if x.strip()]
            body = result.stdout.encode('latin-1')
            check.true('netkit get to stdout through %s: exit 1, says %r after %d body bytes' % (
                proxy.flags, lines[-1] if lines else '', len(body)),
                result.returncode == 1 and len(lines) == 1 and url in lines[0] and
                phrase in lines[0] and ctx.big.startswith(body) and len(body) < len(ctx.big),
                'expected exit 1, one line naming %s and %r, a short prefix on stdout; saw exit '
                '%r, stderr %r, %s' % (url, phrase, result.returncode, result.stderr,
                                       describe(body, ctx.big)))
            py_out = os.path.join(ctx.tmp, 'py_fault.bin')
            error = python_retrieve(proxy.port, py_out)
            py_left, _ = file_state(py_out, ctx.big)
            check.true('python urlretrieve through %s: raises %s, leaves %s' % (
                proxy.flags, type(error).__name__, py_left),
                isinstance(error, python_error),
                'expected %s, saw %r' % (python_error, error))
            for path in (out, py_out):
                if os.path.exists(path):
                    os.remove(path)
            seen = []
            check_proxy_exit(proxy, seen)
            if seen:
                check.fail('fault_proxy %s exits 0 quietly' % proxy.flags, '\n'.join(seen))
        check_server_alive(check, ctx, ' '.join(flags))


# --- 3. the HTTP server reading fragmented and cut requests -------------------------------------

REQUEST_A = b'GET /a.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
REQUEST_B = b'GET /b.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'


def test_http_fragmented_requests(check, ctx):
    with Proxy(ctx.tools_proxy, ctx.http_port, '--fragment') as proxy:
        if shutil.which('curl'):
            out = os.path.join(ctx.tmp, 'curl.bin')
            result = common.run(['curl', '-sS', '--max-time', str(IO_TIMEOUT), '-o', out,
                                 'http://127.0.0.1:%d/big.bin' % proxy.port],
                                timeout=IO_TIMEOUT * 2)
            data = open(out, 'rb').read() if os.path.exists(out) else b''
            check.true('curl through --fragment (request in 1-byte writes): exit 0, %s' %
                       describe(data, ctx.big), result.returncode == 0 and data == ctx.big,
                       'exit %r, stderr %r' % (result.returncode, result.stderr))
        else:
            print('--    curl not installed: its check is not run', flush=True)

        # http.client, two requests on one kept-alive connection.
        conn = http.client.HTTPConnection('127.0.0.1', proxy.port, timeout=IO_TIMEOUT)
        seen = []
        try:
            for path, body in (('/a.txt', ctx.a), ('/b.txt', ctx.b)):
                conn.request('GET', path)
                response = conn.getresponse()
                got = response.read()
                if response.status != 200 or got != body:
                    seen.append('%s: status %d, body %r (expected 200, %r)' % (
                        path, response.status, got, body))
        except (OSError, http.client.HTTPException) as e:
            seen.append('error: %r' % e)
        finally:
            conn.close()
        check.true('http.client through --fragment: two GETs on one keep-alive connection '
                   'answered', not seen, '\n'.join(seen))

        # A pipelined pair, sent at once; the proxy delivers it one byte per send.
        with connect(proxy.port) as s:
            s.sendall(REQUEST_A + REQUEST_B)
            data, error = read_to_eof(s)
        responses, rest = parse_responses(data)
        expected = [(200, ctx.a), (200, ctx.b)]
        check.true('pipelined pair through --fragment: both answered in order, then EOF',
                   responses == expected and not rest and error is None,
                   'expected %r; saw %r, leftover %r, error %r' % (expected, responses, rest,
                                                                  error))
        seen = []
        check_proxy_exit(proxy, seen)
        if seen:
            check.fail('fault_proxy --fragment exits 0 quietly', '\n'.join(seen))

    # Cut mid-head: in the request line, in the fields, and 7 bytes into the second head of a
    # pipelined pair. What the server does with the cut request (nothing, or an error answer) is
    # reported, not asserted; the whole ones must be answered, and the connection must end.
    for label, payload, cut, expected in (
            ('a request cut in its request line', REQUEST_A, 7, []),
            ('a request cut in its fields', REQUEST_A, len(REQUEST_A) - 12, []),
            ('a pipelined pair cut in the second head', REQUEST_A + REQUEST_B,
             len(REQUEST_A) + 7, [(200, ctx.a)])):
        with Proxy(ctx.tools_proxy, ctx.http_port, '--truncate-up', str(cut)) as proxy:
            with connect(proxy.port) as s:
                s.sendall(payload)
                data, error = read_to_eof(s)
            responses, rest = parse_responses(data)
            extra = responses[len(expected):]
            after = ('then answers the cut one with %s' % [status for status, _ in extra]
                     if extra else 'no answer to the cut one')
            if rest:
                after += ', leftover %r' % rest[:80]
            check.true('%s (--truncate-up %d): whole requests answered (%d), %s, connection '
                       'closed' % (label, cut, len(expected), after),
                       responses[:len(expected)] == expected and error is None and
                       all(status >= 400 for status, _ in extra) and not rest,
                       'expected %r (then nothing or an error status) then EOF; saw %r, '
                       'leftover %r, error %r' % (expected, responses, rest, error))
            seen = []
            check_proxy_exit(proxy, seen)
            if seen:
                check.fail('fault_proxy --truncate-up exits 0 quietly', '\n'.join(seen))
        check_server_alive(check, ctx, '--truncate-up %d' % cut)


# --- 4. the proxy itself -----------------------------------------------------------------------

def test_proxy_delay(check, ctx):
    delay = 0.050
    with Proxy(ctx.tools_proxy, ctx.echo_port, '--delay-ms', '50') as proxy:
        with connect(proxy.port) as s:
            started = time.monotonic()
            s.sendall(b'ping')
            first = s.recv(1)
            elapsed = time.monotonic() - started
        # Both ways are delayed: at least twice the delay (a lower bound; never an upper one).
        check.true('--delay-ms 50: the first echo byte came after %.0f ms (at least 2 x 50 ms)' %
                   (elapsed * 1000), first == b'p' and elapsed >= 2 * delay,
                   'expected b"p" after >= %.0f ms; saw %r after %.1f ms' % (
                       2 * delay * 1000, first, elapsed * 1000))


def test_proxy_exact_faults(check, ctx):
    message = random_bytes(5000, 2)
    n = 1000
    # Truncation: the first N bytes pass, then EOF (down: FIN to us; up: FIN to the server, whose
    # echo of those N bytes comes back before it closes).
    for flag in ('--truncate-down', '--truncate-up'):
        with Proxy(ctx.tools_proxy, ctx.echo_port, flag, str(n)) as proxy:
            with connect(proxy.port) as s:
                s.sendall(message)
                data, error = read_to_eof(s)
            check.true('%s %d: exactly the first %d bytes came back, then EOF' % (flag, n, n),
                       data == message[:n] and error is None,
                       'expected %d bytes then EOF; saw %s, error %r' % (
                           n, describe(data, message[:n]), error))
            seen = []
            check_proxy_exit(proxy, seen)
            if seen:
                check.fail('fault_proxy %s exits 0 quietly' % flag, '\n'.join(seen))
    # Reset: at most the first N bytes, then ECONNRESET.
    for flag in ('--reset-down', '--reset-up'):
        with Proxy(ctx.tools_proxy, ctx.echo_port, flag, str(n)) as proxy:
            with connect(proxy.port) as s:
                s.sendall(message)
                data, error = read_to_eof(s)
            check.true('%s %d: %d bytes (a prefix, at most %d) then ECONNRESET' % (
                flag, n, len(data), n),
                message[:n].startswith(data) and isinstance(error, ConnectionResetError),
                'expected a prefix of %d bytes then ConnectionResetError; saw %d bytes '
                '(prefix: %s), error %r' % (n, len(data), message.startswith(data), error))
            seen = []
            check_proxy_exit(proxy, seen)
            if seen:
                check.fail('fault_proxy %s exits 0 quietly' % flag, '\n'.join(seen))
    # --refuse: the client is reset before anything.
    with Proxy(ctx.tools_proxy, ctx.echo_port, '--refuse') as proxy:
        with connect(proxy.port) as s:
            # No send: one that came after the reset would take the error, and the read would
            # then see a plain EOF.
            data, error = read_to_eof(s)
        check.true('--refuse: the client reads nothing and gets ECONNRESET',
                   data == b'' and isinstance(error, ConnectionResetError),
                   'saw %r, error %r' % (data, error))
        proxy.stop()


def test_proxy_unreachable_target(check, ctx):
    # A port bound but not listening: connecting to it is refused, and while this socket holds
    # it nobody else can take it (a free port, closed, could go to the proxy itself).
    with socket.socket() as closed:
        closed.bind(('127.0.0.1', 0))
        with Proxy(ctx.tools_proxy, closed.getsockname()[1]) as proxy:
            try:
                with connect(proxy.port) as s:
                    data, error = read_to_eof(s)
            except ConnectionResetError as e:
                # The reset can come before connect() returns: the kernel finished the handshake,
                # the proxy accepted and reset before this thread ran again.
                data, error = b'', e
            result = proxy.stop()
    check.true('an unreachable target: the client is reset, the proxy says why on stderr',
               data == b'' and isinstance(error, ConnectionResetError) and
               'Connection refused' in result.stderr and result.returncode == 0,
               'saw %r, error %r, proxy exit %r, stderr %r' % (
                   data, error, result.returncode, result.stderr))


class OneShotServer:
    """A Python listener on loopback that runs handler(conn) on its first connection in a thread
    (the far side of the proxy when a test needs to script the server); .result is what the
    handler returned, or the exception it raised."""

    def __init__(self, handler):
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.listener.settimeout(IO_TIMEOUT)
        self.port = self.listener.getsockname()[1]
        self.result = None
        self.thread = threading.Thread(target=self._serve, args=(handler,), daemon=True)
        self.thread.start()

    def _serve(self, handler):
        try:
            conn, _ = self.listener.accept()
            with conn:
                conn.settimeout(IO_TIMEOUT)
                self.result = handler(conn)
        except Exception as e:  # reported by the test
            self.result = e

    def join(self):
        self.thread.join(IO_TIMEOUT * 2)
        self.listener.close()
        return self.result


def test_proxy_half_close(check, ctx):
    # The client half-closes first: the server reads to EOF, then answers and closes.
    def answer_after_eof(conn):
        got, error = read_to_eof(conn)
        conn.sendall(b'reply to ' + got)
        return got, error

    server = OneShotServer(answer_after_eof)
    with Proxy(ctx.tools_proxy, server.port, '--delay-ms', '5') as proxy:
        with connect(proxy.port) as s:
            s.sendall(b'abc')
            s.shutdown(socket.SHUT_WR)
            data, error = read_to_eof(s)
        server_saw = server.join()
        proxy.stop()
    check.true('client SHUT_WR: the server reads EOF after the bytes, its answer still comes '
               'back, then EOF', server_saw == (b'abc', None) and data == b'reply to abc' and
               error is None, 'server saw %r; client got %r, error %r' % (server_saw, data, error))

    # The server half-closes first: the client still sends, the server still reads.
    def greet_then_read(conn):
        conn.sendall(b'hello')
        conn.shutdown(socket.SHUT_WR)
        return read_to_eof(conn)

    server = OneShotServer(greet_then_read)
    with Proxy(ctx.tools_proxy, server.port, '--fragment') as proxy:
        with connect(proxy.port) as s:
            data, error = read_to_eof(s)
            s.sendall(b'late words')
            s.shutdown(socket.SHUT_WR)
            after, after_error = read_to_eof(s)
        server_saw = server.join()
        proxy.stop()
    check.true('server SHUT_WR: the client reads hello then EOF, and what it sends afterwards '
               'still reaches the server', data == b'hello' and error is None and after == b''
               and server_saw == (b'late words', None),
               'client got %r (%r) then %r (%r); server saw %r' % (
                   data, error, after, after_error, server_saw))

    # The server sends and closes at once: the client still gets every byte, then EOF.
    payload = random_bytes(100 * 1024, 4)
    server = OneShotServer(lambda conn: conn.sendall(payload))
    with Proxy(ctx.tools_proxy, server.port, '--delay-ms', '20') as proxy:
        with connect(proxy.port) as s:
            data, error = read_to_eof(s)
        server.join()
        proxy.stop()
    check.true('the server closes right after sending 100 KiB: through --delay-ms 20 the client '
               'gets %s, then EOF' % describe(data, payload), data == payload and error is None,
               'got %s, error %r' % (describe(data, payload), error))


def fd_count(pid):
    return len(os.listdir('/proc/%d/fd' % pid))


def test_proxy_loop_to_itself(check, ctx):
    # A proxy whose target is itself: each connection it makes comes back to it as a new client,
    # until it runs out of descriptors (128 here); then the chain must unwind.
    for _ in range(5):  # a free port can be taken before the proxy binds it: try another
        port = common.free_port()
        try:
            proxy = Proxy(ctx.tools_proxy, port, '--listen', '127.0.0.1:%d' % port, max_fds=128)
            break
        except RuntimeError as e:
            if 'Address already in use' not in str(e):
                raise
    with proxy:
        pid = proxy.server.proc.pid
        baseline = fd_count(pid)
        with connect(proxy.port) as s:
            data, error = read_to_eof(s)
        back = common.wait_until(lambda: fd_count(pid) <= baseline, timeout=IO_TIMEOUT)
        left = fd_count(pid)
        result = proxy.stop()
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    unexpected = [line for line in lines if not line.startswith('fault_proxy: connect ')]
    reasons = sorted(set(line.rsplit(': ', 1)[-1] for line in lines))
    check.true('a proxy whose target is itself (RLIMIT_NOFILE 128): the client sees %s, the '
               'chain unwinds to %d descriptors (%d before), exit 0; stderr: %d connect '
               'failures (%s)' % ('EOF' if error is None else type(error).__name__, left,
                                  baseline, len(lines), '; '.join(reasons)),
               data == b'' and (error is None or isinstance(error, ConnectionResetError)) and
               back and result.returncode == 0 and not unexpected,
               'client got %r, error %r; descriptors %d (before %d); exit %r; unexpected stderr '
               '%r' % (data, error, left, baseline, result.returncode, unexpected))


def vm_kib(pid, field):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    return 0


def test_proxy_bounded_memory(check, ctx):
    total = 32 * 1024 * 1024
    block = random_bytes(64 * 1024, 3)
    two_blocks = block * 2
    sanitized = b'__asan_init' in open(ctx.tools_proxy, 'rb').read()
    with Proxy(ctx.tools_proxy, ctx.echo_port) as proxy:
        pid = proxy.server.proc.pid
        before = vm_kib(pid, 'VmRSS')
        with connect(proxy.port) as s:
            progress = {'sent': 0, 'at': time.monotonic()}

            def send_all():
                for _ in range(total // len(block)):
                    s.sendall(block)
                    progress['sent'] += len(block)
                    progress['at'] = time.monotonic()

            sender = threading.Thread(target=send_all, daemon=True)
            sender.start()
            # Read nothing until the sender is stuck (every buffer on the way full) or done: the
            # proxy must have stopped reading rather than queue the whole transfer.
            common.wait_until(lambda: not sender.is_alive() or
                              time.monotonic() - progress['at'] > 0.5, timeout=IO_TIMEOUT)
            stalled_at = progress['sent']
            received = 0
            ok = True
            while received < total:
                chunk = s.recv(65536)
                if not chunk:
                    break
                offset = received % len(block)  # recv(65536): a chunk spans two blocks at most
                if chunk != two_blocks[offset:offset + len(chunk)]:
                    ok = False
                received += len(chunk)
            sender.join(IO_TIMEOUT)
        peak = vm_kib(pid, 'VmHWM')
        growth_mib = (peak - before) / 1024.0
        proxy.stop()
    what = ('32 MiB echoed through the proxy (the client read nothing until %.1f MiB were '
            'sent): all back, in order' % (stalled_at / 1048576.0))
    check.true(what, ok and received == total, 'received %d of %d bytes, content ok: %s' % (
        received, total, ok))
    if sanitized:
        print('--    the proxy is built with AddressSanitizer (its quarantine keeps freed '
              'memory): peak memory not checked', flush=True)
        return
    check.true('the proxy\'s peak memory grew by %.1f MiB during it (bound: 8 MiB)' % growth_mib,
               growth_mib < 8, 'VmRSS before %d KiB, VmHWM after %d KiB' % (before, peak))


# --- main --------------------------------------------------------------------------------------

class Context:
    pass


def main():
    args = common.parse_args(extra=lambda p: (
        p.add_argument('--tools', required=True, help='directory of the built test tools'),
        p.add_argument('--only', help='run only the tests whose name contains this')))
    tool = os.path.join(os.path.abspath(args.tools), 'fault_proxy')
    app = os.path.abspath(args.app) if args.app != 'none' else ''
    missing = [p for p in (tool, app) if not p or not os.access(p, os.X_OK)]
    if missing:
        print('SKIP: not built: %s' % ' '.join(missing or ['netkit app']))
        return common.SKIP

    check = common.Checker()
    ctx = Context()
    ctx.app = app
    ctx.tools_proxy = tool
    ctx.tmp = tempfile.mkdtemp(prefix='netkit_fault_proxy_')
    root = os.path.join(ctx.tmp, 'www')
    os.mkdir(root)
    ctx.big = random_bytes(BIG_SIZE, 8)
    ctx.a = b'hello\n'
    ctx.b = b'world!\n'
    for name, data in (('big.bin', ctx.big), ('a.txt', ctx.a), ('b.txt', ctx.b)):
        with open(os.path.join(root, name), 'wb') as f:
            f.write(data)
    tests = [test_echo_models, test_http_downloads, test_http_fragmented_requests,
             test_proxy_delay, test_proxy_exact_faults, test_proxy_half_close,
             test_proxy_unreachable_target, test_proxy_loop_to_itself,
             test_proxy_bounded_memory]
    try:
        http_server, ctx.http_port = start_http(app, root)
        echo_server, ctx.echo_port = start_echo(app, 'reactor')
        with http_server, echo_server:
            for test in tests:
                if args.only and args.only not in test.__name__:
                    continue
                started = time.monotonic()
                try:
                    test(check, ctx)
                except Exception:  # a broken step fails this test, not the others
                    check.fail(test.__name__, traceback.format_exc())
                print('--    %s (%.1f s)' % (test.__name__, time.monotonic() - started),
                      flush=True)
            for name, server in (('http-server', http_server), ('echo-server', echo_server)):
                result = server.stop()
                check.true('%s exits 0 on SIGTERM after all of it' % name,
                           result.returncode == 0,
                           'exit %r, stderr %r' % (result.returncode, result.stderr[-2000:]))
    finally:
        shutil.rmtree(ctx.tmp, ignore_errors=True)
    return check.exit_code()


if __name__ == '__main__':
    sys.exit(main())
