"""Apps service: application lifecycle, moderation, client links."""
