"""Issue 19 items 9 and 11: the school admin's inbox, declining a request, and school names for the partner;
issue 20: sending a declined request again, an end date chosen when granting, the overview of end dates and
renewing, in Chromium against the embedded portal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import mail_links
from tests.browser.test_web_ui import SCHOOL_ADMIN, moderator_approves, new_partner_with_profile, request_application

pytestmark = pytest.mark.system


def test_a_school_admin_finds_a_request_in_the_inbox_and_declines_it_with_a_reason(people, portal):
    partner = people()
    email = "info@inbox.example"
    page = new_partner_with_profile(partner, email, "Inbox BV")
    application_id = request_application(page, "Inbox App")
    moderator_approves(people, "Inbox App")
    mail_links(portal, email, "Je applicatie Inbox App is goedgekeurd")  # sent once the client exists
    page.goto(f"{portal}/#/apps/{application_id}/access")
    page.get_by_role("button", name="Toegang aanvragen").click()
    page.get_by_role("dialog").get_by_label("E-mailadres schoolbeheerder(s)").fill(SCHOOL_ADMIN[0])
    page.get_by_role("dialog").get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("cell", name=SCHOOL_ADMIN[0])).to_be_visible()

    admin = people()
    back = admin.open("/backoffice/")
    admin.sign_in(*SCHOOL_ADMIN)
    back.get_by_role("link", name="Verzoeken").click()
    expect(back.get_by_role("heading", name="Openstaande verzoeken om datatoegang")).to_be_visible()
    expect(back.get_by_role("row", name=re.compile("Inbox App"))).to_contain_text("Inbox BV")
    admin.shot("back-school-admin-inbox")
    back.get_by_role("link", name="Inbox App").click()
    expect(back.get_by_role("heading", name="Datatoegang voor Inbox App")).to_be_visible()
    expect(back.get_by_role("link", name=email)).to_have_attribute("href", f"mailto:{email}")
    back.get_by_role("button", name="Weigeren").click()
    declining = back.get_by_role("dialog")
    declining.get_by_label("Reden (optioneel)").fill("Onze scholen delen geen roosters.")
    declining.get_by_role("button", name="Weigeren").click()
    expect(back.get_by_text("Het verzoek van Inbox App is geweigerd")).to_be_visible()
    expect(back.get_by_text("Er staan geen verzoeken open.")).to_be_visible()

    page.reload()
    declined = page.get_by_role("row", name=re.compile(re.escape(SCHOOL_ADMIN[0])))
    expect(declined).to_contain_text("Geweigerd")
    expect(declined).to_contain_text("Onze scholen delen geen roosters.")

    # the partner sends it again; the admin grants until a date of their choice, then renews for next school year
    page.get_by_role("button", name="Opnieuw versturen").click()
    expect(page.get_by_text(f"De aanvraag aan {SCHOOL_ADMIN[0]} is opnieuw verstuurd")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Open"))).to_be_visible()
    back.reload()  # the inbox, still on show since the decline
    back.get_by_role("link", name="Inbox App").click()
    back.get_by_role("group", name=re.compile(r"\(012345\)")).get_by_label("Leerlingen").check()
    picked = dt.date.today() + dt.timedelta(days=60)
    back.locator('input[name="grants.012345"]').fill(picked.isoformat())
    back.get_by_role("button", name="Toegang opslaan").click()
    expect(back.get_by_text("De toegang van Inbox App is opgeslagen.")).to_be_visible()
    back.get_by_role("link", name="Einddatums").click()
    ending = back.get_by_role("row", name=re.compile("Inbox App"))
    expect(ending).to_contain_text(re.compile(rf"{picked.day} \w+\.? {picked.year}"))
    admin.shot("back-grant-ends")
    ending.get_by_role("button", name="Verlengen voor volgend schooljaar").click()
    expect(back.get_by_text("is verlengd voor het volgende schooljaar")).to_be_visible()
    expect(back.get_by_role("row", name=re.compile("Inbox App"))).to_contain_text(re.compile(r"31 aug\.? 20\d\d"))

    page.reload()
    expect(page.get_by_role("row", name=re.compile("Beantwoord")).filter(has_text=SCHOOL_ADMIN[0])).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("012345"))).to_contain_text(re.compile(r"31 aug\.? 20\d\d"))
    partner.shot("front-request-statuses")
