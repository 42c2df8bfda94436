"""Use cases of clients: issue on approval, deactivate, take grants, link, rotate secrets, import."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.exc import IntegrityError

from portal_identity.adapters.repositories import Accounts, Clients
from portal_identity.domain import events
from portal_identity.domain.clients import Client, ClientKind, ClientSecret, ScopeGrant, new_client_id
from portal_identity.service_layer import sessions
from portal_identity.service_layer.context import Identity
from portalkit.events.envelope import Envelope, utcnow
from portalkit.uow import UnitOfWork


class UnknownClient(LookupError):
    pass


class ClientAlreadyLinked(Exception):
    pass


class InvalidClientCredentials(Exception):
    pass


# -- consequences of the apps and scopes services' events -------------------------------------------
def application_approved(identity: Identity, uow: UnitOfWork, envelope: Envelope) -> None:
    """A client for a newly approved application (a linked one already has its client)."""
    data = envelope.data
    clients = Clients(uow.session)
    existing = clients.by_application(data["application_id"])
    if existing is not None:
        existing.active = True
        identity.client_changed(uow.session, existing.client_id)
        return
    client = Client.for_application(data["application_id"], data["partner_id"], data["name"], utcnow())
    clients.add(client)
    uow.session.flush()
    uow.publish(events.ClientIssued(client.client_id, data["application_id"], data["partner_id"]))


def application_deactivated(identity: Identity, uow: UnitOfWork, envelope: Envelope) -> None:
    """Rejected or archived: the client stops working at once (``invalid_client``)."""
    client = Clients(uow.session).by_application(envelope.data["application_id"])
    if client is not None:
        client.active = False
        identity.client_changed(uow.session, client.client_id)


def partner_state_changed(identity: Identity, uow: UnitOfWork, envelope: Envelope) -> None:
    """A profile (de)activated: its clients' cached copies go (the token endpoint asks the projection that
    ``portalkit.trust`` keeps of this event), and on deactivation every token they hold is refused."""
    deactivated = envelope.type == "partners.profile.deactivated"
    for client in Clients(uow.session).of_partner(envelope.data["partner_id"]):
        identity.client_changed(uow.session, client.client_id)
        if deactivated:
            sessions.revoke_subject(identity, uow, client.client_id, utcnow(), "profile_deactivated")


def grants_changed(identity: Identity, uow: UnitOfWork, envelope: Envelope) -> None:
    data = envelope.data
    client = Clients(uow.session).by_application(data["application_id"])
    if client is None:
        raise UnknownClient(data["application_id"])  # retried: the approval may not have arrived yet
    grants = [(grant["api"], grant["institution_number"]) for grant in data["grants"]]
    if client.replace_grants(grants, data["grants_version"]):
        identity.client_changed(uow.session, client.client_id)


# -- partners and the apps service ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SecretIssued:
    client_id: str
    client_secret: str
    created_at: dt.datetime
    previous_expires_at: dt.datetime | None


def rotate_secret(identity: Identity, client_id: str, partner_id: str, account_id: str) -> SecretIssued:
    """A new secret for a partner's own client; the old one keeps working for the rotation window."""
    now = utcnow()
    window = dt.timedelta(seconds=identity.settings.secret_rotation_seconds)
    with identity.unit_of_work() as uow:
        client = _partners_client(uow, client_id, partner_id, for_update=True)
        if not client.active:
            raise UnknownClient(client_id)
        plain = client.rotate_secret(identity.secret_hasher.hash, now, window, account_id)
        ending = [secret for secret in client.live_secrets(now) if secret.expires_at is not None]
        previous = [secret.expires_at for secret in ending]
        identity.client_changed(uow.session, client_id)
        if ending and client.application_id and client.partner_id:
            expiring = [{"last4": secret.last4, "expires_at": secret.expires_at.isoformat()} for secret in ending]
            rotated = events.ClientSecretRotated(
                client_id, client.application_id, client.partner_id, expiring, now.isoformat()
            )
            uow.publish(rotated)
        uow.commit()
    return SecretIssued(client_id, plain, now, max(previous) if previous else None)


