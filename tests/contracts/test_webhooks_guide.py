"""docs/webhooks.md against the webhooks service: its example bodies fit the contracts, and its verification
examples accept what the service's own signing code sends (and refuse what they must), so the guide
cannot drift from the portal."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from portal_webhooks.domain import payloads, signing

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "webhooks.md").read_text()
BODY = payloads.test_body("app-1", "endpoint-1", "2026-12-07T10:15:00Z").encode()


def code_under(heading: str, language: str) -> str:
    """The first ``language`` block after ``heading`` in the guide."""
    section = GUIDE.split(f"\n{heading}\n", 1)[1]
    return re.search(rf"```{language}\n(.*?)\n```", section, re.S).group(1)


def signed(secrets: list[str], body: bytes = BODY, at: int | None = None) -> dict[str, str]:
    return signing.headers(secrets, "msg_guide", int(time.time()) if at is None else at, body)


def test_every_event_has_an_example_body_that_fits_its_contract():
    examples = [json.loads(block) for block in re.findall(r"```json\n(.*?)\n```", GUIDE, re.S)]
    assert sorted(example["type"] for example in examples) == sorted(kind.name for kind in payloads.TYPES)
    for example in examples:
        schema = json.loads((ROOT / "contracts" / "webhooks" / f"{example['type']}.json").read_text())
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(example)
        assert f"| `{example['type']}` |" in GUIDE  # and the table of events names it


def test_the_guide_states_the_retry_schedule_and_the_overlap_the_service_uses():
    from portal_webhooks.config import WebhooksSettings

    defaults = {field.name: field.default for field in dataclasses.fields(WebhooksSettings)}
    assert defaults["retry_pauses_seconds"] == ("5", "300", "1800", "7200", "18000", "36000")
    assert "5 seconds, 5 minutes, 30 minutes, 2 hours, 5 hours and 10 hours" in GUIDE
    assert defaults["retry_window_seconds"] == defaults["secret_overlap_seconds"] == 24 * 3600
    assert "for **24 hours** from the first attempt" in GUIDE and "For the next **24 hours**" in GUIDE
    assert defaults["read_timeout_seconds"] == 10 and "within **10 seconds**" in GUIDE


def test_the_example_request_carries_the_signature_the_service_makes_with_the_example_secret():
    request = re.search(r"```http\n(.*?)\n```", GUIDE, re.S).group(1)
    head, body = request.split("\n\n", 1)
    headers = dict(line.split(": ", 1) for line in head.splitlines()[1:])
    secret = re.search(r"signed with the secret `(whsec_[^`]+)`", GUIDE).group(1)
    sent = signing.headers([secret], headers["webhook-id"], int(headers["webhook-timestamp"]), body.encode())
    assert headers["webhook-signature"] == sent["webhook-signature"]
    assert int(headers["Content-Length"]) == len(body.encode())
    assert json.loads(body)["type"] == payloads.TEST


@pytest.fixture
def python_verify():
    namespace: dict = {}
    exec(code_under("### Python by hand, with hmac", "python"), namespace)  # the guide's example as is
    return namespace["verify"], namespace["InvalidWebhook"]


def test_the_hand_written_python_example_verifies_the_portals_signature(python_verify):
    verify, invalid = python_verify
    secret, previous = signing.new_secret(), signing.new_secret()
    verify(secret, signed([secret]), BODY)
    rotating = signed([secret, previous])  # two signatures while the previous secret still signs
    verify(secret, rotating, BODY)
    verify(previous, rotating, BODY)
    for refused in (
        lambda: verify(signing.new_secret(), signed([secret]), BODY),
        lambda: verify(secret, signed([secret]), BODY.replace(b"app-1", b"app-2")),
        lambda: verify(secret, {**signed([secret]), "webhook-id": "msg_other"}, BODY),
        lambda: verify(secret, signed([secret], at=int(time.time()) - 301), BODY),
    ):
        with pytest.raises(invalid):
            refused()


def test_the_python_standardwebhooks_example_accepts_a_signed_request_and_refuses_a_changed_one(monkeypatch):
    secret, handled = signing.new_secret(), []
    monkeypatch.setenv("WEBHOOK_SECRET", secret)
    namespace = {"__name__": __name__, "handle_later": lambda message_id, event: handled.append((message_id, event))}
    exec(code_under("### Python with the standardwebhooks package", "python"), namespace)
    client = namespace["app"].test_client()
    assert client.post("/hooks/portal", data=BODY, headers=signed([secret])).status_code == 204
    assert handled == [("msg_guide", json.loads(BODY))]
    changed = BODY.replace(b"app-1", b"app-2")
    assert client.post("/hooks/portal", data=changed, headers=signed([secret])).status_code == 400
    assert len(handled) == 1


def test_the_hand_written_javascript_example_verifies_the_portals_signature(tmp_path):
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("no node to run the guide's JavaScript example")
        pytest.skip("no node")
    (tmp_path / "verify.mjs").write_text(code_under("### JavaScript by hand, with Node's crypto", "javascript"))
    (tmp_path / "check.mjs").write_text(
        'import { readFileSync } from "node:fs";\n'
        'import { verify } from "./verify.mjs";\n'
        'const cases = JSON.parse(readFileSync(0, "utf8"));\n'
        "const outcomes = cases.map(([secret, headers, body]) => {\n"
        '  try { verify(secret, headers, Buffer.from(body, "utf8")); return "ok"; }\n'
        "  catch (error) { return error.message; }\n"
        "});\n"
        "console.log(JSON.stringify(outcomes));\n"
    )
    secret, previous, other = signing.new_secret(), signing.new_secret(), signing.new_secret()
    body, rotating = BODY.decode(), signed([secret, previous])
    cases = [
        [secret, signed([secret]), body],
        [secret, rotating, body],
        [previous, rotating, body],
        [other, signed([secret]), body],
        [secret, signed([secret]), body.replace("app-1", "app-2")],
        [secret, signed([secret], at=int(time.time()) - 301), body],
    ]
    answer = subprocess.run(
        [node, str(tmp_path / "check.mjs")], input=json.dumps(cases), capture_output=True, text=True, timeout=30
    )
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout) == [
        "ok",
        "ok",
        "ok",
        "no valid signature",
        "no valid signature",
        "timestamp outside the tolerance",
    ]
