"""Where the hosted pages send a browser: only back into this portal, and never a 500 on odd input."""

import pytest

from identity_harness import active_partner, authorize_url, log_in, pkce
from portal_identity.domain.redirects import malformed_authorization_parameter, safe_next


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/%09/evil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%5Cevil.example",
        "/%2F/evil.example",
        "/%2f%2fevil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\r\nSet-Cookie: x=1",
        "/ok\n",
        "",
        None,
        "/%0d%0a/evil.example",
        " //evil.example",
        "/.//evil.example",
    ],
)
def test_anything_but_a_plain_path_in_this_portal_goes_home(target):
    assert safe_next(target) == "/"


@pytest.mark.parametrize(
    "target", ["/", "/oauth/authorize?response_type=code&client_id=x&state=a%20b", "/backoffice/#/apps"]
)
def test_paths_in_this_portal_are_kept(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "/%5C%5Cevil.example"])
def test_after_login_the_browser_stays_in_the_portal(harness, target):
    person = active_partner(harness)
    response = log_in(harness, person.email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_newline_in_next_is_no_500(harness):
    assert harness.client.get("/login?next=/%0d%0aX:%20y").status_code == 200
    person = active_partner(harness)
    response = log_in(harness, person.email, next_url="/a\r\nX-Injected: 1")
    assert response.status_code == 302 and "\n" not in response.headers["Location"]
    assert "X-Injected" not in response.headers


def test_a_quote_in_the_redirect_uri_is_no_500(harness):
    person = active_partner(harness)
    log_in(harness, person.email)
    _, challenge = pkce()
    response = harness.client.get(authorize_url(challenge).replace("redirect_uri=", "redirect_uri=%22"))
    assert response.status_code == 400
    response = harness.client.get(authorize_url(challenge) + '"')
    assert response.status_code in (302, 400)


def test_malformed_authorization_parameters_are_named():
    assert (
        malformed_authorization_parameter({"redirect_uri": "http://x.example/cb?a=b%20c", "response_type": "code"})
        is None
    )
    assert malformed_authorization_parameter({"redirect_uri": 'http://x.example/"'}) == "redirect_uri"
    assert malformed_authorization_parameter({"redirect_uri": "http://x.example/ cb"}) == "redirect_uri"
    assert malformed_authorization_parameter({"response_type": 'code"'}) == "response_type"
