"""The one resolved edition model that every writer consumes (the pandoc AST of this project).

Frozen dataclasses only. Readers build the parts; :mod:`edition.resolve` anchors the annotations
and numbers the notes; writers read the result and never go back to the sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# --- inline content ----------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Span:
    """A phrase: an inline element of the TEI (or of the annotation markup) as the processing
    model (:mod:`edition.processing`) rendered it.

    ``role`` is the TEI element it came from (persName, title, hi ...: what the index, the
    segmentation and the lint ask about); ``cls``, ``html`` and ``classes`` are how every writer
    shows it, from the processing model's rule and the element's @rend and @rendition.
    """

    role: str
    children: tuple[Inline, ...]
    lang: str | None = None
    ref: str | None = None  # person/place/org id for names, annotation id for a gloss term
    when: str | None = None
    cls: str = ""  # the class the outputs carry ("" for none)
    html: str = "span"  # the output element (span, em, cite, time, code ...)
    classes: tuple[str, ...] = ()  # more classes: rend-*, rendition-*
    style: str = ""  # the element's own @style, checked to be typographic


@dataclass(frozen=True)
class Correction:
    """An editorial act on the source: ``<choice><sic/><corr/></choice>`` or ``<orig/><reg/>``."""

    id: str
    paragraph: str
    original: str
    reading: str
    kind: str  # "correction" (sic/corr) or "regularisation" (orig/reg)
    cert: str
    resp: str
    line: int  # line in the manuscript file


def shown(text: str) -> str:
    """A reading as the apparatus shows it: a lone space as (ช่องว่าง), nothing as (ลบ).
    (Words, not a symbol such as ␣, which the edition's fonts do not have.)"""
    if text == "":
        return "(ลบ)"
    return "(ช่องว่าง)" if not text.strip() else text


@dataclass(frozen=True)
class Choice:
    correction: Correction


@dataclass(frozen=True)
class AuthorNoteCall:
    """The author's own note call as printed (²⁶): its text is not in the source."""

    number: str


@dataclass(frozen=True)
class NoteCall:
    """The call of an editorial note, inserted where its annotation is anchored."""

    note_id: str


@dataclass(frozen=True)
class Citation:
    key: str
    locator: str = ""


@dataclass(frozen=True)
class LineBreak:
    pass


@dataclass(frozen=True)
class PageBreak:
    """A page break of the source (TEI ``pb``): its printed number, shown as the edition sets."""

    n: str
    id: str = ""


@dataclass(frozen=True)
class Link:
    """A link (TEI ``ref``, ``ptr``): ``target`` an id inside the book (without '#'), or an external
    address, which the outputs show as text and never fetch."""

    target: str
    children: tuple[Inline, ...]
    external: bool = False


@dataclass(frozen=True)
class Target:
    """A point the text can link to (TEI ``anchor``, or an element's xml:id on an inline)."""

    id: str


@dataclass(frozen=True)
class Gap:
    """An omission of the source (TEI ``gap``), shown as […]; ``reason`` for the reader's tooltip."""

    reason: str = ""


@dataclass(frozen=True)
class Image:
    """A graphic (TEI ``graphic``): a file inside the edition, with its text alternative."""

    url: str  # relative to the edition root
    alt: str
    width: str = ""
    height: str = ""


Inline = Text | Span | Choice | AuthorNoteCall | NoteCall | Citation | LineBreak | PageBreak | Link | Target | Gap | Image


# --- blocks ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paragraph:
    """A block of text (a leaf): a paragraph, a verse line, a speaker, a list item, a table cell ...

    Every writer, anchoring, the lint, the index and the diff work on these. ``id`` is the
    element's xml:id or a generated locator (docs/locators.md); ``behaviour`` is the processing
    model's (paragraph, heading, block, line, item, cell)."""

    id: str
    inlines: tuple[Inline, ...]
    line: int
    behaviour: str = "paragraph"
    cls: str = ""
    html: str = "p"
    classes: tuple[str, ...] = ()
    lang: str | None = None
    style: str = ""
    attrs: tuple[tuple[str, str], ...] = ()  # colspan, rowspan ... (what the behaviour needs)

    kind = "leaf"


@dataclass(frozen=True)
class Block:
    """A block that holds blocks: a stanza, a speech, a list, a table, a row, a figure ..."""

    behaviour: str
    children: tuple[BlockNode, ...]
    id: str = ""
    cls: str = ""
    html: str = "div"
    classes: tuple[str, ...] = ()
    lang: str | None = None
    style: str = ""
    attrs: tuple[tuple[str, str], ...] = ()

    kind = "block"


@dataclass(frozen=True)
class Section:
    """A division (TEI ``div``) inside a chapter: its head, then its blocks, among them the
    divisions it holds (``level`` 2 for a chapter's sections, 3 below them ...)."""

    id: str
    head: tuple[Inline, ...]  # empty for the chapter's opening blocks
    blocks: tuple[BlockNode, ...]
    level: int = 2
    lang: str | None = None

    kind = "section"

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The section's leaves in reading order, those of the divisions it holds included."""
        return tuple(leaves(self.blocks))

    @property
    def subsections(self) -> tuple[Section, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Section))


BlockNode = Paragraph | Block | Section


