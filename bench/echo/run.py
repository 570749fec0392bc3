#!/usr/bin/env python3
"""The echo pingpong benchmark: netkit's reactor against asio, libuv, libevent and a raw epoll loop.

    python3 bench/echo/run.py --build build/release            # the full matrix (~4 minutes)
    python3 bench/echo/run.py --build build/release --quick    # a smoke run (< 60 s)

Part 1, throughput: for every cell connections x size (default {1, 10, 100, 1000} x {16, 4096,
65536}), each server in turn (the order rotates from cell to cell) is started pinned to CPU 0,
`netkit bench echo` runs pinned to CPU 1 for --duration seconds, and the server's CPU time is read
from /proc/<pid>/stat before and after. Reported per cell and server: messages/s, MiB/s, the ratio
to the raw epoll loop measured in the same cell, and the server's CPU microseconds per message.

Part 2, counts that do not depend on the machine's noise: for a fixed number of messages
(--count-messages over --count-connections connections, sizes --count-sizes), user-space
instructions per message under `valgrind --tool=callgrind` and system calls per message under
`strace -c -f`. Both are differential: each server runs twice, with M/10 and M messages, and the
figure is (count(M) - count(M/10)) / (M - M/10), so start-up, connection set-up and shut-down
cancel out and only the steady per-message cost is left.

Writes results.json, results.md and ratios.png (matplotlib, Agg) to --out. Every process started
is killed and reaped; servers bind 127.0.0.1 on a kernel-chosen port.
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SERVERS = ["epoll", "netkit", "asio", "libuv", "libevent"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class Server:
    """One bench_echo_* server: started with a wrapper (taskset, valgrind, strace), its port read
    from its first line, stopped with SIGTERM."""

    def __init__(self, binary, wrapper=(), start_timeout=30.0):
        self.proc = subprocess.Popen(
            list(wrapper) + [binary, "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            preexec_fn=raise_nofile,
        )
        line = self._first_line(start_timeout)
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", line)
        if not m:
            self.stop()
            raise RuntimeError(f"{binary}: unexpected first line {line!r}")
        self.port = int(m.group(1))

    def _first_line(self, timeout):
        deadline = time.monotonic() + timeout
        data = b""
        fd = self.proc.stdout.fileno()
        while b"\n" not in data:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.stop()
                raise RuntimeError("server did not print its first line in time")
            chunk = os.read(fd, 4096)
            if not chunk:
                self.stop()
                raise RuntimeError("server exited before listening: " + self.stderr_text())
            data += chunk
        return data.split(b"\n", 1)[0].decode()

    def stderr_text(self):
        try:
            return self.proc.stderr.read().decode(errors="replace")
        except Exception:  # pylint: disable=broad-except
            return ""

    def target_pid(self):
        """The server's own pid: taskset and valgrind exec it; strace forks it."""
        return self.proc.pid

    def stop(self, pid=None, timeout=60.0):
        if self.proc.poll() is None:
            try:
                os.kill(pid or self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()
        return self.proc.returncode


def child_pid(pid, timeout=10.0):
    """The first child of pid (the server strace started)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.01)  # polling /proc for a child to appear, not synchronising on time
    raise RuntimeError(f"no child of {pid}")


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime (fields 14 and 15)


def run_client(netkit, port, connections, size, duration=None, messages=None, timeout=None):
    cmd = ["taskset", "-c", "1", netkit, "bench", "echo", "--port", str(port),
           "--connections", str(connections), "--size", str(size), "--json"]
    if messages:
        cmd += ["--messages", str(messages), "--timeout", str(timeout or 600)]
        bound = (timeout or 600) + 30
    else:
        cmd += ["--duration", str(duration)]
        bound = duration + 60
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=bound, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"netkit bench echo failed ({out.returncode}): {out.stderr.strip()}")
    return json.loads(out.stdout)


# --- part 1: throughput ---------------------------------------------------------------------------

PF_KTHREAD = 0x00200000


def process_ticks(exclude):
    """utime + stime of every user-space process but those in `exclude`, by pid. Kernel threads
    are left out: ksoftirqd carries part of loopback's packet processing, which belongs to
    the benchmark."""
    ticks = {}
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in exclude:
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[6]) & PF_KTHREAD:
            continue
        ticks[int(name)] = int(fields[11]) + int(fields[12])
    return ticks


def others_ticks(before, after):
    """CPU time other processes used between two process_ticks() snapshots (those that ended
    meanwhile are missed; those that started are counted whole)."""
    return sum(t - before.get(pid, 0) for pid, t in after.items())


def children_cpu_s():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure_cell(args, binaries, server, connections, size):
    s = Server(binaries[server], ["taskset", "-c", "0"])
    try:
        me = {os.getpid(), s.target_pid()}
        procs0, client0 = process_ticks(me), children_cpu_s()
        before = cpu_ticks(s.target_pid())
        r = run_client(args.netkit, s.port, connections, size, duration=args.duration)
        after = cpu_ticks(s.target_pid())
        # The client has been reaped, the server not yet: the children's time is the client's.
        procs1, client1 = process_ticks(me), children_cpu_s()
    finally:
        s.stop()
    cpu_s = (after - before) / CLK_TCK
    client_s = client1 - client0
    msgs = max(r["messages"], 1)
    elapsed = r["elapsed"] or 1.0
    # What other processes ran meanwhile (on a 2-CPU machine, on ours): the noise.
    others_s = others_ticks(procs0, procs1) / CLK_TCK
    return {
        "messages": r["messages"],
        "messages_per_s": r["messages_per_s"],
        "mib_per_s": r["mib_per_s"],
        "errors": r["errors"],
        "elapsed": r["elapsed"],
        "server_cpu_s": cpu_s,
        "cpu_us_per_msg": cpu_s / msgs * 1e6,
        "server_cpu_share": cpu_s / elapsed,
        "client_cpu_share": client_s / elapsed,
        "others_cpu_share": others_s / elapsed,
    }


def least_disturbed(args, measure_once):
    """measure_once(), repeated (up to --retries more times) while other processes took more than
    --max-others of a CPU meanwhile; the least disturbed measurement is kept (bench/http too)."""
    best = None
    for _ in range(1 + args.retries):
        r = measure_once()
        if best is None or r["others_cpu_share"] < best["others_cpu_share"]:
            best = r
        if r["others_cpu_share"] <= args.max_others:
            break
    best["disturbed"] = best["others_cpu_share"] > args.max_others
    return best


def measure_quiet(args, binaries, server, connections, size):
    return least_disturbed(args, lambda: measure_cell(args, binaries, server, connections, size))


def throughput(args, binaries):
    cells = []
    servers = [s for s in SERVERS if s in binaries]
    # Warm-up, not recorded: the first measurement after an idle spell ran slower (CPU
    # frequency and the hypervisor waking the vCPUs), which would have penalised whichever
    # server came first.
    warm = dict(vars(args))
    warm["duration"] = min(1.0, args.duration)
    measure_cell(argparse.Namespace(**warm), binaries, servers[0], 10, 4096)
    for index, (connections, size) in enumerate(args.cells):
        runs = {s: [] for s in servers}
        for _ in range(args.rounds):
            # Rotate the order so that no server always runs first (or right after another).
            order = servers[index % len(servers):] + servers[:index % len(servers)]
            for server in order:
                runs[server].append(measure_quiet(args, binaries, server, connections, size))
        cell = {"connections": connections, "size": size, "servers": {}}
        for server in servers:
            # The round with the median rate stands for the server.
            rs = sorted(runs[server], key=lambda r: r["messages_per_s"])
            cell["servers"][server] = dict(rs[len(rs) // 2], rounds=len(rs),
                                           all_rates=[round(r["messages_per_s"]) for r in
                                                      runs[server]])
        base = cell["servers"].get("epoll", {}).get("messages_per_s")
        for server in servers:
            r = cell["servers"][server]
            r["ratio_to_epoll"] = r["messages_per_s"] / base if base else None
        log(f"  {connections:>5} x {size:>5} B: " + "  ".join(
            f"{s} {cell['servers'][s]['messages_per_s']:,.0f}/s "
            f"({cell['servers'][s]['ratio_to_epoll'] or 0:.2f}x, "
            f"{cell['servers'][s]['cpu_us_per_msg']:.2f} us)" for s in servers)
            + "  cpu shares server/client/others: " + " ".join(
                f"{cell['servers'][s]['server_cpu_share']:.2f}/"
                f"{cell['servers'][s]['client_cpu_share']:.2f}/"
                f"{cell['servers'][s]['others_cpu_share']:.2f}" for s in servers))
        cells.append(cell)
    return cells


# --- part 2: instructions and system calls per message -----------------------------------------

def callgrind_ir(args, binary, size, messages, tag):
    out_file = os.path.join(args.out, "callgrind", f"callgrind.{tag}.{messages}.out")
    wrapper = ["taskset", "-c", "0", "valgrind", "--tool=callgrind", "--quiet",
               f"--callgrind-out-file={out_file}"]
    s = Server(binary, wrapper, start_timeout=120)
    try:
        run_client(args.netkit, s.port, args.count_connections, size, messages=messages)
    finally:
        s.stop(timeout=120)
    with open(out_file) as f:
        for line in f:
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1]), out_file
    raise RuntimeError(f"no summary in {out_file}")


ANNOTATE_LINE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$")


def callgrind_functions(path):
    """Self cost (Ir) of every function in a callgrind file, by 'function [object]'."""
    out = subprocess.run(["callgrind_annotate", "--inclusive=no", "--threshold=100", path],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    costs = {}
    for line in out.splitlines():
        m = ANNOTATE_LINE.match(line)
        if not m or "PROGRAM TOTALS" in line:
            continue
        where = m.group(2)
        # "file:function [object]": keep the function and the object's base name.
        obj = ""
        om = re.search(r" \[([^\]]+)\]$", where)
        if om:
            obj = os.path.basename(om.group(1))
            where = where[:om.start()]
        func = where.split(":", 1)[1] if ":" in where else where
        func = func.replace("std::basic_string_view<char, std::char_traits<char> >",
                            "std::string_view").replace(", 18446744073709551615ul>", ">")
        key = f"{func} [{obj}]" if obj else func
        costs[key] = costs.get(key, 0) + int(m.group(1).replace(",", ""))
    return costs


def top_functions(small_file, big_file, messages, count=12):
    """The functions whose cost grows with the message count: Ir per message, largest first."""
    if not shutil.which("callgrind_annotate"):
        return []
    small, big = callgrind_functions(small_file), callgrind_functions(big_file)
    per = [(name, (cost - small.get(name, 0)) / messages) for name, cost in big.items()]
    per = [(n, round(c, 1)) for n, c in per if c >= 0.5]
    per.sort(key=lambda nc: -nc[1])
    return per[:count]


def strace_counts(args, binary, size, messages, tag):
    out_file = os.path.join(args.out, "strace", f"strace.{tag}.{messages}.txt")
    wrapper = ["taskset", "-c", "0", "strace", "-f", "-c", "-o", out_file, "--"]
    s = Server(binary, wrapper, start_timeout=60)
    pid = None  # the server itself, strace's child: SIGTERM goes to it, strace then exits
    try:
        pid = child_pid(s.proc.pid)
        run_client(args.netkit, s.port, args.count_connections, size, messages=messages)
    finally:
        s.stop(pid=pid, timeout=60)
    return read_strace_counts(out_file)


def read_strace_counts(path):
    """The calls per system call in a `strace -c -o path` summary (bench/http too)."""
    counts = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            # "% time  seconds  usecs/call  calls  errors  syscall"; errors may be blank.
            if len(parts) >= 5 and re.fullmatch(r"[\d.]+", parts[0]) and parts[-1] != "total":
                counts[parts[-1]] = int(parts[3])
    return counts


def counts(args, binaries):
    results = []
    small = max(args.count_messages // 10, 1)
    servers = [s for s in SERVERS if s in binaries]
    for size in args.count_sizes:
        row = {"connections": args.count_connections, "size": size,
               "messages": args.count_messages, "baseline_messages": small, "servers": {}}
        for server in servers:
            r = {}
            tag = f"{server}.{args.count_connections}x{size}"
            if not args.no_callgrind:
                ir_small, small_file = callgrind_ir(args, binaries[server], size, small, tag)
                ir_big, big_file = callgrind_ir(args, binaries[server], size, args.count_messages,
                                                tag)
                r["instructions_per_msg"] = (ir_big - ir_small) / (args.count_messages - small)
                r["callgrind_file"] = os.path.relpath(big_file, args.out)
                r["top_functions"] = top_functions(small_file, big_file,
                                                   args.count_messages - small)
            if not args.no_strace:
                c_small = strace_counts(args, binaries[server], size, small, tag)
                c_big = strace_counts(args, binaries[server], size, args.count_messages, tag)
                per = {}
                for name in set(c_small) | set(c_big):
                    d = (c_big.get(name, 0) - c_small.get(name, 0)) / (args.count_messages - small)
                    if abs(d) >= 0.005:
                        per[name] = round(d, 3)
                r["syscalls_per_msg"] = round(sum(per.values()), 3)
                r["syscalls_by_name"] = dict(sorted(per.items(), key=lambda kv: -kv[1]))
            row["servers"][server] = r
            log(f"  counts {args.count_connections} x {size} B {server}: "
                f"{r.get('instructions_per_msg', 0):,.0f} instr/msg, "
                f"{r.get('syscalls_per_msg', 0)} syscalls/msg {r.get('syscalls_by_name', '')}")
        base = row["servers"].get("epoll", {})
        for server in servers:
            r = row["servers"][server]
            if base.get("instructions_per_msg"):
                r["instructions_ratio_to_epoll"] = r["instructions_per_msg"] / base[
                    "instructions_per_msg"]
            if base.get("syscalls_per_msg"):
                r["syscalls_ratio_to_epoll"] = r["syscalls_per_msg"] / base["syscalls_per_msg"]
        results.append(row)
    return results


# --- reports --------------------------------------------------------------------------------------

def size_label(size):
    return f"{size // 1024} KiB" if size >= 1024 and size % 1024 == 0 else f"{size} B"


def markdown(results):
    servers = [s for s in SERVERS
               if any(s in c["servers"] for c in results["cells"] + results.get("counts", []))]
    lines = []
    m = results["machine"]
    lines.append(f"Run {results['started']} (netkit {results.get('commit', '?')}) on {m['cpu']} "
                 f"({m['cpus']} CPUs), Linux {m['kernel']}; "
                 f"load average before {m['loadavg_before']}, after {m['loadavg_after']}; "
                 f"{results['settings']['duration']} s per cell, "
                 f"{results['settings']['rounds']} round(s).")
    lines.append("")
    if not results["cells"]:
        lines = lines[:2]
    else:
        throughput_tables(results, servers, lines)
    counts_tables(results, servers, lines)
    return "\n".join(lines) + "\n"


def server_table(results, servers, lines, cell_text):
    """One row per cell, one column per server; cell_text(server, result) fills a column."""
    lines.append("| connections | size | " + " | ".join(servers) + " |")
    lines.append("|---:|---:|" + "---:|" * len(servers))
    for c in results["cells"]:
        row = [str(c["connections"]), size_label(c["size"])]
        for s in servers:
            r = c["servers"].get(s)
            row.append("—" if r is None else cell_text(s, r))
        lines.append("| " + " | ".join(row) + " |")


def throughput_tables(results, servers, lines):
    def rate(s, r):
        cell = f"{r['messages_per_s']:,.0f}"
        if s != "epoll" and r.get("ratio_to_epoll") is not None:
            cell += f" ({r['ratio_to_epoll']:.2f}×)"
        if r["errors"]:
            cell += f" [{r['errors']} errors]"
        if r.get("disturbed"):
            cell += " ⚠"
        return cell

    lines.append("Messages/s (ratio to the raw epoll loop in the same cell):")
    lines.append("")
    server_table(results, servers, lines, rate)
    lines.append("")
    lines.append("⚠: other processes took more than "
                 f"{results['settings'].get('max_others', 0.15):.0%} of a CPU during every attempt.")
    lines.append("")
    lines.append("MiB/s (payload one way) and the server's CPU time per message (µs; the "
                 "process's utime + stime, without the softirq time the kernel accounts apart):")
    lines.append("")
    server_table(results, servers, lines,
                 lambda s, r: f"{r['mib_per_s']:,.1f} MiB/s, {r['cpu_us_per_msg']:.2f} µs")


def counts_tables(results, servers, lines):
    if results.get("counts"):
        lines.append("")
        lines.append("User-space instructions and system calls per message (callgrind, strace -c -f; "
                     "differential over "
                     f"{results['counts'][0]['messages'] - results['counts'][0]['baseline_messages']:,}"
                     " messages):")
        lines.append("")
        lines.append("| connections | size | server | instructions/msg | × epoll | syscalls/msg | "
                     "× epoll | system calls per message |")
        lines.append("|---:|---:|---|---:|---:|---:|---:|---|")
        for row in results["counts"]:
            for s in servers:
                r = row["servers"].get(s)
                if r is None:
                    continue
                ir = r.get("instructions_per_msg")
                sc = r.get("syscalls_per_msg")
                by = ", ".join(f"{k} {v:g}" for k, v in r.get("syscalls_by_name", {}).items())
                lines.append(
                    f"| {row['connections']} | {size_label(row['size'])} | {s} | "
                    f"{'—' if ir is None else f'{ir:,.0f}'} | "
                    f"{r.get('instructions_ratio_to_epoll', 0):.2f} | "
                    f"{'—' if sc is None else f'{sc:.2f}'} | "
                    f"{r.get('syscalls_ratio_to_epoll', 0):.2f} | {by} |")
        for row in results["counts"]:
            for s in ("netkit", "epoll"):
                top = row["servers"].get(s, {}).get("top_functions")
                if not top:
                    continue
                lines.append("")
                lines.append(f"Where {s}'s instructions go, {row['connections']} connections × "
                             f"{size_label(row['size'])} (callgrind self cost per message, "
                             "differential):")
                lines.append("")
                lines.append("| Ir/msg | function |")
                lines.append("|---:|---|")
                for name, cost in top:
                    short = name if len(name) <= 110 else name[:107] + "..."
                    lines.append(f"| {cost:g} | `{short}` |")


def plot(results, path):
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    servers = [s for s in SERVERS if s != "epoll"
               and any(s in c["servers"] for c in results["cells"])]
    cells = results["cells"]
    labels = [f"{c['connections']}×{size_label(c['size'])}" for c in cells]
    width = 0.8 / max(len(servers), 1)
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(max(9, len(cells) * 0.95), 8), sharex=True)

    def bars(axis, value, clip=None):
        for i, s in enumerate(servers):
            xs = [k + (i - (len(servers) - 1) / 2) * width for k in range(len(cells))]
            ys = [value(c, s) or 0 for c in cells]
            axis.bar(xs, [min(y, clip) if clip else y for y in ys], width, label=s)
            for x, y in zip(xs, ys):
                if clip and y > clip:  # off the scale: say by how much
                    axis.text(x, clip * 0.98, f"{y:.1f}", ha="center", va="top", fontsize=7,
                              rotation=90, color="white")
        axis.axhline(1.0, color="black", linewidth=0.8)

    bars(ax, lambda c, s: c["servers"].get(s, {}).get("ratio_to_epoll"))
    ax.axhline(0.9, color="red", linewidth=0.8, linestyle="--", label="0.9× epoll")
    ax.set_ylabel("messages/s ÷ raw epoll loop\n(higher is better)")
    ax.set_title("Echo pingpong over loopback, relative to a raw epoll loop (same cell, same run)")
    top = max([c["servers"].get(s, {}).get("ratio_to_epoll") or 0 for c in cells for s in servers]
              + [1.0])
    ax.set_ylim(0, top * 1.25)
    ax.legend(ncol=len(servers) + 1, fontsize="small", loc="upper left")

    def cpu_ratio(c, s):
        base = c["servers"].get("epoll", {}).get("cpu_us_per_msg")
        mine = c["servers"].get(s, {}).get("cpu_us_per_msg")
        return mine / base if base and mine else None

    bars(ax2, cpu_ratio, clip=2.0)
    ax2.set_ylim(0, 2.0)
    ax2.set_ylabel("server CPU per message ÷ epoll's\n(lower is better)")
    ax2.set_xticks(range(len(cells)))
    ax2.set_xticklabels(labels, rotation=45, ha="right")
    ax2.set_xlabel("connections × message size")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def write_plot(results_path, png_path, plot_fn=None, script=None):
    """Draws plot_fn(results, png_path) (default: this script's plot), re-running `script
    --plot-only` under /usr/bin/python3 when this interpreter has no matplotlib."""
    try:
        import matplotlib  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        # Debian's python3-matplotlib lives with the system interpreter.
        if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
            subprocess.run(["/usr/bin/python3", os.path.abspath(script or __file__), "--plot-only",
                            results_path, "--out", os.path.dirname(png_path)],
                           check=True, timeout=120)
            return
        log("matplotlib not found: no plot")
        return
    with open(results_path) as f:
        (plot_fn or plot)(json.load(f), png_path)


# --- main -----------------------------------------------------------------------------------------

def parse_list(text):
    return [int(x) for x in text.split(",") if x]


def parse_cells(text):
    cells = []
    for item in text.split(","):
        c, s = item.split("x")
        cells.append((int(c), int(s)))
    return cells


def find_build():
    for d in ("build/release", "build/bench", "build"):
        path = os.path.join(REPO, d)
        if os.path.exists(os.path.join(path, "bench", "bench_echo_netkit")):
            return path
    return os.path.join(REPO, "build/release")


def git_commit():
    try:
        out = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10, check=False)
        return out.stdout.strip()
    except OSError:
        return ""


def machine_info():
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release(),
            "loadavg_before": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=None, help="the CMake build directory (Release)")
    p.add_argument("--netkit", default=None, help="the netkit tool (default BUILD/apps/netkit/netkit)")
    p.add_argument("--servers", default=",".join(SERVERS),
                   help="comma-separated subset of " + ",".join(SERVERS))
    p.add_argument("--connections", default="1,10,100,1000")
    p.add_argument("--sizes", default="16,4096,65536")
    p.add_argument("--cells", default=None, help="explicit cells, e.g. 10x4096,1x16")
    p.add_argument("--duration", type=float, default=3.0, help="seconds per server per cell")
    p.add_argument("--rounds", type=int, default=1, help="rounds per cell (median reported)")
    p.add_argument("--max-others", type=float, default=0.15,
                   help="re-measure when other processes used more than this share of a CPU")
    p.add_argument("--retries", type=int, default=2, help="re-measurements allowed (see --max-others)")
    p.add_argument("--count-messages", type=int, default=20000)
    p.add_argument("--count-connections", type=int, default=10)
    p.add_argument("--count-sizes", default="16,4096")
    p.add_argument("--no-throughput", action="store_true")
    p.add_argument("--no-callgrind", action="store_true")
    p.add_argument("--no-strace", action="store_true")
    p.add_argument("--quick", action="store_true",
                   help="smoke run: 0.3 s per cell, counts on 16 B with 2,000 messages")
    p.add_argument("--out", default=None, help="results directory (default BUILD/bench/echo_results)")
    p.add_argument("--plot-only", metavar="RESULTS_JSON", help=argparse.SUPPRESS)
    args = p.parse_args()

    if args.plot_only:
        os.makedirs(args.out, exist_ok=True)
        with open(args.plot_only) as f:
            plot(json.load(f), os.path.join(args.out, "ratios.png"))
        return 0

    args.build = os.path.abspath(args.build or find_build())
    args.netkit = args.netkit or os.path.join(args.build, "apps", "netkit", "netkit")
    args.out = os.path.abspath(args.out or os.path.join(args.build, "bench", "echo_results"))
    if args.quick:
        args.duration = min(args.duration, 0.3)
        args.count_messages = min(args.count_messages, 2000)
        args.count_sizes = "16"
        args.retries = 0
    args.cells = parse_cells(args.cells) if args.cells else [
        (c, s) for c in parse_list(args.connections) for s in parse_list(args.sizes)]
    args.count_sizes = parse_list(args.count_sizes)
    if not args.no_callgrind and not shutil.which("valgrind"):
        log("valgrind not found: no instruction counts")
        args.no_callgrind = True
    if not args.no_strace and not shutil.which("strace"):
        log("strace not found: no system call counts")
        args.no_strace = True

    binaries = {}
    for s in args.servers.split(","):
        path = os.path.join(args.build, "bench", f"bench_echo_{s}")
        if os.path.exists(path):
            binaries[s] = path
        else:
            log(f"{path} not built: {s} left out")
    if not os.path.exists(args.netkit) or "netkit" not in binaries:
        log(f"need {args.netkit} and bench_echo_netkit: build the netkit_app and "
            "bench_echo_servers targets (Release)")
        return 2
    for d in ("callgrind", "strace"):
        os.makedirs(os.path.join(args.out, d), exist_ok=True)

    t0 = time.monotonic()
    results = {
        "started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:]),
        "machine": machine_info(),
        "commit": git_commit(),
        "settings": {"duration": args.duration, "rounds": args.rounds,
                     "max_others": args.max_others, "retries": args.retries,
                     "count_messages": args.count_messages,
                     "count_connections": args.count_connections},
        "cells": [], "counts": []}
    if not args.no_throughput:
        log(f"throughput: {len(args.cells)} cells x {len(binaries)} servers x {args.duration} s")
        results["cells"] = throughput(args, binaries)
    if not (args.no_callgrind and args.no_strace):
        log("counts: instructions (callgrind) and system calls (strace) per message")
        results["counts"] = counts(args, binaries)
    results["machine"]["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    results["seconds"] = round(time.monotonic() - t0, 1)

    json_path = os.path.join(args.out, "results.json")
    with open(json_path, "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write(markdown(results))
    if results["cells"]:
        write_plot(json_path, os.path.join(args.out, "ratios.png"))
    log(f"done in {results['seconds']} s: {args.out}/results.{{json,md}}, ratios.png")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
