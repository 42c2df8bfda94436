"""Every user-facing text of the webhooks service, Dutch first."""

TEXTS = {
    "webhooks.no_profile": {
        "nl": "Maak eerst een partnerprofiel aan of koppel je aan een bestaand profiel.",
        "en": "Create a partner profile first, or link to an existing one.",
    },
    "endpoint.url_invalid": {"nl": "Geen geldige URL.", "en": "Not a valid URL."},
    "endpoint.url_too_long": {"nl": "Hoogstens {max} tekens.", "en": "At most {max} characters."},
    "endpoint.url_https": {
        "nl": "Het adres moet met https:// beginnen.",
        "en": "The address must start with https://.",
    },
    "endpoint.url_credentials": {
        "nl": "Zet geen gebruikersnaam of wachtwoord in de URL; controleer de handtekening.",
        "en": "Put no user name or password in the URL; check the signature instead.",
    },
    "endpoint.url_fragment": {"nl": "Een URL met # wordt niet verstuurd.", "en": "A URL with # is not sent."},
    "endpoint.url_private": {
        "nl": "Dit adres is niet publiek bereikbaar (lokaal of privé-netwerk).",
        "en": "This address is not publicly reachable (local or private network).",
    },
    "endpoint.description_too_long": {"nl": "Hoogstens {max} tekens.", "en": "At most {max} characters."},
    "endpoint.no_event_types": {"nl": "Kies minstens één gebeurtenis.", "en": "Choose at least one event."},
    "endpoint.unknown_event_types": {"nl": "Onbekende gebeurtenissen: {types}.", "en": "Unknown events: {types}."},
    "endpoint.disabled": {
        "nl": "Dit eindpunt staat uit. Zet het eerst weer aan.",
        "en": "This endpoint is disabled. Enable it first.",
    },
    "endpoint.too_many": {
        "nl": "Een applicatie heeft hoogstens {limit} eindpunten.",
        "en": "An application has at most {limit} endpoints.",
    },
}
