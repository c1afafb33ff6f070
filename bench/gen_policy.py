#!/usr/bin/env python3
"""Write an lwbsd policy directory with N PSK devices, for the scale figures
of bench/run.py: devices dev-0 .. dev-(N-1), bootstrap PSK identity id-<i>,
one shared key (`lwbs bench --endpoint-prefix dev- --psk-identity-prefix id-
--psk-key KEY` plays them), each given one NoSec management server.

usage: bench/gen_policy.py DIR [--devices N] [--coap-port P] [--coaps-port P]
                           [--workers N] [--key HEX]
"""
import argparse
import os

KEY = "000102030405060708090a0b0c0d0e0f"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--devices", type=int, default=1000000)
    ap.add_argument("--coap-port", type=int, default=5683)
    ap.add_argument("--coaps-port", type=int, default=5684)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--key", default=KEY)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    with open(os.path.join(a.dir, "00-lwbsd.yaml"), "w") as f:
        f.write(f"lwbsd:\n  listen: [127.0.0.1]\n  coap_port: {a.coap_port}\n"
                f"  coaps_port: {a.coaps_port}\n  workers: {a.workers}\n"
                "servers:\n  - id: dm\n    uri: coap://127.0.0.1:5783\n"
                "    short_server_id: 101\n    lifetime: 300\n    binding: U\n"
                "    notification_storing: true\n    security: nosec\n")
    with open(os.path.join(a.dir, "10-devices.yaml"), "w") as f:
        f.write("devices:\n")
        chunk = []
        for i in range(a.devices):
            chunk.append(f"  - endpoint: dev-{i}\n    bootstrap:\n"
                         f"      psk: {{identity: id-{i}, key_hex: \"{a.key}\"}}\n"
                         "    servers: [dm]\n")
            if len(chunk) == 10000:
                f.write("".join(chunk))
                chunk = []
        f.write("".join(chunk))


if __name__ == "__main__":
    main()
