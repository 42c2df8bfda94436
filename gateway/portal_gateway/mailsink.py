"""A local SMTP sink (aiosmtpd) that keeps every mail in a Maildir, for development and tests.

It is the embedded mode's mail server and the local stack's; tests start one of their own and read
what the notifier really sent over SMTP.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import mailbox
import signal
import threading
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller


class MaildirHandler:
    def __init__(self, folder: str | Path):
        Path(folder).parent.mkdir(parents=True, exist_ok=True)
        self.maildir = mailbox.Maildir(str(folder), create=True)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.maildir.add(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def read_maildir(folder: str | Path) -> list[EmailMessage]:
    """Every mail in the sink, oldest first, parsed with the modern e-mail API."""
    box = mailbox.Maildir(str(folder), create=True)
    # Maildir names start with the delivery time, so their order is the order of arrival.
    return [email.message_from_bytes(box.get_bytes(key), policy=email.policy.default) for key in sorted(box.keys())]


class MailSink:
    def __init__(self, folder: str | Path, host: str = "127.0.0.1", port: int = 8025):
        self.folder = Path(folder)
        self.controller = Controller(MaildirHandler(self.folder), hostname=host, port=port)

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def messages(self) -> list[EmailMessage]:
        return read_maildir(self.folder)


def main() -> None:
    parser = argparse.ArgumentParser(description="Local SMTP sink writing to a Maildir")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--maildir", default="var/mail")
    options = parser.parse_args()
    sink = MailSink(options.maildir, options.host, options.port).start()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
    sink.stop()


if __name__ == "__main__":
    main()
