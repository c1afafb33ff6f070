#!/usr/bin/env python3
"""`lwbs bench` against lwbsd, a few hundred bootstraps: NoSec, PSK and
certificates (one minted per client) with a mix of LwM2M versions and
formats must all succeed, every bootstrap is audited once, and the JSON
summary has the fields scripts read (docs/lwbs-bench.md). A smoke test: it
never looks at a timing."""
import json
import os
import subprocess
import tempfile

from harness import DM_SERVER, LWBS, Lwbsd, Tap

KEY = "000102030405060708090a0b0c0d0e0f"

# The CA `lwbs bench --issuer` mints client certificates from, and another
# that lwbsd does not trust; lwbsd's own certificate comes from the first.
PKI = tempfile.mkdtemp(prefix="lwbs-it-bench-pki-")
for ca in ("trusted", "other"):
    os.mkdir(f"{PKI}/{ca}")
    subprocess.run([LWBS, "ca", "init", "--policy", f"{PKI}/{ca}", "--host", "localhost"],
                   check=True, capture_output=True, timeout=60)

POLICY = f"""lwbsd:
  certificate: {PKI}/trusted/certs/server/lwbsd.pem
  key: {PKI}/trusted/certs/private/lwbsd.key
  ca: {PKI}/trusted/certs/ca.pem
{DM_SERVER}devices:
  - endpoint_pattern: "bench-*"
    bootstrap: {{nosec: true}}
    servers: [dm]
  - endpoint_pattern: "psk-*"
    bootstrap:
      psk: {{identity: fleet, key_hex: "{KEY}"}}
    servers: [dm]
  - endpoint_pattern: "cert-*"
    bootstrap: {{certificate: {{match: cn}}}}
    servers: [dm]
"""

MIX = "1.0,1.0:tlv,1.1,1.1:senml-json,1.1:senml-cbor,1.2:lwm2m-cbor"


def bench(*args):
    p = subprocess.run([LWBS, "bench", "--json", "--quiet", "--timeout", "20", *args],
                       capture_output=True, text=True, timeout=120)
    lines = [l for l in p.stdout.splitlines() if l.strip()]
    assert len(lines) == 1, (p.stdout, p.stderr)
    return p.returncode, json.loads(lines[0]), p.stderr


def check_summary(s, n):
    assert s["started"] == n and s["succeeded"] == n and s["failed"] == 0, s
    assert s["failures"] == [] and s["stalled"] == 0, s
    lat = s["latency_us"]
    assert lat["samples"] == n, s
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"], s
    assert s["bootstraps_per_s"] > 0 and s["elapsed_s"] > 0, s


def main():
    t = Tap()
    srv = Lwbsd(POLICY)
    coap = f"coap://127.0.0.1:{srv.coap_port}"
    coaps = f"coaps://127.0.0.1:{srv.coaps_port}"

    def nosec():
        rc, s, err = bench("-s", coap, "-n", "300", "-c", "30", "--mix", MIX)
        assert rc == 0, err
        check_summary(s, 300)
        eps = [r["endpoint"] for r in srv.wait_audit(300)]
        assert sorted(eps) == sorted(f"bench-{i}" for i in range(300)), eps

    def psk():
        rc, s, err = bench("-s", coaps, "-n", "100", "-c", "10", "--endpoint-prefix", "psk-",
                           "--psk-identity-prefix", "fleet", "--psk-shared", "--psk-key", KEY,
                           "--mix", "1.1:senml-cbor,1.2")
        assert rc == 0, err
        check_summary(s, 100)
        recs = [r for r in srv.wait_audit(400) if r["endpoint"].startswith("psk-")]
        assert len(recs) == 100 and all(r["outcome"] == "success" for r in recs), recs

    def certificates():
        rc, s, err = bench("-s", coaps, "-n", "40", "-c", "10", "--endpoint-prefix", "cert-",
                           "--issuer", f"{PKI}/trusted", "--ca",
                           f"{PKI}/trusted/certs/ca.pem", "--mix", "1.1,1.2:senml-cbor")
        assert rc == 0, err
        check_summary(s, 40)
        recs = [r for r in srv.wait_audit(440) if r["endpoint"].startswith("cert-")]
        # A certificate of its own each: its CN is the endpoint it bootstrapped as.
        assert sorted(r["endpoint"] for r in recs) == sorted(f"cert-{i}" for i in range(40))
        for r in recs:
            assert r["outcome"] == "success" and r["security"] == "certificate", r
            assert r["identity"] == "CN=" + r["endpoint"], r
        rc, s, _ = bench("-s", coaps, "-n", "5", "--endpoint-prefix", "cert-x",
                         "--issuer", f"{PKI}/other")
        assert rc == 1 and s["failed"] == 5, s
        assert s["failures"] == [{"reason": "DTLS handshake failed", "count": 5}], s
        p = subprocess.run([LWBS, "bench", "-s", coaps, "--issuer", f"{PKI}/trusted",
                            "--no-ep"], capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and "no --no-ep" in p.stderr, p.stderr
        p = subprocess.run([LWBS, "bench", "-s", coaps, "--issuer", f"{PKI}/none"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and f"cannot read the CA under '{PKI}/none/certs'" in p.stderr, \
            p.stderr

    def failures_by_reason():
        rc, s, _ = bench("-s", coap, "-n", "20", "--endpoint-prefix", "unknown-")
        assert rc == 1 and s["succeeded"] == 0 and s["failed"] == 20, s
        assert [f["count"] for f in s["failures"]] == [20], s
        assert "Bootstrap-Request answered 4." in s["failures"][0]["reason"], s

    def rate_and_stall():
        rc, s, _ = bench("-s", coap, "--rate", "200", "--duration", "1", "-c", "50")
        assert rc == 0 and s["failed"] == 0 and s["succeeded"] == s["started"] > 0, s
        rc, s, _ = bench("-s", coap, "--stall-after", "1", "-c", "20", "-n", "20",
                         "--duration", "2")
        assert rc == 0 and s["stalled"] == 20 and s["failed"] == 0, s

    def sources():
        rc, s, err = bench("-s", coap, "-n", "30", "-c", "30", "--endpoint-prefix",
                           "bench-src-", "--sources", "3")
        assert rc == 0, err
        check_summary(s, 30)
        peers = {line.split(" from ")[1].split(":")[0] for line in srv.output().splitlines()
                 if "'bench-src-" in line and " admitted (" in line}
        assert peers == {"127.0.0.2", "127.0.0.3", "127.0.0.4"}, peers
        p = subprocess.run([LWBS, "bench", "-s", coap, "-n", "1", "--source", "nope"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 2 and "invalid source address" in p.stderr, p.stderr

    t.run("NoSec: 300 bootstraps, mixed versions and formats, each audited once", nosec)
    t.run("PSK (shared identity): 100 bootstraps", psk)
    t.run("certificates: one minted per client by --issuer; an untrusted CA fails; "
          "a missing one is a usage error",
          certificates)
    t.run("failures are counted by reason and fail the exit status", failures_by_reason)
    t.run("arrival rate and stall modes", rate_and_stall)
    t.run("--sources spreads clients over loopback source addresses", sources)
    srv.stop()
    t.done()


if __name__ == "__main__":
    main()
