"""Scheduled email through SMTP (aiosmtplib): a job kind with `via = "email"` lands here.

One connection per message, a few at a time: survey mail is a trickle, and a connection that
fails takes only its own message down. What the server refuses for good (a 5xx reply) becomes
DeliveryRefused with a short code ("smtp_550"), shown to admins; what may pass later (a 4xx
reply, a timeout, a refused or dropped connection) becomes DeliveryDeferred and is retried.

The recipient's address and the body are personal data: nothing here logs them, and no error
raised from here carries the library's exception (whose text may quote the address).
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import NoReturn

import aiosmtplib

from bot.clock import Clock, SystemClock
from bot.mail import Email
from bot.scheduled import DeliveryDeferred, DeliveryRefused, Outgoing
from bot.settings import Settings
from storage.db import Database

log = logging.getLogger(__name__)

CHANNEL = "email"  # where admins read a refusal happened (DeliveryFailure.channel)
CONNECTIONS = 4  # messages on their way at once


def compose(email: Email, sender: str, clock: Clock) -> EmailMessage:
    """The MIME message: text and HTML alternatives of the same words, UTF-8.

    Raises ValueError for a header that cannot be sent (a line break in a value)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(clock.now())
    message_id = email.message_id.strip()
    message["Message-ID"] = message_id if message_id.startswith("<") else f"<{message_id}>"
    for name, value in email.headers.items():
        message[name] = value
    message.set_content(email.text, charset="utf-8")
    message.add_alternative(email.html, subtype="html", charset="utf-8")
    # After the parts: set_content clears Content-* headers, and making the message multipart
    # moves them to its first part.
    message["Content-Language"] = email.language
    return message


class EmailDeliverer:
    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        if not settings.smtp_host or not settings.smtp_from:
            raise ValueError("email needs SMTP_HOST and SMTP_FROM")
        self.host = settings.smtp_host
        self.port = settings.smtp_port
        self.sender = settings.smtp_from
        self.envelope_sender = parseaddr(settings.smtp_from)[1] or settings.smtp_from
        self.username = settings.smtp_username
        password = settings.smtp_password
        self.password = password.get_secret_value() if password is not None else None
        self.use_tls = settings.smtp_tls
        # Implicit TLS and STARTTLS exclude each other; TLS from the first byte wins.
        self.start_tls = settings.smtp_starttls and not settings.smtp_tls
        self.timeout = settings.smtp_timeout
        self.clock = clock or SystemClock()
        self._gate = asyncio.Semaphore(CONNECTIONS)

    async def deliver(self, outgoing: Outgoing) -> None:
        email = outgoing.email
        if email is None:  # a kind sent a chat reply this way: a bug, never worth a retry
            _refuse("email_missing")
        try:
            message = compose(email, self.sender, self.clock)
        except (ValueError, TypeError):
            _refuse("email_malformed")
        async with self._gate:
            try:
                await aiosmtplib.send(
                    message,
                    sender=self.envelope_sender,
                    recipients=[email.to],
                    hostname=self.host,
                    port=self.port,
                    username=self.username if self.username else None,
                    password=self.password if self.username else None,
                    use_tls=self.use_tls,
                    start_tls=self.start_tls,
                    timeout=self.timeout,
                )
            except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as exc:
                _raise_for(exc)


def _raise_for(exc: BaseException) -> NoReturn:
    """The scheduler's exception for an SMTP failure, named by its code only."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [refused.code for refused in exc.recipients]
        _by_code(min(codes) if codes else 550, "smtp")  # one recipient: its own code
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        _by_code(exc.code, "smtp_sender")
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        _by_code(exc.code, "smtp_auth")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        _by_code(exc.code, "smtp")
    if isinstance(exc, TimeoutError):  # SMTPTimeoutError and its connect/read kinds too
        _defer("smtp_timeout")
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected):
        _defer("smtp_disconnected")
    if isinstance(exc, aiosmtplib.SMTPConnectError | OSError):  # refused, reset, no route, TLS
        _defer("smtp_connect")
    if isinstance(exc, ValueError):  # an address that cannot go on an SMTP command line
        _refuse("email_malformed")
    # SMTPNotSupported and plain SMTPException: the server lacks what the settings require
    # (STARTTLS, AUTH, SMTPUTF8). Retrying will not change it; an admin must.
    _refuse("smtp_unsupported")


def _by_code(code: int, prefix: str) -> NoReturn:
    if 500 <= code <= 599:
        _refuse(f"{prefix}_{code}")
    _defer(f"{prefix}_{code}")  # 4xx, or a reply that is no SMTP code at all


def _refuse(error: str) -> NoReturn:
    log.warning("email.refused error=%s", error, extra={"event": "email.refused", "error": error})
    raise DeliveryRefused(error, CHANNEL) from None


def _defer(reason: str) -> NoReturn:
    extra = {"event": "email.deferred", "error": reason}
    log.warning("email.deferred error=%s", reason, extra=extra)
    raise DeliveryDeferred(reason) from None


def factory(settings: Settings, _db: Database) -> EmailDeliverer | None:
    """The scheduler's plug-in: None when this installation has no SMTP server set."""
    if not settings.email_configured():
        return None
    return EmailDeliverer(settings)
