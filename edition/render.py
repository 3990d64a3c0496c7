"""How each model node renders, stated once (the edition's processing model), and the HTML form
of inline content that the print writer uses. The EPUB writer maps the same table to pandoc nodes.
"""

from __future__ import annotations

from typing import Callable, Iterable

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


def bibl_citation_label(edition: Edition, citation: Citation) -> str:
    """Author-year label for an in-text citation: (Avrich 1970, หน้า 3)."""
    entry = next((b for b in edition.bibliography if b.key == citation.key), None)
    if entry is None:
        return citation.key
    surname = entry.author.split(",")[0].split(" และ ")[0].split(" and ")[0].split()[-1]
    label = f"{surname} {entry.year}"
    return f"{label}, {citation.locator}" if citation.locator else label
