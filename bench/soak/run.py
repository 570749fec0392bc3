#!/usr/bin/env python3
"""The soak: mixed echo + HTTP load on one netkit server process for a fixed time, with the
server's memory and descriptors sampled every second.

    python3 bench/soak/run.py --build build/release --duration 60 --out /tmp/soak

Starts bench_soak_server (a reactor_pool of --threads loops serving echo and HTTP, pinned to
one CPU) and bench_soak_load (the load generator, pinned to another; see soak_load.cpp for
what it sends and checks), with two static files (1 KiB, 1 MiB of random bytes) in a temporary
directory. Every second it reads the server's /proc: VmRSS, VmHWM, Threads, the entries of
/proc/PID/fd, utime + stime; and the load's JSON line (its totals and errors by kind). When the
load has ended it waits for the server's descriptors to come back to where they were before the
load began, then stops the server with SIGTERM.

Writes to --out: samples.csv (one row a second), summary.json, server.stderr, load.stderr and
soak.png (RSS, descriptors, throughput and errors over time; matplotlib, skipped with a message
when it is not installed). Prints a summary. Exits 0 only when every bar is met:
  - errors: the load counted none (and exited 0), the server wrote nothing on stderr;
  - progress: echoes, HTTP requests and bad requests were all done (a load that did nothing
    would pass everything else);
  - memory: RSS at the end of the load minus RSS after the warm-up (the first 10% of the run)
    is at most 8 MiB (--rss-bar-mib);
  - descriptors: back to the count before the load within 10 s of the load's end;
  - the server exits 0 on SIGTERM, within 10 s.
Every process started is stopped and reaped; every wait has a deadline.
"""
import argparse
import csv
import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
MIB = 1024 * 1024

# The static files the load fetches: (request path, size).
STATIC_FILES = [("/f1k.bin", 1024), ("/f1m.bin", 1024 * 1024)]

FIELDS = ["t", "rss_kib", "hwm_kib", "fds", "threads", "cpu_s", "echoes", "requests", "bad",
          "errors", "open", "load_running"]


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- the server's /proc --------------------------------------------------------------------------

def proc_status(pid):
    """VmRSS and VmHWM (KiB) and Threads from /proc/PID/status."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
            elif key == "Threads":
                out[key] = int(value)
    return out


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime (fields 14 and 15)


def sample(pid):
    status = proc_status(pid)
    if "VmRSS" not in status:  # a zombie: the server has ended
        raise ProcessLookupError(f"process {pid} has ended")
    return {"rss_kib": status["VmRSS"], "hwm_kib": status["VmHWM"], "fds": fd_count(pid),
            "threads": status["Threads"], "cpu_s": round(cpu_seconds(pid), 2)}


# --- processes -----------------------------------------------------------------------------------

def cpus():
    """Two CPUs to pin the server and the load to, or None when there are fewer than two."""
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2 or not shutil.which("taskset"):
        return None
    return allowed[0], allowed[1]


def read_lines(proc, count, timeout):
    """The first `count` lines of proc's stdout, within timeout seconds."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = proc.stdout.fileno()
    while data.count(b"\n") < count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise RuntimeError(f"the server did not print {count} lines in {timeout} s: {data!r}")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise RuntimeError(f"the server ended before printing its addresses: {data!r}")
        data += chunk
    return data.decode().splitlines()[:count]


def stop(proc, timeout=10.0):
    """SIGTERM, then SIGKILL after timeout; returns (exit status, whether SIGTERM was enough)."""
    if proc.poll() is not None:
        return proc.returncode, True
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=timeout)
        return proc.returncode, True
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
        return proc.returncode, False


class LoadReader(threading.Thread):
    """Reads the load's JSON lines as they come; `latest` is the last one."""

    def __init__(self, proc):
        super().__init__(daemon=True)
        self.proc = proc
        self.lines = []
        self.latest = {}
        self.bad_lines = []
        self.lock = threading.Lock()

    def run(self):
        for raw in self.proc.stdout:
            try:
                record = json.loads(raw)
            except ValueError:
                self.bad_lines.append(raw.decode(errors="replace").rstrip())
                continue
            with self.lock:
                self.lines.append(record)
                self.latest = record

    def snapshot(self):
        with self.lock:
            return dict(self.latest)


