"""Justified Thai for the print PDFs: paragraph-wide line breaking over the edition's own break
opportunities, with the slack of each line spread over its phrase spaces and Thai word boundaries.

WeasyPrint breaks lines greedily and stretches only U+0020, so Thai set with ``text-align:
justify`` gets holes. Instead:

1. The print HTML writer marks every break opportunity of a justified block (the one Thai
   segmentation: names, numbers and "ค.ศ. 1921" whole, never before ๆ) with :data:`BREAK_MARK`.
2. :func:`~edition.writers.justify_html.impose_breaks` removes the marks, lays the blocks out once on one unbroken line each
   (``white-space: nowrap``), reading the width of every piece from the renderer's own shaping
   (:func:`edition.seam.layout.measure_blocks`), chooses the breaks of each paragraph at once
   (Knuth–Plass, :func:`break_paragraph`) and writes them into the HTML as ``<br>`` elements.
3. After the final layout, :func:`edition.seam.layout.stretch_lines` spreads each line's slack over its
   stretch points; it is applied at draw time to the glyph that ends each point's cluster, so no
   character is added to the text and copying gives the reading text.

The breaks are cached by the content of what was measured, so both PDFs and a rebuild of
unchanged text lay out the measuring pass once. Steps 1 and 2's HTML side is
:mod:`edition.writers.justify_html`; this module is the line breaking and line filling.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ..seam.layout import Measure

BREAK_MARK = "\ue002"  # private use: a break opportunity, removed before the HTML leaves this module

# Stretch and shrink in em. A phrase space is about 0.26 em in Noto Serif Thai; it may grow a
# little and shrink a little. A Thai word boundary has no width of its own and takes most of the
# slack, so phrase spaces stay visibly wider than the gaps between words.
SPACE_STRETCH = 0.02
SPACE_SHRINK = 0.06
WORD_STRETCH = 0.085
# Glyph scaling (Zapf's hz, InDesign's "glyph scaling", microtype's expansion): the whole line's
# glyphs may be widened or narrowed by EXPANSION of their width per unit of stretch ratio, never
# beyond MAX_EXPANSION. Nothing is letter-spaced: the glyphs of a word stay in contact.
EXPANSION = 0.025
MAX_EXPANSION = 0.03
EDGE_SHARE = 0.6  # of a word boundary's stretch, for one at an element's edge
EDGE_CAP = 0.09  # em
LOOSE_GAP = 0.15  # em: a line whose word gaps would pass this is set loose and reported
LINE_PENALTY = 10
EMERGENCY = 1e7
VERSION = 8  # of the line-breaking rules: part of the cache key


@dataclass(frozen=True)
class StretchPoint:
    """A place in a line where extra width may go: after character ``after`` of the block text."""

    after: int
    stretch: float  # px at ratio 1
    shrink: float  # px at ratio -1
    cap: float | None = None  # px: the most this point may take


@dataclass
class BlockText:
    """One justified block: its text as laid out (note bodies and generated content left out),
    its break opportunities, and the DOM text pieces it was read from."""

    id: str
    text: str
    breaks: list[int]
    pieces: list[tuple[object, str, int]] = field(default_factory=list)  # (element, "text"|"tail", start)
    edges: set[int] = field(default_factory=set)  # offsets where an element starts or ends


@dataclass(frozen=True)
class BlockPlan:
    """The chosen breaks of one block and the stretch points of its text."""

    breaks: tuple[int, ...]
    points: tuple[StretchPoint, ...]
    em: float
    loose: int  # lines the line breaker had to set loose (word gaps above LOOSE_GAP)


def stretch_points(text: str, breaks: Sequence[int], em: float, edges: Collection[int] = ()) -> list[StretchPoint]:
    """Every phrase space and every Thai word boundary (a break opportunity between two
    non-space characters) of ``text``; points at a line's ends are ignored when it is stretched.

    A boundary at an element's edge (``edges``: a name next to a word) lies between two text runs,
    outside their /ActualText; a copy reads a space into any gap there wider than 0.1 em (poppler's
    minWordBreakSpace), so such a boundary takes less and never more than EDGE_CAP. A space at an
    edge is not stretched at all (a copy would read two spaces)."""
    points = [StretchPoint(i, SPACE_STRETCH * em, SPACE_SHRINK * em) for i, ch in enumerate(text)
              if ch == " " and i + 1 not in edges]
    for k in breaks:
        if 0 < k < len(text) and text[k - 1] != " " and text[k] != " ":
            if k in edges:
                points.append(StretchPoint(k - 1, EDGE_SHARE * WORD_STRETCH * em, 0.0, EDGE_CAP * em))
            else:
                points.append(StretchPoint(k - 1, WORD_STRETCH * em, 0.0))
    return sorted(points, key=lambda p: p.after)


@dataclass(frozen=True)
class LineSetting:
    """How one line is filled to the measure: its glyphs scaled by ``scale`` from its left edge,
    and extra px after each stretch point (negative where phrase spaces shrink)."""

    scale: float
    extras: tuple[tuple[int, float], ...]
    loose: bool


def set_line(slack: float, points: Sequence[StretchPoint], content_width: float, em: float) -> LineSetting:
    """Fill ``slack`` px (negative: overfull) the way the line breaker priced it: each stretch
    point and the glyph scaling take their share of one stretch ratio; scaling stops at
    MAX_EXPANSION and the points take the rest."""
    gaps = sum(p.stretch if slack >= 0 else p.shrink for p in points)
    glyphs = EXPANSION * content_width
    if gaps + glyphs <= 0:
        return LineSetting(1.0, (), slack > 0.5)
    expansion = max(-MAX_EXPANSION, min(MAX_EXPANSION, slack / (gaps + glyphs) * EXPANSION))
    rest = slack - expansion * content_width
    if gaps <= 0:
        return LineSetting(1.0 + expansion, (), abs(rest) > 0.5)
    share = {p.after: rest * (p.stretch if slack >= 0 else p.shrink) / gaps for p in points}
    capped = {p.after: p.cap for p in points if p.cap is not None and share[p.after] > p.cap}
    if capped:  # what a capped point cannot take goes to the others, by their stretch
        excess = sum(share[a] - c for a, c in capped.items())
        free = [p for p in points if p.after not in capped]
        weight = sum(p.stretch for p in free)
        share.update(capped)
        for p in free:
            share[p.after] += excess * p.stretch / weight if weight > 0 else 0.0
    extras = tuple(share.items())
    widest = max((e for _, e in extras), default=0.0) / em
    return LineSetting(1.0 + expansion, extras, widest > LOOSE_GAP)


def break_paragraph(text: str, breaks: Sequence[int], m: Measure,
                    edges: Collection[int] = ()) -> tuple[list[int], int]:
    """Knuth–Plass over the break opportunities: the breaks minimising the sum of the lines'
    demerits, where a line's badness grows with the cube of its stretch ratio. Returns the
    chosen breaks and how many lines had to be set loose."""
    n = len(text)
    points = stretch_points(text, breaks, m.em, edges)
    # prefix sums of stretch and shrink over "after" positions
    stretch = [0.0] * (n + 1)
    shrink = [0.0] * (n + 1)
    for p in points:
        stretch[p.after + 1] += p.stretch
        shrink[p.after + 1] += p.shrink
    for i in range(n):
        stretch[i + 1] += stretch[i]
        shrink[i + 1] += shrink[i]

    def end_x(b: int) -> float:
        if b >= n:
            return m.right
        return m.xstart[b - 1] if text[b - 1] == " " else m.xstart[b]

    def line(a: int, b: int) -> tuple[float, float, float]:
        start = m.left if a == 0 else m.xstart[a]
        last = b - 1 if text[b - 1] == " " else b  # a trailing space is not part of the line
        # stretch points strictly inside the line: after characters a .. last-2
        inner = max(a, last - 1)
        glyphs = EXPANSION * (end_x(b) - m.xstart[a])
        return end_x(b) - start, stretch[inner] - stretch[a] + glyphs, shrink[inner] - shrink[a] + glyphs

    candidates = sorted({b for b in breaks if 0 < b < n} | {n})
    best: dict[int, tuple[float, int, int]] = {0: (0.0, -1, 0)}  # break -> (demerits, previous, loose lines)
    active = [0]
    for b in candidates:
        choice: tuple[float, int, int] | None = None
        rescue: tuple[float, int, int] | None = None
        keep = []
        for a in active:
            width, y, z = line(a, b)
            slack = m.width - width
            if slack < -(z + 0.01) or b == n and slack < -0.01:
                # overfull even at full shrink (the last line is never shrunk): no line from a
                # reaches b or anything later
                total = best[a][0] + EMERGENCY * (1 - slack)
                if rescue is None or total < rescue[0]:
                    rescue = (total, a, best[a][2] + 1)
                continue
            keep.append(a)
            loose = 0
            if b == n:
                demerits = LINE_PENALTY ** 2  # the last line is set at its natural width
            elif slack < 0:
                demerits = (LINE_PENALTY + 100 * abs(slack / z) ** 3) ** 2
            else:
                r = slack / y if y > 0 else 1e3
                loose = int(r * WORD_STRETCH > LOOSE_GAP)
                # no cap on badness (TeX caps it at 10000): one very loose line must never look
                # cheaper than several slightly loose ones
                demerits = (LINE_PENALTY + 100 * min(r, 1e3) ** 3) ** 2
            total = best[a][0] + demerits
            if choice is None or total < choice[0]:
                choice = (total, a, best[a][2] + loose)
        active = keep
        if choice is None and not active:
            choice = rescue  # nothing fits: an overfull line rather than no layout at all
        if choice is not None:
            best[b] = choice
            active.append(b)
    if n not in best:  # cannot happen: the last candidate always gets a choice
        return [], 0
    chosen = []
    b = n
    while b > 0:
        chosen.append(b)
        b = best[b][1]
    return sorted(chosen)[:-1], best[n][2]
