"""Helpers shared by the fault scripts in tests/faults/ (not a test itself: its name starts with
'_', so ctest skips it).

A fault script starts a server, puts it through a fault, and checks what the server must do
afterwards: keep serving, free what the fault took (descriptors, children, memory), log little,
and exit 0 on SIGTERM. These helpers are general (any server that prints a ready line):

- Server: start a program with stderr to a file (so its lines can be counted at any time),
  optionally under a low RLIMIT_NOFILE; wait for its ready line; read its descriptor count,
  memory (VmRSS, Pss), CPU time and children from /proc; stop it with SIGTERM, timed.
- wait_until / settle: a condition with a deadline; a value that stops changing.
- open_connections, reset: N connections opened fast; a close that sends RST.

Rules: every wait has a deadline, every loop a count; every process started is killed and
reaped (its whole process group) when the Server's `with` block ends.
"""

import argparse
import os
import re
import select
import signal
import socket
import struct
import subprocess
import tempfile
import time

SKIP = 77  # ctest's SKIP_RETURN_CODE for these scripts

READY_TIMEOUT = 15.0  # a sanitizer build starts slowly
STOP_TIMEOUT = 5.0
CLK_TCK = os.sysconf('SC_CLK_TCK')


def parse_args(argv=None, extra=None):
    """The arguments every fault script gets from ctest: --examples --seeds --app --tools.
    `extra(parser)` may add more."""
    parser = argparse.ArgumentParser()
    parser.add_argument('--examples', default='none', help='directory of the built examples')
    parser.add_argument('--seeds', default='none', help='directory of the seed programs')
    parser.add_argument('--app', default='none', help="the netkit binary, or 'none'")
    parser.add_argument('--tools', default='none', help='directory of tests/tools programs')
    if extra:
        extra(parser)
    return parser.parse_args(argv)


# --- /proc ------------------------------------------------------------------------------------

def _read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('latin-1')
    except OSError:
        return None


def _stat_fields(pid):
    """/proc/PID/stat's fields after the command name (field 3, the state, is [0]); None when
    the process is gone."""
    text = _read('/proc/%d/stat' % pid)
    if text is None:
        return None
    return text[text.rindex(')') + 2:].split()


def state(pid):
    """The process's state letter (R, S, D, Z, ...), None when it is gone."""
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def exists(pid):
    """True while the process exists and is not a zombie."""
    s = state(pid)
    return s is not None and s not in ('Z', 'X')


def children(pid):
    """The pids whose parent is `pid` (zombies included, threads not)."""
    found = []
    for name in os.listdir('/proc'):
        if name.isdigit():
            fields = _stat_fields(int(name))
            if fields and int(fields[1]) == pid:
                found.append(int(name))
    return found


def descendants(pid):
    """Every process below `pid`, breadth first (bounded: a process tree has no cycles)."""
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop(0))
        found.extend(kids)
        todo.extend(kids)
    return found


def fd_count(pid):
    """How many descriptors the process has open (its /proc/PID/fd entries); None if gone."""
    try:
        return len(os.listdir('/proc/%d/fd' % pid))
    except OSError:
        return None


def vm_rss_kb(pid):
    """The process's VmRSS in KiB (0 when gone)."""
    text = _read('/proc/%d/status' % pid) or ''
    m = re.search(r'^VmRSS:\s+(\d+) kB', text, re.M)
    return int(m.group(1)) if m else 0


def pss_kb(pid):
    """The process's Pss in KiB (proportional: pages shared after a fork count once over the
    processes sharing them); 0 when gone."""
    text = _read('/proc/%d/smaps_rollup' % pid) or ''
    m = re.search(r'^Pss:\s+(\d+) kB', text, re.M)
    return int(m.group(1)) if m else 0


def rss_kb(pid, with_children=True):
    """VmRSS summed over the process and (for servers that fork) its descendants, in KiB."""
    pids = [pid] + (descendants(pid) if with_children else [])
    return sum(vm_rss_kb(p) for p in pids)


def total_pss_kb(pid):
    """Pss summed over the process and its descendants, in KiB."""
    return sum(pss_kb(p) for p in [pid] + descendants(pid))


def cpu_seconds(pid, with_children=True):
    """utime + stime of the process (all its threads) and its live descendants, in seconds."""
    total = 0
    for p in [pid] + (descendants(pid) if with_children else []):
        fields = _stat_fields(p)
        if fields:
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)
    return total / CLK_TCK


def thread_states(pid):
    """The state letter of each of the process's threads."""
    try:
        tids = os.listdir('/proc/%d/task' % pid)
    except OSError:
        return []
    states = []
    for tid in tids:
        text = _read('/proc/%d/task/%s/stat' % (pid, tid))
        if text:
            states.append(text[text.rindex(')') + 2])
    return states


def all_sleeping(pid):
    """True when every thread of the process (and of its descendants) sleeps in a blocking
    call (state S): the server is blocked, not running."""
    pids = [pid] + descendants(pid)
    states = [s for p in pids for s in thread_states(p)]
    return bool(states) and all(s == 'S' for s in states)


# --- waiting ----------------------------------------------------------------------------------

