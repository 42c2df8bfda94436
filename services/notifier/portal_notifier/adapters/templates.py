"""Mail templates (Jinja2): one file per mail and language, with blocks for subject, text and HTML.

Values are escaped in the HTML part; a missing value is an error, never an empty hole in a mail.
"""

from __future__ import annotations

import zoneinfo

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from portal_notifier.domain.compose import ApiNames, Day, FieldNames, Moment, SchoolEnd, SchoolGrant
from portal_notifier.domain.mail import Letter, Mail
from portal_notifier.texts import TEXTS

LANGUAGES = ("nl", "en")
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def _label(prefix: str, key: str, language: str) -> str:
    return TEXTS.get(f"{prefix}.{key}", {}).get(language, key)


def localised(value, language: str):
    """A letter's value as the reader reads it: names instead of keys, Brussels time instead of UTC."""
    if isinstance(value, Moment):
        return value.at.astimezone(BRUSSELS).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, ApiNames):
        return ", ".join(_label("api", key, language) for key in value.keys)
    if isinstance(value, FieldNames):
        return ", ".join(_label("field", key, language) for key in value.keys)
    if isinstance(value, Day):
        return value.on.strftime("%d/%m/%Y")
    if isinstance(value, SchoolEnd):
        until = {"nl": "tot en met", "en": "until"}[language]
        return f"{value.school}: {localised(value.apis, language)} ({until} {localised(value.ends_on, language)})"
    if isinstance(value, SchoolGrant):
        return f"{_label('api', value.api, language)} ({value.institution_number})"
    if isinstance(value, list):
        return [localised(item, language) for item in value]
    return value


class MailTemplates:
    def __init__(self, product: str):
        self.product = product
        self.env = Environment(
            loader=PackageLoader("portal_notifier", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self.layout = self.env.get_template("layout.html")

    def _block(self, template, name: str, values: dict, escape: bool) -> str:
        context = template.new_context({**values, "product": self.product})
        rendered = "".join(template.blocks[name](context))
        return rendered if escape else Markup(rendered).unescape()

    def render(self, letter: Letter) -> Mail:
        language = letter.language if letter.language in LANGUAGES else LANGUAGES[0]
        template = self.env.get_template(f"{letter.template}.{language}.j2")
        values = {name: localised(value, language) for name, value in letter.values.items()}
        subject = " ".join(self._block(template, "subject", values, escape=False).split())
        text = self._block(template, "text", values, escape=False).strip() + f"\n\n{self.product}\n"
        content = Markup(self._block(template, "html", values, escape=True))
        html = self.layout.render(content=content, subject=subject, language=language, product=self.product)
        return Mail(letter.recipient, subject, text, html, language)
