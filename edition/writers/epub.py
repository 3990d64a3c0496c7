"""EPUB writer: the Edition model -> a pandoc JSON document -> EPUB 3 via pypandoc.

pandoc is given the model as its own AST (never through its HTML reader, which turns a newline
inside Thai into a space). Thai break opportunities are ``<wbr/>`` at the word boundaries of the
one shared segmentation, so readers without a Thai dictionary break lines correctly while copy and
search still see the plain text. Note numbers come from the model, not from pandoc.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fonts import FACES, find_font
from ..inlines import name_spans, reading_text
from ..model import (
    AuthorNoteCall,
    Choice,
    Citation,
    Edition,
    Inline,
    LineBreak,
    Note,
    NoteCall,
    Paragraph,
    Span,
    Text,
    shown,
)
from ..render import INLINE_RENDITION, bibl_citation_label
from ..thai import line_breaks_for, thai_sorted, unbreakable_runs

PANDOC_API = [1, 23, 1]
WBR = {"t": "RawInline", "c": ["html", "<wbr/>"]}

J = dict[str, Any]


def _attr(ident: str = "", classes: Iterable[str] = (), kv: Iterable[tuple[str, str]] = ()) -> list:
    return [ident, list(classes), [list(p) for p in kv]]


def _str_runs(text: str) -> list[J]:
    out: list[J] = []
    for i, part in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if part:
            out.append({"t": "Str", "c": part})
    return out


def _raw(html: str) -> J:
    return {"t": "RawInline", "c": ["html", html]}


@dataclass
class _Ctx:
    edition: Edition
    footnotes: list[Note]


class _InlineWriter:
    """Converts inline content to pandoc inlines, placing <wbr/> at the shared break offsets."""

    def __init__(self, ctx: _Ctx, breaks: set[int], pagebreaks: dict[int, int] | None = None):
        self.ctx = ctx
        self.breaks = breaks
        self.pagebreaks = pagebreaks or {}  # offset -> printed page that starts there
        self.pos = 0
        self.wbr_at = -1  # where the last <wbr/> went, so a boundary gets one

    def text(self, text: str) -> list[J]:
        start = self.pos
        self.pos += len(text)
        pages = {o - start: n for o, n in self.pagebreaks.items() if start <= o < start + len(text)}
        if pages:  # split at the page starts, then render each piece
            out: list[J] = []
            cuts = sorted(pages) + [len(text)]
            self.pos = start
            prev = 0
            for cut in cuts:
                if cut > prev:
                    piece_start = self.pos
                    saved = self.pagebreaks
                    self.pagebreaks = {}
                    out.extend(self.text(text[prev:cut]))
                    self.pagebreaks = saved
                    self.pos = piece_start + (cut - prev)
                if cut in pages:
                    out.append(_raw(pagebreak_html(pages[cut])))
                    if start + cut in self.breaks and cut < len(text) and start + cut != self.wbr_at:
                        out.append(WBR)
                        self.wbr_at = start + cut
                prev = cut
            return out
        cuts = sorted(b - start for b in self.breaks if start < b < start + len(text))
        protected = unbreakable_runs(text)
        out: list[J] = []
        prev = 0
        for cut in cuts + [len(text)]:
            out.extend(self._protected(text[prev:cut], [(max(a - prev, 0), b - prev) for a, b in protected
                                                         if a < cut and b > prev]))
            if cut < len(text):
                out.append(WBR)
            prev = cut
        return out

    @staticmethod
    def _protected(text: str, runs: list[tuple[int, int]]) -> list[J]:
        out: list[J] = []
        pos = 0
        for a, b in runs:
            if " " in text[a:b]:
                out.extend(_str_runs(text[pos:a]))
                out.append({"t": "Span", "c": [_attr(classes=["nobr"]), [{"t": "Str", "c": text[a:b]}]]})
                pos = b
        out.extend(_str_runs(text[pos:]))
        return out

    def inlines(self, nodes: Iterable[Inline]) -> list[J]:
        out: list[J] = []
        for node in nodes:
            if self.pos in self.breaks and self.pos != self.wbr_at and self._has_text(node):
                out.append(WBR)  # a word boundary where one element ends and the next begins
                self.wbr_at = self.pos
            if isinstance(node, Text):
                out.extend(self.text(node.text))
            elif isinstance(node, Span):
                tag, cls = INLINE_RENDITION[node.role]
                kv = [("lang", node.lang)] if node.lang else []
                if node.ref:
                    kv.append(("data-ref", node.ref))
                if node.role == "citations":
                    parts: list[J] = [{"t": "Str", "c": "("}]
                    for i, child in enumerate(node.children):
                        if i:
                            parts.extend([{"t": "Str", "c": ";"}, {"t": "Space"}])
                        parts.extend(self.inlines([child]))
                    parts.append({"t": "Str", "c": ")"})
                    out.append({"t": "Span", "c": [_attr(classes=[cls]), parts]})
                    continue
                inner = self.inlines(node.children)
                if node.role == "emph":
                    out.append({"t": "Emph", "c": inner})
                else:
                    out.append({"t": "Span", "c": [_attr(classes=[cls], kv=kv), inner]})
            elif isinstance(node, Choice):
                c = node.correction
                out.append({"t": "Span", "c": [_attr(c.id, ["corr"]), self.text(c.reading)]})
            elif isinstance(node, AuthorNoteCall):
                out.append({"t": "Span", "c": [_attr(classes=["author-note"]),
                                               [{"t": "Superscript", "c": [{"t": "Str", "c": node.number}]}]]})
            elif isinstance(node, NoteCall):
                out.append(self.note_call(self.ctx.edition.note(node.note_id)))
            elif isinstance(node, Citation):
                out.append({"t": "Link", "c": [_attr(classes=["cite"]),
                                               _str_runs(bibl_citation_label(self.ctx.edition, node)),
                                               [f"#bib-{node.key}", ""]]})
            elif isinstance(node, LineBreak):
                out.append({"t": "LineBreak"})
        return out

    @staticmethod
    def _has_text(node: Inline) -> bool:
        return isinstance(node, (Text, Span, Choice)) and bool(reading_text([node]))

    def note_call(self, note: Note) -> J:
        ident = note.annotation.id
        if note.placement == "glossary":
            return {"t": "Link", "c": [_attr(f"call-{ident}", ["glossref"], [("aria-label", "อภิธานศัพท์")]),
                                       [{"t": "Superscript", "c": [{"t": "Str", "c": note.label}]}],
                                       [f"#note-{ident}", ""]]}
        if note.placement == "foot":
            self.ctx.footnotes.append(note)
        return {"t": "Link", "c": [_attr(f"call-{ident}", ["noteref"], [("epub:type", "noteref"),
                                                                       ("role", "doc-noteref")]),
                                   [{"t": "Superscript", "c": [{"t": "Str", "c": note.label}]}],
                                   [f"#note-{ident}", ""]]}


def pagebreak_html(number: int) -> str:
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{number}" '
            f'aria-label="{number}"></span>')


def page_offsets(edition: Edition, page_starts) -> tuple[dict[str, dict[int, int]], dict[str, int]]:
    """Where the printed pages start: offsets in paragraphs, or the id of a section or back-matter
    part that starts a page. Built from the page data the PDF writer exports."""
    texts = {p.id: reading_text(p.inlines) for c in edition.chapters for s in c.sections for p in s.paragraphs}
    in_paragraph: dict[str, dict[int, int]] = {}
    before: dict[str, int] = {}
    last: dict[str, int] = {}
    for page, target, first in page_starts:
        if target in texts:
            at = -1
            for size in (30, 20, 12, 6):  # the first words may run into a note call's number
                snippet = first.lstrip()[:size]
                at = texts[target].find(snippet, last.get(target, 0)) if snippet else -1
                if at >= 0:
                    break
            if at < 0:
                continue
            in_paragraph.setdefault(target, {})[at] = page
            last[target] = at + 1
        else:
            before.setdefault(target, page)
    return in_paragraph, before


def inline_breaks(inlines, custom_words: Iterable[str]) -> list[int]:
    """The shared break offsets of inline content's reading text (encoded names kept whole)."""
    text = reading_text(inlines)
    protected = name_spans(inlines)
    return line_breaks_for(text, protected, custom_words)


