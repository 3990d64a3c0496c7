"""Print HTML writer: the Edition model -> one HTML document for WeasyPrint (Jinja2, autoescaped).

Layout decisions live in ``styles/print.css`` and ``styles/print.yaml``; this module only states
what each part of the edition is. Footnotes are floated to the foot of the page by CSS
(``float: footnote``); their labels come from the model, so PDF and EPUB number alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..config import PrintConfig
from ..fonts import FACES
from ..model import Citation, Edition, Note
from ..render import bibl_citation_label, html_inlines
from ..thai import unbreakable_runs

def environment(styles: Path) -> Environment:
    return Environment(loader=FileSystemLoader(str(styles / "templates")), autoescape=select_autoescape(
        enabled_extensions=("html", "j2", "xhtml"), default_for_string=True, default=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def protect_breaks(text: str) -> Markup:
    """Escape text, keeping numbers, "ค.ศ. 1921" and " ๆ" on one line (no character added)."""
    out, pos = [], 0
    for start, end in unbreakable_runs(text):
        out.append(escape(text[pos:start]))
        out.append(Markup('<span class="nobr">') + escape(text[start:end]) + Markup("</span>"))
        pos = end
    out.append(escape(text[pos:]))
    return Markup("").join(out)


@dataclass(frozen=True)
class PrintContext:
    edition: Edition
    config: PrintConfig
    fonts_url: str
    variant: str  # "reading" | "printer"
    index_pages: Mapping[str, tuple[int, ...]] | None = None
    relaxed: frozenset[str] = frozenset()  # paragraphs laid out with widows/orphans 1


def render_print_html(ctx: PrintContext, styles: Path) -> str:
    """The print HTML, from the templates and stylesheet in ``styles`` (the project's own)."""
    edition = ctx.edition

    def cite(c: Citation) -> Markup:
        return Markup('<a class="cite" href="#bib-{}">{}</a>').format(c.key, bibl_citation_label(edition, c))

    def note_call(note: Note) -> Markup:
        ann = note.annotation
        if note.placement == "foot":
            body = html_inlines(ann.body, edition, cite=cite, text=protect_breaks)
            return Markup('<span class="footnote" id="note-{}" data-label="{}">{}</span>').format(
                ann.id, note.label, body)
        if note.placement == "end":
            return Markup('<a class="noteref" id="call-{0}" href="#note-{0}">{1}</a>').format(ann.id, note.label)
        return Markup('<a class="glossref" id="call-{0}" href="#note-{0}">{1}</a>').format(ann.id, note.label)

    def inl(nodes) -> Markup:
        return html_inlines(nodes, edition, note_call=note_call, cite=cite, text=protect_breaks)

    template = environment(styles).get_template("print.html.j2")
    return template.render(
        edition=edition, meta=edition.metadata, config=ctx.config, variant=ctx.variant, inl=inl,
        faces=FACES, fonts_url=ctx.fonts_url, endnotes=[n for n in edition.notes if n.placement == "end"],
        glosses=_glosses(edition), index_pages=ctx.index_pages, relaxed=ctx.relaxed,
        css=(styles / "print.css").read_text(encoding="utf-8"),
    )


def _glosses(edition: Edition) -> list[Note]:
    from ..thai import thai_sorted
    return thai_sorted([n for n in edition.notes if n.placement == "glossary"], key=lambda n: n.annotation.term)
