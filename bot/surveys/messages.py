"""What the team is told about surveys, by DM: the link to pass on (with its QR code), why a
customer was not asked, and a customer's low answer. The link carries no personal data; the
customer's own words are quoted as they typed them (every adapter shows text as text)."""

from __future__ import annotations

from bot.categories import category_label
from bot.i18n import N_, Translator
from bot.surveys.answers import RESOLUTION, SCALE
from bot.surveys.links import qr_png
from bot.ui import Attachment, Button, ButtonStyle, Message, Section
from storage.models import Complaint, Survey

QUOTE_MAX = 500  # of the customer's words, in a chat message

SKIPPED = {
    "opted_out": N_("The customer asked not to receive surveys, so none was sent."),
    "cooldown": N_(
        "The customer was asked about another complaint in the last {days} days, so this "
        "survey was not sent."
    ),
}


def link_message(
    t: Translator, survey: Survey, complaint: Complaint, url: str, emailed: bool, wait_days: int
) -> Message:
    number = complaint.number
    if survey.kind == RESOLUTION:
        headline = t("Survey for complaint #{number}: send this link to the customer")
    else:
        headline = t("One-month survey for complaint #{number}: send this link to the customer")
    lines = [
        t(
            "Send it by SMS, WhatsApp or on paper; the QR code opens the same page. "
            "It works until {date}."
        ).format(date=t.date(survey.expires_at) if survey.expires_at else "—")
    ]
    if emailed:
        lines.append(t("carebot is also emailing it to the customer."))
    if survey.kind != RESOLUTION:
        lines.append(
            t.ngettext(
                "If the customer has not answered within {days} day, you will be asked to "
                "call them.",
                "If the customer has not answered within {days} days, you will be asked to "
                "call them.",
                wait_days,
            ).format(days=t.number(wait_days, 0))
        )
    return Message(
        text=headline.format(number=number),
        sections=(Section(body="\n".join(lines), fields=((t("Link"), url),)),),
        buttons=(Button(t("Details"), "complaint.details", str(number)),),
        files=(
            Attachment(
                filename=f"survey-{number}-{survey.kind}.png",
                title=t("QR code of the survey for complaint #{number}").format(number=number),
                content=qr_png(url),
            ),
        ),
    )


def skipped_message(t: Translator, complaint: Complaint, reason: str, days: int) -> Message:
    return Message(
        text=t("Complaint #{number}: the customer was not surveyed").format(
            number=complaint.number
        ),
        sections=(Section(body=t(SKIPPED[reason]).format(days=days)),),
    )


def answer_lines(t: Translator, survey: Survey) -> tuple[tuple[str, str], ...]:
    if survey.kind == RESOLUTION and survey.score is not None:
        return ((t("Satisfaction"), f"{survey.score} · {t(SCALE[survey.score - 1])}"),)
    words = {"yes": t("Yes"), "no": t("No"), "not_yet": t("Not yet")}
    return (
        (t("Satisfied with how it was handled"), words.get(survey.satisfied or "", "—")),
        (t("Bought from us again since"), words.get(survey.bought_again or "", "—")),
    )


def low_answer_message(t: Translator, survey: Survey, complaint: Complaint) -> Message:
    """To the agent holding the complaint and, when escalation would, to the managers."""
    number = str(complaint.number)
    better = survey.better or ""
    if len(better) > QUOTE_MAX:
        better = better[: QUOTE_MAX - 1] + "…"
    body = (
        t("What could we have done better: “{answer}”").format(answer=better)
        if better
        else t("The customer did not say what we could have done better.")
    )
    buttons = [Button(t("Details"), "complaint.details", number)]
    if complaint.status == "resolved":
        buttons.insert(0, Button(t("Reopen"), "complaint.reopen", number, ButtonStyle.PRIMARY))
    return Message(
        text=t("Complaint #{number} · {category}: the customer is not satisfied").format(
            number=complaint.number, category=category_label(complaint.category, t)
        ),
        sections=(Section(body=body, fields=answer_lines(t, survey)),),
        buttons=tuple(buttons),
    )