def paragraph_breaks(paragraph: Paragraph, custom_words: Iterable[str]) -> list[int]:
    return inline_breaks(paragraph.inlines, custom_words)


def _note_body(ctx: _Ctx, note: Note) -> list[J]:
    writer = _InlineWriter(ctx, set(inline_breaks(note.annotation.body, ctx.edition.custom_words)))
    ident = note.annotation.id
    back = {"t": "Link", "c": [_attr(classes=["backlink"], kv=[("role", "doc-backlink")]),
                               [{"t": "Str", "c": note.label}], [f"#call-{ident}", ""]]}
    return [back, {"t": "Space"}] + writer.inlines(note.annotation.body)


def document_parts(edition: Edition, page_starts=(), heads_only: frozenset[str] = frozenset(),
                   only: str | None = None) -> Iterator[list[J]]:
    """The book's blocks, one list per file of the EPUB: each chapter, then each part of the back
    matter, each opening with its level-1 heading (where pandoc's ``--split-level=1`` cuts).
    A part is made when it is asked for, so only one part's blocks need be held at a time.
    Of the parts whose level-1 heading's id is in ``heads_only`` (made already), or is not ``only``
    when that is given, only the headings."""

    def skipped(ident: str) -> bool:
        return ident in heads_only or (only is not None and ident != only)

    ctx = _Ctx(edition, [])
    words = edition.custom_words
    in_paragraph, before = page_offsets(edition, page_starts)

    def page_marker(target: str) -> list[J]:
        if target in before:
            return [{"t": "RawBlock", "c": ["html", f'<div>{pagebreak_html(before[target])}</div>']}]
        return []

    for chapter in edition.chapters:
        # markers follow a level-1 heading: pandoc starts a new file at each, so one placed before
        # it would end the previous file (or open an empty one)
        blocks: list[J] = [{"t": "Header", "c": [1, _attr(chapter.id, ["chapter"]),
                                                 _str_runs(f"{chapter.number} {chapter.title}".strip())]}]
        blocks.extend(page_marker(chapter.id))
        for section in chapter.sections:
            blocks.extend(page_marker(section.id))
            if section.head:
                head = _InlineWriter(ctx, set()).inlines(section.head)
                blocks.append({"t": "Header", "c": [2, _attr(section.id), head]})
            if skipped(chapter.id):
                ctx.footnotes.clear()  # (a note called in a heading belongs to the part made elsewhere)
                continue
            for p in section.paragraphs:
                writer = _InlineWriter(ctx, set(paragraph_breaks(p, words)), in_paragraph.get(p.id))
                blocks.append({"t": "Div", "c": [_attr(p.id, ["para"]),
                                                 [{"t": "Para", "c": writer.inlines(p.inlines)}]]})
            for note in ctx.footnotes:
                blocks.append({"t": "RawBlock", "c": ["html", f'<aside id="note-{note.annotation.id}" '
                                                      'class="footnote" epub:type="footnote" role="doc-footnote">']})
                blocks.append({"t": "Para", "c": _note_body(ctx, note)})
                blocks.append({"t": "RawBlock", "c": ["html", "</aside>"]})
            ctx.footnotes.clear()
        yield blocks
    for header, body in _back_parts(ctx):
        if skipped(header["c"][1][0]):
            yield [header]
            continue
        blocks = [header, *body()]
        for i, block in reversed(list(enumerate(blocks))):
            # a page that opens a back-matter part or starts with an endnote or a bibliography entry
            if block["t"] in ("Header", "Div"):
                ident = block["c"][1][0] if block["t"] == "Header" else block["c"][0][0]
                if ident in before:
                    at = i + 1 if block["t"] == "Header" else i
                    blocks[at:at] = page_marker(ident)
        yield blocks


