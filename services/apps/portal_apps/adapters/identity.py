"""The one synchronous call of the portal: the identity service's real-time check of a client."""

from __future__ import annotations

import dataclasses

import requests


class InvalidClientCredentials(Exception):
    pass


class ClientAlreadyLinked(Exception):
    pass


class IdentityUnavailable(Exception):
    pass


@dataclasses.dataclass(frozen=True)
class LinkedClient:
    client_id: str
    apis: list[str]


class IdentityClient:
    def __init__(self, base_url: str, internal_token: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.internal_token = internal_token
        self.timeout = timeout
        self._session = requests.Session()

    def check_link(self, *, client_id: str, client_secret: str, application_id: str) -> LinkedClient:
        """The pair is valid and the client free for this application; nothing is linked yet."""
        return self._post(
            "link/check", {"client_id": client_id, "client_secret": client_secret, "application_id": application_id}
        )

    def link(self, *, client_id: str, client_secret: str, application_id: str, partner_id: str) -> LinkedClient:
        return self._post(
            "link",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "application_id": application_id,
                "partner_id": partner_id,
            },
        )

    def _post(self, path: str, body: dict) -> LinkedClient:
        try:
            response = self._session.post(
                f"{self.base_url}/internal/v1/clients/{path}",
                json=body,
                headers={"Authorization": f"Bearer {self.internal_token}"},
                timeout=self.timeout,
            )
        except requests.RequestException as error:
            raise IdentityUnavailable(str(error)) from error
        if response.status_code == 422:
            raise InvalidClientCredentials(body["client_id"])
        if response.status_code == 409:
            raise ClientAlreadyLinked(body["client_id"])
        if response.status_code != 200:
            raise IdentityUnavailable(f"identity answered {response.status_code}")
        answer = response.json()
        return LinkedClient(answer["client_id"], sorted({grant["api"] for grant in answer["grants"]}))
