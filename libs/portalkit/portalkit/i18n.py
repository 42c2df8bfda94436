"""Message catalogues: Dutch by default, English on request. One catalogue per service."""

from __future__ import annotations

from collections.abc import Mapping

from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

SUPPORTED_LANGUAGES = ("nl", "en")


class Catalogue:
    """Texts by key and language; a service's catalogue falls back to the shared one."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]], parent: Catalogue | None = None):
        for key, texts in messages.items():
            missing = set(SUPPORTED_LANGUAGES) - set(texts)
            if missing:
                raise ValueError(f"text {key!r} lacks {sorted(missing)}")
        self.messages = dict(messages)
        self.parent = parent

    def __contains__(self, key: str) -> bool:
        return key in self.messages or (self.parent is not None and key in self.parent)

    def text(self, key: str, language: str, **params) -> str:
        if key not in self.messages:
            if self.parent is None:
                raise KeyError(key)
            return self.parent.text(key, language, **params)
        texts = self.messages[key]
        return texts.get(language, texts[SUPPORTED_LANGUAGES[0]]).format(**params)

    def extend(self, messages: Mapping[str, Mapping[str, str]]) -> Catalogue:
        return Catalogue(messages, parent=self)


def negotiate_language(accept_language: str | None, explicit: str | None, default: str) -> str:
    """``?lang=`` wins, then the supported language Accept-Language weighs highest (q-values, ``en-GB`` as
    ``en``, ``q=0`` as refused), then the default (also for ``*``)."""
    if explicit in SUPPORTED_LANGUAGES:
        return explicit
    offered = sorted(SUPPORTED_LANGUAGES, key=lambda language: language != default)
    return parse_accept_header(accept_language, LanguageAccept).best_match(offered, default=default)


SHARED = Catalogue(
    {
        "http.400": {"nl": "Ongeldige aanvraag", "en": "Bad request"},
        "http.401": {"nl": "Niet aangemeld", "en": "Unauthorized"},
        "http.403": {"nl": "Geen toegang", "en": "Forbidden"},
        "http.404": {"nl": "Niet gevonden", "en": "Not found"},
        "http.405": {"nl": "Methode niet toegestaan", "en": "Method not allowed"},
        "http.409": {"nl": "Conflict", "en": "Conflict"},
        "http.413": {"nl": "Aanvraag te groot", "en": "Request too large"},
        "http.415": {"nl": "Niet ondersteund mediatype", "en": "Unsupported media type"},
        "http.422": {"nl": "Ongeldige gegevens", "en": "Invalid data"},
        "http.429": {"nl": "Te veel aanvragen", "en": "Too many requests"},
        "http.500": {"nl": "Interne fout", "en": "Internal error"},
        "http.503": {"nl": "Dienst niet beschikbaar", "en": "Service unavailable"},
        "http.other": {"nl": "Fout", "en": "Error"},
        "field.required": {"nl": "Dit veld is verplicht.", "en": "This field is required."},
        "field.too_long": {"nl": "Maximaal {max} tekens.", "en": "At most {max} characters."},
        "email.invalid": {"nl": "Geen geldig e-mailadres.", "en": "Not a valid e-mail address."},
        "problem.validation": {
            "nl": "Een of meer velden zijn ongeldig.",
            "en": "One or more fields are invalid.",
        },
        "problem.not_found": {
            "nl": "De gevraagde bron bestaat niet.",
            "en": "The requested resource does not exist.",
        },
        "problem.method_not_allowed": {
            "nl": "Deze methode is hier niet toegestaan.",
            "en": "This method is not allowed here.",
        },
        "problem.too_large": {
            "nl": "De aanvraag is groter dan toegestaan ({limit} bytes).",
            "en": "The request is larger than allowed ({limit} bytes).",
        },
        "problem.media_type": {
            "nl": "Mediatype {media_type} wordt hier niet aanvaard; gebruik {accepted}.",
            "en": "Media type {media_type} is not accepted here; use {accepted}.",
        },
        "problem.bad_json": {
            "nl": "De inhoud is geen geldige JSON.",
            "en": "The body is not valid JSON.",
        },
        "problem.too_deep": {
            "nl": "De JSON is dieper genest dan toegestaan ({depth} niveaus).",
            "en": "The JSON is nested deeper than allowed ({depth} levels).",
        },
        "text.nul": {
            "nl": "Mag geen NUL-teken (\\u0000) bevatten.",
            "en": "Must not contain a NUL character (\\u0000).",
        },
        "text.surrogate": {
            "nl": "Bevat een ongeldig teken (een losse UTF-16-surrogaat).",
            "en": "Contains an invalid character (a lone UTF-16 surrogate).",
        },
        "problem.internal": {
            "nl": "Er ging iets mis aan onze kant. Vermeld request-id {request_id} als je contact opneemt.",
            "en": "Something went wrong on our side. Quote request id {request_id} when you contact us.",
        },
        "problem.token_missing": {
            "nl": "Deze aanvraag vereist een bearer-token.",
            "en": "This request requires a bearer token.",
        },
        "problem.token_invalid": {
            "nl": "Het bearer-token is ongeldig of verlopen.",
            "en": "The bearer token is invalid or expired.",
        },
        "problem.role_missing": {
            "nl": "Hiervoor heb je een van deze rollen nodig: {roles}.",
            "en": "This requires one of these roles: {roles}.",
        },
        "problem.profile_inactive": {
            "nl": "Een moderator heeft je partnerprofiel gedeactiveerd: je kan er niets mee doen tot het weer "
            "actief is.",
            "en": "A moderator deactivated your partner profile: you can do nothing with it until it is active again.",
        },
        "problem.unavailable": {
            "nl": "Niet klaar: {failing}.",
            "en": "Not ready: {failing}.",
        },
    }
)
