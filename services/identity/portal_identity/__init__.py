"""Identity service: OAuth2 authorization server, accounts, clients and signing keys."""
