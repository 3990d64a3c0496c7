"""How each model node renders, stated once (the edition's processing model), and the HTML form
of inline content that the print writer uses. The EPUB writer maps the same table to pandoc nodes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from markupsafe import Markup, escape

from .model import AuthorNoteCall, Choice, Citation, Edition, Inline, LineBreak, Note, NoteCall, Span, Text

# role -> (HTML element, class). Names and foreign words keep a class a reader's CSS can style.
INLINE_RENDITION: dict[str, tuple[str, str]] = {
    "persName": ("span", "person"),
    "placeName": ("span", "place"),
    "orgName": ("span", "org"),
    "title": ("cite", "title"),
    "foreign": ("span", "foreign"),
    "quote": ("span", "quote"),
    "date": ("time", "date"),
    "emph": ("em", "emph"),
    "term": ("span", "term"),
    "unclear": ("span", "unclear"),
    "citations": ("span", "citations"),
}

NoteRenderer = Callable[[Note], Markup]


def html_inlines(nodes: Iterable[Inline], edition: Edition | None = None,
                 note_call: NoteRenderer | None = None, cite: Callable[[Citation], Markup] | None = None,
                 text: Callable[[str], Markup] | None = None) -> Markup:
    """Render inline content as escaped HTML; callbacks let a writer place notes and citations."""
    out: list[str] = []
    as_text = text or (lambda s: escape(s))
    for node in nodes:
        if isinstance(node, Text):
            out.append(as_text(node.text))
        elif isinstance(node, Span):
            tag, cls = INLINE_RENDITION[node.role]
            attrs = f' class="{cls}"'
            if node.lang:
                attrs += f' lang="{escape(node.lang)}" xml:lang="{escape(node.lang)}"'
            if node.role == "date" and node.when and "/" not in node.when:
                attrs += f' datetime="{escape(node.when)}"'
            if node.ref and node.role in ("persName", "placeName", "orgName"):
                attrs += f' data-ref="{escape(node.ref)}"'
            if node.role == "citations":
                inner = Markup("; ").join(html_inlines([c], edition, note_call, cite, text) for c in node.children)
                out.append(f"<{tag}{attrs}>({inner})</{tag}>")
                continue
            inner = html_inlines(node.children, edition, note_call, cite, text)
            out.append(f"<{tag}{attrs}>{inner}</{tag}>")
        elif isinstance(node, Choice):
            c = node.correction
            out.append(f'<span class="corr" id="{escape(c.id)}">{as_text(c.reading)}</span>')
        elif isinstance(node, AuthorNoteCall):
            out.append(f'<sup class="author-note" title="เชิงอรรถของผู้เขียน">{escape(node.number)}</sup>')
        elif isinstance(node, NoteCall):
            if edition is not None and note_call is not None:
                out.append(note_call(edition.note(node.note_id)))
        elif isinstance(node, Citation):
            out.append(cite(node) if cite else escape(f"[{node.key}]"))
        elif isinstance(node, LineBreak):
            out.append("<br/>")
    return Markup("".join(out))


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