def make_files(directory, seed):
    """The static files, random bytes from `seed`; returns the load's --file arguments."""
    rnd = random.Random(seed)
    args = []
    for path, size in STATIC_FILES:
        data = rnd.randbytes(size)
        with open(os.path.join(directory, path.lstrip("/")), "wb") as f:
            f.write(data)
        args += ["--file", f"{path}:{size}:{zlib.crc32(data):08x}"]
    return args


# --- the run -------------------------------------------------------------------------------------

def soak(args, out):
    server_bin = os.path.join(args.build, "bench", "bench_soak_server")
    load_bin = os.path.join(args.build, "bench", "bench_soak_load")
    for b in (server_bin, load_bin):
        if not os.access(b, os.X_OK):
            raise SystemExit(f"run.py: {b} not found: build the bench_soak target in {args.build} "
                             "(-DNETKIT_BUILD_BENCH=ON)")
    pin = cpus()
    server_wrap = ["taskset", "-c", str(pin[0])] if pin else []
    load_wrap = ["taskset", "-c", str(pin[1])] if pin else []
    if not pin:
        log("run.py: fewer than 2 CPUs (or no taskset): server and load are not pinned")

    root = tempfile.mkdtemp(prefix="netkit-soak-")
    server = load = None
    server_err = open(os.path.join(out, "server.stderr"), "wb")
    load_err = open(os.path.join(out, "load.stderr"), "wb")
    result = {"samples": [], "load_lines": []}
    try:
        file_args = make_files(root, args.seed)
        server = subprocess.Popen(
            server_wrap + [server_bin, "--threads", str(args.threads), "--root", root],
            stdout=subprocess.PIPE, stderr=server_err)
        lines = read_lines(server, 2, 30)
        addresses = dict(line.split(" ", 1) for line in lines)
        if set(addresses) != {"echo", "http"}:
            raise RuntimeError(f"unexpected server lines: {lines}")
        # taskset execs the server: the pid is the server's own.
        pid = server.pid
        baseline = sample(pid)
        result["baseline"] = baseline
        log(f"run.py: server pid {pid}: echo {addresses['echo']}, http {addresses['http']}; "
            f"{baseline['fds']} descriptors, RSS {baseline['rss_kib']} KiB before the load")

        load = subprocess.Popen(
            load_wrap + [load_bin, "--echo", addresses["echo"], "--http", addresses["http"],
                         "--duration", str(args.duration),
                         "--echo-connections", str(args.echo_connections),
                         "--http-connections", str(args.http_connections),
                         "--churn", str(args.churn), "--bad-rate", str(args.bad_rate),
                         "--seed", str(args.seed)] + file_args,
            stdout=subprocess.PIPE, stderr=load_err)
        reader = LoadReader(load)
        reader.start()
        start = time.monotonic()
        # Bounded: the load stops itself at its deadline; 60 s more and it is killed.
        hard_deadline = start + args.duration + 60
        next_sample = start + 1.0
        while True:
            load_running = load.poll() is None
            if not load_running:
                break
            if time.monotonic() > hard_deadline:
                load.kill()
                result["load_overrun"] = True
                break
            if server.poll() is not None:
                result["server_died"] = server.returncode
                break
            time.sleep(max(0.0, next_sample - time.monotonic()))  # the sampling period
            next_sample += 1.0
            # A sample counts as "during the load" only if the load was still running after
            # it was taken (its last line not yet printed).
            try:
                s = sample(pid)
            except OSError:
                continue  # the server is gone; seen on the next pass
            s["t"] = round(time.monotonic() - start, 2)
            latest = reader.snapshot()
            during = load.poll() is None and not latest.get("final")
            s.update(echoes=latest.get("echoes", 0), requests=latest.get("requests", 0),
                     bad=latest.get("bad", 0), errors=sum(latest.get("errors", {}).values()),
                     open=latest.get("open", 0), load_running=int(during))
            result["samples"].append(s)
        load.wait(timeout=30)
        reader.join(timeout=10)
        result["load_exit"] = load.returncode
        result["load_lines"] = reader.lines
        result["load_bad_lines"] = reader.bad_lines

        # Descriptors after the load: the server closes its side of each connection as it
        # hears of the close; give it 10 s (a poll, not a fixed sleep).
        deadline = time.monotonic() + 10
        fds_after = None
        while server.poll() is None:
            fds_after = fd_count(pid)
            if fds_after == baseline["fds"] or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        result["fds_after_load"] = fds_after
        if server.poll() is None:
            final = sample(pid)
            final.update(t=round(time.monotonic() - start, 2), echoes=0, requests=0, bad=0,
                         errors=0, open=0, load_running=0)
            last = reader.snapshot()
            final.update(echoes=last.get("echoes", 0), requests=last.get("requests", 0),
                         bad=last.get("bad", 0), errors=sum(last.get("errors", {}).values()))
            result["samples"].append(final)
        result["server_cpu_s"] = cpu_seconds(pid) if server.poll() is None else None
        code, clean = stop(server)
        result["server_exit"] = code
        result["server_stopped_by_sigterm"] = clean
    finally:
        for p in (load, server):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        for f in (server_err, load_err):
            f.close()
        shutil.rmtree(root, ignore_errors=True)
    with open(os.path.join(out, "server.stderr"), errors="replace") as f:
        result["server_stderr"] = f.read().splitlines()
    return result


