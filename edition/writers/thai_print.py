"""The one extension point of the PDF writer for Thai: line-break control and the text layer.

Nothing here adds a character to the text (no U+200B, no split ำ).

Break control. Pango breaks Thai with libthai's dictionary, which does not know the edition's
names or its segmentation. For every paragraph, Pango's break opportunities are compared with the
edition's (PyThaiNLP with the names as one word, never before ๆ or inside "ค.ศ. 1921"); each word
in which Pango would break where the edition does not is kept whole with ``white-space: nowrap``.

Text layer. WeasyPrint maps each glyph to Unicode once per font, so after HarfBuzz splits ำ into
two glyphs (nikhahit + aa) every later า on the page extracts wrongly, and "น้ำ" cannot be found.
Every text run is wrapped in a marked-content span carrying its real text as ``/ActualText``, which
viewers and pdftotext use for copy and search. The seam is ``weasyprint.draw.draw_text``, the
function the drawing code calls for each text box; WeasyPrint is pinned, and ``install`` fails
loudly if an upgrade removes the seam.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pydyf

SUPPORTED_WEASYPRINT = ("70.",)
_installed = False


class SeamMissing(RuntimeError):
    pass


def _utf16(text: str) -> pydyf.String:
    return pydyf.String(text)


def seam_problems() -> list[str]:
    """What this module needs from WeasyPrint and does not find (empty when the seam holds)."""
    import weasyprint
    import weasyprint.draw as draw
    from weasyprint.formatting_structure import boxes
    from weasyprint.text import ffi, line_break

    problems = []
    if not weasyprint.__version__.startswith(SUPPORTED_WEASYPRINT):
        problems.append(f"WeasyPrint {weasyprint.__version__} is not {SUPPORTED_WEASYPRINT}")
    if not callable(getattr(draw, "draw_text", None)):
        problems.append("weasyprint.draw.draw_text")
    for name in ("get_first_line", "reactivate", "deactivate"):
        if not callable(getattr(line_break.Layout, name, None)):
            problems.append(f"weasyprint.text.line_break.Layout.{name}")
    for name in ("LineBox", "TextBox", "InlineBox", "BlockBox"):
        if not hasattr(boxes, name):
            problems.append(f"weasyprint.formatting_structure.boxes.{name}")
    try:
        ffi.ffi.offsetof("PangoGlyphGeometry", "width")
        ffi.ffi.offsetof("PangoGlyphString", "log_clusters")
    except (AttributeError, TypeError, KeyError, ffi.ffi.error):
        problems.append("Pango glyph strings (PangoGlyphGeometry.width, PangoGlyphString.log_clusters)")
    return problems


def install() -> None:
    """Wrap WeasyPrint's text drawing once per process."""
    global _installed
    if _installed:
        return
    import weasyprint.draw as draw

    problems = seam_problems()
    if problems:
        raise SeamMissing("the Thai seam into WeasyPrint (edition/writers/thai_print.py) does not fit this "
                          f"WeasyPrint: {'; '.join(problems)}. Pin weasyprint==70.0 (requirements.lock) or port "
                          "the seam and its tests (tests/test_justify.py)")
    original = draw.draw_text

    def draw_text_with_actual_text(stream, textbox, *args, **kwargs):
        text = textbox.text
        if not text.strip():
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": _utf16(text)}))
        extra = getattr(textbox, EXTRA, None)
        scale = getattr(textbox, SCALE, None)
        layout = textbox.pango_layout
        if extra:
            first_line = layout.get_first_line

            def widened_first_line():
                line, index = first_line()
                _widen_clusters(line, extra)
                return line, index

            layout.get_first_line = widened_first_line
        if scale:  # glyph scaling of a justified line: text state, so it holds through BT ... ET
            stream.stream.append(f"{scale * 100:.4f} Tz".encode())
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            if scale:
                stream.stream.append(b"100 Tz")
            if extra:
                del layout.get_first_line
            stream.end_marked_content()

    draw.draw_text = draw_text_with_actual_text
    _installed = True


def pango_breaks(text: str, lang: str = "th") -> set[int]:
    """Offsets where Pango (libthai for Thai) would allow a line break in ``text``."""
    return set(_pango_breaks(text, lang))


@lru_cache(maxsize=4096)
def _pango_breaks(text: str, lang: str) -> frozenset[int]:
    # memoized: every layout of a build renders the print HTML again
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, lang)
    return frozenset(i for i in range(1, len(text)) if attrs[i].is_line_break)


MAX_RUN = 24  # characters; longer unbreakable runs risk overflowing a line


