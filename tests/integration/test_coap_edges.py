#!/usr/bin/env python3
"""CoAP-level edge cases, with hand-built datagrams (RFC 7252 §3): a
retransmitted Bootstrap-Request is processed once, a non-confirmable one is
refused, /bspack answers 4.04 so 1.2 clients fall back (Core TS 1.2
§6.1.7.8), lwbsd's requests carry only the options of the operation, and
garbage never stops lwbsd from serving."""
import os
import socket
import struct
import subprocess
import time

from harness import LWBS, Lwbsd, Tap

POLICY = """
lwbsd:
  exchange_timeout: 1
servers:
  - id: dm
    uri: coap://127.0.0.1:5783
    short_server_id: 101
    security: nosec
devices:
  - endpoint_pattern: "raw-*"
    bootstrap: {nosec: true}
    servers: [dm]
"""

CON, NON, ACK = 0, 1, 2
POST, GET = 2, 1


def option(delta, value):
    """One CoAP option with delta < 13 and a value shorter than 13 bytes."""
    assert delta < 13 and len(value) < 13
    return bytes([(delta << 4) | len(value)]) + value


def request(mtype, code, mid, token, path, query=()):
    opts, last = b"", 0
    for seg in path:
        opts += option(11 - last, seg.encode())
        last = 11
    for q in query:
        opts += option(15 - last, q.encode())
        last = 15
    head = struct.pack("!BBH", 0x40 | (mtype << 4) | len(token), code, mid)
    return head + token + opts


def parse(dgram):
    b0, code, mid = struct.unpack("!BBH", dgram[:4])
    tkl = b0 & 0xF
    return {"type": (b0 >> 4) & 3, "code": f"{code >> 5}.{code & 31:02d}", "mid": mid,
            "token": dgram[4:4 + tkl], "raw": dgram}


def options(dgram):
    """(number, value) of each option of a datagram, in order (RFC 7252 §3.1)."""
    i, num, out = 4 + (dgram[0] & 0xF), 0, []
    while i < len(dgram) and dgram[i] != 0xFF:
        fields, i = [dgram[i] >> 4, dgram[i] & 0xF], i + 1
        for k in (0, 1):  # extended delta, then extended length
            if fields[k] == 13:
                fields[k], i = 13 + dgram[i], i + 1
            elif fields[k] == 14:
                fields[k], i = 269 + int.from_bytes(dgram[i:i + 2], "big"), i + 2
        num += fields[0]
        out.append((num, dgram[i:i + fields[1]]))
        i += fields[1]
    return out


class Raw:
    def __init__(self, port):
        self.s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.s.settimeout(2)
        self.addr = ("127.0.0.1", port)

    def send(self, data):
        self.s.sendto(data, self.addr)

    def recv_matching(self, pred, timeout=3):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                m = parse(self.s.recv(2048))
            except socket.timeout:
                continue
            if pred(m):
                return m
        raise AssertionError("no matching datagram")


