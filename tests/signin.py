"""Signing in as the portal's UIs do, for tests over HTTP (the local stack, the embedded portal)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlencode, urlparse

import requests


def browser_login(
    base: str, email: str, password: str, client_id: str, redirect_uri: str, browser: requests.Session | None = None
) -> dict:
    """What a portal UI does: authorization code with PKCE through nginx, the hosted login page between.
    ``browser`` keeps the login cookie for the caller."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    browser = browser if browser is not None else requests.Session()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": "s1",
        }
    )
    to_login = browser.get(f"{base}/oauth/authorize?{query}", allow_redirects=False, timeout=10)
    assert to_login.status_code == 302, to_login.text
    login_page = browser.get(base + to_login.headers["Location"], timeout=10)
    csrf = login_page.text.split('name="csrf" value="')[1].split('"')[0]
    next_url = parse_qs(urlparse(to_login.headers["Location"]).query)["next"][0]
    signed_in = browser.post(
        f"{base}/login",
        data={"csrf": csrf, "email": email, "password": password, "next": next_url},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(base + signed_in.headers["Location"], allow_redirects=False, timeout=10)
    code = parse_qs(urlparse(back.headers["Location"]).query)["code"][0]
    tokens = requests.post(
        f"{base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": client_id,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()
