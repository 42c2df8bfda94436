"""Nothing a client sends gives a 500: page numbers, ids and text the database cannot hold are 4xx."""

HUGE = "9223372036854775808"


def moderator(tokens):
    return {"Authorization": f"Bearer {tokens.token('m', roles=['moderator'])}"}


def test_a_page_past_any_offset_is_a_422_naming_page(harness, tokens):
    response = harness.client.get(f"/api/v1/accounts/users?page={HUGE}", headers=moderator(tokens))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert [e["field"] for e in response.get_json()["errors"]] == ["page"]


def test_a_secret_id_past_the_database_integer_is_a_404(harness, tokens):
    headers = {"Authorization": f"Bearer {tokens.partner_token('u', 'p1')}"}
    response = harness.client.delete(f"/api/v1/partner/clients/c-1/secrets/{HUGE}", headers=headers)
    assert response.status_code == 404 and response.content_type == "application/problem+json"


def test_nul_in_a_registration_is_a_422_naming_the_field(harness):
    body = {"email": "a\x00@x.example", "password": "Geheim-123!", "accept_terms": True}
    response = harness.client.post("/api/v1/accounts", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["email"]


def test_nul_in_an_introspection_or_revocation_is_an_rfc6749_400(harness):
    """An OAuth endpoint answers refused text as RFC 6749 5.2 ``invalid_request`` with 400, never 422."""
    for path in ("/oauth/introspect", "/oauth/revoke"):
        response = harness.client.post(path, data={"token": "a\x00b", "client_id": "c", "client_secret": "s"})
        assert response.status_code == 400, (path, response.get_data(as_text=True))
        assert response.content_type == "application/json"
        assert response.get_json()["error"] == "invalid_request"


def test_nul_in_an_authorization_request_is_the_servers_own_400_page(harness):
    """Not problem+json: the browser of an authorization request gets the HTML error page, the parameter named."""
    query = "response_type=code&client_id=&redirect_uri=https://a.example/cb&code_challenge=a%00b"
    response = harness.client.get(f"/oauth/authorize?{query}")
    assert response.status_code == 400 and response.content_type.startswith("text/html")
    assert "code_challenge" in response.get_data(as_text=True)


def test_nul_in_a_logout_still_signs_out_on_the_servers_own_page(harness):
    """The logout of a browser answers its page (200), never a 422 problem+json, and follows no redirect."""
    for response in (
        harness.client.post("/oauth/logout", data={"client_id": "a\x00b", "post_logout_redirect_uri": "/"}),
        harness.client.get("/oauth/logout?%C2%BD=%00"),
    ):
        assert response.status_code == 200 and response.content_type.startswith("text/html")
