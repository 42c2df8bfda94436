"""An SMTP sink with mailpit's message API (the subset the compose test reads); messages kept in memory."""

import email
import email.policy
import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

LOCK = threading.Lock()
MESSAGES: dict[str, dict] = {}
IDS = itertools.count(1)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(("plain",))
        html = message.get_body(("html",))
        with LOCK:
            key = str(next(IDS))
            MESSAGES[key] = {
                "ID": key,
                "MessageID": (message["Message-ID"] or "").strip().strip("<>"),
                "From": {"Address": envelope.mail_from},
                "To": [{"Address": address} for address in envelope.rcpt_tos],
                "Subject": str(message["Subject"] or ""),
                "Text": text.get_content() if text else "",
                "HTML": html.get_content() if html else "",
                "Raw": envelope.content.decode("utf-8", "replace"),
            }
        return "250 Message accepted for delivery"


class Api(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with LOCK:
            if self.path.split("?")[0] == "/api/v1/messages":
                summaries = [
                    {k: v for k, v in m.items() if k not in ("Text", "HTML", "Raw")}
                    for m in reversed(MESSAGES.values())
                ]
                return self._send(200, {"total": len(summaries), "messages": summaries})
            parts = self.path.split("/")  # /api/v1/message/<ID>[/raw]
            if self.path.startswith("/api/v1/message/") and parts[4] in MESSAGES:
                if parts[5:] == ["raw"]:
                    data = MESSAGES[parts[4]]["Raw"].encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "message/rfc822")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    return self.wfile.write(data)
                return self._send(200, MESSAGES[self.path.rsplit("/", 1)[1]])
            if self.path == "/livez":
                return self._send(200, {})
        self._send(404, {"error": "not found"})

    def do_DELETE(self):
        if self.path == "/api/v1/messages":
            with LOCK:
                MESSAGES.clear()
            return self._send(200, {})
        self._send(404, {"error": "not found"})

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    Controller(Handler(), hostname="0.0.0.0", port=1025).start()
    ThreadingHTTPServer(("0.0.0.0", 8025), Api).serve_forever()
