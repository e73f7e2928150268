"""The survey invitation as the customer reads it: their language, nothing personal beyond
their address, every value escaped, one-click unsubscribe."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot.i18n import SUPPORTED_LOCALES, Translator
from bot.mail import Email
from bot.surveys.email import survey_email

LINK = "https://care.example.com/s/AbC123?a=1&b=2"
UNSUBSCRIBE = "https://care.example.com/u/AbC123"


def invitation(
    locale: str = "en", kind: str = "resolution", business: str = "Sharma Kirana", **links: str
) -> Email:
    return survey_email(
        Translator(locale),
        to="ravi.kumar@customer.test",
        business=business,
        number=1234,
        kind=kind,
        link=links.get("link", LINK),
        unsubscribe_link=links.get("unsubscribe_link", UNSUBSCRIBE),
        message_id="survey-7@care.example.com",
    )


class _Page(HTMLParser):
    """The page's lang, links (href and text) and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if tag == "a":
            self._href = values.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._href is not None and data.strip():
            self.links.append((self._href, data.strip()))


def page(email: Email) -> _Page:
    parsed = _Page()
    parsed.feed(email.html)
    return parsed


def test_the_resolution_invitation_in_english() -> None:
    email = invitation()
    assert email.subject == "Sharma Kirana: how did we do with complaint #1234?"
    assert (email.to, email.language) == ("ravi.kumar@customer.test", "en")
    assert email.message_id == "survey-7@care.example.com"
    assert email.headers == {
        "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert "complaint #1234" in email.text and LINK in email.text and UNSUBSCRIBE in email.text
    html = page(email)
    assert html.lang == "en"
    assert html.links == [
        (LINK, "Answer the survey"),
        (LINK, LINK),  # for a client that shows no button
        (UNSUBSCRIBE, "Unsubscribe from surveys"),
    ]
    # The HTML says what the text says.
    assert "complaint #1234" in "".join(html.text)


def test_the_retention_invitation_asks_how_things_are_a_month_on() -> None:
    email = invitation(kind="retention")
    assert email.subject == "Sharma Kirana: one month on, how are things?"
    assert "About a month ago" in email.text and LINK in email.text


def test_the_invitation_speaks_the_customers_language() -> None:
    email = invitation("hi")
    assert email.subject == "Sharma Kirana: शिकायत #1234 में हमारा काम कैसा रहा?"
    assert email.language == "hi" and page(email).lang == "hi"
    assert "नमस्ते" in email.text and "नमस्ते" in email.html
    for locale in SUPPORTED_LOCALES:
        assert page(invitation(locale)).lang == locale


def test_every_value_is_escaped_and_a_header_stays_on_one_line() -> None:
    business = 'Tom & "Jerry" <b>Shop</b>\r\nBcc: x@evil.test'
    email = invitation(business=business, link="https://x.test/s?a=1&b=<2>")
    assert "<b>" not in email.html and "Tom &amp; &quot;Jerry&quot; &lt;b&gt;" in email.html
    assert 'href="https://x.test/s?a=1&amp;b=&lt;2&gt;"' in email.html
    assert "\n" not in email.subject and "\r" not in email.subject
    assert page(email).links[0] == ("https://x.test/s?a=1&b=<2>", "Answer the survey")


@pytest.mark.parametrize(
    "links",
    [
        {"link": "javascript:alert(1)"},
        {"unsubscribe_link": "mailto:stop@x.test"},
        {"unsubscribe_link": "https://x.test/u\r\nBcc: x@evil.test"},
    ],
)
def test_only_web_links_are_sent(links: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        invitation(**links)
    with pytest.raises(ValueError):
        invitation(kind="anniversary")


def test_it_never_names_the_customer() -> None:
    email = invitation()
    for part in (email.subject, email.text, email.html):
        assert "Ravi" not in part and "ravi.kumar" not in part
    assert "ravi.kumar" not in repr(email)  # the address stays out of logs and reprs
