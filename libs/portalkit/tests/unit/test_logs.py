import json
import logging

from portalkit.logs import JsonFormatter, RequestContextFilter, redact, request_id_var


def test_secrets_are_masked_in_any_shape():
    line = (
        'POST /oauth/token?client_secret=s3cr3t&x=1 body {"password": "Hunter2!"} '
        "Authorization: Bearer eyJhbGciOi.x.y token=abc refresh_token=def"
    )
    masked = redact(line)
    for secret in ("s3cr3t", "Hunter2!", "eyJhbGciOi", "abc", "def"):
        assert secret not in masked
    assert "x=1" in masked


def test_json_lines_carry_the_request_id():
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "activate with token=%s", ("zzz",), None)
    request_id_var.set("req-42")
    RequestContextFilter().filter(record)
    entry = json.loads(JsonFormatter("apps").format(record))
    assert entry["request_id"] == "req-42"
    assert entry["service"] == "apps"
    assert "zzz" not in entry["message"]
