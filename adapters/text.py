"""Text cut to a platform's limit, the same way on every platform."""

from __future__ import annotations

# Trailing punctuation left by a cut, dropped before the ellipsis.
_DANGLING = " ,;:·—-"


def fit(text: str, limit: int) -> str:
    """Text within `limit` characters: as it is when it fits, else cut at a word boundary
    with an ellipsis (a word longer than the limit is cut inside it)."""
    if len(text) <= limit:
        return text
    if limit < 2:
        return "…"[:limit]
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(_DANGLING) + "…"
