"""Issue 19, "broken or misleading": every link of every mail opened by the person it is for, the partner
behind an application, notices, an expired session and a failed call, in Chromium against the embedded portal."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import mail_links
from tests.browser.test_web_ui import (
    MODERATOR,
    PASSWORD,
    SCHOOL_ADMIN,
    moderator_approves,
    new_partner_with_profile,
    request_application,
)

pytestmark = pytest.mark.system

NOT_FOUND = "Deze pagina bestaat niet"
MODERATORS_MAIL = "moderator@partnerportaal.localhost"  # the notifier's MODERATOR_EMAILS in the embedded portal


def only_link(base: str, to: str, subject: str, part: str = "") -> str:
    links = [link for link in mail_links(base, to, subject) if part in link]
    assert len(links) == 1, links
    return links[0]


def lands(page, link: str, heading: str):
    """The mail's link, opened in a new tab as from a mail client (the browser's login session signs the
    person in without a prompt), shows a page with this heading, not the UI's "page does not exist"."""
    tab = page.context.new_page()
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(link)
    expect(tab.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(tab.get_by_role("heading", name=NOT_FOUND)).to_have_count(0)
    assert tab.url == link
    assert errors == []
    return tab


def test_every_link_in_every_mail_lands_for_the_person_it_is_for(people, portal):
    partner = people()
    email = "info@links.example"
    page = new_partner_with_profile(partner, email, "Links BV")

    # profile changed -> "Mijn profiel"
    page.get_by_role("link", name="Bewerken").click()
    page.get_by_label("Contactpersoon").fill("Els Claes")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()
    lands(page, only_link(portal, email, "Partnerprofiel Links BV is gewijzigd"), "Mijn profiel").close()

    # a new application -> every moderator, to the back-office's application
    application_id = request_application(page, "Links App")
    moderator = people()
    back = moderator.page
    back.goto(only_link(portal, MODERATORS_MAIL, "Nieuwe aanvraag voor een client ID: Links App"))
    moderator.sign_in(*MODERATOR)
    expect(back.get_by_role("heading", name="Links App")).to_be_visible()  # a fresh load keeps focus at the top

    # approved -> the partner's credentials tab, once the client exists (the mail names it)
    back.get_by_role("button", name="Goedkeuren").click()
    expect(back.locator(".title-row .badge")).to_have_text("Goedgekeurd")
    approval = only_link(portal, email, "Je applicatie Links App is goedgekeurd")
    assert approval == f"{portal}/#/apps/{application_id}/credentials"
    tab = lands(page, approval, "Links App")
    expect(tab.get_by_role("button", name="Secret genereren")).to_be_visible()
    client_id = tab.locator("dl code").inner_text()
    tab.get_by_role("button", name="Secret genereren").click()
    tab.get_by_role("dialog").get_by_role("button", name="Ik heb het secret bewaard").click()
    tab.get_by_role("dialog").get_by_role("button", name="Ja, sluiten").click()
    tab.close()
    [contact_mail] = [
        link for link in mail_links(portal, "dev@agenda.example", "Je applicatie Links App is goedgekeurd")
    ]
    assert contact_mail == approval
    assert client_id in _mail_text(portal, email, "Je applicatie Links App is goedgekeurd")

    # a rejected application -> its edit form
    request_application(page, "Links Twee")
    back.goto(only_link(portal, MODERATORS_MAIL, "Nieuwe aanvraag voor een client ID: Links Twee"))
    expect(back.get_by_role("heading", name="Links Twee")).to_be_visible()
    back.get_by_role("button", name="Weigeren").click()
    back.get_by_role("dialog").get_by_label("Reden").fill("Omschrijving te vaag.")
    back.get_by_role("dialog").get_by_role("button", name="Weigeren").click()
    expect(back.locator(".title-row .badge")).to_have_text("Geweigerd")
    lands(page, only_link(portal, email, "Je applicatie Links Twee is afgewezen"), "Links Twee bewerken").close()

    # an approved application's description changed -> the application (to its contact)
    page.goto(f"{portal}/#/apps/{application_id}/edit")
    page.get_by_label("Omschrijving").fill("Synchroniseert lesroosters en agenda's.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De applicatie is opgeslagen.")).to_be_visible()
    lands(page, only_link(portal, "dev@agenda.example", "Applicatie Links App is gewijzigd"), "Links App").close()

    # a new name asked -> the moderators' back-office page; approved -> the partner's application
    page.goto(f"{portal}/#/apps/{application_id}/edit")
    page.get_by_label("Naam").fill("Links App Plus")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".pending-change")).to_be_visible()
    change = only_link(portal, MODERATORS_MAIL, "Wijziging van Links App wacht op goedkeuring")
    lands(back, change, "Links App").close()
    back.goto(change)
    back.locator(".pending-change").get_by_role("button", name="Wijziging goedkeuren").click()
    expect(back.get_by_role("heading", name="Links App Plus")).to_be_visible()
    lands(page, only_link(portal, email, "De wijziging van Links App is goedgekeurd"), "Links App Plus").close()

    # another change (an API more) rejected -> the partner's application
    page.goto(f"{portal}/#/apps/{application_id}/edit")
    page.get_by_label("Rekeningen", exact=True).check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(".pending-change")).to_be_visible()
    back.goto(only_link(portal, MODERATORS_MAIL, "Wijziging van Links App Plus wacht op goedkeuring"))
    back.reload()  # the same page as before: loaded anew, with the pending change
    back.locator(".pending-change").get_by_role("button", name="Wijziging weigeren").click()
    back.get_by_role("dialog").get_by_label("Reden").fill("Rekeningen is niet nodig voor een agenda.")
    back.get_by_role("dialog").get_by_role("button", name="Weigeren").click()
    expect(back.locator(".pending-change")).to_have_count(0)
    lands(page, only_link(portal, email, "De wijziging van Links App Plus is afgewezen"), "Links App Plus").close()

    # access asked -> the school admin's request page; granted -> the partner's "API toegang" tab
    page.get_by_role("link", name="API toegang").click()
    page.get_by_role("button", name="Toegang aanvragen").click()
    page.get_by_role("dialog").get_by_label("E-mailadres schoolbeheerder(s)").fill(SCHOOL_ADMIN[0])
    page.get_by_role("dialog").get_by_role("button", name="Versturen").click()
    admin = people()
    admin.page.goto(only_link(portal, SCHOOL_ADMIN[0], "Datatoegang voor applicatie Links App Plus", "/backoffice/"))
    admin.sign_in(*SCHOOL_ADMIN)
    expect(
        admin.page.get_by_role("heading", name="Datatoegang voor Links App Plus")
    ).to_be_visible()  # a fresh load keeps focus at the top
    admin.page.get_by_role("group", name=re.compile(r"\(012345\)")).get_by_label("Leerlingen").check()
    admin.page.get_by_role("button", name="Toegang opslaan").click()
    expect(admin.page.get_by_text("De toegang van Links App Plus is opgeslagen.")).to_be_visible()
    access = only_link(portal, email, "Datatoegang van Links App Plus gewijzigd")
    assert access == f"{portal}/#/apps/{application_id}/access"
    tab = lands(page, access, "Links App Plus")
    expect(tab.get_by_role("link", name="API toegang")).to_have_attribute("aria-current", "page")
    tab.close()

    # every secret revoked by a moderator -> the credentials tab
    back.get_by_role("button", name="Alle secrets intrekken").click()
    back.get_by_role("dialog").get_by_label("Reden").fill("Het secret staat in een publieke repository.")
    back.get_by_role("dialog").get_by_role("button", name="Alle secrets intrekken").click()
    expect(back.get_by_text("De secrets van Links App Plus zijn ingetrokken (1)")).to_be_visible()
    tab = lands(page, only_link(portal, email, "Alle secrets van Links App Plus"), "Links App Plus")
    expect(
        tab.get_by_role("button", name="Nieuw secret genereren").or_(tab.get_by_role("button", name="Secret genereren"))
    ).to_be_visible()
    tab.close()

    # a forgotten password -> the identity server's page to choose a new one
    visitor = people()
    forgot = visitor.open("/login/forgot")
    forgot.fill("input[name=email]", email)
    forgot.locator("button[type=submit]").click()
    forgot.goto(only_link(portal, email, "Nieuw wachtwoord", "/login/"))
    expect(forgot.locator("input[type=password]").first).to_be_visible()


