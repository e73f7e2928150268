"""Real SMTP servers for the tests, in the test's own event loop: aiosmtpd's server on a free
port, and the broken ones a mail host can be (silent, hanging up, nothing listening)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from bot.settings import Settings

HOST = "127.0.0.1"
SENDER = "Sharma Kirana <care@sharma.test>"
CUSTOMER = "ravi.kumar@customer.test"  # personal data: never in a log line


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    def message(self) -> EmailMessage:
        parsed = BytesParser(policy=policy.default).parsebytes(self.content)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Mailbox:
    """aiosmtpd's handler: keeps what it accepted; answers MAIL, RCPT and DATA with the queued
    replies first ("550 ...", "451 ..."), then accepts."""

    received: list[Received] = field(default_factory=list)
    mail_replies: list[str] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    password: str = "s3cret"

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.mail_replies:
            return self.mail_replies.pop(0)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        assert envelope.mail_from is not None and isinstance(envelope.original_content, bytes)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return "250 Message accepted"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        # handled=False: aiosmtpd answers (235 or 535) itself.
        return AuthResult(success=data.password.decode() == self.password, handled=False)


@asynccontextmanager
async def smtp_server(mailbox: Mailbox, *, auth: bool = False) -> AsyncIterator[int]:
    """aiosmtpd serving `mailbox` on a free port (yielded), without TLS; with AUTH if asked."""
    loop = asyncio.get_running_loop()
    options: dict[str, Any] = {"hostname": "mail.test", "loop": loop}
    if auth:  # over plain TCP here only: no certificate in a test
        options |= {"authenticator": mailbox.authenticate, "auth_require_tls": False}
    server = await loop.create_server(lambda: SMTP(mailbox, **options), HOST, 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()


@asynccontextmanager
async def raw_server(greeting: bytes | None) -> AsyncIterator[int]:
    """A TCP server that accepts, says `greeting` (or nothing: it hangs) and then hangs up once
    the client has something to say, or when the client gives up."""
    handlers: list[asyncio.Task[None]] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        if greeting is not None:
            writer.write(greeting)
            await writer.drain()
            await reader.readline()  # the client's EHLO: hang up on it
        else:
            await reader.read()  # never answer; ends when the client closes
        writer.close()

    server = await asyncio.start_server(serve, HOST, 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        server.close()
        await server.wait_closed()
        await asyncio.wait_for(asyncio.gather(*handlers, return_exceptions=True), 5)


@contextmanager
def closed_port() -> Iterator[int]:
    """A port with nothing listening: bound (so no one else takes it) but never listened on,
    so a connection is refused at once."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        yield sock.getsockname()[1]


def smtp_settings(port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "smtp_host": HOST,
        "smtp_port": port,
        "smtp_from": SENDER,
        "smtp_starttls": False,  # the test servers have no certificate
        "smtp_timeout": 5.0,
    }
    return Settings(_env_file=None, **(values | overrides))
