#!/usr/bin/env python3
"""lwbsd negotiates the LwM2M cipher suites (Transport TS 1.2 §5.2.1,
§5.2.8.x) with a DTLS 1.2 client that offers nothing else (Debian's
openssl s_client), and DTLS 1.3 with libcoap's wolfSSL client."""
import os
import subprocess

from harness import DEPS_BIN, DM_SERVER, Lwbsd, Tap, s_client

PSK_ID = "suite-test"
PSK_KEY = "00112233445566778899aabbccddeeff"

POLICY = f"""
{DM_SERVER}devices:
  - endpoint: {PSK_ID}
    bootstrap:
      psk: {{identity: {PSK_ID}, key_hex: "{PSK_KEY}"}}
    servers:
      - server: dm
"""


def make_pki(d):
    """Two CAs (trusted, rogue) and EC P-256 certificates: the server's, a
    client's from each CA, and an expired client certificate."""
    def ossl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)
    for ca in ("ca", "rogue"):
        ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{ca}.key")
        ossl("req", "-x509", "-new", "-key", f"{ca}.key", "-subj", f"/CN=lwbs {ca}",
             "-days", "2", "-out", f"{ca}.pem")
    for name, ca, dates in (("server", "ca", ["-days", "1"]),
                            ("client", "ca", ["-days", "1"]),
                            ("rogue-client", "rogue", ["-days", "1"]),
                            ("expired", "ca", ["-not_before", "20200101000000Z",
                                               "-not_after", "20200102000000Z"])):
        ossl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", f"{name}.key")
        ossl("req", "-new", "-key", f"{name}.key", "-subj", f"/CN=lwbs-{name}", "-out",
             f"{name}.csr")
        if dates[0] == "-days":
            # X.509 v3 (with extensions): wolfSSL refuses v1 certificates.
            ossl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey",
                 f"{ca}.key", "-CAcreateserial", *dates, "-extfile", write_ext(d),
                 "-out", f"{name}.pem")
        else:  # openssl 3.0's x509 has no -not_before: sign through `ca`
            ossl("ca", "-batch", "-notext", "-cert", f"{ca}.pem",
                 "-keyfile", f"{ca}.key", "-in", f"{name}.csr", "-out", f"{name}.pem",
                 "-startdate", dates[1], "-enddate", dates[3], "-config", write_ca_conf(d))


def write_ext(d):
    path = os.path.join(d, "v3.ext")
    with open(path, "w") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\n")
    return path


def write_ca_conf(d):
    """A throwaway `openssl ca` configuration in d."""
    open(os.path.join(d, "index.txt"), "w").close()
    with open(os.path.join(d, "serial"), "w") as f:
        f.write("1000\n")
    path = os.path.join(d, "ca.cnf")
    with open(path, "w") as f:
        f.write(f"[ca]\ndefault_ca=d\n[d]\ndatabase={d}/index.txt\nserial={d}/serial\n"
                f"new_certs_dir={d}\ndefault_md=sha256\npolicy=p\nx509_extensions=e\n"
                f"[p]\ncommonName=supplied\n[e]\nbasicConstraints=CA:FALSE\n")
    return path


def main():
    import tempfile
    pki = tempfile.mkdtemp(prefix="lwbs-pki-")
    make_pki(pki)
    srv = Lwbsd(POLICY, ["-C", f"{pki}/server.pem", "-K", f"{pki}/server.key",
                         "-A", f"{pki}/ca.pem"])
    t = Tap()
    psk = ["-psk_identity", PSK_ID, "-psk", PSK_KEY]

    def negotiated(cipher, *extra):
        def check():
            out = s_client(srv.coaps_port, cipher, *extra)
            assert f"Cipher is {cipher}" in out and "SSL alert" not in out, out[-2000:]
        return check

    t.run("TLS_PSK_WITH_AES_128_CCM_8 (0xC0A8) alone",
          negotiated("PSK-AES128-CCM8", *psk))
    t.run("TLS_PSK_WITH_AES_128_CBC_SHA256 alone",
          negotiated("PSK-AES128-CBC-SHA256", *psk))
    t.run("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 alone, client certificate from the trusted CA",
          negotiated("ECDHE-ECDSA-AES128-CCM8", "-cert", f"{pki}/client.pem",
                     "-key", f"{pki}/client.key", "-CAfile", f"{pki}/ca.pem"))

    def refused_cert(name, why):
        def check():
            out = s_client(srv.coaps_port, "ECDHE-ECDSA-AES128-CCM8", "-cert",
                           f"{pki}/{name}.pem", "-key", f"{pki}/{name}.key",
                           "-CAfile", f"{pki}/ca.pem")
            # s_client prints the cipher even when the server then aborts:
            # the alert is what tells the handshake failed.
            assert "SSL alert number" in out, why + out[-2000:]
        return check
    # Defect 1 pinned: allow_expired_certs would let both of these through.
    t.run("client certificate from an unknown CA is refused",
          refused_cert("rogue-client", "unknown CA accepted: "))
    t.run("expired client certificate is refused", refused_cert("expired", "expired accepted: "))

    def wrong_psk_fails():
        out = s_client(srv.coaps_port, "PSK-AES128-CCM8", "-psk_identity", PSK_ID,
                       "-psk", "ff" * 16)
        assert "Cipher is PSK-AES128-CCM8" not in out, out[-2000:]
    t.run("a wrong PSK does not complete the handshake", wrong_psk_fails)

    def dtls13():
        client = os.path.join(DEPS_BIN, "coap-client-wolfssl")
        p = subprocess.run(
            [client, "-v", "7", "-m", "post", "-u", PSK_ID, "-k", "0x" + PSK_KEY, "-B", "5",
             f"coaps://127.0.0.1:{srv.coaps_port}/bs?ep={PSK_ID}"],
            capture_output=True, text=True, timeout=30)
        out = p.stdout + p.stderr
        assert "v:1 t:ACK c:2.04" in out, out[-3000:]
        srv.wait_log(f"'{PSK_ID}' from", 5)
        admitted = [l for l in srv.output().splitlines() if "admitted" in l]
        assert admitted and "DTLSv1.3" in admitted[-1], srv.output()
    t.run("DTLS 1.3 with PSK through libcoap+wolfSSL, Bootstrap-Request answered 2.04", dtls13)

    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
