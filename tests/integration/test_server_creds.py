#!/usr/bin/env python3
"""Credentials lwbsd makes for the device's LwM2M server, per server
`credentials:` (policies/README.md): a fresh PSK, a PSK derived with
HKDF-SHA256, a certificate issued by the organisation CA, a raw key pair.
What the client received must equal what was exported to the device
server (file and command), the derived key must equal the HKDF of the
documented inputs, and a failed export must fail the bootstrap before the
device is given anything."""
import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from harness import LWBS, Lwbsd, Tap
from pki import DAY, NOW, PEM, make_cert, pem_key, spki

MASTER = bytes(range(32))


def ca_files():
    ca, key = make_cert("test org CA", None, None, ca=True, not_after=NOW + 30 * DAY)
    srv_key = ec.generate_private_key(ec.SECP256R1())
    return ca, {
        "policies/org/ca.pem": ca.public_bytes(PEM),
        "policies/org/ca.key": pem_key(key),
        "policies/dm-cert.der": ca.public_bytes(serialization.Encoding.DER),
        "policies/dm-rpk.der": spki(srv_key),
    }


POLICY = f"""
servers:
  - id: gen
    uri: coaps://127.0.0.1:5801
    short_server_id: 11
    security: psk
    credentials: generated-psk
    credentials_export: ../exports/gen.jsonl
  - id: der
    uri: coaps://127.0.0.1:5802
    short_server_id: 12
    security: psk
    credentials: derived-psk
    master_secret_hex: "{MASTER.hex()}"
  - id: crt
    uri: coaps://127.0.0.1:5803
    short_server_id: 13
    security: certificate
    credentials: issued-certificate
    server_public_key_file: dm-cert.der
    issuer: {{certificate: org/ca.pem, key: org/ca.key}}
    credentials_export: ../exports/crt.jsonl
  - id: rpk
    uri: coaps://127.0.0.1:5804
    short_server_id: 14
    security: rpk
    credentials: rpk
    server_public_key_file: dm-rpk.der
    credentials_export: ../exports/rpk.jsonl
    credentials_command: "cat >> cmd.jsonl"  # run in lwbsd's working directory
  - id: broken
    uri: coaps://127.0.0.1:5805
    short_server_id: 15
    security: psk
    credentials: generated-psk
    credentials_export: /nonexistent/dir/gen.jsonl
devices:
  - endpoint: dev-a
    bootstrap: {{nosec: true}}
    servers: [gen, der, crt, rpk]
  - endpoint: dev-b
    bootstrap: {{nosec: true}}
    servers: [gen]
  - endpoint: dev-broken
    bootstrap: {{nosec: true}}
    servers: [der, broken]
"""


def client(srv, ep):
    p = subprocess.run([LWBS, "client", "-s", f"coap://127.0.0.1:{srv.coap_port}",
                        "--timeout", "10", "-e", ep], capture_output=True, text=True,
                       timeout=40)
    return p.returncode, json.loads(p.stdout.splitlines()[0]), p.stderr


def account(report, ssid):
    (sec,) = [s for s in report["security"] if s.get("short_server_id") == ssid]
    return sec


def exported(srv, name):
    path = os.path.join(srv.dir, "exports", name)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, oct(os.stat(path).st_mode)
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main():
    ca, files = ca_files()
    files["exports/.keep"] = ""
    srv = Lwbsd(POLICY, files=files)
    try:
        checks(srv, ca, files)
    finally:
        if srv.proc.poll() is None:  # a failure above must not leave lwbsd running
            srv.proc.kill()


