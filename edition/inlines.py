"""Pure functions over inline content: the reading text, offsets, and inserting note calls."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from .model import Choice, Citation, Inline, LineBreak, Span, Text


def reading_text(inlines: Iterable[Inline]) -> str:
    """The edition's reading text: corrected readings, no note calls (what selectors quote)."""
    return "".join(_reading_parts(inlines))


def _reading_parts(inlines: Iterable[Inline]) -> Iterator[str]:
    for node in inlines:
        if isinstance(node, Text):
            yield node.text
        elif isinstance(node, Span):
            yield from _reading_parts(node.children)
        elif isinstance(node, Choice):
            yield node.correction.reading
        elif isinstance(node, LineBreak):
            yield " "
        elif isinstance(node, Citation):
            continue
        # note calls are not part of the reading text


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
            if isinstance(node, Span):
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
        elif isinstance(node, Span):
            children, _ = _insert(node.children, offset - pos, new)
            out.append(replace(node, children=children))
            out.extend(nodes[i + 1:])
        else:  # inside a correction's reading: the call goes after it
            out.extend([node, new])
            out.extend(nodes[i + 1:])
        return tuple(out), True
    return tuple(out), False
