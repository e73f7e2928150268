"""The email deliverer against real SMTP servers: what a customer's mail client receives, and
how each way a mail server can fail reaches the scheduler (given up, or tried again later)."""

from __future__ import annotations

import logging
import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import cast

import pytest

from adapters.email.deliver import EmailDeliverer, factory
from bot.clock import ManualClock
from bot.context import Actor
from bot.i18n import Translator
from bot.mail import Email
from bot.scheduled import DeliveryDeferred, DeliveryRefused, Outgoing
from bot.settings import Settings
from bot.surveys.email import survey_email
from bot.ui import Reply
from storage.db import Database
from tests.conftest import START
from tests.email.smtp_server import (
    CUSTOMER,
    Mailbox,
    closed_port,
    raw_server,
    smtp_server,
    smtp_settings,
)

ROOT = Path(__file__).resolve().parents[2]
BUSINESS = "शर्मा किराना"  # the workspace's name, in Devanagari
LINK = "https://care.example.com/s/AbC123?lang=hi&x=1"
UNSUBSCRIBE = "https://care.example.com/u/AbC123"


def invitation(to: str = CUSTOMER, business: str = BUSINESS) -> Email:
    return survey_email(
        Translator("hi"),
        to=to,
        business=business,
        number=12,
        kind="resolution",
        link=LINK,
        unsubscribe_link=UNSUBSCRIBE,
        message_id="survey-7.resolution@care.example.com",
    )


def outgoing(email: Email | None) -> Outgoing:
    actor = Actor("console", "T1", "u1", "Asha", is_dm=True)
    return Outgoing(actor, Reply.text("survey"), email=email)


async def test_the_invitation_arrives_with_its_headers_and_both_parts() -> None:
    mailbox = Mailbox()
    async with smtp_server(mailbox) as port:
        deliverer = EmailDeliverer(smtp_settings(port), ManualClock(START))
        await deliverer.deliver(outgoing(invitation()))

    (received,) = mailbox.received
    assert (received.mail_from, received.rcpt_tos) == ("care@sharma.test", [CUSTOMER])
    message = received.message()
    email = invitation()
    assert message["From"] == "Sharma Kirana <care@sharma.test>"
    assert message["To"] == CUSTOMER
    assert message["Subject"] == email.subject and BUSINESS in message["Subject"]
    assert message["Message-ID"] == "<survey-7.resolution@care.example.com>"
    assert message["Date"] == "Mon, 02 Nov 2026 09:00:00 +0000"
    assert message["Content-Language"] == "hi"
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.iter_parts()
    assert (text.get_content_type(), text.get_content_charset()) == ("text/plain", "utf-8")
    assert (html.get_content_type(), html.get_content_charset()) == ("text/html", "utf-8")
    assert text.get_content().replace("\r\n", "\n").rstrip("\n") == email.text
    assert BUSINESS in text.get_content() and LINK in text.get_content()
    assert '<html lang="hi">' in html.get_content()
    assert f'href="{LINK.replace("&", "&amp;")}"' in html.get_content()
    assert BUSINESS in html.get_content()
    # Hindi crosses SMTP encoded (7-bit safe), never as raw 8-bit bytes.
    assert BUSINESS.encode() not in received.content


async def test_it_logs_in_when_a_username_is_set() -> None:
    mailbox = Mailbox()
    async with smtp_server(mailbox, auth=True) as port:
        settings = smtp_settings(port, smtp_username="care", smtp_password="s3cret")
        await EmailDeliverer(settings).deliver(outgoing(invitation()))
        wrong = smtp_settings(port, smtp_username="care", smtp_password="guess")
        with pytest.raises(DeliveryRefused) as refused:
            await EmailDeliverer(wrong).deliver(outgoing(invitation()))

    # The client tries each mechanism the server offers before it gives up.
    assert mailbox.logins[0] == ("care", "s3cret")
    assert set(mailbox.logins[1:]) == {("care", "guess")}
    assert len(mailbox.received) == 1
    assert refused.value.error == "smtp_auth_535"


async def test_starttls_asked_for_but_not_offered_sends_nothing_in_the_clear() -> None:
    mailbox = Mailbox()
    async with smtp_server(mailbox) as port:
        deliverer = EmailDeliverer(smtp_settings(port, smtp_starttls=True))
        with pytest.raises(DeliveryRefused) as refused:
            await deliverer.deliver(outgoing(invitation()))
    assert refused.value.error == "smtp_unsupported"
    assert mailbox.received == []


