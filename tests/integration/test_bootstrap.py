#!/usr/bin/env python3
"""The Bootstrap interface end to end (Core TS 1.2 §5.2.7, §6.1.7): lwbsd
against `lwbs client` over loopback, NoSec and PSK, LwM2M 1.0/1.1/1.2, and
the failures an operator must be able to explain from the audit log."""
import json
import os
import socket
import struct
import subprocess
import time

from harness import LWBS, Lwbsd, Tap

KEY_A = "000102030405060708090a0b0c0d0e0f"
KEY_DM = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"

POLICY = f"""
lwbsd:
  # Long enough for a request queued behind a cancelled one (CoAP NSTART = 1,
  # RFC 7252 §4.7) to go out and be answered under ASan; short for the stall test.
  exchange_timeout: 8
servers:
  - id: dm-plain
    uri: coap://127.0.0.1:5783
    short_server_id: 101
    lifetime: 300
    binding: U
    notification_storing: true
    security: nosec
  - id: dm-psk
    uri: coaps://127.0.0.1:5784
    short_server_id: 102
    lifetime: 600
    binding: U
    notification_storing: false
    security: psk
devices:
  - endpoint_pattern: "open-*"
    bootstrap: {{nosec: true}}
    servers: [dm-plain]
  - endpoint: dev-psk
    bootstrap:
      psk: {{identity: id-psk, key_hex: "{KEY_A}"}}
    servers:
      - server: dm-psk
        psk: {{identity: dm-id-psk, key_hex: "{KEY_DM}"}}
  - endpoint: dev-other
    bootstrap:
      psk: {{identity: id-other, key_hex: "{KEY_A}"}}
    servers: [dm-plain]
  - endpoint: secure-only
    bootstrap:
      psk: {{identity: id-secure, key_hex: "{KEY_A}"}}
    servers: [dm-plain]
  - endpoint_pattern: "fleet-*"
    bootstrap:
      psk: {{identity: fleet, key_hex: "{KEY_A}"}}
    servers: [dm-plain]
"""


def client(srv, *args, timeout=20, dtls=False):
    """Run `lwbs client`; returns (exit status, list of JSON lines)."""
    uri = (f"coaps://127.0.0.1:{srv.coaps_port}" if dtls
           else f"coap://127.0.0.1:{srv.coap_port}")
    p = subprocess.run([LWBS, "client", "-s", uri, "--timeout", str(timeout), *args],
                       capture_output=True, text=True, timeout=timeout + 30)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return p.returncode, lines, p.stderr


def psk(identity, key=KEY_A):
    return ["--psk-identity", identity, "--psk-key", key]


def audit_for(srv, ep, n=1):
    deadline = time.time() + 15
    while time.time() < deadline:
        recs = [r for r in srv.audit_records() if r["endpoint"] == ep]
        if len(recs) >= n:
            return recs
        time.sleep(0.05)
    raise AssertionError(f"no audit record for {ep}: {srv.audit_records()}")


def security_of(report, ssid):
    return [s for s in report["security"] if s.get("short_server_id") == ssid]