def wait_until(condition, timeout, interval=0.01):
    """Polls condition() until it is true or `timeout` seconds pass; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def holds(condition, duration, interval=0.01):
    """True when condition() is true at every poll for `duration` seconds (false at once
    otherwise): a state that stays, not one passed through."""
    end = time.monotonic() + duration
    while True:
        if not condition():
            return False
        if time.monotonic() >= end:
            return True
        time.sleep(interval)


def settle(read, quiet=0.3, timeout=5.0, interval=0.02):
    """Reads read() until its value has not changed for `quiet` seconds (or `timeout` passes);
    returns the last value. For a state nothing announces (a server done accepting)."""
    deadline = time.monotonic() + timeout
    last = read()
    since = time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(interval)
        value = read()
        if value != last:
            last, since = value, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
    return last


# --- the server under test --------------------------------------------------------------------

class Server:
    """A server started in its own process group, stderr to a file, ready when it prints a line
    matching `ready` (a regex whose group 'port' is the port). Use as a context manager: the
    group is killed (SIGKILL) and reaped on exit whatever happened."""

    def __init__(self, cmd, ready=r'listening on (?P<host>[^\s]+):(?P<port>\d+)', nofile=None,
                 env=None, ready_timeout=READY_TIMEOUT):
        self.cmd = [str(c) for c in cmd]
        self._err = tempfile.TemporaryFile(mode='w+b')
        limit = nofile

        def preexec():
            if limit is not None:
                import resource
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._err, start_new_session=True,
                                     preexec_fn=preexec if nofile is not None else None, env=env)
        self.pid = self.proc.pid
        self.ready_line = self._read_line(ready_timeout)
        m = re.search(ready, self.ready_line)
        if not m:
            self.kill()
            raise RuntimeError('%s: no ready line in %.0f s (got %r; stderr %r)' % (
                ' '.join(self.cmd), ready_timeout, self.ready_line, self.stderr_text()[-500:]))
        self.port = int(m.group('port'))
        self.host = m.groupdict().get('host') or '127.0.0.1'
        self.address = (self.host, self.port)

    def _read_line(self, timeout):
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        data = b''
        while b'\n' not in data and time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
        return data.decode('utf-8', 'replace').split('\n', 1)[0]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.kill()
        self._err.close()

    def stderr_text(self):
        self._err.flush()
        self._err.seek(0)
        return self._err.read().decode('utf-8', 'replace')

    def stderr_lines(self):
        return [line for line in self.stderr_text().splitlines() if line.strip()]

    def alive(self):
        return self.proc.poll() is None and exists(self.pid)

    def fds(self):
        return fd_count(self.pid)

    def rss_kb(self):
        return rss_kb(self.pid)

    def pss_kb(self):
        return total_pss_kb(self.pid)

    def cpu_seconds(self):
        return cpu_seconds(self.pid)

    def children(self):
        return [p for p in children(self.pid) if exists(p)]

    def terminate(self, timeout=STOP_TIMEOUT, signum=signal.SIGTERM):
        """Sends `signum` and waits for the exit: (returncode or None, seconds taken)."""
        started = time.monotonic()
        if self.proc.poll() is None:
            self.proc.send_signal(signum)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - started

    def kill(self):
        """SIGKILL to the whole group (children a fork server left too), then reap."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.stdout:
            self.proc.stdout.close()


# --- clients ----------------------------------------------------------------------------------

def reset(sock):
    """Closes with SO_LINGER 0: the peer gets an RST, not a FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    except OSError:
        pass
    sock.close()


def open_connections(address, n, timeout=10.0, batch=256):
    """Opens n TCP connections to address, `batch` connects in flight at a time, and returns
    the sockets whose connect completed (non-blocking). A server whose accept queue is full may
    leave some unfinished within `timeout`: those are closed and not returned."""
    done = []
    deadline = time.monotonic() + timeout
    for start in range(0, n, batch):
        pending = {}
        poller = select.poll()
        for _ in range(min(batch, n - start)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(address)
            pending[s.fileno()] = s
            poller.register(s, select.POLLOUT)
        while pending and time.monotonic() < deadline:
            for fd, _ in poller.poll(max(1, int((deadline - time.monotonic()) * 1000))):
                s = pending.pop(fd)
                poller.unregister(fd)
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                    done.append(s)
                else:
                    s.close()
        for s in pending.values():
            s.close()
    return done


def echo(address, payload, timeout=5.0):
    """Sends payload to an echo server and reads it back; returns what came back (shorter on a
    timeout or an early close)."""
    got = b''
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection(address, timeout=timeout) as s:
            s.sendall(payload)
            while len(got) < len(payload):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                s.settimeout(left)
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
    except OSError:
        pass
    return got


def send_until_blocked(sock, total, stuck=1.0, deadline=60.0):
    """Sends up to `total` bytes on a non-blocking socket as fast as the peer takes them, and
    stops when it has not been able to send for `stuck` seconds (the peer stopped reading) or
    after `deadline`. Returns (bytes sent, whether it got stuck)."""
    chunk = b'x' * 65536
    sent = 0
    end = time.monotonic() + deadline
    while sent < total and time.monotonic() < end:
        try:
            sent += sock.send(chunk[:min(len(chunk), total - sent)])
            continue
        except BlockingIOError:
            pass
        except OSError:
            return sent, False
        _, writable, _ = select.select([], [sock], [], stuck)
        if not writable:
            return sent, True
    return sent, False


def echo_recv(sock, n, timeout=5.0):
    """Receives up to n bytes on a connected socket within `timeout`; returns what came."""
    got = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while len(got) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            sock.settimeout(left)
            chunk = sock.recv(min(65536, n - len(got)))
            if not chunk:
                break
            got += chunk
    except OSError:
        pass
    return bytes(got)


def describe_fds(pid):
    """What each descriptor of the process is (fd -> readlink), for a failure message."""
    out = {}
    try:
        for fd in sorted(os.listdir('/proc/%d/fd' % pid), key=int):
            try:
                out[int(fd)] = os.readlink('/proc/%d/fd/%s' % (pid, fd))
            except OSError:
                pass
    except OSError:
        pass
    return out
