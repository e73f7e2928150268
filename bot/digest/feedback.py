"""The week's customer surveys for the digest: how many were answered, CSAT, and a few of the
customers' own words on what could have been done better.

A digest goes to a channel, so a quote never names the customer or says how to reach anyone:
the complaint's customer name (whole, or any part of it), address and phone, and anything that
looks like an email address or a phone number, become "•••". The customer's name and contact
are read here only to be removed. A quote is one line, cut to QUOTE_CHARS; the adapters show
it as literal text (no markup, no mentions, no HTML).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.goals.metrics import Scores, responses, scores
from bot.goals.periods import Window
from bot.privacy.customers import ERASED
from storage.models import Complaint, Survey

QUOTES = 3
QUOTE_CHARS = 200
# Rows read to find three quotes: one that is nothing but a name or a number is left out.
QUOTE_ROWS = 12
HIDDEN = "•••"  # as the product masks a name or phone elsewhere ("R•••", "•••• 3210")
NAME_PART_MIN = 3  # "Ravi" is hidden on its own; "K." is not a name to look for

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Seven digits or more with spaces, dashes, dots, slashes or brackets between: a phone, as
# people type one (+91 98765-43210, (022) 2345 6789); a long order number goes too.
_PHONE = re.compile(r"\+?\(?\d(?:[\s\-./()]{0,3}\d){6,}\)?")
_HIDDEN_RUN = re.compile(rf"{HIDDEN}(?:\W*{HIDDEN})+")


@dataclass(frozen=True)
class Quote:
    text: str
    score: int | None  # the resolution survey's score; None for the one-month survey


@dataclass(frozen=True)
class SurveyWeek:
    sent: int
    answered: int  # of those sent in the week, answered by now
    scores: Scores  # resolution surveys answered in the week
    quotes: list[Quote]  # newest first

    @property
    def shown(self) -> bool:
        return bool(self.sent or self.scores.rated or self.quotes)


def _one_line(text: str) -> str:
    """Control characters (a terminal's escape sequences too) and line breaks become spaces."""
    spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(spaced.split())


def _personal(complaint: Complaint) -> re.Pattern[str] | None:
    words: list[str] = []
    name = complaint.customer_name or ""
    if name and name != ERASED:
        words += [name, *(part for part in name.split() if len(part) >= NAME_PART_MIN)]
    if complaint.customer_address:
        words.append(complaint.customer_address)
    patterns = [rf"(?<!\w){re.escape(_one_line(word))}(?!\w)" for word in words if word.strip()]
    if complaint.customer_phone:
        try:
            digits = str(phonenumbers.parse(complaint.customer_phone).national_number)
        except phonenumbers.NumberParseException:
            digits = "".join(c for c in complaint.customer_phone if c.isdigit())
        if digits:
            patterns.append(r"(?<!\d)" + r"[\s\-./()]*".join(digits) + r"(?!\d)")
    patterns.sort(key=len, reverse=True)  # the whole name before its parts
    return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None


def _cut(text: str, limit: int = QUOTE_CHARS) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis when it must be."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.·—-") + "…"


def clean_quote(text: str, complaint: Complaint) -> str:
    """The answer as one line without the customer's name, address, email or phone, cut."""
    quote = _one_line(text)
    personal = _personal(complaint)
    if personal is not None:
        quote = personal.sub(HIDDEN, quote)
    quote = _PHONE.sub(HIDDEN, _EMAIL.sub(HIDDEN, quote))
    quote = _HIDDEN_RUN.sub(HIDDEN, quote)
    if not quote.replace(HIDDEN, "").strip(" .,;:!?-—"):
        return ""  # nothing left but what was hidden
    return _cut(quote)


async def quotes(session: AsyncSession, workspace_id: int, week: Window) -> list[Quote]:
    """Up to three "what could we have done better" answers given in the week, newest first."""
    rows = await session.execute(
        select(Survey.better, Survey.score, Complaint)
        .join(Complaint, Complaint.id == Survey.complaint_id)
        .where(
            Survey.workspace_id == workspace_id,
            Survey.state == "answered",
            Survey.answered_at >= week.start,
            Survey.answered_at < week.end,
            Survey.better.is_not(None),
            func.length(func.trim(Survey.better)) > 0,
        )
        .order_by(Survey.answered_at.desc(), Survey.id.desc())
        .limit(QUOTE_ROWS)
    )
    found: list[Quote] = []
    for better, score, complaint in rows:
        text = clean_quote(better or "", complaint)
        if text:
            found.append(Quote(text, score))
        if len(found) == QUOTES:
            break
    return found


async def survey_week(session: AsyncSession, workspace_id: int, week: Window) -> SurveyWeek:
    answered, sent = await responses(session, workspace_id, week)
    return SurveyWeek(
        sent=sent,
        answered=answered,
        scores=await scores(session, workspace_id, week),
        quotes=await quotes(session, workspace_id, week),
    )
