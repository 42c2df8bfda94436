"""The two web UIs clicked through in Chromium, against the embedded portal: the system test's journey by
hand, what a visitor sees, validation beside the fields, the link flow's errors, language, phone size."""

from __future__ import annotations

import csv
import re

import pytest
import requests
from playwright.sync_api import expect

from portal_scopes.domain.ledger import LEDGER_COLUMNS
from tests.browser.conftest import logo_png, mail_links

pytestmark = pytest.mark.system

PASSWORD = "Partner-Geheim-1!"
MODERATOR = ("moderator@partnerportaal.example", "Moderator-123!")
SCHOOL_ADMIN = ("schoolbeheerder@partnerportaal.example", "Schoolbeheer-123!")
LOGO = logo_png()


def register_and_activate(person, email: str):
    page = person.open("/#/register")
    expect(page.get_by_role("heading", name="Registreren")).to_be_visible()  # a fresh load keeps focus at the top
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord herhalen").fill(PASSWORD)
    page.get_by_label("Ik ga akkoord met de voorwaarden en het privacybeleid").check()
    page.get_by_role("button", name="Registreren").last.click()
    expect(page.get_by_text(f"We stuurden een activatiemail naar {email}")).to_be_visible()
    (activation,) = [link for link in mail_links(person.base, email, "Activeer") if "/login/activate" in link]
    page.goto(activation)
    page.locator("button[type=submit]").click()  # the confirm page: mail scanners cannot burn the link
    expect(page.locator(".ok")).to_be_visible()


def sign_in_to_front_office(person, email: str):
    page = person.open("/")
    page.get_by_role("button", name="Aanmelden").click()
    person.sign_in(email, PASSWORD)
    page.wait_for_url(re.compile(r"/#/profile$"))
    return page


def fill_profile(page, name: str, public: bool = True):
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("Omschrijving").fill(f"{name} koppelt het lessenrooster aan de agenda van leerlingen.")
    page.get_by_label("Contactpersoon").fill("An Peeters")
    page.get_by_label("Straat").fill("Kerkstraat")
    page.get_by_label("Nummer", exact=True).fill("1")
    page.get_by_label("Postcode").fill("9000")
    page.get_by_label("Gemeente").fill("Gent")
    page.get_by_label("Publiek profiel").set_checked(public)
    page.get_by_label("Planning", exact=True).check()
    page.get_by_label("HRM", exact=True).check()
    page.get_by_label("Website").fill("https://agenda.example")
    page.get_by_label("Logo").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": LOGO})
    expect(page.get_by_alt_text("Voorbeeld van het logo")).to_be_visible()


def new_partner_with_profile(person, email: str, name: str, public: bool = True):
    register_and_activate(person, email)
    page = sign_in_to_front_office(person, email)
    page.get_by_role("link", name=re.compile("Nieuw profiel toevoegen")).click()
    fill_profile(page, name, public)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()
    return page


def request_application(page, name: str, apis=("Leerlingen", "Personeel")):
    page.get_by_role("link", name="Applicaties", exact=True).click()
    page.get_by_role("button", name="Applicatie toevoegen").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Ik vraag een nieuwe client ID aan").click()
    dialog.get_by_role("button", name="Doorgaan").click()
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Omschrijving").fill("Synchroniseert lesroosters.")
    page.get_by_label("Contactpersoon").fill("Jan Janssens")
    page.get_by_label("E-mailadres").fill("dev@agenda.example")
    for api in apis:
        page.get_by_label(api, exact=True).check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.locator(".title-row .badge")).to_have_text("Nieuw")
    return page.url.split("#/apps/")[1]


def moderator_approves(people, application_name: str):
    moderator = people()
    page = moderator.open("/backoffice/")
    moderator.sign_in(*MODERATOR)
    expect(page.get_by_role("heading", name="Nieuwe aanvragen")).to_be_visible()
    page.get_by_role("link", name=application_name).click()
    expect(page.get_by_role("heading", name=application_name)).to_be_focused()
    page.get_by_role("button", name="Goedkeuren").click()
    expect(page.locator(".title-row .badge")).to_have_text("Goedgekeurd")
    return moderator


def directory_names(person) -> list[str]:
    page = person.open("/")
    expect(page.get_by_role("heading", name="Onze partners")).to_be_visible()
    page.wait_for_load_state("networkidle")
    return page.locator(".cards h3").all_inner_texts()


