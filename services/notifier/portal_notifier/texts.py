"""Every text the notifier sends or answers, Dutch first."""

TEXTS = {
    "mail.application_requested.subject": {
        "nl": "Nieuwe aanvraag voor een client ID: {name}",
        "en": "New client ID request: {name}",
    },
    "mail.application_requested.body": {
        "nl": (
            'Beste moderator,\n\nEen partner vraagt een client ID aan voor de applicatie "{name}" '
            "(API's: {apis}).\nBeoordeel de aanvraag in de back-office: {link}\n\n{product}"
        ),
        "en": (
            'Dear moderator,\n\nA partner requests a client ID for the application "{name}" '
            "(APIs: {apis}).\nReview the request in the back-office: {link}\n\n{product}"
        ),
    },
}
