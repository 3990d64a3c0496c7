"""Page numbers set after layout: a part of a book is laid out once, counting its pages from 1,
and given its real page numbers when the parts before it have been counted.

Only the margin boxes (folio, running heads) show the ``page`` counter in the print stylesheet, and
WeasyPrint makes the margin boxes last, page by page, from each page's counter state, once the page
bodies are laid out (``weasyprint.layout.layout_document``). So a laid-out document whose pages
keep their layout context can have its margin boxes made again from the same states with the
``page`` counter moved; nothing in the page bodies changes. Every part starts on a recto, so a move
keeps each page's side (left and right pages have different running heads and margins); a move by
an odd number of pages is refused.

This uses WeasyPrint internals; :func:`problems` names what is needed, and
:func:`edition.seam.install` refuses to run without it.
"""

from __future__ import annotations

import copy
import functools


def problems() -> list[str]:
    """What :func:`render` and :func:`move` need from WeasyPrint and do not find (empty when it holds)."""
    problems = []
    try:
        from weasyprint import DEFAULT_OPTIONS, Document
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout.background import layout_box_backgrounds
        from weasyprint.layout.page import make_margin_boxes
    except ImportError as error:
        return [f"import: {error}"]
    if not callable(getattr(Document, "_build_layout_context", None)) or not callable(
            getattr(Document, "_render", None)):
        problems.append("weasyprint.Document._build_layout_context / _render")
    if "cache" not in DEFAULT_OPTIONS:
        problems.append("weasyprint.DEFAULT_OPTIONS")
    if not hasattr(boxes, "MarginBox"):
        problems.append("weasyprint.formatting_structure.boxes.MarginBox")
    params = make_margin_boxes.__code__.co_varnames[:3]
    if params != ("context", "page", "state"):
        problems.append(f"weasyprint.layout.page.make_margin_boxes({', '.join(params)})")
    if layout_box_backgrounds.__code__.co_varnames[:3] != ("page", "box", "get_image_from_uri"):
        problems.append("weasyprint.layout.background.layout_box_backgrounds")
    return problems


@functools.cache
def _movable_document_class():
    from weasyprint import Document

    class MovableDocument(Document):
        """A Document whose pages keep the layout context their margin boxes were made in."""

        _context = None

        @classmethod
        def _build_layout_context(cls, *args, **kwargs):
            context = super()._build_layout_context(*args, **kwargs)
            MovableDocument._context = context
            return context

    return MovableDocument


def render(html):
    """``html`` (a ``weasyprint.HTML``) laid out as ``html.render()`` would, its pages movable."""
    from weasyprint import DEFAULT_OPTIONS

    cls = _movable_document_class()
    try:
        document = cls._render(html, None, None, None, DEFAULT_OPTIONS.copy())
        context = cls._context
    finally:
        cls._context = None
    for number, page in enumerate(document.pages, start=1):
        page.movable = (context, number)
    return document


def movable(document) -> bool:
    return bool(document.pages) and all(getattr(p, "movable", None) for p in document.pages)


def move(document, shift: int) -> None:
    """Number the pages of ``document`` ``shift`` further than they were laid out (margin boxes
    made again in place; ``shift`` counts from the layout, not from the last move)."""
    if shift % 2:
        raise ValueError(f"a part moved by {shift} pages would change sides")
    if not movable(document):
        raise ValueError("the document was not rendered movable (writers.folios.render)")
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout.background import layout_box_backgrounds
    from weasyprint.layout.page import make_margin_boxes

    for page in document.pages:
        context, number = page.movable
        box = page._page_box
        quote_depth, counters, scopes, groups = context.page_maker[number][3]
        counters = copy.deepcopy(counters)
        counters["page"] = [value + shift for value in counters.get("page", [number])]
        context.current_page = number
        kept = [child for child in box.children if not isinstance(child, boxes.MarginBox)]
        margins = list(make_margin_boxes(context, box, (quote_depth, counters, scopes, groups)))
        for margin in margins:
            layout_box_backgrounds(box, margin, context.get_image_from_uri)
        box.children = (*kept, *margins)


def fix(document) -> None:
    """Let go of the layout context the pages of ``document`` kept to be moved (the cascade and the
    page states: 0.1 GB for a long part), once its page numbers are final."""
    for page in document.pages:
        if hasattr(page, "movable"):
            del page.movable
