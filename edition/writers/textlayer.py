"""The one extension point of the PDF writer into WeasyPrint: the Thai text layer.

WeasyPrint maps each glyph to Unicode once per font, so after HarfBuzz splits ำ into two glyphs
(nikhahit + aa) every later า on the page extracts wrongly, and "น้ำ" cannot be found. Instead of
changing the text (no split ำ, no added characters), every text run is wrapped in a marked-content
span carrying its real text as ``/ActualText``, which viewers and pdftotext use for copy and search.

The seam is ``weasyprint.draw.draw_text``, the function the drawing code calls for each text box;
WeasyPrint is pinned, and ``install`` fails loudly if an upgrade removes the seam.
"""

from __future__ import annotations

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
