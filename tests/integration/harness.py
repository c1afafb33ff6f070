"""Shared pieces of the integration tests: free ports, policies in temp
dirs, an lwbsd process on loopback, and a tiny TAP reporter."""
import atexit
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

LWBSD = os.environ.get("LWBSD", "lwbsd")
LWBS = os.environ.get("LWBS", "lwbs")
DEPS_BIN = os.environ.get("LWBS_DEPS_BIN", "")
# The device-management server most policies route to: NoSec, never contacted.
DM_SERVER = """servers:
  - id: dm
    uri: coap://127.0.0.1:5783
    short_server_id: 101
    lifetime: 300
    binding: U
    notification_storing: true
    security: nosec
"""


def free_udp_ports(n):
    """n distinct UDP ports that are free on 127.0.0.1 right now."""
    socks, ports = [], []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        socks.append(s)
        ports.append(s.getsockname()[1])
    for s in socks:
        s.close()
    return ports


def write_bulk(policy_dir, n=300000):
    """n NoSec devices bulk-0 .. bulk-<n-1> routed to the server with id dm, in
    policy_dir/20-bulk.yaml: a policy that takes a second or so to load (more
    under sanitizers), for what lwbsd does while it reloads."""
    with open(os.path.join(policy_dir, "20-bulk.yaml"), "w") as f:
        f.write("devices:\n" + "".join(
            f"  - {{endpoint: bulk-{i}, bootstrap: {{nosec: true}}, servers: [dm]}}\n"
            for i in range(n)))


class Lwbsd:
    """lwbsd on 127.0.0.1 with a policy written from text; stopped by SIGTERM."""

    def __init__(self, policy_text, extra_args=(), files=None):
        self.dir = tempfile.mkdtemp(prefix="lwbs-it-")
        self.coap_port, self.coaps_port = free_udp_ports(2)
        self.audit = os.path.join(self.dir, "audit.jsonl")
        head = (f"lwbsd:\n  listen: [127.0.0.1]\n  coap_port: {self.coap_port}\n"
                f"  coaps_port: {self.coaps_port}\n  audit_log: {self.audit}\n")
        self.policy_dir = os.path.join(self.dir, "policies")
        os.mkdir(self.policy_dir)
        settings, rest = split_settings(policy_text)
        with open(os.path.join(self.policy_dir, "00-lwbsd.yaml"), "w") as f:
            f.write(head + settings)
        with open(os.path.join(self.policy_dir, "10-test.yaml"), "w") as f:
            f.write(rest)
        for name, data in (files or {}).items():
            os.makedirs(os.path.dirname(os.path.join(self.dir, name)), exist_ok=True)
            with open(os.path.join(self.dir, name), "wb" if isinstance(data, bytes) else "w") as f:
                f.write(data)
        self.log_path = os.path.join(self.dir, "lwbsd.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([LWBSD, "-c", self.policy_dir, *extra_args],
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=self.dir)
        # A test that dies before stop() must not leave lwbsd (and its workers) behind.
        atexit.register(self.kill)
        self.wait_log("started", 10)

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def wait_log(self, text, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.output():
                return
            if self.proc.poll() is not None:
                raise RuntimeError("lwbsd exited early:\n" + self.output())
            time.sleep(0.05)
        raise RuntimeError(f"lwbsd did not log {text!r}:\n" + self.output())

    def output(self):
        with open(self.log_path) as f:
            return f.read()

    def audit_records(self):
        if not os.path.exists(self.audit):
            return []
        with open(self.audit) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_audit(self, n, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            recs = self.audit_records()
            if len(recs) >= n:
                return recs
            time.sleep(0.05)
        raise AssertionError(f"expected {n} audit records, got {self.audit_records()}")

    def wait_endpoint(self, ep, after=0, timeout=15):
        """The last audit record of ep among those past the first `after`. A
        client exits once it has answered Finish; lwbsd audits a moment later."""
        deadline = time.time() + timeout
        while True:
            recs = [r for r in self.audit_records()[after:] if r["endpoint"] == ep]
            if recs:
                return recs[-1]
            assert time.time() < deadline, f"no audit record for {ep}: {self.audit_records()}"
            time.sleep(0.05)

    def stop(self):
        """SIGTERM; lwbsd must exit 0 within 5 s."""
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=5)
        self.log.close()
        out = self.output()
        assert rc == 0, f"lwbsd exited {rc}:\n{out}"
        assert "ERROR: AddressSanitizer" not in out and "runtime error:" not in out, out
        return out


def s_client(port, cipher, *extra):
    """openssl s_client handshaking over DTLS 1.2 with 127.0.0.1:port,
    offering only `cipher`; its stdout and stderr."""
    try:
        p = subprocess.run(
            ["openssl", "s_client", "-dtls1_2", "-cipher", cipher + ":@SECLEVEL=0",
             "-connect", f"127.0.0.1:{port}", *extra],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=8)
    except subprocess.TimeoutExpired as e:
        # A refused handshake leaves s_client retransmitting: no cipher was agreed.
        return (e.stdout or b"").decode() + (e.stderr or b"").decode()
    return p.stdout + p.stderr


def split_settings(text):
    """(indented lines of text's `lwbsd:` block, the rest of text)."""
    inside, settings, rest = False, [], []
    for line in text.splitlines():
        if line.startswith("lwbsd:"):
            inside = True
            continue
        if inside and (line.startswith(" ") or not line.strip()):
            settings.append(line)
            continue
        inside = False
        rest.append(line)
    return "\n".join(settings) + "\n", "\n".join(rest) + "\n"


class Tap:
    """Minimal TAP producer: meson's 'tap' protocol counts each check."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def run(self, name, fn):
        self.n += 1
        try:
            fn()
            print(f"ok {self.n} - {name}", flush=True)
        except Exception as e:  # noqa: BLE001 - report any failure as not ok
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            for line in f"{type(e).__name__}: {e}".splitlines():
                print(f"# {line}", flush=True)

    def done(self):
        print(f"1..{self.n}", flush=True)
        sys.exit(1 if self.failed else 0)
