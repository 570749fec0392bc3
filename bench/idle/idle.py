#!/usr/bin/env python3
"""Memory per idle connection: 10,000 concurrent TCP connections held by bench_echo_netkit.

    python3 bench/idle/idle.py --build build/release [--connections 10000] [--server NAME]

Starts BUILD/bench/bench_echo_NAME (netkit by default; any bench_echo_* server works, for
comparison), opens --connections connections to it from this process (both sides get
RLIMIT_NOFILE raised to the hard limit), waits until the server holds them all (its descriptor
count in /proc), and reads the server's VmRSS before and after: the difference divided by the
number of connections is the user-space memory per connection. Then every connection sends one
byte and reads its echo, and RSS is read again (memory a connection keeps once it has carried
traffic).

The kernel's share cannot be attributed to one process: the socket structures live in the slab
allocator, shared by the whole machine. What is reported is the change in /proc/meminfo's Slab
(for BOTH ends of each connection, client and server, since both are on this machine) and in
/proc/net/sockstat's TCP page count; on a busy machine other processes move these too, so read
them as an estimate.
"""
import argparse
import json
import os
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def vm_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def meminfo_kib(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def tcp_mem_pages():
    with open("/proc/net/sockstat") as f:
        m = re.search(r"TCP: inuse \d+ orphan \d+ tw \d+ alloc \d+ mem (\d+)", f.read())
    return int(m.group(1)) if m else 0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)  # polling /proc for a count to be reached


def snapshot(pid):
    return {"rss_kib": vm_rss_kib(pid), "slab_kib": meminfo_kib("Slab"),
            "tcp_mem_pages": tcp_mem_pages()}


def open_connections(port, count, timeout):
    """count non-blocking connects, all completed within timeout."""
    socks = []
    pending = {}
    poller = select.epoll()
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            socks.append(s)
            if s.connect_ex(("127.0.0.1", port)) not in (0, 115):  # 115: EINPROGRESS
                raise RuntimeError("connect failed")
            pending[s.fileno()] = s
            poller.register(s.fileno(), select.EPOLLOUT)
        deadline = time.monotonic() + timeout
        while pending:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{len(pending)} connections still pending")
            for fd, _ in poller.poll(left):
                s = pending.pop(fd)
                poller.unregister(fd)
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    raise RuntimeError(f"connect: {os.strerror(err)}")
    except BaseException:
        for s in socks:
            s.close()
        raise
    finally:
        poller.close()
    return socks


def ping_all(socks, timeout):
    """One byte out and back on every connection."""
    for s in socks:
        s.send(b"x")
    waiting = {s.fileno(): s for s in socks}
    poller = select.epoll()
    for fd in waiting:
        poller.register(fd, select.EPOLLIN)
    deadline = time.monotonic() + timeout
    try:
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError(f"{len(waiting)} echoes missing")
            for fd, _ in poller.poll(left):
                if waiting[fd].recv(16) != b"x":
                    raise RuntimeError("bad echo")
                poller.unregister(fd)
                del waiting[fd]
    finally:
        poller.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--build", default=None, help="the CMake build directory")
    p.add_argument("--server", default="netkit", help="which bench_echo_* server")
    p.add_argument("--connections", type=int, default=10000)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    build = args.build
    if build is None:
        for d in ("build/release", "build/bench", "build"):
            if os.path.exists(os.path.join(REPO, d, "bench", "bench_echo_netkit")):
                build = os.path.join(REPO, d)
                break
    binary = os.path.join(build or "build", "bench", f"bench_echo_{args.server}")
    if not os.path.exists(binary):
        print(f"{binary} not built", file=sys.stderr)
        return 2
    raise_nofile()
    need = args.connections + 100
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < need:
        print(f"RLIMIT_NOFILE hard limit below {need}", file=sys.stderr)
        return 2

    server = subprocess.Popen([binary, "--port", "0"], stdout=subprocess.PIPE,
                              preexec_fn=raise_nofile)
    socks = []
    try:
        ready = select.select([server.stdout], [], [], 10)[0]
        line = server.stdout.readline().decode().strip() if ready else ""
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            raise RuntimeError(f"server's first line: {line!r}")
        port = int(m.group(1))
        pid = server.pid
        # Warm up: one connection with one message, so that what is allocated once (the
        # first connection's bookkeeping, lazily mapped pages) is in the baseline.
        base_fds = fd_count(pid)
        with socket.create_connection(("127.0.0.1", port), timeout=5) as w:
            w.sendall(b"x")
            w.recv(16)
        wait_until(lambda: fd_count(pid) == base_fds, 10, "the warm-up connection to close")
        before = snapshot(pid)
        t0 = time.monotonic()
        socks = open_connections(port, args.connections, args.timeout)
        wait_until(lambda: fd_count(pid) >= base_fds + args.connections, args.timeout,
                   "the server to accept every connection")
        connect_s = time.monotonic() - t0
        idle = snapshot(pid)
        ping_all(socks, args.timeout)
        after_ping = snapshot(pid)
        n = args.connections
        result = {
            "server": args.server, "connections": n, "connect_seconds": round(connect_s, 2),
            "rss_before_kib": before["rss_kib"], "rss_idle_kib": idle["rss_kib"],
            "rss_after_ping_kib": after_ping["rss_kib"],
            "user_bytes_per_conn_idle": round((idle["rss_kib"] - before["rss_kib"]) * 1024 / n),
            "user_bytes_per_conn_after_ping":
                round((after_ping["rss_kib"] - before["rss_kib"]) * 1024 / n),
            "slab_bytes_per_conn_both_ends": round((idle["slab_kib"] - before["slab_kib"]) * 1024 / n),
            "tcp_mem_pages_delta_after_ping": after_ping["tcp_mem_pages"] - before["tcp_mem_pages"],
        }
    finally:
        for s in socks:
            s.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        server.stdout.close()
    if args.json:
        print(json.dumps(result))
    else:
        print(f"{result['server']}: {n} idle connections accepted in {result['connect_seconds']} s")
        print(f"  server RSS {result['rss_before_kib']} KiB -> {result['rss_idle_kib']} KiB idle "
              f"-> {result['rss_after_ping_kib']} KiB after one message each")
        print(f"  user space: {result['user_bytes_per_conn_idle']} bytes per idle connection, "
              f"{result['user_bytes_per_conn_after_ping']} after one message")
        print(f"  kernel (estimate, machine-wide Slab, both ends of each connection): "
              f"{result['slab_bytes_per_conn_both_ends']} bytes per connection; TCP buffer "
              f"pages in use after the pings: {result['tcp_mem_pages_delta_after_ping']:+d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
