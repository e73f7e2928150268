"""The survey invitation a customer receives by email, in their language.

Only the business's name, the complaint's number and the links: never the customer's name nor
anything an agent typed. The HTML says the same words as the text, every value escaped; the
List-Unsubscribe headers let a mail client offer one-click unsubscribe (RFC 8058).
"""

from __future__ import annotations

from html import escape

from bot.i18n import Translator
from bot.mail import Email

KINDS = ("resolution", "retention")

_BUTTON = (
    "display:inline-block;padding:14px 28px;background:#1d4ed8;color:#ffffff;"
    "font-size:18px;font-weight:bold;text-decoration:none;border-radius:8px"
)
_BODY = (
    "margin:0;padding:24px;background:#ffffff;color:#1f2937;"
    "font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5"
)
_SMALL = "font-size:13px;color:#4b5563"


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
    """The invitation to the survey of `kind` ("resolution" or "retention") about complaint
    #`number`; `link` opens the survey, `unsubscribe_link` stops further surveys."""
    for url in (link, unsubscribe_link):
        if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
            raise ValueError("survey links must be http(s) URLs without spaces")
    if kind == "resolution":
        subject = t("{business}: how did we do with complaint #{number}?")
        intro = t(
            "Thank you for giving us the chance to put things right with complaint #{number}. "
            "Would you tell us how we did? It takes less than a minute."
        )
    elif kind == "retention":
        subject = t("{business}: one month on, how are things?")
        intro = t(
            "About a month ago we worked on your complaint #{number}. We would like to know "
            "how things are now and what we could do better. It takes less than a minute."
        )
    else:
        raise ValueError(f"unknown survey kind {kind!r}")
    values = {"business": business, "number": str(number)}
    # One line: a line break in a header (a business name typed so) would not survive SMTP.
    subject, intro = " ".join(subject.format(**values).split()), intro.format(**values)
    hello = t("Hello,")
    thanks = t("With thanks,")
    why = t("You are receiving this email because you contacted {business}.").format(**values)
    button = t("Answer the survey")
    # Outside the f-string below: Babel's extractor does not look into f-strings.
    fallback = t("If the button does not work, open this link:")
    unsubscribe = t("Unsubscribe from surveys")

    text = "\n\n".join(
        [
            hello,
            intro,
            t("Answer the survey: {link}").format(link=link),
            f"{thanks}\n{business}",
            f"-- \n{why}\n" + t("Unsubscribe from surveys: {link}").format(link=unsubscribe_link),
        ]
    )
    e = escape
    html = f"""<!DOCTYPE html>
<html lang="{e(t.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(subject)}</title>
</head>
<body style="{_BODY}">
<main>
<p>{e(hello)}</p>
<p>{e(intro)}</p>
<p style="margin:32px 0"><a href="{e(link)}" style="{_BUTTON}">{e(button)}</a></p>
<p>{e(fallback)}<br>
<a href="{e(link)}">{e(link)}</a></p>
<p>{e(thanks)}<br>{e(business)}</p>
</main>
<footer>
<p style="{_SMALL}">{e(why)}
<a href="{e(unsubscribe_link)}">{e(unsubscribe)}</a></p>
</footer>
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
