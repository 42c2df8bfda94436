"""Schemathesis against every service's contract, through the gateway of an embedded portal, signed in as each
role the operations name: no server error, no answer outside the contract. A failure prints schemathesis's own
report with a ``curl`` line that reproduces it.

Bounded: each service gets ``FUZZ_SECONDS`` (15) of generation and at most ``FUZZ_EXAMPLES`` (25) examples per
operation and phase, on one worker, so the whole run stays near two minutes on two cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.embedded import embedded_portal
from tests.fuzz.portal_sessions import MODERATOR, SCHOOL_ADMIN, partner_session, sign_in

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("identity", "partners", "apps", "scopes", "notifier", "webhooks")
SECONDS = int(os.environ.get("FUZZ_SECONDS", "15"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    with embedded_portal(folder) as (base, _process):
        partner = partner_session(base, folder / "mail", "fuzz-partner@agenda.example")
        yield base, partner


def tokens_now(base: str, partner: dict) -> dict[str, str]:
    """Fresh tokens per role (people's tokens live 5 minutes): the partner's from a new sign-in."""
    back_office = ("portal-back-office", f"{base}/backoffice/")
    return {
        "moderator": sign_in(base, *MODERATOR, *back_office)["access_token"],
        "school-admin": sign_in(base, *SCHOOL_ADMIN, *back_office)["access_token"],
        "partner": sign_in(base, partner["email"], partner["password"], "portal-front-office", f"{base}/")[
            "access_token"
        ],
    }


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_keeps_its_contract_under_fuzzing(portal, service, tmp_path):
    base, partner = portal
    started = time.monotonic()
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(ROOT / "tests" / "fuzz" / "schemathesis.toml"),
            "run",
            f"{base}/_/{service}/openapi.json",
            "--url",
            base,
            "--checks",
            "all",
            "--max-examples",
            str(EXAMPLES),
            "--max-time",
            str(SECONDS),
            "--workers",
            "1",
            "--request-timeout",
            "10",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SCHEMATHESIS_HOOKS": "tests.fuzz.hooks",
            "PORTAL_FUZZ_TOKENS": json.dumps(tokens_now(base, partner)),
        },
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=SECONDS + 120,
    )
    report = ROOT / "test-artifacts" / "fuzz" / f"{service}.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(run.stdout + run.stderr)
    summary = [line.strip() for line in run.stdout.splitlines() if "generated" in line or "Operations" in line]
    print(f"\n{service}: {time.monotonic() - started:.0f} s; {' | '.join(summary[-3:])} (report: {report})")
    assert run.returncode == 0, f"schemathesis found contract breaches in {service}:\n{run.stdout}\n{run.stderr}"
