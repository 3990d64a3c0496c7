"""Cutting the print HTML into parts laid out apart: a book's front matter, chapters and back-matter
sections (edition/book.py), and a single document's index (writers/pdf.py). The template renders
front matter, one ``<article>`` per chapter, then the back matter's sections, so a part is a slice
of the one print HTML and the template and stylesheet stay those of the single document.
"""

from __future__ import annotations

import re

PAD = '<div class="book-part-pad" style="break-before: right"></div>'


def back_pieces(back: str) -> list[str]:
    """The back matter's sections (notes, glossary, bibliography, corrections, index), each of which
    the stylesheet starts on a recto: laid out apart, no one job holds the whole back matter."""
    starts = [m.start() for m in re.finditer(r'<section class="back', back)] or [0]
    return [back[a:b] for a, b in zip(starts, [*starts[1:], len(back)], strict=True)]


def cut_html(html: str, part: str, css: str, piece: int | None = None) -> str:
    """The print HTML reduced to one part ("front", "chapters" or "back", or one ``piece`` of the
    back), with ``css`` added.

    The template lays out front matter, then one ``<article>`` per chapter, then back matter; a
    part ends with a page forced onto a recto, dropped after layout, so its page count is even
    (the book's last part excepted).
    """
    body = html.index(">", html.index("<body")) + 1
    first = html.index("<article")
    last = html.rindex("</article>") + len("</article>")
    end = html.rindex("</body>")
    middle = {"front": html[body:first], "chapters": html[first:last], "back": html[last:end]}[part]
    pad = PAD if part != "back" else ""
    if part == "back" and piece is not None:
        pieces = back_pieces(middle)
        middle, pad = pieces[piece], PAD if piece < len(pieces) - 1 else ""
    head = html[:body].replace("</head>", f"<style>\n{css}\n</style>\n</head>", 1)
    return head + _borrowed_anchors(middle) + middle + pad + html[end:]


def borrowed_ids(part_html: str) -> list[str]:
    """Ids this part links to that lie in another part (the merge points them at the real place)."""
    return sorted(set(re.findall(r'href="#([^"]+)"', part_html)) - set(re.findall(r'\bid="([^"]+)"', part_html)))


def _borrowed_anchors(part_html: str) -> str:
    """Stand-in anchors, out of the flow, so WeasyPrint keeps the links to other parts."""
    ids = borrowed_ids(part_html)
    if not ids:
        return ""
    return ('<div class="book-borrowed-anchors" style="position: absolute; top: 0; left: 0">'
            + "".join(f'<div id="{i}"></div>' for i in ids) + "</div>")


def page_number_css(first_page: int) -> str:
    return f"@page :first {{ counter-reset: page {first_page}; }}"


def contents_css(targets: dict[str, int] | None) -> str:
    """The contents' page numbers, given (the targets are in other parts of the book); with none
    given, every entry gets a number as wide as a book's widest, so the front matter is counted at
    the length it will have."""
    if targets is None:
        return '.contents a::after { content: leader(". ") "0000"; }'
    return "\n".join(f'.contents a[href="#{ident}"]::after {{ content: leader(". ") "{page}"; }}'
                     for ident, page in targets.items())
