"""A real browser (Debian's Chromium, driven by Playwright) against the embedded portal."""

from __future__ import annotations

import html
import os
import re
import shutil
import struct
import time
import zlib
from pathlib import Path

import pytest
import requests

from tests.embedded import embedded_portal

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "test-artifacts" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
ARTICLE = re.compile(r"<article><h2>(.*?)</h2><div class=meta>to (.*?) · .*?</div><pre>(.*?)</pre></article>", re.S)
LINK = re.compile(r'<a href="([^"]+)"')


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    with embedded_portal(tmp_path_factory.mktemp("browser")) as (base, _):
        yield base


class Person:
    """One person's browser window (own cookies and storage); script errors on any page fail the test."""

    def __init__(self, browser, base: str, width: int = 1280, height: int = 800):
        self.base = base
        self.context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="nl-BE",
            permissions=["clipboard-read", "clipboard-write"],
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def open(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def sign_in(self, email: str, password: str):
        """On the identity server's hosted login page, where the UIs send a person who is not signed in."""
        page = self.page
        page.wait_for_url(re.compile(r"/login\?"))
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")

    def shot(self, name: str, for_docs: bool = False):
        """A screenshot as a test artefact; the README's few also go to docs/ when SCREENSHOTS_TO_DOCS is set."""
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        target = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        if for_docs and os.environ.get("SCREENSHOTS_TO_DOCS"):
            DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            shutil.copy(target, DOCS_SCREENSHOTS / target.name)

    def close(self):
        self.context.close()
        assert self.errors == [], self.errors


@pytest.fixture
def people(browser, portal, request):
    opened: list[Person] = []

    def open_person(**size) -> Person:
        person = Person(browser, portal, **size)
        opened.append(person)
        return person

    yield open_person
    for number, person in enumerate(opened, 1):
        person.shot(f"last-{request.node.name}-{number}")  # where each window ended, to see why a test failed
        person.close()


def mail_links(base: str, to: str, subject_part: str, timeout: float = 30) -> list[str]:
    """The links of the newest mail to ``to`` whose subject holds ``subject_part``, from the /mail page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = requests.get(f"{base}/mail", timeout=5).text
        for subject, recipient, body in ARTICLE.findall(page):
            if html.unescape(recipient) == to and subject_part in html.unescape(subject):
                return [html.unescape(link) for link in LINK.findall(body)]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} about {subject_part!r} within {timeout}s")


def logo_png(size: int = 96, colour: tuple[int, int, int] = (11, 92, 173)) -> bytes:
    """A round logo as a PNG, made here so the tests need no image files."""
    centre, radius = size / 2, size / 2 - 2
    pixel = bytes((*colour, 255))
    rows = b"".join(
        b"\0" + b"".join(pixel if (x - centre) ** 2 + (y - centre) ** 2 <= radius**2 else bytes(4) for x in range(size))
        for y in range(size)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