# --- verdict -------------------------------------------------------------------------------------

def judge(args, result):
    """Figures and bars; returns (summary dict, list of failed bars)."""
    samples = [s for s in result["samples"] if s["load_running"]]
    lines = result["load_lines"]
    final = lines[-1] if lines else {}
    failures = []
    summary = {
        "duration_s": args.duration, "threads": args.threads,
        "echo_connections": args.echo_connections, "http_connections": args.http_connections,
        "echoes": final.get("echoes", 0), "echo_bytes": final.get("echo_bytes", 0),
        "requests": final.get("requests", 0), "http_bytes": final.get("http_bytes", 0),
        "bad_requests": final.get("bad", 0), "connects": final.get("connects", 0),
        "churn": final.get("churn", {}), "errors": final.get("errors", {}),
        "load_exit": result.get("load_exit"), "server_exit": result.get("server_exit"),
        "server_cpu_s": result.get("server_cpu_s"),
    }

    if not final.get("final"):
        failures.append("the load did not print its final line")
    if result.get("load_overrun"):
        failures.append("the load did not stop at its deadline (killed)")
    if "server_died" in result:
        failures.append(f"the server died during the load (status {result['server_died']})")
    if summary["errors"]:
        failures.append(f"errors: {summary['errors']}")
    if result.get("load_exit") != 0:
        failures.append(f"the load exited {result.get('load_exit')}")
    if result.get("load_bad_lines"):
        failures.append(f"the load printed lines that are not JSON: {result['load_bad_lines'][:3]}")
    if result["server_stderr"]:
        failures.append(f"the server wrote on stderr: {result['server_stderr'][:5]}")
    for name, key in (("echoes", "echoes"), ("HTTP requests", "requests"),
                      ("bad requests", "bad_requests")):
        wanted = not (key == "echoes" and args.echo_connections == 0) and \
            not (key == "requests" and args.http_connections == 0) and \
            not (key == "bad_requests" and args.bad_rate == 0)
        if wanted and summary[key] == 0:
            failures.append(f"no {name} were done")

    # Memory: the first sample at or after the warm-up (10% of the run) against the last one
    # taken while the load ran.
    if samples:
        warm_t = args.duration * args.warmup
        warm = next((s for s in samples if s["t"] >= warm_t), samples[-1])
        end = samples[-1]
        growth = (end["rss_kib"] - warm["rss_kib"]) / 1024
        summary.update(
            rss_before_load_mib=round(result["baseline"]["rss_kib"] / 1024, 2),
            rss_after_warmup_mib=round(warm["rss_kib"] / 1024, 2), rss_warmup_t=warm["t"],
            rss_max_mib=round(max(s["rss_kib"] for s in samples) / 1024, 2),
            rss_end_mib=round(end["rss_kib"] / 1024, 2),
            rss_growth_mib=round(growth, 2),
            hwm_end_mib=round(end["hwm_kib"] / 1024, 2))
        if growth > args.rss_bar_mib:
            failures.append(f"RSS grew {growth:.2f} MiB after the warm-up (bar: "
                            f"{args.rss_bar_mib} MiB)")
        requests = summary["echoes"] + summary["requests"]
        if requests:
            summary["rss_growth_bytes_per_exchange"] = round(growth * MIB / requests, 3)
        fds = [s["fds"] for s in samples]
        summary.update(fds_before_load=result["baseline"]["fds"], fds_min=min(fds),
                       fds_max=max(fds), fds_end_of_load=fds[-1],
                       load_open_at_end=end["open"],
                       fds_after_load=result.get("fds_after_load"))
        summary["server_threads"] = end["threads"]
    else:
        failures.append("no samples were taken")
    if result.get("fds_after_load") != result["baseline"]["fds"]:
        failures.append(f"descriptors after the load: {result.get('fds_after_load')}, before: "
                        f"{result['baseline']['fds']} (not back within 10 s)")
    if result.get("server_exit") != 0 or not result.get("server_stopped_by_sigterm"):
        failures.append(f"the server's exit on SIGTERM: status {result.get('server_exit')}"
                        + ("" if result.get("server_stopped_by_sigterm") else " (killed)"))
    return summary, failures