def pandoc_document(meta: J, blocks: list[J]) -> J:
    return {"pandoc-api-version": PANDOC_API, "meta": meta, "blocks": blocks}


def build_document(edition: Edition, page_starts=()) -> J:
    """The whole book as one pandoc document (the EPUB gives pandoc one part at a time)."""
    return pandoc_document(book_meta(edition), [b for part in document_parts(edition, page_starts) for b in part])


def _back_parts(ctx: _Ctx) -> list[tuple[J, Callable[[], list[J]]]]:
    """The back matter's parts, each as its level-1 heading and a function making the rest."""
    edition = ctx.edition
    parts: list[tuple[J, Callable[[], list[J]]]] = []
    endnotes = [n for n in edition.notes if n.placement == "end"]
    if endnotes:
        parts.append(({"t": "Header", "c": [1, _attr("notes", [], [("epub:type", "endnotes"), ("role", "doc-endnotes")]),
                                            _str_runs("หมายเหตุท้ายบท")]},
                      lambda: [{"t": "Div", "c": [_attr(f"note-{note.annotation.id}", ["endnote"],
                                                        [("epub:type", "endnote")]),
                                                  [{"t": "Para", "c": _note_body(ctx, note)}]]} for note in endnotes]))
    glosses = thai_sorted([n for n in edition.notes if n.placement == "glossary"], key=lambda n: n.annotation.term)
    if glosses:
        def glossary() -> list[J]:
            items = []
            for note in glosses:
                term = [{"t": "Span", "c": [_attr(f"note-{note.annotation.id}"), _str_runs(note.annotation.term)]}]
                body = _InlineWriter(ctx, set(inline_breaks(note.annotation.body, ctx.edition.custom_words))).inlines(
                    note.annotation.body)
                items.append([term, [[{"t": "Plain", "c": body}]]])
            return [{"t": "DefinitionList", "c": items}]

        parts.append(({"t": "Header", "c": [1, _attr("glossary", [], [("epub:type", "glossary"), ("role", "doc-glossary")]),
                                            _str_runs("อภิธานศัพท์")]}, glossary))
    if edition.bibliography:
        def bibliography() -> list[J]:
            out = []
            for b in sorted(edition.bibliography, key=lambda b: b.author):
                text = f"{b.author}. {b.title}. " + (f"{b.place}: " if b.place else "") + \
                       (f"{b.publisher}, " if b.publisher else "") + f"{b.year}."
                out.append({"t": "Div", "c": [_attr(f"bib-{b.key}", ["bibl"], [("lang", "en")]),
                                              [{"t": "Para", "c": _str_runs(text)}]]})
            return out

        parts.append(({"t": "Header", "c": [1, _attr("bibliography", [], [("epub:type", "bibliography"), ("role", "doc-bibliography")]),
                                            _str_runs("บรรณานุกรม")]}, bibliography))

    def corrections() -> list[J]:
        rows = []
        for c in edition.corrections:
            rows.append([_str_runs(c.id), [{"t": "Link", "c": [_attr(), _str_runs(c.paragraph), [f"#{c.paragraph}", ""]]}],
                         [{"t": "Span", "c": [_attr(classes=["sic"]), [{"t": "Str", "c": shown(c.original)}]]}],
                         [{"t": "Str", "c": shown(c.reading)}],
                         _str_runs(c.cert)])
        return [_table(["รหัส", "ย่อหน้า", "ต้นฉบับ OCR", "แก้เป็น", "ความมั่นใจ"], rows)]

    parts.append(({"t": "Header", "c": [1, _attr("corrections", ["appendix"], [("epub:type", "appendix"), ("role", "doc-appendix")]),
                                        _str_runs("ภาคผนวก: การแก้ไขต้นฉบับ")]}, corrections))

    def index() -> list[J]:
        items = []
        for entry in edition.person_index:
            links: list[J] = []
            for i, pid in enumerate(entry.paragraphs):
                if i:
                    links.extend([{"t": "Str", "c": ","}, {"t": "Space"}])
                links.append({"t": "Link", "c": [_attr(), _str_runs(pid), [f"#{pid}", ""]]})
            name = _str_runs(entry.heading) + ([{"t": "Space"}, {"t": "Span", "c": [
                _attr(kv=[("lang", "en")]), _str_runs(f"({entry.entity.latin})")]}] if entry.entity.latin else [])
            items.append([{"t": "Plain", "c": name + [{"t": "Space"}] + links}])
        return [{"t": "BulletList", "c": items}]

    parts.append(({"t": "Header", "c": [1, _attr("index", [], [("epub:type", "index"), ("role", "doc-index")]),
                                        _str_runs("ดัชนีบุคคล")]}, index))
    return parts


