"""The notifier's texts, Dutch first: its API's, and the names mails use for APIs and fields. The mails
themselves are templates in templates/."""

TEXTS = {
    "deliveries.not_found": {"nl": "Deze verzending bestaat niet.", "en": "This delivery does not exist."},
    "deliveries.not_failed": {
        "nl": "Alleen een mislukte verzending kan opnieuw verstuurd worden.",
        "en": "Only a failed delivery can be sent again.",
    },
    "api.leerlingen": {"nl": "Leerlingen", "en": "Pupils"},
    "api.personeel": {"nl": "Personeel", "en": "Staff"},
    "api.internen": {"nl": "Internen", "en": "Boarders"},
    "api.voorinschrijvingen": {"nl": "Voorinschrijvingen", "en": "Pre-enrolments"},
    "api.rekeningen": {"nl": "Rekeningen", "en": "Invoices"},
    "field.name": {"nl": "naam", "en": "name"},
    "field.description": {"nl": "omschrijving", "en": "description"},
    "field.technical_contact": {"nl": "contactpersoon", "en": "contact person"},
    "field.contact_email": {"nl": "e-mailadres", "en": "e-mail address"},
    "field.apis": {"nl": "API-toegang", "en": "API access"},
    "field.enterprise_number": {"nl": "ondernemingsnummer", "en": "enterprise number"},
    "field.contact_person": {"nl": "contactpersoon", "en": "contact person"},
    "field.address": {"nl": "adres", "en": "address"},
    "field.public": {"nl": "publiek profiel", "en": "public profile"},
    "field.category": {"nl": "categorie", "en": "category"},
    "field.categories": {"nl": "categorieën", "en": "categories"},
    "field.website": {"nl": "website", "en": "website"},
    "field.logo": {"nl": "logo", "en": "logo"},
    "field.extra_info": {"nl": "extra info", "en": "extra info"},
}
