"""The HTML form of inline content that the print writer uses (how each TEI element renders is
stated once, in the processing model, :mod:`edition.processing`), and the citation labels both
outputs use. The EPUB writer walks the same nodes to pandoc's."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from .inlines import InlineWalker
from .labels import labels_for
from .model import (
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

NoteRenderer = Callable[[Note], Markup]
NAME_ROLES = ("persName", "placeName", "orgName")


def span_classes(node: Span) -> list[str]:
    """The classes a span carries in every output: its rule's class, then @rend and @rendition's."""
    return [c for c in (node.cls, *node.classes) if c]


class HtmlInlines(InlineWalker[str]):
    """Inline content as escaped HTML (the print writer's); callbacks let a writer place notes
    and citations and mark the text for line breaking."""

    def __init__(self, edition: Edition | None = None, note_call: NoteRenderer | None = None,
                 cite: Callable[[Citation], Markup] | None = None, text: Callable[[str], Markup] | None = None):
        self.edition = edition
        self.note_renderer = note_call
        self.cite = cite
        self.as_text = text or (lambda s: escape(s))

    def text(self, node: Text) -> list[str]:
        return [self.as_text(node.text)]

    def span(self, node: Span) -> list[str]:
        tag = node.html or "span"
        classes = span_classes(node)
        attrs = f' class="{escape(" ".join(classes))}"' if classes else ""
        if node.lang:
            attrs += f' lang="{escape(node.lang)}" xml:lang="{escape(node.lang)}"'
        if tag == "time" and node.when and "/" not in node.when:
            attrs += f' datetime="{escape(node.when)}"'
        if node.ref and node.role in NAME_ROLES:
            attrs += f' data-ref="{escape(node.ref)}"'
        if node.style:
            attrs += f' style="{escape(node.style)}"'
        if node.role == "citations":
            inner = Markup("; ").join(Markup("".join(self.walk([c]))) for c in node.children)
            return [f"<{tag}{attrs}>({inner})</{tag}>"]
        return [f"<{tag}{attrs}>{''.join(self.walk(node.children))}</{tag}>"]

    def choice(self, node: Choice) -> list[str]:
        c = node.correction
        return [f'<span class="corr" id="{escape(c.id)}">{self.as_text(c.reading)}</span>']

    def author_note_call(self, node: AuthorNoteCall) -> list[str]:
        label = labels_for(self.edition.metadata.language if self.edition else "en")["author-note"]
        return [f'<sup class="author-note" title="{escape(label)}">{escape(node.number)}</sup>']

    def note_call(self, node: NoteCall) -> list[str]:
        if self.edition is not None and self.note_renderer is not None and self.edition.has_note(node.note_id):
            return [self.note_renderer(self.edition.note(node.note_id))]
        return []

    def citation(self, node: Citation) -> list[str]:
        return [self.cite(node) if self.cite else escape(f"[{node.key}]")]

    def line_break(self, node: LineBreak) -> list[str]:
        return ["<br/>"]

    def page_break(self, node: PageBreak) -> list[str]:
        ident = f' id="{escape(node.id)}"' if node.id else ""
        return [f'<span class="source-page"{ident} data-n="{escape(node.n)}">{escape(node.n)}</span>'] if node.n \
            else [f'<span class="source-page"{ident}></span>']

    def link(self, node: Link) -> list[str]:
        inner = "".join(self.walk(node.children))
        if node.external:  # shown as text: nothing outside the book is fetched or linked
            return [f'<span class="link-external">{inner}</span>']
        return [f'<a class="link" href="#{escape(node.target)}">{inner}</a>']

    def anchor(self, node: Target) -> list[str]:
        return [f'<span class="anchor" id="{escape(node.id)}"></span>']

    def gap(self, node: Gap) -> list[str]:
        title = f' title="{escape(node.reason)}"' if node.reason else ""
        return [f'<span class="gap"{title}>[…]</span>']

    def image(self, node: Image) -> list[str]:
        if not node.url:
            return [f'<span class="image-missing">[{escape(node.alt)}]</span>']
        return [f'<img class="graphic" src="{escape(Path(node.url).as_uri())}" alt="{escape(node.alt)}"/>']


def html_inlines(nodes: Iterable[Inline], edition: Edition | None = None,
                 note_call: NoteRenderer | None = None, cite: Callable[[Citation], Markup] | None = None,
                 text: Callable[[str], Markup] | None = None) -> Markup:
    """Render inline content as escaped HTML; callbacks let a writer place notes and citations."""
    return Markup("".join(HtmlInlines(edition, note_call, cite, text).walk(nodes)))


_CORPORATE = re.compile(r"contributors|encyclop|library|bank|department|congress|committee|radio|pbs|"
                        r"spectator|britannica|wikipedia|moments|media|sailors|\.org|\(", re.I)


def _author_date(entry) -> str:
    if entry.short:
        name = entry.short
    elif _CORPORATE.search(entry.author):
        words = entry.title.split()
        name = " ".join(words[:4]) + ("…" if len(words) > 4 else "")
    else:
        first = re.split(r",| and | และ ", entry.author)[0]
        name = first.replace("(eds.)", "").replace("(ed.)", "").split()[-1]
    return f"{name} {entry.year}" if entry.year and entry.year != "n.d." else f"{name} ม.ป.ป."


@lru_cache(maxsize=4)
def citation_labels(bibliography: tuple) -> dict[str, str]:
    """Author-date labels, with a, b … where two works would share one (Lenin 1965a, 1965b)."""
    labels = {b.key: _author_date(b) for b in bibliography}
    by_label: dict[str, list[str]] = {}
    for key, label in labels.items():
        by_label.setdefault(label, []).append(key)
    for label, keys in by_label.items():
        if len(keys) > 1:
            for i, key in enumerate(sorted(keys)):
                labels[key] = f"{label}{'abcdefghijklmnopqrstuvwxyz'[i]}"
    return labels


def bibl_citation_label(edition: Edition, citation: Citation) -> str:
    """Author-date label for an in-text citation: "Avrich 1970, หน้า 3"; works without a personal
    author are cited by a short title, as in Chicago author-date."""
    labels = citation_labels(edition.bibliography)
    label = labels.get(citation.key, citation.key)
    return f"{label}, {citation.locator}" if citation.locator else label
