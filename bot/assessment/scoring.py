"""Exact scoring: section score = mean of its items, total = sum of the seven (7 to 35).

Fractions, never floats: a band edge (21, 28) must not depend on rounding.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from bot.assessment.questions import ITEMS, SECTIONS
from bot.i18n import N_


class Band(StrEnum):
    ASSET = "asset"
    ADEQUATE = "adequate"
    AT_RISK = "at_risk"


BAND_LABELS = {Band.ASSET: N_("Asset"), Band.ADEQUATE: N_("Adequate"), Band.AT_RISK: N_("At risk")}
BAND_MEANINGS = {
    Band.ASSET: N_(
        "Your service is an asset: responsive and tailored to your customers. "
        "Focus on the weakest sections below."
    ),
    Band.ADEQUATE: N_("Your service is adequate, but it needs improvement overall."),
    Band.AT_RISK: N_("You are likely losing customers because of poor service."),
}
ASSET_FROM = Fraction(28)
ADEQUATE_FROM = Fraction(21)


def band(total: Fraction) -> Band:
    """Half-open ranges: 28 ≤ asset ≤ 35, 21 ≤ adequate < 28, 7 ≤ at risk < 21."""
    if total >= ASSET_FROM:
        return Band.ASSET
    if total >= ADEQUATE_FROM:
        return Band.ADEQUATE
    return Band.AT_RISK


def section_scores(answers: Mapping[str, int]) -> dict[int, Fraction]:
    """Each section's mean, for a complete set of answers (one 1–5 score per item)."""
    missing = [item.code for item in ITEMS if item.code not in answers]
    if missing:
        raise ValueError(f"unanswered items: {missing}")
    if any(not 1 <= answers[item.code] <= 5 for item in ITEMS):
        raise ValueError("scores run from 1 to 5")
    return {
        s.number: Fraction(sum(answers[i.code] for i in s.items), len(s.items)) for s in SECTIONS
    }


def total(scores: Mapping[int, Fraction]) -> Fraction:
    return sum(scores.values(), Fraction(0))


def weakest(scores: Mapping[int, Fraction], count: int = 2) -> list[int]:
    """The lowest sections; a tie goes to the earlier section, so the order is stable."""
    return sorted(scores, key=lambda number: (scores[number], number))[:count]


def mean(values: Iterable[Fraction]) -> Fraction:
    values = list(values)
    return sum(values, Fraction(0)) / len(values) if values else Fraction(0)


def shown(value: Fraction, decimals: int = 2) -> Decimal:
    """A score for display, rounded half up to `decimals`."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown_total(value: Fraction) -> Decimal:
    """A total for display; never rounded across a band edge (27.996 shows 27.99, not 28)."""
    rounded = shown(value)
    if band(Fraction(rounded)) is not band(value):
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return rounded
