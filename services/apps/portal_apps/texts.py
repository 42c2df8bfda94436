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
    "field.apis_empty": {"nl": "Kies minstens één API.", "en": "Choose at least one API."},
    "field.apis_keep_approved": {
        "nl": "Houd minstens één goedgekeurde API aan: nieuwe API's gelden pas na goedkeuring. Verwijder de "
        "oude nadat de moderator de nieuwe goedkeurde.",
        "en": "Keep at least one approved API: new APIs count only once approved. Remove the old ones after "
        "the moderator approved the new.",
    },
    "field.api_unknown": {
        "nl": "Onbekende API: {api}. Kies uit {known}.",
        "en": "Unknown API: {api}. Choose from {known}.",
    },
    "apps.transition_refused": {
        "nl": "Een applicatie met status '{current}' kan niet naar '{wanted}'.",
        "en": "An application with status '{current}' cannot become '{wanted}'.",
    },
    "apps.removal_unconfirmed": {
        "nl": "Als je {apis} uitvinkt, verliest de applicatie de toegang die scholen ervoor gaven. "
        "Bevestig om verder te gaan.",
        "en": "Unchecking {apis} removes the access schools gave the application for it. Confirm to go on.",
    },
    "apps.change_not_pending": {
        "nl": "Deze wijziging wacht niet meer op een beoordeling: de partner heeft ze vervangen of ingetrokken, "
        "of ze is al beoordeeld. Bekijk de applicatie opnieuw.",
        "en": "This change no longer awaits a decision: the partner replaced or withdrew it, or it was already "
        "judged. Look at the application again.",
    },
    "apps.self_moderation": {
        "nl": "Je kan geen applicatie van je eigen partner beoordelen.",
        "en": "You cannot judge an application of your own partner.",
    },
    # Both in the manual's words (troubleshooting, section 4).
    "apps.client_invalid": {
        "nl": "De ingevoerde client/secret is ongeldig. Heb je geen geldige client/secret, vraag dan een nieuwe aan.",
        "en": "The client/secret entered is invalid. If you have no valid client/secret, request a new one.",
    },
    "apps.client_linked": {
        "nl": "Sorry! Deze client is al gekoppeld aan een andere applicatie. Je kan een client maar aan één app "
        "koppelen.",
        "en": "Sorry! This client is already linked to another application. A client can be linked to one app only.",
    },
    "apps.identity_unavailable": {
        "nl": "De controle van de client lukt nu niet. Probeer het zo dadelijk opnieuw.",
        "en": "The client cannot be checked right now. Please try again shortly.",
    },
}
