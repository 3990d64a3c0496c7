"""EPUB writer: the Edition model -> a pandoc JSON document -> EPUB 3 via pypandoc.

pandoc is given the model as its own AST (never through its HTML reader, which turns a newline
inside Thai into a space). Thai break opportunities are ``<wbr/>`` at the word boundaries of the
one shared segmentation, so readers without a Thai dictionary break lines correctly while copy and
search still see the plain text. Note numbers come from the model, not from pandoc.
"""

from __future__ import annotations

from collections.abc import Iterable

from .. import parts as book
from ..inlines import name_spans, reading_text
from ..labels import labels_for
from ..langtag import is_thai
from ..model import (
    Block,
    Edition,
    Note,
    NoteCall,
    Paragraph,
    Section,
    shown,
)
from ..parts import Part
from ..thai import line_breaks_for
from .epub_inline import Ctx, InlineWriter, J, attr, pagebreak_html, str_runs

PANDOC_API = [1, 23, 1]


def page_offsets(edition: Edition, page_starts) -> tuple[dict[str, dict[int, int]], dict[str, int]]:
    """Where the printed pages start: offsets in paragraphs, or the id of a section or back-matter
    part that starts a page. Built from the page data the PDF writer exports."""
    texts = {p.id: reading_text(p.inlines) for p in edition.leaves()}
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


def _note_body(ctx: Ctx, note: Note) -> list[J]:
    writer = InlineWriter(ctx, set(inline_breaks(note.annotation.body, ctx.edition.custom_words)))
    ident = note.annotation.id
    back = {"t": "Link", "c": [attr(classes=["backlink"], kv=[("role", "doc-backlink")]),
                               [{"t": "Str", "c": note.label}], [f"#call-{ident}", ""]]}
    return [back, {"t": "Space"}] + writer.inlines(note.annotation.body)


def part_blocks(edition: Edition, part: Part, page_starts=(), heads_only: bool = False) -> list[J]:
    """One part of the book (a chapter or a section of the back matter) as pandoc blocks, opening
    with its level-1 heading (where pandoc's ``--split-level=1`` starts a file); ``heads_only``:
    its headings alone (the package pandoc makes of the book's headings). ``edition`` holds the
    part (the whole edition or the part's slice, :func:`edition.parts.part_edition`)."""
    ctx = Ctx(edition, [])
    in_paragraph, before = page_offsets(edition, page_starts)

    def page_marker(target: str) -> list[J]:
        if target in before:
            return [{"t": "RawBlock", "c": ["html", f'<div>{pagebreak_html(before[target])}</div>']}]
        return []

    if part.kind == "chapter":
        chapter = next(c for c in edition.chapters if c.id == part.id)
        writer = _BlockWriter(ctx, edition.custom_words, in_paragraph, page_marker, heads_only)
        # markers follow a level-1 heading: pandoc starts a new file at each, so one placed before
        # it would end the previous file (or open an empty one)
        title = f"{chapter.number} {chapter.title}".strip() or _untitled(edition, chapter)
        kv = [("lang", chapter.lang)] if chapter.lang else []
        classes = ["chapter"] + ([f"matter-{chapter.matter}"] if chapter.matter != "body" else [])
        # a note the source calls in the chapter's heading is called after its title, as in print
        calls = InlineWriter(ctx, set()).inlines(tuple(n for n in chapter.head if isinstance(n, NoteCall)))
        blocks: list[J] = [{"t": "Header", "c": [1, attr(chapter.id, classes, kv), str_runs(title) + calls]}]
        blocks.extend(page_marker(chapter.id))
        for section in chapter.sections:
            blocks.extend(writer.section(section, chapter.lang or edition.metadata.language))
        return blocks
    labels = labels_for(edition.metadata.language)
    epub_type, role = part.semantics
    classes = ["appendix"] if part.name == "corrections" else []
    header = {"t": "Header", "c": [1, attr(part.id, classes, [("epub:type", epub_type), ("role", role)]),
                                   str_runs(labels[part.name])]}
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


def _untitled(edition: Edition, chapter) -> str:
    labels = labels_for(edition.metadata.language)
    return labels["front-matter"] if chapter.matter == "front" else labels["back-matter"] \
        if chapter.matter == "back" else edition.metadata.title