def _mail_text(base: str, to: str, subject: str) -> str:
    import html

    import requests

    from tests.browser.conftest import ARTICLE

    for found_subject, recipient, body in ARTICLE.findall(requests.get(f"{base}/mail", timeout=5).text):
        if html.unescape(recipient) == to and subject in html.unescape(found_subject):
            return html.unescape(body)
    raise AssertionError(f"no mail to {to} about {subject!r}")


def test_the_moderator_sees_the_partner_behind_an_application_and_its_profile(people, portal):
    partner = people()
    page = new_partner_with_profile(partner, "info@blind.example", "Blind BV", public=False)
    request_application(page, "Blind App")
    moderator = people()
    back = moderator.open("/backoffice/")
    moderator.sign_in(*MODERATOR)
    back.get_by_role("link", name="Blind App").click()
    expect(back.get_by_role("heading", name="Blind App")).to_be_focused()
    section = back.locator(".partner-section")
    expect(section.get_by_role("heading", name="Partner")).to_be_visible()
    for fact in ("Blind BV", "https://agenda.example", "An Peeters", "info@blind.example", "Kerkstraat 1", "Privé"):
        expect(section).to_contain_text(fact)
    moderator.shot("back-application-partner")
    section.get_by_role("link", name="Profiel van Blind BV bekijken").click()
    expect(back.get_by_role("heading", name="Blind BV")).to_be_focused()
    expect(back.get_by_role("link", name="Blind App")).to_be_visible()  # its applications
    expect(back.locator("dl")).to_contain_text("9000 Gent")
    moderator.shot("back-profile-detail")
    back.get_by_role("link", name="Profielen", exact=True).click()
    back.get_by_role("link", name="Blind BV").click()
    expect(back.get_by_role("heading", name="Blind BV")).to_be_focused()


