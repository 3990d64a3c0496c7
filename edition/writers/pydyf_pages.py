"""pydyf's list of page references, made once per page count instead of once per use.

``pydyf.PDF.page_references`` (pydyf 0.13) builds the reference of every page each time it is read,
and WeasyPrint reads it once per tagged element when it writes the structure tree
(``weasyprint/pdf/tags.py``) and once per link: writing a part of N pages costs O(N) per element,
1.5 to 2 s for the 128 pages of the corrections of a 20-chapter book. The references only change
when a page is added, so they are kept with the page count they were made for. The PDF written is
byte for byte the same.
"""

from __future__ import annotations

_installed = False


def seam_problems() -> list[str]:
    """What :func:`install` needs from pydyf and does not find (empty when it holds)."""
    import pydyf

    problems = []
    if not isinstance(getattr(pydyf.PDF, "page_references", None), property):
        problems.append("pydyf.PDF.page_references (a property)")
    pdf = pydyf.PDF()
    if not isinstance(pdf.pages.get("Kids"), list):
        problems.append("pydyf.PDF().pages['Kids'] (a list)")
    return problems


def install() -> None:
    """Replace ``pydyf.PDF.page_references`` once per process (nothing when pydyf has changed)."""
    global _installed
    if _installed:
        return
    _installed = True
    if seam_problems():
        return
    import pydyf

    original = pydyf.PDF.page_references.fget

    def page_references(self) -> tuple[bytes, ...]:
        kids = len(self.pages["Kids"])
        kept = self.__dict__.get("_edition_page_references")
        if kept is None or kept[0] != kids:
            kept = (kids, original(self))
            self.__dict__["_edition_page_references"] = kept
        return kept[1]

    pydyf.PDF.page_references = property(page_references)
