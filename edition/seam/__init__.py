"""The one seam into WeasyPrint and pydyf: every use of their internals lives in this package.

- :mod:`.text`: the exact text layer (``/ActualText``), the justifier's extra width and glyph
  scaling at draw time, Pango's break opportunities, glyph positions;
- :mod:`.layout`: rendering with the project's fetcher, page data read from the boxes, measuring
  and filling justified lines;
- :mod:`.folios`: page numbers set after layout;
- :mod:`.pdf`: writing the reading and printer's variants (bleed, marks, output intents), pydyf's
  page references made once per page count.

WeasyPrint is pinned (``requirements.lock``). :func:`seam_problems` names everything this package
needs from it that an upgrade removed; :func:`install`, which every entry point calls before it
lays anything out, runs it and refuses to go on, so a changed WeasyPrint fails loudly and at once,
never with a quietly wrong PDF.
"""

from __future__ import annotations

SUPPORTED_WEASYPRINT = ("70.",)
_installed = False


class SeamMissing(RuntimeError):
    pass


def seam_problems() -> list[str]:
    """What the seam needs from WeasyPrint, Pango and pydyf and does not find (empty: it holds)."""
    import weasyprint

    from . import folios, layout, pdf, text

    found = []
    if not weasyprint.__version__.startswith(SUPPORTED_WEASYPRINT):
        found.append(f"WeasyPrint {weasyprint.__version__} is not {SUPPORTED_WEASYPRINT}")
    for module in (text, layout, folios, pdf):
        found.extend(module.problems())
    return found


def install() -> None:
    """Check the seam and wrap WeasyPrint's text drawing and pydyf's page references, once per process."""
    global _installed
    if _installed:
        return
    found = seam_problems()
    if found:
        raise SeamMissing("the seam into WeasyPrint (edition/seam) does not fit this WeasyPrint: "
                          f"{'; '.join(found)}. Pin weasyprint==70.0 (requirements.lock) or port the seam and "
                          "its tests (tests/test_seam.py, tests/test_justify.py)")
    from . import pdf, text

    text.install()
    pdf.install()
    _installed = True
