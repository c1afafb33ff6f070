#!/usr/bin/env python3
"""Routing (issue 5): devices land on the LwM2M server the route rules pick
(audit `servers`, the client's /0 `server_uri`), `lwbs route` agrees with
lwbsd, `lwbs check` finds shadowed routes, and a SIGHUP that changes a route
sends new sessions elsewhere while a session in flight completes under the
policy it started with."""
import json
import os
import re
import signal
import subprocess
import time

from harness import LWBS, Lwbsd, Tap, free_udp_ports

A_PORT, B_PORT = free_udp_ports(2)
A_URI, B_URI = f"coap://127.0.0.1:{A_PORT}", f"coap://127.0.0.1:{B_PORT}"

SERVERS = f"""
servers:
  - {{id: dm-a, uri: "{A_URI}", short_server_id: 11, security: nosec}}
  - {{id: dm-b, uri: "{B_URI}", short_server_id: 12, security: nosec}}
pools:
  - {{id: spread, strategy: sticky, members: [dm-a, dm-b]}}
regions:
  - {{cidr: 127.0.0.0/8, region: loopback}}
"""

DEVICES = """
devices:
  - endpoint: meter-1
    bootstrap: {nosec: true}
    tags: [meter]
  - endpoint_pattern: "lab-*"
    bootstrap: {nosec: true}
  - endpoint_pattern: "sensor-*"
    bootstrap: {nosec: true}
  - endpoint: both-1
    bootstrap: {nosec: true}
  - endpoint: pinned-1
    bootstrap: {nosec: true}
    tags: [meter]
    servers: [dm-b]
  - endpoint: stray-1
    bootstrap: {nosec: true}
"""


def routes(lab_target):
    return f"""
routes:
  - name: meters
    match: {{tags_all: [meter]}}
    server: dm-a
  - name: lab
    match: {{endpoint_pattern: "lab-*"}}
    server: {lab_target}
  - name: both
    match: {{endpoint_pattern: "both-*", region: loopback, version: "1.2"}}
    servers: [dm-b, dm-a]
  - name: sensors
    match: {{endpoint_pattern: "sensor-*", source: 127.0.0.0/8}}
    pool: spread
"""


def client(srv, ep, *extra, wait=True):
    args = [LWBS, "client", "-s", f"coap://127.0.0.1:{srv.coap_port}", "-e", ep,
            "--timeout", "20", *extra]
    if not wait:
        return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    p = subprocess.run(args, capture_output=True, text=True, timeout=40)
    return p.returncode, json.loads(p.stdout.splitlines()[0]), p.stderr


def uris(report):
    return [s["server_uri"] for s in report["security"] if not s.get("bootstrap_server")]


def audit_for(srv, ep, n_before, timeout=15):
    """The last audit record of ep written after the first n_before records.
    A client exits once it has sent its answer to Finish: lwbsd audits a moment later."""
    deadline = time.time() + timeout
    while True:
        recs = srv.audit_records()
        rec = [r for r in recs[n_before:] if r["endpoint"] == ep]
        if rec:
            return rec[-1]
        assert time.time() < deadline, recs
        time.sleep(0.05)


def route_cli(policy_dir, ep, *extra):
    p = subprocess.run([LWBS, "route", "--policy", policy_dir, "--endpoint", ep, *extra],
                       capture_output=True, text=True, timeout=10)
    return p.returncode, p.stdout