def test_the_whole_journey_clicked_through_both_uis(people, portal):
    partner = people()
    visitor = people()
    email = "an@agenda.example"

    # register -> activate from the sink's mail -> sign in -> first-login choice -> profile
    register_and_activate(partner, email)
    page = sign_in_to_front_office(partner, email)
    expect(page.get_by_role("heading", name="Welkom!")).to_be_visible()  # a fresh load keeps focus at the top
    partner.shot("front-first-login-choice")
    page.get_by_role("link", name=re.compile("Nieuw profiel toevoegen")).click()
    fill_profile(page, "Agenda BV")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_focused()
    expect(page.get_by_role("heading", name="Agenda BV")).to_be_visible()
    page.get_by_role("button", name="Gebruiker koppelen").click()
    invitation = page.get_by_role("dialog")
    expect(invitation.get_by_text("De code is 5 dagen geldig.")).to_be_visible()
    expect(invitation.get_by_role("button", name="Kopiëren")).to_be_visible()
    partner.shot("front-invitation-code")
    invitation.get_by_role("button", name="Sluiten").click()
    partner.shot("front-profile", for_docs=True)

    # app -> status Nieuw; not in the directory yet (no approved application)
    application_id = request_application(page, "Agenda Sync")
    assert "Agenda BV" not in directory_names(visitor)

    # moderator approves in the back-office
    moderator = moderator_approves(people, "Agenda Sync")
    moderator.shot("back-application-approved")

    # the secret is shown once, with a warning and a copy button; it gets tokens
    page.goto(f"{portal}/#/apps/{application_id}/credentials")
    expect(page.get_by_role("heading", name="Agenda Sync")).to_be_visible()
    client_id = page.locator("dl code").inner_text()
    page.get_by_role("button", name="Secret genereren").click()
    shown = page.get_by_role("dialog")
    expect(shown.get_by_text("Dit secret wordt maar één keer getoond")).to_be_visible()
    secret = shown.locator("[data-secret]").inner_text()
    shown.get_by_role("button", name="Kopiëren").click()
    expect(shown.get_by_role("button", name="Gekopieerd")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    partner.shot("front-secret-shown-once", for_docs=True)
    shown.get_by_role("button", name="Ik heb het secret bewaard").click()
    asked = page.get_by_role("dialog")
    expect(asked.get_by_role("heading", name="Secret gekopieerd?")).to_be_visible()
    asked.get_by_role("button", name="Nee, toon het secret opnieuw").click()
    expect(page.get_by_role("dialog").locator("[data-secret]")).to_have_text(secret)  # not gone yet
    page.keyboard.press("Escape")  # Escape asks too
    page.get_by_role("dialog").get_by_role("button", name="Ja, sluiten").click()
    expect(page.locator("[data-secret]")).to_have_count(0)
    assert secret not in page.content()
    stored = page.evaluate("JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})")
    assert secret not in stored and "eyJ" not in stored  # neither the secret nor a token in web storage
    token = requests.post(
        f"{portal}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10
    )
    assert token.status_code == 200, token.text

    # the partner asks a school admin for access
    page.get_by_role("link", name="API toegang").click()
    page.get_by_role("button", name="Toegang aanvragen").click()
    asking = page.get_by_role("dialog")
    expect(asking.get_by_text("Hoogstens 10 adressen per aanvraag", exact=False)).to_be_visible()
    asking.get_by_label("E-mailadres schoolbeheerder(s)").fill(f"{SCHOOL_ADMIN[0]}; directie@school.example")
    asking.get_by_role("button", name="Versturen").click()
    expect(page.get_by_role("cell", name=SCHOOL_ADMIN[0])).to_be_visible()
    expect(page.get_by_role("cell", name="directie@school.example")).to_be_visible()

    # the school admin opens the mail's link, signs in, and grants Leerlingen for one school
    (link,) = [link for link in mail_links(portal, SCHOOL_ADMIN[0], "Datatoegang") if "/backoffice/" in link]
    admin = people()
    page_admin = admin.page
    page_admin.goto(link)
    admin.sign_in(*SCHOOL_ADMIN)
    expect(
        page_admin.get_by_role("heading", name="Datatoegang voor Agenda Sync")
    ).to_be_visible()  # a fresh load keeps focus at the top
    school = page_admin.get_by_role("group", name=re.compile(r"\(012345\)"))
    school.get_by_label("Leerlingen").check()
    admin.shot("back-access-request", for_docs=True)
    page_admin.get_by_role("button", name="Toegang opslaan").click()
    expect(page_admin.get_by_text("De toegang van Agenda Sync is opgeslagen.")).to_be_visible()
    page_admin.get_by_role("link", name="Datatoegang").click()
    expect(page_admin.get_by_role("link", name="Agenda Sync")).to_be_visible()
    admin.shot("back-school-admin-access")

    # the partner sees the grant; the visitor sees the partner in the directory
    page.reload()
    admin_granted = page.get_by_role("row", name=re.compile("012345"))
    expect(admin_granted).to_contain_text("Leerlingen")
    expect(admin_granted).to_contain_text("Sint-Jozefscollege Aalst")
    partner.shot("front-api-access", for_docs=True)
    assert directory_names(visitor) == ["Agenda BV"]
    visitor.page.get_by_role("link", name="Agenda BV").click()
    expect(visitor.page.get_by_role("heading", name="Agenda BV", exact=True)).to_be_focused()
    visitor.shot("front-partner-page")

    # the link flow: a wrong secret, then a client that is already linked (this very one)
    page.get_by_role("link", name="Applicaties", exact=True).click()
    page.get_by_role("button", name="Applicatie toevoegen").click()
    page.get_by_role("dialog").get_by_text("Ik koppel mijn client ID & secret").click()
    page.get_by_role("dialog").get_by_role("button", name="Doorgaan").click()
    expect(page.get_by_role("heading", name="Client/Secret koppelen")).to_be_focused()
    # the manual's first step asks the client ID and secret only, and checks them before anything else
    expect(page.get_by_role("heading", name="Stap 1 van 2: client ID en secret")).to_be_visible()
    expect(page.get_by_label("Naam")).to_have_count(0)
    page.get_by_label("Client ID", exact=True).fill(client_id)
    page.get_by_label("Client Secret", exact=True).fill("niet-het-goede-secret")
    page.get_by_role("button", name="Doorgaan").click()
    invalid = "De ingevoerde client/secret is ongeldig. Heb je geen geldige client/secret, vraag dan een nieuwe aan."
    expect(page.get_by_role("alert")).to_contain_text(invalid)
    expect(page.get_by_text(invalid)).to_have_count(1)  # said once, not again beside the field
    expect(page.get_by_label("Client Secret", exact=True)).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Client Secret", exact=True).fill(secret)
    page.get_by_role("button", name="Doorgaan").click()
    linked = (
        "Sorry! Deze client is al gekoppeld aan een andere applicatie. Je kan een client maar aan één app koppelen."
    )
    expect(page.get_by_role("alert")).to_contain_text(linked)
    expect(page.get_by_text(linked)).to_have_count(1)
    partner.shot("front-link-already-linked")

    # the moderator's other screens
    for menu, heading in (
        ("Applicaties", "Alle applicaties"),
        ("Toestemmingen", "Toestemmingen"),
        ("E-mails", "Verstuurde e-mails"),
        ("Profielen", "Partnerprofielen"),
    ):
        moderator.page.get_by_role("link", name=menu, exact=True).click()
        expect(moderator.page.get_by_role("heading", name=heading)).to_be_focused()
        moderator.shot(f"back-{heading.lower().replace(' ', '-')}", for_docs=heading == "Toestemmingen")
    expect(moderator.page.get_by_role("cell", name="Agenda BV")).to_be_visible()


def test_a_visitor_sees_only_public_partners_with_an_approved_application(people, portal):
    private = people()
    page = new_partner_with_profile(private, "info@prive.example", "Prive NV", public=False)
    request_application(page, "Prive App")
    moderator_approves(people, "Prive App")
    waiting = people()
    new_partner_with_profile(waiting, "info@wachtend.example", "Wachtend CV")  # public, no approved app
    visitor = people()
    names = directory_names(visitor)
    assert "Prive NV" not in names and "Wachtend CV" not in names
    visitor.shot("front-directory", for_docs=True)


def test_validation_errors_appear_beside_their_fields(people, portal):
    partner = people()
    page = partner.open("/#/register")
    page.get_by_label("E-mailadres").fill("geen-adres")
    page.get_by_label("Wachtwoord", exact=True).fill("kort")
    page.get_by_label("Wachtwoord herhalen").fill("kort")
    page.get_by_role("button", name="Registreren").last.click()
    email_field = page.locator("[data-field=email]")
    expect(email_field.locator(".field-error")).to_be_visible()
    expect(page.locator("[data-field=password] .field-error")).to_have_count(4)  # every rule it breaks
    expect(page.locator("[data-field=accept_terms] .field-error")).to_be_visible()
    expect(page.get_by_label("E-mailadres")).to_have_attribute("aria-invalid", "true")
    partner.shot("front-register-errors")

    partner = people()
    register_and_activate(partner, "leeg@formulier.example")
    page = sign_in_to_front_office(partner, "leeg@formulier.example")
    page.get_by_role("link", name=re.compile("Nieuw profiel toevoegen")).click()
    page.get_by_role("button", name="Opslaan").click()
    for name in ("name", "description", "contact_person", "address.city", "categories", "website", "logo"):
        expect(page.locator(f'[data-field="{name}"] .field-error').first).to_be_visible()
    expect(page.get_by_label("Naam", exact=True)).to_be_focused()
    partner.shot("front-profile-errors", for_docs=True)

    # the moderator must give a reason to reject
    fill_profile(page, "Leeg BV")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", name="Mijn profiel")).to_be_visible()  # saved: it then shows the profile
    request_application(page, "Leeg App")
    moderator = people()
    back = moderator.open("/backoffice/#/queue")
    moderator.sign_in(*MODERATOR)
    back.get_by_role("link", name="Leeg App").click()
    back.get_by_role("button", name="Weigeren").click()
    back.get_by_role("dialog").get_by_role("button", name="Weigeren").click()
    expect(back.locator('[data-field="reason"] .field-error')).to_have_text(
        re.compile("Een weigering vraagt een reden")
    )
    back.get_by_role("dialog").get_by_label("Reden").fill("Omschrijving te vaag.")
    back.get_by_role("dialog").get_by_role("button", name="Weigeren").click()
    expect(back.locator(".title-row .badge")).to_have_text("Geweigerd")


def test_english_and_a_phone_sized_screen(people, portal):
    phone = people(width=390, height=844)
    page = phone.open("/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Welcome to the Partner portal")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    phone.shot("front-landing-phone-en", for_docs=True)
    page.get_by_role("link", name="Register").first.click()
    expect(page.get_by_role("heading", name="Register")).to_be_focused()
    page.locator("#main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Sign in"))).to_be_visible()  # the hosted page follows


