"""The identity database: tables, and the mapping of domain classes onto them."""

import sqlalchemy as sa
from sqlalchemy.orm import registry, relationship

from portal_identity.domain.accounts import Account, AccountToken
from portal_identity.domain.clients import Client, ClientSecret, ScopeGrant
from portal_identity.domain.keys import SigningKey
from portal_identity.domain.throttle import Throttle
from portal_identity.domain.tokens import AuthorizationCode, LoginSession, RefreshToken
from portalkit.db import UtcDateTime, new_metadata
from portalkit.events.outbox import define_messaging_tables
from portalkit.trust import define_trust_tables

metadata = new_metadata()
mapper_registry = registry(metadata=metadata)
define_messaging_tables(metadata)
define_trust_tables(metadata)

signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("kid", sa.String(64), primary_key=True),
    sa.Column("algorithm", sa.String(16), nullable=False),
    sa.Column("private_jwk", sa.JSON, nullable=False),
    sa.Column("public_jwk", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("signs_from", UtcDateTime(), nullable=False),
    sa.Column("retire_after", UtcDateTime()),
)

server_secrets = sa.Table(
    "server_secrets",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("roles", sa.JSON, nullable=False),
    sa.Column("institutions", sa.JSON, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("partner_id", sa.String(36), index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("activated_at", UtcDateTime()),
    sa.Column("terms_accepted_at", UtcDateTime()),
)

account_tokens = sa.Table(
    "account_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("account_id", sa.String(36), sa.ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    sa.Column("purpose", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("used_at", UtcDateTime()),
)

login_throttles = sa.Table(
    "login_throttles",
    metadata,
    sa.Column("key", sa.String(400), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("window_started_at", UtcDateTime(), nullable=False),
    sa.Column("locked_until", UtcDateTime()),
)

clients = sa.Table(
    "clients",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("application_id", sa.String(36), unique=True),
    sa.Column("partner_id", sa.String(36), index=True),
    sa.Column("redirect_uris", sa.JSON, nullable=False),
    sa.Column("jwks", sa.JSON),
    sa.Column("jwks_uri", sa.String(500)),
    sa.Column("grants_version", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

client_secrets = sa.Table(
    "client_secrets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("client_id", sa.String(100), sa.ForeignKey("clients.client_id", ondelete="CASCADE"), nullable=False),
    sa.Column("secret_hash", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime()),
    sa.Column("created_by", sa.String(36)),
    sa.Column("last4", sa.String(4)),
    sa.Column("revoked_at", UtcDateTime()),
    sa.Column("revoked_by", sa.String(36)),
)

client_grants = sa.Table(
    "client_grants",
    metadata,
    sa.Column("client_id", sa.String(100), sa.ForeignKey("clients.client_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("api", sa.String(50), primary_key=True),
    sa.Column("institution", sa.String(10), primary_key=True),
)

authorization_codes = sa.Table(
    "authorization_codes",
    metadata,
    sa.Column("code_hash", sa.String(64), primary_key=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False),
    sa.Column("redirect_uri", sa.String(500), nullable=False),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("code_challenge", sa.String(128), nullable=False),
    sa.Column("code_challenge_method", sa.String(10), nullable=False),
    sa.Column("nonce", sa.String(200)),
    sa.Column("auth_time", sa.Integer, nullable=False),
    sa.Column("session_id", sa.String(36)),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("family_id", sa.String(36), nullable=False, index=True),
    sa.Column("client_id", sa.String(100), nullable=False),
    sa.Column("account_id", sa.String(36), nullable=False, index=True),
    sa.Column("scope", sa.Text, nullable=False),
    sa.Column("issued_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("rotated_at", UtcDateTime()),
    sa.Column("revoked_at", UtcDateTime()),
    sa.Column("session_id", sa.String(36), index=True),
)

login_sessions = sa.Table(
    "login_sessions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("account_id", sa.String(36), nullable=False, index=True),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("expires_at", UtcDateTime(), nullable=False),
    sa.Column("ended_at", UtcDateTime()),
)

assertion_jtis = sa.Table(
    "assertion_jtis",
    metadata,
    sa.Column("client_id", sa.String(100), primary_key=True),
    sa.Column("jti", sa.String(200), primary_key=True),
    sa.Column("expires_at", UtcDateTime(), nullable=False, index=True),
)

# The column holds the sealed private JWK (adapters/sealing.py); the repository opens it into ``private_jwk``.
mapper_registry.map_imperatively(
    SigningKey, signing_keys, properties={"stored_private_jwk": signing_keys.c.private_jwk}
)
mapper_registry.map_imperatively(Account, accounts)
mapper_registry.map_imperatively(AccountToken, account_tokens)
mapper_registry.map_imperatively(Throttle, login_throttles)
mapper_registry.map_imperatively(ClientSecret, client_secrets)
mapper_registry.map_imperatively(ScopeGrant, client_grants)
mapper_registry.map_imperatively(
    Client,
    clients,
    properties={
        "secrets": relationship(
            ClientSecret, cascade="all, delete-orphan", lazy="selectin", order_by=client_secrets.c.id
        ),
        "grants": relationship(ScopeGrant, cascade="all, delete-orphan", lazy="selectin"),
    },
)

mapper_registry.map_imperatively(AuthorizationCode, authorization_codes)
mapper_registry.map_imperatively(RefreshToken, refresh_tokens)
mapper_registry.map_imperatively(LoginSession, login_sessions)
