"""The embedded mode (``make run``) as a subprocess on free ports, for the tests that use it as a user would."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from portalkit.testing import free_port


@contextlib.contextmanager
def embedded_portal(data_dir: Path, demo: bool = True):
    """Yield (base URL, process) once every service is ready; Ctrl-C (SIGINT) at the end, as a person would."""
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "SMTP_PORT": str(free_port()),
        "DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "DEMO": "true" if demo else "false",
    }
    # No PUBLIC_URL: the portal follows PORT, as `PORT=8181 make run` does.
    for name in ("DATABASE_URL", "BROKER_URL", "PUBLIC_URL", "JWKS_URL", "TOKEN_ISSUER"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_gateway.embedded"],
        env=env,
        cwd=data_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/_/notifier/readyz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    try:
        yield base, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:  # a request still running (the clean stop has its own test)
                process.kill()
                process.wait(10)
