"""Inline content: the one walk every writer renders it with, and pure functions over it (the
reading text, offsets, inserting note calls)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Generic, TypeVar

from .model import (
    AuthorNoteCall,
    Choice,
    Citation,
    Gap,
    Image,
    Inline,
    LineBreak,
    Link,
    NoteCall,
    PageBreak,
    Span,
    Target,
    Text,
)

T = TypeVar("T")
_METHODS = {Text: "text", Span: "span", Choice: "choice", AuthorNoteCall: "author_note_call", NoteCall: "note_call",
            Citation: "citation", LineBreak: "line_break", PageBreak: "page_break", Link: "link", Target: "anchor",
            Gap: "gap", Image: "image"}


class InlineWalker(Generic[T]):
    """The one walk over inline content: a method per kind of node, each returning what the
    writer makes of it (a list). The print HTML, the pandoc AST and the reading text are each a
    walker; a writer overrides the nodes it shows, and the defaults show nothing."""

    def walk(self, nodes: Iterable[Inline]) -> list[T]:
        out: list[T] = []
        for node in nodes:
            out.extend(self.visit(node))
        return out

    def visit(self, node: Inline) -> list[T]:
        return getattr(self, _METHODS[type(node)])(node)

    def text(self, node: Text) -> list[T]:
        return []

    def span(self, node: Span) -> list[T]:
        return self.walk(node.children)

    def link(self, node: Link) -> list[T]:
        return self.walk(node.children)

    def choice(self, node: Choice) -> list[T]:
        return self.text(Text(node.correction.reading))

    def line_break(self, node: LineBreak) -> list[T]:
        return []

    def author_note_call(self, node: AuthorNoteCall) -> list[T]:
        return []

    def note_call(self, node: NoteCall) -> list[T]:
        return []

    def citation(self, node: Citation) -> list[T]:
        return []

    def page_break(self, node: PageBreak) -> list[T]:
        return []

    def anchor(self, node: Target) -> list[T]:
        return []

    def gap(self, node: Gap) -> list[T]:
        return []

    def image(self, node: Image) -> list[T]:
        return []


class ReadingText(InlineWalker[str]):
    """The edition's reading text: corrected readings, a line break as a space, no note calls,
    citations, markers or images (what selectors quote, what the lint, the index and the diff read)."""

    def text(self, node: Text) -> list[str]:
        return [node.text]

    def line_break(self, node: LineBreak) -> list[str]:
        return [" "]


_READING = ReadingText()


def reading_text(inlines: Iterable[Inline]) -> str:
    """The edition's reading text: corrected readings, no note calls (what selectors quote)."""
    return "".join(_READING.walk(inlines))


def _reading_parts(inlines: Iterable[Inline]) -> Iterator[str]:
    yield from _READING.walk(inlines)


def offset_of_call(inlines: Iterable[Inline], note_id: str) -> int:
    """Where the call of note ``note_id`` stands, as an offset into the reading text."""
    pos = 0

    def walk(nodes) -> bool:
        nonlocal pos
        for node in nodes:
            if isinstance(node, NoteCall) and node.note_id == note_id:
                return True
            if isinstance(node, (Span, Link)):
                if walk(node.children):
                    return True
            else:
                pos += len("".join(_reading_parts([node])))
        return False

    walk(inlines)
    return pos


def spans_of(inlines: Iterable[Inline], role: str) -> list[tuple[int, int, Span]]:
    """(start, end, span) of every span with ``role``, as offsets into the reading text."""
    found: list[tuple[int, int, Span]] = []

    def walk(nodes: Iterable[Inline], pos: int) -> int:
        for node in nodes:
            if isinstance(node, Span):
                start = pos
                pos = walk(node.children, pos)
                if node.role == role:
                    found.append((start, pos, node))
            elif isinstance(node, Link):
                pos = walk(node.children, pos)
            else:
                pos += len("".join(_reading_parts([node])))
        return pos

    walk(inlines, 0)
    return found


NAME_ROLES = ("persName", "placeName", "orgName", "title")
LONG_TITLE = 24  # characters


def name_spans(inlines: Iterable[Inline]) -> list[tuple[int, int]]:
    """Spans of the reading text a line must not break inside: every encoded name, and every
    title of up to LONG_TITLE characters. A longer title with spaces (The Tale of The
    Unextinguished Moon) is a phrase, not a word: it is kept whole word by word and may break at
    its spaces, as a typesetter would break it."""
    text = reading_text(inlines)
    spans: list[tuple[int, int]] = []
    for role in NAME_ROLES:
        for a, b, _ in spans_of(inlines, role):
            if role == "title" and b - a > LONG_TITLE and " " in text[a:b]:
                start = a
                for i in range(a, b + 1):
                    if i == b or text[i] == " ":
                        if i > start:
                            spans.append((start, i))
                        start = i + 1
            else:
                spans.append((a, b))
    return spans


def node_boundaries(inlines: Iterable[Inline]) -> set[int]:
    """Offsets of the reading text where an element starts or ends (a renderer's inline box edge)."""
    found: set[int] = set()

    def walk(nodes: Iterable[Inline], pos: int) -> int:
        for node in nodes:
            found.add(pos)
            if isinstance(node, (Span, Link)):
                pos = walk(node.children, pos)
            else:
                pos += len("".join(_reading_parts([node])))
            found.add(pos)
        return pos

    walk(inlines, 0)
    return found


def insert_at(inlines: tuple[Inline, ...], offset: int, new: Inline) -> tuple[Inline, ...]:
    """Insert ``new`` at ``offset`` of the reading text, splitting a text node if needed.

    At a boundary the node goes after everything that ends there (inside no span that ends
    there), so a note call follows the quoted word and any closing markup.
    """
    result, done = _insert(inlines, offset, new)
    if not done:
        result = result + (new,)
    return result


def _insert(nodes: tuple[Inline, ...], offset: int, new: Inline) -> tuple[tuple[Inline, ...], bool]:
    out: list[Inline] = []
    pos = 0
    for i, node in enumerate(nodes):
        length = len("".join(_reading_parts([node])))
        if offset >= pos + length and not (offset == pos and length == 0):
            out.append(node)  # wholly before the point, or ends exactly there
            pos += length
            continue
        if offset == pos:
            out.append(new)
            out.extend(nodes[i:])
        elif isinstance(node, Text):
            cut = offset - pos
            out.extend([Text(node.text[:cut]), new, Text(node.text[cut:])])
            out.extend(nodes[i + 1:])
        elif isinstance(node, (Span, Link)):
            children, _ = _insert(node.children, offset - pos, new)
            out.append(replace(node, children=children))
            out.extend(nodes[i + 1:])
        else:  # inside a correction's reading: the call goes after it
            out.extend([node, new])
            out.extend(nodes[i + 1:])
        return tuple(out), True
    return tuple(out), False
