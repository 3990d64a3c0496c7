"""PDF writer: a part's print HTML -> its layout (WeasyPrint, through :mod:`edition.seam`) -> the
reading and printer's PDFs of the part; the parts' PDFs merged into the book's.

A chapter is laid out until every footnote sits on its call's page (one layout, or two when
paragraphs must be relaxed: Kozea/WeasyPrint#2432); every other part once. Both variants are
written from that one layout, the printer's with bleed and crop marks added to its pages. The
layout also exports its page data (where pages start, where persons are named, where each part,
chapter and section opens). Only files inside the project are fetched; dates come from the build
context (SOURCE_DATE_EPOCH), so rebuilds are byte-identical.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from ..cache import Cache
from ..config import PrintConfig
from ..model import Metadata
from ..pagedata import PageData
from ..seam import layout as seam_layout
from ..seam import pdf as seam_pdf
from .print_html import PartHTML

MAX_RELAXATIONS = 4


@dataclass
class Layout:
    """A part laid out: the document (both variants are written from it), its page data (pages
    counted from the part's first page in its own layout), the paragraphs relaxed to keep
    footnotes with their calls, the justifier's line plans (applied once, before writing) and the
    HTML it was laid out from."""

    document: object
    data: PageData
    relaxed: frozenset[str]
    justification: object | None
    html: PartHTML


def _justify(html: str, config: PrintConfig, root: Path, base: Path, cache: Cache):
    """The HTML with the justifier's line breaks written in (or as it is, when set ragged)."""
    if not config.justify:
        return html, None
    from .justify_html import impose_breaks

    # the measuring document holds only the justified blocks: what it refuses to fetch is reported
    # by the layout of the part itself
    justification = impose_breaks(html, cache, lambda h: seam_layout.render(h, root, base, report_refused=False))
    return justification.html, justification


def relaxations(data: PageData, call_paragraph: dict[str, str]) -> set[str]:
    """The paragraphs to set with widows/orphans 1 so that each footnote WeasyPrint pushed off its
    call's page comes back (Kozea/WeasyPrint#2432): the paragraph holding the call and the one
    breaking across that page's end."""
    misplaced = data.misplaced_footnotes()
    next_page_starts = {page: para for page, para, _ in data.page_starts}
    relax = {call_paragraph[n] for n in misplaced if n in call_paragraph}
    relax |= {next_page_starts[call + 1] for call, _ in misplaced.values() if call + 1 in next_page_starts}
    return relax


def lay_out(html_for: Callable[[frozenset[str]], PartHTML], config: PrintConfig, root: Path, base: Path,
            cache: Cache, relaxed: frozenset[str] = frozenset(), movable: bool = False, pad: bool = True,
            settle: bool = False) -> Layout:
    """Lay out a part: ``html_for(relaxed)`` renders its HTML; justified, rendered with files from
    ``root`` only, its pad page dropped. With ``settle`` (a chapter), laid out again while a
    footnote is off its call's page (:func:`settled`). ``movable``: its page numbers can be set
    after layout (:mod:`edition.seam.folios`)."""

    def once(relax: frozenset[str]):
        part = html_for(relax)
        html, justification = _justify(part.html, config, root, base, cache)
        document = seam_layout.render(html, root, base, movable=movable)
        if pad:
            document = seam_layout.without_last_page(document)
        return document, justification, PartHTML(html, part.borrowed)

    return settled(once, relaxed, rounds=MAX_RELAXATIONS if settle else 0)


def settled(lay_out_once: Callable, relaxed: frozenset[str] = frozenset(), rounds: int = MAX_RELAXATIONS,
            read_pages: Callable = seam_layout.page_data) -> Layout:
    """Lay out (``lay_out_once(relaxed)``) until every footnote sits on its call's page, relaxing
    the paragraphs concerned, at most ``rounds`` times; the last layout is the one kept (a footnote
    still off its page is reported by the page data, never hidden)."""
    for round_ in range(rounds + 1):
        document, justification, html = lay_out_once(relaxed)
        data, call_paragraph = read_pages(document)
        relax = relaxations(data, call_paragraph) - relaxed if round_ < rounds else set()
        if not relax:
            return Layout(document, replace(data, relaxed=tuple(sorted(relaxed))), relaxed, justification, html)
        relaxed = relaxed | relax
        del document
    raise AssertionError("the last round relaxes nothing")


def justify_lines(layout: Layout) -> dict[str, int] | None:
    """Fill the justified lines of the layout to the measure (once, before any variant is written);
    returns the justifier's line counts."""
    if layout.justification is None:
        return None
    from .justify import set_line

    j = layout.justification
    counts = seam_layout.stretch_lines(layout.document, j.plans, j.texts, set_line)
    counts["ragged"] = len(j.ragged)
    return counts


def write_variants(layout: Layout, variants: tuple[str, ...], metadata: Metadata, config: PrintConfig,
                   date: datetime, cmyk_profile: Path | None) -> tuple[dict[str, bytes], dict[str, int] | None]:
    """Justify the layout's lines, then write each variant from it: the reading PDF as laid out,
    the printer's with bleed, crop marks and the CMYK intent added to the same pages. Returns
    the PDFs and the justifier's line counts."""
    counts = justify_lines(layout)
    pdfs = {v: seam_pdf.write_pdf(layout.document, v, metadata.identifier_for(v), metadata.title,
                                  [metadata.author or metadata.editor], metadata.language, date, config.bleed_px, config.marks,
                                  cmyk_profile) for v in variants}
    return pdfs, counts


# --- merging the parts ---------------------------------------------------------------------------

def merge_pdfs(parts: list[tuple[bytes | Path, tuple[str, ...]]]) -> bytes:
    """One PDF from the parts (each its PDF and the ids it borrowed from other parts): pages in
    order, outlines concatenated, structure trees and named destinations joined (so links between
    parts resolve, to the real places, not the stand-ins); catalogue, XMP, output intents and
    document information come from the first part."""
    import io

    import pikepdf

    def opened(pdf: bytes | Path):  # a file is read as pages are copied, not held whole
        return pikepdf.open(pdf) if isinstance(pdf, Path) else pikepdf.open(io.BytesIO(pdf))

    out = opened(parts[0][0])
    outline: list = []
    names: dict[str, object] = {}
    struct = out.Root.get("/StructTreeRoot")
    nums = list(struct.ParentTree.Nums) if struct is not None else []
    next_key = _next_struct_key(struct, nums)
    document_element = _document_element(struct)
    sources = []
    for n, (data, borrowed) in enumerate(parts):
        src = out if n == 0 else opened(data)
        sources.append(src)
        first = 0 if n == 0 else len(out.pages)
        if n:
            with warnings.catch_warnings():  # named destinations are carried over below
                warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                out.pages.extend(src.pages)
        page_index = {p.objgen: i for i, p in enumerate(src.pages)}
        with src.open_outline() as o:
            outline.extend(_outline_items(o.root, page_index, first))
        for key, dest in _named_dests(src):
            if key not in set(borrowed):
                names.setdefault(key, (dest, page_index, first))
        src_struct = src.Root.get("/StructTreeRoot")
        if n and struct is not None and src_struct is not None:
            src_nums = list(src_struct.ParentTree.Nums)
            shift = next_key
            for page in out.pages[first:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + shift
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + shift
            values = _copy_all(src, out, [src_nums[k + 1] for k in range(0, len(src_nums), 2)])
            for k, value in zip(range(0, len(src_nums), 2), values, strict=True):
                nums.append(int(src_nums[k]) + shift)
                nums.append(value)
            next_key = _next_struct_key(src_struct, src_nums) + shift
            children = _document_element(src_struct)
            kids = children.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for copied in _copy_all(src, out, kids):
                if isinstance(copied, pikepdf.Dictionary):
                    copied.P = document_element
                document_element.K.append(copied)
    if struct is not None:
        struct.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
        struct.ParentTreeNextKey = next_key
    # named destinations: rebuilt against the merged pages, sorted as a name tree requires
    dests = pikepdf.Array()
    for key in sorted(names):
        dest, page_index, first = names[key]
        index = page_index.get(dest[0].objgen) if isinstance(dest[0], pikepdf.Dictionary) else None
        if index is None:
            continue
        dests.append(pikepdf.String(key))
        dests.append(pikepdf.Array([out.pages[first + index].obj, *list(dest)[1:]]))
    out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=dests))
    with out.open_outline() as o:
        o.root.clear()
        o.root.extend(_rebuild_outline(outline, out))
    buffer = io.BytesIO()
    out.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for src in sources:
        src.close()
    return buffer.getvalue()