def main():
    srv = Lwbsd(POLICY)
    t = Tap()

    def retransmission_processed_once():
        raw = Raw(srv.coap_port)
        req = request(CON, POST, 0x1234, b"\x01\x02", ["bs"], ["ep=raw-once"])
        raw.send(req)
        a = raw.recv_matching(lambda m: m["mid"] == 0x1234 and m["type"] == ACK)
        raw.send(req)  # as if our ACK had been lost
        b = raw.recv_matching(lambda m: m["mid"] == 0x1234 and m["type"] == ACK)
        assert a["code"] == b["code"] == "2.04", (a, b)
        srv.wait_audit(1, 10)
        recs = [r for r in srv.audit_records() if r["endpoint"] == "raw-once"]
        assert len(recs) == 1, recs  # one session, ended by the timeout
        assert srv.output().count("'raw-once' from") == 2, srv.output()  # admitted + failed
    t.run("a retransmitted Bootstrap-Request starts one session, not two",
          retransmission_processed_once)

    def non_confirmable_refused():
        raw = Raw(srv.coap_port)
        raw.send(request(NON, POST, 0x2000, b"\x07", ["bs"], ["ep=raw-non"]))
        m = raw.recv_matching(lambda m: m["token"] == b"\x07")
        assert m["code"] == "4.00", m
    t.run("a non-confirmable Bootstrap-Request gets 4.00", non_confirmable_refused)

    def bspack_falls_back():
        raw = Raw(srv.coap_port)
        raw.send(request(CON, GET, 0x3000, b"\x08", ["bspack"], ["ep=raw-pack"]))
        m = raw.recv_matching(lambda m: m["mid"] == 0x3000)
        assert m["code"] == "4.04", m
    t.run("GET /bspack answers 4.04 so the client falls back to /bs", bspack_falls_back)

    def zero_token_and_separate_response():
        raw = Raw(srv.coap_port)
        raw.send(request(CON, POST, 0x4000, b"", ["bs"], ["ep=raw-sep"]))
        ack = raw.recv_matching(lambda m: m["mid"] == 0x4000)
        assert ack["code"] == "2.04" and ack["token"] == b"", ack
        disc = raw.recv_matching(lambda m: m["type"] == CON and m["code"] == "0.01")
        # Separate response (RFC 7252 §5.2.2): empty ACK now, the answer later.
        raw.send(struct.pack("!BBH", 0x40 | (ACK << 4), 0, disc["mid"]))
        time.sleep(0.2)
        tok = disc["token"]
        answer = (struct.pack("!BBH", 0x40 | (CON << 4) | len(tok), (2 << 5) | 5, 0x4001) + tok
                  + option(12, bytes([40])) + b"\xff" + b"</>;lwm2m=1.1,</0/0>")
        raw.send(answer)
        acked = raw.recv_matching(lambda m: m["mid"] == 0x4001 and m["type"] == ACK)
        assert acked["code"] == "0.00", acked
        # Discover listed only the bootstrap account: nothing to delete, so
        # the next request is the Security write (PUT, Uri-Path "0").
        write = raw.recv_matching(lambda m: m["type"] == CON and m["code"] == "0.03")
        assert write["raw"].find(b"\xb1" + b"0") > 0, write
    t.run("zero-length token accepted; a separate response to Discover moves the session on",
          zero_token_and_separate_response)

    def requests_carry_only_their_options():
        raw = Raw(srv.coap_port)
        raw.send(request(CON, POST, 0x5000, b"\x09", ["bs"], ["ep=raw-opts"]))
        raw.recv_matching(lambda m: m["mid"] == 0x5000)
        disc = raw.recv_matching(lambda m: m["type"] == CON and m["code"] == "0.01")
        # Bootstrap-Discover of "/": Accept: application/link-format, nothing else
        # (Core TS 1.2 §6.1.7.1); no preemptive Request-Tag (RFC 9175 §3.2).
        assert options(disc["raw"]) == [(17, bytes([40]))], options(disc["raw"])
        tok = disc["token"]
        raw.send(struct.pack("!BBH", 0x40 | (ACK << 4) | len(tok), (2 << 5) | 5, disc["mid"])
                 + tok + option(12, bytes([40])) + b"\xff" + b"</>;lwm2m=1.1,</0/0>")
        write = raw.recv_matching(lambda m: m["type"] == CON and m["code"] == "0.03")
        assert {n for n, _ in options(write["raw"])} == {11, 12}, options(write["raw"])
    t.run("Discover and Write carry only Uri-Path, Accept, Content-Format (no Request-Tag)",
          requests_carry_only_their_options)

    def garbage_survived():
        raw = Raw(srv.coap_port)
        for junk in (b"", b"\xff", b"\x40", b"\x4f\x02\x00\x01", os.urandom(600),
                     request(CON, POST, 1, b"", ["bs"], ["ep=" + "x" * 8]) + b"\xff"):
            raw.send(junk)
        raw = Raw(srv.coaps_port)
        for _ in range(20):
            raw.send(os.urandom(100))
        p = subprocess.run([LWBS, "client", "-s", f"coap://127.0.0.1:{srv.coap_port}",
                            "-e", "raw-after", "--timeout", "10"],
                           capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stdout + p.stderr
    t.run("malformed datagrams on both ports; lwbsd keeps serving", garbage_survived)

    t.run("SIGTERM stops lwbsd cleanly", lambda: srv.stop())
    t.done()


if __name__ == "__main__":
    main()
