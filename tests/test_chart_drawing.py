"""Charts read in the reader's own script: every kind drawn in every language, its words shaped
(Devanagari and Bengali conjuncts as conjuncts), compared with a snapshot kept in
tests/snapshots/charts so that a change that drops or garbles the words fails.

The charts are drawn in this process by the worker's own function (bot.chart_worker.draw),
from the arguments the real views give: the digest's from `render`, the assessment's the way
its views build them. Regenerate the snapshots after a deliberate change of look with
UPDATE_SNAPSHOTS=1; each regenerated PNG is worth a look before it is committed.
"""

from __future__ import annotations

import io
import json
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat, features

from bot import drawing
from bot.assessment.questions import SECTIONS
from bot.assessment.scoring import BAND_LABELS, Band
from bot.chart_worker import draw
from bot.digest.content import Cost, Counts, Digest, Issue, Targets
from bot.digest.feedback import SurveyWeek
from bot.digest.views import render
from bot.goals.metrics import Scores
from bot.goals.periods import week_of
from bot.goals.service import Status, recent_weeks
from bot.i18n import Translator
from storage.models import Goal

LANGUAGES = ("en", "hi", "mr", "bn", "tl")
SNAPSHOTS = Path(__file__).parent / "snapshots" / "charts"
ARTIFACTS = Path(__file__).parent / "artifacts"
TOLERANCE = 1.0  # mean difference per channel (0–255) a snapshot may differ by
UTC = ZoneInfo("UTC")


def _digest() -> Digest:
    week = week_of(date(2026, 11, 2), UTC)
    goals = [
        Goal(id=1, number=1, metric="complaints_count", param=None, comparison="le",
             target=Decimal(5), period="week"),
        Goal(id=2, number=2, metric="resolved_within_pct", param="24", comparison="ge",
             target=Decimal(80), period="week"),
    ]  # fmt: skip
    return Digest(
        week=week,
        goals=[
            Status(goals[0], week, Decimal(7), Decimal(4)),
            Status(goals[1], week, Decimal("86.5"), Decimal(78)),
        ],
        complaints=Counts(new=7, resolved=5, open=4, overdue=1, escalated=0),
        checks_done=2,
        checks_missed=0,
        issues_window=week_of(date(2026, 10, 12), UTC),
        by_frequency=[Issue("delivery", 12), Issue("product_defect", 7), Issue("Gift wrapping", 3)],
        by_cost={"INR": [Cost("product_defect", 1250000), Cost("delivery", 30100)]},
        team=None,
        surveys=SurveyWeek(sent=0, answered=0, scores=Scores(0, 0, 0), quotes=[]),
        targets=Targets(responses=(0, 0), resolutions=(0, 0), breaches=[]),
        weeks=recent_weeks(week),
        goal_history={
            1: [Decimal(3), Decimal(4), None, Decimal(6), Decimal(4), Decimal(7)],
            2: [Decimal(70), Decimal(74), Decimal(79), Decimal(81), Decimal(78), Decimal("86.5")],
        },
    )


def _digest_charts(language: str) -> dict[str, dict[str, Any]]:
    message = render(_digest(), Translator(language), currency="INR")
    charts = [(f.filename, f.chart) for f in message.files if f.chart is not None]
    return {name.split("-20")[0]: json.loads(chart.args) for name, chart in charts}


def _radar(t: Translator) -> dict[str, Any]:
    return {
        "title": t("Section scores (1 to 5)"),
        "sections": [f"{s.number}. {t(s.title)}" for s in SECTIONS],
        "current": [4.0, 3.25, 5.0, 2.5, 2.0, 4.0, 3.0],
        "previous": [3.0, 3.0, 4.0, 3.0, 2.0, 3.5, 3.0],
        "legends": [
            t("This result ({date})").format(date=t.date(_moment(40))),
            t("The one before ({date})").format(date=t.date(_moment(0))),
        ],
        "scale": [t.number(k, 0) for k in range(1, 6)],
    }


def _trend(t: Translator) -> dict[str, Any]:
    months = [date(2026, m, 1) for m in range(1, 13)]
    return {
        "title": t("Average total by month"),
        "labels": [t.short_month(m) for m in months],
        "totals": [19, 21, 22, 24.5, 26, 27, 25, 28, 29.25, 30, 31, 28.5],
        "bands": [t(BAND_LABELS[b]) for b in (Band.AT_RISK, Band.ADEQUATE, Band.ASSET)],
        "axis": t("Total of 35"),
    }


def _moment(days: int) -> Any:
    from datetime import datetime

    return datetime(2026, 11, 2, 12, tzinfo=UTC) + timedelta(days=days)


