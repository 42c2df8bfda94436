"""Demo data of the embedded mode: a moderator and a school admin of two demo schools."""

import contextlib

from portal_identity.service_layer import accounts
from portalkit.service import ServiceRuntime

DEMO_ACCOUNTS = (
    ("moderator@partnerportaal.example", "Moderator-123!", "moderator", []),
    ("schoolbeheerder@partnerportaal.example", "Schoolbeheer-123!", "school-admin", ["012345", "067890"]),
)


def seed(runtime: ServiceRuntime) -> list[str]:
    identity = runtime.container
    lines = []
    for email, password, role, institutions in DEMO_ACCOUNTS:
        with contextlib.suppress(accounts.EmailTaken):  # seeded on an earlier run
            accounts.create_back_office_account(
                identity, email=email, password=password, role=role, institutions=institutions
            )
        schools = f" (schools {', '.join(institutions)})" if institutions else ""
        lines.append(f"{role:10} {email} / {password}{schools}")
    return lines
