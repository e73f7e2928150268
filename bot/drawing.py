"""A Pillow canvas for charts whose words are in Latin, Devanagari or Bengali script.

Text is shaped by libraqm (HarfBuzz), so conjuncts and vowel signs come out as a reader
writes them. Each string is split into runs by script and every run is drawn in the Noto
font for its script (shipped in bot/fonts, under the SIL Open Font License): no single font
holds all three. Everything is drawn at twice the size and scaled down once at the end, which
smooths the edges of lines and polygons (ImageDraw draws them without anti-aliasing).

Only the chart worker (bot.chart_worker) imports this module: Pillow stays out of the bot's
own process (bot.charts).
"""

from __future__ import annotations

import io
import itertools
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).parent / "fonts"
SCALE = 2  # drawn at twice the size, then scaled down: smooth edges
WIDTH = 800  # a chart's width: shown at about 400 px on a phone, so text is 22 px or more

INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
THIS = "#1f6feb"
BEFORE = "#8c959f"
MET = "#1a7f37"
OFF = "#cf222e"

TEXT = 24  # body text, px at WIDTH
SMALL = 22  # notes, ticks: the smallest text on any chart
TITLE = 30

LATIN, DEVANAGARI, BENGALI = "Latin", "Devanagari", "Bengali"
_FILES = {LATIN: "NotoSans", DEVANAGARI: "NotoSansDevanagari", BENGALI: "NotoSansBengali"}
_LANGUAGES = {LATIN: "en", DEVANAGARI: "hi", BENGALI: "bn"}
# Characters none of the fonts has, drawn as their nearest look-alike.
_SUBSTITUTES = str.maketrans({"\u2212": "-", "\u2264": "<=", "\u2265": ">="})
_SHARED = "\u0964\u0965"  # the dandas: punctuation of both Indic scripts


def script_of(char: str) -> str | None:
    """The script a character needs its font for; None for one any font draws (a space, a
    digit, punctuation), which goes with the run it stands in."""
    code = ord(char)
    if char in _SHARED:
        return None
    if 0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF:
        return DEVANAGARI
    if 0x0980 <= code <= 0x09FF:
        return BENGALI
    if char.isalpha() or unicodedata.category(char).startswith("M"):
        return LATIN
    return None


def runs(text: str) -> list[tuple[str, str]]:
    """`text` as (script, run) pairs in order; neutral characters join the run before them
    (at the start, the first run after them)."""
    result: list[tuple[str, str]] = []
    pending = ""
    for char in text.translate(_SUBSTITUTES):
        script = script_of(char)
        if script is None:
            if result:
                result[-1] = (result[-1][0], result[-1][1] + char)
            else:
                pending += char
        elif result and result[-1][0] == script:
            result[-1] = (script, result[-1][1] + char)
        else:
            result.append((script, pending + char))
            pending = ""
    if pending:
        result.append((LATIN, pending))
    return result


@lru_cache(maxsize=64)
def font(script: str, size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The script's font at `size` px (already scaled), laid out by libraqm."""
    weight = "Bold" if bold else "Regular"
    path = FONTS / f"{_FILES[script]}-{weight}.ttf"
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)


def _length(script: str, run: str, size: int, bold: bool) -> float:
    return font(script, size, bold).getlength(run, language=_LANGUAGES[script])


def text_width(text: str, size: int, bold: bool = False) -> float:
    """The width of `text` at `size` px, in the chart's (unscaled) pixels."""
    return sum(_length(s, r, size * SCALE, bold) for s, r in runs(text)) / SCALE


def _clusters(text: str) -> list[str]:
    """`text` cut where a cut leaves every syllable whole: never before a combining mark, nor
    after a virama (which joins the next consonant into a conjunct)."""
    pieces: list[str] = []
    for char in text:
        joins = unicodedata.category(char).startswith("M") or (
            pieces and pieces[-1][-1] in "\u094d\u09cd"
        )
        if pieces and joins:
            pieces[-1] += char
        else:
            pieces.append(char)
    return pieces


def fit(text: str, size: int, width: float, bold: bool = False) -> str:
    """`text`, shortened with "…" at a whole syllable if it is wider than `width`."""
    if text_width(text, size, bold) <= width:
        return text
    pieces = _clusters(text)
    while pieces and text_width("".join(pieces) + "…", size, bold) > width:
        pieces.pop()
    return "".join(pieces).rstrip() + "…"


def wrap(text: str, size: int, width: float, lines: int = 2, bold: bool = False) -> list[str]:
    """`text` in at most `lines` lines no wider than `width`, broken at spaces; the last line
    shortened with "…" if the words do not fit."""
    result: list[str] = []
    words = text.split()
    while words and len(result) < lines:
        line = words.pop(0)
        while words and text_width(f"{line} {words[0]}", size, bold) <= width:
            line += " " + words.pop(0)
        result.append(line)
    if words:
        result[-1] = fit(f"{result[-1]} {' '.join(words)}", size, width, bold)
    return [fit(line, size, width, bold) for line in result]


