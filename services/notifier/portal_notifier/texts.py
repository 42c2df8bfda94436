"""The notifier's API texts, Dutch first. The mails themselves are templates in templates/."""

TEXTS = {
    "deliveries.not_found": {"nl": "Deze verzending bestaat niet.", "en": "This delivery does not exist."},
    "deliveries.not_failed": {
        "nl": "Alleen een mislukte verzending kan opnieuw verstuurd worden.",
        "en": "Only a failed delivery can be sent again.",
    },
}
