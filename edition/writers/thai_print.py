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

import pydyf

SUPPORTED_WEASYPRINT = ("70.",)
_installed = False


class SeamMissing(RuntimeError):
    pass


def _utf16(text: str) -> pydyf.String:
    return pydyf.String(text)


def install() -> None:
    """Wrap WeasyPrint's text drawing once per process."""
    global _installed
    if _installed:
        return
    import weasyprint
    import weasyprint.draw as draw

    if not weasyprint.__version__.startswith(SUPPORTED_WEASYPRINT) or not callable(getattr(draw, "draw_text", None)):
        raise SeamMissing(f"WeasyPrint {weasyprint.__version__}: the text-layer seam weasyprint.draw.draw_text "
                          f"is not the one this edition was written for ({SUPPORTED_WEASYPRINT}); "
                          "pin weasyprint==70.0 or port edition/writers/textlayer.py")
    original = draw.draw_text

    def draw_text_with_actual_text(stream, textbox, *args, **kwargs):
        text = textbox.text
        if not text.strip():
            return original(stream, textbox, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": _utf16(text)}))
        try:
            return original(stream, textbox, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw.draw_text = draw_text_with_actual_text
    _installed = True


def pango_breaks(text: str, lang: str = "th") -> set[int]:
    """Offsets where Pango (libthai for Thai) would allow a line break in ``text``."""
    from weasyprint.text.line_break import get_log_attrs

    attrs = get_log_attrs(text, lang)
    return {i for i in range(1, len(text)) if attrs[i].is_line_break}


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