class _BlockWriter:
    """The blocks of a chapter as pandoc blocks: what each behaviour of the processing model is
    in the EPUB (the print writer states the same in parts.html.j2)."""

    def __init__(self, ctx: Ctx, words, in_paragraph, page_marker, heads_only: bool):
        self.ctx = ctx
        self.words = words
        self.in_paragraph = in_paragraph
        self.page_marker = page_marker
        self.heads_only = heads_only

    def section(self, section: Section, lang: str) -> list[J]:
        out: list[J] = list(self.page_marker(section.id))
        if section.head:
            head = InlineWriter(self.ctx, set()).inlines(section.head)
            out.append({"t": "Header", "c": [min(section.level, 6), attr(section.id), head]})
        if self.heads_only:
            self.ctx.footnotes.clear()  # (a note called in a heading belongs to the part itself)
            return [b for b in out if b["t"] == "Header"] + [
                b for s in section.subsections for b in self.section(s, lang)]
        lang = section.lang or lang
        out.extend(self.blocks(section.blocks, lang))
        if section.level == 2:
            out.extend(self.footnotes())
        return out

    def footnotes(self) -> list[J]:
        out: list[J] = []
        for note in self.ctx.footnotes:
            out.append({"t": "RawBlock", "c": ["html", f'<aside id="note-{note.annotation.id}" '
                                               'class="footnote" epub:type="footnote" role="doc-footnote">']})
            out.append({"t": "Para", "c": _note_body(self.ctx, note)})
            out.append({"t": "RawBlock", "c": ["html", "</aside>"]})
        self.ctx.footnotes.clear()
        return out

    def blocks(self, nodes, lang: str) -> list[J]:
        out: list[J] = []
        for node in nodes:
            if isinstance(node, Section):
                out.extend(self.section(node, lang))
            elif isinstance(node, Paragraph):
                out.append(self.leaf(node, node.lang or lang))
            elif isinstance(node, Block):
                out.extend(self.block(node, node.lang or lang))
        return out

    def inlines(self, p: Paragraph, lang: str) -> list[J]:
        breaks = set(paragraph_breaks(p, self.words)) if is_thai(lang) else set()
        return InlineWriter(self.ctx, breaks, self.in_paragraph.get(p.id)).inlines(p.inlines)

    def leaf(self, p: Paragraph, lang: str) -> J:
        kv = ([("lang", p.lang)] if p.lang else []) + list(p.attrs) + ([("style", p.style)] if p.style else [])
        if p.behaviour == "paragraph":
            classes = ["para"] + [c for c in (p.cls, *p.classes) if c] + ([] if is_thai(lang) else ["justify-text"])
            return {"t": "Div", "c": [attr(p.id, classes, kv), [{"t": "Para", "c": self.inlines(p, lang)}]]}
        classes = [p.behaviour] + [c for c in (p.cls, *p.classes) if c and c != p.behaviour]
        return {"t": "Div", "c": [attr(p.id, classes, kv), [{"t": "Plain", "c": self.inlines(p, lang)}]]}

    def block(self, b: Block, lang: str) -> list[J]:
        kv = ([("lang", b.lang)] if b.lang else []) + ([("style", b.style)] if b.style else [])
        classes = [b.behaviour] + [c for c in (b.cls, *b.classes) if c and c != b.behaviour]
        if b.behaviour == "list":
            return self.list(b, lang, classes, kv)
        if b.behaviour == "table":
            return [self.table(b, lang, classes, kv)]
        return [{"t": "Div", "c": [attr(b.id, classes, kv), self.blocks(b.children, lang)]}]

    def item(self, node, lang: str) -> list[J]:
        """A list item's or a cell's content, as pandoc blocks."""
        if isinstance(node, Paragraph):
            return [{"t": "Div", "c": [attr(node.id, [c for c in (node.cls, *node.classes) if c]),
                                       [{"t": "Plain", "c": self.inlines(node, node.lang or lang)}]]}]
        if isinstance(node, Block):
            return [{"t": "Div", "c": [attr(node.id, [c for c in (node.cls, *node.classes) if c]),
                                       self.blocks(node.children, node.lang or lang)]}]
        return self.blocks([node], lang)

    def list(self, b: Block, lang: str, classes: list[str], kv) -> list[J]:
        heads = [c for c in b.children if isinstance(c, Paragraph) and c.behaviour == "heading"]
        items = [c for c in b.children if c not in heads]
        out: list[J] = [self.leaf(h, lang) for h in heads]
        if b.html == "dl":
            pairs: list = []
            for node in items:
                if isinstance(node, Paragraph) and node.html == "dt":
                    pairs.append([self.inlines(node, lang), []])
                else:
                    if not pairs:
                        pairs.append([[], []])
                    pairs[-1][1].append(self.item(node, lang))
            body = {"t": "DefinitionList", "c": [[term, defs or [[]]] for term, defs in pairs]}
        elif b.html == "ol":
            body = {"t": "OrderedList", "c": [[1, {"t": "Decimal"}, {"t": "Period"}],
                                              [self.item(n, lang) for n in items]]}
        else:
            body = {"t": "BulletList", "c": [self.item(n, lang) for n in items]}
        out.append({"t": "Div", "c": [attr(b.id, classes, kv), [body]]})
        return out

    def table(self, b: Block, lang: str, classes: list[str], kv) -> J:
        caption = [c for c in b.children if isinstance(c, Paragraph) and c.behaviour == "heading"]
        rows = [r for r in b.children if isinstance(r, Block) and r.behaviour == "row"]
        width = max((sum(int(dict(c.attrs).get("colspan", "1")) for c in r.children) for r in rows), default=1)

        def cell(c) -> list:
            attrs = dict(c.attrs)
            return [attr(), {"t": "AlignDefault"}, int(attrs.get("rowspan", "1")), int(attrs.get("colspan", "1")),
                    self.item(c, lang)]

        def row(r: Block) -> list:
            return [attr(r.id), [cell(c) for c in r.children]]

        head_rows = [r for r in rows[:1] if r.children and all(getattr(c, "html", "") == "th" for c in r.children)]
        body_rows = rows[len(head_rows):]
        colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in range(width)]
        cap = [{"t": "Plain", "c": self.inlines(caption[0], lang)}] if caption else []
        return {"t": "Table", "c": [attr(b.id, classes, kv), [None, cap], colspecs,
                                    [attr(), [row(r) for r in head_rows]],
                                    [[attr(), 0, [], [row(r) for r in body_rows]]], [attr(), []]]}