def test_a_partner_edits_and_is_asked_before_access_goes_and_a_moderator_exports_the_ledger(people, portal):
    partner = people()
    page = new_partner_with_profile(partner, "info@wijzig.example", "Wijzig BV")
    page.get_by_role("link", name="Bewerken").click()
    page.get_by_label("Contactpersoon").fill("Els Claes")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("row", name=re.compile("An Peeters.*Els Claes"))).to_be_visible()  # the log

    application_id = request_application(page, "Wijzig App")
    moderator = moderator_approves(people, "Wijzig App")
    page.goto(f"{portal}/#/apps/{application_id}")
    page.get_by_role("link", name="Bewerken").click()
    page.get_by_label("Personeel", exact=True).uncheck()
    page.get_by_role("button", name="Opslaan").click()
    asked = page.get_by_role("dialog")
    expect(asked).to_contain_text("Je vinkt Personeel uit.")
    partner.shot("front-confirm-api-removal")
    asked.get_by_role("button", name="Annuleren").click()
    expect(page.get_by_role("heading", name="Wijzig App bewerken")).to_be_visible()  # nothing saved
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("dialog").get_by_role("button", name="Uitvinken en opslaan").click()
    expect(page.get_by_text("De applicatie is opgeslagen.")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text=re.compile("^Leerlingen$"))).to_be_visible()

    back = moderator.page
    back.get_by_role("link", name="Toestemmingen", exact=True).click()
    with back.expect_download() as download:
        back.get_by_role("button", name="Exporteren als CSV").click()
    rows = download.value.path().read_text().splitlines()
    assert next(csv.reader(rows[:1])) == list(LEDGER_COLUMNS)  # what the scopes service exports, in the browser
    assert download.value.suggested_filename == "toestemmingen.csv"


