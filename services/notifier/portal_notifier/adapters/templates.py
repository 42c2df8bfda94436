"""Mail templates (Jinja2): one file per mail and language, with blocks for subject, text and HTML.

Values are escaped in the HTML part; a missing value is an error, never an empty hole in a mail.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from portal_notifier.domain.mail import Letter, Mail

LANGUAGES = ("nl", "en")


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
        subject = " ".join(self._block(template, "subject", letter.values, escape=False).split())
        text = self._block(template, "text", letter.values, escape=False).strip() + f"\n\n{self.product}\n"
        content = Markup(self._block(template, "html", letter.values, escape=True))
        html = self.layout.render(content=content, subject=subject, language=language, product=self.product)
        return Mail(letter.recipient, subject, text, html, language)