def main():
    srv = Lwbsd(POLICY)
    t = Tap()

    def nosec_version(version, fmt, expect_fmt):
        def check():
            ep = f"open-{version}-{fmt or 'none'}"
            args = ["-e", ep, "--version", version] + (["--format", fmt] if fmt else [])
            rc, out, err = client(srv, *args)
            assert rc == 0, (out, err)
            r = out[0]
            assert r["result"] == "success" and r["format"] == expect_fmt, r
            sec = security_of(r, 101)
            assert len(sec) == 1 and sec[0]["server_uri"] == "coap://127.0.0.1:5783", r
            assert sec[0]["security_mode"] == 3 and sec[0]["bootstrap_server"] is False, r
            assert r["server"] == [{"iid": 0, "short_server_id": 101, "lifetime": 300,
                                    "notification_storing": True, "binding": "U"}], r
            # The bootstrap account survives, untouched.
            assert any(s.get("bootstrap_server") for s in r["security"]), r
            rec = audit_for(srv, ep)[-1]
            assert rec["outcome"] == "success" and rec["security"] == "nosec", rec
            assert rec["servers"] == ["dm-plain"], rec
        return check

    t.run("NoSec LwM2M 1.0 client is written in TLV", nosec_version("1.0", None, 11542))
    t.run("NoSec LwM2M 1.1 client asking SenML CBOR gets SenML CBOR",
          nosec_version("1.1", "senml-cbor", 112))
    t.run("NoSec LwM2M 1.1 client asking SenML JSON gets SenML JSON",
          nosec_version("1.1", "senml-json", 110))
    t.run("NoSec LwM2M 1.2 client asking LwM2M CBOR gets LwM2M CBOR",
          nosec_version("1.2", "lwm2m-cbor", 11544))

    def psk_success(version, fmt, expect_fmt, bs_iid):
        def check():
            rc, out, err = client(srv, "-e", "dev-psk", "--version", version, "--format", fmt,
                                  "--bootstrap-iid", str(bs_iid), *psk("id-psk"), dtls=True)
            assert rc == 0, (out, err)
            r = out[0]
            assert r["format"] == expect_fmt, r
            sec = security_of(r, 102)
            assert len(sec) == 1, r
            s = sec[0]
            assert s["iid"] != bs_iid, r
            assert s["security_mode"] == 0 and s["server_uri"] == "coaps://127.0.0.1:5784", s
            assert s["public_key_or_identity"] == b"dm-id-psk".hex(), s
            assert s["secret_key"] == KEY_DM, s
            rec = audit_for(srv, "dev-psk")[-1]
            assert rec["outcome"] == "success" and rec["identity"] == "id-psk", rec
            assert rec["security"] == "psk" and rec["tls"].startswith("DTLSv1."), rec
            assert KEY_DM not in json.dumps(rec) and KEY_A not in json.dumps(rec), rec
        return check

    t.run("PSK LwM2M 1.1 (SenML CBOR), bootstrap account at /0/0 like Wakaama",
          psk_success("1.1", "senml-cbor", 112, 0))
    t.run("PSK LwM2M 1.2 (LwM2M CBOR), bootstrap account at /0/1 like Anjay",
          psk_success("1.2", "lwm2m-cbor", 11544, 1))
    t.run("PSK LwM2M 1.0 (TLV)", psk_success("1.0", "tlv", 11542, 0))

    def ep_from_identity():
        rc, out, err = client(srv, "-e", "x", "--no-ep", *psk("id-psk"), dtls=True)
        assert rc == 0, (out, err)
        assert audit_for(srv, "dev-psk")[-1]["outcome"] == "success"
    t.run("ep omitted: derived from the PSK identity", ep_from_identity)

    def wrong_key():
        rc, out, _ = client(srv, "-e", "dev-psk", *psk("id-psk", "ff" * 16), dtls=True,
                            timeout=10)
        assert rc == 1 and out[0]["result"] == "failure", out
        assert "DTLS" in out[0]["reason"], out
    t.run("wrong PSK key fails the handshake", wrong_key)

    def unknown_identity():
        rc, out, _ = client(srv, "-e", "dev-psk", *psk("nobody"), dtls=True, timeout=10)
        assert rc == 1, out
        srv.wait_log("unknown PSK identity 'nobody'", 5)
    t.run("unknown PSK identity is refused and logged", unknown_identity)

    def claims_other_endpoint():
        rc, out, _ = client(srv, "-e", "dev-psk", *psk("id-other"), dtls=True, timeout=10)
        assert rc == 1 and out[0]["reason"] == "Bootstrap-Request answered 4.00", out
        rec = audit_for(srv, "dev-psk")[-1]
        assert rec["outcome"] == "refused" and "may not claim" in rec["reason"], rec
        assert rec["identity"] == "id-other", rec
    t.run("identity claiming another endpoint's name gets 4.00", claims_other_endpoint)

    def nosec_refused():
        rc, out, _ = client(srv, "-e", "secure-only", timeout=10)
        assert rc == 1 and out[0]["reason"] == "Bootstrap-Request answered 4.00", out
        rec = audit_for(srv, "secure-only")[-1]
        assert rec["outcome"] == "refused" and "without security" in rec["reason"], rec
        rc, out, _ = client(srv, "-e", "not-in-policy", timeout=10)
        assert rc == 1, out
        assert audit_for(srv, "not-in-policy")[-1]["outcome"] == "refused"
    t.run("NoSec refused unless the policy allows it; unknown endpoint refused", nosec_refused)

    def write_refused():
        rc, out, _ = client(srv, "-e", "open-failw", "--fail-write", "/1/0", timeout=5)
        assert rc == 1, out
        rec = audit_for(srv, "open-failw")[-1]
        assert rec["outcome"] == "failure", rec
        assert rec["reason"] == "client answered 4.00 to Bootstrap-Write", rec
        assert all(op["op"] != "finish" for op in rec["operations"]), rec
    t.run("client answering 4.00 to a Write: session ends, no Finish", write_refused)

    def stalled():
        rc, out, _ = client(srv, "-e", "open-stall", "--stall-after", "2", timeout=14)
        assert rc == 1, out
        rec = audit_for(srv, "open-stall")[-1]
        assert rec["outcome"] == "failure" and "no response to" in rec["reason"], rec
        srv.wait_log("'open-stall' from", 1)
    t.run("client that stops answering times out and its session is freed", stalled)

    def restarted():
        # After Discover and the Security write, before the Server write.
        rc, out, err = client(srv, "-e", "open-restart", "--restart-after", "2")
        assert rc == 0, (out, err)
        recs = audit_for(srv, "open-restart", 2)
        assert recs[-2]["outcome"] == "failure", recs
        assert recs[-2]["reason"] == "superseded by a new Bootstrap-Request", recs
        assert recs[-1]["outcome"] == "success", recs
    t.run("client restarting its bootstrap mid-session: old session cancelled", restarted)

    def many():
        rc, out, err = client(srv, "-e", "fleet", "--clients", "200", *psk("fleet"),
                              "--psk-shared", dtls=True, timeout=60)
        assert rc == 0, (out[-1], err[-2000:])
        assert out[-1] == {"clients": 200, "succeeded": 200, "failed": 0}, out[-1]
        ok = {r["endpoint"] for r in srv.audit_records()
              if r["endpoint"].startswith("fleet-") and r["outcome"] == "success"}
        assert len(ok) == 200, len(ok)
    t.run("two hundred PSK clients bootstrapping at once", many)

    t.run("lwbsd still serves after all of the above",
          nosec_version("1.1", "senml-json", 110))
    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
