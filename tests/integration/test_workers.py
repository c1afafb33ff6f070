#!/usr/bin/env python3
"""lwbsd with `workers: 2`: worker processes share the ports (SO_REUSEPORT),
every session is audited exactly once in whole lines, each worker draws its
own randomness, SIGHUP reloads every worker before "in force" is logged
(SIGHUPs during a reload make one more round after it), SIGTERM stops them
all, and no worker outlives its parent."""
import json
import os
import re
import signal
import subprocess
import time

from harness import DM_SERVER, LWBS, Lwbsd, Tap, s_client, write_bulk

KEY = "000102030405060708090a0b0c0d0e0f"

POLICY = f"""
lwbsd:
  workers: 2
{DM_SERVER}devices:
  - endpoint_pattern: "open-*"
    bootstrap: {{nosec: true}}
    servers: [dm]
  - endpoint_pattern: "psk-*"
    bootstrap:
      psk: {{identity: fleet, key_hex: "{KEY}"}}
    servers: [dm]
"""


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(c) for c in f.read().split()]


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pids, timeout=5):
    deadline = time.time() + timeout
    while any(alive(p) for p in pids) and time.time() < deadline:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def bench(srv, prefix, n, dtls=False):
    if dtls:
        args = ["-s", f"coaps://127.0.0.1:{srv.coaps_port}", "--psk-identity-prefix", "fleet",
                "--psk-shared", "--psk-key", KEY]
    else:
        args = ["-s", f"coap://127.0.0.1:{srv.coap_port}"]
    p = subprocess.run([LWBS, "bench", "--json", "--quiet", "--timeout", "20", "-n", str(n),
                        "-c", "40", "--endpoint-prefix", prefix, *args],
                       capture_output=True, text=True, timeout=120)
    return p.returncode, json.loads(p.stdout), p.stderr


def server_random(srv):
    """The 32-byte random of lwbsd's ServerHello in one DTLS 1.2 PSK handshake,
    from the messages openssl s_client -msg prints in hex."""
    out = s_client(srv.coaps_port, "PSK-AES128-CCM8", "-psk_identity", "fleet", "-psk", KEY,
                   "-msg")
    for block in re.findall(r"^<<< [^\n]*\n((?:    [0-9a-f ]+\n)+)", out, re.M):
        msg = bytes.fromhex("".join(block.split()))
        if msg[0] == 2 and len(msg) >= 46:  # ServerHello: 12-byte header, version, random
            return msg[14:46]
    raise AssertionError("no ServerHello in: " + out[-1500:])


def main():
    t = Tap()
    srv = Lwbsd(POLICY)
    workers = children(srv.proc.pid)

    def two_workers():
        assert len(workers) == 2, workers
        assert "started, policy" in srv.output() and "2 workers" in srv.output(), srv.output()

    def audited_once():
        rc, s, err = bench(srv, "open-", 400)
        assert rc == 0 and s["succeeded"] == 400, (s, err)
        rc, s, err = bench(srv, "psk-", 100, dtls=True)
        assert rc == 0 and s["succeeded"] == 100, (s, err)
        # A client exits once it has answered Finish; lwbsd audits a moment later.
        srv.wait_audit(500)
        time.sleep(0.3)  # and nothing beyond the 500 may follow
        with open(srv.audit) as f:
            lines = f.read().splitlines()
        recs = [json.loads(line) for line in lines]  # a torn line would not parse
        eps = sorted(r["endpoint"] for r in recs)
        want = sorted([f"open-{i}" for i in range(400)] + [f"psk-{i}" for i in range(100)])
        assert eps == want, (len(eps), len(set(eps)))
        assert all(r["outcome"] == "success" for r in recs)

    def own_randomness():
        # Each worker sets up its DTLS context, and with it the DRBG that its
        # handshakes share (libcoap patch item 8), after fork(). A state
        # inherited or shared would repeat the randoms of the first handshake
        # in each worker; 16 handshakes on as many ports reach both.
        randoms = [server_random(srv) for _ in range(16)]
        assert len(set(randoms)) == 16, [r.hex() for r in randoms]

    def reload_all():
        rc, s, _ = bench(srv, "late-", 20)
        assert rc == 1 and s["failed"] == 20, s  # not yet in the policy
        with open(os.path.join(srv.policy_dir, "20-late.yaml"), "w") as f:
            f.write('devices:\n  - endpoint_pattern: "late-*"\n    bootstrap: {nosec: true}\n'
                    "    servers: [dm]\n")
        srv.proc.send_signal(signal.SIGHUP)
        srv.wait_log("in force in 2 workers", 5)
        # 200 clients on as many ports: both workers must have reloaded.
        rc, s, err = bench(srv, "late-", 200)
        assert rc == 0 and s["succeeded"] == 200, (s, err)

    def sighups_during_a_reload():
        other = Lwbsd(POLICY)
        try:
            write_bulk(other.policy_dir)  # each worker's load takes a second or more
            other.proc.send_signal(signal.SIGHUP)
            other.wait_log("SIGHUP: reloading", 5)
            # Two more while the workers load. Forwarded at once, the kernel
            # would merge them in each worker, and the parent would wait for
            # reports that never come: no "in force" at all.
            other.proc.send_signal(signal.SIGHUP)
            time.sleep(0.05)
            other.proc.send_signal(signal.SIGHUP)
            deadline = time.time() + 120
            while other.output().count("in force in 2 workers") < 2 and time.time() < deadline:
                time.sleep(0.1)
            out = other.output()
            assert out.count("in force in 2 workers") == 2, out[-2000:]
            assert "the workers are still reloading; reloading again after it" in out, out
            rc, s, err = bench(other, "bulk-", 50)
            assert rc == 0 and s["succeeded"] == 50, (s, err)
        finally:
            other.stop()

    def worker_death_stops_all():
        other = Lwbsd(POLICY)
        pids = children(other.proc.pid)
        os.kill(pids[0], signal.SIGKILL)
        assert other.proc.wait(timeout=10) == 1
        other.log.close()
        assert not wait_gone(pids), "a worker outlived the stop"
        assert "a worker process exited" in other.output(), other.output()

    def parent_death_ends_workers():
        other = Lwbsd(POLICY)
        pids = children(other.proc.pid)
        other.proc.kill()
        other.proc.wait(timeout=5)
        other.log.close()
        assert not wait_gone(pids), "workers outlived their parent"

    def sigterm_stops_all():
        srv.stop()
        assert not wait_gone(workers), "a worker outlived SIGTERM"
        assert srv.output().count("lwbsd: stopping") == 2, srv.output()

    t.run("workers: 2 forks two workers; started once all are listening", two_workers)
    t.run("500 bootstraps over both workers: each audited exactly once, whole lines",
          audited_once)
    t.run("16 DTLS handshakes over both workers: 16 different ServerHello randoms",
          own_randomness)
    t.run("SIGHUP reloads every worker before 'in force'", reload_all)
    t.run("SIGHUPs during a reload: one more round after it, each ending 'in force'",
          sighups_during_a_reload)
    t.run("a worker that dies stops lwbsd (exit 1), no worker left", worker_death_stops_all)
    t.run("workers die with their parent", parent_death_ends_workers)
    t.run("SIGTERM stops the parent and every worker", sigterm_stops_all)
    t.done()


if __name__ == "__main__":
    main()
