"""Markup whitespace in TEI text, as a reader of the page expects it: a newline or tab in the XML
is a space between words, nothing between two Thai letters (Thai sets no space between words) and
nothing at a leaf's edges; and the marks a rule adds (quotes by language, brackets)."""

from __future__ import annotations

import re

from ..model import Choice, Gap, Image, Inline, LineBreak, Link, Span, Text

FOLD = "\x00"  # a run of markup whitespace (a newline, a tab): a space, or nothing between Thai letters
WHITESPACE_RUN = re.compile(r"[ \t\r]*[\n\t][ \t\r\n]*")
EXTERNAL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
QUOTES = {"th": ("“", "”", "‘", "’"), "en": ("“", "”", "‘", "’"), "de": ("„", "“", "‚", "‘"),
          "fr": ("« ", " »", "“", "”"), "ru": ("«", "»", "„", "“"), "uk": ("«", "»", "„", "“"),
          "it": ("«", "»", "“", "”"), "es": ("«", "»", "“", "”"), "pl": ("„", "”", "«", "»"),
          "nl": ("“", "”", "‘", "’"), "cs": ("„", "“", "‚", "‘"), "sv": ("”", "”", "’", "’")}
PAIRS = {"brackets": ("[", "]"), "braces": ("{", "}"), "parentheses": ("(", ")")}
CHOICE_PAIRS = (("sic", "corr", "correction"), ("orig", "reg", "regularisation"), ("abbr", "expan", "expansion"))

def is_thai_letter(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"


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
    """Resolve the folds of markup whitespace: none at a leaf's edges, nothing between two Thai
    letters (Thai has no spaces between words), one space elsewhere and none beside a space."""
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
        if not first_of_run or not before or not after or before[-1] in " \n" or after[0] in " \n":
            out.append(False)
        elif is_thai_letter(before[-1]) and is_thai_letter(after[0]):
            out.append(False)
        else:
            out.append(True)
    return out
