"""A moderator manages back-office accounts in Chromium: invites a school admin of two schools picked from
the schools list, changes the account's language, and deactivates it after saying yes to the question."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import mail_links

pytestmark = pytest.mark.system

MODERATOR = ("moderator@partnerportaal.example", "Moderator-123!")
NEW_ADMIN = "nieuwe.beheerder@school.example"


def add_school(page, search: str, school: str):
    page.get_by_label("School zoeken").fill(search)
    page.get_by_label("School zoeken").press("Enter")
    page.get_by_role("button", name=f"{school} toevoegen").click()
    expect(page.get_by_role("checkbox", name=school)).to_be_checked()


def test_a_moderator_invites_a_school_admin_changes_the_language_and_deactivates(people, portal):
    moderator = people()
    page = moderator.open("/backoffice/#/accounts")
    moderator.sign_in(*MODERATOR)
    expect(page.get_by_role("heading", name="Back-office-accounts")).to_be_visible()
    page.get_by_role("link", name="Account toevoegen").click()
    expect(page.get_by_role("heading", name="Account toevoegen")).to_be_visible()
    page.get_by_label("E-mailadres").fill(NEW_ADMIN)
    expect(page.get_by_label("Rol")).to_have_value("school-admin")
    add_school(page, "Aalst", "Sint-Jozefscollege Aalst (012345)")
    add_school(page, "067890", "Atheneum Gent (067890)")
    page.get_by_role("button", name="Uitnodigen").click()

    expect(page.get_by_role("heading", name=NEW_ADMIN)).to_be_visible()
    expect(page.locator(".title-row .badge")).to_have_text("Uitgenodigd")
    properties = page.locator("dl.properties")
    expect(properties).to_contain_text("Sint-Jozefscollege Aalst (012345)")
    expect(properties).to_contain_text("Atheneum Gent (067890)")
    [choose] = [link for link in mail_links(portal, NEW_ADMIN, "Je account voor het") if "/login/reset" in link]
    assert "token=" in choose

    page.get_by_label("Taal", exact=True).select_option("en")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#notices")).to_contain_text(f"De wijzigingen aan {NEW_ADMIN} zijn bewaard.")
    expect(properties).to_contain_text("Engels")
    expect(page.get_by_role("checkbox", name="Atheneum Gent (067890)")).to_be_checked()

    page.get_by_role("button", name="Deactiveren").click()
    question = page.get_by_role("dialog", name=f"{NEW_ADMIN} deactiveren?")
    question.get_by_role("button", name="Annuleren").click()
    expect(question).to_be_hidden()
    expect(page.locator(".title-row .badge")).to_have_text("Uitgenodigd")
    page.get_by_role("button", name="Deactiveren").click()
    question.get_by_role("button", name="Deactiveren").click()
    expect(page.locator(".title-row .badge")).to_have_text("Gedeactiveerd")
    expect(page.get_by_role("button", name="Heractiveren")).to_be_visible()
    moderator.shot("back-office-account")

    page.get_by_role("link", name="Terug naar de accounts").click()
    row = page.get_by_role("row", name=re.compile(re.escape(NEW_ADMIN)))
    expect(row).to_contain_text("Gedeactiveerd")
    expect(row).to_contain_text("012345, 067890")
