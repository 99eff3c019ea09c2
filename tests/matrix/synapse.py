"""A real Synapse homeserver for the Matrix tests: generated config, start, stop, users.

Synapse lives in its own virtual environment (``make synapse`` installs the
pinned version into ``.venv-synapse``). The config is written from scratch in
a temporary folder: SQLite, one client listener on a free loopback port and
no federation listener, every ``rc_*`` rate limit raised (unless told otherwise), presence and URL
previews off. The server is stopped by the PID it was started with.

``federation=True`` makes a server that federates with others on loopback: its name is
``localhost:<port>`` (an explicit port: peers resolve it with no .well-known or SRV
lookup), its federation listener speaks TLS with a self-signed certificate made here,
peers' certificates are not verified, and loopback is let through the blacklist of
addresses Synapse never calls (127.0.0.0/8 is on it by default).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv-synapse" / "bin" / "python"
SERVER_NAME = "grappe.example"  # the example directory's Matrix ids live there
START_TIMEOUT = 60.0

_UNLIMITED = {"per_second": 10000, "burst_count": 100000}
RATE_LIMITS = {
    "rc_message": _UNLIMITED,
    "rc_registration": _UNLIMITED,
    "rc_registration_token_validity": _UNLIMITED,
    "rc_login": {"address": _UNLIMITED, "account": _UNLIMITED, "failed_attempts": _UNLIMITED},
    "rc_admin_redaction": _UNLIMITED,
    "rc_joins": {"local": _UNLIMITED, "remote": _UNLIMITED},
    "rc_joins_per_room": _UNLIMITED,
    "rc_key_requests": _UNLIMITED,
    "rc_3pid_validation": _UNLIMITED,
    "rc_invites": {"per_room": _UNLIMITED, "per_user": _UNLIMITED, "per_issuer": _UNLIMITED},
    "rc_third_party_invite": _UNLIMITED,
    "rc_media_create": _UNLIMITED,
    "rc_presence": {"per_user": _UNLIMITED},
    "rc_delayed_event_mgmt": _UNLIMITED,
    "rc_room_creation": _UNLIMITED,
    "rc_reports": _UNLIMITED,
    "rc_user_directory": _UNLIMITED,
    "rc_profile": _UNLIMITED,
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# run by Synapse's interpreter (``cryptography`` is one of Synapse's dependencies)
_SELF_SIGNED = """
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
key = ec.generate_private_key(ec.SECP256R1())
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
now = datetime.datetime.now(datetime.timezone.utc)
cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), False)
        .sign(key, hashes.SHA256()))
open(sys.argv[1], "wb").write(cert.public_bytes(serialization.Encoding.PEM))
open(sys.argv[2], "wb").write(key.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
    serialization.NoEncryption()))
"""


def _signing_key() -> str:
    seed = base64.b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    return f"ed25519 a_test {seed}\n"


class Synapse:
    """One homeserver process; ``start()`` and ``stop()`` may be called again (same data)."""

    def __init__(self, folder: Path, python: Path = PYTHON,
                 rate_limits: dict[str, object] | None = None, *, federation: bool = False):
        self.folder = folder
        self.rate_limits = RATE_LIMITS if rate_limits is None else rate_limits
        self.python = python
        self.port = free_port()
        self.federation_port = free_port() if federation else None
        self.server_name = (SERVER_NAME if self.federation_port is None
                            else f"localhost:{self.federation_port}")
        self.url = f"http://127.0.0.1:{self.port}"
        self.secret = secrets.token_hex(16)
        self.config = folder / "homeserver.json"  # JSON is YAML: no extra dependency
        self.log = folder / "synapse.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.started_in: float | None = None
        self._launched = 0.0
        self._write_config()

    def _write_config(self) -> None:
        key = self.folder / "signing.key"
        key.write_text(_signing_key())
        config = {
            "server_name": self.server_name,
            "pid_file": str(self.folder / "homeserver.pid"),
            "listeners": self._listeners(),
            "database": {"name": "sqlite3", "args": {"database": str(self.folder / "hs.db")}},
            "media_store_path": str(self.folder / "media"),
            "signing_key_path": str(key),
            "macaroon_secret_key": secrets.token_hex(16),
            "form_secret": secrets.token_hex(16),
            "registration_shared_secret": self.secret,
            "enable_registration": False,
            "bcrypt_rounds": 4,
            "report_stats": False,
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "enable_metrics": False,
            "require_auth_for_profile_requests": False,
            **self.rate_limits,
            **self._federation(),
        }
        self.config.write_text(json.dumps(config, indent=1))

    def _federation(self) -> dict[str, object]:
        """What federating on loopback takes (nothing for a server on its own)."""
        if self.federation_port is None:
            return {}
        cert, key = self.folder / "tls.crt", self.folder / "tls.key"
        subprocess.run([str(self.python), "-c", _SELF_SIGNED, str(cert), str(key)],
                       check=True, timeout=60)
        return {
            "listeners": [*self._listeners(), {
                "port": self.federation_port, "bind_addresses": ["127.0.0.1"],
                "type": "http", "tls": True, "x_forwarded": False,
                "resources": [{"names": ["federation"], "compress": False}],
            }],
            "tls_certificate_path": str(cert),
            "tls_private_key_path": str(key),
            "federation_verify_certificates": False,
            "federation_domain_whitelist": None,  # any server (all of them are on loopback)
            "ip_range_whitelist": ["127.0.0.0/8", "::1/128"],
        }

    def _listeners(self) -> list[dict[str, object]]:
        return [{
            "port": self.port, "bind_addresses": ["127.0.0.1"], "type": "http",
            "tls": False, "x_forwarded": False,
            "resources": [{"names": ["client"], "compress": False}],
        }]

    # --- process ---------------------------------------------------------
    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start the process and return at once (``wait_ready`` waits for it to answer):
        servers that federate start side by side."""
        if self.process is not None:
            return
        self._launched = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.python), "-m", "synapse.app.homeserver", "-c", str(self.config)],
                cwd=self.folder, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )

    def wait_ready(self) -> None:
        try:
            self._wait_ready(self._launched + START_TIMEOUT)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - self._launched

    def _wait_ready(self, deadline: float) -> None:
        assert self.process is not None
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Synapse exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            try:
                with urllib.request.urlopen(f"{self.url}/_matrix/client/versions", timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise TimeoutError("Synapse did not answer in time:\n"
                                       + self.log_tail()) from None
            try:  # poll again shortly; returns at once if the process exits
                self.process.wait(timeout=0.05)
            except subprocess.TimeoutExpired:
                pass

    def stop(self) -> None:
        """Stop the process started here, by its PID; always leaves nothing running."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """The process stopped by SIGSTOP for the block (a hung homeserver: connections
        open, nothing answered), continued by SIGCONT whatever happens in it."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def log_tail(self, lines: int = 60) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    # --- users -------------------------------------------------------------
    def register(self, localpart: str, password: str, *, admin: bool = False) -> str:
        """Create a user through the shared-secret admin API; returns the Matrix id."""
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        with urllib.request.urlopen(endpoint, timeout=10) as response:
            nonce = json.load(response)["nonce"]
        mac = hmac.new(self.secret.encode(), digestmod=hashlib.sha1)
        mac.update(b"\x00".join([nonce.encode(), localpart.encode(), password.encode(),
                                 b"admin" if admin else b"notadmin"]))
        body = json.dumps({"nonce": nonce, "username": localpart, "password": password,
                           "admin": admin, "mac": mac.hexdigest()}).encode()
        request = urllib.request.Request(endpoint, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return str(json.load(response)["user_id"])
