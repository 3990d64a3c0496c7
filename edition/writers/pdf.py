"""PDF writer: print HTML -> WeasyPrint -> the reading PDF and the printer's PDF.

The book is laid out until every footnote sits on its call's page (one layout, or two when
paragraphs must be relaxed; one when the plan is cached), then the index is laid out apart with
that layout's page numbers and put in place of its placeholder pages; both PDFs are written from
that one layout, the printer's with bleed and crop marks added to its pages.
The layout also exports where pages start (the EPUB's page-list) and where persons are named.
Only files inside the project are fetched; dates come from SOURCE_DATE_EPOCH for identical rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import PrintConfig
from ..errors import EditionError, Problem
from ..files import write_whole
from ..model import Edition
from . import folios, pydyf_pages, thai_print
from .print_html import PrintContext, render_print_html

VARIANT_OPTIONS = {
    # the reading and archival PDF: tagged, PDF/A-3u
    "reading": {"pdf_variant": "pdf/a-3u", "pdf_tags": True},
    # the printer's PDF: PDF/X-4 with a CMYK output intent, bleed and crop marks
    "printer": {"pdf_variant": "pdf/x-4"},
}


def source_date() -> datetime:
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "1764028800"))  # 2025-11-25 unless set
    return datetime.fromtimestamp(epoch, tz=UTC)


def project_fetcher(root: Path):
    """A url_fetcher that serves files inside ``root`` and refuses everything else."""
    import weasyprint

    root = root.resolve()

    class ProjectFetcher(weasyprint.URLFetcher):
        refused: list[str] = []

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme not in ("file", ""):
                self.refused.append(url)
                raise ValueError(f"refused remote URL {url}")
            path = Path(unquote(parsed.path)).resolve()
            if not path.is_relative_to(root):
                self.refused.append(url)
                raise ValueError(f"refused file outside the project {url}")
            return super().fetch(path.as_uri(), headers)

    fetcher = ProjectFetcher()
    fetcher.refused = []
    return fetcher


@dataclass(frozen=True)
class PageData:
    """What the PDF writer exports about its layout: pages where persons are named and where
    each page starts (paragraph id and the text offset into it)."""

    page_count: int
    person_pages: dict[str, tuple[int, ...]]
    page_starts: tuple[tuple[int, str, str], ...]  # (page, id of the paragraph or section, first text)
    footnote_pages: dict[str, tuple[int, int]]  # note id -> (page of the call, page of the body)
    relaxed: tuple[str, ...] = ()  # paragraphs set with widows/orphans 1 to keep a footnote with its call
    justified: dict[str, int] | None = None  # justified lines, loose lines (see justify.py)
    # the page each chapter, section and part of the front and back matter opens on (by id): where
    # the contents points, as WeasyPrint's target-counter() counts it
    section_pages: dict[str, int] = field(default_factory=dict)

    def misplaced_footnotes(self) -> dict[str, tuple[int, int]]:
        return {k: v for k, v in self.footnote_pages.items() if v[0] != v[1]}

    def to_json(self) -> str:
        return json.dumps({"page_count": self.page_count, "person_pages": self.person_pages,
                           "page_starts": self.page_starts, "footnote_pages": self.footnote_pages,
                           "relaxed_paragraphs": self.relaxed, "justified_lines": self.justified,
                           "section_pages": self.section_pages}, ensure_ascii=False, indent=1)


def _render(html: str, root: Path, base: Path, report_refused: bool = True, movable: bool = False):
    """``html`` laid out; ``movable``: its page numbers can be set after layout (:mod:`folios`)."""
    import weasyprint

    thai_print.install()
    pydyf_pages.install()
    fetcher = project_fetcher(root)
    source = weasyprint.HTML(string=html, base_url=str(base), url_fetcher=fetcher)
    document = folios.render(source) if movable else source.render()
    if fetcher.refused and report_refused:
        raise EditionError([Problem("styles/", None, f"the stylesheet or template asks for {url}; nothing outside "
                                    "the project is fetched", "put the resource inside the project")
                            for url in dict.fromkeys(fetcher.refused)])
    return document


def _justify(html: str, config: PrintConfig, root: Path, build_dir: Path):
    """The HTML with the justifier's line breaks written in (or as it is, when set ragged)."""
    if not config.justify:
        return html, None
    from .justify import impose_breaks

    # the measuring document holds only the justified blocks: what it refuses to fetch is reported
    # by the first render of the whole book
    justification = impose_breaks(html, build_dir / "cache" / "justify",
                                  lambda h: _render(h, root, build_dir, report_refused=False))
    return justification.html, justification


