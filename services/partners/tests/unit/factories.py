"""Test data of the partners unit tests: a valid profile's fields, and profiles made from them."""

import base64
import datetime as dt
import io

from PIL import Image

from portal_partners.config import CATEGORIES
from portal_partners.domain.profiles import Profile

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def image(kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 92, 173)).save(out, format=kind)
    return out.getvalue()


def data_url(data: bytes, media_type: str = "image/png") -> str:
    return f"data:{media_type};base64," + base64.b64encode(data).decode()


def fields(**changes) -> dict:
    """What a partner sends to create a profile, with ``changes``."""
    return {
        "name": "Agenda Plus",
        "enterprise_number": "BE 0123.456.749",
        "description": "Wij synchroniseren lesroosters met de leerlingenadministratie.",
        "contact_person": "Jan Peeters",
        "address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent", "country": "België"},
        "public": True,
        "categories": ["planning"],
        "website": "https://agenda.example",
        "logo": data_url(image()),
        "extra_info": "Vraag een proefaccount aan.",
        **changes,
    }


def profile(account_id: str = "acc-1", email: str = "jan@agenda.example", **changes) -> Profile:
    """A new profile with its creation event already taken (as after its commit)."""
    made = Profile.create(account_id=account_id, email=email, categories=CATEGORIES, now=NOW, fields=fields(**changes))
    made.events.clear()
    return made
