"""WeasyPrint's layout as the edition uses it: rendering with the project's fetcher, reading the
laid-out boxes (page data, the blocks the justifier measures) and moving boxes to fill justified
lines. Everything here reads or changes WeasyPrint's box tree, an internal of the pinned version
(:func:`edition.seam.seam_problems` names what an upgrade removed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import EditionError, Problem
from ..pagedata import PageData
from . import folios
from .text import EXTRA, SCALE, char_x


def problems() -> list[str]:
    from weasyprint import HTML, Document, URLFetcher
    from weasyprint.formatting_structure import boxes

    found = []
    for name in ("LineBox", "TextBox", "InlineBox", "BlockBox", "PageBox"):
        if not hasattr(boxes, name):
            found.append(f"weasyprint.formatting_structure.boxes.{name}")
    if not callable(getattr(Document, "copy", None)) or not callable(getattr(HTML, "render", None)):
        found.append("weasyprint.Document.copy / HTML.render")
    if not callable(getattr(URLFetcher, "fetch", None)):
        found.append("weasyprint.URLFetcher.fetch")
    return found


def project_fetcher(root: Path):
    """A url_fetcher that serves files inside ``root`` and refuses everything else."""
    import weasyprint

    root = root.resolve()

    class ProjectFetcher(weasyprint.URLFetcher):
        refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme not in ("file", ""):
                self.refused.append(url)
                raise ValueError(f"refused remote URL {url}")
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(root):
                self.refused.append(url)
                raise ValueError(f"refused file outside the project {url}")
            return super().fetch(path.as_uri(), headers)

    fetcher = ProjectFetcher()
    fetcher.refused = []
    return fetcher


def render(html: str, root: Path, base: Path, movable: bool = False, report_refused: bool = True):
    """``html`` laid out by WeasyPrint, fetching only files inside ``root``; ``movable``: its page
    numbers can be set after layout (:mod:`edition.seam.folios`)."""
    import weasyprint

    from . import install

    install()
    fetcher = project_fetcher(root)
    source = weasyprint.HTML(string=html, base_url=str(base), url_fetcher=fetcher)
    document = folios.render(source) if movable else source.render()
    if fetcher.refused and report_refused:
        raise EditionError([Problem("styles/", None, f"the stylesheet or template asks for {url}; nothing outside "
                                    "the project is fetched", "put the resource inside the project")
                            for url in dict.fromkeys(fetcher.refused)])
    return document


def without_last_page(document):
    """The document without its last page (a part's pad, which forces its length to be even)."""
    return document.copy(document.pages[:-1])


def boxes_of(box) -> Iterator:
    """``box`` and every box inside it (in no particular order)."""
    stack = [box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", ()) or ())


def page_boxes(document) -> list:
    return [page._page_box for page in document.pages]


def _shows_text(box) -> bool:
    """Whether any text box inside ``box`` shows a character other than a space."""
    return any(getattr(b, "text", "").strip() for b in boxes_of(box))


SECTIONING = frozenset({"article", "section", "nav"})  # the print template's chapters, sections, parts


def page_data(document) -> tuple[PageData, dict[str, str]]:
    """The page data of a laid-out document (pages counted from 1), and the paragraph holding each
    footnote's call."""
    from weasyprint.formatting_structure import boxes

    persons: dict[str, list[int]] = {}
    starts: list[tuple[int, str, str]] = []
    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    call_paragraph: dict[str, str] = {}
    sections: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        first: tuple[str, str] | None = None
        stack: list[tuple[object, str | None, str | None]] = [(page._page_box, None, None)]
        while stack:
            box, para, anchor = stack.pop()
            element = getattr(box, "element", None)
            if element is not None and isinstance(box, boxes.BlockBox) and element.tag == "p" and element.get("id"):
                para = element.get("id")
            if element is not None and isinstance(box, boxes.BlockBox) and element.get("id"):
                anchor = element.get("id")
                if element.tag in SECTIONING:
                    sections.setdefault(anchor, number)
            if element is not None and isinstance(box, boxes.InlineBox) and (element.get("id") or "").startswith("call-"):
                sections.setdefault(element.get("id"), number)  # an endnote's or gloss's call: a proof points at it
            if para and element is not None and isinstance(box, boxes.InlineBox) and element.get("class") == "person" \
                    and _shows_text(box):  # not the empty piece of a name whose line breaks just before it
                ref = element.get("data-ref")
                if ref and number not in persons.setdefault(ref, []):
                    persons[ref].append(number)
            if element is not None and "footnote" in (element.get("class") or "").split():
                note = (element.get("id") or "").removeprefix("note-")
                if "footnote-call" in str(getattr(box, "element_tag", "")):
                    calls.setdefault(note, number)
                    if para:
                        call_paragraph[note] = para
                elif isinstance(box, boxes.BlockBox):
                    bodies.setdefault(note, number)
            if isinstance(box, boxes.TextBox) and (para or anchor) and box.text.strip():
                # the page's first words, long enough to find the place again in the reading text
                if first is None:
                    first = (para or anchor, box.text)
                elif first[0] == (para or anchor) and len(first[1]) < 40:
                    first = (first[0], first[1] + box.text)
            children = getattr(box, "children", None)
            if children:
                stack.extend((child, para, anchor) for child in reversed(list(children)))
        if first:
            starts.append((number, first[0], first[1]))
    data = PageData(len(document.pages), {k: tuple(sorted(v)) for k, v in persons.items()}, tuple(starts),
                    {k: (calls[k], bodies.get(k, 0)) for k in calls}, section_pages=sections)
    return data, call_paragraph


@dataclass(frozen=True)
class Measure:
    """What one unbroken layout of a block gives: the x of the start of each character, the right
    edge of the content, the left edge of the line box and the measure, in px; the em size."""

    xstart: tuple[float, ...]
    right: float
    left: float
    width: float
    em: float


class Leaf:
    """A box of a line in reading order: a text box with the offset of its first character in the
    block text, or generated content (a note call, a bracket) with ``start`` None."""

    __slots__ = ("box", "start", "containers")

    def __init__(self, box, start: int | None, containers: tuple):
        self.box = box
        self.start = start
        self.containers = containers

    @property
    def end(self) -> int:
        return (self.start or 0) + len(self.box.text)


def _line_leaves(line, text: str, cursor: int) -> tuple[list[Leaf], int]:
    from weasyprint.formatting_structure import boxes

    leaves: list[Leaf] = []

    def walk(box, generated: bool, containers: tuple) -> None:
        nonlocal cursor
        for child in box.children:
            gen = generated or "::" in (child.element_tag or "")
            if isinstance(child, boxes.TextBox):
                if gen:
                    leaves.append(Leaf(child, None, containers))
                    continue
                j = cursor
                while not text.startswith(child.text, j):
                    if j < len(text) and text[j].isspace():
                        j += 1
                    else:
                        raise LookupError(f"text box {child.text!r} not found at {cursor} in the block text")
                leaves.append(Leaf(child, j, containers))
                cursor = j + len(child.text)
            elif isinstance(child, boxes.InlineBox):
                walk(child, gen, (*containers, child))
            else:
                leaves.append(Leaf(child, None, containers))

    walk(line, False, ())
    return leaves, cursor


def _justified_blocks(document, ids):
    """(block id, block box) for each box of a justified block, in page order."""
    from weasyprint.formatting_structure import boxes

    stack = [page._page_box for page in reversed(document.pages)]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and isinstance(box, boxes.BlockBox) and "::" not in box.element_tag \
                and element.get("id") in ids and "justify" in (element.get("class") or "").split():
            yield element.get("id"), box
            # a justified note inside a justified paragraph is laid out at the foot of the page
        children = getattr(box, "children", None)
        if children:
            stack.extend(reversed(list(children)))


def measure_blocks(document, texts: dict[str, str]) -> dict[str, Measure]:
    """For each block laid out on one unbroken line: where each character starts (px)."""
    from weasyprint.formatting_structure import boxes

    found = {}
    for block_id, block in _justified_blocks(document, texts):
        text = texts[block_id]
        lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
        if len(lines) != 1 or block_id in found:
            continue
        try:
            leaves, _ = _line_leaves(lines[0], text, 0)
        except LookupError:
            continue
        xstart: list[float | None] = [None] * len(text)
        right = block.content_box_x()
        for leaf in leaves:
            box = leaf.box
            right = max(right, box.position_x + box.margin_width())
            if leaf.start is None:
                continue
            for k, x in enumerate(char_x(box)[:-1]):
                xstart[leaf.start + k] = box.position_x + x
        # characters no box shows (collapsed spaces) start where the next one does
        nxt = right
        for k in range(len(text) - 1, -1, -1):
            if xstart[k] is None:
                xstart[k] = nxt
            else:
                nxt = xstart[k]
        found[block_id] = Measure(tuple(xstart), right, block.content_box_x(), block.width,
                                  block.style["font_size"])
    return found


def stretch_lines(document, plans, texts: dict[str, str], set_line: Callable) -> dict[str, int]:
    """Fill each justified line to the measure as ``set_line`` (the justifier's
    :func:`~edition.writers.justify.set_line`) says: scale its glyphs
    from its left edge, add the extra after each stretch point (applied at draw time to the glyph
    ending the point's cluster) and move the boxes that follow. Returns counts: lines set, lines
    set loose, lines that could not be matched with their text (left as laid out)."""
    from weasyprint.formatting_structure import boxes

    counts = {"lines": 0, "loose": 0, "unaligned": 0}
    cursors: dict[str, int] = {}
    touched = False
    for block_id, block in _justified_blocks(document, plans):
        text, plan = texts[block_id], plans[block_id]
        breaks = set(plan.breaks)
        target = block.content_box_x() + block.width
        for line in block.children:
            if not isinstance(line, boxes.LineBox):
                continue
            try:
                leaves, cursors[block_id] = _line_leaves(line, text, cursors.get(block_id, 0))
            except LookupError:
                counts["unaligned"] += 1
                continue
            reading = [leaf for leaf in leaves if leaf.start is not None]
            if not reading:
                continue
            start, end = reading[0].start, reading[-1].end
            nxt = end + 1 if end < len(text) and text[end] == " " else end
            if nxt not in breaks:
                continue  # the paragraph's last line, at its natural width
            last = end - 1 if text[end - 1] == " " else end
            left = min(leaf.box.position_x for leaf in leaves)
            right = max(leaf.box.position_x + leaf.box.margin_width() for leaf in leaves)
            if last < end:  # a trailing space the renderer kept: not part of the line's width
                right -= reading[-1].box.width - char_x(reading[-1].box)[last - reading[-1].start]
            setting = set_line(target - right, [p for p in plan.points if start <= p.after <= last - 2],
                               right - left, plan.em)
            counts["lines"] += 1
            counts["loose"] += setting.loose
            _apply(leaves, setting.extras, setting.scale, left)
            touched = True
    if touched:
        for page in document.pages:  # links and anchors follow the boxes they were gathered from
            page.__init__(page._page_box)
    return counts


def _apply(leaves: list[Leaf], extras, scale: float, left: float) -> None:
    shift_from = [0.0] * (len(leaves) + 1)  # extra that starts applying at leaf i
    grow = [0.0] * len(leaves)
    for after, amount in extras:
        i = next((k for k, leaf in enumerate(leaves) if leaf.start is not None and leaf.start <= after < leaf.end), None)
        if i is None:
            continue
        leaf = leaves[i]
        if after < leaf.end - 1 or leaf.box.text[after - leaf.start] == " ":
            # inside the box (a space at its end too): widen the cluster ending after this character;
            # the glyph scaling applies to it as well, so it is stored unscaled
            byte_end = len(leaf.box.text[: after - leaf.start + 1].encode("utf-8"))
            extra = getattr(leaf.box, EXTRA, None)
            if extra is None:
                extra = {}
                setattr(leaf.box, EXTRA, extra)
            extra[byte_end] = extra.get(byte_end, 0.0) + amount / scale
            grow[i] += amount
            shift_from[i + 1] += amount
        else:  # at the box's end: the next reading box moves (a note call stays with its word)
            j = next((k for k in range(i + 1, len(leaves)) if leaves[k].start is not None), len(leaves))
            shift_from[j] += amount
    shift, shifts = 0.0, []
    for i in range(len(leaves)):
        shift += shift_from[i]
        shifts.append(shift)
    spans: dict[int, tuple[object, int, int]] = {}  # container -> (box, first leaf, last leaf)
    for i, leaf in enumerate(leaves):
        for container in leaf.containers:
            spans[id(container)] = (container, spans.get(id(container), (None, i, i))[1], i)
    for container, first, last in spans.values():
        container.position_x = left + (container.position_x - left) * scale + shifts[first]
        container.width = container.width * scale + shifts[last] + grow[last] - shifts[first]
    for i, leaf in enumerate(leaves):
        box = leaf.box
        box.position_x = left + (box.position_x - left) * scale + shifts[i]
        box.width = box.width * scale + grow[i]
        if scale != 1.0 and hasattr(box, "text"):
            setattr(box, SCALE, scale)