def leaves(blocks) -> list[Paragraph]:
    out: list[Paragraph] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b)
        elif isinstance(b, (Block, Section)):
            out.extend(leaves(b.children if isinstance(b, Block) else b.blocks))
    return out


def map_leaves(blocks: tuple[BlockNode, ...], fn) -> tuple[BlockNode, ...]:
    """``blocks`` with every leaf replaced by ``fn(leaf)``."""
    from dataclasses import replace

    out: list[BlockNode] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(fn(b))
        elif isinstance(b, Block):
            out.append(replace(b, children=map_leaves(b.children, fn)))
        elif isinstance(b, Section):
            out.append(replace(b, blocks=map_leaves(b.blocks, fn)))
        else:
            out.append(b)
    return tuple(out)


@dataclass(frozen=True)
class Chapter:
    """A part of the book that opens on a page of its own: a top-level division of the body, or
    the front or back matter of a manuscript (``matter``)."""

    id: str
    number: str
    title: str
    head: tuple[Inline, ...]
    sections: tuple[Section, ...]
    source_file: str
    matter: str = "body"  # front | body | back
    lang: str | None = None

    def with_leaves(self, fn) -> Chapter:
        from dataclasses import replace

        return replace(self, sections=tuple(replace(s, blocks=map_leaves(s.blocks, fn)) for s in self.sections))


# --- header lists ------------------------------------------------------------------------

@dataclass(frozen=True)
class Entity:
    """A person, place or organisation of the header lists, with the forms the text uses."""

    id: str
    kind: str  # "person" | "place" | "org" | "work"
    name: str  # the edition's Thai form
    latin: str  # the name in its own (romanised) form, for the index
    forms: tuple[str, ...]
    dates: str = ""
    spellings: tuple[tuple[str, str, str], ...] = ()  # every name form: (language, type, text)

    def spelled(self, lang: str, kind: str | None = None) -> tuple[str, ...]:
        """The forms in ``lang`` (of ``kind``: "" for the main form, "variant", "notes" ...)."""
        return tuple(t for lg, ty, t in self.spellings if lg == lang and (kind is None or ty == kind))


@dataclass(frozen=True)
class BiblEntry:
    key: str
    type: str
    author: str
    title: str
    publisher: str = ""
    place: str = ""
    year: str = ""
    container: str = ""  # journal or book for articles and chapters
    editor: str = ""
    translator: str = ""
    isbn: str = ""
    url: str = ""
    pages: str = ""
    checked: str = ""
    short: str = ""  # label for in-text citations when the author is not a person


# --- annotations -------------------------------------------------------------------------

@dataclass(frozen=True)
class TextQuoteSelector:
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Annotation:
    id: str
    type: str  # footnote | endnote | gloss | commentary
    paragraph: str
    selector: TextQuoteSelector
    body: tuple[Inline, ...]
    body_source: str
    resp: str
    file: str
    line: int
    set: str
    citations: tuple[str, ...] = ()
    term: str = ""  # for glosses: the headword


@dataclass(frozen=True)
class Anchor:
    paragraph: str
    start: int
    end: int
    score: float
    method: str  # "exact" | "fuzzy"


@dataclass(frozen=True)
class Note:
    """An annotation placed in the edition: numbered, anchored, with its final placement."""

    annotation: Annotation
    anchor: Anchor
    number: int  # 0 for glosses, which are not numbered
    placement: str  # "foot" | "end" | "glossary"
    label: str  # the number as printed (Thai digits)


@dataclass(frozen=True)
class Metadata:
    title: str
    chapter_label: str
    language: str
    identifier: str
    editor: str
    source_description: str
    rights: str
    date: str
    version: str
    status: str
    proofreading_complete: bool
    author: str = ""  # the book's author(s): the titleStmt's, or book.yaml's

    def identifier_for(self, output: str) -> str:
        """A distinct, stable identifier per format (pdf, print, epub), derived from the edition's."""
        import uuid

        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{self.identifier}#{output}')}"


@dataclass(frozen=True)
class IndexEntry:
    entity: Entity
    paragraphs: tuple[str, ...]

    @property
    def heading(self) -> str:
        """The index headword: the surname first ("ออร์เวล, จอร์จ"), as readers look names up."""
        given, _, surname = self.entity.name.rpartition(" ")
        return f"{surname}, {given}" if given else surname


@dataclass(frozen=True)
class Edition:
    metadata: Metadata
    chapters: tuple[Chapter, ...]
    notes: tuple[Note, ...]
    entities: tuple[Entity, ...]
    bibliography: tuple[BiblEntry, ...]
    corrections: tuple[Correction, ...]
    person_index: tuple[IndexEntry, ...]
    custom_words: tuple[str, ...] = field(default=())
    stylesheet: str = ""  # the CSS the processing model and the manuscripts' renditions state

    def note(self, note_id: str) -> Note:
        return self._notes_by_id[note_id]

    def has_note(self, note_id: str) -> bool:
        """Whether the note is in this edition (a part's slice holds only its own)."""
        return note_id in self._notes_by_id

    @cached_property
    def _notes_by_id(self) -> dict[str, Note]:
        return {n.annotation.id: n for n in self.notes}

    def leaves(self) -> list[Paragraph]:
        """Every leaf of text of the book, in reading order."""
        return [p for c in self.chapters for s in c.sections for p in s.paragraphs]
