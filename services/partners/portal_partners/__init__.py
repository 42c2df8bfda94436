"""Partners service: profiles, colleagues by invitation code, audit log, public directory."""