def _cell(content: list[J]) -> list:
    return [_attr(), {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": content}]]


def _table(headers: list[str], rows: list[list[list[J]]]) -> J:
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in headers]
    head = [_attr(), [[_attr(), [_cell(_str_runs(h)) for h in headers]]]]
    body = [[_attr(), 0, [], [[_attr(), [_cell(c) for c in row]] for row in rows]]]
    return {"t": "Table", "c": [_attr(), [None, []], colspecs, head, body, [_attr(), []]]}


def _meta_str(text: str) -> J:
    return {"t": "MetaString", "c": text}


def book_meta(edition: Edition) -> J:
    """The book's metadata as pandoc is given it (every part of the EPUB gets the book's)."""
    m = edition.metadata
    return {
        "title": _meta_str(edition.chapters[0].title if edition.chapters else m.title),
        "subtitle": _meta_str("ฉบับตรวจชำระและอธิบายประกอบ"),
        "lang": _meta_str(m.language),
        "identifier": _meta_str(m.identifier_for("epub")),
        "creator": {"t": "MetaList", "c": [{"t": "MetaMap", "c": {"role": _meta_str("edt"),
                                                                  "text": _meta_str(m.editor)}}]},
        "date": _meta_str(m.date),
        "rights": _meta_str(m.rights),
        "source": _meta_str(m.source_description),
        "description": _meta_str(m.source_description),
        "publisher": _meta_str(m.editor),
        "toc-title": _meta_str("สารบัญ"),
    }


A11Y_SUMMARY = ("This edition is text only: the chapter, its notes, glossary, bibliography, corrections "
                "apparatus and person index are all text, with a navigable table of contents, headings, "
                "pop-up footnotes with back-links and Thai line-break opportunities.")


def write_epub(edition: Edition, target: Path, build_dir: Path, fonts: list[Path], styles: Path,
               page_starts=(), cover: Path | None = None, made: dict[str, Path] | None = None) -> None:
    """Write the EPUB; with ``page_starts`` from the reading PDF it gets a page-list of the printed
    pages (and ``pageBreakSource`` names that PDF), with ``cover`` a cover image.

    pandoc is run once per part of the book (each chapter, each part of the back matter) and once
    on the book's headings alone, which gives the package (file names, contents, title page); the
    parts' documents are put into that package by ``epub_package.assemble``. So neither pandoc nor
    this process ever holds the whole book: memory does not grow with the number of chapters.
    ``made``: the parts made already (:func:`book_part`), by their heading's id."""
    import tempfile

    from .epub_package import Accessibility, finish

    tmp = target.with_suffix(".tmp.epub")
    with tempfile.TemporaryDirectory(prefix="epub-", dir=build_dir) as work:
        pandoc_epub(edition, page_starts, Path(work), tmp, made)
    font_data = {f.name: f.read_bytes() for f in fonts}
    features = Accessibility().features + (("pageBreakMarkers", "pageNavigation") if page_starts else ())
    finish(tmp, (styles / "epub.css").read_text(encoding="utf-8"), font_data,
           Accessibility(features=features, summary=A11Y_SUMMARY),
           page_source=edition.metadata.identifier_for("reading") if page_starts else None,
           cover=cover.read_bytes() if cover else None, body_id=edition.chapters[0].id if edition.chapters else None,
           font_cache=build_dir / "cache" / "epub-fonts")
    tmp.replace(target)


def pandoc_epub(edition: Edition, page_starts, work: Path, target: Path, made: dict[str, Path] | None = None) -> None:
    """pandoc's EPUB of the book, as one pandoc call on ``build_document`` would write it, from one
    call per part (at most two at a time) and one on the headings, in the folder ``work``.
    ``made``: pandoc's EPUBs of parts made already (:func:`book_part`), by their heading's id."""
    from concurrent.futures import Future, ThreadPoolExecutor

    from ..book import worker_count
    from .epub_package import assemble

    made = made or {}
    env = _pandoc_env()
    meta = book_meta(edition)
    headings: list[J] = []
    with ThreadPoolExecutor(max_workers=min(2, worker_count())) as pool:
        parts: list[Future | Path] = []
        for i, blocks in enumerate(document_parts(edition, page_starts, frozenset(made))):
            headings.extend(b for b in blocks if b["t"] == "Header")
            if blocks[0]["c"][1][0] in made:
                parts.append(made[blocks[0]["c"][1][0]])
                continue
            # written out here, so only the part being made is held in memory, not those queued
            parts.append(pool.submit(_pandoc, _write_json(pandoc_document(meta, blocks), work / f"part-{i:03d}"),
                                     env))
        skeleton = _pandoc(_write_json(pandoc_document(meta, headings), work / "headings"), env)
        assemble(skeleton, [p if isinstance(p, Path) else p.result() for p in parts], target)


def book_part(edition: Edition, meta: J, page_starts, ident: str, target: Path) -> None:
    """pandoc's EPUB of the part of ``edition`` that opens with the level-1 heading ``ident`` (a
    chapter or a part of the back matter), as :func:`pandoc_epub` makes it for the whole book whose
    metadata is ``meta`` (:func:`book_meta`): made by the book's job of that part, beside its
    layout, from the edition and page starts that job has. Written atomically to ``target``."""
    work = target.with_name(f"{target.stem}.{os.getpid()}")
    work.mkdir(exist_ok=True)
    try:
        blocks = next(b for b in document_parts(edition, page_starts, only=ident) if b[0]["c"][1][0] == ident)
        _pandoc(_write_json(pandoc_document(meta, blocks), work / "part"), _pandoc_env()).replace(target)
    finally:
        for leftover in work.iterdir():
            leftover.unlink()
        work.rmdir()


def _pandoc_env() -> dict[str, str]:
    from .pdf import source_date

    return {**os.environ, "SOURCE_DATE_EPOCH": str(int(source_date().timestamp()))}


# --sandbox: pandoc reads nothing but its input; stylesheet and fonts are added by `finish`.
PANDOC_ARGS = ("--sandbox", "--split-level=1", "--toc", "--toc-depth=2", "--epub-title-page=true")


def _write_json(doc: J, stem: Path) -> Path:
    path = stem.with_suffix(".json")
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _pandoc(source: Path, env: dict[str, str]) -> Path:
    """pandoc's EPUB of the pandoc JSON document ``source`` (written beside it; the JSON removed)."""
    import subprocess

    import pypandoc

    out = source.with_suffix(".epub")
    proc = subprocess.run([pypandoc.get_pandoc_path(), str(source), "--from=json", "--to=epub3",
                           f"--output={out}", *PANDOC_ARGS], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"pandoc failed on {source.name}: {proc.stderr.strip()[:500]}")
    source.unlink()
    return out


def font_files() -> list[Path]:
    return [find_font(f.file) for f in FACES]
