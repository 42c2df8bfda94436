"""Notifier service: turns domain events into real e-mails, at least once, with a stable Message-ID."""
