"""Notifier service: turns domain events into real e-mails, exactly once."""
