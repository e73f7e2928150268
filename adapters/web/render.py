"""A `SurveyPage` as HTML: one Jinja2 template (autoescaped, no words of its own), one small
inline style sheet allowed by its hash, and the headers every survey response carries.

The page works without JavaScript (there is none: the CSP would refuse it) and needs nothing
from elsewhere: system fonts, no images, no fetches.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from importlib.resources import files

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.surveys.page import PageKind, SurveyPage

_ENV = Environment(
    loader=PackageLoader("adapters.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_PAGE = _ENV.get_template("page.html")
CSS = files("adapters.web").joinpath("templates/page.css").read_text(encoding="utf-8").strip()
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")

# default-src 'none': no script, image, font or fetch; the one style element is allowed by its
# hash. The page posts only to itself and is never framed. The token is in the URL, so no
# Referer leaves the page, and nothing of it is kept in a cache.
HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def status_of(page: SurveyPage) -> int:
    """The core's status, except a refused answer: the questions again, 422."""
    if page.kind is PageKind.FORM and page.errors:
        return 422
    return page.status


def html(page: SurveyPage, token: str | None = None) -> str:
    """`token` (the path's) builds the unsubscribe link of the questions' page."""
    return _PAGE.render(page=page, css=Markup(CSS), token=token or "")


def response(
    page: SurveyPage,
    token: str | None = None,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    return web.Response(
        text=html(page, token),
        status=status or status_of(page),
        content_type="text/html",
        charset="utf-8",
        headers={**HEADERS, **(headers or {})},
    )