def pandoc_document(meta: J, blocks: list[J]) -> J:
    return {"pandoc-api-version": PANDOC_API, "meta": meta, "blocks": blocks}


def build_document(edition: Edition, parts: tuple[Part, ...], page_starts=()) -> J:
    """The whole book as one pandoc document (the EPUB gives pandoc one part at a time)."""
    return pandoc_document(book_meta(edition), [b for part in parts if part.kind != "front"
                                                for b in part_blocks(edition, part, page_starts)])


def _notes_body(ctx: Ctx, labels) -> list[J]:
    return [{"t": "Div", "c": [attr(f"note-{note.annotation.id}", ["endnote"], [("epub:type", "endnote")]),
                               [{"t": "Para", "c": _note_body(ctx, note)}]]} for note in book.endnotes(ctx.edition)]


def _glossary_body(ctx: Ctx, labels) -> list[J]:
    items = []
    for note in book.glosses(ctx.edition):
        term = [{"t": "Span", "c": [attr(f"note-{note.annotation.id}"), str_runs(note.annotation.term)]}]
        body = InlineWriter(ctx, set(inline_breaks(note.annotation.body, ctx.edition.custom_words))).inlines(
            note.annotation.body)
        items.append([term, [[{"t": "Plain", "c": body}]]])
    return [{"t": "DefinitionList", "c": items}]


def _bibliography_body(ctx: Ctx, labels) -> list[J]:
    return [{"t": "Div", "c": [attr(f"bib-{b.key}", ["bibl"], [("lang", "en")]),
                               [{"t": "Para", "c": InlineWriter(ctx, set()).inlines(book.reference(b))}]]}
            for b in book.bibliography(ctx.edition)]


