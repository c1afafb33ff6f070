#!/usr/bin/env python3
"""Raw public key client authentication at bootstrap (RFC 7250; LwM2M
Transport TS 1.2 §5.2.8.2, Security Mode 1): lwbsd serves RPK devices on
`coaps_rpk_port` with its own key, admits a device whose
SubjectPublicKeyInfo is pinned in its entry, refuses an unknown key at the
handshake and a known key claiming another device's endpoint, and keeps
serving certificate and PSK clients on coaps_port meanwhile, with one
worker and with two."""
import base64
import json
import os
import subprocess

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from harness import DM_SERVER, LWBS, Lwbsd, Tap, free_udp_ports
from pki import PEM, make_cert, pem_key, spki

SEC1 = serialization.PrivateFormat.TraditionalOpenSSL


def cert(cn, issuer, issuer_key, key, ca=False):
    return make_cert(cn, issuer.subject if issuer else None, issuer_key, key, ca=ca)[0]


def write_files():
    names = ("server-rpk", "dev-a", "dev-b", "dev-c", "stranger", "ca", "server-cert",
             "dev-x509")
    keys = {name: ec.generate_private_key(ec.SECP256R1()) for name in names}
    # SEC1 "EC PRIVATE KEY", as `openssl ecparam -genkey` writes it
    files = {f"keys/{n}.key": pem_key(k, SEC1) for n, k in keys.items()}
    files["keys/dev-a.pub"] = spki(keys["dev-a"], PEM)  # PEM SubjectPublicKeyInfo
    ca = cert("lwbs test CA", None, keys["ca"], keys["ca"], ca=True)
    files["policies/certs/ca.pem"] = ca.public_bytes(PEM)
    files["keys/ca.pem"] = ca.public_bytes(PEM)
    files["keys/server-cert.pem"] = cert("lwbs.test", ca, keys["ca"],
                                         keys["server-cert"]).public_bytes(PEM)
    files["keys/dev-x509.pem"] = cert("dev-x509", ca, keys["ca"],
                                      keys["dev-x509"]).public_bytes(PEM)
    return files, keys


def policy(keys, rpk_port, workers=1):
    b_hex = spki(keys["dev-b"]).hex()
    c_b64 = base64.b64encode(spki(keys["dev-c"])).decode()
    return f"""
lwbsd:
  certificate: ../keys/server-cert.pem
  key: ../keys/server-cert.key
  coaps_rpk_port: {rpk_port}
  rpk_key: ../keys/server-rpk.key
  workers: {workers}
{DM_SERVER}devices:
  - endpoint: dev-a
    bootstrap: {{rpk: {{public_key_file: ../keys/dev-a.pub}}}}
    servers: [dm]
  - endpoint: dev-b
    bootstrap: {{rpk: {{public_key_hex: "{b_hex}"}}}}
    servers: [dm]
  - endpoint_pattern: "fleet-c-*"
    bootstrap: {{rpk: {{public_key_base64: "{c_b64}"}}}}
    servers: [dm]
  - endpoint: dev-x509
    bootstrap: {{certificate: {{}}}}
    servers: [dm]
  - endpoint: dev-psk
    bootstrap: {{psk: {{identity: dev-psk, key_hex: "00112233445566778899aabbccddeeff"}}}}
    servers: [dm]
"""


def run_client(args, timeout=10):
    p = subprocess.run([LWBS, "client", "--timeout", str(timeout), *args],
                       capture_output=True, text=True, timeout=timeout + 30)
    return p.returncode, [json.loads(l) for l in p.stdout.splitlines() if l.strip()], p.stderr


def rpk_client(srv, port, key, *args, timeout=10):
    return run_client(["-s", f"coaps://127.0.0.1:{port}",
                       "--rpk-key", os.path.join(srv.dir, "keys", f"{key}.key"), *args],
                      timeout)


