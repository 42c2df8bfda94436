"""Our Standard Webhooks signatures, verified by an independent implementation (the standardwebhooks package)."""

import base64
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from portal_webhooks.domain import signing

BODY = b'{"type":"grants.changed","timestamp":"2026-12-07T10:00:00Z","data":{"application_id":"a"}}'


def test_a_secret_is_whsec_and_at_least_24_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert signing.new_secret() != secret


def test_the_signature_verifies_with_the_standardwebhooks_package():
    secret, now = signing.new_secret(), int(time.time())
    headers = signing.headers([secret], "msg_1", now, BODY)
    assert Webhook(secret).verify(BODY, headers)["data"] == {"application_id": "a"}
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == str(now)


def test_a_changed_body_id_or_timestamp_fails_verification():
    secret, now = signing.new_secret(), int(time.time())
    headers = signing.headers([secret], "msg_1", now, BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b'"a"', b'"b"'), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-id": "msg_2"})
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-timestamp": str(now + 1)})


def test_during_a_rotation_both_secrets_verify_from_one_header():
    new, old, now = signing.new_secret(), signing.new_secret(), int(time.time())
    headers = signing.headers([new, old], "msg_1", now, BODY)
    assert headers["webhook-signature"].count("v1,") == 2 and " " in headers["webhook-signature"]
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)
