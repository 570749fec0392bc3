#!/usr/bin/env python3
"""Interop tests for the C++ twins of the socket programs of seeds 000, 001, 003 and 004.

For every server/client pair the same client session runs four times, on loopback:

    A  Python server + Python client   (the reference transcripts)
    B  Python server + C++ client
    C  C++ server    + Python client
    D  C++ server    + C++ client

and each run's client transcript (stdout) and server transcript (stdout, read after the
server is stopped with SIGTERM) must equal A's line by line, once what genuinely varies (ports,
ctime() stamps) is normalised. The HTTP pair also compares the body files the client writes.
The greet server also serves two Python clients at once, and must interleave them as Python's
threads do. A few runs need no peer program: raw requests sent by this script to both HTTP servers, bad
port arguments, and clients facing a closed port; there too the C++ twin must behave like the
Python program (same stdout, same exit status).

Usage: seed_programs.py --examples DIR --seeds DIR --app PATH
Exit status: 0 pass, 1 fail (with a diff), 77 skipped (programs missing).
"""

import argparse
import difflib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _common  # noqa: E402

HOST = "127.0.0.1"
SUBPROCESS_TIMEOUT = 30  # seconds, for every program run to completion
READY_TIMEOUT = 10  # seconds for a server to start listening
SETTLE_TIMEOUT = 10  # seconds for a server to print what a finished session makes it print

PROGRAMS = [
    "s000_simple_server", "s000_simple_client", "s001_http_server", "s003_greet_server",
    "s003_greet_client", "s003_http_get_client", "s004_tcp_timestamp_server",
    "s004_tcp_timestamp_client", "s004_udp_timestamp_server", "s004_udp_timestamp_client",
]

CTIME = re.compile(r"\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
                   r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                   r"[ 123]\d \d\d:\d\d:\d\d \d{4}\]")
PEER_TUPLE = re.compile(r"\('127\.0\.0\.1', \d+\)")
PEER_COLON = re.compile(r"127\.0\.0\.1:\d+")


VERBOSE = False


class Failure(Exception):
    pass


# --- programs ---------------------------------------------------------------------------------

class Programs:
    def __init__(self, examples, seeds):
        self.examples = examples
        self.seeds = seeds

    def py(self, name, *args):
        return [sys.executable, "-u", os.path.join(self.seeds, name + ".py"), *map(str, args)]

    def cpp(self, name, *args):
        return [os.path.join(self.examples, name), *map(str, args)]

    def both(self, name, *args):
        return {"py": self.py(name, *args), "cpp": self.cpp(name, *args)}


def run_program(argv, stdin=b"", cwd=None):
    """Runs a program to completion; returns (status, stdout, stderr)."""
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, cwd=cwd,
                              timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        raise Failure(f"{' '.join(argv)}: still running after {SUBPROCESS_TIMEOUT}s\n"
                      f"stdout so far: {e.stdout!r}\nstderr so far: {e.stderr!r}")
    return done.returncode, done.stdout, done.stderr


# --- servers ----------------------------------------------------------------------------------