@dataclasses.dataclass(frozen=True)
class SecretView:
    """A live secret as its partner sees it: never the secret, only its last 4 characters when known."""

    id: int
    created_at: dt.datetime
    created_by: str | None
    created_by_email: str | None
    last4: str | None
    expires_at: dt.datetime | None


@dataclasses.dataclass(frozen=True)
class ClientView:
    client_id: str
    application_id: str | None
    active: bool
    secrets: list[SecretView]
    grants: list[ScopeGrant]


def _view(uow: UnitOfWork, client: Client) -> ClientView:
    live = client.live_secrets(utcnow())
    accounts = Accounts(uow.session)
    emails = {
        account_id: account.email
        for account_id in {secret.created_by for secret in live if secret.created_by}
        if (account := accounts.get(account_id)) is not None
    }
    secrets = [
        SecretView(s.id, s.created_at, s.created_by, emails.get(s.created_by), s.last4, s.expires_at) for s in live
    ]
    return ClientView(client.client_id, client.application_id, client.active, secrets, list(client.grants))


def _partners_client(uow: UnitOfWork, client_id: str, partner_id: str, *, for_update: bool = False) -> Client:
    client = Clients(uow.session).get(client_id, for_update=for_update)
    if client is None or client.partner_id != partner_id:
        raise UnknownClient(client_id)
    return client


def client_of_partner(identity: Identity, client_id: str, partner_id: str) -> ClientView:
    with identity.unit_of_work() as uow:
        return _view(uow, _partners_client(uow, client_id, partner_id))


def revoke_secret(identity: Identity, client_id: str, secret_id: int, partner_id: str, account_id: str) -> None:
    """One secret ends now (it leaked), on every replica at commit; the client's other secrets keep working."""
    with identity.unit_of_work() as uow:
        client = _partners_client(uow, client_id, partner_id, for_update=True)
        client.revoke_secret(secret_id, utcnow(), account_id)
        identity.client_changed(uow.session, client_id)
        uow.commit()


def revoke_all_secrets(identity: Identity, client_id: str, moderator_id: str, reason: str) -> int:
    """A moderator's emergency stop: every secret of the client ends now and its partner is mailed.

    Key pairs (``private_key_jwt``) are not secrets and keep working; deactivating the client is what
    archiving the application does.
    """
    now = utcnow()
    with identity.unit_of_work() as uow:
        client = Clients(uow.session).get(client_id, for_update=True)
        if client is None:
            raise UnknownClient(client_id)
        revoked = client.revoke_all_secrets(now, moderator_id, reason)
        identity.client_changed(uow.session, client_id)
        sessions.revoke_subject(identity, uow, client_id, now, "secrets_revoked")  # what the leak already got
        if revoked and client.application_id and client.partner_id:  # a second click mails nobody again
            uow.publish(
                events.ClientSecretsRevoked(
                    client_id,
                    client.application_id,
                    client.partner_id,
                    revoked,
                    moderator_id,
                    reason.strip(),
                    now.isoformat(),
                )
            )
        uow.commit()
    return revoked


def link_client(
    identity: Identity, *, client_id: str, client_secret: str, application_id: str, partner_id: str
) -> ClientView:
    """The real-time check of an existing client id and secret, and the link to one application.

    Idempotent for the same application; the unique application id makes two concurrent links of one
    client end with exactly one winner.
    """
    _check_credentials(identity, client_id, client_secret)
    try:
        with identity.unit_of_work() as uow:
            client = Clients(uow.session).get(client_id, for_update=True)
            if client.application_id not in (None, application_id):
                raise ClientAlreadyLinked(client_id)
            if client.application_id is None:
                client.application_id = application_id
                client.partner_id = partner_id
                uow.publish(
                    events.ClientLinked(
                        client_id,
                        application_id,
                        partner_id,
                        [{"api": g.api, "institution_number": g.institution} for g in client.grants],
                    )
                )
                identity.client_changed(uow.session, client_id)
            view = _view(uow, client)
            uow.commit()
    except IntegrityError:
        raise ClientAlreadyLinked(client_id) from None
    return view


