"""EPUB writer: the Edition model -> a pandoc JSON document -> EPUB 3 via pypandoc.

pandoc is given the model as its own AST (never through its HTML reader, which turns a newline
inside Thai into a space). Thai break opportunities are ``<wbr/>`` at the word boundaries of the
one shared segmentation, so readers without a Thai dictionary break lines correctly while copy and
search still see the plain text. Note numbers come from the model, not from pandoc.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import parts as book
from ..inlines import name_spans, reading_text
from ..labels import labels_for
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
from ..parts import Part
from ..render import INLINE_RENDITION, bibl_citation_label
from ..thai import line_breaks_for, unbreakable_runs

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
            label = labels_for(self.ctx.edition.metadata.language)["glossary-ref"]
            return {"t": "Link", "c": [_attr(f"call-{ident}", ["glossref"], [("aria-label", label)]),
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


def part_blocks(edition: Edition, part: Part, page_starts=(), heads_only: bool = False) -> list[J]:
    """One part of the book (a chapter or a section of the back matter) as pandoc blocks, opening
    with its level-1 heading (where pandoc's ``--split-level=1`` starts a file); ``heads_only``:
    its headings alone (the package pandoc makes of the book's headings). ``edition`` holds the
    part (the whole edition or the part's slice, :func:`edition.parts.part_edition`)."""
    ctx = _Ctx(edition, [])
    in_paragraph, before = page_offsets(edition, page_starts)

    def page_marker(target: str) -> list[J]:
        if target in before:
            return [{"t": "RawBlock", "c": ["html", f'<div>{pagebreak_html(before[target])}</div>']}]
        return []

    if part.kind == "chapter":
        chapter = next(c for c in edition.chapters if c.id == part.id)
        words = edition.custom_words
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
            if heads_only:
                ctx.footnotes.clear()  # (a note called in a heading belongs to the part itself)
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
        return blocks
    labels = labels_for(edition.metadata.language)
    epub_type, role = part.semantics
    classes = ["appendix"] if part.name == "corrections" else []
    header = {"t": "Header", "c": [1, _attr(part.id, classes, [("epub:type", epub_type), ("role", role)]),
                                   _str_runs(labels[part.name])]}
    if heads_only:
        return [header]
    blocks = [header, *_BACK_BODIES[part.name](ctx, labels)]
    for i, block in reversed(list(enumerate(blocks))):
        # a page that opens a back-matter part or starts with an endnote or a bibliography entry
        if block["t"] in ("Header", "Div"):
            ident = block["c"][1][0] if block["t"] == "Header" else block["c"][0][0]
            if ident in before:
                at = i + 1 if block["t"] == "Header" else i
                blocks[at:at] = page_marker(ident)
    return blocks


def pandoc_document(meta: J, blocks: list[J]) -> J:
    return {"pandoc-api-version": PANDOC_API, "meta": meta, "blocks": blocks}


def build_document(edition: Edition, parts: tuple[Part, ...], page_starts=()) -> J:
    """The whole book as one pandoc document (the EPUB gives pandoc one part at a time)."""
    return pandoc_document(book_meta(edition), [b for part in parts if part.kind != "front"
                                                for b in part_blocks(edition, part, page_starts)])


def _notes_body(ctx: _Ctx, labels) -> list[J]:
    return [{"t": "Div", "c": [_attr(f"note-{note.annotation.id}", ["endnote"], [("epub:type", "endnote")]),
                               [{"t": "Para", "c": _note_body(ctx, note)}]]} for note in book.endnotes(ctx.edition)]


def _glossary_body(ctx: _Ctx, labels) -> list[J]:
    items = []
    for note in book.glosses(ctx.edition):
        term = [{"t": "Span", "c": [_attr(f"note-{note.annotation.id}"), _str_runs(note.annotation.term)]}]
        body = _InlineWriter(ctx, set(inline_breaks(note.annotation.body, ctx.edition.custom_words))).inlines(
            note.annotation.body)
        items.append([term, [[{"t": "Plain", "c": body}]]])
    return [{"t": "DefinitionList", "c": items}]


def _bibliography_body(ctx: _Ctx, labels) -> list[J]:
    return [{"t": "Div", "c": [_attr(f"bib-{b.key}", ["bibl"], [("lang", "en")]),
                               [{"t": "Para", "c": _InlineWriter(ctx, set()).inlines(book.reference(b))}]]}
            for b in book.bibliography(ctx.edition)]


def _corrections_body(ctx: _Ctx, labels) -> list[J]:
    rows = []
    for c in book.corrections(ctx.edition):
        rows.append([_str_runs(c.id), [{"t": "Link", "c": [_attr(), _str_runs(c.paragraph), [f"#{c.paragraph}", ""]]}],
                     [{"t": "Span", "c": [_attr(classes=["sic"]), [{"t": "Str", "c": shown(c.original)}]]}],
                     [{"t": "Str", "c": shown(c.reading)}],
                     _str_runs(c.cert)])
    return [_table([labels["col-id"], labels["col-paragraph"], labels["col-original"], labels["col-reading"],
                    labels["col-cert"]], rows)]


def _names_body(ctx: _Ctx, labels) -> list[J]:
    rows = [[_str_runs(", ".join(r.author)), _str_runs(r.notes),
             [{"t": "Span", "c": [_attr(kv=[("lang", r.original_lang)]), _str_runs(r.original)]}] if r.original else [],
             [{"t": "Span", "c": [_attr(kv=[("lang", "en")]), _str_runs(r.english)]}] if r.english else []]
            for r in book.names(ctx.edition)]
    intro = {"t": "Para", "c": _str_runs(labels["names-intro"])}
    return [intro, _table([labels["col-author-form"], labels["col-notes-form"], labels["col-source-form"],
                           labels["col-english"]], rows)]


def _index_body(ctx: _Ctx, labels) -> list[J]:
    items = []
    for entry in book.index_entries(ctx.edition):
        links: list[J] = []
        for i, pid in enumerate(entry.paragraphs):
            if i:
                links.extend([{"t": "Str", "c": ","}, {"t": "Space"}])
            links.append({"t": "Link", "c": [_attr(), _str_runs(pid), [f"#{pid}", ""]]})
        name = _str_runs(entry.heading) + ([{"t": "Space"}, {"t": "Span", "c": [
            _attr(kv=[("lang", "en")]), _str_runs(f"({entry.entity.latin})")]}] if entry.entity.latin else [])
        items.append([{"t": "Plain", "c": name + [{"t": "Space"}] + links}])
    return [{"t": "BulletList", "c": items}]


_BACK_BODIES = {"notes": _notes_body, "glossary": _glossary_body, "names": _names_body,
                "bibliography": _bibliography_body,
                "corrections": _corrections_body, "index": _index_body}


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
    labels = labels_for(m.language)
    return {
        "title": _meta_str(edition.chapters[0].title if edition.chapters else m.title),
        "subtitle": _meta_str(labels["subtitle"]),
        "lang": _meta_str(m.language),
        "identifier": _meta_str(m.identifier_for("epub")),
        "creator": {"t": "MetaList", "c": [{"t": "MetaMap", "c": {"role": _meta_str("edt"),
                                                                  "text": _meta_str(m.editor)}}]},
        "date": _meta_str(m.date),
        "rights": _meta_str(m.rights),
        "source": _meta_str(m.source_description),
        "description": _meta_str(m.source_description),
        "publisher": _meta_str(m.editor),
        "toc-title": _meta_str(labels["contents"]),
    }


def heading_blocks(edition: Edition, parts: tuple[Part, ...]) -> list[J]:
    """The book's headings alone, each part's as :func:`part_blocks` makes them."""
    return [b for part in parts if part.kind != "front" for b in part_blocks(edition, part, heads_only=True)
            if b["t"] == "Header"]
