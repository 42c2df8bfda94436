"""Structured logs with the request id on every line, and secrets masked wherever they turn up."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Query or form parameters and JSON members whose values must never reach a log.
SECRET_NAMES = (
    "password|client_secret|secret|token|access_token|refresh_token|id_token|code|code_verifier"
    "|assertion|client_assertion|authorization"
)
_SECRET_PAIR = re.compile(rf"(?i)\b({SECRET_NAMES})(=|\"\s*:\s*\"|:\s*)([^&\s\"',]+)")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+")


def redact(text: str) -> str:
    text = _BEARER.sub(r"\1 [redacted]", text)
    return _SECRET_PAIR.sub(r"\1\2[redacted]", text)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": redact(record.getMessage()),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self, service: str):
        super().__init__(f"%(asctime)s %(levelname)s {service} [%(request_id)s] %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def stderr_handler(service: str, fmt: str = "json") -> logging.Handler:
    """The portal's one log handler: a line per record on stderr, with the request id, secrets redacted."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter(service) if fmt == "json" else TextFormatter(service))
    return handler


def configure_logging(service: str, level: str = "INFO", fmt: str = "json") -> None:
    """Root logging for one process; called once by each entrypoint, never at import."""
    root = logging.getLogger()
    root.handlers[:] = [stderr_handler(service, fmt)]
    root.setLevel(level.upper())
    for noisy in ("pika", "mail.log", "alembic.runtime.migration"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
