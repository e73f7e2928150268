"""The survey page's routes, added to whichever aiohttp app serves HTTP on this platform.

`/s/{token}`: GET shows the questions (and writes nothing: mail and chat apps open links to
preview them), POST answers. `/s/{token}/unsubscribe`: GET asks to confirm, POST records the
opt-out (the button, and RFC 8058 one-click posts from mail apps). Every decision is the core's
(`SurveyDesk`); here a request is read (the body at most BODY_MAX bytes) and the page rendered.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from aiohttp import web

from adapters.web.render import response
from bot.surveys.page import PageKind, SurveyDesk, SurveyPage
from bot.surveys.service import ALERT

log = logging.getLogger(__name__)

BODY_MAX = 64 * 1024  # bytes: the longest answer (2,000 characters) is far below
FIELDS_MAX = 20  # a form of ours has five
ALLOW = "GET, HEAD, POST"
FORM_TYPE = "application/x-www-form-urlencoded"
# What an answer plans for at once (a low answer's alert): the scheduler in this process is
# woken for these kinds, so the agent hears within moments.
DUE_AT_ONCE = (ALERT,)


class TooLarge(Exception):
    pass


async def read_form(request: web.Request) -> dict[str, str]:
    """The urlencoded body's fields (the first of each name); another body gives none. A body
    over BODY_MAX is refused before it is read whole, so nothing of it reaches the core."""
    if request.content_length is not None and request.content_length > BODY_MAX:
        raise TooLarge
    body = bytearray()
    while chunk := await request.content.read(BODY_MAX + 1 - len(body)):
        body += chunk
        if len(body) > BODY_MAX:
            raise TooLarge
    if request.content_type != FORM_TYPE:
        return {}  # a one-click unsubscribe may come as multipart: nothing in it is needed
    try:
        pairs = parse_qsl(
            body.decode("utf-8", "replace"),
            keep_blank_values=True,
            max_num_fields=FIELDS_MAX,
            errors="replace",
        )
    except ValueError:  # more fields than any form of ours has
        return {}
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


class SurveyRoutes:
    def __init__(self, desk: SurveyDesk) -> None:
        self.desk = desk

    def add_to(self, application: web.Application) -> None:
        router = application.router
        router.add_route("*", "/s/{token}", self.page)
        router.add_route("*", "/s/{token}/unsubscribe", self.unsubscribe)

    def _lang(self, request: web.Request, form: dict[str, str] | None = None) -> str | None:
        return (form or {}).get("lang") or request.query.get("lang") or None

    async def page(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if request.method in ("GET", "HEAD"):
            lang = self._lang(request)
            return await self._answer(request, token, lambda: self.desk.show(token, lang))
        return await self._post(
            request, token, lambda form, lang: self.desk.answer(token, form, lang)
        )

    async def unsubscribe(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if request.method in ("GET", "HEAD"):  # a confirmation: a prefetch records nothing
            lang = self._lang(request)
            return await self._answer(
                request, token, lambda: self.desk.unsubscribe_page(token, lang)
            )
        return await self._post(
            request, token, lambda _form, lang: self.desk.unsubscribe(token, lang)
        )

    async def _post(
        self,
        request: web.Request,
        token: str,
        door: Callable[[dict[str, str], str | None], Awaitable[SurveyPage]],
    ) -> web.StreamResponse:
        """A POST's form, read within BODY_MAX, handed to the core's door; other methods 405."""
        if request.method != "POST":
            return self._notice(request, PageKind.NOT_ALLOWED)
        try:
            form = await read_form(request)
        except TooLarge:
            return self._notice(request, PageKind.TOO_LARGE)
        lang = self._lang(request, form)
        return await self._answer(request, token, lambda: door(form, lang))

    async def _answer(
        self, request: web.Request, token: str, page: Callable[[], Awaitable[SurveyPage]]
    ) -> web.StreamResponse:
        try:
            shown = await page()
        except Exception as exc:  # the database is down, say: a polite page, one log line
            log.error("survey page failed: %s", type(exc).__name__)
            return self._notice(request, PageKind.UNAVAILABLE)
        return response(shown, token)

    def _notice(self, request: web.Request, kind: PageKind) -> web.Response:
        headers = {"Allow": ALLOW} if kind is PageKind.NOT_ALLOWED else {}
        if kind is PageKind.UNAVAILABLE:
            headers["Retry-After"] = "60"
        return response(self.desk.plain(kind, self._lang(request)), headers=headers)


def add_survey_routes(application: web.Application, desk: SurveyDesk) -> None:
    SurveyRoutes(desk).add_to(application)