def test_a_partner_sees_the_open_invitation_codes_and_withdraws_one(people, portal):
    partner, newcomer = people(), people()
    page = new_partner_with_profile(partner, "jo@codes.example", "Codes BV")
    expect(page.get_by_text("Er zijn geen open uitnodigingscodes.")).to_be_visible()
    codes = []
    for _ in range(2):
        page.get_by_role("button", name="Gebruiker koppelen").click()
        invitation = page.get_by_role("dialog")
        codes.append(invitation.locator("code").inner_text())
        invitation.get_by_role("button", name="Sluiten").click()
    listed = page.locator("table").filter(has_text="Gemaakt door")
    expect(listed.locator("tbody tr")).to_have_count(2)
    expect(listed.locator("tbody tr").first).to_contain_text(f"…{codes[0][-4:]}")
    expect(listed.locator("tbody tr").first).to_contain_text("jo@codes.example")

    withdraw = page.get_by_role("button", name=f"Code …{codes[0][-4:]} intrekken")
    expect(withdraw).to_have_class("danger")
    withdraw.click()
    page.get_by_role("dialog").get_by_role("button", name="Annuleren").click()
    expect(listed.locator("tbody tr")).to_have_count(2)
    withdraw.click()
    confirm = page.get_by_role("dialog")
    expect(confirm.get_by_role("heading", name=f"Code …{codes[0][-4:]} intrekken?")).to_be_visible()
    partner.shot("front-withdraw-invitation-code")
    confirm.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_text("De uitnodigingscode is ingetrokken.")).to_be_visible()
    expect(listed.locator("tbody tr")).to_have_count(1)
    expect(listed).to_contain_text(f"…{codes[1][-4:]}")
    expect(page.locator("table").filter(has_text="Veld").get_by_text("Uitnodigingscodes").first).to_be_visible()

    register_and_activate(newcomer, "kim@codes.example")
    joining = sign_in_to_front_office(newcomer, "kim@codes.example")
    joining.get_by_role("link", name=re.compile("Met bestaand profiel koppelen")).click()
    joining.get_by_label("Uitnodigingscode").fill(codes[0])
    joining.get_by_role("button", name="Koppelen", exact=True).click()
    expect(joining.get_by_role("alert")).to_contain_text("Deze uitnodigingscode is ingetrokken.")
    expect(joining.get_by_text("Deze uitnodigingscode is ingetrokken.")).to_have_count(1)  # said once
    expect(joining.get_by_label("Uitnodigingscode")).to_have_attribute("aria-invalid", "true")