async def test_a_450_then_the_next_attempt_goes_through() -> None:
    mailbox = Mailbox(data_replies=["451 4.3.0 Try again later"])
    async with smtp_server(mailbox) as port:
        deliverer = EmailDeliverer(smtp_settings(port))
        with pytest.raises(DeliveryDeferred) as deferred:
            await deliverer.deliver(outgoing(invitation()))
        await deliverer.deliver(outgoing(invitation()))
    assert deferred.value.reason == "smtp_451"
    assert len(mailbox.received) == 1


# Each fault: the server's part, and what the scheduler is told.
SERVER_REPLIES = {
    "data_550": ("data_replies", "550 5.7.1 Message rejected as spam"),
    "rcpt_550": ("rcpt_replies", f"550 5.1.1 <{CUSTOMER}>: no such user"),
    "rcpt_450": ("rcpt_replies", "450 4.2.1 Mailbox busy"),
    "sender_553": ("mail_replies", "553 5.7.1 Sender address rejected"),
}
RAW_GREETINGS = {
    "never_answers": None,
    "hangs_up": b"220 mail.test ESMTP\r\n",
    "greeting_554": b"554 5.7.1 No service for you\r\n",
}


@pytest.mark.parametrize(
    ("fault", "expected", "code"),
    [
        ("nothing_listening", DeliveryDeferred, "smtp_connect"),
        ("never_answers", DeliveryDeferred, "smtp_timeout"),
        ("hangs_up", DeliveryDeferred, "smtp_disconnected"),
        ("greeting_554", DeliveryRefused, "smtp_554"),
        ("data_550", DeliveryRefused, "smtp_550"),
        ("rcpt_550", DeliveryRefused, "smtp_550"),
        ("rcpt_450", DeliveryDeferred, "smtp_450"),
        ("sender_553", DeliveryRefused, "smtp_sender_553"),
    ],
)
async def test_each_fault_reaches_the_scheduler_by_its_code_only(
    fault: str, expected: type[Exception], code: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mailbox = Mailbox()
    with pytest.raises(expected) as raised:
        if fault == "nothing_listening":
            with closed_port() as port:
                await EmailDeliverer(smtp_settings(port)).deliver(outgoing(invitation()))
        elif fault in RAW_GREETINGS:
            async with raw_server(RAW_GREETINGS[fault]) as port:
                settings = smtp_settings(port, smtp_timeout=0.2)
                await EmailDeliverer(settings).deliver(outgoing(invitation()))
        else:
            replies, reply = SERVER_REPLIES[fault]
            getattr(mailbox, replies).append(reply)
            async with smtp_server(mailbox) as port:
                await EmailDeliverer(smtp_settings(port)).deliver(outgoing(invitation()))

    error = raised.value
    assert isinstance(error, DeliveryRefused | DeliveryDeferred)
    assert (error.error if isinstance(error, DeliveryRefused) else error.reason) == code
    if isinstance(error, DeliveryRefused):
        assert error.channel == "email"  # where admins read it happened: not the address
    assert error.__cause__ is None  # the library's exception may quote the address
    # Every log line but the test server's own (aiosmtpd logs the whole conversation).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert CUSTOMER not in str(error.args) and CUSTOMER not in logged
    assert "put things right" not in logged  # nor the body
    assert code in logged
    assert mailbox.received == []


async def test_a_header_that_cannot_be_sent_is_refused_before_connecting() -> None:
    bad = Email(
        to=CUSTOMER,
        subject="Hello",
        text="x",
        html="<p>x</p>",
        message_id="m@x",
        headers={"List-Unsubscribe": "<https://x.test/u>\r\nBcc: someone@else.test"},
    )
    with closed_port() as port:
        with pytest.raises(DeliveryRefused) as refused:
            await EmailDeliverer(smtp_settings(port)).deliver(outgoing(bad))
        with pytest.raises(DeliveryRefused) as missing:
            await EmailDeliverer(smtp_settings(port)).deliver(outgoing(None))
    assert (refused.value.error, missing.value.error) == ("email_malformed", "email_missing")


def test_the_plug_in_is_registered_and_off_without_smtp_settings() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    value = project["project"]["entry-points"]["carebot.deliverers"]["email"]
    loaded = EntryPoint("email", value, "carebot.deliverers").load()
    assert loaded is factory
    db = cast(Database, None)  # the email deliverer needs no database
    assert factory(Settings(_env_file=None), db) is None
    assert factory(Settings(_env_file=None, smtp_host="mail.test"), db) is None
    assert isinstance(factory(smtp_settings(25), db), EmailDeliverer)
