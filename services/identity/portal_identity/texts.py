"""Every user-facing text of the identity service, Dutch first."""

TEXTS = {
    "keys.none": {
        "nl": "Er is nog geen ondertekeningssleutel; voer `portalctl keys rotate` uit.",
        "en": "There is no signing key yet; run `portalctl keys rotate`.",
    },
}
