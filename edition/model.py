"""The one resolved edition model that every writer consumes (the pandoc AST of this project).

Frozen dataclasses only. Readers build the parts; :mod:`edition.resolve` anchors the annotations
and numbers the notes; writers read the result and never go back to the sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- inline content ----------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Span:
    """A phrase with a role from the TEI encoding or the annotation markup.

    ``role`` is one of the keys of :data:`edition.render.INLINE_RENDITION` (persName, placeName,
    orgName, title, foreign, quote, date, emph, gloss-term).
    """

    role: str
    children: tuple[Inline, ...]
    lang: str | None = None
    ref: str | None = None  # person/place/org id for names, annotation id for a gloss term
    when: str | None = None


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


Inline = Text | Span | Choice | AuthorNoteCall | NoteCall | Citation | LineBreak


# --- blocks ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paragraph:
    id: str
    inlines: tuple[Inline, ...]
    line: int


@dataclass(frozen=True)
class Section:
    id: str
    head: tuple[Inline, ...]  # empty for the chapter's opening paragraphs
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Chapter:
    id: str
    number: str
    title: str
    head: tuple[Inline, ...]
    sections: tuple[Section, ...]
    source_file: str


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
    author: str = ""  # the book's author(s), from book.yaml; the TEI reader leaves it empty

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

    def note(self, note_id: str) -> Note:
        for n in self.notes:
            if n.annotation.id == note_id:
                return n
        raise KeyError(note_id)
