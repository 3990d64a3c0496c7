"""Justified Thai (``build.py build --justify``), measured from the glyph positions in the PDF:
lines end at the measure, nothing is letter-spaced inside a word, phrase spaces stay wider than
the gaps between words; and the Knuth–Plass line breaker on small cases worked out by hand."""

from __future__ import annotations

import statistics

import pytest

from edition.cache import Cache
from edition.measure import chapter_pages, gaps, pct, short_lines
from edition.seam.layout import Measure
from edition.writers.justify import break_paragraph, stretch_points

TRIMS = ["A5", "B5", "6x9in"]


@pytest.mark.parametrize("trim", TRIMS)
def test_every_line_but_a_paragraphs_last_ends_at_the_measure(trim_pdfs, edition, trim):
    pdf = trim_pdfs[trim]
    paragraphs = sum(1 for c in edition.chapters for s in c.sections for _ in s.paragraphs)
    assert short_lines(pdf, trim, chapter_pages(pdf.parent.parent, edition)) <= paragraphs


def test_ragged_right_is_still_there_and_the_measurement_sees_it(trim_pdfs, edition):
    pdf = trim_pdfs["A5-ragged"]
    paragraphs = sum(1 for c in edition.chapters for s in c.sections for _ in s.paragraphs)
    assert short_lines(pdf, "A5", chapter_pages(pdf.parent.parent, edition)) > 5 * paragraphs


