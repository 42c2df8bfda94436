"""Where the portal may send a webhook: the URL rules at registration and the address rules at delivery.

Partners choose the URLs, so every delivery is a request the portal makes on someone else's behalf. Outside
development it only goes to public addresses (no server-side request forgery into the portal's own
network) and only over HTTPS. In development (the embedded mode, tests) plain HTTP to loopback is allowed.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

URL_MAX = 2000
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


class InvalidEndpoint(ValueError):
    """The endpoint's input breaks a rule; ``violations`` are (field, text key, parameters)."""

    def __init__(self, violations: list[tuple[str, str, dict]]):
        super().__init__(violations)
        self.violations = violations


class AddressRefused(Exception):
    """The host resolves to an address the portal does not call (private, loopback, ...)."""

    def __init__(self, host: str, address: str, reason: str):
        super().__init__(f"{host} resolves to {address} ({reason}): refused")
        self.host, self.address, self.reason = host, address, reason


def _is_loopback_host(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url_problems(url: str, development: bool) -> list[tuple[str, str, dict]]:
    """What is wrong with ``url`` as an endpoint (empty: nothing)."""
    if len(url) > URL_MAX:
        return [("url", "endpoint.url_too_long", {"max": URL_MAX})]
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return [("url", "endpoint.url_invalid", {})]
    if not parts.hostname or parts.scheme not in ("http", "https"):
        return [("url", "endpoint.url_invalid", {})]
    if parts.username is not None or parts.password is not None:
        return [("url", "endpoint.url_credentials", {})]
    if parts.fragment:
        return [("url", "endpoint.url_fragment", {})]
    if parts.scheme == "http" and not (development and _is_loopback_host(parts.hostname)):
        return [("url", "endpoint.url_https", {})]
    if not development:
        try:
            address = ipaddress.ip_address(parts.hostname)
        except ValueError:
            address = None
        if _is_loopback_host(parts.hostname) or (address is not None and refusal(address)):
            return [("url", "endpoint.url_private", {})]
    return []


def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a delivery may not go to ``address`` outside development, or None for a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return refusal(embedded)
        if address.teredo is not None:
            return "teredo"
        if address in ipaddress.ip_network("64:ff9b::/96"):  # NAT64: the IPv4 address is in the last 32 bits
            return refusal(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("not global", not address.is_global),
    )
    return next((reason for reason, applies in checks if applies), None)


def check_addresses(host: str, addresses: list[str], development: bool) -> None:
    """Raise :class:`AddressRefused` if any address ``host`` resolved to may not be called."""
    if development:
        return
    for text in addresses:
        reason = refusal(ipaddress.ip_address(text.split("%", 1)[0]))
        if reason:
            raise AddressRefused(host, text, reason)
