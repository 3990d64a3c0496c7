"""Justified Thai (``build.py build --justify``), measured from the glyph positions in the PDF:
lines end at the measure, nothing is letter-spaced inside a word, phrase spaces stay wider than
the gaps between words; and the Knuth–Plass line breaker on small cases worked out by hand."""

from __future__ import annotations

import statistics
import unicodedata

import pdfplumber
import pytest

from edition.config import load_print_config
from edition.thai import segment
from edition.writers.justify import Measure, break_paragraph, stretch_points
from tests.conftest import ROOT
from tests.test_print import MM

BODY_SIZE = 10.5  # pt, styles/print.yaml


def _body_lines(pdf):
    """Lines of body-size glyphs on each page, in content-stream order, grouped by baseline."""
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            lines: dict[float, list[dict]] = {}
            for ch in page.chars:
                if abs(ch["size"] - BODY_SIZE) < 0.2:
                    lines.setdefault(-round(ch["matrix"][5], 1), []).append(ch)  # the baseline
            for _, chars in sorted(lines.items()):
                yield number, chars


def _column(trim: str = "A5") -> tuple[float, float]:
    """The right edge of the text column on a recto and on a verso page, in pt, from the config."""
    cfg = load_print_config(ROOT, trim)
    mm = {k: float(v.removesuffix("mm")) * float(MM) for k, v in cfg.margins.items()}
    width = float(cfg.width.removesuffix("mm")) * float(MM)
    return width - mm["outside"], width - mm["inside"]


def _is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text)


def _gaps(pdf, words):
    """Gaps (em) between consecutive base glyphs of every line: at phrase spaces, at Thai word
    boundaries of the line's segmentation, inside words."""
    spaces, boundaries, inside = [], [], []
    for _, chars in _body_lines(pdf):
        base = [c for c in chars if not _is_mark(c["text"])]
        text = "".join(c["text"] for c in chars)
        ends, pos = set(), 0
        for token in segment(text, words):
            pos += len(token)
            ends.add(pos)
        offsets, k = [], 0
        for c in chars:
            k += len(c["text"])
            if not _is_mark(c["text"]):
                offsets.append(k)
        for i in range(len(base) - 1):
            a, b = base[i], base[i + 1]
            if a["text"] == " ":
                continue
            if b["text"] == " ":
                if i + 2 < len(base):
                    spaces.append((base[i + 2]["x0"] - a["x1"]) / BODY_SIZE)
                continue
            gap = (b["x0"] - a["x1"]) / BODY_SIZE
            thai = "\u0e00" <= a["text"] <= "\u0e7f" and "\u0e00" <= b["text"] <= "\u0e7f"
            end = offsets[i]
            while end < len(text) and _is_mark(text[end]):
                end += 1
            if thai and end in ends:
                boundaries.append(gap)
            elif thai:
                inside.append(gap)
    return spaces, boundaries, inside


def _pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def test_justified_lines_end_at_the_measure(trim_pdfs, built, edition):
    recto, verso = _column()
    paragraphs = sum(1 for c in edition.chapters for s in c.sections for _ in s.paragraphs)

    def short_lines(pdf):
        short = 0
        for page, chars in _body_lines(pdf):
            right = max(c["x1"] for c in chars if c["text"].strip())
            edge = recto if page % 2 else verso
            # nothing overflows (0.5 pt asked; measured here up to 0.56 pt from pdfplumber's advances)
            assert right <= edge + 0.6, (page, "".join(c["text"] for c in chars))
            if edge - right > 0.5:
                short += 1
        return short

    justified, ragged = short_lines(trim_pdfs["A5-justified"]), short_lines(built.pdf)
    # only the last line of a paragraph (and the odd body-size line of the front matter) stays short
    assert justified <= paragraphs + 10, justified
    assert ragged > 5 * paragraphs  # the measurement sees ragged lines as short


def test_justified_gaps_no_letter_spacing_and_phrase_spaces_wider_than_word_gaps(trim_pdfs, edition):
    spaces, boundaries, inside = _gaps(trim_pdfs["A5-justified"], edition.custom_words)
    assert len(boundaries) > 3000 and len(spaces) > 500 and len(inside) > 10000
    assert _pct(inside, 0.95) < 0.01  # no letter-spacing inside words
    assert statistics.median(spaces) > statistics.median(boundaries) + 0.1
    assert _pct(boundaries, 0.01) > -0.01  # nothing overlaps (a kerned pair may be tighter)


def _measure(widths: list[float], width: float) -> Measure:
    xs, x = [], 0.0
    for w in widths:
        xs.append(x)
        x += w
    return Measure(tuple(xs), x, 0.0, width, 10.0)


def test_knuth_plass_prefers_even_lines_to_a_greedy_first_line():
    # eight one-character "words" of width 10 with a break after each; measure 30. Greedy sets
    # 3+3+2; the paragraph-wide optimum is the same three lines, never a loose first line.
    text = "กขคงจฉชซ"
    breaks = list(range(1, 8))
    chosen, loose = break_paragraph(text, breaks, _measure([10.0] * 8, 30.0))
    assert chosen == [3, 6] and loose == 0


def _demerits(widths, width, chosen, stretch_per_boundary):
    """The sum of (10 + 100 r^3)^2 over the non-final lines: TeX's demerits, computed here
    independently of the line breaker, for lines of one-character words."""
    total, start = 0.0, 0
    for b in chosen:
        natural = sum(widths[start:b])
        r = (width - natural) / (stretch_per_boundary * (b - start - 1))
        assert natural <= width + 1e-9
        total += (10 + 100 * r ** 3) ** 2
        start = b
    assert sum(widths[start:]) <= width
    return total


def test_knuth_plass_is_at_least_as_good_as_greedy_on_random_paragraphs():
    import random

    from edition.writers.justify import WORD_STRETCH

    rng = random.Random(7)
    for _ in range(20):
        widths = [rng.choice([14.0, 18.0, 22.0, 25.0, 31.0, 40.0]) for _ in range(60)]
        text = "ก" * len(widths)
        width = 300.0
        greedy, line = [], 0.0
        for i, w in enumerate(widths):
            if line + w > width:
                greedy.append(i)
                line = 0.0
            line += w
        chosen, _ = break_paragraph(text, list(range(1, len(text))), _measure(widths, width))
        stretch = WORD_STRETCH * 10.0
        assert _demerits(widths, width, chosen, stretch) <= _demerits(widths, width, greedy, stretch)


def test_stretch_points_are_phrase_spaces_and_word_boundaries_only():
    text = "ทรอตสกี กล่าวว่า"
    # breaks: after the space (8) and between กล่าว|ว่า (13); none inside the name
    points = stretch_points(text, [8, 13], 10.0)
    assert [(p.after, p.shrink > 0) for p in points] == [(7, True), (12, False)]


@pytest.mark.parametrize("trim", ["A5-justified"])
def test_justified_copy_text_has_no_added_characters(trim_pdfs, trim):
    from tests.conftest import pdftotext

    text = pdftotext(trim_pdfs[trim])
    assert "\u200b" not in text and "\ue002" not in text
    assert "น้ำ" in text  # ำ intact through the stretched runs
