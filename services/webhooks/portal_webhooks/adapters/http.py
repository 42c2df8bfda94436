"""The outbound HTTP of deliveries: to the address that was checked, no redirects, bounded in time and size.

The host is resolved once; every address it resolves to is checked (:mod:`..domain.addresses`), and the
connection goes to the first of them with the URL's host as TLS server name and ``Host`` header. So no
second lookup can swap in another address between the check and the connection (DNS rebinding).
"""

from __future__ import annotations

import dataclasses
import socket
import time
from urllib.parse import urlsplit

import urllib3

from portal_webhooks.domain.addresses import AddressRefused, check_addresses

USER_AGENT = "Partnerportaal-Webhooks/1"


@dataclasses.dataclass(frozen=True)
class Response:
    status_code: int | None
    latency_ms: int
    error: str | None
    excerpt: str | None


@dataclasses.dataclass(frozen=True)
class HttpSender:
    development: bool
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    max_response_bytes: int = 64 * 1024
    excerpt_chars: int = 1000

    def resolve(self, host: str, port: int) -> list[str]:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(info[4][0] for info in infos))

    def post(self, url: str, headers: dict[str, str], body: bytes) -> Response:
        started = time.monotonic()

        def took() -> int:
            return int((time.monotonic() - started) * 1000)

        parts = urlsplit(url)
        host, secure = parts.hostname or "", parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        try:
            addresses = self.resolve(host, port)
            check_addresses(host, addresses, self.development)
        except AddressRefused as refused:
            return Response(None, took(), str(refused), None)
        except OSError as error:
            return Response(None, took(), f"cannot resolve {host}: {error}", None)
        timeout = urllib3.Timeout(connect=self.connect_timeout, read=self.read_timeout)
        options = {"timeout": timeout, "retries": False, "maxsize": 1, "block": False}
        if secure:
            pool = urllib3.HTTPSConnectionPool(
                addresses[0], port, server_hostname=host, assert_hostname=host, **options
            )
        else:
            pool = urllib3.HTTPConnectionPool(addresses[0], port, **options)
        default_port = port == (443 if secure else 80)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = {
            **headers,
            "Host": host if default_port else f"{host}:{port}",
            "User-Agent": USER_AGENT,
            "Content-Length": str(len(body)),
        }
        try:
            response = pool.urlopen(
                "POST",
                target,
                body=body,
                headers=sent,
                redirect=False,
                retries=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                content = response.read(self.max_response_bytes, decode_content=False)
            finally:
                response.release_conn()
            excerpt = content[: self.excerpt_chars].decode("utf-8", "replace")
            status = response.status
            error = None if 200 <= status < 300 else f"HTTP {status}"
            if 300 <= status < 400:
                error = f"HTTP {status}: redirects are not followed"
            return Response(status, took(), error, excerpt)
        except urllib3.exceptions.ConnectTimeoutError:
            return Response(None, took(), f"no connection within {self.connect_timeout:g} s", None)
        except urllib3.exceptions.ReadTimeoutError:
            return Response(None, took(), f"no answer within {self.read_timeout:g} s", None)
        except urllib3.exceptions.HTTPError as error:
            return Response(None, took(), f"{type(error).__name__}: {error}", None)
        finally:
            pool.close()
