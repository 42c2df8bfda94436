"""Every user-facing text of the scopes service, Dutch first."""

TEXTS = {
    "emails.invalid": {"nl": "{address} is geen geldig e-mailadres.", "en": "{address} is not a valid e-mail address."},
    "emails.none": {
        "nl": "Geef minstens één e-mailadres van een schoolbeheerder.",
        "en": "Give at least one school admin's e-mail address.",
    },
    "emails.too_many": {"nl": "Hoogstens {max} adressen per keer.", "en": "At most {max} addresses at a time."},
    "emails.too_long": {
        "nl": "De lijst met adressen is te lang (hoogstens {max} tekens).",
        "en": "The list of addresses is too long (at most {max} characters).",
    },
    "requests.daily_limit_application": {
        "nl": "Voor deze applicatie vertrekken binnen 24 uur hoogstens {limit} aanvragen. Probeer later opnieuw.",
        "en": "At most {limit} requests can be sent for this application within 24 hours. Try again later.",
    },
    "requests.daily_limit_partner": {
        "nl": "Je organisatie kan binnen 24 uur hoogstens {limit} aanvragen versturen. Probeer later opnieuw.",
        "en": "Your organisation can send at most {limit} requests within 24 hours. Try again later.",
    },
    "requests.no_profile": {
        "nl": "Maak eerst een partnerprofiel aan of koppel je aan een bestaand profiel.",
        "en": "Create a partner profile first, or link to an existing one.",
    },
    "requests.app_not_approved": {
        "nl": "Toegang vragen kan pas als de applicatie goedgekeurd is.",
        "en": "Access can be requested once the application is approved.",
    },
    "grants.app_not_approved": {
        "nl": "Deze applicatie is niet (meer) goedgekeurd.",
        "en": "This application is not (or no longer) approved.",
    },
    "grants.not_your_school": {
        "nl": "Je beheert deze school niet: {institutions}.",
        "en": "You do not administer this school: {institutions}.",
    },
    "grants.request_needed": {
        "nl": "Deze applicatie heeft nog geen toegang tot jouw scholen. Open de link uit de mail van de partner.",
        "en": "This application has no access to your schools yet. Open the link from the partner's mail.",
    },
    "grants.api_not_checked": {
        "nl": "De applicatie vraagt {api} niet; ze gebruikt {apis}.",
        "en": "The application does not ask for {api}; it uses {apis}.",
    },
    "grants.ends_on_past": {
        "nl": "De einddatum kan niet in het verleden liggen (vandaag is {today}).",
        "en": "The end date cannot be in the past (today is {today}).",
    },
    "grants.ends_on_too_late": {
        "nl": "De einddatum kan hoogstens het einde van het volgende schooljaar zijn ({latest}).",
        "en": "The end date can be the end of the next school year at the latest ({latest}).",
    },
    "grants.nothing_to_renew": {
        "nl": "De applicatie heeft geen toegang (meer) tot deze school: er valt niets te verlengen.",
        "en": "The application has no (more) access to this school: there is nothing to renew.",
    },
    "link.invalid": {
        "nl": "Deze link is ongeldig. Gebruik de volledige link uit de mail.",
        "en": "This link is invalid. Use the full link from the mail.",
    },
    "link.expired": {
        "nl": "Deze link is verlopen (een link is één maand geldig). Vraag de partner een nieuwe aanvraag te sturen.",
        "en": "This link has expired (a link is valid for one month). Ask the partner to send a new request.",
    },
    "link.answered": {
        "nl": "Deze aanvraag is al beantwoord. Je kan de toegang van de applicatie nog aanpassen in de back-office.",
        "en": "This request has been answered. You can still adjust the application's access in the back-office.",
    },
}