def test_a_moderator_approves_a_pending_change_of_an_approved_application_with_its_diff(people, portal):
    partner = people()
    page = new_partner_with_profile(partner, "info@rooster.example", "Rooster BV")
    application_id = request_application(page, "Rooster App")
    moderator = moderator_approves(people, "Rooster App")

    # the partner renames the approved application and adds an API: both wait, the approved values stay
    page.goto(f"{portal}/#/apps/{application_id}")
    page.get_by_role("link", name="Bewerken").click()
    expect(page.get_by_text("Een nieuwe naam of extra API's gelden pas na goedkeuring")).to_be_visible()
    page.get_by_label("Naam").fill("Rooster App Smartschool Official")
    page.get_by_label("Rekeningen", exact=True).check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Opgeslagen. De nieuwe naam of extra API's wachten")).to_be_visible()
    expect(page.get_by_role("heading", name="Rooster App", exact=True)).to_be_visible()
    pending = page.locator(".pending-change")
    expect(pending.get_by_role("heading", name="Wijziging wacht op goedkeuring")).to_be_visible()
    expect(pending).to_contain_text("Rooster App → Rooster App Smartschool Official")
    expect(pending).to_contain_text("Rekeningen")
    partner.shot("front-change-pending")
    page.get_by_role("link", name="Applicaties", exact=True).click()
    expect(page.locator("tr", has_text="Rooster App")).to_contain_text("Wijziging wacht")

    # the moderator finds it in the queue with its diff, and approves it
    back = moderator.page
    back.get_by_role("link", name="Nieuwe aanvragen", exact=True).click()
    expect(back.get_by_role("heading", name="Wijzigingen van goedgekeurde applicaties")).to_be_visible()
    listed = back.locator("tr", has_text="Rooster BV")
    expect(listed).to_contain_text("Rooster App Smartschool Official")
    expect(listed).to_contain_text("Rekeningen")
    moderator.shot("back-change-queue")
    listed.get_by_role("link", name="Rooster App").click()
    diff = back.locator(".pending-change")
    expect(diff).to_contain_text("Rooster App → Rooster App Smartschool Official")
    expect(diff).to_contain_text("API's erbij")
    diff.get_by_role("button", name="Wijziging goedkeuren").click()
    expect(back.get_by_role("heading", name="Rooster App Smartschool Official")).to_be_visible()
    expect(back.locator(".pending-change")).to_have_count(0)
    expect(back.get_by_role("row", name=re.compile("Wijziging goedgekeurd"))).to_contain_text("Rekeningen")
    moderator.shot("back-change-approved")

    # the partner sees the new name and API; the history says who asked and who approved
    page.goto(f"{portal}/#/apps/{application_id}")
    expect(page.get_by_role("heading", name="Rooster App Smartschool Official")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Rekeningen")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Wijziging gevraagd"))).to_be_visible()
    mailed = mail_links(portal, "dev@agenda.example", "De wijziging van Rooster App is goedgekeurd")
    assert f"{portal}/#/apps/{application_id}" in mailed