def seed_free_port(kind):
    """A port nothing uses right now (bound to port 0, then closed)."""
    with socket.socket(socket.AF_INET,
                       socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """A server process whose stdout is collected line by line as it is printed."""

    def __init__(self, argv, cwd):
        self.argv = argv
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=cwd)
        self.stderr = b""
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.err_reader = threading.Thread(target=self._read_err, daemon=True)
        self.err_reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:  # end of output: whoever waits re-checks whether the server exited
            self.cond.notify_all()

    def _read_err(self):
        self.stderr = self.proc.stderr.read()

    def wait_listening(self, port, kind):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            # From /proc, not a probe connect(): these servers print a line per connection.
            if _common.is_listening(self.proc.pid, port, kind):
                return True
            time.sleep(0.01)  # polling /proc, as one would poll a port
        raise Failure(f"{' '.join(self.argv)}: not listening on {port} after {READY_TIMEOUT}s")

    def wait_until(self, settled):
        """Waits (bounded) until settled(lines, exited) holds."""
        deadline = time.monotonic() + SETTLE_TIMEOUT
        with self.cond:
            while not settled(self.text(), self.proc.poll() is not None):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(min(left, 0.05))
        return True

    def text(self):
        return b"".join(self.lines).decode("utf-8", "replace")

    def stop(self):
        """SIGTERM, then the transcript, the exit status and stderr."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=SUBPROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure(f"{' '.join(self.argv)}: ignored SIGTERM")
        finally:
            self.reader.join(SUBPROCESS_TIMEOUT)
            self.err_reader.join(SUBPROCESS_TIMEOUT)
        return self.text(), self.proc.returncode, self.stderr.decode("utf-8", "replace")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def seed_start_server(make_argv, kind, cwd):
    """Starts a server on a free port, retrying when the port was taken meanwhile."""
    for _ in range(5):
        port = seed_free_port(kind)
        server = Server(make_argv(port), cwd)
        try:
            if server.wait_listening(port, kind):
                return server, port
        except BaseException:
            server.kill()
            raise
        server.stop()  # it exited: most likely the port was taken; try another one
    raise Failure(f"{' '.join(make_argv(port))}: could not start; stderr: {server.stderr!r}")


# --- normalisation and comparison -------------------------------------------------------------

def normalise(text, server_port):
    text = CTIME.sub("[CTIME]", text)
    text = PEER_TUPLE.sub("('127.0.0.1', <PEER_PORT>)", text)
    text = PEER_COLON.sub("127.0.0.1:<PEER_PORT>", text)
    return re.sub(rf"\b{server_port}\b", "<SERVER_PORT>", text)


def compare(what, expected, actual, errors):
    if expected == actual:
        return
    diff = difflib.unified_diff(expected.splitlines(keepends=True),
                                actual.splitlines(keepends=True), "python", "c++")
    errors.append(f"{what} differs:\n" + "".join(diff).rstrip("\n") + "\n"
                  f"  python: {expected!r}\n  c++:    {actual!r}")


# --- sessions ---------------------------------------------------------------------------------

class Session:
    """One server and one client run against it."""

    def __init__(self, server_text, server_status, server_stderr, client_status, client_out,
                 client_stderr, files):
        self.server_text = server_text
        self.server_status = server_status
        self.server_stderr = server_stderr
        self.client_status = client_status
        self.client_out = client_out
        self.client_stderr = client_stderr
        self.files = files


def run_session(server_argv, client, kind, settled, cwd):
    """server_argv(port) -> argv; client(port) -> (status, stdout text, stderr text, files)."""
    server, port = seed_start_server(server_argv, kind, cwd)
    try:
        status, out, err, files = client(port)
        server.wait_until(settled)
        text, server_status, server_err = server.stop()
    finally:
        server.kill()
    return Session(normalise(text, port), server_status, server_err, status,
                   normalise(out, port), err, files)


def program_client(argv_for_port, stdin=b"", cwd=None, outfile=None):
    def client(port):
        status, out, err = run_program(argv_for_port(port), stdin, cwd)
        files = {}
        if outfile is not None:
            path = outfile(port)
            files["body file"] = open(path, "rb").read() if os.path.exists(path) else None
        return status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), files
    return client


def check_sessions(name, sessions, errors, expect_client_status=0):
    """sessions: {"A": ..., "B": ..., "C": ..., "D": ...}; A is the reference."""
    ref = sessions["A"]
    if VERBOSE:
        print(f"--- {name}: python client\n{ref.client_out}\n--- {name}: python server\n"
              f"{ref.server_text}--- files: {ref.files!r}")
    labels = {"B": "python server + c++ client", "C": "c++ server + python client",
              "D": "c++ server + c++ client"}
    if ref.client_status != expect_client_status:
        errors.append(f"{name}: the python reference client exited {ref.client_status}: "
                      f"{ref.client_stderr}")
    for key, label in labels.items():
        got = sessions[key]
        where = f"{name} [{label}]"
        compare(f"{where}: client stdout", ref.client_out, got.client_out, errors)
        compare(f"{where}: server stdout", ref.server_text, got.server_text, errors)
        if got.client_status != ref.client_status:
            errors.append(f"{where}: client exit status {got.client_status}, python "
                          f"{ref.client_status}; stderr: {got.client_stderr}")
        if got.server_status != ref.server_status:
            errors.append(f"{where}: server exit status {got.server_status}, python "
                          f"{ref.server_status}; stderr: {got.server_stderr}")
        for file_name, content in ref.files.items():
            if got.files.get(file_name) != content:
                errors.append(f"{where}: {file_name} differs:\n  python: {content!r}\n"
                              f"  c++:    {got.files.get(file_name)!r}")


def four_sessions(programs, server, client, kind, settled, server_args, client_args,
                  stdin=b"", cwd=None, outfile=None):
    """Runs A-D for one pair. server_args(port) / client_args(port, key) give the arguments."""
    sessions = {}
    for key, server_lang, client_lang in (("A", "py", "py"), ("B", "py", "cpp"),
                                          ("C", "cpp", "py"), ("D", "cpp", "cpp")):
        make_server = getattr(programs, server_lang)
        make_client = getattr(programs, client_lang)
        sessions[key] = run_session(
            lambda port: make_server(server, *server_args(port)),
            program_client(lambda port: make_client(client, *client_args(port, key)), stdin,
                           cwd, None if outfile is None else (lambda port: outfile(key))),
            kind, settled, cwd)
    return sessions


def count(text, needle):
    return text.count(needle)


# --- the pairs --------------------------------------------------------------------------------

def test_s000(programs, errors, tmp):
    sessions = four_sessions(
        programs, "s000_simple_server", "s000_simple_client", "tcp",
        lambda text, exited: "Got connection from" in text or exited,
        lambda port: (HOST, port), lambda port, key: (HOST, port))
    check_sessions("s000_simple", sessions, errors)


def test_s003_greet(programs, errors, tmp):
    sessions = four_sessions(
        programs, "s003_greet_server", "s003_greet_client", "tcp",
        lambda text, exited: " closed." in text or exited,
        lambda port: (HOST, port), lambda port, key: (HOST, port))
    check_sessions("s003_greet", sessions, errors)


def test_s003_greet_concurrent(programs, errors, tmp):
    """Two clients at once: a thread per connection serves both at the same time, so both
    connections are accepted before either closes (each takes four seconds of sleep(1))."""
    results = {}
    for lang in ("py", "cpp"):
        def two_clients(port):
            argv = programs.py("s003_greet_client", HOST, port)
            procs = [subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for _ in range(2)]
            outs = []
            try:
                for proc in procs:
                    out, err = proc.communicate(timeout=SUBPROCESS_TIMEOUT)
                    outs.append((proc.returncode, out.decode("utf-8", "replace")))
            finally:
                for proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                    proc.wait()
            return 0, repr(outs), "", {}
        results[lang] = run_session(
            lambda port: getattr(programs, lang)("s003_greet_server", HOST, port), two_clients,
            "tcp", lambda text, exited: text.count(" closed.") >= 2 or exited, tmp)
    ref, got = results["py"], results["cpp"]
    compare("s003_greet_server, two clients at once: clients' stdout", ref.client_out,
            got.client_out, errors)
    # Which thread prints first is up to the scheduler, and Python's print() writes the text and
    # its newline separately, so two threads' lines may even interleave as "A...A...\n\n".
    # Compare the messages as a multiset, and the number of newlines.
    peer = re.escape("127.0.0.1:<PEER_PORT>")
    message = re.compile(rf"Waiting for connection\.\.\.|Accept new connection from {peer}\.\.\."
                         rf"|Connection from {peer} closed\.")
    for what, extract in (("messages (sorted)", lambda t: "\n".join(sorted(message.findall(t)))),
                          ("newlines", lambda t: str(t.count("\n")))):
        compare(f"s003_greet_server, two clients at once: server stdout {what}",
                extract(ref.server_text), extract(got.server_text), errors)
    for lang, session in results.items():
        found = message.findall(session.server_text)
        accepted = [i for i, m in enumerate(found) if m.startswith("Accept new")]
        closed = [i for i, m in enumerate(found) if m.endswith(" closed.")]
        if len(accepted) != 2 or len(closed) != 2 or accepted[1] > closed[0]:
            errors.append(f"s003_greet_server ({lang}) did not serve two clients at once:\n"
                          + session.server_text)


def test_s004_tcp(programs, errors, tmp):
    # Ends at the end of input, after a last line with no newline.
    stdin = "hello\nworld 你好 ✓\n  spaces  \nlast line".encode()
    sessions = four_sessions(
        programs, "s004_tcp_timestamp_server", "s004_tcp_timestamp_client", "tcp",
        lambda text, exited: count(text, "waiting for connection...") >= 2 or exited,
        lambda port: (HOST, port), lambda port, key: (HOST, port), stdin)
    check_sessions("s004_tcp_timestamp", sessions, errors)


def test_s004_udp(programs, errors, tmp):
    # Ends at an empty line; what follows it is never sent.
    stdin = "first\nsecond 第二\n\nnever sent\n".encode()
    sessions = four_sessions(
        programs, "s004_udp_timestamp_server", "s004_udp_timestamp_client", "udp",
        lambda text, exited: count(text, "waiting for message...") >= 3 or exited,
        lambda port: (HOST, port), lambda port, key: (HOST, port), stdin)
    check_sessions("s004_udp_timestamp", sessions, errors)


INDEX_HTML = ("<html>\r\n<head><title>seed 001</title></head>\r\n"
              "<body>héllo ✓ 你好\rlone CR\n\tLF only</body>\r\n</html>\r\n").encode()


def test_http(programs, errors, tmp):
    site = os.path.join(tmp, "site")
    os.mkdir(site)
    with open(os.path.join(site, "index.html"), "wb") as f:
        f.write(INDEX_HTML)
    # The page from the working directory (the default), then a page that does not exist.
    for label, page_args in (("index.html", ()), ("missing page", ("no_such_page.html",))):
        sessions = four_sessions(
            programs, "s001_http_server", "s003_http_get_client", "tcp",
            lambda text, exited: count(text, "Listen the port") >= 2 or exited,
            lambda port: (HOST, port, *page_args),
            lambda port, key: (HOST, port, os.path.join(tmp, f"body_{key}.html")),
            cwd=site, outfile=lambda key: os.path.join(tmp, f"body_{key}.html"))
        check_sessions(f"s001_http_server + s003_http_get_client ({label})", sessions, errors)
        if label == "index.html" and sessions["A"].files.get("body file") is None:
            errors.append("the python client wrote no body file")


def raw_http_client(request):
    """A client that sends `request` in one piece and returns everything it gets back."""
    def client(port):
        with socket.create_connection((HOST, port), timeout=SUBPROCESS_TIMEOUT) as s:
            s.sendall(request)
            s.shutdown(socket.SHUT_WR)
            chunks = []
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except ConnectionResetError:
                chunks.append(b"<reset>")
        return 0, "", "", {"response": b"".join(chunks)}
    return client


def test_http_raw(programs, errors, tmp):
    """Requests no HTTP client would send, straight to both servers."""
    site = os.path.join(tmp, "raw_site")
    os.mkdir(site)
    with open(os.path.join(site, "index.html"), "wb") as f:
        f.write(INDEX_HTML)
    with open(os.path.join(site, "bad.html"), "wb") as f:
        f.write(b"valid line\n\xff\xfe not utf-8\n")
    os.mkdir(os.path.join(site, "a_directory"))
    cases = [
        # bytes.splitlines() splits at \r, \n and \r\n alike; empty lines are kept.
        ("odd line ends", (), b"GET / HTTP/1.0\rA: b\n\nC: d\r\n\r\n\r\rtail"),
        ("empty request", (), b""),
        # The request line is not UTF-8: decode() raises and the server dies.
        ("request not utf-8", (), b"GET /\xff HTTP/1.1\r\nHost: x\r\n\r\n"),
        # The page is not UTF-8: the status line goes out from `finally`, then the server dies.
        ("page not utf-8", ("bad.html",), b"GET / HTTP/1.1\r\n\r\n"),
        ("page is a directory", ("a_directory",), b"GET / HTTP/1.1\r\n\r\n"),
    ]
    for label, page_args, request in cases:
        sessions = {}
        for key, lang in (("A", "py"), ("C", "cpp")):
            make = getattr(programs, lang)
            sessions[key] = run_session(
                lambda port: make("s001_http_server", HOST, port, *page_args),
                raw_http_client(request), "tcp",
                lambda text, exited: count(text, "Listen the port") >= 2 or exited, site)
        ref, got = sessions["A"], sessions["C"]
        where = f"s001_http_server, raw request ({label})"
        if VERBOSE:
            print(f"--- {where}: python server (status {ref.server_status})\n"
                  f"{ref.server_text}--- response: {ref.files['response']!r}")
        compare(f"{where}: server stdout", ref.server_text, got.server_text, errors)
        if ref.server_status != got.server_status:
            errors.append(f"{where}: server exit status {got.server_status}, python "
                          f"{ref.server_status}; stderr: {got.server_stderr}")
        if ref.files["response"] != got.files["response"]:
            errors.append(f"{where}: response differs:\n  python: {ref.files['response']!r}\n"
                          f"  c++:    {got.files['response']!r}")


def test_bad_arguments(programs, errors, tmp):
    """int('not a port') fails before any socket is used; a port outside 0-65535 fails only at
    bind/connect/sendto (OverflowError), after whatever the program prints before that call."""
    for name in PROGRAMS:
        for port in ("not a port", "70000", "-1"):
            results = {}
            for lang in ("py", "cpp"):
                results[lang] = run_program(getattr(programs, lang)(name, HOST, port),
                                            b"hello\n", tmp)
            if results["py"][:2] != results["cpp"][:2] or results["py"][0] != 1:
                errors.append(f"{name} {HOST} {port!r}: python gave {results['py'][:2]}, "
                              f"c++ {results['cpp'][:2]}; c++ stderr: {results['cpp'][2]!r}")


def test_refused(programs, errors, tmp):
    """Clients facing a port nobody listens on: the same output and exit status."""
    for name in ("s000_simple_client", "s003_greet_client", "s003_http_get_client",
                 "s004_tcp_timestamp_client"):
        outfile = os.path.join(tmp, "refused.html")
        extra = (outfile,) if name == "s003_http_get_client" else ()
        results = {}
        # Bound but not listening: connecting is refused, and no other process (another test
        # running meanwhile) can take the port.
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
            holder.bind((HOST, 0))
            port = holder.getsockname()[1]
            for lang in ("py", "cpp"):
                results[lang] = run_program(getattr(programs, lang)(name, HOST, port, *extra),
                                            b"hello\n", tmp)
        if results["py"][:2] != results["cpp"][:2]:
            errors.append(f"{name} against a closed port: python gave {results['py'][:2]}, "
                          f"c++ {results['cpp'][:2]}; c++ stderr: {results['cpp'][2]!r}")
        if results["py"][0] != 1:
            errors.append(f"{name} against a closed port: python exited {results['py'][0]}")


TESTS = [test_s000, test_s003_greet, test_s003_greet_concurrent, test_s004_tcp, test_s004_udp,
         test_http, test_http_raw, test_bad_arguments, test_refused]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", required=True)
    parser.add_argument("--seeds", required=True)
    parser.add_argument("--app", default="none")
    parser.add_argument("-k", dest="only", help="run only the tests whose name contains this")
    parser.add_argument("-v", dest="verbose", action="store_true",
                        help="print the reference (python) transcripts")
    args = parser.parse_args()

    missing = [p for p in PROGRAMS if not os.access(os.path.join(args.examples, p), os.X_OK)]
    missing += [p + ".py" for p in PROGRAMS
                if not os.path.exists(os.path.join(args.seeds, p + ".py"))]
    if missing:
        print("skipped: missing programs: " + ", ".join(missing))
        return 77

    # Absolute: some programs run in a temporary working directory.
    global VERBOSE
    VERBOSE = args.verbose
    programs = Programs(os.path.abspath(args.examples), os.path.abspath(args.seeds))
    failed = 0
    with tempfile.TemporaryDirectory(prefix="netkit_seed_programs_") as tmp:
        for test in TESTS:
            if args.only and args.only not in test.__name__:
                continue
            errors = []
            started = time.monotonic()
            test_tmp = os.path.join(tmp, test.__name__)
            os.mkdir(test_tmp)
            try:
                test(programs, errors, test_tmp)
            except Failure as e:
                errors.append(str(e))
            elapsed = time.monotonic() - started
            if errors:
                failed += 1
                print(f"FAIL {test.__name__} ({elapsed:.1f}s)")
                for error in errors:
                    print("  " + error.replace("\n", "\n  "))
            else:
                print(f"ok   {test.__name__} ({elapsed:.1f}s)")
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
