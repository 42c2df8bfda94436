"""Events the identity service publishes (schemas in contracts/events/)."""

import dataclasses

from portalkit.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class AccountRegistered(DomainEvent):
    """Carries the one-time activation link: the notifier mails it, nobody stores it in clear."""

    type = "identity.account.registered"

    account_id: str
    email: str
    language: str
    activation_url: str
    expires_at: str


@dataclasses.dataclass(frozen=True)
class AccountInvited(DomainEvent):
    """A moderator made a back-office account (or sent its invitation again): the notifier mails the
    one-time link to choose a password, in the account's language."""

    type = "identity.account.invited"

    account_id: str
    email: str
    language: str
    role: str
    password_url: str
    expires_at: str


@dataclasses.dataclass(frozen=True)
class PasswordResetRequested(DomainEvent):
    type = "identity.password_reset.requested"

    account_id: str
    email: str
    language: str
    reset_url: str
    expires_at: str


@dataclasses.dataclass(frozen=True)
class RegistrationRepeated(DomainEvent):
    """Someone registered an address that has an account: its owner is told by mail, and the one who
    registered gets the same answer as for a new address (no account enumeration)."""

    type = "identity.account.registration_repeated"

    account_id: str
    email: str
    language: str


@dataclasses.dataclass(frozen=True)
class LoginAttacked(DomainEvent):
    """Many failed sign-ins to one account from several addresses: it is slowed, not locked, and its owner
    is told (once per window)."""

    type = "identity.account.login_attacked"

    account_id: str
    email: str
    language: str
    failures: int
    since: str


@dataclasses.dataclass(frozen=True)
class AccountActivated(DomainEvent):
    type = "identity.account.activated"

    account_id: str
    email: str


@dataclasses.dataclass(frozen=True)
class ClientIssued(DomainEvent):
    type = "identity.client.issued"

    client_id: str
    application_id: str
    partner_id: str


@dataclasses.dataclass(frozen=True)
class ClientLinked(DomainEvent):
    """An existing client now belongs to an application; its grants carry over."""

    type = "identity.client.linked"

    client_id: str
    application_id: str
    partner_id: str
    grants: list[dict]


@dataclasses.dataclass(frozen=True)
class AccessRevoked(DomainEvent):
    """Every service refuses the tokens it names from now on (``portalkit.trust``)."""

    type = "identity.access.revoked"

    kind: str
    id: str
    revoked_at: str
    expires_at: str
    reason: str


@dataclasses.dataclass(frozen=True)
class ClientSecretRotated(DomainEvent):
    """A partner replaced a client's secret; the previous ones end at their ``expires_at`` (the rotation
    window). ``expiring``: ``[{"last4", "expires_at"}]``. The webhooks service tells the partner's endpoints."""

    type = "identity.client.secret_rotated"

    client_id: str
    application_id: str
    partner_id: str
    expiring: list
    rotated_at: str


@dataclasses.dataclass(frozen=True)
class ClientSecretsRevoked(DomainEvent):
    """A moderator ended every secret of a client at once; the notifier tells the partner why."""

    type = "identity.client.secrets_revoked"

    client_id: str
    application_id: str
    partner_id: str
    revoked_count: int
    revoked_by: str
    reason: str
    revoked_at: str
