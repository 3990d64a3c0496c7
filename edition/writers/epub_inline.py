"""The EPUB writer's inline content: the model's inline nodes as pandoc AST inlines, with Thai
break opportunities (``<wbr/>`` at the shared segmentation's word boundaries, none inside a
protected name), note calls and the book's images."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from ..inlines import InlineWalker, reading_text
from ..labels import labels_for
from ..model import (
    AuthorNoteCall,
    Choice,
    Citation,
    Edition,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    Note,
    NoteCall,
    PageBreak,
    Span,
    Target,
    Text,
)
from ..render import bibl_citation_label, span_classes
from ..thai import unbreakable_runs

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
               "svg": "image/svg+xml", "webp": "image/webp"}
WBR = {"t": "RawInline", "c": ["html", "<wbr/>"]}

J = dict[str, Any]


def attr(ident: str = "", classes: Iterable[str] = (), kv: Iterable[tuple[str, str]] = ()) -> list:
    return [ident, list(classes), [list(p) for p in kv]]


def str_runs(text: str) -> list[J]:
    out: list[J] = []
    for i, part in enumerate(text.split(" ")):
        if i:
            out.append({"t": "Space"})
        if part:
            out.append({"t": "Str", "c": part})
    return out


def raw(html: str) -> J:
    return {"t": "RawInline", "c": ["html", html]}


def pagebreak_html(number: int) -> str:
    return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{number}" '
            f'aria-label="{number}"></span>')


@dataclass
class Ctx:
    edition: Edition
    footnotes: list[Note]


class InlineWriter(InlineWalker[J]):
    """Converts inline content to pandoc inlines, placing <wbr/> at the shared break offsets."""

    def __init__(self, ctx: Ctx, breaks: set[int], pagebreaks: dict[int, int] | None = None):
        self.ctx = ctx
        self.breaks = breaks
        self.pagebreaks = pagebreaks or {}  # offset -> printed page that starts there
        self.pos = 0
        self.wbr_at = -1  # where the last <wbr/> went, so a boundary gets one

    def walk(self, nodes: Iterable[Inline]) -> list[J]:
        out: list[J] = []
        for node in nodes:
            if self.pos in self.breaks and self.pos != self.wbr_at and self._has_text(node):
                out.append(WBR)  # a word boundary where one element ends and the next begins
                self.wbr_at = self.pos
            out.extend(self.visit(node))
        return out

    inlines = walk

    def text(self, node: Text) -> list[J]:
        return self._text(node.text)

    def _text(self, text: str) -> list[J]:
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
                    out.extend(self._text(text[prev:cut]))
                    self.pagebreaks = saved
                    self.pos = piece_start + (cut - prev)
                if cut in pages:
                    out.append(raw(pagebreak_html(pages[cut])))
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
                out.extend(str_runs(text[pos:a]))
                out.append({"t": "Span", "c": [attr(classes=["nobr"]), [{"t": "Str", "c": text[a:b]}]]})
                pos = b
        out.extend(str_runs(text[pos:]))
        return out

    def span(self, node: Span) -> list[J]:
        classes = span_classes(node)
        kv = [("lang", node.lang)] if node.lang else []
        if node.ref:
            kv.append(("data-ref", node.ref))
        if node.style:
            kv.append(("style", node.style))
        if node.role == "citations":
            parts: list[J] = [{"t": "Str", "c": "("}]
            for i, child in enumerate(node.children):
                if i:
                    parts.extend([{"t": "Str", "c": ";"}, {"t": "Space"}])
                parts.extend(self.walk([child]))
            parts.append({"t": "Str", "c": ")"})
            return [{"t": "Span", "c": [attr(classes=classes), parts]}]
        inner = self.walk(node.children)
        if node.html == "em" and not node.classes and not kv:
            return [{"t": "Emph", "c": inner}]
        return [{"t": "Span", "c": [attr(classes=classes, kv=kv), inner]}]

    def choice(self, node: Choice) -> list[J]:
        c = node.correction
        return [{"t": "Span", "c": [attr(c.id, ["corr"]), self._text(c.reading)]}]

    def author_note_call(self, node: AuthorNoteCall) -> list[J]:
        return [{"t": "Span", "c": [attr(classes=["author-note"]),
                                    [{"t": "Superscript", "c": [{"t": "Str", "c": node.number}]}]]}]

    def note_call(self, node: NoteCall) -> list[J]:
        if not self.ctx.edition.has_note(node.note_id):
            return []  # a note called in a heading, where the book's headings are listed alone
        return [self.call(self.ctx.edition.note(node.note_id))]

    def citation(self, node: Citation) -> list[J]:
        return [{"t": "Link", "c": [attr(classes=["cite"]), str_runs(bibl_citation_label(self.ctx.edition, node)),
                                    [f"#bib-{node.key}", ""]]}]

    def line_break(self, node: LineBreak) -> list[J]:
        return [{"t": "LineBreak"}]

    def page_break(self, node: PageBreak) -> list[J]:
        ident = f' id="{escape(node.id)}"' if node.id else ""
        return [raw(f'<span class="source-page"{ident}>{escape(node.n)}</span>')] if node.n or ident else []

    def link(self, node: Link) -> list[J]:
        inner = self.walk(node.children)
        if node.external:  # shown as text: nothing outside the book is linked
            return [{"t": "Span", "c": [attr(classes=["link-external"]), inner]}]
        return [{"t": "Link", "c": [attr(classes=["link"]), inner, [f"#{node.target}", ""]]}]

    def anchor(self, node: Target) -> list[J]:
        return [{"t": "Span", "c": [attr(node.id, ["anchor"]), []]}]

    def gap(self, node: Gap) -> list[J]:
        kv = [("title", node.reason)] if node.reason else []
        return [{"t": "Span", "c": [attr(classes=["gap"], kv=kv), [{"t": "Str", "c": "[\u2026]"}]]}]

    def image(self, node: Image) -> list[J]:
        name = media_name(node.url) if node.url else None
        if name is None:
            return [{"t": "Span", "c": [attr(classes=["image-missing"]), str_runs(f"[{node.alt}]")]}]
        # written as XHTML, not as pandoc's Image: every part is its own pandoc run, and the book's
        # package takes the files once (epub_package.finish)
        return [raw(f'<img class="graphic" src="../media/{name}" alt="{escape(node.alt)}"/>')]

    @staticmethod
    def _has_text(node: Inline) -> bool:
        return isinstance(node, (Text, Span, Choice, Link)) and bool(reading_text([node]))

    def call(self, note: Note) -> J:
        ident = note.annotation.id
        if note.placement == "glossary":
            label = labels_for(self.ctx.edition.metadata.language)["glossary-ref"]
            return {"t": "Link", "c": [attr(f"call-{ident}", ["glossref"], [("aria-label", label)]),
                                       [{"t": "Superscript", "c": [{"t": "Str", "c": note.label}]}],
                                       [f"#note-{ident}", ""]]}
        if note.placement == "foot":
            self.ctx.footnotes.append(note)
        return {"t": "Link", "c": [attr(f"call-{ident}", ["noteref"], [("epub:type", "noteref"),
                                                                       ("role", "doc-noteref")]),
                                   [{"t": "Superscript", "c": [{"t": "Str", "c": note.label}]}],
                                   [f"#note-{ident}", ""]]}


def media_name(path: str) -> str | None:
    """The name an image has in the EPUB: its content's hash, so the same image is stored once."""
    import hashlib
    from pathlib import Path

    file = Path(path)
    suffix = file.suffix.lower().lstrip(".")
    if suffix not in MEDIA_TYPES or not file.is_file():
        return None
    return f"{hashlib.sha256(file.read_bytes()).hexdigest()[:16]}.{suffix}"


def book_media(edition: Edition) -> dict[str, bytes]:
    """Every image the book shows, by its name in the EPUB."""
    from pathlib import Path

    found: dict[str, bytes] = {}

    def walk(nodes) -> None:
        for node in nodes:
            if isinstance(node, Image) and node.url:
                name = media_name(node.url)
                if name:
                    found[name] = Path(node.url).read_bytes()
            elif isinstance(node, (Span, Link)):
                walk(node.children)

    for p in edition.leaves():
        walk(p.inlines)
    return found
