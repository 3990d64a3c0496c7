"""Text inside WeasyPrint: the exact text layer, the justifier's extra width and glyph scaling,
Pango's break opportunities and where each character of a laid-out text box starts.

Text layer. WeasyPrint maps each glyph to Unicode once per font, so after HarfBuzz splits ำ into
two glyphs (nikhahit + aa) every later า on the page extracts wrongly, and "น้ำ" cannot be found.
Every text run is wrapped in a marked-content span carrying its real text as ``/ActualText``,
which viewers and pdftotext use for copy and search. Nothing is added to the text (no U+200B, no
split ำ). The justifier's extra width is added to the advance of the glyph that ends a cluster,
and its glyph scaling is the PDF text state ``Tz``: both at draw time, at
``weasyprint.draw.draw_text``, the function the drawing code calls for each text box.
"""

from __future__ import annotations

from functools import lru_cache

EXTRA = "_edition_extra"  # on a TextBox: {UTF-8 offset of a cluster's end: extra width in px, unscaled}
SCALE = "_edition_scale"  # on a TextBox: horizontal glyph scaling of its line (PDF Tz / 100)


def problems() -> list[str]:
    """What this module needs from WeasyPrint and Pango and does not find."""
    import weasyprint.draw as draw
    from weasyprint.text import ffi, line_break

    found = []
    if not callable(getattr(draw, "draw_text", None)):
        found.append("weasyprint.draw.draw_text")
    for name in ("get_first_line", "reactivate", "deactivate"):
        if not callable(getattr(line_break.Layout, name, None)):
            found.append(f"weasyprint.text.line_break.Layout.{name}")
    if not callable(getattr(line_break, "get_log_attrs", None)):
        found.append("weasyprint.text.line_break.get_log_attrs")
    try:
        ffi.ffi.offsetof("PangoGlyphGeometry", "width")
        ffi.ffi.offsetof("PangoGlyphString", "log_clusters")
    except (AttributeError, TypeError, KeyError, ffi.ffi.error):
        found.append("Pango glyph strings (PangoGlyphGeometry.width, PangoGlyphString.log_clusters)")
    return found


def install() -> None:
    """Wrap ``weasyprint.draw.draw_text`` (called once per process by :func:`edition.seam.install`)."""
    import pydyf
    import weasyprint.draw as draw

    original = draw.draw_text

    def draw_text_with_actual_text(stream, textbox, *args, **kwargs):
        text = textbox.text
        if not text.strip():
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
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


def pango_breaks(text: str, lang: str = "th") -> set[int]:
    """Offsets where Pango (libthai for Thai) would allow a line break in ``text``."""
    return set(_pango_breaks(text, lang))


@lru_cache(maxsize=4096)
def _pango_breaks(text: str, lang: str) -> frozenset[int]:
    # memoized: every layout renders the print HTML again
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, lang)
    return frozenset(i for i in range(1, len(text)) if attrs[i].is_line_break)


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


def char_x(textbox) -> list[float]:
    """The x of the start of each character of ``textbox.text``, relative to the box, from the
    glyphs Pango shaped (characters inside a cluster get the cluster's x); the last entry is the
    box's width."""
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