def _copy_all(src, out, objects: list) -> list:
    """Copy objects of the PDF ``src`` into ``out`` in one call of qpdf: held in an indirect array
    of ``src``, copied with everything they reach (object by object in Python, a 20-chapter book's
    structure trees took 1.3 s)."""
    import pikepdf

    holder = src.make_indirect(pikepdf.Array(objects))
    return list(out.copy_foreign(holder))


def _document_element(struct):
    import pikepdf

    if struct is None:
        return None
    k = struct.K
    if isinstance(k, pikepdf.Array):
        k = k[0]
    if not isinstance(k.get("/K"), pikepdf.Array):
        k.K = pikepdf.Array([k.K] if k.get("/K") is not None else [])
    return k


def _next_struct_key(struct, nums) -> int:
    if struct is None:
        return 0
    if "/ParentTreeNextKey" in struct:
        return int(struct.ParentTreeNextKey)
    return max((int(nums[k]) for k in range(0, len(nums), 2)), default=-1) + 1


def _named_dests(pdf):
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    from pikepdf import NameTree

    return [(str(k), v) for k, v in NameTree(names.Dests).items()]


def _outline_items(items, page_index: dict, first: int) -> list:
    result = []
    for item in items:
        dest = item.destination
        index = None
        if dest is not None and len(dest) and hasattr(dest[0], "objgen"):
            index = page_index.get(dest[0].objgen)
        rest = list(dest)[1:] if dest is not None else []
        result.append((item.title, None if index is None else first + index, rest,
                       _outline_items(item.children, page_index, first)))
    return result


def _rebuild_outline(items, out) -> list:
    import pikepdf

    result = []
    for title, index, rest, children in items:
        item = pikepdf.OutlineItem(title)
        if index is not None:
            item.destination = pikepdf.Array([out.pages[index].obj, *rest])
        item.children.extend(_rebuild_outline(children, out))
        result.append(item)
    return result