def test_notices_stack_live_each_their_own_life_close_and_clear_on_navigation(people, portal):
    partner = people()
    new_partner_with_profile(partner, "info@melding.example", "Melding BV")
    moderator = people()
    back = moderator.open("/backoffice/#/profiles?q=Melding")
    moderator.sign_in(*MODERATOR)
    region = back.locator("#notices")
    expect(region).to_have_attribute("aria-live", "polite")
    row = back.get_by_role("row", name=re.compile("Melding BV"))
    row.get_by_role("button", name="Deactiveren").click()
    confirm = back.get_by_role("dialog").get_by_role("button", name="Deactiveren")
    expect(confirm).to_have_class("danger")  # what cannot be undone at once looks like it
    confirm.click()
    expect(region.locator(".notice")).to_have_count(1)
    back.wait_for_timeout(3000)
    back.get_by_role("row", name=re.compile("Melding BV")).get_by_role("button", name="Heractiveren").click()
    expect(region.locator(".notice")).to_have_count(2)  # stacked, the first one not replaced
    expect(region).to_contain_text("Melding BV is gedeactiveerd")
    expect(region).to_contain_text("Melding BV is opnieuw actief")
    moderator.shot("back-notices-stacked")
    # each its own life: the first goes 8 s after it came, the second stays a while longer
    expect(region.get_by_text("Melding BV is gedeactiveerd")).to_have_count(0, timeout=9000)
    expect(region.get_by_text("Melding BV is opnieuw actief")).to_be_visible()
    region.get_by_role("button", name="Melding sluiten").click()
    expect(region.locator(".notice")).to_have_count(0)

    # cleared on navigation; an error is announced at once (role alert) and stays until closed
    back.get_by_role("row", name=re.compile("Melding BV")).get_by_role("button", name="Deactiveren").click()
    back.get_by_role("dialog").get_by_role("button", name="Deactiveren").click()
    expect(region.locator(".notice")).to_have_count(1)
    back.get_by_role("link", name="Applicaties", exact=True).click()
    expect(back.get_by_role("heading", name="Alle applicaties")).to_be_focused()
    expect(region.locator(".notice")).to_have_count(0)
    back.route(
        "**/api/v1/admin/profiles/*/reactivate",
        lambda route: route.fulfill(
            status=409,
            content_type="application/problem+json",
            body=json.dumps({"title": "Conflict", "status": 409, "detail": "Dat kan nu niet."}),
        ),
    )
    back.get_by_role("link", name="Profielen", exact=True).click()
    back.get_by_role("row", name=re.compile("Melding BV")).get_by_role("button", name="Heractiveren").click()
    expect(region.get_by_role("alert")).to_have_text(re.compile("Dat kan nu niet."))
    back.wait_for_timeout(8500)
    expect(region.get_by_role("alert")).to_be_visible()


