"""The printer's PDF from the reading PDF's layout: bleed, crop marks and a CMYK output intent.

Bleed and printer's marks lie outside the trimmed page: they change neither the layout nor a
single line of it (CSS Paged Media: the bleed area extends the page box outward). So the printer's
PDF is not laid out again: the laid-out pages of the reading PDF are given the bleed and marks of
the press (page by page, as the ``bleed`` and ``marks`` properties of ``@page`` would have done) and
written a second time by WeasyPrint with the PDF/X-4 variant and the CMYK profile as output intent.
Both PDFs therefore have the same pages line for line, and the build lays the book out once.

This reaches into WeasyPrint's laid-out page boxes (their computed style and page background);
WeasyPrint is pinned and :func:`seam_problems` names anything an upgrade removed, as
``thai_print`` does for the text seam.
"""

from __future__ import annotations

import copy
from pathlib import Path

SIDES = ("top", "right", "bottom", "left")
CMYK_COMPONENTS = (["cyan"], ["magenta"], ["yellow"], ["black"])


class SeamMissing(RuntimeError):
    pass


def seam_problems() -> list[str]:
    """What :func:`printer_document` needs from WeasyPrint and does not find (empty when it holds)."""
    import weasyprint
    from weasyprint.css import ColorProfile
    from weasyprint.css.properties import Dimension
    from weasyprint.formatting_structure import boxes

    problems = []
    page_box = getattr(boxes, "PageBox", None)
    if page_box is None or not isinstance(getattr(page_box, "bleed", None), property) \
            or not isinstance(getattr(page_box, "bleed_area", None), property):
        problems.append("weasyprint.formatting_structure.boxes.PageBox.bleed / bleed_area")
    if not callable(ColorProfile) or not callable(Dimension):
        problems.append("weasyprint.css.ColorProfile / weasyprint.css.properties.Dimension")
    init = weasyprint.Document.__init__.__code__.co_varnames[:7]
    if init != ("self", "pages", "metadata", "url_fetcher", "font_config", "color_profiles", "output_intent"):
        problems.append(f"weasyprint.Document({', '.join(init[1:])})")
    return problems


def printer_document(document, bleed_px: float, marks: tuple[str, ...], cmyk_profile: Path):
    """A new WeasyPrint document with the pages of ``document`` (already laid out, and stretched by
    the justifier) given ``bleed_px`` of bleed on every side, ``marks`` (``crop``, ``cross``) and
    the CMYK profile for the PDF/X output intent. ``document`` itself is left as it was."""
    problems = seam_problems()
    if problems:
        raise SeamMissing("the printer's PDF needs from WeasyPrint what it no longer has: " + "; ".join(problems))
    from weasyprint.css import ColorProfile
    from weasyprint.css.properties import Dimension

    pages = []
    for page in document.pages:
        box = page._page_box.copy()
        style = copy.copy(box.style)  # page styles are shared between pages of a kind: a copy
        for side in SIDES:
            style[f"bleed_{side}"] = Dimension(bleed_px, "px")
        style["marks"] = tuple(marks)
        box.style = style
        if box.background is not None:  # a page's background (and its marks) paint the bleed area
            box.background = box.background._replace(
                layers=[layer._replace(painting_area=box.bleed_area) for layer in box.background.layers])
        printed = copy.copy(page)
        printed._page_box = box
        printed.bleed = dict(box.bleed)
        pages.append(printed)
    with cmyk_profile.open("rb") as icc:
        profile = ColorProfile(icc, cmyk_profile.resolve().as_uri(), "relative-colorimetric", CMYK_COMPONENTS)
    printer = type(document)(pages, copy.copy(document.metadata), document.url_fetcher, document.font_config,
                             {"device-cmyk": profile}, None)
    return printer