def main():
    t = Tap()
    srv = Lwbsd(SERVERS + routes("dm-b") + DEVICES)

    def lands(ep, want_ids, want_uris, *extra):
        n = len(srv.audit_records())
        rc, rep, err = client(srv, ep, *extra)
        assert rc == 0, (rep, err, srv.output())
        rec = audit_for(srv, ep, n)
        assert rec["outcome"] == "success" and rec["servers"] == want_ids, rec
        assert uris(rep) == want_uris, rep
        return rec

    t.run("tags_all route: meter-1 lands on dm-a",
          lambda: lands("meter-1", ["dm-a"], [A_URI]))
    t.run("servers named by the device entry win over routes",
          lambda: lands("pinned-1", ["dm-b"], [B_URI]))
    t.run("endpoint-pattern route: lab-1 lands on dm-b",
          lambda: lands("lab-1", ["dm-b"], [B_URI]))
    def two_servers_with_acls():
        n = len(srv.audit_records())
        rc, rep, err = client(srv, "both-1", "--version", "1.2")
        assert rc == 0 and uris(rep) == [B_URI, A_URI], (rep, err)
        acl = [o for o in rep["operations"] if o["op"] == "write" and o["path"].startswith("/2/")]
        assert [o["code"] for o in acl] == ["2.04", "2.04"], rep["operations"]
        rec = audit_for(srv, "both-1", n)
        assert rec["servers"] == ["dm-b", "dm-a"], rec
        assert [o["path"] for o in rec["operations"] if o["path"].startswith("/2/")] == \
            [o["path"] for o in acl], (rec, acl)
    t.run("region + version route gives two servers, in order, with an ACL (/2) each",
          two_servers_with_acls)

    def version_mismatch_refused():
        n = len(srv.audit_records())
        rc, rep, _ = client(srv, "both-1", "--version", "1.1")
        assert rc == 1 and rep["result"] == "failure", rep
        rec = audit_for(srv, "both-1", n)
        assert rec["outcome"] == "failure", rec
        assert "no route matches the device" in rec["reason"], rec
    t.run("no matching rule and no default: refused with a clear audit reason",
          version_mismatch_refused)

    def sticky_agrees_with_lwbs_route():
        seen = set()
        for i in range(6):
            ep = f"sensor-{i}"
            rc, out = route_cli(srv.policy_dir, ep, "--source", "127.0.0.1")
            assert rc == 0, out
            chosen = re.search(r"^chosen: +(\S+)", out, re.M).group(1)
            assert "rule:       4 'sensors'" in out and "pool 'spread' (sticky)" in out, out
            rec = lands(ep, [chosen], [A_URI if chosen == "dm-a" else B_URI])
            assert rec["servers"] == [chosen]
            seen.add(chosen)
        assert seen == {"dm-a", "dm-b"}, seen  # six endpoints spread over both
    t.run("sticky pool: lwbsd and `lwbs route` choose the same server per endpoint",
          sticky_agrees_with_lwbs_route)

    def explain_refusal():
        rc, out = route_cli(srv.policy_dir, "stray-1")
        assert rc == 1, out
        assert "rule 1 'meters'" in out and "tag 'meter' missing" in out, out
        assert "refused:    no route matches the device" in out, out
    t.run("`lwbs route` explains a refusal rule by rule", explain_refusal)

    def check_finds_shadowed_route():
        p = subprocess.run([LWBS, "check", "--policy", srv.policy_dir], capture_output=True,
                           text=True, timeout=10)
        assert p.returncode == 0 and p.stdout.strip().endswith("configuration OK"), p
        bad = os.path.join(srv.policy_dir, "20-shadow.yaml")
        with open(bad, "w") as f:
            f.write("routes:\n  - name: late\n    match: {tags_all: [meter, x]}\n"
                    "    server: dm-b\n  - name: ghost\n    pool: nowhere\n")
        p = subprocess.run([LWBS, "check", "--policy", srv.policy_dir], capture_output=True,
                           text=True, timeout=10)
        os.unlink(bad)
        assert p.returncode == 1 and "configuration OK" not in p.stdout, p
        assert re.search(r"20-shadow\.yaml:2:5: error: route 'late' can never match: "
                         r"route 'meters'", p.stderr), p.stderr
        assert "20-shadow.yaml:6:11: error: route 'ghost' refers to unknown pool" in p.stderr, p
    t.run("`lwbs check`: OK, then a shadowed route and an unknown pool with file:line:col",
          check_finds_shadowed_route)

    def reload_moves_new_sessions_only():
        n = len(srv.audit_records())
        old_version = srv.audit_records()[-1]["policy"]
        slow = client(srv, "lab-slow", "--delay-ms", "350", wait=False)
        srv.wait_log("'lab-slow' from", 10)
        with open(os.path.join(srv.policy_dir, "10-test.yaml"), "w") as f:
            f.write(SERVERS + routes("dm-a") + DEVICES)
        srv.proc.send_signal(signal.SIGHUP)
        srv.wait_log("in force", 5)
        rc, rep, _ = client(srv, "lab-new")
        assert rc == 0 and uris(rep) == [A_URI], rep
        new = audit_for(srv, "lab-new", n)
        assert new["servers"] == ["dm-a"] and new["policy"] != old_version, new
        out, err = slow.communicate(timeout=40)
        assert slow.returncode == 0, (out, err)
        assert uris(json.loads(out.splitlines()[0])) == [B_URI], out
        old = audit_for(srv, "lab-slow", n)
        assert old["outcome"] == "success" and old["servers"] == ["dm-b"], old
        assert old["policy"] == old_version, (old, old_version)
        # It was in flight across the reload: started first, audited (ended) after lab-new.
        recs = [r["endpoint"] for r in srv.audit_records()[n:]]
        assert old["time"] <= new["time"], (old, new)
        assert recs.index("lab-slow") > recs.index("lab-new"), recs
    t.run("SIGHUP: new sessions follow the new route; one in flight finishes under the old",
          reload_moves_new_sessions_only)

    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
