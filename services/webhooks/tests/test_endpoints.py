"""The partner's webhook API over HTTP on both databases: who may manage which endpoints, the secret shown
once and rotated with overlap (checked with the standardwebhooks package), URL rules and problem bodies."""

import datetime as dt
import json

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from portal_webhooks.bootstrap import SERVICE
from portal_webhooks.domain import signing
from portalkit.testing import deliver, start_service

APP = "app-1"
OTHER_APP = "app-2"


def requested(application_id: str, partner_id: str, name: str) -> dict:
    return {
        "application_id": application_id,
        "partner_id": partner_id,
        "name": name,
        "contact_email": "dev@agenda.example",
        "apis": ["leerlingen"],
        "requested_by": "u",
    }


@pytest.fixture
def service(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens)
    deliver(runtime, "apps.application.requested", requested(APP, "p1", "Agenda Plus"))
    deliver(runtime, "apps.application.requested", requested(OTHER_APP, "p2", "Rooster"))
    client = app.test_client()
    return client, runtime, {"Authorization": f"Bearer {tokens.partner_token('u1', 'p1')}"}


def create(client, auth, **body):
    body = {"url": "https://hooks.agenda.example/portal", "event_types": ["application.approved"], **body}
    return client.post(f"/api/v1/webhooks/applications/{APP}/endpoints", json=body, headers=auth)


def test_the_secret_is_shown_in_the_create_answer_only(service):
    client, _, auth = service
    created = create(client, auth, description="Productie")
    assert created.status_code == 201
    secret = created.json["secret"]
    assert secret.startswith("whsec_") and len(secret) > len("whsec_") + 32
    endpoint_id = created.json["id"]
    listed = client.get(f"/api/v1/webhooks/applications/{APP}/endpoints", headers=auth)
    fetched = client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}", headers=auth)
    assert [e["id"] for e in listed.json] == [endpoint_id]
    for answer in (listed.get_data(as_text=True), fetched.get_data(as_text=True)):
        assert secret not in answer and 'secret"' not in answer.replace("_secret", "")
    assert fetched.json["event_types"] == ["application.approved"] and fetched.json["enabled"] is True


def test_the_secret_is_encrypted_at_rest(service):
    client, runtime, auth = service
    secret = create(client, auth).json["secret"]
    with runtime.database.session() as session:
        stored = session.execute(runtime.definition.metadata.tables["endpoints"].select()).one()
    assert secret not in json.dumps([str(value) for value in stored])


def test_another_partner_sees_nothing_of_it(service, tokens):
    client, _, auth = service
    endpoint_id = create(client, auth).json["id"]
    other = {"Authorization": f"Bearer {tokens.partner_token('u2', 'p2')}"}
    assert client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}", headers=other).status_code == 404
    off = client.patch(f"/api/v1/webhooks/endpoints/{endpoint_id}", json={"enabled": False}, headers=other)
    assert off.status_code == 404
    assert client.post(f"/api/v1/webhooks/endpoints/{endpoint_id}/secret", headers=other).status_code == 404
    assert client.post(f"/api/v1/webhooks/endpoints/{endpoint_id}/test", headers=other).status_code == 404
    assert client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}/deliveries", headers=other).status_code == 404
    assert client.delete(f"/api/v1/webhooks/endpoints/{endpoint_id}", headers=other).status_code == 404
    assert client.get(f"/api/v1/webhooks/applications/{APP}/endpoints", headers=other).status_code == 404
    answer = client.post(
        f"/api/v1/webhooks/applications/{APP}/endpoints",
        json={"url": "https://evil.example/", "event_types": ["grants.changed"]},
        headers=other,
    )
    assert answer.status_code == 404 and answer.content_type == "application/problem+json"
    assert client.get(f"/api/v1/webhooks/applications/{OTHER_APP}/endpoints", headers=other).json == []
    assert client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}", headers=auth).status_code == 200


def test_a_member_removed_from_the_partner_loses_access_at_once(service, tokens):
    client, runtime, auth = service
    endpoint_id = create(client, auth).json["id"]
    deliver(runtime, "partners.user.unlinked", {"account_id": "u1", "partner_id": "p1", "removed_by": "u9"})
    answer = client.get(f"/api/v1/webhooks/endpoints/{endpoint_id}", headers=auth)
    assert answer.status_code == 403 and answer.json["code"] == "webhooks.no_profile"