def print_summary(summary, failures):
    s = summary
    print(f"soak: {s['duration_s']} s, {s['threads']} server threads, "
          f"{s['echo_connections']} echo + {s['http_connections']} HTTP connections")
    print(f"  echoes {s['echoes']} ({s['echo_bytes'] / MIB:.0f} MiB), HTTP requests "
          f"{s['requests']} ({s['http_bytes'] / MIB:.0f} MiB), bad requests refused "
          f"{s['bad_requests']}, connections opened {s['connects']}, churn {s['churn']}")
    print(f"  errors: {s['errors'] or 'none'}")
    if "rss_end_mib" in s:
        print(f"  RSS MiB: before load {s['rss_before_load_mib']}, after warm-up "
              f"{s['rss_after_warmup_mib']} (t={s['rss_warmup_t']} s), max {s['rss_max_mib']}, "
              f"end {s['rss_end_mib']} (growth {s['rss_growth_mib']}, "
              f"{s.get('rss_growth_bytes_per_exchange', 0)} B per exchange), "
              f"VmHWM {s['hwm_end_mib']}")
        print(f"  descriptors: before load {s['fds_before_load']}, min {s['fds_min']}, max "
              f"{s['fds_max']}, end of load {s['fds_end_of_load']} (load had "
              f"{s['load_open_at_end']} open), after load {s['fds_after_load']}")
    if s.get("server_cpu_s") is not None:
        print(f"  server CPU {s['server_cpu_s']:.1f} s; exit status on SIGTERM {s['server_exit']}")
    if failures:
        print("FAIL:")
        for f in failures:
            print(f"  - {f}")
    else:
        print("PASS: zero errors, flat RSS, descriptors back to baseline, clean exit")


# --- output --------------------------------------------------------------------------------------

def write_csv(samples, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS)
        w.writeheader()
        for s in samples:
            w.writerow({k: s.get(k, "") for k in FIELDS})


