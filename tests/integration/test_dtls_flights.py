#!/usr/bin/env python3
"""lwbsd packs a DTLS flight's records into shared datagrams, none longer
than libcoap's MTU of 1152 bytes (RFC 6347 §4.1.1: a record never crosses
a datagram, several may share one; §4.1.1.1: handshake messages are
fragmented to fit). The libcoap patch sets wolfSSL's group-messages option
(packaging/patches/libcoap-4.3.5-scale.patch, item 6). A UDP relay between
the client and lwbsd records every datagram."""
import os
import select
import socket
import subprocess
import threading

from cryptography import x509

from harness import DM_SERVER, LWBS, Lwbsd, Tap, s_client
from pki import PEM, make_cert, pem_key

MTU = 1152
PSK_ID = "flights-psk"
PSK_KEY = "00112233445566778899aabbccddeeff"
HANDSHAKE, SERVER_HELLO, CERTIFICATE, SERVER_HELLO_DONE = 22, 2, 11, 14

POLICY = f"""
lwbsd:
  certificate: ../keys/server.pem
  key: ../keys/server.key
{DM_SERVER}devices:
  - endpoint: {PSK_ID}
    bootstrap: {{psk: {{identity: {PSK_ID}, key_hex: "{PSK_KEY}"}}}}
    servers: [dm]
  - endpoint: dev-flights
    bootstrap: {{certificate: {{match: cn}}}}
    servers: [dm]
"""


def write_pki():
    """A CA, a device certificate and a server certificate of some 1.7 KB
    (60 DNS names): lwbsd's Certificate message needs two datagrams."""
    ca, ca_key = make_cert("flights CA", None, None, ca=True)
    names = [x509.DNSName(f"bootstrap-{i}.lwbs.example") for i in range(60)]
    server, server_key = make_cert("lwbs.test", ca.subject, ca_key, sans=names)
    device, device_key = make_cert("dev-flights", ca.subject, ca_key)
    assert len(server.public_bytes(PEM)) > 2 * MTU
    return {"policies/certs/ca.pem": ca.public_bytes(PEM), "keys/ca.pem": ca.public_bytes(PEM),
            "keys/server.pem": server.public_bytes(PEM), "keys/server.key": pem_key(server_key),
            "keys/dev.pem": device.public_bytes(PEM), "keys/dev.key": pem_key(device_key)}


class Relay:
    """Forwards one client's datagrams to lwbsd and back, keeping each
    (sender, bytes): 'c' for the client, 's' for lwbsd."""

    def __init__(self, port):
        self.front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.front.bind(("127.0.0.1", 0))
        self.port = self.front.getsockname()[1]
        self.back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.back.connect(("127.0.0.1", port))
        self.seen, self.client, self.running = [], None, True
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while self.running:
            ready, _, _ = select.select([self.front, self.back], [], [], 0.05)
            for s in ready:
                if s is self.front:
                    data, self.client = s.recvfrom(65535)
                    self.seen.append(("c", data))
                    self.back.send(data)
                else:
                    try:
                        data = s.recv(65535)
                    except ConnectionRefusedError:
                        continue
                    self.seen.append(("s", data))
                    self.front.sendto(data, self.client)

    def close(self):
        self.running = False
        self.thread.join()
        self.front.close()
        self.back.close()

    def from_server(self):
        return [d for who, d in self.seen if who == "s"]


def handshake_types(datagram):
    """Handshake message types of a DTLS 1.2 datagram's plaintext (epoch 0)
    records, in order; other records are skipped."""
    types, off = [], 0
    while off + 13 <= len(datagram):
        length = int.from_bytes(datagram[off + 11:off + 13], "big")
        body = datagram[off + 13:off + 13 + length]
        if datagram[off] == HANDSHAKE and datagram[off + 3:off + 5] == b"\0\0" and body:
            types.append(body[0])
        off += 13 + length
    return types


def main():
    srv = Lwbsd(POLICY, files=write_pki())
    keys = os.path.join(srv.dir, "keys")
    t = Tap()

    def within_mtu(relay):
        sizes = [len(d) for d in relay.from_server()]
        assert sizes and max(sizes) <= MTU, sizes

    def psk_hello_flight():
        relay = Relay(srv.coaps_port)
        try:
            out = s_client(relay.port, "PSK-AES128-CCM8", "-psk_identity", PSK_ID, "-psk", PSK_KEY)
        finally:
            relay.close()
        assert "Cipher is PSK-AES128-CCM8" in out, out[-1500:]
        flights = [handshake_types(d) for d in relay.from_server()]
        assert [SERVER_HELLO, SERVER_HELLO_DONE] in flights, flights
    t.run("DTLS 1.2 PSK: ServerHello and ServerHelloDone share one datagram", psk_hello_flight)

    def cert_flight_12():
        relay = Relay(srv.coaps_port)
        try:
            out = s_client(relay.port, "ECDHE-ECDSA-AES128-CCM8", "-cert", f"{keys}/dev.pem",
                           "-key", f"{keys}/dev.key", "-CAfile", f"{keys}/ca.pem")
        finally:
            relay.close()
        assert "Cipher is ECDHE-ECDSA-AES128-CCM8" in out, out[-1500:]
        within_mtu(relay)
        carrying = [d for d in relay.from_server() if CERTIFICATE in handshake_types(d)]
        assert len(carrying) >= 2, [len(d) for d in carrying]
    t.run("DTLS 1.2 certificate flight: fragments fill datagrams up to the MTU", cert_flight_12)

    def cert_bootstrap():
        relay = Relay(srv.coaps_port)
        try:
            p = subprocess.run([LWBS, "client", "-s", f"coaps://127.0.0.1:{relay.port}",
                                "-e", "dev-flights", "--timeout", "15", "--cert",
                                f"{keys}/dev.pem", "--key", f"{keys}/dev.key", "--ca",
                                f"{keys}/ca.pem"], capture_output=True, text=True, timeout=45)
        finally:
            relay.close()
        assert p.returncode == 0, p.stdout + p.stderr[-1500:]
        within_mtu(relay)
    t.run("certificate bootstrap (libcoap's client, DTLS 1.3) stays within the MTU",
          cert_bootstrap)
    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