def _boxes(box):
    """``box`` and every box inside it (in no particular order)."""
    stack = [box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", ()) or ())


def _shows_text(box) -> bool:
    """Whether any text box inside ``box`` shows a character other than a space."""
    return any(getattr(b, "text", "").strip() for b in _boxes(box))


SECTIONING = frozenset({"article", "section", "nav"})  # the print template's chapters, sections, parts


def _page_data(document) -> PageData:
    from weasyprint.formatting_structure import boxes

    persons: dict[str, list[int]] = {}
    starts: list[tuple[int, str, str]] = []
    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    call_paragraph: dict[str, str] = {}
    sections: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        first: tuple[str, str] | None = None
        stack: list[tuple[object, str | None, str | None]] = [(page._page_box, None, None)]
        while stack:
            box, para, anchor = stack.pop()
            element = getattr(box, "element", None)
            if element is not None and isinstance(box, boxes.BlockBox) and element.tag == "p" and element.get("id"):
                para = element.get("id")
            if element is not None and isinstance(box, boxes.BlockBox) and element.get("id"):
                anchor = element.get("id")
                if element.tag in SECTIONING:
                    sections.setdefault(anchor, number)
            if para and element is not None and isinstance(box, boxes.InlineBox) and element.get("class") == "person" \
                    and _shows_text(box):  # not the empty piece of a name whose line breaks just before it
                ref = element.get("data-ref")
                if ref and number not in persons.setdefault(ref, []):
                    persons[ref].append(number)
            if element is not None and "footnote" in (element.get("class") or "").split():
                note = (element.get("id") or "").removeprefix("note-")
                if "footnote-call" in str(getattr(box, "element_tag", "")):
                    calls.setdefault(note, number)
                    if para:
                        call_paragraph[note] = para
                elif isinstance(box, boxes.BlockBox):
                    bodies.setdefault(note, number)
            if isinstance(box, boxes.TextBox) and (para or anchor) and box.text.strip():
                # the page's first words, long enough to find the place again in the reading text
                if first is None:
                    first = (para or anchor, box.text)
                elif first[0] == (para or anchor) and len(first[1]) < 40:
                    first = (first[0], first[1] + box.text)
            children = getattr(box, "children", None)
            if children:
                stack.extend((child, para, anchor) for child in reversed(list(children)))
        if first:
            starts.append((number, first[0], first[1]))
    data = PageData(len(document.pages), {k: tuple(sorted(v)) for k, v in persons.items()}, tuple(starts),
                    {k: (calls[k], bodies.get(k, 0)) for k in calls}, section_pages=sections)
    return data, call_paragraph


MAX_RELAXATIONS = 4


def _stable_document_id(document, identifier: str) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID into PDF/X metadata; use the edition's own
    identifier instead, so identical inputs give identical files."""
    metadata = document.metadata
    generate = type(metadata).generate_rdf_metadata.__get__(metadata)  # the class's, never an earlier patch

    def generate_stable(*args, **kwargs):
        rdf = generate(*args, **kwargs)
        return re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + identifier.removeprefix("urn:uuid:").encode(), rdf)

    metadata.generate_rdf_metadata = generate_stable


@dataclass(frozen=True)
class LayoutPlan:
    """What a layout needs to be final: which paragraphs are set with widows/orphans 1 (to keep
    footnotes with their calls) and the page numbers the index prints. Cached by content."""

    relaxed: frozenset[str]
    person_pages: dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class Layout:
    """A final layout: the laid-out document (both PDFs are written from it), its page data, the
    plan it settled on and the justifier's line plans (applied once, when it is written)."""

    document: object
    data: PageData
    plan: LayoutPlan
    justification: object | None
    html: str

    def page_data(self, justified: dict[str, int] | None) -> PageData:
        """The page data the build exports (pages.json), with the justifier's line counts."""
        return replace(self.data, relaxed=tuple(sorted(self.plan.relaxed)), justified=justified)


LayOut = Callable[[frozenset[str], dict | None], tuple[object, object | None, str]]


def relaxations(data: PageData, call_paragraph: dict[str, str]) -> set[str]:
    """The paragraphs to set with widows/orphans 1 so that each footnote WeasyPrint pushed off its
    call's page comes back (Kozea/WeasyPrint#2432): the paragraph holding the call and the one
    breaking across that page's end."""
    misplaced = data.misplaced_footnotes()
    next_page_starts = {page: para for page, para, _ in data.page_starts}
    relax = {call_paragraph[n] for n in misplaced if n in call_paragraph}
    relax |= {next_page_starts[call + 1] for call, _ in misplaced.values() if call + 1 in next_page_starts}
    return relax


def settle(lay_out: LayOut, start: LayoutPlan | None = None, index: bool = True,
           read_pages: Callable = _page_data) -> Layout:
    """Lay out until the layout is its own plan: every footnote on the page of its call (or no
    paragraph left to relax after MAX_RELAXATIONS rounds) and, with ``index``, the index printing
    the pages the persons are named on in this very layout. The last layout is the final one.

    ``lay_out(relaxed, person_pages)`` lays the document out. Starting from a cached plan of the
    same content, the first layout is final. The index follows the text, so its numbers never move
    the pages they point to: one layout after the last relaxation settles them. ``read_pages`` reads
    a laid-out document's page data (:func:`_page_data`).
    """
    relaxed = start.relaxed if start else frozenset()
    pages = start.person_pages if start else None
    rounds = 0
    for _ in range(MAX_RELAXATIONS + 2):
        document, justification, html = lay_out(relaxed, pages)
        data, call_paragraph = read_pages(document)
        relax = relaxations(data, call_paragraph) - relaxed if rounds < MAX_RELAXATIONS else set()
        if not relax and (not index or pages == data.person_pages):
            return Layout(document, data, LayoutPlan(relaxed, data.person_pages), justification, html)
        if relax:
            rounds += 1
        relaxed, pages = relaxed | relax, data.person_pages
        del document
    raise EditionError([Problem("styles/templates/print.html.j2", None,
                                "the index's page numbers do not settle: printing them moves the pages they point to",
                                "keep the index after the text it indexes")])


def lay_out_edition(edition: Edition, config: PrintConfig, root: Path, fonts_dir: Path, build_dir: Path,
                    proof: dict | None = None) -> Layout:
    """The edition's final layout, from which both PDFs are written (see :func:`settle`).

    The plan is cached by the content of the HTML it was made for: a rebuild of unchanged content
    lays the book out once.
    """
    fonts_url = fonts_dir.resolve().as_uri()
    first_html = render_print_html(PrintContext(edition, config, fonts_url, proof=proof), root / "styles")

    def lay_out(relaxed: frozenset[str], pages: dict | None):
        html = first_html
        if relaxed or pages is not None:
            html = render_print_html(PrintContext(edition, config, fonts_url, pages, relaxed, proof), root / "styles")
        html, justification = _justify(html, config, root, build_dir)
        return _render(html, root, build_dir), justification, html

    key = hashlib.sha256(first_html.encode("utf-8")).hexdigest()
    cache = build_dir / "cache" / "layout" / f"{key}.json"
    start = None
    if cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        start = LayoutPlan(frozenset(data["relaxed"]), {k: tuple(v) for k, v in data["person_pages"].items()})
    # the index laid out apart and put in place of the placeholder one: its numbers come from the
    # final layout of everything before it, one layout less than laying the book out again
    layout = settle(lambda relaxed, _pages: lay_out(relaxed, None), start, index=False)
    index_html = lambda pages: render_print_html(  # noqa: E731
        PrintContext(edition, config, fonts_url, pages, layout.plan.relaxed, proof), root / "styles")
    spliced = with_index_apart(layout, index_html, root, build_dir)
    layout = spliced if spliced is not None else settle(lay_out, start)  # or with the book, as its own plan
    if layout.plan != start:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_whole(cache, json.dumps({"relaxed": sorted(layout.plan.relaxed),
                                       "person_pages": layout.plan.person_pages}))
    (build_dir / "print.html").write_text(layout.html, encoding="utf-8")  # the HTML the PDFs were laid out from
    return layout


INDEX_ID = "index"


def _trailing_pages(document, element_id: str) -> list[int]:
    """The pages (from 1) at the end of the document that hold the element ``element_id``."""
    found = []
    for number in range(len(document.pages), 0, -1):
        if not any(getattr(b, "element", None) is not None and b.element.get("id") == element_id
                   for b in _boxes(document.pages[number - 1]._page_box)):
            break
        found.append(number)
    return sorted(found)


def with_index_apart(layout: Layout, index_html: Callable[[dict], str], root: Path, build_dir: Path) -> Layout | None:
    """The layout with its index (the last section, laid out with placeholder numbers) replaced by
    the index laid out on its own with the page numbers of this layout, starting on the same page;
    None when the template does not allow it (the index does not start a page, or links elsewhere).

    Nothing before the index moves, so the persons' pages are final; both documents' pages are
    written as one (WeasyPrint's ``Document.copy``), the index's page counter set to run on.
    """
    from .print_parts import back_pieces, borrowed_ids, cut_html, page_number_css

    pages = _trailing_pages(layout.document, INDEX_ID)
    starts = {page: anchor for page, anchor, _ in layout.data.page_starts}
    if not pages or starts.get(pages[0]) != INDEX_ID:
        return None
    full = index_html(layout.plan.person_pages)
    pieces = back_pieces(full[full.rindex("</article>"):full.rindex("</body>")])
    if not re.match(rf'\s*<section class="[^"]*\bindex\b[^"]*" id="{INDEX_ID}"', pieces[-1]) or borrowed_ids(pieces[-1]):
        return None
    first = pages[0]
    index = _render(cut_html(full, "back", page_number_css(first), piece=len(pieces) - 1), root, build_dir)
    document = layout.document.copy(layout.document.pages[:first - 1] + index.pages)
    document.edition_index_part = index  # its fonts must live as long as the pages drawn with them
    data, _ = _page_data(document)
    cut = layout.html.rfind(f'<section class="back index" id="{INDEX_ID}"')
    html = layout.html[:cut] + pieces[-1] + layout.html[layout.html.rindex("</body>"):] if cut >= 0 else layout.html
    return replace(layout, document=document, data=data, html=html)


def finish_document(document, edition: Edition, variant: str) -> dict:
    """Metadata of one variant (dates from SOURCE_DATE_EPOCH, a stable document id); returns the
    options of ``document.write_pdf`` for it."""
    stamp = source_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.title = edition.metadata.title
    document.metadata.authors = [edition.metadata.editor]
    document.metadata.lang = edition.metadata.language
    _stable_document_id(document, edition.metadata.identifier_for(variant))
    options = dict(VARIANT_OPTIONS[variant])
    options["pdf_identifier"] = edition.metadata.identifier_for(variant).encode()
    return options


def justify_lines(layout: Layout) -> dict[str, int] | None:
    """Fill the justified lines of the layout to the measure (once, before any variant is written);
    returns the justifier's line counts."""
    if layout.justification is None:
        return None
    counts = thai_print.stretch_lines(layout.document, layout.justification.plans, layout.justification.texts)
    counts["ragged"] = len(layout.justification.ragged)
    return counts


def write_variant(layout: Layout, edition: Edition, config: PrintConfig, variant: str, target: Path,
                  build_dir: Path) -> None:
    """Write one variant from the layout: the reading PDF as laid out, the printer's with bleed,
    crop marks and the CMYK intent added to the same pages (writers/print_production.py)."""
    from .print_production import printer_document

    document = layout.document
    if variant == "printer":
        document = printer_document(document, config.bleed_px, config.marks,
                                    build_dir / "profiles" / "default_cmyk.icc")
    document.write_pdf(target, **finish_document(document, edition, variant))


def write_variants(layout: Layout, edition: Edition, config: PrintConfig, targets: dict[str, Path],
                   build_dir: Path) -> dict[str, int] | None:
    """Justify the layout's lines and write each variant in ``targets`` from it."""
    counts = justify_lines(layout)
    for variant, target in targets.items():
        write_variant(layout, edition, config, variant, target, build_dir)
    return counts


def write_pdfs(edition: Edition, config: PrintConfig, root: Path, fonts_dir: Path, build_dir: Path,
               targets: dict[str, Path], proof: dict | None = None) -> PageData:
    """Lay the edition out (:func:`lay_out_edition`) and write the PDFs in ``targets`` from that
    one layout; returns the page data of the layout."""
    layout = lay_out_edition(edition, config, root, fonts_dir, build_dir, proof)
    return layout.page_data(write_variants(layout, edition, config, targets, build_dir))
