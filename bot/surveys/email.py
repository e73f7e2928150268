"""The survey invitation by email, in the customer's language: text and HTML with the same
words, the link, and an unsubscribe link (also as List-Unsubscribe, RFC 8058 one-click)."""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from bot.mail import Email
from bot.surveys.answers import RESOLUTION


def survey_email(
    t: Translator,
    *,
    to: str,
    business: str,
    number: int,
    kind: str,
    link: str,
    unsubscribe_link: str,
    message_id: str,
) -> Email:
    if kind == RESOLUTION:
        subject = t("{business}: how did we do with complaint #{number}?")
        intro = t(
            "We recently resolved your complaint #{number}. Would you tell us how we handled "
            "it? It takes a minute."
        )
    else:
        subject = t("{business}: one month on, how are things?")
        intro = t(
            "A month ago we resolved your complaint #{number}. Would you tell us how things "
            "are now? It takes a minute."
        )
    subject = subject.format(business=business, number=number)
    intro = intro.format(number=number)
    action = t("Answer the survey")
    stop = t("Don't want surveys from us? Unsubscribe: {link}").format(link=unsubscribe_link)
    thanks = t("Thank you, {business}").format(business=business)
    text = f"{intro}\n\n{action}: {link}\n\n{thanks}\n\n--\n{stop}\n"
    html = f"""<!doctype html>
<html lang="{escape(t.locale)}">
<body style="font-family:sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a">
<p>{escape(intro)}</p>
<p><a href="{escape(link)}" style="display:inline-block;padding:12px 20px;background:#0b5cad;\
color:#ffffff;text-decoration:none;border-radius:6px">{escape(action)}</a></p>
<p>{escape(thanks)}</p>
<p style="font-size:13px;color:#555555">{escape(t("Don't want surveys from us?"))} \
<a href="{escape(unsubscribe_link)}" style="color:#0b5cad">{escape(t("Unsubscribe"))}</a></p>
</body>
</html>
"""
    return Email(
        to=to,
        subject=subject,
        text=text,
        html=html,
        message_id=message_id,
        language=t.locale,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
