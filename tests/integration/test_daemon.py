#!/usr/bin/env python3
"""lwbsd as a daemon: `-n` checks a policy and reports every problem with
file:line:column; a port already in use is a clear startup error; SIGHUP
swaps in a valid policy and keeps the running one when the new one is broken;
bootstraps go on while a big policy reloads."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from harness import LWBS, LWBSD, Lwbsd, Tap, write_bulk

GOOD = """
servers:
  - id: dm
    uri: coap://127.0.0.1:5783
    short_server_id: 101
    security: nosec
devices:
  - endpoint: dev-1
    bootstrap: {nosec: true}
    servers: [dm]
"""

BROKEN = """
servers:
  - id: dm
    uri: coap://127.0.0.1:5783
    short_server_id: 70000
    lifetme: 300
    security: nosec
devices:
  - endpoint: dev-1
    bootstrap: {nosec: true}
    servers: [nowhere]
"""


def check(text):
    d = tempfile.mkdtemp(prefix="lwbs-check-")
    with open(os.path.join(d, "p.yaml"), "w") as f:
        f.write(text)
    p = subprocess.run([LWBSD, "-n", "-c", d], capture_output=True, text=True, timeout=10)
    shutil.rmtree(d)
    return p


def main():
    t = Tap()

    def check_ok():
        p = check(GOOD)
        assert p.returncode == 0 and p.stdout.strip() == "configuration OK", p
    t.run("lwbsd -n prints 'configuration OK' for a valid policy", check_ok)

    def check_all_errors():
        p = check(BROKEN)
        assert p.returncode == 1, p
        err = p.stderr
        assert "p.yaml:5:22: error:" in err and "short_server_id" in err, err
        assert "p.yaml:6:5: error: unknown key 'lifetme'" in err, err
        assert "did you mean 'lifetime'" in err, err
        assert "p.yaml:11:15: error:" in err and "nowhere" in err, err
        assert "configuration OK" not in p.stdout, p
    t.run("lwbsd -n reports every error with file:line:column", check_all_errors)

    def port_in_use():
        busy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        busy.bind(("127.0.0.1", 0))
        port = busy.getsockname()[1]
        d = tempfile.mkdtemp(prefix="lwbs-busy-")
        with open(os.path.join(d, "p.yaml"), "w") as f:
            f.write(f"lwbsd:\n  coap_port: {port}\n  coaps_port: 0\n" + GOOD)
        p = subprocess.run([LWBSD, "-c", d], capture_output=True, text=True, timeout=10)
        busy.close()
        shutil.rmtree(d)
        assert p.returncode == 1, p
        assert f"cannot listen on '127.0.0.1' port {port}/udp" in p.stderr, p.stderr
    t.run("a port already in use is a startup error naming it", port_in_use)

    srv = Lwbsd(GOOD)

    def bootstrap(ep):
        return subprocess.run([LWBS, "client", "-s", f"coap://127.0.0.1:{srv.coap_port}",
                               "-e", ep, "--timeout", "10"], capture_output=True, text=True,
                              timeout=30)

    def reload_broken_keeps_running():
        before = srv.audit_records()
        with open(os.path.join(srv.policy_dir, "20-broken.yaml"), "w") as f:
            f.write("servers:\n  - id: [oops\n")
        srv.proc.send_signal(signal.SIGHUP)
        srv.wait_log("reload failed", 5)
        assert "20-broken.yaml:" in srv.output(), srv.output()
        os.unlink(os.path.join(srv.policy_dir, "20-broken.yaml"))
        assert bootstrap("dev-1").returncode == 0
        assert srv.wait_audit(len(before) + 1)[-1]["outcome"] == "success"
    t.run("SIGHUP with a broken policy: errors logged, old policy stays", reload_broken_keeps_running)

    def reload_valid_swaps():
        old = srv.audit_records()[-1]["policy"]
        with open(os.path.join(srv.policy_dir, "20-more.yaml"), "w") as f:
            f.write("devices:\n  - endpoint: dev-2\n    bootstrap: {nosec: true}\n"
                    "    servers: [dm]\n")
        assert bootstrap("dev-2").returncode == 1  # not yet known
        # "policy V in force" (with workers: once all of them run V), not the
        # "running policy V stays in force" of the broken reload above.
        in_force = re.compile(r"policy [0-9a-f]{16} in force")
        before = len(in_force.findall(srv.output()))
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 5
        while len(in_force.findall(srv.output())) == before and time.time() < deadline:
            time.sleep(0.05)
        assert len(in_force.findall(srv.output())) > before, srv.output()
        n = len(srv.audit_records())
        p = bootstrap("dev-2")
        assert p.returncode == 0, p.stdout + p.stderr
        rec = srv.wait_endpoint("dev-2", after=n)
        assert rec["outcome"] == "success" and rec["policy"] != old, rec
    t.run("SIGHUP with a valid policy: new sessions use it", reload_valid_swaps)

    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())

    def with_bulk():
        """lwbsd with one worker, so that its own "policy V in force" line is
        logged, and a big policy for its next reload."""
        big = Lwbsd("lwbsd:\n  workers: 1\n" + GOOD)
        write_bulk(big.policy_dir)
        return big

    def reload_in_background():
        big = with_bulk()
        try:
            big.proc.send_signal(signal.SIGHUP)
            big.wait_log("SIGHUP: reloading", 5)
            done = 0
            while "in force" not in big.output():
                p = subprocess.run([LWBS, "client", "-s", f"coap://127.0.0.1:{big.coap_port}",
                                    "-e", "dev-1", "--timeout", "10"], capture_output=True,
                                   text=True, timeout=30)
                assert p.returncode == 0, p.stdout + p.stderr
                done += 1
            big.wait_log("in force", 120)
            log = big.output()
            start, end = log.index("SIGHUP: reloading"), log.index("in force")
            during = re.findall(r"'dev-1' from \S+ bootstrapped", log[start:end])
            # A load that held the loop would let no bootstrap end inside it.
            assert len(during) >= 1, (done, log[start:end + 200])
            p = subprocess.run([LWBS, "client", "-s", f"coap://127.0.0.1:{big.coap_port}",
                                "-e", "bulk-299999", "--timeout", "10"], capture_output=True,
                               text=True, timeout=30)
            assert p.returncode == 0, p.stdout + p.stderr
        finally:
            big.stop()
    t.run("SIGHUP with a big policy: bootstraps go on while it loads", reload_in_background)

    def sigterm_during_reload():
        big = with_bulk()
        big.proc.send_signal(signal.SIGHUP)
        big.wait_log("SIGHUP: reloading", 5)
        big.proc.send_signal(signal.SIGTERM)
        # It waits for the load, drops it (sanitizer builds would report a
        # leak through the exit status), and exits 0.
        assert big.proc.wait(timeout=120) == 0, big.output()
        big.log.close()
        out = big.output()
        assert "lwbsd: stopping" in out and "in force" not in out.split("reloading", 1)[1], out
        assert "ERROR: AddressSanitizer" not in out and "runtime error:" not in out, out
    t.run("SIGTERM during a reload: lwbsd waits for the load, drops it, exits 0",
          sigterm_during_reload)
    t.done()


if __name__ == "__main__":
    main()