def check_link(identity: Identity, *, client_id: str, client_secret: str, application_id: str) -> ClientView:
    """The manual's first step of a link: the pair is valid and the client is free for this application.

    Nothing changes; the partner fills in the application's properties only after this said yes.
    """
    _check_credentials(identity, client_id, client_secret)
    with identity.unit_of_work() as uow:
        client = Clients(uow.session).get(client_id)
        if client.application_id not in (None, application_id):
            raise ClientAlreadyLinked(client_id)
        return _view(uow, client)


def _check_credentials(identity: Identity, client_id: str, client_secret: str) -> None:
    snapshot = identity.clients.active(client_id)
    if snapshot is None or snapshot.public or not snapshot.check_client_secret(client_secret):
        raise InvalidClientCredentials(client_id)


# -- operators --------------------------------------------------------------------------------------
def register_public_client(identity: Identity, client_id: str, name: str, redirect_uris: list[str]) -> None:
    """The portal's own UIs: created on first start, redirect URIs kept in step with PUBLIC_URL."""
    with identity.unit_of_work() as uow:
        clients = Clients(uow.session)
        client = clients.get(client_id)
        if client is None:
            clients.add(Client(client_id, name, ClientKind.PUBLIC, True, utcnow(), redirect_uris=redirect_uris))
        else:
            client.redirect_uris = redirect_uris
        identity.client_changed(uow.session, client_id)
        uow.commit()


def create_resource_server(identity: Identity, name: str) -> tuple[Client, str]:
    """A confidential client for a data API that introspects tokens."""
    now = utcnow()
    client = Client(new_client_id(), name, ClientKind.RESOURCE_SERVER, True, now)
    plain = client.rotate_secret(identity.secret_hasher.hash, now, dt.timedelta(0), None)
    with identity.unit_of_work() as uow:
        Clients(uow.session).add(client)
        identity.client_changed(uow.session, client.client_id)
        uow.commit()
    return client, plain


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def import_clients(identity: Identity, entries: list[dict]) -> ImportResult:
    """Existing clients with their secrets (clear or hashed) and scopes, so integrations keep working.

    Each entry: ``client_id``, ``name``, one of ``client_secret`` / ``secret_hash``, optional ``jwks``
    or ``jwks_uri``, and ``grants``: a list of ``{"api", "institution_number"}``. Safe to repeat.
    """
    now = utcnow()
    created = updated = 0
    with identity.unit_of_work() as uow:
        clients = Clients(uow.session)
        for entry in entries:
            client = clients.get(entry["client_id"])
            if client is None:
                client = Client(entry["client_id"], entry["name"], ClientKind.CONFIDENTIAL, True, now)
                clients.add(client)
                created += 1
            else:
                updated += 1
            client.name = entry["name"]
            client.jwks = entry.get("jwks")
            client.jwks_uri = entry.get("jwks_uri")
            secret_hash = entry.get("secret_hash") or (
                identity.secret_hasher.hash(entry["client_secret"]) if entry.get("client_secret") else None
            )
            if secret_hash and all(secret.secret_hash != secret_hash for secret in client.secrets):
                last4 = entry["client_secret"][-4:] if entry.get("client_secret") else None  # unknown for a hash
                client.secrets = [*client.secrets, ClientSecret(client.client_id, secret_hash, now, last4=last4)]
            client.grants = [
                ScopeGrant(client.client_id, grant["api"], str(grant["institution_number"]))
                for grant in {(g["api"], str(g["institution_number"])): g for g in entry.get("grants", [])}.values()
            ]
            identity.client_changed(uow.session, client.client_id)
        uow.commit()
    return ImportResult(created, updated)
