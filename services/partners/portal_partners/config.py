"""The partners service's settings: the shared ones plus its own (environment only)."""

import dataclasses

from portalkit.config import Settings

CATEGORIES = (
    "administratie",
    "boekhouding",
    "communicatie",
    "hrm",
    "leerplatform",
    "leerlingvolgsysteem",
    "planning",
    "andere",
)


@dataclasses.dataclass(frozen=True)
class PartnersSettings(Settings):
    categories: tuple[str, ...] = CATEGORIES
    # HELPDESK_EMAIL: where partners write for help; the web UIs read it from /api/v1/public/contact.
    helpdesk_email: str = "helpdesk@partnerportaal.example"