def charts(language: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Each kind's arguments in `language`, by snapshot name."""
    t = Translator(language)
    digest = _digest_charts(language)
    return {
        "hbars": ("hbars", digest["top-issues"]),
        "hbars-cost": ("hbars", digest["top-issues-inr"]),
        "goals": ("goals", digest["goals"]),
        "radar": ("radar", _radar(t)),
        "trend": ("trend", _trend(t)),
    }


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    """The mean difference per channel (0–255); 255 when the sizes differ."""
    if a.size != b.size:
        return 255.0
    return sum(ImageStat.Stat(ImageChops.difference(a, b)).mean) / 3


CASES = [(language, name) for language in LANGUAGES for name in charts("en")]


def test_the_text_engine_shapes_scripts() -> None:
    assert features.check("raqm"), "Pillow without libraqm cannot shape Indic scripts"


@pytest.mark.parametrize(("language", "name"), CASES)
def test_each_chart_in_each_language_matches_its_snapshot(language: str, name: str) -> None:
    kind, args = charts(language)[name]
    png = draw(kind, args)
    image = _image(png)
    assert png.startswith(b"\x89PNG") and image.width == 800
    assert 200 < image.height < 1600
    path = SNAPSHOTS / f"{name}-{language}.png"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
    assert difference(image, Image.open(path).convert("RGB")) <= TOLERANCE


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_chart_without_its_words_does_not_pass_for_the_snapshot(
    language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, args = charts(language)["hbars"]
    snapshot = Image.open(SNAPSHOTS / f"hbars-{language}.png").convert("RGB")
    # The same layout with the bars' names left out (they are the right-aligned text).
    text = drawing.Canvas.text

    def names_left_out(canvas: drawing.Canvas, *a: Any, **k: Any) -> float:
        return 0.0 if k.get("align") == "right" else text(canvas, *a, **k)

    with monkeypatch.context() as patched:
        patched.setattr(drawing.Canvas, "text", names_left_out)
        unnamed = _image(draw("hbars", args))
    assert unnamed.size == snapshot.size and difference(unnamed, snapshot) > 2 * TOLERANCE
    blank = {**args, "bars": [["", value, shown] for _, value, shown in args["bars"]]}
    assert difference(_image(draw("hbars", blank)), snapshot) > TOLERANCE
    untitled = {**args, "title": ""}
    assert difference(_image(draw("hbars", untitled)), snapshot) > TOLERANCE


def test_charts_carry_the_readers_words() -> None:
    hindi = charts("hi")
    assert hindi["hbars"][1]["title"] == "मुख्य समस्याएँ: कितनी बार आईं"
    assert hindi["goals"][1]["goals"][0]["verdict"] == "लक्ष्य से पीछे"  # off track, in words
    assert hindi["goals"][1]["goals"][1]["verdict"] == "पूरा हुआ"
    bengali = charts("bn")
    assert bengali["radar"][1]["sections"][0].startswith("1. ")
    assert all(not s.isascii() for s in bengali["radar"][1]["sections"])


def _ink(image: Image.Image) -> Image.Image:
    return image.convert("L").point(lambda v: 255 if v < 160 else 0)


@pytest.mark.parametrize(
    ("script", "cluster"),
    [(drawing.DEVANAGARI, "क्ष"), (drawing.DEVANAGARI, "श्र"), (drawing.BENGALI, "ক্ষ")],
)
def test_conjuncts_are_drawn_as_conjuncts(script: str, cluster: str) -> None:
    """The canvas draws a conjunct as the shaping engine does, not as its letters one by one
    (with a visible virama), which is what an unshaped sequence looks like."""

    def shaped(text: str) -> Image.Image:
        canvas = drawing.Canvas(60, width=200)
        canvas.text(10, 45, text, 32)
        return _ink(_image(canvas.png()))

    face = drawing.font(script, 32 * drawing.SCALE)
    unshaped = drawing.Canvas(60, width=200)
    x = 10 * drawing.SCALE
    for letter in cluster:  # each letter on its own: no shaping across them
        unshaped.draw.text((x, 45 * drawing.SCALE), letter, fill="black", font=face, anchor="ls")
        x += face.getlength(letter)
    basic = ImageFont.truetype(face.path, face.size, layout_engine=ImageFont.Layout.BASIC)
    assert ImageChops.difference(shaped(cluster), _ink(_image(unshaped.png()))).getbbox()
    assert face.getlength(cluster) != basic.getlength(cluster)
    # Inside a word and a mixed-script label, the cluster is drawn the same way.
    word = shaped(f"a {cluster}")
    assert ImageChops.difference(word, shaped("a ")).getbbox()
    reference = Image.new("L", (400, 120), 0)
    ImageDraw.Draw(reference).text((20, 90), cluster, fill=255, font=face, anchor="ls")
    assert reference.getbbox()


def test_strings_are_split_into_runs_by_script() -> None:
    assert drawing.runs("Goal 1: क्षमा · ক্ষমা (80%)") == [
        (drawing.LATIN, "Goal 1: "),
        (drawing.DEVANAGARI, "क्षमा · "),
        (drawing.BENGALI, "ক্ষমা (80%)"),
    ]
    assert drawing.runs("12 ₹") == [(drawing.LATIN, "12 ₹")]
    assert drawing.fit("क्षतिग्रस्त सामान", 24, 60).endswith("…")
    assert not drawing.fit("क्षतिग्रस्त सामान", 24, 60).rstrip("…").endswith("\u094d")


def test_the_fonts_and_their_licence_ship_in_the_package() -> None:
    names = {p.name for p in drawing.FONTS.iterdir()}
    for family in ("NotoSans", "NotoSansDevanagari", "NotoSansBengali"):
        assert {f"{family}-Regular.ttf", f"{family}-Bold.ttf"} <= names
    assert "SIL OPEN FONT LICENSE Version 1.1" in (drawing.FONTS / "OFL.txt").read_text()
    package_data = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    assert '"fonts/*.ttf", "fonts/OFL.txt"' in package_data


def test_a_hindi_digest_chart_is_saved_to_look_at() -> None:
    """Not a check: tests/artifacts (ignored by git) gets the Hindi digest's charts."""
    ARTIFACTS.mkdir(exist_ok=True)
    for name in ("hbars", "goals"):
        kind, args = charts("hi")[name]
        (ARTIFACTS / f"digest-{name}-hi.png").write_bytes(draw(kind, args))
