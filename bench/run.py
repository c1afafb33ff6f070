#!/usr/bin/env python3
"""lwbs benchmark harness: lwbsd and `lwbs bench` on loopback, the client
pinned to one core and lwbsd to another where there are two, and a markdown
table of bootstraps/s, lwbsd CPU time per bootstrap (user+sys from
/proc/<pid>/stat, the kernel's accounting) and lwbsd peak RSS (VmHWM), per
security mode; the bare-DTLS-handshake ceiling (bench/dtls_ceiling.c);
and, with --scale, the scale figures: a 1,000,000-device policy's load time
and memory, lwbsd's memory with clients stalled mid-session, and memory
after many bootstraps against after the first thousand. --instructions N
adds lwbsd's user-space instructions per bootstrap (valgrind's callgrind),
which do not move with the machine's load.

Not part of `meson test`. Numbers depend on the machine: say which.

usage: bench/run.py [--build DIR] [--out FILE] [-n N] [--repeat K] [--scale]
                    [--stall N] [--growth N] [--devices N] [--instructions N]
"""
import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "000102030405060708090a0b0c0d0e0f"
TICK = os.sysconf("SC_CLK_TCK")

SERVERS = """servers:
  - id: dm
    uri: coap://127.0.0.1:5783
    short_server_id: 101
    lifetime: 300
    binding: U
    notification_storing: true
    security: nosec
"""
DEVICES = f"""devices:
  - endpoint_pattern: "bench-*"
    bootstrap: {{nosec: true}}
    servers: [dm]
  - endpoint_pattern: "psk-*"
    bootstrap:
      psk: {{identity: fleet, key_hex: "{KEY}"}}
    servers: [dm]
"""


def build(bdir):
    """Release build against the current dependency build (packaging/deps.sh):
    reconfigured every time, so a patch to libcoap or a wolfSSL flag change
    (a new deps prefix) is never measured against the old one."""
    prefix = subprocess.run(["bash", os.path.join(ROOT, "packaging/deps.sh")], check=True,
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    # An option, not PKG_CONFIG_PATH: meson ignores the variable on --reconfigure.
    pc = "-Dpkg_config_path=" + os.path.join(prefix, "lib/pkgconfig")
    again = ["--reconfigure"] if os.path.exists(os.path.join(bdir, "build.ninja")) else []
    subprocess.run(["meson", "setup", *again, bdir, ROOT, "-Dbuildtype=release", pc],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", bdir], check=True, stdout=subprocess.DEVNULL)


def pin(core):
    """taskset prefix for one core, or nothing on a one-CPU machine."""
    if shutil.which("taskset") and len(os.sched_getaffinity(0)) >= 2:
        return ["taskset", "-c", str(core)]
    return []


def free_ports():
    import socket
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])  # kB
    return 0


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