def test_a_failed_call_keeps_the_page_says_it_once_and_offers_a_retry(people, portal):
    moderator = people()
    back = moderator.open("/backoffice/#/applications")
    moderator.sign_in(*MODERATOR)
    expect(back.get_by_role("heading", name="Alle applicaties")).to_be_visible()  # a fresh load keeps focus at the top
    failures = {"left": 1}

    def fail_once(route):
        if failures["left"]:
            failures["left"] -= 1
            route.fulfill(status=500, content_type="application/problem+json", body="{}")
        else:
            route.continue_()

    back.route(re.compile(r"/api/v1/admin/applications\?"), fail_once)
    back.get_by_label("Zoekterm").fill("iets")
    back.get_by_role("button", name="Zoeken").click()
    problem = back.get_by_role("alert")
    expect(problem).to_contain_text("Er ging iets onverwachts mis")
    expect(back.get_by_text("Er ging iets onverwachts mis")).to_have_count(1)
    expect(back.get_by_text("Er ging iets mis", exact=True)).to_have_count(0)
    expect(back.get_by_role("heading", name="Alle applicaties")).to_be_visible()  # the page stays
    expect(back.get_by_label("Zoekterm")).to_have_value("iets")
    moderator.shot("back-error-kept-page")
    failures["left"] = 1
    back.get_by_role("button", name="Zoeken").click()  # failing again: still one message, not two
    expect(back.get_by_role("alert")).to_have_count(1)
    back.wait_for_load_state("networkidle")
    expect(back.get_by_text("Er ging iets onverwachts mis")).to_have_count(1)
    problem = back.get_by_role("alert")
    problem.get_by_role("button", name="Opnieuw proberen").click()
    expect(back.get_by_role("alert")).to_have_count(0)
    expect(back.get_by_text("Niets gevonden voor deze zoekopdracht.")).to_be_visible()

    # a page that could not load at all: one message and a retry that loads it
    failures["left"] = 2  # the queue asks for two lists at once
    back.get_by_role("link", name="Nieuwe aanvragen", exact=True).click()
    expect(back.get_by_role("heading", name="Er ging iets mis")).to_be_visible()
    expect(back.get_by_text("Er ging iets onverwachts mis")).to_have_count(1)
    failures["left"] = 0
    back.get_by_role("button", name="Opnieuw proberen").click()
    expect(back.get_by_role("heading", name="Nieuwe aanvragen")).to_be_focused()