def test_a_partner_revokes_one_leaked_secret_and_a_moderator_revokes_all(people, portal):
    partner = people()
    email = "lek@agenda.example"
    page = new_partner_with_profile(partner, email, "Lek BV")
    application_id = request_application(page, "Lek Sync", apis=("Leerlingen",))
    moderator = moderator_approves(people, "Lek Sync")

    def token(secret):
        return requests.post(
            f"{portal}/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret), timeout=10
        )

    # two secrets: the first one leaks after the rotation
    page.goto(f"{portal}/#/apps/{application_id}/credentials")
    expect(page.get_by_role("heading", name="Lek Sync")).to_be_visible()
    client_id = page.locator("dl code").inner_text()
    secrets = []
    for action in ("Secret genereren", "Nieuw secret genereren"):
        page.get_by_role("button", name=action).click()
        if secrets:
            page.get_by_role("dialog").get_by_role("button", name=action).click()  # the rotation's confirmation
        shown = page.get_by_role("dialog").filter(has=page.locator("[data-secret]"))
        secrets.append(shown.locator("[data-secret]").inner_text())
        shown.get_by_role("button", name="Ik heb het secret bewaard").click()
        page.get_by_role("dialog").get_by_role("button", name="Ja, sluiten").click()
    leaked, kept = secrets
    leaked_row = page.get_by_role("row", name=re.compile(re.escape(f"…{leaked[-4:]}")))
    expect(leaked_row).to_contain_text(email)
    expect(page.get_by_role("row", name=re.compile(re.escape(f"…{kept[-4:]}")))).to_contain_text("Geen einddatum")
    assert token(leaked).status_code == 200  # the rotation window

    # the partner revokes the leaked one, after a confirmation
    leaked_row.get_by_role("button", name=f"Secret …{leaked[-4:]} intrekken").click()
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text("Het secret werkt meteen niet meer")
    partner.shot("front-secret-revoke-confirm")
    confirm.get_by_role("button", name="Intrekken").click()
    expect(page.get_by_text(f"Secret …{leaked[-4:]} is ingetrokken.")).to_be_visible()
    expect(leaked_row).to_have_count(0)
    partner.shot("front-secrets-after-revocation")
    assert token(leaked).json()["error"] == "invalid_client"
    assert token(kept).status_code == 200

    # the moderator's emergency stop: a reason is required, then every secret ends and the partner is mailed
    moderator.page.reload()
    moderator.page.get_by_role("button", name="Alle secrets intrekken").click()
    stop = moderator.page.get_by_role("dialog")
    stop.get_by_role("button", name="Alle secrets intrekken").click()
    expect(stop.get_by_text("Een noodstop vraagt een reden.")).to_be_visible()
    stop.get_by_label("Reden").fill("Het secret staat in een publieke repository.")
    stop.get_by_role("button", name="Alle secrets intrekken").click()
    expect(moderator.page.get_by_text("De secrets van Lek Sync zijn ingetrokken (1)")).to_be_visible()
    assert token(kept).json()["error"] == "invalid_client"
    assert any(
        f"/#/apps/{application_id}/credentials" in link
        for link in mail_links(portal, "dev@agenda.example", "Alle secrets van Lek Sync")
    )