class Server:
    """lwbsd with one worker, pinned (or run under `wrap`), stderr to a log file."""

    def __init__(self, bdir, settings="", policy_dir=None, wrap=None):
        self.dir = tempfile.mkdtemp(prefix="lwbs-bench-")
        self.coap, self.coaps = free_ports()
        if policy_dir is None:
            policy_dir = os.path.join(self.dir, "policy")
            os.mkdir(policy_dir)
            with open(os.path.join(policy_dir, "00.yaml"), "w") as f:
                f.write(f"lwbsd:\n  listen: [127.0.0.1]\n  coap_port: {self.coap}\n"
                        f"  coaps_port: {self.coaps}\n  workers: 1\n"
                        f"  audit_log: {self.dir}/audit.jsonl\n{settings}"
                        + SERVERS + DEVICES)
        self.log = open(os.path.join(self.dir, "lwbsd.log"), "w")
        self.proc = subprocess.Popen((wrap or pin(1)) + [os.path.join(bdir, "src/cmd/lwbsd"),
                                                         "-c", policy_dir],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while "started" not in open(self.log.name).read():
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("lwbsd did not start: " + open(self.log.name).read())
            time.sleep(0.05)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def bench(bdir, args, core=0):
    p = subprocess.run(pin(core) + [os.path.join(bdir, "src/cmd/lwbs"), "bench", "--json",
                                    "--quiet", *args],
                       capture_output=True, text=True)
    if not p.stdout.strip():
        raise RuntimeError("lwbs bench failed: " + p.stderr)
    return json.loads(p.stdout)


MODES = [
    ("NoSec", lambda s: ["-s", f"coap://127.0.0.1:{s.coap}"]),
    ("PSK, DTLS 1.2 TLS_PSK_WITH_AES_128_CCM_8",
     lambda s: ["-s", f"coaps://127.0.0.1:{s.coaps}", "--endpoint-prefix", "psk-",
                "--psk-identity-prefix", "fleet", "--psk-shared", "--psk-key", KEY,
                "--ciphers", "PSK-AES128-CCM-8"]),
    ("PSK, DTLS 1.3 (libcoap's default offer)",
     lambda s: ["-s", f"coaps://127.0.0.1:{s.coaps}", "--endpoint-prefix", "psk-",
                "--psk-identity-prefix", "fleet", "--psk-shared", "--psk-key", KEY]),
]


def measure(bdir, srv, name, args, n, conc):
    """n bootstraps of `lwbs bench args` against srv after a 200-bootstrap
    warm-up: lwbsd's CPU per bootstrap and peak RSS, the generator's rate and
    latency. Stops srv."""
    try:
        bench(bdir, args + ["-n", "200", "-c", "20"])  # warm-up
        cpu0 = cpu_seconds(srv.proc.pid)
        s = bench(bdir, args + ["-n", str(n), "-c", str(conc)])
        cpu = cpu_seconds(srv.proc.pid) - cpu0
        hwm = proc_status(srv.proc.pid, "VmHWM")
    finally:
        srv.stop()
    ok = s["succeeded"]
    return {"mode": name, "succeeded": ok, "failed": s["failed"],
            "rate": s["bootstraps_per_s"], "p50_ms": s["latency_us"]["p50"] / 1e3,
            "p99_ms": s["latency_us"]["p99"] / 1e3,
            "cpu_us": cpu / ok * 1e6 if ok else 0.0, "hwm_mib": hwm / 1024}


def run_mode(bdir, name, args_of, n, conc):
    srv = Server(bdir)
    return measure(bdir, srv, name, args_of(srv), n, conc)


def instructions(bdir, n):
    """Per mode (NoSec, PSK CCM-8), the user-space instructions lwbsd runs per
    bootstrap, counted by valgrind's callgrind from the end of a 200-bootstrap
    warm-up to exit. Kernel work is not in it, and lwbsd runs some 50x
    slower, so 5 in flight; but unlike CPU time the count does not move with
    other work on the machine, so two builds compare exactly."""
    if not shutil.which("valgrind"):
        sys.exit("--instructions needs valgrind (apt-get install valgrind)")
    out = []
    for name, args_of in MODES[:2]:  # NoSec and PSK CCM-8
        with tempfile.TemporaryDirectory(prefix="lwbs-callgrind-") as cg:
            dump = os.path.join(cg, "callgrind.out")
            srv = Server(bdir, wrap=["valgrind", "--tool=callgrind",
                                     "--callgrind-out-file=" + dump])
            try:
                bench(bdir, args_of(srv) + ["-n", "200", "-c", "5"])
                subprocess.run(["callgrind_control", "--zero", str(srv.proc.pid)], check=True,
                               stdout=subprocess.DEVNULL)
                s = bench(bdir, args_of(srv) + ["-n", str(n), "-c", "5"])
            finally:
                srv.stop()
            with open(dump) as f:
                total = int(re.search(r"^(?:summary|totals): (\d+)", f.read(), re.M).group(1))
        ok = s["succeeded"]
        out.append({"mode": name, "succeeded": ok, "failed": s["failed"],
                    "per_bootstrap": total / ok if ok else 0.0})
    return out


def run_cert(bdir, n, c):
    """ECDHE-ECDSA P-256 with a certificate per client (CN = its endpoint name),
    minted by `lwbs bench --issuer` from the CA `lwbs ca init` made for the
    policy, c in flight."""
    d = tempfile.mkdtemp(prefix="lwbs-bench-pki-")
    pol = f"{d}/policy"
    os.mkdir(pol)
    subprocess.run([os.path.join(bdir, "src/cmd/lwbs"), "ca", "init", "--policy", pol,
                    "--host", "localhost"], check=True, capture_output=True)
    coap, coaps = free_ports()
    with open(f"{pol}/00.yaml", "w") as f:
        f.write(f"lwbsd:\n  listen: [127.0.0.1]\n  coap_port: {coap}\n  coaps_port: {coaps}\n"
                f"  workers: 1\n  certificate: certs/server/lwbsd.pem\n"
                "  key: certs/private/lwbsd.key\n"
                + SERVERS + "devices:\n  - endpoint_pattern: \"bench-*\"\n"
                "    bootstrap: {certificate: {match: cn}}\n    servers: [dm]\n")
    args = ["-s", f"coaps://127.0.0.1:{coaps}", "--issuer", pol, "--ca",
            f"{pol}/certs/ca.pem", "--ciphers", "ECDHE-ECDSA-AES128-CCM-8"]
    try:
        return measure(bdir, Server(bdir, policy_dir=pol),
                       "DTLS 1.2 ECDHE-ECDSA-AES128-CCM-8, P-256, a certificate per client",
                       args, n, c)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def ceiling(bdir):
    """Bare handshakes over in-memory queues (crypto and protocol only) and
    over loopback UDP sockets (plus the kernel's datagram path)."""
    out = {}
    for wire in ("memory", "udp"):
        p = subprocess.run(pin(1) + [os.path.join(bdir, "bench/dtls_ceiling"),
                                     *(["--udp"] if wire == "udp" else []), "5000"],
                           capture_output=True, text=True, check=True)
        out[wire] = json.loads(p.stdout)
    return out


def policy_load(bdir, devices):
    d = tempfile.mkdtemp(prefix="lwbs-1m-")
    subprocess.run([sys.executable, os.path.join(ROOT, "bench/gen_policy.py"), d,
                    "--devices", str(devices)], check=True)
    t0 = time.time()
    p = subprocess.Popen([os.path.join(bdir, "src/cmd/lwbsd"), "-n", "-c", d],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.time() - t0
    shutil.rmtree(d, ignore_errors=True)
    return {"devices": devices, "seconds": secs, "cpu_seconds": ru.ru_utime + ru.ru_stime,
            "max_rss_mib": ru.ru_maxrss / 1024, "ok": os.waitstatus_to_exitcode(status) == 0}


def held_sessions(log, counts):
    """Update counts from the new lines of lwbsd's log; sessions held now."""
    for line in log.read().splitlines():
        if " admitted (" in line:
            counts["admitted"] += 1
        elif "' from " in line and (line.endswith(" bootstrapped") or " failed (" in line):
            counts["ended"] += 1
    return counts["admitted"] - counts["ended"]


def stalled(bdir, clients):
    """lwbsd's memory with `clients` NoSec clients stalled after one answer:
    VmRSS growth over the sessions lwbsd held at the moment it held most
    (its log says how many: admitted minus ended), sampled each second.
    lwbsd still gives a stalled request up after libcoap's MAX_TRANSMIT_WAIT
    (93 s), so sessions admitted early may end before the last are in."""
    srv = Server(bdir, "  session_timeout: 600\n  exchange_timeout: 600\n")
    # Each lwbs bench process gets its own source address (127.0.0.2, .3, ...):
    # one address gives ~28,000 ephemeral ports toward one server port, and
    # one process as many sockets as its open-file limit allows.
    per = 16000
    hold = 40 + clients // 1000
    counts = {"admitted": 0, "ended": 0}
    best = (0, 0)  # (held, VmRSS kB)
    try:
        base = proc_status(srv.proc.pid, "VmRSS")
        procs = []
        for k, first in enumerate(range(0, clients, per)):
            n = min(per, clients - first)
            procs.append(subprocess.Popen(
                pin(0) + [os.path.join(bdir, "src/cmd/lwbs"), "bench", "--json", "--quiet",
                          "-s", f"coap://127.0.0.1:{srv.coap}", "-c", str(n), "-n", str(n),
                          "--first", str(first), "--stall-after", "1",
                          "--source", f"127.0.0.{2 + k}",
                          "--duration", str(hold), "--timeout", str(hold)],
                stdout=subprocess.PIPE, text=True))
        with open(srv.log.name) as log:
            for _ in range(hold - 3):
                time.sleep(1)
                held = held_sessions(log, counts)
                if held > best[0]:
                    best = (held, proc_status(srv.proc.pid, "VmRSS"))
        hwm = proc_status(srv.proc.pid, "VmHWM")
        stalled_clients = 0
        for p in procs:
            out, _ = p.communicate()
            stalled_clients += json.loads(out)["stalled"]
    finally:
        srv.stop()
    return {"clients": clients, "stalled": stalled_clients, "admitted": counts["admitted"],
            "held": best[0], "rss_mib": best[1] / 1024, "hwm_mib": hwm / 1024,
            "per_session_kib": (best[1] - base) / max(best[0], 1)}


def growth(bdir, total):
    srv = Server(bdir)
    args = ["-s", f"coap://127.0.0.1:{srv.coap}", "-c", "50"]
    try:
        bench(bdir, args + ["-n", "1000"])
        first = proc_status(srv.proc.pid, "VmRSS")
        s = bench(bdir, args + ["-n", str(total - 1000), "--first", "1000"])
        after = proc_status(srv.proc.pid, "VmRSS")
    finally:
        srv.stop()
    return {"bootstraps": total, "failed": s["failed"], "rss_first_kib": first,
            "rss_after_kib": after}


def best_of(rounds):
    """Per mode, the round with the least lwbsd CPU per bootstrap (other
    work on a shared machine only ever adds to it), with the median of all
    rounds as 'cpu_median'; the ceilings' least CPU per handshake likewise."""
    results = []
    for runs in zip(*(r for r, _ in rounds)):
        cpus = sorted(x["cpu_us"] for x in runs)
        best = dict(min(runs, key=lambda x: x["cpu_us"]), cpu_median=cpus[len(cpus) // 2])
        best["failed"] = sum(x["failed"] for x in runs)
        results.append(best)
    ceil = {w: min((c[w] for _, c in rounds), key=lambda c: c["server_cpu_us_per_handshake"])
            for w in rounds[0][1]}
    return results, ceil


def table(results, ceil, scale, repeat=1, instr=None):
    cpu_head = f"best of {repeat} (median)" if repeat > 1 else ""
    out = [f"| mode | bootstraps/s | lwbsd CPU µs/bootstrap {cpu_head} | lwbsd peak RSS MiB | "
           "p50 ms | p99 ms | failed |", "|---|---|---|---|---|---|---|"]
    for r in results:
        cpu = f"{r['cpu_us']:.0f}" + (f" ({r['cpu_median']:.0f})" if repeat > 1 else "")
        out.append(f"| {r['mode']} | {r['rate']:.0f} | {cpu} | {r['hwm_mib']:.1f}"
                   f" | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['failed']} |")
    psk = next(r for r in results if "CCM_8" in r["mode"])
    out += ["", "Ceiling (bench/dtls_ceiling, bare DTLS 1.2 PSK-AES128-CCM-8 handshakes, "
            f"same wolfSSL, no CoAP); lwbsd PSK: {psk['cpu_us']:.0f} µs per bootstrap:", ""]
    for wire, what in (("memory", "in-memory datagrams (crypto and protocol only)"),
                       ("udp", "loopback UDP sockets (plus the kernel's datagram path)")):
        c = ceil[wire]
        out.append(f"* {what}: {c['server_cpu_us_per_handshake']:.0f} µs server CPU per "
                   f"handshake = {c['server_handshakes_per_cpu_s']:.0f} handshakes per "
                   f"CPU-second; lwbsd = {100 * c['server_cpu_us_per_handshake'] / psk['cpu_us']:.0f}"
                   " % of it (per core).")
    nosec = next(r for r in results if r["mode"] == "NoSec")
    both = ceil["udp"]["server_cpu_us_per_handshake"] + nosec["cpu_us"]
    out.append(f"* a bare handshake over UDP plus lwbsd's NoSec bootstrap (the same exchanges "
               f"unencrypted): {both:.0f} µs; lwbsd PSK = {100 * both / psk['cpu_us']:.0f} % of "
               "it (what is left is record protection and the DTLS session in libcoap).")
    if instr:
        out += ["", "| mode | lwbsd user-space instructions per bootstrap (callgrind) | "
                "bootstraps | failed |", "|---|---|---|---|"]
        for r in instr:
            out.append(f"| {r['mode']} | {r['per_bootstrap']:,.0f} | {r['succeeded']:,} | "
                       f"{r['failed']} |")
    if scale:
        pl, st, gr = scale
        out += ["", "| scale figure | measured |", "|---|---|",
                f"| load a {pl['devices']:,}-device PSK policy (`lwbsd -n`) | "
                f"{pl['seconds']:.1f} s ({pl['cpu_seconds']:.1f} s CPU, parser and "
                f"loader on two threads), peak RSS {pl['max_rss_mib']:.0f} MiB |"]
        for s in st:
            out.append(f"| {s['clients']:,} clients stalled mid-session | lwbsd VmRSS "
                       f"{s['rss_mib']:.0f} MiB holding {s['held']:,} sessions = "
                       f"{s['per_session_kib']:.1f} KiB per session; VmHWM "
                       f"{s['hwm_mib']:.0f} MiB ({s['admitted']:,} admitted, "
                       f"{s['stalled']:,} clients stalled) |")
        out.append(f"| RSS after 1,000 vs {gr['bootstraps']:,} NoSec bootstraps | "
                   f"{gr['rss_first_kib'] / 1024:.1f} MiB vs {gr['rss_after_kib'] / 1024:.1f}"
                   f" MiB ({gr['failed']} failed) |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="/tmp/lwbs-bench-build")
    ap.add_argument("--out", default="bench-results.md")
    ap.add_argument("-n", type=int, default=20000, help="bootstraps per mode")
    ap.add_argument("-c", type=int, default=50, help="concurrency")
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--devices", type=int, default=1000000)
    ap.add_argument("--stall", type=int, action="append",
                    help="stalled clients (repeatable; default 10000)")
    ap.add_argument("--growth", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds of modes and ceiling; the table shows the least CPU of each")
    ap.add_argument("--instructions", type=int, metavar="N", default=0,
                    help="also count lwbsd's instructions per bootstrap over N bootstraps "
                         "per mode under valgrind (2000 take a minute)")
    a = ap.parse_args()
    build(a.build)
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    rounds = []
    for _ in range(max(a.repeat, 1)):
        r = [run_mode(a.build, name, f, a.n, a.c) for name, f in MODES]
        r.append(run_cert(a.build, max(a.n // 5, 200), a.c))
        rounds.append((r, ceiling(a.build)))
    results, ceil = best_of(rounds)
    instr = instructions(a.build, a.instructions) if a.instructions else None
    scale = None
    if a.scale:
        scale = (policy_load(a.build, a.devices),
                 [stalled(a.build, n) for n in (a.stall or [10000])],
                 growth(a.build, a.growth))
    text = (f"Machine: {os.cpu_count()} CPUs ({platform()}); client pinned to CPU 0, "
            "lwbsd (1 worker) to CPU 1.\n\n" + table(results, ceil, scale, a.repeat, instr))
    with open(a.out, "w") as f:
        f.write(text)
    print(text)


def platform():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            return m.group(1) if m else "unknown CPU"
    except OSError:
        return "unknown CPU"


if __name__ == "__main__":
    main()
