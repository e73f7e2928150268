"""Scoring and bands of the self-assessment, exactly as domain.md Part 3 states them."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bot.assessment.questions import ITEMS, SECTIONS
from bot.assessment.scoring import (
    Band,
    band,
    section_scores,
    shown,
    shown_total,
    total,
    weakest,
)


def everywhere(score: int) -> dict[str, int]:
    return {item.code: score for item in ITEMS}


def test_the_question_set_has_seven_sections_and_25_statements() -> None:
    assert [len(s.items) for s in SECTIONS] == [4, 4, 3, 3, 3, 5, 3]
    assert len({item.code for item in ITEMS}) == 25


@pytest.mark.parametrize(
    ("score", "expected_total", "expected_band"),
    [(1, 7, Band.AT_RISK), (3, 21, Band.ADEQUATE), (4, 28, Band.ASSET), (5, 35, Band.ASSET)],
)
def test_the_same_answer_everywhere(score: int, expected_total: int, expected_band: Band) -> None:
    scores = section_scores(everywhere(score))
    assert total(scores) == expected_total
    assert band(total(scores)) is expected_band


def test_a_section_is_the_mean_of_its_items() -> None:
    answers = everywhere(3) | {"1a": 5, "1b": 4, "1c": 4, "1d": 3}
    scores = section_scores(answers)
    assert scores[1] == 4  # the guide's worked example: (5+4+4+3)/4
    assert total(scores) == 22


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(83, 4), Band.AT_RISK),  # 20.75
        (Fraction(21), Band.ADEQUATE),
        (Fraction(1679, 60), Band.ADEQUATE),  # 27.983…, the highest total below 28
        (Fraction(27999, 1000), Band.ADEQUATE),
        (Fraction(28), Band.ASSET),
        (Fraction(35), Band.ASSET),
        (Fraction(7), Band.AT_RISK),
    ],
)
def test_band_edges_are_half_open(value: Fraction, expected: Band) -> None:
    assert band(value) is expected


def test_reachable_totals_next_to_the_edges() -> None:
    # One section of five items a fifth lower: 28 - 1/5 = 27.8, just adequate.
    answers = everywhere(4) | {"6a": 3}
    assert total(section_scores(answers)) == Fraction(139, 5)
    assert band(total(section_scores(answers))) is Band.ADEQUATE
    # Section 1 at 2.75 and the rest at 3: 20.75, at risk.
    answers = everywhere(3) | {"1a": 2}
    assert total(section_scores(answers)) == Fraction(83, 4)
    assert band(Fraction(83, 4)) is Band.AT_RISK


def test_display_rounds_to_two_decimals_without_crossing_a_band_edge() -> None:
    assert str(shown(Fraction(11, 3))) == "3.67"
    assert str(shown_total(Fraction(1679, 60))) == "27.98"
    assert str(shown_total(Fraction(27996, 1000))) == "27.99"  # rounding up would say 28.00
    assert str(shown_total(Fraction(28))) == "28.00"


def test_weakest_sections_are_the_lowest_and_ties_keep_section_order() -> None:
    answers = everywhere(4) | {"5a": 1, "5b": 1, "5c": 1, "3a": 2}
    assert weakest(section_scores(answers)) == [5, 3]
    assert weakest(section_scores(everywhere(3))) == [1, 2]


def test_incomplete_or_out_of_range_answers_are_refused() -> None:
    with pytest.raises(ValueError, match="unanswered"):
        section_scores({"1a": 3})
    with pytest.raises(ValueError, match="1 to 5"):
        section_scores(everywhere(3) | {"2b": 6})
