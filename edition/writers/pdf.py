"""PDF writer: print HTML -> WeasyPrint -> the reading PDF and the printer's PDF.

Two layout passes: the first finds on which pages persons are named (for the index) and where
pages start (exported as page data for the EPUB's page-list); the second renders the final book.
Only files inside the project are fetched; dates come from SOURCE_DATE_EPOCH for identical rebuilds.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..config import PrintConfig
from ..errors import EditionError, Problem
from ..model import Edition
from . import thai_print
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

    def misplaced_footnotes(self) -> dict[str, tuple[int, int]]:
        return {k: v for k, v in self.footnote_pages.items() if v[0] != v[1]}

    def to_json(self) -> str:
        return json.dumps({"page_count": self.page_count, "person_pages": self.person_pages,
                           "page_starts": self.page_starts, "footnote_pages": self.footnote_pages,
                           "relaxed_paragraphs": self.relaxed, "justified_lines": self.justified}, ensure_ascii=False, indent=1)


def _render(html: str, root: Path, base: Path, report_refused: bool = True):
    import weasyprint

    thai_print.install()
    fetcher = project_fetcher(root)
    document = weasyprint.HTML(string=html, base_url=str(base), url_fetcher=fetcher).render()
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


def _page_data(document) -> PageData:
    from weasyprint.formatting_structure import boxes

    persons: dict[str, list[int]] = {}
    starts: list[tuple[int, str, str]] = []
    calls: dict[str, int] = {}
    bodies: dict[str, int] = {}
    call_paragraph: dict[str, str] = {}
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
            if para and element is not None and isinstance(box, boxes.InlineBox) and element.get("class") == "person":
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
                    {k: (calls[k], bodies.get(k, 0)) for k in calls})
    return data, call_paragraph


MAX_RELAXATIONS = 4


def _stable_document_id(document, identifier: str) -> None:
    """WeasyPrint writes a random xmpMM:DocumentID into PDF/X metadata; use the edition's own
    identifier instead, so identical inputs give identical files."""
    generate = document.metadata.generate_rdf_metadata

    def generate_stable(*args, **kwargs):
        rdf = generate(*args, **kwargs)
        return re.sub(rb"xmp\.did:[0-9a-f-]{36}", b"xmp.did:" + identifier.removeprefix("urn:uuid:").encode(), rdf)

    document.metadata.generate_rdf_metadata = generate_stable


@dataclass(frozen=True)
class LayoutPlan:
    """What the final renders need from the first layout: where the persons are named (for the
    index) and which paragraphs are set with widows/orphans 1 (to keep footnotes with calls).
    Bleed and crop marks do not change the layout, so both PDFs share one plan."""

    relaxed: frozenset[str]
    person_pages: dict[str, tuple[int, ...]]


def plan_layout(edition: Edition, config: PrintConfig, root: Path, fonts_dir: Path, build_dir: Path,
                proof: dict | None = None) -> LayoutPlan:
    """Lay out the edition until every footnote sits on the page of its call.

    WeasyPrint can push a footnote to the page after its call when widows/orphans move a line
    (Kozea/WeasyPrint#2432). The layout is checked for that, and the paragraph holding such a call
    (and the one breaking across that page's end) is laid out again with widows/orphans 1.
    The plan is cached by the content of the HTML it was made for, so a rebuild of unchanged
    content lays out only the final PDFs.
    """
    ctx = PrintContext(edition, config, fonts_dir.resolve().as_uri(), "reading", proof=proof)
    first_html = render_print_html(ctx, root / "styles")
    key = hashlib.sha256(first_html.encode("utf-8")).hexdigest()
    cache = build_dir / "cache" / "layout" / f"{key}.json"
    if cache.exists():
        data = json.loads(cache.read_text(encoding="utf-8"))
        return LayoutPlan(frozenset(data["relaxed"]), {k: tuple(v) for k, v in data["person_pages"].items()})
    html, _ = _justify(first_html, config, root, build_dir)
    for _ in range(MAX_RELAXATIONS):
        data, call_paragraph = _page_data(_render(html, root, build_dir))
        misplaced = data.misplaced_footnotes()
        if not misplaced:
            break
        next_page_starts = {page: para for page, para, _ in data.page_starts}
        relax = {call_paragraph[n] for n in misplaced if n in call_paragraph}
        relax |= {next_page_starts[call + 1] for call, _ in misplaced.values() if call + 1 in next_page_starts}
        if relax <= ctx.relaxed:
            break
        ctx = replace(ctx, relaxed=ctx.relaxed | relax)
        html, _ = _justify(render_print_html(ctx, root / "styles"), config, root, build_dir)
    plan = LayoutPlan(frozenset(ctx.relaxed), data.person_pages)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps({"relaxed": sorted(plan.relaxed), "person_pages": plan.person_pages}), encoding="utf-8")
    tmp.replace(cache)
    return plan


def write_pdf(edition: Edition, config: PrintConfig, variant: str, root: Path, fonts_dir: Path,
              target: Path, build_dir: Path, plan: LayoutPlan | None = None, proof: dict | None = None) -> PageData:
    """Write ``target`` from the layout plan, with the index's page numbers filled in."""
    plan = plan or plan_layout(edition, config, root, fonts_dir, build_dir, proof)
    ctx = PrintContext(edition, config, fonts_dir.resolve().as_uri(), variant, plan.person_pages, plan.relaxed,
                       proof)
    final_html, justification = _justify(render_print_html(ctx, root / "styles"), config, root, build_dir)
    html_path = build_dir / f"print-{variant}.html"
    html_path.write_text(final_html, encoding="utf-8")
    document = _render(final_html, root, build_dir)
    counts = None
    if justification is not None:
        counts = thai_print.stretch_lines(document, justification.plans, justification.texts)
        counts["ragged"] = len(justification.ragged)
    stamp = source_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    document.metadata.created = stamp
    document.metadata.modified = stamp
    document.metadata.title = edition.metadata.title
    document.metadata.authors = [edition.metadata.editor]
    document.metadata.lang = edition.metadata.language
    _stable_document_id(document, edition.metadata.identifier_for(variant))
    options = dict(VARIANT_OPTIONS[variant])
    options["pdf_identifier"] = edition.metadata.identifier_for(variant).encode()
    document.write_pdf(target, **options)
    final, _ = _page_data(document)
    return replace(final, relaxed=tuple(sorted(plan.relaxed)), justified=counts)
