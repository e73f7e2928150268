"""The survey page as the core sees it: what to show for a link, and what a submit does.

`SurveyDesk` is the one door of the web adapter, as `CareBot` is the chat adapters' one: it
checks the signed token, picks the language, validates the answer and records it in one
transaction. Opening a link writes nothing (mail and chat apps open links to preview them);
only a submit does. Every word comes from the catalogs in the page's language; the page shows
the business's name and the complaint's number, never the customer's data or the agent's notes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import N_, SUPPORTED_LOCALES, Translator
from bot.language import NAMES
from bot.settings import Settings
from bot.surveys import answers, links, service
from bot.surveys.keys import SURVEY_LINKS
from bot.ui import Form
from storage.db import Database
from storage.models import Complaint, SecretKey, Survey, Workspace

log = logging.getLogger("carebot.surveys")


class PageKind(StrEnum):
    FORM = "form"  # the questions (again, with errors, after a wrong submit)
    THANKS = "thanks"  # the answer was recorded just now
    ANSWERED = "answered"  # answered before: a second submit, a reused link
    EXPIRED = "expired"
    CLOSED = "closed"  # cancelled (the complaint was reopened) or skipped
    NOT_FOUND = "not_found"  # tampered, cut or unknown token
    INCOMPLETE = "incomplete"  # a submit without its token
    UNSUBSCRIBE = "unsubscribe"  # "stop sending me surveys?" with one button
    UNSUBSCRIBED = "unsubscribed"
    # About the request, found by the web adapter before the core reads anything.
    TOO_LARGE = "too_large"
    NOT_ALLOWED = "not_allowed"  # a method the page does not take
    UNAVAILABLE = "unavailable"  # the database did not answer


STATUS = {
    PageKind.FORM: 200,
    PageKind.THANKS: 200,
    PageKind.ANSWERED: 200,
    PageKind.EXPIRED: 410,
    PageKind.CLOSED: 410,
    PageKind.NOT_FOUND: 404,
    PageKind.INCOMPLETE: 400,
    PageKind.UNSUBSCRIBE: 200,
    PageKind.UNSUBSCRIBED: 200,
    PageKind.TOO_LARGE: 413,
    PageKind.NOT_ALLOWED: 405,
    PageKind.UNAVAILABLE: 503,
}

# The pages that name no survey: their heading and what to do.
PLAIN = {
    PageKind.NOT_FOUND: (
        N_("We could not find this survey."),
        N_("Please check that the link was copied whole."),
    ),
    PageKind.INCOMPLETE: (
        N_("This form arrived incomplete."),
        N_("Please open the link you were sent again and answer there."),
    ),
    PageKind.TOO_LARGE: (
        N_("Your answer was too long to send, and nothing was saved."),
        N_("Please go back, shorten what you wrote and send it again."),
    ),
    PageKind.NOT_ALLOWED: (
        N_("This page cannot be used that way."),
        N_("Please open the link you were sent again and answer there."),
    ),
    PageKind.UNAVAILABLE: (
        N_("The survey cannot be opened just now."),
        N_("Please try again in a few minutes."),
    ),
}


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own script
    current: bool


@dataclass(frozen=True)
class SurveyPage:
    """Everything the page shows, already in its language; the adapter only lays it out."""

    kind: PageKind
    lang: str
    title: str
    heading: str
    paragraphs: tuple[str, ...] = ()
    business: str = ""
    subtitle: str = ""  # "Complaint #12"
    form: Form | None = None
    errors: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, str] = field(default_factory=dict)
    error_summary: str = ""
    required_mark: str = ""
    languages: tuple[Language, ...] = ()
    language_label: str = ""
    unsubscribe_label: str = ""  # a link on the questions' page; the button on UNSUBSCRIBE
    footer: str = ""

    @property
    def status(self) -> int:
        return STATUS[self.kind]


@dataclass(frozen=True)
class _Found:
    survey: Survey
    complaint: Complaint
    workspace: Workspace


class SurveyDesk:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        clock: Clock,
        wake: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        # Asks the scheduler in this process to run due work now (a low answer's alert).
        self.wake: Callable[[], None] = wake or (lambda: None)
        self._stored_key: str | None = None

    # --- the doors ------------------------------------------------------------------------------

    async def show(self, token: str, lang: str | None = None) -> SurveyPage:
        async with self.db.session() as session:
            found = await self._find(session, token)
            if isinstance(found, PageKind):
                return self.plain(found, lang)
            t = self._translator(found, lang)
            state = self._state(found)
            if state is not PageKind.FORM:
                return self._closed(found, t, state)
            return self._questions(found, t, token)

    async def answer(
        self, token: str, values: Mapping[str, str], lang: str | None = None
    ) -> SurveyPage:
        if values.get("token") != token:
            return self.plain(PageKind.INCOMPLETE, lang)
        async with self.db.transaction() as session:
            found = await self._find(session, token)
            if isinstance(found, PageKind):
                return self.plain(found, lang)
            t = self._translator(found, lang)
            state = self._state(found)
            if state is not PageKind.FORM:
                return self._closed(found, t, state)
            parsed = answers.parse(found.survey.kind, values, t)
            if isinstance(parsed, dict):
                return self._questions(found, t, token, parsed, values)
            if not await service.record_answer(session, found.survey, parsed, self.clock.now()):
                return self._closed(found, t, PageKind.ANSWERED)  # another submit won
        self.wake()
        return self._closed(found, t, PageKind.THANKS)

    async def unsubscribe_page(self, token: str, lang: str | None = None) -> SurveyPage:
        async with self.db.session() as session:
            found = await self._find(session, token, allow_expired=True)
            if isinstance(found, PageKind):
                return self.plain(found, lang)
            t = self._translator(found, lang)
            return self._page(
                found,
                t,
                PageKind.UNSUBSCRIBE,
                t("Stop receiving surveys?"),
                (
                    t(
                        "{business} will not send you surveys any more, by email or by any "
                        "other way."
                    ).format(business=self._business(found.workspace)),
                ),
                unsubscribe_label=t("Yes, stop sending me surveys"),
            )

    async def unsubscribe(self, token: str, lang: str | None = None) -> SurveyPage:
        """Records the opt-out (a POST: the confirmation button, or one-click from the mail
        app per RFC 8058). Idempotent."""
        async with self.db.transaction() as session:
            found = await self._find(session, token, allow_expired=True)
            if isinstance(found, PageKind):
                return self.plain(found, lang)
            await service.opt_out(session, found.survey, self.clock.now())
        t = self._translator(found, lang)
        return self._page(
            found,
            t,
            PageKind.UNSUBSCRIBED,
            t("You will not receive surveys from us any more."),
            (t("Thank you for letting us know."),),
        )

    # --- finding the survey -----------------------------------------------------------------------

    async def _key(self, session: AsyncSession) -> str | None:
        """The signing key, read only: with no key stored, no link was ever signed. A stored
        key never changes, so it is read once per process."""
        if self.settings.survey_secret is not None:
            return self.settings.survey_secret.get_secret_value() or None
        if self._stored_key is None:
            self._stored_key = await session.scalar(
                select(SecretKey.value).where(SecretKey.name == SURVEY_LINKS)
            )
        return self._stored_key

    async def _find(
        self, session: AsyncSession, token: str, allow_expired: bool = False
    ) -> _Found | PageKind:
        key = await self._key(session)
        read = links.read(key, token) if key else None
        if read is None:
            return PageKind.NOT_FOUND
        # The survey, its complaint and its workspace in one statement: every page needs all three.
        row = (
            await session.execute(
                select(Survey, Complaint, Workspace)
                .join(Complaint, Complaint.id == Survey.complaint_id)
                .join(Workspace, Workspace.id == Survey.workspace_id)
                .where(Survey.id == read.survey_id)
            )
        ).one_or_none()
        if row is None:
            return PageKind.NOT_FOUND
        survey, complaint, workspace = row
        if survey.expires_at is None:
            return PageKind.NOT_FOUND
        if int(survey.expires_at.timestamp()) != int(read.expires_at.timestamp()):
            return PageKind.NOT_FOUND  # a link of an earlier sending, signed for another time
        return _Found(survey, complaint, workspace)

    def _state(self, found: _Found) -> PageKind:
        survey = found.survey
        if found.complaint.erased_at is not None:
            return PageKind.CLOSED  # the customer asked to be forgotten: take no more words
        if survey.state == "answered":
            return PageKind.ANSWERED
        if survey.state != "open":
            return PageKind.CLOSED
        if survey.expires_at is None or survey.expires_at <= self.clock.now():
            return PageKind.EXPIRED
        return PageKind.FORM

    # --- the pages --------------------------------------------------------------------------------

    def _translator(self, found: _Found | None, lang: str | None) -> Translator:
        if lang in SUPPORTED_LOCALES:
            chosen = lang
        elif found is not None:
            chosen = found.survey.locale
        else:
            chosen = self.settings.default_locale
        zone = found.workspace.timezone if found is not None else "UTC"
        return Translator(chosen or "en", zone)

    @staticmethod
    def _business(workspace: Workspace) -> str:
        return workspace.business_name or workspace.name or "carebot"

    def _page(
        self,
        found: _Found,
        t: Translator,
        kind: PageKind,
        heading: str,
        paragraphs: tuple[str, ...] = (),
        **extra: object,
    ) -> SurveyPage:
        business = self._business(found.workspace)
        return SurveyPage(
            kind=kind,
            lang=t.locale,
            title=f"{heading} · {business}",
            heading=heading,
            paragraphs=paragraphs,
            business=business,
            subtitle=t("Complaint #{number}").format(number=found.complaint.number),
            languages=self._languages(t.locale),
            language_label=t("Language"),
            footer=t("Your answers go to {business} only.").format(business=business),
            **extra,  # type: ignore[arg-type]
        )

    def _questions(
        self,
        found: _Found,
        t: Translator,
        token: str,
        errors: Mapping[str, str] | None = None,
        values: Mapping[str, str] | None = None,
    ) -> SurveyPage:
        form = answers.questions(t, found.survey.kind, token)
        intro = (
            t("Thank you for giving us the chance to put things right. Two questions:")
            if found.survey.kind == answers.RESOLUTION
            else t("A month ago we resolved your complaint. How are things now?")
        )
        kept = {k: v for k, v in (values or {}).items() if k in {f.name for f in form.fields}}
        return self._page(
            found,
            t,
            PageKind.FORM,
            t("How did we do?"),
            (intro,),
            form=form,
            errors=dict(errors or {}),
            values=kept,
            error_summary=t("Please check the questions marked below.") if errors else "",
            required_mark=t("(required)"),
            unsubscribe_label=t("Stop receiving surveys"),
        )

    def _closed(self, found: _Found, t: Translator, kind: PageKind) -> SurveyPage:
        business = self._business(found.workspace)
        if kind is PageKind.THANKS:
            heading = t("Thank you! Your answer has been recorded.")
            body = (t("{business} will read it carefully.").format(business=business),)
        elif kind is PageKind.ANSWERED:
            heading = t("We already have your answer. Thank you!")
            body = (t("This survey can be answered once."),)
        elif kind is PageKind.EXPIRED:
            heading = t("This survey link has expired.")
            body = (
                t("Thank you all the same. You can always contact {business} directly.").format(
                    business=business
                ),
            )
        else:
            heading = t("This survey is closed.")
            body = (
                t("Thank you all the same. You can always contact {business} directly.").format(
                    business=business
                ),
            )
        return self._page(found, t, kind, heading, body)

    def plain(self, kind: PageKind, lang: str | None) -> SurveyPage:
        """A page that names no survey (PLAIN): not found, an incomplete or too large submit,
        a wrong method, a database that did not answer."""
        t = self._translator(None, lang)
        heading, body = (t(text) for text in PLAIN[kind])
        return SurveyPage(
            kind=kind,
            lang=t.locale,
            title=heading,
            heading=heading,
            paragraphs=(body,),
            languages=self._languages(t.locale),
            language_label=t("Language"),
        )

    @staticmethod
    def _languages(current: str) -> tuple[Language, ...]:
        return tuple(Language(code, NAMES[code], code == current) for code in SUPPORTED_LOCALES)