class Canvas:
    """A white chart `height` px high and WIDTH (or `width`) wide; coordinates in those px."""

    def __init__(self, height: float, width: int = WIDTH) -> None:
        self.width = width
        self.height = int(height)
        self.image = Image.new("RGB", (width * SCALE, self.height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _at(points: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        return [(x * SCALE, y * SCALE) for x, y in points]

    def text(
        self,
        x: float,
        baseline: float,
        text: str,
        size: int = TEXT,
        fill: str = INK,
        bold: bool = False,
        align: str = "left",
    ) -> float:
        """Draws `text` on `baseline` starting at `x` (or ending at, or centred on, with
        `align` "right" / "centre"); returns its width."""
        width = text_width(text, size, bold)
        left = x - width if align == "right" else x - width / 2 if align == "centre" else x
        cursor = left * SCALE
        for script, run in runs(text):
            face = font(script, size * SCALE, bold)
            language = _LANGUAGES[script]
            self.draw.text(
                (cursor, baseline * SCALE), run, fill=fill, font=face, anchor="ls",
                language=language,
            )  # fmt: skip
            cursor += face.getlength(run, language=language)
        return width

    def rectangle(self, box: tuple[float, float, float, float], fill: str) -> None:
        x0, y0, x1, y1 = box
        self.draw.rectangle((x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE), fill=fill)

    def rounded(self, box: tuple[float, float, float, float], fill: str, radius: float) -> None:
        x0, y0, x1, y1 = box
        self.draw.rounded_rectangle(
            (x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE), radius * SCALE, fill=fill
        )

    def line(
        self, points: Sequence[tuple[float, float]], fill: str, width: float = 2, dash: float = 0
    ) -> None:
        """A polyline; dashed in `dash`-px pieces when `dash` is set."""
        if not dash:
            self.draw.line(self._at(points), fill=fill, width=round(width * SCALE), joint="curve")
            return
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
            steps = max(int(length / dash), 1)
            for k in range(0, steps, 2):
                a, b = k / steps, min((k + 1) / steps, 1.0)
                piece = [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a)]
                piece.append((x0 + (x1 - x0) * b, y0 + (y1 - y0) * b))
                self.draw.line(self._at(piece), fill=fill, width=round(width * SCALE))

    def polygon(
        self, points: Sequence[tuple[float, float]], fill: str | None, outline: str | None = None
    ) -> None:
        self.draw.polygon(self._at(points), fill=fill, outline=outline)

    def dot(self, x: float, y: float, radius: float, fill: str) -> None:
        r = radius * SCALE
        self.draw.ellipse((x * SCALE - r, y * SCALE - r, x * SCALE + r, y * SCALE + r), fill=fill)

    def translucent(self, points: Sequence[tuple[float, float]], fill: str, alpha: int) -> None:
        """A polygon filled with `fill` at `alpha` (0–255) over what is drawn already."""
        layer = Image.new("RGBA", self.image.size, (0, 0, 0, 0))
        ImageDraw.Draw(layer).polygon(self._at(points), fill=fill)
        mask = layer.getchannel("A").point(lambda v: alpha if v else 0)
        self.image.paste(Image.new("RGB", self.image.size, fill), mask=mask)

    def png(self) -> bytes:
        scaled = self.image.reduce(SCALE)  # a box filter: smooth, and quick
        buffer = io.BytesIO()
        scaled.save(buffer, format="PNG")
        return buffer.getvalue()


def title_block(canvas: Canvas, title: str, note: str | None, top: float = 20) -> float:
    """The chart's title (and a smaller note under it) at the top; returns where they end."""
    y = top
    for line in wrap(title, TITLE, canvas.width - 48, lines=2, bold=True):
        y += TITLE * 1.5
        canvas.text(24, y, line, TITLE, bold=True)
    for line in wrap(note, SMALL, canvas.width - 48, lines=2) if note else []:
        y += SMALL * 1.6
        canvas.text(24, y, line, SMALL, fill=MUTED)
    return y + 16


def legend(canvas: Canvas, y: float, entries: Sequence[tuple[str, str, bool]]) -> None:
    """Entries (colour, words, dashed) in one row from the left, a swatch before each words;
    a second row if they do not fit."""
    x = 24.0
    for colour, words, dashed in entries:
        width = 40 + 10 + text_width(words, SMALL) + 28
        if x > 24 and x + width > canvas.width - 24:
            x, y = 24.0, y + SMALL * 1.8
        canvas.line([(x, y - 8), (x + 40, y - 8)], colour, width=4, dash=8 if dashed else 0)
        canvas.text(x + 50, y, fit(words, SMALL, canvas.width - 24 - x - 50), SMALL)
        x += width
