"""Signed-in people of every role on a running portal, as its UIs sign them in (authorization code + PKCE)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import requests

from portal_gateway.mailsink import read_maildir
from portalkit.testing import wait_for
from tests.signin import browser_login

MODERATOR = ("moderator@partnerportaal.example", "Moderator-123!")
SCHOOL_ADMIN = ("schoolbeheerder@partnerportaal.example", "Schoolbeheer-123!")
PROFILE = {
    "name": "Fuzz Partner",
    "description": "Een partner die alleen in tests bestaat.",
    "contact_person": "Jan Peeters",
    "address": {"street": "Kerkstraat", "number": "1", "postal_code": "9000", "city": "Gent", "country": "België"},
    "public": True,
    "categories": ["planning"],
    "website": "https://fuzz.example",
    "logo": "data:image/png;base64,"  # a real 1x1 PNG: logos are decoded and written anew
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPgjlkLAAGKARUB8qvYAAAAAElFTkSuQmCC",
}


def sign_in(base: str, email: str, password: str, client_id: str, redirect_uri: str) -> dict:
    """Tokens for one person, as the UIs get them, remembering the client for refreshing."""
    return browser_login(base, email, password, client_id, redirect_uri) | {"client_id": client_id}


def refresh(base: str, session: dict) -> dict:
    answer = requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": session["refresh_token"],
            "client_id": session["client_id"],
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    session.update(answer.json())
    return session


def activation_token(mail_folder: Path, email: str) -> str | None:
    for message in read_maildir(mail_folder):
        if email in str(message["To"]):
            found = re.search(r"/login/activate\?lang=\w+&token=([\w-]+)", message.get_body(("plain",)).get_content())
            if found:
                return found.group(1)
    return None


def partner_session(base: str, mail_folder: Path, email: str, password: str = "Geheim-123!") -> dict:
    """A partner user with a profile, whose token carries the partner_id claim."""
    registered = requests.post(
        f"{base}/api/v1/accounts", json={"email": email, "password": password, "accept_terms": True}, timeout=10
    )
    assert registered.status_code == 202, registered.text
    token = wait_for(lambda: activation_token(mail_folder, email))
    assert requests.post(f"{base}/api/v1/accounts/activation", json={"token": token}, timeout=10).ok
    session = sign_in(base, email, password, "portal-front-office", f"{base}/")
    created = requests.post(
        f"{base}/api/v1/partner/profile",
        json=PROFILE,
        headers={"Authorization": f"Bearer {session['access_token']}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text

    def with_partner():
        refresh(base, session)
        probe = requests.get(
            f"{base}/api/v1/partner/applications",
            headers={"Authorization": f"Bearer {session['access_token']}"},
            timeout=10,
        )
        return probe.ok and '"partner_id"' in _claims(session["access_token"])

    wait_for(with_partner)
    return session | {"email": email, "password": password}


def _claims(token: str) -> str:
    payload = token.split(".")[1]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