def test_only_partners_reach_the_api(service, tokens):
    client, _, _ = service
    assert client.get(f"/api/v1/webhooks/applications/{APP}/endpoints").status_code == 401
    moderator = {"Authorization": f"Bearer {tokens.token('m1', roles=['moderator'])}"}
    assert client.get(f"/api/v1/webhooks/applications/{APP}/endpoints", headers=moderator).status_code == 403


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.agenda.example/portal", "endpoint.url_https"),
        ("http://127.0.0.1:9000/hook", "endpoint.url_https"),  # loopback over http only in development
        ("https://10.0.0.5/hook", "endpoint.url_private"),
        ("https://[::1]/hook", "endpoint.url_private"),
        ("https://user:pw@hooks.agenda.example/", "endpoint.url_credentials"),
        ("ftp://hooks.agenda.example/", "endpoint.url_invalid"),
    ],
)
def test_urls_that_may_not_be_called_are_refused_beside_the_field(service, url, code):
    client, _, auth = service
    answer = create(client, auth, url=url)
    assert answer.status_code == 422 and answer.content_type == "application/problem+json"
    [error] = answer.json["errors"]
    assert error["field"] == "url" and error["detail"]


def test_http_to_loopback_is_allowed_in_development(database_url, tokens):
    app, runtime = start_service(SERVICE, database_url, tokens, development=True)
    deliver(runtime, "apps.application.requested", requested(APP, "p1", "Agenda Plus"))
    auth = {"Authorization": f"Bearer {tokens.partner_token('u1', 'p1')}"}
    answer = create(app.test_client(), auth, url="http://127.0.0.1:9000/hook")
    assert answer.status_code == 201


def test_unknown_event_types_are_refused(service):
    client, _, auth = service
    answer = create(client, auth, event_types=["application.approved", "everything"])
    assert answer.status_code == 422


def test_patch_changes_and_disables_and_enables(service):
    client, _, auth = service
    endpoint_id = create(client, auth).json["id"]
    url = f"/api/v1/webhooks/endpoints/{endpoint_id}"
    changed = client.patch(url, json={"event_types": ["grants.changed", "application.rejected"]}, headers=auth)
    assert changed.status_code == 200 and changed.json["event_types"] == ["application.rejected", "grants.changed"]
    disabled = client.patch(url, json={"enabled": False}, headers=auth)
    assert disabled.json["enabled"] is False and disabled.json["disabled_reason"] == "by_partner"
    test = client.post(f"{url}/test", headers=auth)
    assert test.status_code == 409 and test.json["code"] == "endpoint.disabled"
    enabled = client.patch(url, json={"enabled": True}, headers=auth)
    assert enabled.json["enabled"] is True and enabled.json["disabled_reason"] is None
    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url, headers=auth).status_code == 404


def test_rotation_signs_with_both_secrets_during_the_overlap(service):
    client, runtime, auth = service
    created = create(client, auth).json
    rotated = client.post(f"/api/v1/webhooks/endpoints/{created['id']}/secret", headers=auth)
    assert rotated.status_code == 200
    old, new = created["secret"], rotated.json["secret"]
    assert new != old and new.startswith("whsec_")
    expires = dt.datetime.fromisoformat(rotated.json["previous_secret_expires_at"])
    assert dt.timedelta(hours=23) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(hours=24)

    webhooks = runtime.container
    with webhooks.unit_of_work() as uow:
        endpoint = uow.endpoints.get(created["id"])
        secrets = [webhooks.secrets.open(sealed) for sealed in endpoint.signing_secrets(dt.datetime.now(dt.UTC))]
    assert secrets == [new, old]
    body = b'{"type":"webhook.test","timestamp":"2026-12-07T10:00:00Z","data":{}}'
    now = int(dt.datetime.now(dt.UTC).timestamp())
    headers = signing.headers(secrets, "msg_1", now, body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert Webhook(old).verify(body, headers)["type"] == "webhook.test"
    assert Webhook(new).verify(body, headers)["type"] == "webhook.test"
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)


def test_event_types_are_listed_with_their_schemas(service):
    client, _, auth = service
    answer = client.get("/api/v1/webhooks/event-types", headers=auth)
    names = [kind["name"] for kind in answer.json]
    assert "grants.changed" in names and "webhook.test" in names
    assert all(kind["schema_url"] == f"contracts/webhooks/{kind['name']}.json" for kind in answer.json)