def checks(t, srv, port, label, keys):
    n_audit = [len(srv.audit_records())]

    def next_audit():
        n_audit[0] += 1
        return srv.wait_audit(n_audit[0])[-1]

    def admitted(key, args, ep):
        def check():
            rc, out, err = rpk_client(srv, port, key, *args)
            assert rc == 0 and out[0]["result"] == "success", (out, err, srv.output()[-2000:])
            rec = next_audit()
            assert rec["outcome"] == "success" and rec["endpoint"] == ep, rec
            assert rec["security"] == "rpk" and rec["identity"].startswith("sha256:"), rec
            boot = [s for s in out[0]["security"] if s.get("bootstrap_server")]
            assert boot and boot[0]["security_mode"] == 1, out
        return check

    def refused(key, ep, why):
        def check():
            rc, out, err = rpk_client(srv, port, key, "-e", ep, timeout=5)
            assert rc != 0 and out[0]["result"] != "success", (out, err)
            if why is None:  # the handshake fails: nothing reaches /bs
                assert out[0]["reason"] == "DTLS handshake failed", out
                srv.wait_log("unknown raw public key", 5)
                return
            assert out[0]["reason"] == "Bootstrap-Request answered 4.00", out
            rec = next_audit()
            assert rec["outcome"] == "refused" and why in rec["reason"], rec
            assert rec["security"] == "rpk", rec
        return check

    def others_on_coaps():
        keys = os.path.join(srv.dir, "keys")
        x = ["-s", f"coaps://127.0.0.1:{srv.coaps_port}", "-e", "dev-x509",
             "--cert", f"{keys}/dev-x509.pem", "--key", f"{keys}/dev-x509.key",
             "--ca", f"{keys}/ca.pem"]
        psk = ["-s", f"coaps://127.0.0.1:{srv.coaps_port}", "-e", "dev-psk",
               "--psk-identity", "dev-psk", "--psk-key", "00112233445566778899aabbccddeeff"]
        rpk = ["-s", f"coaps://127.0.0.1:{port}", "-e", "dev-b",
               "--rpk-key", f"{keys}/dev-b.key"]
        # All three at once: the loop serves both contexts without one blocking the other.
        procs = [subprocess.Popen([LWBS, "client", "--timeout", "10", *a], text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for a in (x, psk, rpk)]
        for p in procs:
            out, err = p.communicate(timeout=40)
            res = json.loads(out.splitlines()[0]) if out.strip() else {}
            assert p.returncode == 0 and res.get("result") == "success", (out, err)
        recs = srv.wait_audit(n_audit[0] + 3)[-3:]
        n_audit[0] += 3
        assert sorted(r["security"] for r in recs) == ["certificate", "psk", "rpk"], recs

    t.run(f"{label}: pinned key (PEM file) bootstraps its endpoint",
          admitted("dev-a", ["-e", "dev-a"], "dev-a"))
    t.run(f"{label}: without ep= the endpoint comes from the key's entry",
          admitted("dev-b", ["--no-ep"], "dev-b"))
    t.run(f"{label}: a key pinned on a pattern group (base64 DER) claims a matching name",
          admitted("dev-c", ["-e", "fleet-c-17"], "fleet-c-17"))
    t.run(f"{label}: unknown key fails the handshake, logged",
          refused("stranger", "dev-a", None))
    t.run(f"{label}: key of dev-a claiming dev-b is refused",
          refused("dev-a", "dev-b", "may not claim this endpoint"))
    t.run(f"{label}: key of dev-a claiming a certificate device is refused",
          refused("dev-a", "dev-x509", "may not claim this endpoint"))
    t.run(f"{label}: certificate and PSK clients on coaps_port meanwhile", others_on_coaps)

    def dtls12_ccm8():
        kdir = os.path.join(srv.dir, "keys")
        for key, agreed in (("dev-a", True), ("stranger", False)):
            with open(f"{kdir}/{key}.der", "wb") as f:
                f.write(spki(keys[key]))
            p = subprocess.run([os.environ["LWBS_DTLS12_RPK_CLIENT"], str(port),
                                f"{kdir}/{key}.key", f"{kdir}/{key}.der"],
                               capture_output=True, text=True, timeout=30)
            assert (p.returncode == 0) == agreed, (key, p.returncode, p.stdout, p.stderr)
            if agreed:
                assert p.stdout.strip() == "DTLSv1.2 ECDHE-ECDSA-AES128-CCM-8", p.stdout
    t.run(f"{label}: DTLS 1.2 client offering only TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 "
          "agrees with a pinned key, fails with an unknown one", dtls12_ccm8)

    def bootstrap_url():
        p = subprocess.run([LWBS, "bootstrap-url", "--policy", srv.policy_dir],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        assert p.stdout.splitlines() == [f"coaps://127.0.0.1:{srv.coaps_port}",
                                         f"coaps://127.0.0.1:{port} (raw public keys)"], p.stdout
    t.run(f"{label}: lwbs bootstrap-url names the RPK endpoint too", bootstrap_url)


def main():
    files, keys = write_files()
    t = Tap()
    for workers in (1, 2):
        port, = free_udp_ports(1)
        srv = Lwbsd(policy(keys, port, workers), files=files)
        try:
            label = f"{workers} worker{'s' if workers > 1 else ''}"
            checks(t, srv, port, label, keys)
            t.run(f"{label}: SIGTERM stops lwbsd cleanly", lambda: srv.stop())
        finally:
            if srv.proc.poll() is None:
                srv.proc.kill()
    t.done()


if __name__ == "__main__":
    main()