def _corrections_body(ctx: Ctx, labels) -> list[J]:
    rows = []
    for c in book.corrections(ctx.edition):
        rows.append([str_runs(c.id), [{"t": "Link", "c": [attr(), str_runs(c.paragraph), [f"#{c.paragraph}", ""]]}],
                     [{"t": "Span", "c": [attr(classes=["sic"]), [{"t": "Str", "c": shown(c.original)}]]}],
                     [{"t": "Str", "c": shown(c.reading)}],
                     str_runs(c.cert)])
    return [_table([labels["col-id"], labels["col-paragraph"], labels["col-original"], labels["col-reading"],
                    labels["col-cert"]], rows)]


def _names_body(ctx: Ctx, labels) -> list[J]:
    rows = [[str_runs(", ".join(r.author)), str_runs(r.notes),
             [{"t": "Span", "c": [attr(kv=[("lang", r.original_lang)]), str_runs(r.original)]}] if r.original else [],
             [{"t": "Span", "c": [attr(kv=[("lang", "en")]), str_runs(r.english)]}] if r.english else []]
            for r in book.names(ctx.edition)]
    intro = {"t": "Para", "c": str_runs(labels["names-intro"])}
    return [intro, _table([labels["col-author-form"], labels["col-notes-form"], labels["col-source-form"],
                           labels["col-english"]], rows)]


def _index_body(ctx: Ctx, labels) -> list[J]:
    items = []
    for entry in book.index_entries(ctx.edition):
        links: list[J] = []
        for i, pid in enumerate(entry.paragraphs):
            if i:
                links.extend([{"t": "Str", "c": ","}, {"t": "Space"}])
            links.append({"t": "Link", "c": [attr(), str_runs(pid), [f"#{pid}", ""]]})
        name = str_runs(entry.heading) + ([{"t": "Space"}, {"t": "Span", "c": [
            attr(kv=[("lang", "en")]), str_runs(f"({entry.entity.latin})")]}] if entry.entity.latin else [])
        items.append([{"t": "Plain", "c": name + [{"t": "Space"}] + links}])
    return [{"t": "BulletList", "c": items}]


_BACK_BODIES = {"notes": _notes_body, "glossary": _glossary_body, "names": _names_body,
                "bibliography": _bibliography_body,
                "corrections": _corrections_body, "index": _index_body}


def _cell(content: list[J]) -> list:
    return [attr(), {"t": "AlignDefault"}, 1, 1, [{"t": "Plain", "c": content}]]


def _table(headers: list[str], rows: list[list[list[J]]]) -> J:
    colspecs = [[{"t": "AlignDefault"}, {"t": "ColWidthDefault"}] for _ in headers]
    head = [attr(), [[attr(), [_cell(str_runs(h)) for h in headers]]]]
    body = [[attr(), 0, [], [[attr(), [_cell(c) for c in row]] for row in rows]]]
    return {"t": "Table", "c": [attr(), [None, []], colspecs, head, body, [attr(), []]]}


def _meta_str(text: str) -> J:
    return {"t": "MetaString", "c": text}


def book_meta(edition: Edition) -> J:
    """The book's metadata as pandoc is given it (every part of the EPUB gets the book's)."""
    m = edition.metadata
    labels = labels_for(m.language)
    meta = {
        "title": _meta_str(edition.chapters[0].title if edition.chapters and m.chapter_label else m.title),
        "subtitle": _meta_str(labels["subtitle"]),
        "lang": _meta_str(m.language),
        "identifier": _meta_str(m.identifier_for("epub")),
        "creator": {"t": "MetaList", "c": [{"t": "MetaMap", "c": {"role": _meta_str(role), "text": _meta_str(name)}}
                                           for role, name in (("aut", m.author), ("edt", m.editor)) if name]},
        "date": _meta_str(m.date),
        "rights": _meta_str(m.rights),
        "source": _meta_str(m.source_description),
        "description": _meta_str(m.source_description),
        "publisher": _meta_str(m.editor),
        "toc-title": _meta_str(labels["contents"]),
    }
    if not (m.author or m.editor):
        del meta["creator"]
    # a field the manuscript leaves empty is left out, not written empty (EPUB wants dates well formed)
    return {k: v for k, v in meta.items() if v.get("t") != "MetaString" or v["c"]}


def heading_blocks(edition: Edition, parts: tuple[Part, ...]) -> list[J]:
    """The book's headings alone, each part's as :func:`part_blocks` makes them."""
    return [b for part in parts if part.kind != "front" for b in part_blocks(edition, part, heads_only=True)
            if b["t"] == "Header"]
