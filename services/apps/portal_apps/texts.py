"""Every user-facing text of the apps service, Dutch first."""

TEXTS = {
    "apps.not_found": {
        "nl": "Deze applicatie bestaat niet.",
        "en": "This application does not exist.",
    },
    "apps.no_profile": {
        "nl": "Maak eerst een partnerprofiel aan of koppel je aan een bestaand profiel.",
        "en": "Create a partner profile first, or link to an existing one.",
    },
    "apps.invalid": {
        "nl": "De applicatie is niet geldig.",
        "en": "The application is not valid.",
    },
    "field.required": {"nl": "Dit veld is verplicht.", "en": "This field is required."},
    "field.too_long": {"nl": "Maximaal {max} tekens.", "en": "At most {max} characters."},
    "field.email": {"nl": "Geen geldig e-mailadres.", "en": "Not a valid e-mail address."},
    "field.apis_empty": {"nl": "Kies minstens één API.", "en": "Choose at least one API."},
    "field.api_unknown": {
        "nl": "Onbekende API: {api}. Kies uit {known}.",
        "en": "Unknown API: {api}. Choose from {known}.",
    },
}
