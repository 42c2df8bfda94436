"""Issue 19's second round in Chromium: form feedback that stays true, raw values in words, keyboard focus."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import mail_links
from tests.browser.test_web_ui import (
    LOGO,
    MODERATOR,
    fill_profile,
    moderator_approves,
    new_partner_with_profile,
    register_and_activate,
    request_application,
    sign_in_to_front_office,
)

pytestmark = pytest.mark.system


def contrast(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    def luminance(rgb):
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_profile_form_keeps_the_logos_reason_counts_characters_and_checks_belgian_postcodes(people):
    partner = people()
    register_and_activate(partner, "info@vorm.example")
    page = sign_in_to_front_office(partner, "info@vorm.example")
    page.get_by_role("link", name=re.compile("Nieuw profiel toevoegen")).click()

    name = page.get_by_label("Naam", exact=True)
    expect(page.locator('[data-field="name"] .counter')).to_have_text("Nog 200 van 200 tekens")
    name.fill("Vorm BV")
    expect(page.locator('[data-field="name"] .counter')).to_have_text("Nog 193 van 200 tekens")
    assert "-count" in name.get_attribute("aria-describedby")  # read with the field

    too_large = b"\x89PNG\r\n\x1a\n" + bytes(1024 * 1024 + 1)
    page.get_by_label("Logo").set_input_files({"name": "groot.png", "mimeType": "image/png", "buffer": too_large})
    logo_message = page.locator('[data-field="logo"] .field-error')
    expect(logo_message).to_contain_text("groter dan 1 MB")
    page.get_by_label("Postcode").fill("900")
    page.get_by_role("button", name="Opslaan").click()
    expect(logo_message).to_contain_text("groter dan 1 MB")  # still the reason, not "Dit veld is verplicht"
    expect(page.locator('[data-field="logo"]')).not_to_contain_text("verplicht")
    postcode = page.locator('[data-field="address.postal_code"]')
    expect(postcode.locator(".field-error")).to_have_text("Een Belgische postcode heeft 4 cijfers, van 1000 tot 9999.")
    expect(page.get_by_label("Postcode")).to_have_attribute("aria-invalid", "true")
    partner.shot("front-form-feedback")

    page.get_by_label("Postcode").fill("9000")
    page.get_by_label("Logo").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": LOGO})
    page.get_by_role("button", name="Opslaan").click()
    expect(logo_message).to_have_count(0)
    expect(postcode.locator(".field-error")).to_have_count(0)
    expect(page.locator('[data-field="description"] .field-error')).to_be_visible()  # the server's own rules next


def test_the_log_says_yes_or_no_and_names_its_fields(people):
    partner = people()
    register_and_activate(partner, "info@woorden.example")
    page = sign_in_to_front_office(partner, "info@woorden.example")
    page.get_by_role("link", name=re.compile("Nieuw profiel toevoegen")).click()
    fill_profile(page, "Woorden BV")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()
    page.get_by_role("link", name="Bewerken").click()
    page.get_by_label("Publiek profiel").uncheck()
    page.get_by_label("HRM", exact=True).uncheck()
    page.get_by_role("button", name="Opslaan").click()
    log = page.locator("table").last
    expect(log.get_by_role("row", name=re.compile("Publiek profiel"))).to_contain_text("Ja")
    expect(log.get_by_role("row", name=re.compile("Publiek profiel"))).to_contain_text("Nee")
    expect(log.get_by_role("row", name=re.compile("Categorie"))).to_contain_text("HRM")
    assert not re.search(r"\b(True|False)\b|profile\.|planning\b", log.inner_text())
    partner.shot("front-profile-log-words")


def test_the_first_tab_reaches_the_skip_link_and_a_search_keeps_focus_and_says_how_many(people):
    visitor = people()
    page = visitor.open("/")
    expect(page.get_by_role("heading", name="Welkom bij het Partnerportaal")).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    ring = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    )
    assert ring[0] == "solid" and float(ring[1].removesuffix("px")) >= 2
    colour = tuple(int(part) for part in re.findall(r"\d+", ring[2])[:3])
    assert contrast(colour, (255, 255, 255)) >= 3 and contrast(colour, (244, 246, 248)) >= 3  # WCAG 1.4.11

    search = page.get_by_label("Zoek een partner")
    search.fill("niemand-heet-zo")
    search.press("Enter")
    expect(page.locator("#announcer")).to_have_text("Resultaten: 0")
    expect(page.get_by_role("heading", name="Welkom bij het Partnerportaal")).not_to_be_focused()
    expect(page.get_by_label("Zoek een partner")).to_be_focused()  # where the person was

    page.get_by_role("link", name="Registreren").first.click()
    expect(page.get_by_role("heading", name="Registreren")).to_be_focused()  # a page change moves it


def test_the_hosted_pages_look_like_the_portal_and_activation_opens_in_the_mails_language(people, portal):
    person = people()
    page = person.open("/#/register")
    page.get_by_role("button", name="English").click()
    email = "info@hosted.example"
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill("Partner-Geheim-1!")
    page.get_by_label("Repeat password").fill("Partner-Geheim-1!")
    page.get_by_label(re.compile("I accept the terms")).check()
    page.get_by_role("button", name="Register").last.click()
    expect(page.get_by_text(f"activation mail to {email}")).to_be_visible()
    (activation,) = [link for link in mail_links(portal, email, "Activate") if "/login/activate" in link]

    person.context.clear_cookies()
    page.goto(activation)  # no language chosen on this page: the mail's own
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1, name="Activate your account")).to_be_visible()
    page.get_by_role("button", name="Activate my account").click()
    expect(page.get_by_role("heading", level=1, name="Account activated")).to_be_visible()

    page.goto(f"{portal}/login?lang=en")  # the person chose English in the portal too
    for part in ("banner", "contentinfo"):
        expect(page.get_by_role(part)).to_be_visible()  # the portal's header and footer
    expect(page.get_by_role("banner").get_by_role("link", name="Partner portal")).to_have_attribute("href", "/")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.querySelector('.brand')).fontWeight") == "700"  # portal.css
    page.get_by_role("link", name="Register as a partner").click()
    expect(page.get_by_role("heading", name="Register")).to_be_visible()
    page.goto(f"{portal}/login/forgot?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password")
    page.get_by_role("link", name="To the portal").click()
    expect(page.get_by_role("heading", name="Welcome to the Partner portal")).to_be_visible()
    person.shot("identity-login")


def test_terms_privacy_and_contact_are_linked_from_the_footer_and_registration(people):
    visitor = people()
    page = visitor.open("/#/register")
    form = page.get_by_role("form", name="Registreren")
    form.get_by_role("link", name="Gebruiksvoorwaarden").click()
    expect(page.get_by_role("heading", level=1, name="Gebruiksvoorwaarden")).to_be_focused()
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("link", name="Privacybeleid").click()
    expect(page.get_by_role("heading", level=1, name="Privacybeleid")).to_be_visible()
    footer.get_by_role("link", name="Contact en helpdesk").click()
    helpdesk = page.get_by_role("link", name="helpdesk@partnerportaal.example")  # HELPDESK_EMAIL's default
    expect(helpdesk).to_have_attribute("href", "mailto:helpdesk@partnerportaal.example")
    visitor.shot("front-contact")
    page.goto(visitor.base + "/backoffice/")  # signing in first: the hosted login page has the same footer
    expect(page.get_by_role("contentinfo").get_by_role("link", name="Contact en helpdesk")).to_be_visible()


def test_the_api_documentation_is_public_bilingual_from_the_contract_and_fills_in_the_partners_client(people, portal):
    visitor = people()
    page = visitor.open("/#/docs")
    expect(page.get_by_role("heading", level=1, name="API-documentatie")).to_be_visible()
    curl = page.locator("figure", has_text="curl").locator("pre")
    expect(curl).to_contain_text('curl -u "JOUW_CLIENT_ID:$CLIENT_SECRET"')
    expect(curl).to_contain_text(f"{portal}/oauth/token")  # the server's own metadata
    for heading in ("Aan de slag", "Het token-endpoint", "Wat het token zegt", "Foutcodes", "Limieten"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    errors = page.get_by_role("region", name="Foutcodes")
    expect(errors.get_by_role("cell", name="unsupported_token_type")).to_be_visible()  # the contract's enum
    expect(page.get_by_role("cell", name="code_verifier")).to_be_visible()  # the contract's parameters
    page.get_by_role("button", name="Python kopiëren").click()
    assert 'auth=("JOUW_CLIENT_ID", os.environ["CLIENT_SECRET"])' in page.evaluate("navigator.clipboard.readText()")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1, name="API documentation")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Rotating your secret")).to_be_visible()
    page.get_by_role("button", name="Nederlands").click()

    partner = people()
    front = new_partner_with_profile(partner, "info@docs.example", "Docs BV")
    application_id = request_application(front, "Docs App")
    moderator_approves(people, "Docs App")
    mail_links(portal, "info@docs.example", "Je applicatie Docs App is goedgekeurd")  # sent once the client exists
    front.goto(f"{portal}/#/apps/{application_id}/credentials")
    client_id = front.locator("dl code").inner_text()
    front.get_by_role("link", name="API-documentatie").click()
    expect(front.locator("figure", has_text="JavaScript").locator("pre")).to_contain_text(f'btoa("{client_id}:"')
    expect(front.get_by_text("JOUW_CLIENT_ID")).to_have_count(0)
    partner.shot("front-api-docs", for_docs=True)


def test_lists_sort_count_and_the_mail_log_finds_a_recipient_with_a_preview(people):
    partner = people(width=375, height=740)
    page = new_partner_with_profile(partner, "heel-lang-adres-van-een-partner@lijsten-en-tabbladen.example", "Lijst BV")
    request_application(page, "Lijst App Zonder Einde")
    for tab in ("Eigenschappen", "API toegang", "Client & secret"):
        box = page.get_by_role("link", name=tab).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, tab  # every tab fits the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("link", name="API toegang").click()
    expect(page.get_by_role("link", name="API toegang")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="API toegang")).to_be_focused()  # a tab switch keeps the focus on the tab
    page.get_by_role("link", name="Mijn profiel").click()
    cell = page.get_by_role("cell", name=re.compile("heel-lang-adres")).first
    assert cell.evaluate("(td) => td.scrollWidth <= td.clientWidth")  # the address wraps, not clipped
    partner.shot("front-phone-tabs-and-addresses")

    moderator = people()
    back = moderator.open("/backoffice/#/mail")
    moderator.sign_in(*MODERATOR)
    expect(back.get_by_role("heading", name="Verstuurde e-mails")).to_be_visible()
    back.get_by_label("Ontvanger").fill("lijsten-en-tabbladen")
    back.get_by_label("Ontvanger").press("Enter")
    expect(back.locator(".count")).to_have_text("1 in totaal")
    expect(back.locator("#announcer")).to_have_text("Resultaten: 1")
    row = back.locator("tbody tr").filter(has_text="Activeer")
    row.locator("summary").click()
    expect(row.locator("pre")).to_contain_text("token=redacted")
    moderator.shot("back-mail-search-preview", for_docs=True)

    back.goto(moderator.base + "/backoffice/#/mail")
    header = back.get_by_role("columnheader", name="Aan", exact=True)
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    shown = back.locator("tbody td[data-label=Aan]").all_inner_texts()
    in_order = back.evaluate(
        "(texts) => [...texts].sort(new Intl.Collator('nl', { numeric: true, sensitivity: 'base' }).compare)", shown
    )
    assert len(set(shown)) > 1 and shown == in_order
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert back.locator("tbody td[data-label=Aan]").all_inner_texts() == in_order[::-1]
