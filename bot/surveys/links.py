"""Survey links: a signed token that carries only the survey's id and expiry, the page's
URLs built from PUBLIC_URL, and the link as a QR code for a phone's camera or a receipt."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime

import segno
from itsdangerous import BadData, URLSafeSerializer

SALT = "carebot.survey"
TOKEN_MAX = 200  # longer than any token we sign: refused before any work


@dataclass(frozen=True)
class Token:
    survey_id: int
    expires_at: datetime


def sign(key: str, survey_id: int, expires_at: datetime) -> str:
    return str(URLSafeSerializer(key, salt=SALT).dumps([survey_id, int(expires_at.timestamp())]))


def read(key: str, token: str) -> Token | None:
    """The token's survey and expiry, or None when it was not signed by us (tampered, cut,
    made up): such a request is answered with "not found" and writes nothing."""
    if not token or len(token) > TOKEN_MAX:
        return None
    try:
        payload = URLSafeSerializer(key, salt=SALT).loads(token)
    except BadData:
        return None
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not all(type(part) is int for part in payload)
        or not 0 < payload[0] < 2**31
        or not 0 < payload[1] < 2**40
    ):
        return None
    return Token(payload[0], datetime.fromtimestamp(payload[1], UTC))


def page_url(base: str, token: str) -> str:
    return f"{base}/s/{token}"


def unsubscribe_url(base: str, token: str) -> str:
    return f"{base}/s/{token}/unsubscribe"


def qr_png(url: str) -> bytes:
    """The link as a PNG QR code, large enough to scan from a phone screen or paper."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
