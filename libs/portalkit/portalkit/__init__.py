"""Shared plumbing of the partner portal services, written once."""