def checks(srv, ca, files):
    t = Tap()
    rc, rep, err = client(srv, "dev-a")

    def bootstraps():
        assert rc == 0, (rep, err, srv.output()[-3000:])
    t.run("a device sent to four servers with generated credentials bootstraps", bootstraps)

    def generated_psk():
        sec = account(rep, 11)
        (line,) = exported(srv, "gen.jsonl")
        assert line["endpoint"] == "dev-a" and line["server"] == "gen", line
        assert sec["security_mode"] == 0, sec
        assert bytes.fromhex(sec["public_key_or_identity"]).decode() == line["identity"], sec
        assert sec["secret_key"] == line["key_hex"] and len(line["key_hex"]) == 64, (sec, line)
        assert len(b64url(line["identity"])) == 16, line
        rc2, rep2, _ = client(srv, "dev-b")
        assert rc2 == 0
        lines = exported(srv, "gen.jsonl")
        assert len(lines) == 2 and lines[1]["key_hex"] != line["key_hex"], "not fresh"
        assert account(rep2, 11)["secret_key"] == lines[1]["key_hex"]
    t.run("generated-psk: what the device got is what was exported, fresh each time",
          generated_psk)

    def derived_psk():
        sec = account(rep, 12)
        # RFC 5869 with the documented inputs, recomputed here.
        prk = hmac.new(b"lwbs derived-psk v1", MASTER, hashlib.sha256).digest()
        okm = hmac.new(prk, b"dev-a" + b"\x01", hashlib.sha256).digest()
        assert sec["public_key_or_identity"] == b"dev-a".hex(), sec
        assert sec["secret_key"] == okm.hex(), (sec, okm.hex())
    t.run("derived-psk: key = HKDF-SHA256(master, salt 'lwbs derived-psk v1', info endpoint)",
          derived_psk)

    def issued_certificate():
        sec = account(rep, 13)
        (line,) = exported(srv, "crt.jsonl")
        der = bytes.fromhex(sec["public_key_or_identity"])
        assert der == b64url(line["certificate_der_base64url"]), "export differs"
        cert = x509.load_der_x509_certificate(der)
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "dev-a"
        guid = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
        assert len(guid) == 36, guid
        cert.verify_directly_issued_by(ca)
        key = serialization.load_der_private_key(bytes.fromhex(sec["secret_key"]), None)
        assert key.public_key() == cert.public_key(), "private key does not match"
        assert sec["server_public_key"] == files["policies/dm-cert.der"].hex()
        assert sec["security_mode"] == 2, sec
        assert "secret" not in json.dumps(line) and sec["secret_key"] not in json.dumps(line)
    t.run("issued-certificate: CN = endpoint, GUID, signed by the CA, key matches, exported",
          issued_certificate)

    def rpk():
        sec = account(rep, 14)
        (line,) = exported(srv, "rpk.jsonl")
        pub = bytes.fromhex(sec["public_key_or_identity"])
        assert pub == b64url(line["public_key_der_base64url"]), "export differs"
        key = serialization.load_der_private_key(bytes.fromhex(sec["secret_key"]), None)
        assert key.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo) == pub, "pair mismatch"
        assert sec["server_public_key"] == files["policies/dm-rpk.der"].hex()
        with open(os.path.join(srv.dir, "cmd.jsonl")) as f:
            assert [json.loads(l) for l in f] == [line], "command got another line"
    t.run("rpk: a key pair, the public key exported to the file and the command", rpk)

    def export_failure_fails():
        rc3, rep3, _ = client(srv, "dev-broken")
        assert rc3 != 0 and rep3["result"] == "failure", rep3
        assert not [s for s in rep3["security"] if not s.get("bootstrap_server")], rep3
        assert not [o for o in rep3["operations"] if o["op"] == "write"], rep3
        (rec,) = [r for r in srv.audit_records() if r["endpoint"] == "dev-broken"]
        assert "credentials export to '/nonexistent/dir/gen.jsonl' failed" in rec["reason"], rec
    t.run("a failed export fails the bootstrap before anything is written", export_failure_fails)

    def no_secret_in_logs():
        out = srv.output()
        for line in exported(srv, "gen.jsonl"):
            assert line["key_hex"] not in out, "key in the log"
    t.run("generated keys never reach the log", no_secret_in_logs)
    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
