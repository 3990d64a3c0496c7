"""The justifier's side of the print HTML: reading each justified block's text and break
opportunities from the HTML, measuring the blocks whose breaks are not cached in one layout on one
unbroken line each, and writing the chosen breaks back in as ``<br>`` (:func:`impose_breaks`).
The line breaking itself is :mod:`edition.writers.justify`.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..cache import Cache, content_key
from .justify import (
    BREAK_MARK,
    EXPANSION,
    LINE_PENALTY,
    LOOSE_GAP,
    MAX_EXPANSION,
    SPACE_SHRINK,
    SPACE_STRETCH,
    VERSION,
    WORD_STRETCH,
    BlockPlan,
    BlockText,
    break_paragraph,
    stretch_points,
)


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


def impose_breaks(html: str, cache: Cache, render: Callable[[str], object]) -> Justification:
    """Choose the line breaks of every justified block of ``html`` and write them in as ``<br>``.

    ``render`` lays an HTML string out (WeasyPrint, with the project's fetcher); it is called once
    for a measuring document holding the justified blocks whose breaks are not in ``cache``
    (namespace ``justify``, keyed by the block's markup, its place in the document and the
    stylesheet), the
    cached ones left in place, empty: after one note is edited, that note is measured again."""
    from lxml import html as lxml_html

    from ..seam.layout import measure_blocks

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
    # the line breaker's code itself is part of every key: a change to it never reuses old breaks
    settings = json.dumps([SPACE_STRETCH, SPACE_SHRINK, WORD_STRETCH, EXPANSION, MAX_EXPANSION, LOOSE_GAP,
                           LINE_PENALTY, VERSION, _breaker_digest()])
    head = lxml_html.tostring(measuring.find("head"), encoding="unicode")
    elements = {el.get("id"): el for el in measuring.iter()
                if isinstance(el.tag, str) and el.get("id") and "justify" in (el.get("class") or "").split()}
    keys = {ident: content_key(settings, head, _context(el), lxml_html.tostring(el, encoding="unicode",
                                                                                with_tail=False))
            for ident, el in elements.items()}
    chosen: dict[str, dict] = {}
    for ident, key in keys.items():
        cached = cache.get_json("justify", key)
        if cached is not None:
            chosen[ident] = cached
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
        measures = measure_blocks(render(_serialise(measuring)), {b.id: b.text for b in todo})
        for block in todo:
            m = measures.get(block.id)
            if m is None:  # not laid out on one line (it holds a forced break): left ragged, not cached
                continue
            breaks, loose = break_paragraph(block.text, block.breaks, m, block.edges)
            chosen[block.id] = {"breaks": breaks, "em": m.em, "loose": loose}
            cache.put_json("justify", keys[block.id], chosen[block.id])  # (parts are justified in parallel)
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


@functools.cache
def _breaker_digest() -> str:
    from . import justify

    return hashlib.sha256(Path(justify.__file__).read_bytes()).hexdigest()


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

