#!/usr/bin/env python3
"""X.509 client authentication at bootstrap (Transport TS 1.2 §5.2.1,
§5.2.8.3): the endpoint name must be the one the certificate carries (CN by
default, or SAN URI / SAN DNS / GUID), revoked, expired, not-yet-valid,
unknown-CA, weak-curve and unpinned certificates are refused. The server's
certificate, key and trusted CAs come from the policy's `lwbsd:` section,
with the CAs read from the default certs/ directory."""
import hashlib
import json
import os
import subprocess
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from harness import DM_SERVER, LWBS, Lwbsd, Tap, s_client
from pki import DAY, NOW, make_cert, pem_key

GUID = str(uuid.uuid4())


def write_pki():
    """(files for Lwbsd: policies/certs/ holds the trusted CA only, keys/ the
    server's and devices' pairs; the device certificates by name)."""
    ca, ca_key = make_cert("lwbs test CA", None, None, ca=True, not_after=NOW + 10 * DAY)
    rogue, rogue_key = make_cert("rogue CA", None, None, ca=True)
    pem = serialization.Encoding.PEM
    files = {"policies/certs/ca.pem": ca.public_bytes(pem), "keys/ca.pem": ca.public_bytes(pem)}

    def device(name, cn, by=(ca, ca_key), **kw):
        cert, key = make_cert(cn, by[0].subject, by[1], **kw)
        files[f"keys/{name}.pem"] = cert.public_bytes(pem)
        files[f"keys/{name}.key"] = pem_key(key)
        return cert

    device("server", "lwbs.test")
    certs = {
        "good": device("good", "dev-x509"),
        "noep": device("noep", "dev-noep"),
        "other": device("other", "dev-someone-else"),
        "rogue": device("rogue", "dev-x509", by=(rogue, rogue_key)),
        "expired": device("expired", "dev-x509", not_before=NOW - 10 * DAY,
                          not_after=NOW - 9 * DAY),
        "future": device("future", "dev-x509", not_before=NOW + DAY, not_after=NOW + 2 * DAY),
        "revoked": device("revoked", "dev-x509", serial=0x7E57AB1E),
        "revoked-fp": device("revoked-fp", "dev-x509"),
        "guid": device("guid", "anything", sans=[
            x509.UniformResourceIdentifier("urn:uuid:" + GUID),
            x509.UniformResourceIdentifier("urn:dev:ops:acme-meter-77"),
            x509.DNSName("meter-77.example")]),
        "pinned": device("pinned", "dev-pinned"),
        "unpinned": device("unpinned", "dev-pinned"),
        "p224": device("p224", "dev-x509", key=ec.generate_private_key(ec.SECP224R1())),
    }
    return files, certs


def fingerprint(cert):
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def policy(certs):
    revoked_fp = ":".join(fingerprint(certs["revoked-fp"])[i:i + 2] for i in range(0, 64, 2))
    return f"""
lwbsd:
  certificate: ../keys/server.pem
  key: ../keys/server.key
  revoked: ["serial:7E:57:AB:1E", "sha256:{revoked_fp}"]
{DM_SERVER}devices:
  - endpoint: dev-x509
    bootstrap: {{certificate: {{}}}}
    servers: [dm]
  - endpoint: dev-noep
    bootstrap: {{certificate: {{match: cn}}}}
    servers: [dm]
  - endpoint: {GUID}
    bootstrap: {{certificate: {{match: guid}}}}
    servers: [dm]
  - endpoint: "urn:dev:ops:acme-meter-77"
    bootstrap: {{certificate: {{match: san_uri}}}}
    servers: [dm]
  - endpoint_pattern: "meter-*.example"
    bootstrap: {{certificate: {{match: san_dns}}}}
    servers: [dm]
  - endpoint: dev-pinned
    bootstrap: {{certificate: {{fingerprint_sha256: "{fingerprint(certs['pinned'])}"}}}}
    servers: [dm]
  - endpoint: dev-psk
    bootstrap: {{psk: {{identity: dev-psk, key_hex: "00112233445566778899aabbccddeeff"}}}}
    servers: [dm]
"""