def test_an_expired_session_renews_silently_or_asks_to_sign_in_and_keeps_the_form(people, portal):
    partner = people()
    page = new_partner_with_profile(partner, "info@sessie.example", "Sessie BV")
    renewals = []
    page.on(
        "request",
        lambda request: (
            renewals.append(1)
            if request.url.endswith("/oauth/token") and "refresh_token" in (request.post_data or "")
            else None
        ),
    )

    # the access token refused once (as a revoked one is at once): renewed silently, the page loads
    refused = {"left": 1}

    def refuse_once(route):
        if refused["left"]:
            refused["left"] -= 1
            route.fulfill(
                status=401,
                content_type="application/problem+json",
                body=json.dumps(
                    {"title": "Unauthorized", "status": 401, "detail": "Het bearer-token is ongeldig of verlopen."}
                ),
            )
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/partner/applications"), refuse_once)
    page.get_by_role("link", name="Applicaties", exact=True).click()
    expect(page.get_by_role("heading", name="Applicaties")).to_be_focused()
    expect(page.get_by_text("Het bearer-token is ongeldig of verlopen.")).to_have_count(0)
    assert renewals, "no silent renewal through the refresh token"
    page.unroute(re.compile(r"/api/v1/partner/applications"))

    # the refresh token refused too: a dialog to sign in again; the typed text survives the sign-in
    page.get_by_role("link", name="Mijn profiel").click()
    page.get_by_role("link", name="Bewerken").click()
    page.get_by_label("Omschrijving").fill("Nieuwe omschrijving die niet verloren mag gaan.")
    page.get_by_label("Contactpersoon").fill("Lies Maes")
    page.route(
        "**/api/v1/partner/profile",
        lambda route: route.fulfill(
            status=401,
            content_type="application/problem+json",
            body=json.dumps(
                {"title": "Unauthorized", "status": 401, "detail": "Het bearer-token is ongeldig of verlopen."}
            ),
        ),
    )
    page.route(
        "**/oauth/token",
        lambda route: route.fulfill(
            status=400, content_type="application/json", body=json.dumps({"error": "invalid_grant"})
        ),
    )
    page.get_by_role("button", name="Opslaan").click()
    asked = page.get_by_role("dialog")
    expect(asked.get_by_role("heading", name="Je sessie is verlopen")).to_be_visible()
    expect(page.locator("header").get_by_role("button", name="Aanmelden")).to_be_visible()  # no "Afmelden" left
    partner.shot("front-session-expired")
    page.unroute("**/api/v1/partner/profile")
    page.unroute("**/oauth/token")
    asked.get_by_role("button", name="Opnieuw aanmelden").click()
    page.wait_for_url(re.compile(r"/(login|#/profile/edit)"))
    if "/login" in page.url:  # the login session may be gone as well
        partner.sign_in("info@sessie.example", PASSWORD)
    page.wait_for_url(re.compile(r"#/profile/edit$"))
    expect(page.get_by_label("Omschrijving")).to_have_value("Nieuwe omschrijving die niet verloren mag gaan.")
    expect(page.get_by_label("Contactpersoon")).to_have_value("Lies Maes")
    expect(page.get_by_text("Je bent weer aangemeld.")).to_be_visible()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()
    expect(page.get_by_text("Lies Maes").first).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('portal.draft')") is None


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_people_are_named_by_email_in_the_history_and_the_ledger(people, portal):
    partner = people()
    email = "info@mensen.example"
    page = new_partner_with_profile(partner, email, "Mensen BV")
    application_id = request_application(page, "Mensen App", apis=("Leerlingen",))
    moderator = moderator_approves(people, "Mensen App")
    back = moderator.page
    history = back.locator("table").last
    expect(history.get_by_role("row", name=re.compile("Nieuw → Goedgekeurd"))).to_contain_text(MODERATOR[0])
    expect(history.get_by_role("row").nth(1)).to_contain_text(email)  # the partner who asked
    assert not UUID.search(history.inner_text()), history.inner_text()
    moderator.shot("back-history-people")

    # the school admin grants, then takes it back: the ledger says who did each
    page.goto(f"{portal}/#/apps/{application_id}/access")
    page.get_by_role("button", name="Toegang aanvragen").click()
    page.get_by_role("dialog").get_by_label("E-mailadres schoolbeheerder(s)").fill(SCHOOL_ADMIN[0])
    page.get_by_role("dialog").get_by_role("button", name="Versturen").click()
    admin = people()
    admin.page.goto(only_link(portal, SCHOOL_ADMIN[0], "Datatoegang voor applicatie Mensen App", "/backoffice/"))
    admin.sign_in(*SCHOOL_ADMIN)
    school = admin.page.get_by_role("group", name=re.compile(r"\(012345\)"))
    school.get_by_label("Leerlingen").check()
    admin.page.get_by_role("button", name="Toegang opslaan").click()
    expect(admin.page.get_by_text("De toegang van Mensen App is opgeslagen.")).to_be_visible()
    admin.page.get_by_role("button", name="Melding sluiten").click()  # so the next save's notice is its own
    expect(admin.page.locator("#notices .notice")).to_have_count(0)
    school = admin.page.get_by_role("group", name=re.compile(r"\(012345\)"))
    school.get_by_label("Leerlingen").uncheck()
    admin.page.get_by_role("button", name="Toegang opslaan").click()
    admin.page.get_by_role("dialog").get_by_role("button", name="Toegang intrekken").click()
    expect(admin.page.get_by_text("De toegang van Mensen App is opgeslagen.")).to_be_visible()

    back.goto(f"{portal}/backoffice/#/ledger?q=Mensen&include_revoked=true")
    row = back.get_by_role("row", name=re.compile("Mensen App"))
    expect(row).to_contain_text(f"· {SCHOOL_ADMIN[0]}")
    expect(row.locator('td[data-label="Ingetrokken"]')).to_contain_text(SCHOOL_ADMIN[0])
    assert not UUID.search(back.locator("table").inner_text())
    moderator.shot("back-ledger-people")

    # a moderator deactivates and reactivates the profile: the partner's log names the moderator
    back.get_by_role("link", name="Profielen", exact=True).click()
    back.get_by_role("link", name="Mensen BV").click()
    expect(back.get_by_role("heading", name="Mensen BV")).to_be_visible()
    back.get_by_role("button", name="Deactiveren").click()
    back.get_by_role("dialog").get_by_role("button", name="Deactiveren").click()
    expect(back.get_by_text("Mensen BV is gedeactiveerd")).to_be_visible()
    back.get_by_role("button", name="Heractiveren").click()
    expect(back.get_by_text("Mensen BV is opnieuw actief.")).to_be_visible()
    page.goto(f"{portal}/#/profile")
    page.reload()
    log = page.locator("table").last
    expect(log).to_contain_text(MODERATOR[0])
    assert not UUID.search(log.inner_text()), log.inner_text()
    partner.shot("front-profile-log-people")
