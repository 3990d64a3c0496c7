"""Markup whitespace in TEI text, as a reader of the page expects it: a run of whitespace with a
newline or tab in the XML is one space (as XML and every TEI tool read it; an XML formatter wraps
lines only where there was whitespace, so in Thai too it stands for a space between phrases),
none beside another space and none at a leaf's edges; and the marks a rule adds (quotes by
language, brackets); and the small list helpers the structure reader uses."""

from __future__ import annotations

import re

from lxml import etree

from ..model import Block, BlockNode, Choice, Gap, Image, Inline, LineBreak, Link, Paragraph, Section, Span, Text

FOLD = "\x00"  # a run of markup whitespace (a newline, a tab): a space where one is needed
WHITESPACE_RUN = re.compile(r"[ \t\r]*[\n\t][ \t\r\n]*")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
QUOTES = {"th": ("“", "”", "‘", "’"), "en": ("“", "”", "‘", "’"), "de": ("„", "“", "‚", "‘"),
          "fr": ("«\u202f", "\u202f»", "“", "”"), "ru": ("«", "»", "„", "“"), "uk": ("«", "»", "„", "“"),
          "it": ("«", "»", "“", "”"), "es": ("«", "»", "“", "”"), "pl": ("„", "”", "«", "»"),
          "nl": ("“", "”", "‘", "’"), "cs": ("„", "“", "‚", "‘"), "sv": ("”", "”", "’", "’")}
PAIRS = {"brackets": ("[", "]"), "braces": ("{", "}"), "parentheses": ("(", ")")}
CHOICE_PAIRS = (("sic", "corr", "correction"), ("orig", "reg", "regularisation"), ("abbr", "expan", "expansion"))

def merge_text(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Adjacent text nodes (a joined line wrap leaves two) become one, as the reader sees one text."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        elif not (isinstance(node, Text) and not node.text):
            out.append(node)
    return tuple(out)


def trim_folds(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Resolve the folds of markup whitespace: none at a leaf's edges, one space elsewhere and none
    beside a space."""
    from dataclasses import replace

    flat = fold_text(nodes)
    if FOLD not in flat:
        return nodes
    keep = fold_decisions(flat)
    counter = iter(keep)

    def walk(items: tuple[Inline, ...]) -> tuple[Inline, ...]:
        out: list[Inline] = []
        for node in items:
            if isinstance(node, Text) and FOLD in node.text:
                text = "".join(" " if ch == FOLD and next(counter) else "" if ch == FOLD else ch for ch in node.text)
                if text:
                    out.append(Text(text))
            elif isinstance(node, Span):
                out.append(replace(node, children=walk(node.children)))
            elif isinstance(node, Link):
                out.append(replace(node, children=walk(node.children)))
            else:
                out.append(node)
        return tuple(out)

    return merge_text(list(walk(nodes)))


def fold_text(nodes) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, (Span, Link)):
            parts.append(fold_text(node.children))
        elif isinstance(node, Choice):
            parts.append(node.correction.reading)
        elif isinstance(node, LineBreak):
            parts.append("\n")
        elif isinstance(node, (Image, Gap)):
            parts.append("\ufffc")
    return "".join(parts)


def fold_decisions(flat: str) -> list[bool]:
    """For each fold in ``flat``: True when it prints as a space."""
    out = []
    for i, ch in enumerate(flat):
        if ch != FOLD:
            continue
        before = flat[:i].rstrip(FOLD)
        after = flat[i + 1:].lstrip(FOLD)
        first_of_run = i == 0 or flat[i - 1] != FOLD
        out.append(first_of_run and bool(before) and bool(after) and before[-1] not in " \n"
                   and after[0] not in " \n")
    return out


# --- helpers of the structure reader -----------------------------------------------------------

def items(container: etree._Element, skip: etree._Element | None = None) -> list:
    """``container``'s content in order: its text, each child node (``skip`` left out) and the
    text after it."""
    items: list = [container.text] if container.text else []
    for child in container:
        if child is not skip:
            items.append(child)
        if child.tail:
            items.append(child.tail)
    return items


def last_leaf(blocks) -> Paragraph | None:
    for node in reversed(blocks):
        if isinstance(node, Paragraph):
            return node
        inner = last_leaf(node.children if isinstance(node, Block) else node.blocks
                           if isinstance(node, Section) else ())
        if inner is not None:
            return inner
    return None


def append_to_last(blocks: list, call: Inline) -> list:
    from dataclasses import replace

    out = list(blocks)
    for i in range(len(out) - 1, -1, -1):
        node = out[i]
        if isinstance(node, Paragraph):
            out[i] = replace(node, inlines=node.inlines + (call,))
            return out
        if isinstance(node, Block) and last_leaf(node.children) is not None:
            out[i] = replace(node, children=tuple(append_to_last(list(node.children), call)))
            return out
        if isinstance(node, Section) and last_leaf(node.blocks) is not None:
            out[i] = replace(node, blocks=tuple(append_to_last(list(node.blocks), call)))
            return out
    return out


def prepend(node: BlockNode, markers: tuple[Inline, ...]) -> BlockNode:
    from dataclasses import replace

    if isinstance(node, Paragraph):
        return replace(node, inlines=markers + node.inlines)
    if isinstance(node, Block) and node.children:
        return replace(node, children=(prepend(node.children[0], markers),) + node.children[1:])
    if isinstance(node, Section) and node.blocks:
        return replace(node, blocks=(prepend(node.blocks[0], markers),) + node.blocks[1:])
    return node


_QUOTE_MARKS = set("«»„“”‘’‚‹›\"'「」『』")


def quoted_in_source(el: etree._Element) -> bool:
    """Whether the text just before ``el`` ends and the text just after it starts with a quotation
    mark: the source's own marks, which the edition does not double."""
    previous = el.getprevious()
    before = (previous.tail if previous is not None else el.getparent().text) or ""
    after = el.tail or ""
    return before.rstrip()[-1:] in _QUOTE_MARKS and after.lstrip()[:1] in _QUOTE_MARKS and bool(before.strip())