def client(srv, name, *args, timeout=10):
    """`lwbs client` in certificate mode with keys/NAME.{pem,key}."""
    keys = os.path.join(srv.dir, "keys")
    p = subprocess.run([LWBS, "client", "-s", f"coaps://127.0.0.1:{srv.coaps_port}",
                        "--timeout", str(timeout), "--cert", f"{keys}/{name}.pem",
                        "--key", f"{keys}/{name}.key", "--ca", f"{keys}/ca.pem", *args],
                       capture_output=True, text=True, timeout=timeout + 30)
    lines = [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
    return p.returncode, lines, p.stderr


def main():
    files, certs = write_pki()
    srv = Lwbsd(policy(certs), files=files)
    try:
        checks(srv, certs)
    finally:
        if srv.proc.poll() is None:  # a failure above must not leave lwbsd running
            srv.proc.kill()


def checks(srv, certs):
    t = Tap()
    n_audit = [0]

    def last_audit():
        n_audit[0] += 1
        return srv.wait_audit(n_audit[0])[-1]

    def admitted(name, ep_args, ep):
        def check():
            rc, out, err = client(srv, name, *ep_args)
            assert rc == 0 and out[0]["result"] == "success", (out, err, srv.output()[-2000:])
            rec = last_audit()
            assert rec["outcome"] == "success" and rec["endpoint"] == ep, rec
            assert rec["security"] == "certificate", rec
            assert [s["server_uri"] for s in out[0]["security"]
                    if not s.get("bootstrap_server")] == ["coap://127.0.0.1:5783"], out
        return check

    def refused(name, ep, why):
        def check():
            rc, out, err = client(srv, name, "-e", ep, timeout=5)
            assert rc != 0, (out, err)
            if why is None:  # the handshake itself fails: nothing reaches /bs
                assert out[0]["result"] != "success", out
                return
            rec = last_audit()
            assert rec["outcome"] == "refused" and why in rec["reason"], rec
        return check

    t.run("certificate whose CN is the endpoint bootstraps (trusted CA from the default certs/)",
          admitted("good", ["-e", "dev-x509"], "dev-x509"))
    t.run("without ep= the endpoint is the certificate's CN",
          admitted("noep", ["--no-ep"], "dev-noep"))
    t.run("GUID in a SAN URI names the endpoint", admitted("guid", ["-e", GUID], GUID))
    t.run("SAN URI names the endpoint",
          admitted("guid", ["-e", "urn:dev:ops:acme-meter-77"], "urn:dev:ops:acme-meter-77"))
    t.run("SAN DNS name matched by an endpoint_pattern group",
          admitted("guid", ["-e", "meter-77.example"], "meter-77.example"))
    t.run("pinned fingerprint admits its certificate",
          admitted("pinned", ["-e", "dev-pinned"], "dev-pinned"))
    t.run("CN of another device is refused",
          refused("other", "dev-x509", "does not name this endpoint"))
    t.run("a certificate cannot claim a PSK device",
          refused("other", "dev-psk", "not a certificate"))
    t.run("another certificate with the pinned CN is refused",
          refused("unpinned", "dev-pinned", "pinned"))
    t.run("revoked serial is refused", refused("revoked", "dev-x509", "revoked"))
    t.run("revoked fingerprint is refused", refused("revoked-fp", "dev-x509", "revoked"))
    t.run("certificate from an unknown CA fails the handshake", refused("rogue", "dev-x509", None))
    t.run("expired certificate fails the handshake", refused("expired", "dev-x509", None))
    t.run("not-yet-valid certificate fails the handshake", refused("future", "dev-x509", None))
    t.run("P-224 key (below 255 bits) is refused", refused("p224", "dev-x509", None))

    def ecdhe_curve(curve, agreed):
        def check():
            keys = os.path.join(srv.dir, "keys")
            out = s_client(srv.coaps_port, "ECDHE-ECDSA-AES128-CCM8", "-curves", curve,
                           "-cert", f"{keys}/good.pem", "-key", f"{keys}/good.key",
                           "-CAfile", f"{keys}/ca.pem")
            ok = "Cipher is ECDHE-ECDSA-AES128-CCM8" in out and "SSL alert" not in out
            assert ok == agreed, out[-1500:]
        return check
    t.run("ECDHE on P-256 with TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 alone is agreed",
          ecdhe_curve("P-256", True))
    t.run("ECDHE on P-224 (below 255 bits) is refused", ecdhe_curve("P-224", False))
    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