@pytest.mark.parametrize("trim", TRIMS)
def test_gaps_meet_the_limits_with_no_letter_spacing(trim_pdfs, edition, trim):
    pdf = trim_pdfs[trim]
    spaces, boundaries, inside = gaps(pdf, edition.custom_words, chapter_pages(pdf.parent.parent, edition))
    assert len(boundaries) > 5000 and len(spaces) > 500 and len(inside) > 10000  # the chapter was measured
    assert pct(spaces, 0.95) <= 0.30 and pct(spaces, 0.99) <= 0.40
    assert pct(boundaries, 0.95) <= 0.10 and pct(boundaries, 0.99) <= 0.15
    assert pct(inside, 0.95) < 0.01  # no letter-spacing inside words
    # phrase spaces stay visibly wider than the gaps between words
    assert statistics.median(spaces) > statistics.median(boundaries) + 0.15
    assert pct(boundaries, 0.01) > -0.01  # nothing overlaps (a kerned pair may be tighter)


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
    independently of the line breaker, for lines of one-character words whose stretch is the
    boundaries' and the glyph scaling's (EXPANSION of the line's width)."""
    from edition.writers.justify import EXPANSION

    total, start = 0.0, 0
    for b in chosen:
        natural = sum(widths[start:b])
        if natural <= width:
            r = (width - natural) / (stretch_per_boundary * (b - start - 1) + EXPANSION * natural)
        else:  # a word boundary cannot shrink; the glyphs can, by EXPANSION at most
            r = (width - natural) / (EXPANSION * natural)
            assert r >= -1
        total += (10 + 100 * abs(r) ** 3) ** 2
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
    # with an element starting after the space (an edge at 8), the space ends a text run and is not
    # stretched: the gap would fall between two runs and a copy would read two spaces
    points = stretch_points(text, [8, 13], 10.0, edges={0, 8})
    assert [p.after for p in points] == [12]


@pytest.mark.parametrize("trim", TRIMS)
def test_justified_copy_text_has_no_added_characters(trim_pdfs, trim):
    from tests.support import pdftotext

    text = pdftotext(trim_pdfs[trim])
    assert "\u200b" not in text and "\ue002" not in text
    assert "น้ำ" in text  # ำ intact through the stretched runs


def test_a_paragraph_the_justifier_cannot_measure_is_set_ragged_not_overflowing(tmp_path):
    from types import SimpleNamespace

    from edition.writers.justify import BREAK_MARK
    from edition.writers.justify_html import impose_breaks

    html = (f'<!DOCTYPE html><html><head><style>p {{}}</style></head><body><article>'
            f'<p id="p1" class="justify">ทรอตสกี{BREAK_MARK}กล่าว{BREAK_MARK}ว่า</p></article></body></html>')
    # a layout in which the paragraph did not come out on one line: nothing to measure
    result = impose_breaks(html, Cache(tmp_path), lambda h: SimpleNamespace(pages=[]))
    assert result.ragged == ("p1",) and not result.plans
    assert BREAK_MARK not in result.html and "<br" not in result.html
    assert 'class="justify-failed"' in result.html and "ทรอตสกีกล่าวว่า" in result.html


def test_set_line_shares_slack_by_stretch_and_caps_glyph_scaling_and_edge_gaps():
    from edition.writers.justify import EXPANSION, MAX_EXPANSION, StretchPoint, set_line

    assert (EXPANSION, MAX_EXPANSION) == (0.025, 0.03)  # the figures below are worked out for these
    words = [StretchPoint(3, 1.0, 0.0), StretchPoint(7, 1.0, 0.0)]
    # 2 px of slack, 100 px of glyphs: stretch 1 + 1 + 2.5 (2.5 % of 100) = 4.5, ratio 4/9
    line = set_line(2.0, words, 100.0, 10.0)
    assert line.scale == pytest.approx(1 + 0.025 * 4 / 9) and [e for _, e in line.extras] == pytest.approx([4 / 9] * 2)
    assert not line.loose
    # 10 px: ratio 10/4.5 would scale the glyphs 5.6 %; they stop at 3 % and the words take the rest
    line = set_line(10.0, words, 100.0, 10.0)
    assert line.scale == pytest.approx(1.03) and [e for _, e in line.extras] == pytest.approx([3.5, 3.5])
    assert line.loose  # 0.35 em between words
    # a boundary at an element's edge keeps under its cap; the other point takes what it cannot
    capped = [StretchPoint(3, 1.0, 0.0, cap=0.5), StretchPoint(7, 1.0, 0.0)]
    line = set_line(2.0, capped, 0.0, 10.0)
    assert dict(line.extras) == pytest.approx({3: 0.5, 7: 1.5})
    # overfull by 1 px: only phrase spaces (0.6) and glyphs (2.5 % of 20 = 0.5) shrink, ratio -1/1.1
    mixed = [StretchPoint(3, 0.2, 0.6), StretchPoint(7, 1.0, 0.0)]
    line = set_line(-1.0, mixed, 20.0, 10.0)
    assert line.scale == pytest.approx(1 - 0.025 / 1.1) and dict(line.extras) == pytest.approx({3: -0.6 / 1.1, 7: 0.0})


def test_after_an_edit_only_the_edited_block_is_measured_and_the_breaks_are_those_of_a_cold_run(tmp_path):
    """The justifier caches each block's breaks (writers/justify_html.impose_breaks); a warm run after an
    edit measures only the edited block, with the others in place but empty, and chooses exactly
    the breaks a run without any cache chooses."""
    import weasyprint

    from edition.writers.justify import BREAK_MARK
    from edition.writers.justify_html import impose_breaks

    words = ["การ", "ปฏิวัติ", "ใน", "รัสเซีย", "เกิด", "ขึ้น", "เมื่อ", "ค.ศ. 1917", "และ", "ผู้นำ", "คือ", "เลนิน"]
    sentence = BREAK_MARK.join(words * 6)

    def page(middle: str) -> str:
        paragraphs = [sentence, middle, sentence.replace("เลนิน", "ทรอตสกี")]
        return ('<!DOCTYPE html><html><head><style>@page { size: 100mm 150mm; margin: 10mm } '
                'p { font-family: "Noto Serif Thai"; font-size: 10pt; white-space: nowrap }</style></head><body><article>'
                + "".join(f'<p id="p{i}" class="justify">{text}</p>' for i, text in enumerate(paragraphs, 1))
                + "</article></body></html>")

    laid_out = []

    def render(html):
        laid_out.append(html)
        return weasyprint.HTML(string=html).render()

    before, after = page(sentence), page(sentence.replace("รัสเซีย", "รัสเซียโซเวียต", 3))
    impose_breaks(before, Cache(tmp_path / "cache"), render)
    warm = impose_breaks(after, Cache(tmp_path / "cache"), render)
    measured = laid_out[-1]
    assert 'id="p1" class="justify"></p>' in measured and 'id="p3" class="justify"></p>' in measured
    assert "รัสเซียโซเวียต" in measured
    cold = impose_breaks(after, Cache(tmp_path / "no-cache"), render)
    assert warm.html == cold.html and warm.plans == cold.plans
    assert len(warm.plans["p2"].breaks) >= 2  # the edited paragraph really was broken into lines
