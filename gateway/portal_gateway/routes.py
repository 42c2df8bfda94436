"""The route table, loaded once; matching by longest prefix exactly as nginx's prefix locations do."""

from __future__ import annotations

import dataclasses
import functools
import tomllib
from importlib import resources
from pathlib import Path

# The gateway's own errors (no service answered), as problem+json titles and details.
GATEWAY_ERRORS = {
    404: ("Niet gevonden", "Deze pagina of bron bestaat niet."),
    405: ("Methode niet toegestaan", "Deze methode is hier niet toegestaan."),
    413: ("Aanvraag te groot", "De aanvraag is groter dan toegestaan."),
    429: ("Te veel aanvragen", "Te veel aanvragen; probeer het zo dadelijk opnieuw."),
    502: ("Dienst onbereikbaar", "De achterliggende dienst antwoordt niet."),
    503: ("Dienst niet beschikbaar", "De dienst is tijdelijk niet beschikbaar."),
    504: ("Dienst te traag", "De achterliggende dienst antwoordde niet op tijd."),
}
# The types of the web UIs' files, by extension: nginx's types block and the dispatcher both use it.
WEB_TYPES = {
    "html": "text/html",
    "css": "text/css",
    "js": "text/javascript",
    "svg": "image/svg+xml",
    "png": "image/png",
}
# Headers of the web UIs' files, from nginx and the dispatcher alike: scripts, styles and calls to the
# portal's own origin only (a logo is a data URL while previewed, a blob URL when fetched with the token);
# no framing.
WEB_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'",
    "Cache-Control": "no-cache",
}


@dataclasses.dataclass(frozen=True)
class Route:
    prefix: str
    service: str
    side: str
    strip: bool = False
    only: tuple[str, ...] = ()  # when given, the only paths under the prefix that answer

    def upstream_path(self, path: str) -> str:
        return "/" + path[len(self.prefix) :] if self.strip else path

    def serves(self, path: str) -> bool:
        return not self.only or path[len(self.prefix) :] in self.only


@dataclasses.dataclass(frozen=True)
class WebUi:
    """Where the static web UIs live under ``web/``: the file "/" shows, and the prefixes served as files."""

    index: str = "/front/index.html"
    prefixes: tuple[str, ...] = ()

    def file_path(self, path: str) -> str | None:
        """The file under ``web/`` a request path names, or None when it is not a web UI path."""
        if path == "/":
            return self.index
        if any(path.startswith(prefix) for prefix in self.prefixes):
            return path + "index.html" if path.endswith("/") else path
        return None


@dataclasses.dataclass(frozen=True)
class RouteTable:
    services: dict[str, int]
    routes: tuple[Route, ...]
    web: WebUi = WebUi()

    def __post_init__(self):
        for route in self.routes:
            if route.service not in self.services:
                raise ValueError(f"route {route.prefix} names unknown service {route.service}")
        prefixes = [route.prefix for route in self.routes]
        if len(prefixes) != len(set(prefixes)):
            raise ValueError("a prefix appears twice in the route table")
        if any(
            route.prefix.startswith(web) or web.startswith(route.prefix)
            for web in self.web.prefixes
            for route in self.routes
        ):
            raise ValueError("a web UI prefix overlaps a service route")

    def match(self, path: str) -> Route | None:
        candidates = [route for route in self.routes if path.startswith(route.prefix)]
        return max(candidates, key=lambda route: len(route.prefix), default=None)


@functools.cache
def route_table() -> RouteTable:
    document = tomllib.loads(resources.files("portal_gateway").joinpath("routes.toml").read_text())
    operations = document["operations"]
    return RouteTable(
        services=dict(document["services"]),
        routes=(
            *(Route(**route) for route in document["routes"]),
            *(
                Route(f"{operations['prefix']}{service}/", service, "operations", True, tuple(operations["paths"]))
                for service in document["services"]
            ),
        ),
        web=WebUi(document["web"]["index"], tuple(document["web"]["prefixes"])),
    )


WEB_ROOT = Path(__file__).resolve().parent / "web"
