#!/usr/bin/env python3
"""The `lwbs` identity commands: `ca init`, `cert issue|list`, `psk
new|list|show|rm` and `bootstrap-url` produce files with the promised shape
and modes, and the identities they mint then bootstrap against lwbsd."""
import hashlib
import os
import re
import stat
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from harness import DM_SERVER, LWBS, Lwbsd, Tap

SERVERS = "\n" + DM_SERVER


def lwbs(*args, ok=True):
    p = subprocess.run([LWBS, *args], capture_output=True, text=True, timeout=30)
    if ok:
        assert p.returncode == 0, (args, p.stdout, p.stderr)
    return p


def fields(out):
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def main():
    base = tempfile.mkdtemp(prefix="lwbs-ident-")
    pol, out = os.path.join(base, "pol"), os.path.join(base, "out")
    os.makedirs(pol)
    os.makedirs(out)
    with open(os.path.join(pol, "10-test.yaml"), "w") as f:
        f.write(SERVERS)
    t = Tap()
    made = {}

    def ca_init():
        lwbs("ca", "init", "--policy", pol, "--host", "127.0.0.1")
        assert mode(f"{pol}/certs/private/ca.key") == 0o600
        assert mode(f"{pol}/certs/private/lwbsd.key") == 0o600
        ca = x509.load_pem_x509_certificate(open(f"{pol}/certs/ca.pem", "rb").read())
        assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert ca.public_key().curve.name == "secp256r1", ca.public_key().curve.name
        again = lwbs("ca", "init", "--policy", pol, ok=False)
        assert again.returncode != 0 and "exists already" in again.stderr, again.stderr
    t.run("ca init: a P-256 CA under certs/, keys 0600, never overwritten", ca_init)

    def cert_issue():
        p = lwbs("cert", "issue", "--policy", pol, "--endpoint", "meter-1", "--out", out)
        f = fields(p.stdout)
        cert = x509.load_pem_x509_certificate(open(f["certificate"], "rb").read())
        cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
        guid = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value
        assert cn == "meter-1" and guid == f["guid"], (cn, guid, f)
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                            r"[0-9a-f]{12}", guid), guid
        assert mode(f["key"]) == 0o600 and mode(f["file"]) == 0o600
        fp = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
        listed = lwbs("cert", "list", "--policy", pol).stdout
        assert f"meter-1\tcn\t{fp}\t" in listed, listed
        second = fields(lwbs("cert", "issue", "--policy", pol, "--endpoint", "meter-2",
                             "--out", out).stdout)
        assert second["guid"] != guid, "GUIDs must be unique"
        made["cert"] = f
    t.run("cert issue: CN = endpoint, a unique GUID, recorded and pinned in the policy",
          cert_issue)

    def psk_new():
        p = lwbs("psk", "new", "--policy", pol, "--endpoint", "dev-77")
        f = fields(p.stdout)
        # base64url, never starting with '-' (it would read as an option)
        assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]{21}", f["identity"]), f
        assert re.fullmatch(r"[0-9a-f]{64}", f["key_hex"]), f
        assert mode(f["file"]) == 0o600, oct(mode(f["file"]))
        listed = lwbs("psk", "list", "--policy", pol).stdout
        assert f["identity"] in listed and f["key_hex"] not in listed, listed
        shown = fields(lwbs("psk", "show", "--policy", pol, f["identity"]).stdout)
        assert shown["key_hex"] == f["key_hex"] and shown["endpoint"] == "dev-77", shown
        made["psk"] = f
        gone = fields(lwbs("psk", "new", "--policy", pol).stdout)
        assert gone["endpoint"] == gone["identity"], gone
        lwbs("psk", "rm", "--policy", pol, gone["identity"])
        assert gone["identity"] not in lwbs("psk", "list", "--policy", pol).stdout
        assert not os.path.exists(gone["file"])
        bad = lwbs("psk", "show", "--policy", pol, "nope", ok=False)
        assert bad.returncode == 1 and "lwbs psk list" in bad.stderr, bad.stderr
    t.run("psk new/list/show/rm: 16-byte base64url identity, 32-byte hex key, 0600",
          psk_new)

    def refuses_unknown_server():
        p = lwbs("psk", "new", "--policy", pol, "--server", "dn", ok=False)
        assert p.returncode != 0 and "no server 'dn'" in p.stderr and "dm" in p.stderr, p
    t.run("psk new with an unknown --server says which servers exist", refuses_unknown_server)

    settings = ("lwbsd:\n  certificate: certs/server/lwbsd.pem\n"
                "  key: certs/private/lwbsd.key\n")
    files = {}
    for root, _, names in os.walk(pol):
        for n in names:
            rel = os.path.relpath(os.path.join(root, n), pol)
            if rel != "10-test.yaml":
                files["policies/" + rel] = open(os.path.join(root, n), "rb").read()
    srv = Lwbsd(settings + SERVERS, files=files)
    try:
        served(t, srv, made)
    finally:
        if srv.proc.poll() is None:  # a failure above must not leave lwbsd running
            srv.proc.kill()


def served(t, srv, made):

    def url():
        u = lwbs("bootstrap-url", "--policy", srv.policy_dir).stdout.strip()
        assert u == f"coaps://127.0.0.1:{srv.coaps_port}", u
    t.run("bootstrap-url prints the coaps URL", url)

    def client(*args):
        p = subprocess.run([LWBS, "client", "-s", f"coaps://127.0.0.1:{srv.coaps_port}",
                            "--timeout", "10", *args], capture_output=True, text=True,
                           timeout=40)
        assert p.returncode == 0 and '"result":"success"' in p.stdout, (p.stdout, p.stderr)

    t.run("the issued certificate bootstraps (lwbsd trusts certs/)",
          lambda: client("-e", "meter-1", "--cert", made["cert"]["certificate"],
                         "--key", made["cert"]["key"], "--ca",
                         f"{srv.policy_dir}/certs/ca.pem"))
    t.run("the new PSK bootstraps",
          lambda: client("-e", "dev-77", "--psk-identity", made["psk"]["identity"],
                         "--psk-key", made["psk"]["key_hex"]))
    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
