"""What the benches share: the machine they report, wrk, and a local stack of their own (PostgreSQL
databases, a broker namespace and ports that no other run uses), removed again afterwards.

Ports: ``BENCH_PORT_BASE`` (28000): nginx on base+80, the SMTP sink on base+25, the services' web
processes on base+1 to base+5 (base+101 and up for further replicas).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from joserfc import jwt
from joserfc.jwk import ECKey

from portal_gateway.routes import route_table
from portal_gateway.stack import Stack, StackSettings
from portal_identity.adapters.sealing import KeyRing, new_key_encryption_key
from portalkit.testing import DEFAULT_AMQP, DEFAULT_POSTGRES, RUN

PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", 28000))
KEK = new_key_encryption_key()  # seals the stack's signing keys; the benches sign their users' tokens


def machine() -> str:
    """Cores, CPU, Python, and the load when the bench started: the machine may be shared."""
    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":")[1].strip() for line in lines if line.startswith("model name")), "?")
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, load average {load()}"


def load() -> str:
    """The load averages over 1, 5 and 15 minutes."""
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


def spread(values: list[float], digits: int = 1) -> str:
    """Median (range)."""
    return f"{statistics.median(values):,.{digits}f} ({min(values):,.{digits}f}-{max(values):,.{digits}f})"


def wrk(url: str, script: Path, close: bool = False, connections: int = 16, duration: str = "10s") -> dict:
    """One wrk run: requests/s, p50 and p99 in ms, non-2xx/3xx answers and socket errors."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}", "--latency", "-s", str(script), url]
    if close:
        command[1:1] = ["-H", "Connection: close"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)", output, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def require(*tools: str) -> None:
    for tool in tools:
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is not installed (apt-get install -y {tool})")


@contextlib.contextmanager
def local_stack(name: str, **settings) -> Iterator[Stack]:
    """A started stack of the bench's own (``name`` marks its databases and broker namespace); every
    process, database and queue is gone again when the block ends. ``settings``: StackSettings fields."""
    amqp = os.environ.get("TEST_AMQP_URL", DEFAULT_AMQP)
    postgres = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    namespace = RUN.broker_namespace(amqp, name)
    run_dir = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    extra_env = {"LOG_LEVEL": "WARNING", "KEY_ENCRYPTION_KEY": KEK, **settings.pop("extra_env", {})}
    stack = Stack(
        StackSettings(
            port=PORT_BASE + 80,
            port_offset=PORT_BASE - min(route_table().services.values()) + 1,
            postgres_url=postgres,
            database_prefix=RUN.database_name(postgres, name) + "_",
            broker_url=amqp,
            broker_namespace=namespace,
            smtp_port=PORT_BASE + 25,
            run_dir=run_dir,
            extra_env=extra_env,
            **settings,
        )
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        stack.drop_databases()
        RUN.delete_broker_namespace(namespace)
        shutil.rmtree(run_dir, ignore_errors=True)
        if RUN.leftovers():
            raise SystemExit(f"left behind: {', '.join(RUN.leftovers())}")


@dataclasses.dataclass
class Signer:
    """Signs users' access tokens with the identity service's current key, as its token endpoint does."""

    stack: Stack

    def __post_init__(self) -> None:
        engine = sa.create_engine(self.stack.database_url("identity"))
        with engine.connect() as connection:
            kid, stored = connection.execute(
                sa.text("SELECT kid, private_jwk FROM signing_keys ORDER BY signs_from DESC")
            ).first()
        engine.dispose()
        stored = stored if isinstance(stored, dict) else json.loads(stored)
        self.key = ECKey.import_key(KeyRing([KEK]).open(kid, stored))

    def headers(self, subject: str, roles: list[str], **claims) -> dict[str, str]:
        now = int(dt.datetime.now(dt.UTC).timestamp())
        claims = {"iss": self.stack.url, "aud": "portal", "sub": subject, "iat": now, "exp": now + 3600} | claims
        claims |= {"roles": roles, "jti": uuid.uuid4().hex}
        token = jwt.encode({"alg": "ES256", "kid": self.key.kid, "typ": "at+jwt"}, claims, self.key)
        return {"Authorization": f"Bearer {token}"}