def nowrap_runs(text: str, allowed: set[int], boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Runs to keep on one line: each word (between two allowed breaks) in which Pango would break
    where the edition does not allow it, or which an element boundary cuts (WeasyPrint may break
    between two inline boxes). Runs start and end at allowed breaks, so they never cut a Thai
    cluster."""
    edges = {b for b in boundaries if 0 < b < len(text)}
    candidates = pango_breaks(text) | edges
    runs: list[tuple[int, int]] = []
    for _ in range(3):
        # libthai's answer depends on context: WeasyPrint asks Pango about each inline box's text
        # alone, and the runs themselves become boxes, so ask again for every piece
        cuts = sorted(edges | {x for run in runs for x in run} | {0, len(text)})
        pieces = set()
        for a, b in zip(cuts, cuts[1:], strict=False):
            pieces |= {a + i for i in pango_breaks(text[a:b])} if b - a > 1 else set()
        if pieces <= candidates and runs:
            break
        candidates |= pieces
        runs = _runs(text, allowed, candidates)
    return runs


def _runs(text: str, allowed: set[int], candidates: set[int]) -> list[tuple[int, int]]:
    # a break before a space is never taken; one after a space is fine unless the edition forbids
    # it there (before ๆ, inside "ค.ศ. 1921")
    bad = sorted(i for i in candidates if i not in allowed and text[i] != " ")
    if not bad:
        return []
    bounds = sorted(allowed | {0, len(text)})
    runs: list[tuple[int, int]] = []
    import bisect

    for i in bad:
        k = bisect.bisect_left(bounds, i)
        start, end = bounds[k - 1], bounds[k] if bounds[k] != i else bounds[k + 1]
        if runs and start < runs[-1][1]:  # overlapping (adjacent runs never break apart anyway)
            if end - runs[-1][0] <= MAX_RUN:
                runs[-1] = (runs[-1][0], max(runs[-1][1], end))
            elif end > runs[-1][1]:
                runs.append((runs[-1][1], end))  # a long run would overflow the line: keep them adjacent
        else:
            runs.append((start, end))
    return runs


# --- Justification: measuring lines and stretching them (see edition/writers/justify.py) ---

EXTRA = "_edition_extra"  # on a TextBox: {UTF-8 offset of a cluster's end: extra width in px, unscaled}
SCALE = "_edition_scale"  # on a TextBox: horizontal glyph scaling of its line (PDF Tz / 100)


def _glyph_runs(line):
    from weasyprint.text.ffi import ffi

    run = line.runs[0]
    while run != ffi.NULL:
        yield run.data
        run = run.next


def _cluster_ends(glyph_item):
    """(glyph index, UTF-8 offset where its cluster ends) for the last glyph of each cluster."""
    item = glyph_item.item
    glyphs = glyph_item.glyphs
    count = glyphs.num_glyphs
    clusters = glyphs.log_clusters
    for i in range(count):
        if i + 1 < count and clusters[i + 1] == clusters[i]:
            continue
        end = item.offset + (clusters[i + 1] if i + 1 < count else item.length)
        yield i, end


def _widen_clusters(line, extra: dict[int, float]) -> None:
    """Add ``extra[end]`` px after the cluster ending at UTF-8 offset ``end``: the glyph keeps
    its place and its successors move, exactly as if the font had a wider advance there."""
    from weasyprint.text.ffi import TO_UNITS

    for glyph_item in _glyph_runs(line):
        info = glyph_item.glyphs.glyphs
        for i, end in _cluster_ends(glyph_item):
            if end in extra:
                info[i].geometry.width += int(round(extra[end] * TO_UNITS))


def _char_x(textbox) -> list[float]:
    """The x of the start of each character of ``textbox.text``, relative to the box, from the
    glyphs Pango shaped (characters inside a cluster get the cluster's x)."""
    from weasyprint.text.ffi import FROM_UNITS

    layout = textbox.pango_layout
    layout.reactivate(textbox.style)
    try:
        line, _ = layout.get_first_line()
        text = layout.text
        byte_to_char = {}
        offset = 0
        for k, ch in enumerate(text):
            byte_to_char[offset] = k
            offset += len(ch.encode("utf-8"))
        byte_to_char[offset] = len(text)
        xs: list[float | None] = [None] * (len(textbox.text) + 1)
        x = 0.0
        for glyph_item in _glyph_runs(line):
            info = glyph_item.glyphs.glyphs
            clusters = glyph_item.glyphs.log_clusters
            for i in range(glyph_item.glyphs.num_glyphs):
                k = byte_to_char.get(glyph_item.item.offset + clusters[i])
                if k is not None and k < len(xs) and xs[k] is None:
                    xs[k] = x
                x += info[i].geometry.width * FROM_UNITS
    finally:
        layout.deactivate()
    xs[-1] = textbox.width
    last = 0.0
    for k, v in enumerate(xs):
        if v is None:
            xs[k] = last
        else:
            last = v
    return xs  # type: ignore[return-value]


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


def measure_blocks(document, texts: dict[str, str]):
    """For each block laid out on one unbroken line: where each character starts (px)."""
    from weasyprint.formatting_structure import boxes

    from .justify import Measure

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
            for k, x in enumerate(_char_x(box)[:-1]):
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


def stretch_lines(document, plans, texts: dict[str, str]) -> dict[str, int]:
    """Fill each justified line to the measure as :func:`justify.set_line` says: scale its glyphs
    from its left edge, add the extra after each stretch point (applied at draw time to the glyph
    ending the point's cluster) and move the boxes that follow. Returns counts: lines set, lines
    set loose, lines that could not be matched with their text (left as laid out)."""
    from weasyprint.formatting_structure import boxes

    from .justify import set_line

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
                right -= reading[-1].box.width - _char_x(reading[-1].box)[last - reading[-1].start]
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
