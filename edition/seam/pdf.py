"""Writing a laid-out document as PDF: the reading variant (PDF/A-3u, tagged) as laid out, the
printer's variant (PDF/X-4) with bleed, marks and a CMYK output intent added to the same pages.

Bleed and printer's marks lie outside the trimmed page: they change neither the layout nor a
single line of it (CSS Paged Media: the bleed area extends the page box outward). So the printer's
PDF is not laid out again: the laid-out pages are given the bleed and marks of the press (page by
page, as the ``bleed`` and ``marks`` properties of ``@page`` would have done) and written a second
time with the PDF/X-4 variant and the CMYK profile as output intent. Both PDFs have the same pages
line for line.

The fonts' ToUnicode maps are made right (:func:`_true_to_unicode`). WeasyPrint maps each glyph to
the text of the first cluster it is drawn in: in a Thai cluster ("ทำ" drawn as ท + nikhahit + aa)
every glyph but the last maps to nothing and the last to the whole cluster, so every later ท
extracts as nothing, and what a tool that reads ToUnicode (pdfplumber, a preflight check, a screen
reader without /ActualText) sees depends on where a glyph happened to appear first. Each glyph is
mapped instead to the character the font's own cmap gives it (or, for a glyph only substitution
reaches, a Thai mark's positioned form, the character it stands for). /ActualText still gives the
exact text (ำ whole); ToUnicode gives its decomposition (ํ + า), as the glyphs show it.

Also here: pydyf's list of page references, made once per page count. ``pydyf.PDF.page_references``
(pydyf 0.13) builds the reference of every page each time it is read, and WeasyPrint reads it once
per tagged element and per link: writing a part of N pages costs O(N) per element (1.5 to 2 s for
the 128 pages of a 20-chapter book's corrections). The PDF written is byte for byte the same.
"""

from __future__ import annotations

import copy
import functools
import io
import re
from datetime import datetime
from pathlib import Path

VARIANT_OPTIONS = {
    # the reading and archival PDF: tagged, PDF/A-3u
    "reading": {"pdf_variant": "pdf/a-3u", "pdf_tags": True},
    # the printer's PDF: PDF/X-4 with a CMYK output intent, bleed and crop marks
    "printer": {"pdf_variant": "pdf/x-4"},
}
SIDES = ("top", "right", "bottom", "left")
CMYK_COMPONENTS = (["cyan"], ["magenta"], ["yellow"], ["black"])


def problems() -> list[str]:
    import pydyf
    import weasyprint
    from weasyprint.css import ColorProfile
    from weasyprint.css.properties import Dimension
    from weasyprint.formatting_structure import boxes

    found = []
    page_box = getattr(boxes, "PageBox", None)
    if page_box is None or not isinstance(getattr(page_box, "bleed", None), property) \
            or not isinstance(getattr(page_box, "bleed_area", None), property):
        found.append("weasyprint.formatting_structure.boxes.PageBox.bleed / bleed_area")
    if not callable(ColorProfile) or not callable(Dimension):
        found.append("weasyprint.css.ColorProfile / weasyprint.css.properties.Dimension")
    init = weasyprint.Document.__init__.__code__.co_varnames[:7]
    if init != ("self", "pages", "metadata", "url_fetcher", "font_config", "color_profiles", "output_intent"):
        found.append(f"weasyprint.Document({', '.join(init[1:])})")
    if not callable(getattr(weasyprint.Document, "write_pdf", None)):
        found.append("weasyprint.Document.write_pdf")
    metadata = getattr(weasyprint.document, "DocumentMetadata", None)
    if metadata is None or not callable(getattr(metadata, "generate_rdf_metadata", None)):
        found.append("weasyprint.document.DocumentMetadata.generate_rdf_metadata")
    import weasyprint.pdf

    if not callable(getattr(weasyprint.pdf, "build_fonts_dictionary", None)):
        found.append("weasyprint.pdf.build_fonts_dictionary")
    if not isinstance(getattr(pydyf.PDF, "page_references", None), property):
        found.append("pydyf.PDF.page_references (a property)")
    elif not isinstance(pydyf.PDF().pages.get("Kids"), list):
        found.append("pydyf.PDF().pages['Kids'] (a list)")
    return found


