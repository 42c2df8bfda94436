"""The web UIs' text catalogue and domain lists agree with themselves and with the services."""

import re
from pathlib import Path

from portal_gateway.routes import WEB_ROOT
from portal_partners.config import CATEGORIES
from portal_webhooks.domain.deliveries import DeliveryStatus
from portal_webhooks.domain.payloads import SUBSCRIBABLE, TYPES
from portalkit.config import DATA_APIS

SCRIPTS = sorted(WEB_ROOT.glob("*/*.js"))
TEXTS = (WEB_ROOT / "assets" / "texts.js").read_text()


def catalogue(language: str) -> set[str]:
    block = TEXTS.split(f"const {language} = {{")[1].split("\n};")[0]
    return set(re.findall(r'^\s+"?([\w.]+)"?:', block, re.M))


def js_list(name: str) -> list[str]:
    text = (WEB_ROOT / "assets" / "common.js").read_text()
    return re.findall(r'"([\w.-]+)"', text.split(f"export const {name} = [")[1].split("]")[0])


def test_dutch_and_english_hold_the_same_texts():
    assert catalogue("nl") == catalogue("en")


def test_every_text_a_screen_asks_for_exists():
    known = catalogue("nl")
    used = {key for script in SCRIPTS for key in re.findall(r'\bt\("([\w.]+)"', script.read_text())}
    assert used and used <= known, sorted(used - known)
    families = {
        "api": js_list("API_NAMES"),
        "category": js_list("CATEGORIES"),
        "status": ["new", "approved", "rejected", "archived"],
        "request": ["open", "answered", "expired"],
        "mail": ["pending", "sent", "failed"],
        "delivery": js_list("DELIVERY_STATUSES"),
        "webhook_event": [kind.name for kind in TYPES],
    }
    for family, members in families.items():
        missing = {f"{family}.{member}" for member in members} - known
        assert not missing, missing


def test_the_uis_offer_the_apis_categories_and_webhook_events_the_services_accept():
    assert js_list("API_NAMES") == list(DATA_APIS)
    assert js_list("CATEGORIES") == list(CATEGORIES)
    assert js_list("WEBHOOK_EVENTS") == list(SUBSCRIBABLE)
    assert js_list("DELIVERY_STATUSES") == [status.value for status in DeliveryStatus]


def test_no_script_keeps_tokens_or_secrets_in_web_storage():
    for script in SCRIPTS:
        for line in script.read_text().splitlines():
            if "localStorage.setItem" in line:
                assert "LANGUAGE_KEY" in line, f"{script.name}: {line.strip()}"
            if "sessionStorage.setItem" in line:
                allowed = "signed-in" in line or ".pkce" in line or "DRAFT_KEY" in line
                assert allowed, f"{script.name}: {line.strip()}"


def test_a_draft_kept_over_a_new_sign_in_holds_no_password_secret_or_file():
    """What a person typed is kept in sessionStorage while they sign in again: never a password, a secret,
    a token or a file."""
    core = (WEB_ROOT / "assets" / "core.js").read_text()
    draft = core.split("function saveDraft()")[1].split("\n}\n")[0]
    assert "/secret|token|password/i.test(control.name)" in draft
    assert '["password", "file", "submit", "button", "hidden"].includes(control.type)' in draft


def test_the_pages_load_no_inline_script():
    for page in WEB_ROOT.glob("*/index.html"):
        html = page.read_text()
        assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [], page  # the security policy forbids it
        assert Path(WEB_ROOT / page.parent.name / "app.js").exists()


def test_the_api_documentation_names_the_webhooks_guide_that_exists():
    front = (WEB_ROOT / "front" / "app.js").read_text()
    guide = re.search(r'const WEBHOOKS_GUIDE = "([^"]+)"', front).group(1)
    assert (WEB_ROOT.parents[2] / guide).is_file(), guide
    assert "WEBHOOKS_GUIDE" in front.split("async function apiDocs()")[1]