def plot(csv_path, png_path):
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel

    with open(csv_path) as f:
        rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    t = [r["t"] for r in rows]
    # Throughput from the load's own lines (load.jsonl, next to the CSV) when there: they are
    # timed by the load, while the samples' clock beats against the load's and would alias.
    load_path = os.path.join(os.path.dirname(csv_path), "load.jsonl")
    counts = rows
    if os.path.exists(load_path):
        with open(load_path) as f:
            counts = [json.loads(line) for line in f if line.strip()]
    rate_t = [r["t"] for r in counts]
    rate = lambda key: [0.0] + [  # noqa: E731  per second, from the cumulative counts
        max(0.0, (b[key] - a[key]) / max(b["t"] - a["t"], 1e-9))
        for a, b in zip(counts, counts[1:])]
    fig, axes = plt.subplots(4, 1, figsize=(10, 11), sharex=True)
    axes[0].plot(t, [r["rss_kib"] / 1024 for r in rows], label="VmRSS")
    axes[0].plot(t, [r["hwm_kib"] / 1024 for r in rows], label="VmHWM", linestyle="--")
    axes[0].set_ylabel("server memory (MiB)")
    axes[0].set_ylim(bottom=0)
    axes[0].legend()
    axes[1].plot(t, [r["fds"] for r in rows], label="server descriptors")
    axes[1].plot(t, [r["open"] for r in rows], label="load's open connections", linestyle="--")
    axes[1].set_ylabel("descriptors")
    axes[1].set_ylim(bottom=0)
    axes[1].legend()
    axes[2].plot(rate_t, rate("requests"), label="HTTP requests/s")
    axes[2].plot(rate_t, rate("echoes"), label="echoes/s")
    axes[2].set_ylabel("throughput (per second)")
    axes[2].set_ylim(bottom=0)
    axes[2].legend(loc="lower left")
    bad_axis = axes[2].twinx()  # a trickle: its own scale
    bad_axis.plot(rate_t, rate("bad"), label="bad requests/s (right)", color="green",
                  linestyle=":")
    bad_axis.set_ylabel("bad requests/s")
    bad_axis.set_ylim(bottom=0)
    bad_axis.legend(loc="lower right")
    axes[3].plot(t, [r["errors"] for r in rows], color="red", label="errors (cumulative)")
    axes[3].set_ylabel("errors")
    axes[3].set_ylim(bottom=0, top=max(1.0, max((r["errors"] for r in rows), default=0) * 1.1))
    axes[3].set_xlabel("seconds since the load began")
    axes[3].legend()
    fig.suptitle("netkit soak: one server, mixed echo + HTTP load")
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)


def write_plot(csv_path, png_path):
    try:
        import matplotlib  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        # Debian's python3-matplotlib lives with the system interpreter.
        system = "/usr/bin/python3"
        if os.path.realpath(sys.executable) != os.path.realpath(system) and \
                os.path.exists(system):
            done = subprocess.run([system, os.path.abspath(__file__), "--plot-only", csv_path,
                                   png_path], timeout=120, check=False)
            if done.returncode == 0:
                return True
        log("run.py: matplotlib not found (apt-get install python3-matplotlib): no plot")
        return False
    plot(csv_path, png_path)
    return True


# --- main ----------------------------------------------------------------------------------------

def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--plot-only":
        plot(sys.argv[2], sys.argv[3])
        return 0
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default=os.path.join(REPO, "build", "release"),
                   help="build directory holding bench/bench_soak_{server,load} (Release)")
    p.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    p.add_argument("--out", default="soak-out", help="directory for the CSV, plot and summary")
    p.add_argument("--threads", type=int, default=2, help="server loops (default 2)")
    p.add_argument("--echo-connections", type=int, default=8)
    p.add_argument("--http-connections", type=int, default=16)
    p.add_argument("--churn", type=float, default=0.1,
                   help="share of the connections replaced every second (default 0.1)")
    p.add_argument("--bad-rate", type=float, default=20, help="bad requests per second")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warmup", type=float, default=0.1,
                   help="share of the run before RSS is taken as the reference (default 0.1)")
    p.add_argument("--rss-bar-mib", type=float, default=8.0,
                   help="allowed RSS growth after the warm-up, MiB (default 8)")
    args = p.parse_args()
    if not 0 < args.duration <= 7 * 24 * 3600:
        p.error("--duration: (0, 604800] seconds")
    if not 0 <= args.warmup < 1:
        p.error("--warmup: [0, 1)")
    args.build = os.path.abspath(args.build)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)

    result = soak(args, out)
    summary, failures = judge(args, result)
    summary["failures"] = failures
    csv_path = os.path.join(out, "samples.csv")
    write_csv(result["samples"], csv_path)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    with open(os.path.join(out, "load.jsonl"), "w") as f:
        for line in result["load_lines"]:
            f.write(json.dumps(line) + "\n")
    if write_plot(csv_path, os.path.join(out, "soak.png")):
        log(f"run.py: plot {os.path.join(out, 'soak.png')}")
    print_summary(summary, failures)
    log(f"run.py: samples.csv, summary.json, load.jsonl, server.stderr in {out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