def install() -> None:
    """Replace ``pydyf.PDF.page_references`` and fix the fonts' ToUnicode maps before they are
    written (once per process, by :func:`edition.seam.install`)."""
    import pydyf
    import weasyprint.pdf

    build_fonts = weasyprint.pdf.build_fonts_dictionary

    def build_fonts_dictionary(pdf, fonts, *args, **kwargs):
        for font in fonts.values():
            _true_to_unicode(font)
        return build_fonts(pdf, fonts, *args, **kwargs)

    weasyprint.pdf.build_fonts_dictionary = build_fonts_dictionary

    original = pydyf.PDF.page_references.fget

    def page_references(self) -> tuple[bytes, ...]:
        kids = len(self.pages["Kids"])
        kept = self.__dict__.get("_edition_page_references")
        if kept is None or kept[0] != kids:
            kept = (kids, original(self))
            self.__dict__["_edition_page_references"] = kept
        return kept[1]

    pydyf.PDF.page_references = property(page_references)


def _true_to_unicode(font) -> None:
    """Map each glyph of ``font`` WeasyPrint drew to the character the font says it shows."""
    if not font.to_unicode or getattr(font, "bitmap", False):
        return
    reverse = _glyph_characters(font.file_content)
    for gid in list(font.to_unicode):
        if gid in reverse:
            font.to_unicode[gid] = reverse[gid]


@functools.lru_cache(maxsize=16)
def _glyph_characters(data: bytes) -> dict[int, str]:
    """Glyph id -> the one character it shows, from the font's cmap (the lowest code point where
    several share a glyph) and, for glyphs reached only by single substitution (positioned forms of
    Thai tone marks, a yo ying without its tail), the character of the glyph substituted."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    order = font.getGlyphOrder()
    ids = {name: i for i, name in enumerate(order)}
    by_name: dict[str, int] = {}
    for code, name in sorted((font.getBestCmap() or {}).items()):
        by_name.setdefault(name, code)
    if "GSUB" in font:
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for table in lookup.SubTable:
                if lookup.LookupType == 7:  # extension: the real subtable inside
                    table = table.ExtSubTable
                if getattr(table, "LookupType", lookup.LookupType) == 1:
                    for source, target in table.mapping.items():
                        if source in by_name and target not in by_name:
                            by_name[target] = by_name[source]
    return {ids[name]: chr(code) for name, code in by_name.items() if name in ids}


def _stable_document_id(document, identifier: str) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID into PDF/X metadata; use the edition's own
    identifier instead, so identical inputs give identical files."""
    metadata = document.metadata
    generate = type(metadata).generate_rdf_metadata.__get__(metadata)  # the class's, never an earlier patch

    def generate_stable(*args, **kwargs):
        rdf = generate(*args, **kwargs)
        return re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + identifier.removeprefix("urn:uuid:").encode(), rdf)

    metadata.generate_rdf_metadata = generate_stable


def printer_document(document, bleed_px: float, marks: tuple[str, ...], cmyk_profile: Path):
    """A new document with the pages of ``document`` (laid out, and stretched by the justifier)
    given ``bleed_px`` of bleed on every side, ``marks`` (``crop``, ``cross``) and the CMYK
    profile for the PDF/X output intent. ``document`` itself is left as it was."""
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
    return type(document)(pages, copy.copy(document.metadata), document.url_fetcher, document.font_config,
                          {"device-cmyk": profile}, None)


def write_pdf(document, variant: str, identifier: str, title: str, authors: list[str], lang: str,
              date: datetime, bleed_px: float = 0.0, marks: tuple[str, ...] = (),
              cmyk_profile: Path | None = None) -> bytes:
    """The PDF of one variant of a laid-out document: metadata dated ``date`` (from
    SOURCE_DATE_EPOCH), a stable document id; the printer's with bleed, marks and the CMYK intent."""
    from . import install

    install()
    if variant == "printer":
        document = printer_document(document, bleed_px, marks, cmyk_profile)
    stamp = date.strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.title = title
    document.metadata.authors = authors
    document.metadata.lang = lang
    _stable_document_id(document, identifier)
    out = io.BytesIO()
    document.write_pdf(out, pdf_identifier=identifier.encode(), **VARIANT_OPTIONS[variant])
    return out.getvalue()
