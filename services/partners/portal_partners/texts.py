"""Every user-facing text of the partners service, Dutch first."""

TEXTS = {
    "directory.unknown_category": {
        "nl": "Onbekende categorie {category}. Kies uit {known}.",
        "en": "Unknown category {category}. Choose from {known}.",
    },
}
