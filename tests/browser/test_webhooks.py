"""Issue 20 in Chromium: a partner adds a webhook endpoint that points at a real HTTP receiver in this test
process (plain HTTP on loopback, as the embedded mode allows), keeps its secret, sends a test event, reads
the delivery log and the body, redelivers and rotates the secret; every request the receiver got verifies."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from portalkit.testing import free_port, wait_for
from tests.browser.test_web_ui import new_partner_with_profile, request_application

pytestmark = pytest.mark.system


class Receiver:
    """An integrator's endpoint: answers 200 "ok" and keeps (headers, body) of every POST."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        self.url = f"http://127.0.0.1:{free_port()}/hooks/portal"
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append(({name.lower(): value for name, value in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", int(self.url.split(":")[2].split("/")[0])), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()


def keep_secret(page) -> str:
    """Read the secret from the dialog that shows it once, then close it as a person does: stored, yes."""
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Je ziet dit secret maar één keer")).to_be_visible()
    expect(dialog.get_by_role("button", name="Kopiëren")).to_be_visible()
    secret = dialog.locator("code.secret").inner_text()
    assert secret.startswith("whsec_")
    return secret


def close_secret(page):
    page.get_by_role("dialog").get_by_role("button", name="Ik heb het secret bewaard").click()
    page.get_by_role("dialog").get_by_role("button", name="Ja, sluiten").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def refresh_until(page, condition):
    """Press "Logboek vernieuwen", as a person would, until the log's newest row meets ``condition(text)``."""
    newest = page.locator("main table tbody tr").first

    def shown() -> bool:
        page.get_by_role("button", name="Logboek vernieuwen").click()
        page.wait_for_load_state("networkidle")
        return newest.count() == 1 and condition(newest.inner_text())

    wait_for(shown, timeout=20, interval=0.5)
    return newest


def test_a_partner_adds_an_endpoint_tests_it_reads_the_log_redelivers_and_rotates_the_secret(people):
    partner = people()
    page = new_partner_with_profile(partner, "dev@haken.example", "Haken BV")
    application_id = request_application(page, "Haken Sync")

    with Receiver() as receiver:
        page.get_by_role("link", name="Webhooks", exact=True).click()
        expect(page.get_by_text("Nog geen eindpunten.")).to_be_visible()
        page.get_by_role("link", name="Eindpunt toevoegen").click()
        expect(page.get_by_role("heading", name="Nieuw eindpunt voor Haken Sync")).to_be_focused()

        # the service's rules beside their fields: at least one event; http only to loopback
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_role("button", name="Eindpunt toevoegen").click()
        expect(page.locator('[data-field="event_types"] .field-error')).to_have_text("Kies minstens één gebeurtenis.")
        page.get_by_label("Applicatie goedgekeurd", exact=True).check()
        page.get_by_label("Toestemmingen gewijzigd (per school en API, toegevoegd en ingetrokken)").check()
        page.get_by_label("URL").fill("http://haken.example/hooks")
        page.get_by_role("button", name="Eindpunt toevoegen").click()
        expect(page.locator('[data-field="url"] .field-error')).to_have_text("Het adres moet met https:// beginnen.")
        expect(page.get_by_label("URL")).to_have_attribute("aria-invalid", "true")
        expect(page.locator('[data-field="event_types"]')).not_to_have_class(re.compile(r"\binvalid\b"))
        partner.shot("front-webhook-endpoint-errors")

        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Omschrijving").fill("Roosters bijwerken")
        page.get_by_role("button", name="Eindpunt toevoegen").click()
        secret = keep_secret(page)
        partner.shot("front-webhook-secret-shown-once", for_docs=True)
        close_secret(page)

        expect(page.get_by_role("heading", name=receiver.url)).to_be_focused()
        expect(page.locator(".title-row .badge")).to_have_text("Actief")
        expect(page.locator("dl.properties")).to_contain_text("Toestemmingen gewijzigd (per school en API")
        expect(page.get_by_text("Nog geen meldingen.")).to_be_visible()
        assert page.get_by_text(secret).count() == 0  # shown once: not on the endpoint's page

        # a test event reaches the receiver, signed with the secret the partner was shown
        page.get_by_role("button", name="Testgebeurtenis versturen").click()
        expect(page.get_by_text("De testgebeurtenis is onderweg.")).to_be_visible()
        wait_for(lambda: len(receiver.received) == 1, timeout=20)
        headers, body = receiver.received[0]
        message = Webhook(secret).verify(body, headers)
        assert message["type"] == "webhook.test" and message["data"]["application_id"] == application_id

        row = refresh_until(page, lambda text: "Afgeleverd" in text)
        expect(row.locator('[data-label="Gebeurtenis"]')).to_have_text("Testgebeurtenis")
        expect(row.locator('[data-label="Antwoordcode"]')).to_have_text("200")
        expect(row.locator('[data-label="Pogingen"]')).to_have_text("1")
        expect(row.locator('[data-label="Duur"]')).to_contain_text(" ms")
        partner.shot("front-webhook-delivery-log", for_docs=True)

        # the body on demand, byte for byte what was signed, with the attempt and the receiver's answer
        page.get_by_role("button", name=f"Inhoud van melding {headers['webhook-id']}").click()
        detail = page.get_by_role("dialog")
        expect(detail.locator("pre code")).to_have_text(body.decode())
        expect(detail.locator("tbody tr")).to_have_count(1)
        expect(detail.locator('tbody [data-label="Antwoord van je eindpunt"]')).to_have_text("ok")
        partner.shot("front-webhook-delivery-body")
        detail.get_by_role("button", name="Sluiten").click()

        # redelivery: the same message (webhook-id, body) once more
        page.get_by_role("button", name=f"Melding {headers['webhook-id']} opnieuw versturen").click()
        expect(page.get_by_text(f"Melding {headers['webhook-id']} gaat opnieuw de deur uit")).to_be_visible()
        wait_for(lambda: len(receiver.received) == 2, timeout=20)
        again_headers, again_body = receiver.received[1]
        assert again_headers["webhook-id"] == headers["webhook-id"] and again_body == body
        row = refresh_until(page, lambda text: "Afgeleverd" in text and "Onderweg" not in text)
        expect(row.locator('[data-label="Pogingen"]')).to_have_text("2")

        # the log filtered by status, as a search keeps its form
        page.get_by_label("Status").select_option(label="Mislukt")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.get_by_text("Geen meldingen met deze status.")).to_be_visible()
        page.get_by_label("Status").select_option(label="Afgeleverd")
        page.get_by_role("button", name="Zoeken").click()
        expect(page.locator("main table tbody tr")).to_have_count(1)
        expect(page.get_by_label("Status")).to_have_value("delivered")

        # rotation: confirmed, explained, the new secret shown once; both sign for 24 hours
        page.get_by_role("button", name="Secret vernieuwen").click()
        confirm = page.get_by_role("dialog")
        expect(confirm).to_contain_text("24 uur")
        confirm.get_by_role("button", name="Secret vernieuwen").click()
        new_secret = keep_secret(page)
        expect(page.get_by_role("dialog").get_by_text("Het vorige secret ondertekent mee tot")).to_be_visible()
        partner.shot("front-webhook-secret-rotated")
        close_secret(page)
        assert new_secret != secret

        page.get_by_role("button", name="Testgebeurtenis versturen").click()
        wait_for(lambda: len(receiver.received) == 3, timeout=20)
        rotated_headers, rotated_body = receiver.received[2]
        assert rotated_headers["webhook-signature"].count("v1,") == 2
        Webhook(new_secret).verify(rotated_body, rotated_headers)
        Webhook(secret).verify(rotated_body, rotated_headers)

        # disable (confirmed), and delete (confirmed): back to an empty list
        page.get_by_role("button", name="Uitzetten").click()
        page.get_by_role("dialog").get_by_role("button", name="Uitzetten").click()
        expect(page.locator(".title-row .badge")).to_have_text("Uitgeschakeld")
        expect(page.get_by_role("button", name="Testgebeurtenis versturen")).to_have_count(0)
        page.get_by_role("button", name="Verwijderen").click()
        page.get_by_role("dialog").get_by_role("button", name="Verwijderen").click()
        expect(page.get_by_text("Het eindpunt is verwijderd.")).to_be_visible()
        expect(page.get_by_text("Nog geen eindpunten.")).to_be_visible()

        # the tab points to the API documentation, whose webhooks section names the events and the guide
        page.get_by_role("link", name="Zo controleer je de handtekening").click()
        webhooks = page.get_by_role("region", name="Webhooks")
        expect(webhooks).to_contain_text("docs/webhooks.md")
        expect(webhooks.get_by_role("listitem").filter(has_text="grants.changed")).to_contain_text(
            "Toestemmingen gewijzigd"
        )
        expect(webhooks).to_contain_text("webhook-signature")
