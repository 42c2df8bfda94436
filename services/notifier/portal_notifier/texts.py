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
    "mail.account_registered.subject": {
        "nl": "Activeer je partneraccount",
        "en": "Activate your partner account",
    },
    "mail.account_registered.body": {
        "nl": (
            "Welkom bij het {product}!\n\nActiveer je partneraccount met deze link:\n{link}\n\n"
            "De link is geldig tot {expires} (UTC) en werkt één keer. Heb je geen account aangemaakt, "
            "negeer deze mail dan.\n\n{product}"
        ),
        "en": (
            "Welcome to the {product}!\n\nActivate your partner account with this link:\n{link}\n\n"
            "The link is valid until {expires} (UTC) and works once. If you did not create an account, "
            "ignore this mail.\n\n{product}"
        ),
    },
    "mail.password_reset.subject": {
        "nl": "Nieuw wachtwoord voor je partneraccount",
        "en": "New password for your partner account",
    },
    "mail.password_reset.body": {
        "nl": (
            "Je vroeg een nieuw wachtwoord aan. Kies het met deze link:\n{link}\n\n"
            "De link is geldig tot {expires} (UTC) en werkt één keer. Vroeg je niets aan, negeer deze mail "
            "dan: je wachtwoord blijft ongewijzigd.\n\n{product}"
        ),
        "en": (
            "You asked for a new password. Choose it with this link:\n{link}\n\n"
            "The link is valid until {expires} (UTC) and works once. If you did not ask, ignore this mail: "
            "your password stays as it is.\n\n{product}"
        ),
    },
}
