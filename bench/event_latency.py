"""How long an approval takes to reach the partner, on the local stack (PostgreSQL, RabbitMQ, nginx, the
services' web and worker processes, the SMTP sink): from the moderator's approval answer to

- the client committed by the identity service (its ``identity.client.issued`` in the outbox),
- the client id shown to the partner (the apps service consumed that event),
- a token fetched with a secret the partner makes as soon as the client id shows,
- the partner's mail accepted by the SMTP sink (the file's time in the Maildir),

one approval at a time, after one warm-up approval: p50/p99 over ``BENCH_APPROVALS`` (100) approvals, in
``BENCH_ROUNDS`` (3) rounds, and their medians and ranges.

Run: ``make bench-events`` (needs nginx, PostgreSQL and RabbitMQ on this machine).
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from email import message_from_bytes
from email.policy import default as default_policy

import requests
import sqlalchemy as sa
from benchstack import Signer, load, local_stack, machine, require, spread

from portal_gateway.stack import Stack

APPROVALS = int(os.environ.get("BENCH_APPROVALS", 100))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
POLL_SECONDS = 0.002
PARTNER_EMAIL = "partner@bench.example"
PROFILE = {
    "name": "Bench Partner",
    "description": "Meet de weg van een goedkeuring.",
    "contact_person": "Jan Peeters",
    "address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent", "country": "België"},
    "public": True,
    "categories": ["planning"],
    "website": "https://bench.example",
    "logo": "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPgjlkLAAGKARUB8qvYAAAAAElFTkSuQmCC",
}
MILESTONES = ("client committed", "client id shown", "token fetched", "partner's mail accepted")


def until(condition, timeout: float = 30):
    """``condition()``'s first true value, polled every POLL_SECONDS."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"not within {timeout} s: {condition.__doc__}")


class Approvals:
    """One partner with applications waiting, and a moderator who approves them one by one."""

    def __init__(self, stack: Stack):
        self.stack = stack
        signer = Signer(stack)
        account = str(uuid.uuid4())
        self.moderator = signer.headers("bench-moderator", ["moderator"])
        created = requests.post(
            f"{stack.url}/api/v1/partner/profile",
            json=PROFILE,
            headers=signer.headers(account, ["partner"], email=PARTNER_EMAIL),
            timeout=10,
        )
        created.raise_for_status()
        self.partner = signer.headers(account, ["partner"], email=PARTNER_EMAIL, partner_id=created.json()["id"])
        self.identity = sa.create_engine(stack.database_url("identity"))
        self.apps = sa.create_engine(stack.database_url("apps"))
        self.maildir = stack.run_dir / "mail" / "new"
        self.other_mail = set()  # the sink's mails about other things, read once

    def request(self, number: int) -> tuple[str, str]:
        """A new application (its id and name); the first waits until apps knows the partner's membership."""
        name = f"Bench App {number}"
        body = {
            "name": name,
            "description": "Synchroniseert lesroosters.",
            "technical_contact": "Jan Peeters",
            "contact_email": "dev@bench.example",
            "apis": ["leerlingen"],
        }

        def requested():
            """the partners service's membership reached the apps service"""
            answer = requests.post(
                f"{self.stack.url}/api/v1/partner/applications", json=body, headers=self.partner, timeout=10
            )
            return answer.json()["id"] if answer.status_code == 201 else None

        return until(requested), name

    def approve(self, application_id: str, name: str) -> dict[str, float]:
        """Seconds from the approval's answer to each milestone."""
        url = f"{self.stack.url}/api/v1/admin/applications/{application_id}/approve"
        requests.post(url, headers=self.moderator, timeout=10).raise_for_status()
        answered, answered_wall = time.perf_counter(), time.time()
        seen = {}

        def committed():
            """identity.client.issued committed"""
            with self.identity.connect() as connection:
                return connection.scalar(
                    sa.text("SELECT 1 FROM outbox WHERE type = 'identity.client.issued' AND payload LIKE :id"),
                    {"id": f"%{application_id}%"},
                )

        def shown():
            """the client id shown to the partner"""
            if "client committed" not in seen and committed():
                seen["client committed"] = time.perf_counter() - answered
            with self.apps.connect() as connection:
                return connection.scalar(
                    sa.text("SELECT client_id FROM applications WHERE id = :id"), {"id": application_id}
                )

        client_id = until(shown)
        seen["client id shown"] = time.perf_counter() - answered
        seen.setdefault("client committed", seen["client id shown"])  # both in one poll
        secret = requests.post(
            f"{self.stack.url}/api/v1/partner/clients/{client_id}/secret", headers=self.partner, timeout=10
        )
        secret.raise_for_status()
        credentials = {"client_id": client_id, "client_secret": secret.json()["client_secret"]}
        token = requests.post(
            f"{self.stack.url}/oauth/token", data={"grant_type": "client_credentials", **credentials}, timeout=10
        )
        token.raise_for_status()
        seen["token fetched"] = time.perf_counter() - answered

        def mailed():
            """the partner's mail about the approval in the sink"""
            for path in sorted(set(self.maildir.iterdir()) - self.other_mail):
                mail = message_from_bytes(path.read_bytes(), policy=default_policy)
                if PARTNER_EMAIL in str(mail["To"]) and f" {name} " in f" {mail['Subject']} ":
                    return path.stat().st_mtime
                self.other_mail.add(path)
            return None

        seen["partner's mail accepted"] = until(mailed) - answered_wall
        return seen


def percentile(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def main() -> None:
    require("nginx")
    with local_stack("benchevents") as stack:
        approvals = Approvals(stack)
        print(f"machine: {machine()}")
        waiting = [approvals.request(number) for number in range(ROUNDS * APPROVALS + 1)]
        approvals.approve(*waiting.pop())  # warm-up: connections, caches, the workers' first events
        print(f"{ROUNDS} rounds of {APPROVALS} approvals, one at a time; from the moderator's approval answer to:")
        print(f"{'round':6} {'milestone':26} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7}")
        rounds = {milestone: [] for milestone in MILESTONES}
        for round_number in range(1, ROUNDS + 1):
            results = [approvals.approve(*waiting.pop()) for _ in range(APPROVALS)]
            for milestone in MILESTONES:
                values = [result[milestone] * 1000 for result in results]
                p50, p99 = percentile(values, 50), percentile(values, 99)
                rounds[milestone].append((p50, p99))
                print(f"{round_number:<6} {milestone:26} {p50:7.1f} {p99:7.1f} {max(values):7.1f}", flush=True)
        print(f"\nmedian (range) of {ROUNDS} rounds; load average at the end {load()}; required: p99 < 500 ms")
        print(f"{'milestone':26} {'p50 ms':>18} {'p99 ms':>18}")
        for milestone, figures in rounds.items():
            print(f"{milestone:26} {spread([p50 for p50, _ in figures]):>18} {spread([p99 for _, p99 in figures]):>18}")
        approvals.identity.dispose()
        approvals.apps.dispose()


if __name__ == "__main__":
    main()
