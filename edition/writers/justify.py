"""Justified Thai for the print PDFs: paragraph-wide line breaking over the edition's own break
opportunities, with the slack of each line spread over its phrase spaces and Thai word boundaries.

WeasyPrint breaks lines greedily and stretches only U+0020, so Thai set with ``text-align:
justify`` gets holes. Instead:

1. The print HTML writer marks every break opportunity of a justified block (the one Thai
   segmentation: names, numbers and "ค.ศ. 1921" whole, never before ๆ) with :data:`BREAK_MARK`.
2. :func:`impose_breaks` removes the marks, lays the blocks out once on one unbroken line each
   (``white-space: nowrap``), reading the width of every piece from the renderer's own shaping
   (:func:`thai_print.measure_blocks`), chooses the breaks of each paragraph at once
   (Knuth–Plass, :func:`break_paragraph`) and writes them into the HTML as ``<br>`` elements.
3. After the final layout, :func:`thai_print.stretch_lines` spreads each line's slack over its
   stretch points; it is applied at draw time to the glyph that ends each point's cluster, so no
   character is added to the text and copying gives the reading text.

The breaks are cached by the content of what was measured, so both PDFs and a rebuild of
unchanged text lay out the measuring pass once.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_whole

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
EXPANSION = 0.02
MAX_EXPANSION = 0.03
EDGE_SHARE = 0.6  # of a word boundary's stretch, for one at an element's edge
EDGE_CAP = 0.09  # em
LOOSE_GAP = 0.15  # em: a line whose word gaps would pass this is set loose and reported
LINE_PENALTY = 10
EMERGENCY = 1e7
VERSION = 7  # of the line-breaking rules: part of the cache key


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
class Measure:
    """What one unbroken layout of a block gives: the x of the start of each character, the right
    edge of the content, the left edge of the line box and the measure, in px; the em size."""

    xstart: tuple[float, ...]
    right: float
    left: float
    width: float
    em: float


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


def read_blocks(doc) -> list[BlockText]:
    """Every element with class ``justify``: its laid-out text with the break marks removed."""
    blocks = [el for el in doc.iter() if isinstance(el.tag, str) and "justify" in (el.get("class") or "").split()]
    for el in blocks:
        _absorb_lone_spaces(el)
    return [_read_block(el) for el in blocks]


def _is_note(el) -> bool:
    """A note call, a citation link or a break: nothing is moved into these."""
    classes = set((el.get("class") or "").split())
    return el.tag in ("br", "a", "sup") or bool(classes & {"footnote", "author-note", "citations"})


def _absorb_lone_spaces(block) -> None:
    """Move a space standing alone between two elements (``</span> <span>``) to the end of the
    element before it. WeasyPrint draws no glyph for a text box holding only a space, so the
    space would exist only as a gap; inside the text run it is drawn, copied and measured."""

    def append(el, text: str) -> None:
        if len(el) and (el[-1].tail or _is_note(el[-1])):
            el[-1].tail = (el[-1].tail or "") + text
        elif len(el):
            append(el[-1], text)
        else:
            el.text = (el.text or "") + text

    for el in list(block.iter()):
        if el is block or not isinstance(el.tag, str) or _is_note(el):
            continue
        tail = el.tail or ""
        if tail and not tail.replace(BREAK_MARK, "").strip(" ") and " " in tail:
            el.tail = ""
            append(el, tail)


def _read_block(el) -> BlockText:
    block = BlockText(el.get("id") or "", "", [])
    parts: list[str] = []
    pos = 0

    def take(node, attr: str, citation: bool) -> None:
        nonlocal pos
        value = getattr(node, attr) or ""
        if not value:
            return
        clean = value.replace(BREAK_MARK, "")
        k = pos
        for ch in value:
            if ch == BREAK_MARK:
                block.breaks.append(k)
            else:
                k += 1
                if citation and ch == " ":
                    # a citation ("Lenin 1965a, หน้า 165-271; Figes 1996") is not reading text and
                    # carries no marks: it breaks at its spaces, as Latin text does
                    block.breaks.append(k)
        setattr(node, attr, clean)
        if clean:
            block.pieces.append((node, attr, pos))
            parts.append(clean)
            pos += len(clean)

    def walk(node, citation: bool) -> None:
        inside = citation or "citations" in (node.get("class") or "").split()
        take(node, "text", inside)
        for child in node:
            if isinstance(child.tag, str) and "footnote" not in (child.get("class") or "").split():
                walk(child, inside)
            # a footnote body is laid out at the foot of the page, not in the line; its tail is
            take(child, "tail", inside)

    walk(el, False)
    block.text = "".join(parts)
    block.edges = {start for _, _, start in block.pieces}
    block.breaks = sorted({b for b in block.breaks if 0 < b < len(block.text)})
    return block


def insert_breaks(block: BlockText, offsets: Sequence[int]) -> None:
    """Write a ``<br>`` before character ``b`` of the block for each chosen break ``b``: after any
    note call that follows the previous word, so a call never starts a line."""
    from lxml import html as lxml_html

    for b in sorted(offsets, reverse=True):
        for node, attr, start in reversed(block.pieces):
            value = getattr(node, attr)
            if start <= b < start + len(value):
                br = lxml_html.Element("br")
                br.set("class", "jbr")
                cut = b - start
                if attr == "text":
                    br.tail = value[cut:]
                    node.text = value[:cut]
                    node.insert(0, br)
                else:
                    br.tail = value[cut:]
                    node.tail = value[:cut]
                    node.addnext(br)
                # offsets run from the end: a smaller one lies in what is left of this piece or in
                # an earlier piece, so the pieces need no updating
                break


@dataclass(frozen=True)
class Justification:
    """What the final layout needs to stretch each line: the plan of every justified block."""

    plans: dict[str, BlockPlan]
    texts: dict[str, str]
    html: str
    ragged: tuple[str, ...] = ()  # blocks that could not be measured, left ragged right


def impose_breaks(html: str, cache_dir: Path, render: Callable[[str], object]) -> Justification:
    """Choose the line breaks of every justified block of ``html`` and write them in as ``<br>``.

    ``render`` lays an HTML string out (WeasyPrint, with the project's fetcher); it is called once
    for a measuring document holding the justified blocks whose breaks are not cached in
    ``cache_dir`` (by the block's markup, its place in the document and the stylesheet), the
    cached ones left in place, empty: after one note is edited, that note is measured again."""
    from lxml import html as lxml_html

    from . import thai_print

    parser = lxml_html.HTMLParser(no_network=True, remove_comments=False, encoding="utf-8")
    doc = lxml_html.document_fromstring(html.encode("utf-8"), parser=parser)
    blocks = read_blocks(doc)
    measuring = copy.deepcopy(doc)
    body = measuring.find("body")
    for child in list(body):
        if not (child.find_class("justify") or "justify" in (child.get("class") or "").split()):
            body.remove(child)
    for note in measuring.find_class("footnote"):
        if "justify" in (note.get("class") or "").split():
            continue  # measured as a block of its own, on one line
        # its call (from data-label) is measured; its body is laid out elsewhere, at a cost
        for child in list(note):
            note.remove(child)
        note.text = None
    settings = json.dumps([SPACE_STRETCH, SPACE_SHRINK, WORD_STRETCH, EXPANSION, MAX_EXPANSION, LOOSE_GAP,
                           LINE_PENALTY, VERSION])
    head = lxml_html.tostring(measuring.find("head"), encoding="unicode")
    elements = {el.get("id"): el for el in measuring.iter()
                if isinstance(el.tag, str) and el.get("id") and "justify" in (el.get("class") or "").split()}
    keys = {ident: hashlib.sha256("\0".join([settings, head, _context(el), lxml_html.tostring(
        el, encoding="unicode", with_tail=False)]).encode("utf-8")).hexdigest() for ident, el in elements.items()}
    chosen: dict[str, dict] = {}
    for ident, key in keys.items():
        cached = cache_dir / "blocks" / f"{key}.json"
        if cached.exists():
            chosen[ident] = json.loads(cached.read_text(encoding="utf-8"))
    todo = [b for b in blocks if b.id in keys and b.id not in chosen]
    if todo:
        # measured: the blocks not measured before; the others stay in place, emptied, so every block
        # is laid out in the same context as in the whole document (selectors, measure, notes)
        wanted = {b.id for b in todo}
        for ident, el in elements.items():
            if ident not in wanted and not any(d.get("id") in wanted for d in el.iterdescendants() if isinstance(d.tag, str)):
                for child in list(el):
                    el.remove(child)
                el.text = None
        measures = thai_print.measure_blocks(render(_serialise(measuring)), {b.id: b.text for b in todo})
        for block in todo:
            m = measures.get(block.id)
            if m is None:  # not laid out on one line (it holds a forced break): left ragged, not cached
                continue
            breaks, loose = break_paragraph(block.text, block.breaks, m, block.edges)
            chosen[block.id] = {"breaks": breaks, "em": m.em, "loose": loose}
            target = cache_dir / "blocks" / f"{keys[block.id]}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            write_whole(target, json.dumps(chosen[block.id]))  # the parts of a book are justified in parallel
    plans = {b.id: BlockPlan(tuple(c["breaks"]), tuple(stretch_points(b.text, b.breaks, c["em"], b.edges)),
                             c["em"], c["loose"])
             for b in blocks if (c := chosen.get(b.id)) is not None}
    ragged = []
    for block in blocks:
        if block.id in plans:
            insert_breaks(block, plans[block.id].breaks)
        else:  # not measured on one line (it holds a forced break): set ragged, never overflowing
            ragged.append(block.id)
            element = doc.get_element_by_id(block.id) if block.id else None
            if element is not None:
                element.set("class", " ".join(c if c != "justify" else "justify-failed"
                                              for c in element.get("class", "").split()))
    return Justification(plans, {b.id: b.text for b in blocks}, _serialise(doc), tuple(ragged))


def _context(el) -> str:
    """What a block's layout depends on besides its own markup and the stylesheet: the elements
    it sits in, its place among its siblings and the element before it (``h2 + p``)."""
    parts = []
    node = el
    while node is not None and isinstance(node.tag, str):
        parent = node.getparent()
        index = sum(1 for s in node.itersiblings(preceding=True) if isinstance(s.tag, str))
        before = node.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        parts.append(f"{node.tag}#{node.get('id', '')}.{node.get('class', '')}@{index}"
                     f"<{before.tag if before is not None else ''}.{before.get('class', '') if before is not None else ''}")
        node = parent
    return "/".join(parts)


def _serialise(doc) -> str:
    from lxml import html as lxml_html

    return lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")

