"""Print HTML writer: one part of the book (:mod:`edition.parts`) -> an HTML document for
WeasyPrint (Jinja2, autoescaped).

Layout decisions live in ``styles/print.css`` and ``styles/print.yaml``; the templates
(``styles/templates/print.html.j2`` and ``parts.html.j2``) state what each part is. Footnotes are
floated to the foot of the page by CSS (``float: footnote``); their labels come from the model, so
PDF and EPUB number alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from .. import parts as book
from ..config import PrintConfig
from ..fonts import FACES
from ..labels import labels_for
from ..langtag import is_thai
from ..model import Citation, Edition, Note, shown
from ..parts import Part
from ..render import bibl_citation_label, html_inlines
from ..styles import Styles
from ..thai import has_thai
from .justify import BREAK_MARK

RUN_START, RUN_END = "\ue000", "\ue001"  # private-use marks, replaced before the HTML leaves here


class BreakControl:
    """Renders the text nodes of one paragraph in order, marking where each run that must stay on
    one line (from :mod:`thai_print`) starts and ends; :func:`wrap_runs` then turns each marked run
    into one ``<span class="nobr">``, widened to whole elements where a run crosses an element
    edge (WeasyPrint may break between two inline boxes)."""

    def __init__(self, text: str, protected: Iterable[tuple[int, int]], words: Iterable[str],
                 boundaries: Iterable[int] = (), justify: bool = False):
        from ..thai import break_opportunities
        from .print_breaks import nowrap_runs

        allowed = set(break_opportunities(text, protected, words))
        # a justified block is laid out with the breaks the justifier chooses among these
        # (edition/writers/justify.py); any other text keeps Pango's breaks where the edition allows them
        self.breaks = sorted(allowed) if justify else []
        self.runs = [] if justify else nowrap_runs(text, allowed, boundaries)
        self.pos = 0

    def __call__(self, text: str) -> Markup:
        start, end = self.pos, self.pos + len(text)
        self.pos = end
        marks: list[tuple[int, str]] = [(k - start, BREAK_MARK) for k in self.breaks if start <= k < end]
        for a, b in self.runs:
            if start <= a < end or (a == end == start):
                marks.append((a - start, RUN_START))
            if start < b <= end:
                marks.append((b - start, RUN_END))
        out, cursor = [], 0
        for offset, mark in sorted(marks, key=lambda m: (m[0], m[1] != RUN_END, m[1] == RUN_START)):
            out.append(escape(text[cursor:offset]))
            out.append(mark)
            cursor = offset
        out.append(escape(text[cursor:]))
        return Markup("").join(out)


_TOKEN = re.compile(r"(<[^>]+>|\ue000|\ue001)")


WIDEN_LIMIT = 24  # characters: a run is widened to whole elements only up to this length


def wrap_runs(html: str) -> Markup:
    """Replace the run marks by nobr spans, keeping the HTML well nested.

    A run inside one element becomes one span. A run that crosses an element edge is widened to
    the whole elements it touches when that stays short (a name, a corrected word, a quoted title);
    otherwise each of its text pieces is wrapped, and a footnote body inside it is left alone.
    """
    if RUN_START not in html:
        return Markup(html)
    tokens = [t for t in _TOKEN.split(html) if t]
    stack: list[int] = []  # token index of each open element
    paths: list[tuple[int, ...]] = []
    in_note: list[bool] = []
    note_depth = 0
    for i, tok in enumerate(tokens):
        paths.append(tuple(stack))
        in_note.append(note_depth > 0)
        if tok.startswith("</"):
            opened = stack.pop()
            if note_depth and 'class="footnote"' in tokens[opened]:
                note_depth -= 1
        elif tok.startswith("<") and not tok.endswith("/>"):
            stack.append(i)
            if 'class="footnote"' in tok:
                note_depth += 1
    opens: dict[int, str] = {}
    closes: dict[int, int] = {}

    def text_length(a: int, b: int) -> int:
        return sum(len(t) for t in tokens[a:b] if not t.startswith("<") and t not in (RUN_START, RUN_END))

    def wrap(a: int, b: int) -> None:
        opens[a] = opens.get(a, "") + '<span class="nobr">'
        closes[b] = closes.get(b, 0) + 1

    start = None
    for i, tok in enumerate(tokens):
        if tok == RUN_START and start is None:
            start = i
        elif tok == RUN_END and start is not None:
            a, b = start, i
            start = None
            if paths[a] == paths[b]:
                wrap(a, b)
                continue
            common = 0
            while common < min(len(paths[a]), len(paths[b])) and paths[a][common] == paths[b][common]:
                common += 1
            wa, wb = a, b
            if len(paths[a]) > common:
                wa = paths[a][common]
            if len(paths[b]) > common:
                element = paths[b][common]
                wb = next(k for k in range(b, len(tokens))
                          if k + 1 == len(tokens) or len(paths[k + 1]) <= common or paths[k + 1][common] != element) + 1
            absorbed = "".join(t for t in tokens[wa:wb] if t.startswith("<"))
            if text_length(wa, wb) <= WIDEN_LIMIT and 'class="footnote"' not in absorbed:
                wrap(wa, wb)
            else:
                for k in range(a + 1, b):
                    if not tokens[k].startswith("<") and tokens[k] not in (RUN_START, RUN_END) and not in_note[k]:
                        wrap(k, k + 1)
    out = []
    for i, tok in enumerate(tokens + [""]):
        out.append("</span>" * closes.get(i, 0))
        out.append(opens.get(i, ""))
        if tok not in (RUN_START, RUN_END):
            out.append(tok)
    return Markup("".join(out))


def paragraph_break_control(inlines, words: Iterable[str], justify: bool = False) -> BreakControl:
    from ..inlines import name_spans, node_boundaries, reading_text

    protected = name_spans(inlines)
    return BreakControl(reading_text(inlines), protected, words, node_boundaries(inlines), justify)


@dataclass(frozen=True)
class PrintContext:
    """What one part's print HTML is made from: the part's slice of the edition
    (:func:`edition.parts.part_edition`), the book's parts (the contents lists them) and what the
    layout of the parts before it decided."""

    edition: Edition
    config: PrintConfig
    fonts_url: str
    parts: tuple[Part, ...] = ()
    index_pages: Mapping[str, tuple[int, ...]] | None = None  # the index: pages each person is named on
    relaxed: frozenset[str] = frozenset()  # paragraphs laid out with widows/orphans 1
    proof: dict | None = None  # an editor's proof: notes to mark (id -> kind), the OLD revision
    targets: Mapping[str, int] | None = None  # the front: where each part, chapter and section opens
    first_page: int = 1  # the part's first page in the book
    pad: bool = True  # end with a page forced onto a recto (dropped after layout): an even page count


@dataclass(frozen=True)
class PartHTML:
    html: str
    borrowed: tuple[str, ...]  # ids this part links to in other parts (stand-ins in this one)


def render_part_html(ctx: PrintContext, part: Part, styles: Styles) -> PartHTML:
    """The print HTML of one part of the book, from the templates and stylesheet in ``styles``."""
    from ..inlines import reading_text

    edition = ctx.edition
    words = edition.custom_words
    marks = (ctx.proof or {}).get("marks", {})
    thai_book = is_thai(edition.metadata.language)

    def cite(c: Citation) -> Markup:
        return Markup('<a class="cite" href="#bib-{}">{}</a>').format(c.key, bibl_citation_label(edition, c))

    def note_call(note: Note) -> Markup:
        if note.annotation.id in marks:  # a bar in the margin beside the line of the call
            return Markup('<span class="change-mark" aria-hidden="true">‖</span>') + _note_call(note)
        return _note_call(note)

    def _note_call(note: Note) -> Markup:
        ann = note.annotation
        changed = " changed" if ann.id in marks else ""
        if note.placement == "foot":
            if not thai_notes:
                body = html_inlines(ann.body, edition, cite=cite)
            elif ctx.config.justify:
                body = html_inlines(ann.body, edition, cite=cite,
                                    text=paragraph_break_control(ann.body, words, justify=True))
                changed += " justify"
            else:
                body = wrap_runs(html_inlines(ann.body, edition, cite=cite,
                                              text=paragraph_break_control(ann.body, words)))
            return Markup('<span class="footnote{}" id="note-{}" data-label="{}">{}</span>').format(
                changed, ann.id, note.label, body)
        if note.placement == "end":
            return Markup('<a class="noteref" id="call-{0}" href="#note-{0}">{1}</a>').format(ann.id, note.label)
        return Markup('<a class="glossref" id="call-{0}" href="#note-{0}">{1}</a>').format(ann.id, note.label)

    def inl(nodes) -> Markup:
        if not thai_book and not has_thai(reading_text(nodes)):
            return free(nodes)  # no Thai to break: the renderer's breaks (and no Thai dictionary loaded)
        return wrap_runs(html_inlines(nodes, edition, note_call=note_call, cite=cite,
                                      text=paragraph_break_control(nodes, words)))

    def justified(nodes) -> Markup:
        """A block set justified: every break opportunity marked for the justifier."""
        if not ctx.config.justify:
            return inl(nodes)
        return html_inlines(nodes, edition, note_call=note_call, cite=cite,
                            text=paragraph_break_control(nodes, words, justify=True))

    def plain(nodes) -> Markup:
        """Inline content without break control (a bibliography entry, set ragged in Latin script)."""
        return html_inlines(nodes, edition, cite=cite)

    def free(nodes) -> Markup:
        """Text in a language other than Thai: the renderer breaks and hyphenates it (CSS
        ``hyphens: auto``, Pyphen's TeX patterns in WeasyPrint)."""
        return html_inlines(nodes, edition, note_call=note_call, cite=cite)

    env = styles.environment()
    labels = labels_for(edition.metadata.language)
    thai_notes = thai_book
    names = dict(edition=edition, meta=edition.metadata, config=ctx.config, L=labels, parts=ctx.parts,
                 relaxed=ctx.relaxed, proof=ctx.proof, marks=marks, shown=shown, index_pages=ctx.index_pages)
    body = env.get_template("parts.html.j2").make_module(dict(
        names, inl=inl, justified=justified, plain=plain, free=free, is_thai=is_thai, reference=book.reference,
        endnotes=book.endnotes(edition), glosses=book.glosses(edition), names=book.names(edition),
        bibliography=book.bibliography(edition))).render(part)
    borrowed = external_ids(body)
    html = env.get_template("print.html.j2").render(
        names, faces=FACES, fonts_url=ctx.fonts_url, css=edition.stylesheet + styles.text("print.css"), body=Markup(body),
        borrowed=borrowed, pad=ctx.pad, part_css=part_css(ctx))
    return PartHTML(html, tuple(borrowed))


def external_ids(body: str) -> list[str]:
    """Ids the HTML fragment ``body`` links to (``href="#id"``) and does not hold."""
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(body, create_parent="div")
    held = set(root.xpath("//@id"))
    return sorted({h[1:] for h in root.xpath("//a/@href") if h.startswith("#")} - held)


def part_css(ctx: PrintContext) -> str:
    """What a part's layout takes from the rest of the book: its first page number and, in the
    front matter, the pages the contents and a proof's list of changes point to (numbers as wide
    as a book's widest while the front matter is only counted, so its length does not change)."""
    rules = []
    if ctx.first_page != 1:
        rules.append(f"@page :first {{ counter-reset: page {ctx.first_page}; }}")
    if any(p.kind == "front" for p in ctx.parts[:1]):
        targets = ctx.targets
        if targets is None:
            rules.append('.contents a::after { content: leader(". ") "0000"; }')
            rules.append('.proof-page::after { content: "0000"; }')
        else:
            rules.extend(f'.contents a[href="#{ident}"]::after {{ content: leader(". ") "{page}"; }}'
                         for ident, page in targets.items())
            rules.extend(f'.proof-page[href="#{ident}"]::after {{ content: "{page}"; }}'
                         for ident, page in targets.items())
    return "\n".join(rules)


def book_html(contexts: list[tuple[PrintContext, Part]], styles: Styles) -> str:
    """The whole book as one HTML document (what one raw WeasyPrint run is measured on in
    ``bench/``): every part's body in order, under one head."""
    pieces = [render_part_html(ctx, part, styles).html for ctx, part in contexts]
    first = pieces[0]
    start = first.index("<body")
    bodies = []
    for html in pieces:
        inner = html[html.index(">", html.index("<body")) + 1:html.rindex("</body>")]
        bodies.append(inner)
    return first[:first.index(">", start) + 1] + "".join(bodies) + "</body>\n</html>\n"
