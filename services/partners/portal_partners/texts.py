"""Every user-facing text of the partners service, Dutch first."""

TEXTS = {
    "profile.invalid": {"nl": "Het profiel is niet geldig.", "en": "The profile is not valid."},
    "profile.inactive": {
        "nl": "Een moderator heeft dit partnerprofiel gedeactiveerd. Je kan het bekijken, maar niets wijzigen "
        "tot het weer actief is.",
        "en": "A moderator deactivated this partner profile. You can view it, but change nothing until it is "
        "active again.",
    },
    "profile.none": {
        "nl": "Je account hoort nog bij geen partnerprofiel. Maak een nieuw profiel aan, of koppel je aan een "
        "bestaand profiel met een uitnodigingscode van een collega.",
        "en": "Your account belongs to no partner profile yet. Create a new profile, or link to an existing one "
        "with an invitation code from a colleague.",
    },
    "profile.already_linked": {
        "nl": "Je account hoort al bij een partnerprofiel; een account kan bij één profiel horen.",
        "en": "Your account already belongs to a partner profile; an account can belong to one profile.",
    },
    "profile.name_taken": {
        "nl": "Er bestaat al een profiel met de naam {name}: kies een andere naam.",
        "en": "A profile named {name} already exists: choose another name.",
    },
    "invitation.unknown": {
        "nl": "Deze uitnodigingscode bestaat niet. Kijk de code na of vraag een nieuwe aan je collega.",
        "en": "This invitation code does not exist. Check the code or ask your colleague for a new one.",
    },
    "invitation.expired": {
        "nl": "Deze uitnodigingscode is verlopen (een code is 5 dagen geldig). Vraag een nieuwe aan je collega.",
        "en": "This invitation code has expired (a code is valid for 5 days). Ask your colleague for a new one.",
    },
    "invitation.used": {
        "nl": "Deze uitnodigingscode is al gebruikt. Vraag een nieuwe aan je collega.",
        "en": "This invitation code has been used already. Ask your colleague for a new one.",
    },
    "invitation.withdrawn": {
        "nl": "Deze uitnodigingscode is ingetrokken. Vraag een nieuwe aan een gebruiker van het profiel.",
        "en": "This invitation code has been withdrawn. Ask a user of the profile for a new one.",
    },
    "invitation.not_open": {
        "nl": "Deze uitnodigingscode is al gebruikt, verlopen of ingetrokken: er valt niets meer in te trekken.",
        "en": "This invitation code has been used, has expired or was withdrawn already: nothing is left to withdraw.",
    },
    "invitation.too_many": {
        "nl": "Te veel foute codes. Probeer het over een kwartier opnieuw.",
        "en": "Too many wrong codes. Try again in a quarter of an hour.",
    },
    "enterprise_number.invalid": {
        "nl": "Geen geldig ondernemingsnummer: 10 cijfers (bv. 0123.456.749) met een juist controlegetal.",
        "en": "Not a valid enterprise number: 10 digits (e.g. 0123.456.749) with correct check digits.",
    },
    "postal_code.belgian": {
        "nl": "Een Belgische postcode heeft 4 cijfers, van 1000 tot 9999.",
        "en": "A Belgian postcode has 4 digits, from 1000 to 9999.",
    },
    "category.unknown": {
        "nl": "Onbekende categorie {category}. Kies uit {known}.",
        "en": "Unknown category {category}. Choose from {known}.",
    },
    "categories.too_many": {
        "nl": "Kies hoogstens {max} categorieën.",
        "en": "Choose at most {max} categories.",
    },
    "categories.duplicate": {
        "nl": "Kies elke categorie maar één keer.",
        "en": "Choose each category only once.",
    },
    "website.invalid": {
        "nl": "Geef een volledig webadres dat begint met http:// of https://.",
        "en": "Give a full web address starting with http:// or https://.",
    },
    "logo.not_base64": {
        "nl": "Het logo is geen geldige base64 of data-URL.",
        "en": "The logo is not valid base64 or a data URL.",
    },
    "logo.too_large": {"nl": "Het logo is groter dan {max} kB.", "en": "The logo is larger than {max} kB."},
    "logo.not_image": {
        "nl": "Het logo is geen afbeelding van een toegelaten type ({types}).",
        "en": "The logo is not an image of an allowed type ({types}).",
    },
}
