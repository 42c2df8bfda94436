"""Scopes service: schools, access requests, school-admin grants and the consent ledger."""
