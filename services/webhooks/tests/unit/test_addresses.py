"""Where deliveries may go: the URL rules at registration and the refusal of non-public addresses (SSRF)."""

import ipaddress

import pytest

from portal_webhooks.domain.addresses import AddressRefused, check_addresses, refusal, url_problems


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.8.8",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "0.0.0.0",
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.1",  # documentation
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2001:db8::1",  # documentation
    ],
)
def test_non_public_addresses_are_refused(address):
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_are_allowed(address):
    assert refusal(ipaddress.ip_address(address)) is None


def test_one_private_address_among_public_ones_refuses_the_host():
    with pytest.raises(AddressRefused) as refused:
        check_addresses("rebind.example", ["8.8.8.8", "10.0.0.1"], development=False)
    assert refused.value.address == "10.0.0.1" and refused.value.reason == "private"
    check_addresses("hooks.example", ["8.8.8.8", "2606:4700:4700::1111"], development=False)


def test_development_calls_any_address():
    check_addresses("localhost", ["127.0.0.1", "::1"], development=True)


def codes(url: str, development: bool = False) -> list[str]:
    return [key for _, key, _ in url_problems(url, development)]


def test_https_to_a_public_name_is_fine():
    assert codes("https://hooks.agenda.example/portal?x=1") == []
    assert codes("https://hooks.agenda.example:8443/portal") == []


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.agenda.example/", "endpoint.url_https"),
        ("https://localhost/", "endpoint.url_private"),
        ("https://app.localhost/", "endpoint.url_private"),
        ("https://127.0.0.1/", "endpoint.url_private"),
        ("https://[::ffff:127.0.0.1]/", "endpoint.url_private"),
        ("https://169.254.169.254/latest/meta-data", "endpoint.url_private"),
        ("https://u:p@hooks.agenda.example/", "endpoint.url_credentials"),
        ("https://hooks.agenda.example/#frag", "endpoint.url_fragment"),
        ("https://hooks.agenda.example:99999/", "endpoint.url_invalid"),
        ("gopher://hooks.agenda.example/", "endpoint.url_invalid"),
        ("hooks.agenda.example", "endpoint.url_invalid"),
        ("https://" + "a" * 2000 + ".example/", "endpoint.url_too_long"),
    ],
)
def test_urls_outside_development(url, code):
    assert codes(url) == [code]


def test_development_allows_plain_http_to_loopback_only():
    assert codes("http://127.0.0.1:9000/hook", development=True) == []
    assert codes("http://localhost:9000/hook", development=True) == []
    assert codes("http://[::1]:9000/hook", development=True) == []
    assert codes("http://hooks.agenda.example/", development=True) == ["endpoint.url_https"]
    assert codes("http://10.0.0.1/", development=True) == ["endpoint.url_https"]
