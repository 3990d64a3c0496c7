"""The book's parts as data: what the front matter, each chapter and each section of the back
matter is, and what each holds. The print writer renders each part as a document of its own and
the EPUB writer makes each part a file of its own, both from this one description, so the two
outputs cannot drift apart (the EPUB once printed fewer bibliography fields than the PDF).

A part is laid out alone: every part opens on a recto, so a book's pages are its parts' pages in
order, and a chapter is a book of one (front matter, one chapter, back matter).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .model import BiblEntry, Chapter, Correction, Edition, Entity, IndexEntry, Inline, Note, Section, Text
from .processing import styled_span

FRONT_SECTIONS = ("title-page", "imprint", "contents")
BACK_SECTIONS = ("notes", "glossary", "names", "bibliography", "corrections", "index")
# each back-matter section's role in the EPUB (epub:type, ARIA role) and its heading's label
BACK_SEMANTICS = {"notes": ("endnotes", "doc-endnotes"), "glossary": ("glossary", "doc-glossary"),
                  "names": ("appendix", "doc-appendix"),
                  "bibliography": ("bibliography", "doc-bibliography"), "corrections": ("appendix", "doc-appendix"),
                  "index": ("index", "doc-index")}


@dataclass(frozen=True)
class Part:
    """One part of the book, laid out alone: the front matter, a chapter, or a section of the back
    matter. ``id`` is the id of the element it opens with (the contents and the EPUB point at it)."""

    kind: str  # "front" | "chapter" | "back"
    id: str
    name: str  # "front", "chapter", or the back-matter section: notes, glossary, bibliography, ...
    chapter: int = -1  # the chapter's place in the edition
    sections: tuple[str, ...] = ()  # the front matter's sections

    @property
    def semantics(self) -> tuple[str, str]:
        return BACK_SEMANTICS.get(self.name, ("chapter", ""))


def book_parts(edition: Edition, front: tuple[str, ...] = FRONT_SECTIONS,
               back: tuple[str, ...] = BACK_SECTIONS, proof: bool = False) -> tuple[Part, ...]:
    """The parts of the book in order: the front matter (the sections of ``front``; a proof opens
    with its list of changes), every chapter, then each section of ``back`` that has something
    to show."""
    parts: list[Part] = []
    sections = (("proof-changes",) if proof else ()) + tuple(s for s in front if s in FRONT_SECTIONS)
    if sections:
        parts.append(Part("front", sections[0], "front", sections=sections))
    parts.extend(Part("chapter", c.id, "chapter", i) for i, c in enumerate(edition.chapters))
    # the names table reconciles the text's spellings with the editor's notes: without notes of an
    # editor (a TEI document built as it is) there is nothing to reconcile
    editors_notes = any(n.annotation.set != "manuscript" for n in edition.notes)
    present = {"notes": bool(endnotes(edition)), "glossary": bool(glosses(edition)),
               "names": editors_notes and bool(names(edition)),
               "bibliography": bool(edition.bibliography), "corrections": bool(edition.corrections),
               "index": bool(edition.person_index)}
    parts.extend(Part("back", name, name) for name in back if present.get(name))
    return tuple(parts)


# --- what each part holds ------------------------------------------------------------------------

def endnotes(edition: Edition) -> list[Note]:
    return [n for n in edition.notes if n.placement == "end"]


def glosses(edition: Edition) -> list[Note]:
    from .thai import thai_sorted

    return thai_sorted([n for n in edition.notes if n.placement == "glossary"], key=lambda n: n.annotation.term)


def bibliography(edition: Edition) -> list[BiblEntry]:
    """The entries in the order both outputs list them (by the author as written, ignoring case)."""
    return sorted(edition.bibliography, key=lambda b: b.author.lower())


def reference(entry: BiblEntry) -> tuple[Inline, ...]:
    """A bibliography entry as the edition prints it, in both outputs: author, title (an article's
    or chapter's in quotes, then its container), translator, place, publisher, year, pages, ISBN."""
    out: list[Inline] = [Text(f"{entry.author}. ")]
    if entry.type in ("article", "chapter"):
        out.append(Text(f"“{entry.title}.” "))
        if entry.container:
            out += [_title(entry.container), Text(". ")]
    else:
        out += [_title(entry.title), Text(". ")]
    tail = ""
    if entry.translator:
        tail += f"Translated by {entry.translator}. "
    if entry.place:
        tail += f"{entry.place}: "
    if entry.publisher:
        tail += f"{entry.publisher}, "
    tail += f"{entry.year}."
    if entry.pages:
        tail += f" {entry.pages}."
    if entry.isbn:
        tail += f" ISBN {entry.isbn}."
    out.append(Text(tail))
    return tuple(_merged(out))


def _title(text: str) -> Inline:
    """A work's title in the entry. The entry is set as English; a title in Thai script is marked
    Thai, so it is not set in italic (Thai type has no italic, and an engine would slant the
    upright face instead)."""
    from .thai import has_thai

    return styled_span("title", (Text(text),), "th" if has_thai(text) else None)


def _merged(nodes: list[Inline]) -> list[Inline]:
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text) and out and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return out


@dataclass(frozen=True)
class NameRow:
    """One name of the table of names: how the author spells it, how the notes do, the original
    and an English form (the transliteration policy: docs/transliteration.md)."""

    entity: Entity
    author: tuple[str, ...]
    notes: str
    original: str
    original_lang: str
    english: str


def names(edition: Edition) -> list[NameRow]:
    """Every person, place and organisation of the header whose notes' form or original spelling
    the header gives, in Thai order of the author's form."""
    from .thai import thai_sorted

    lang = (edition.metadata.language or "th").split("-")[0]
    rows = []
    for e in edition.entities:
        if e.kind == "work":
            continue
        author = e.spelled(lang, "") + e.spelled(lang, "variant")
        notes = next(iter(e.spelled(lang, "notes")), "")
        original_lang, original = next(((lg, t) for lg, _, t in e.spellings if lg not in (lang, "en")), ("", ""))
        english = next(iter(e.spelled("en")), "")
        if notes or original:
            rows.append(NameRow(e, author or (e.name,), notes or e.name, original, original_lang, english))
    return thai_sorted(rows, key=lambda r: r.author[0])


def corrections(edition: Edition) -> tuple[Correction, ...]:
    return edition.corrections


def index_entries(edition: Edition) -> tuple[IndexEntry, ...]:
    return edition.person_index


# --- the edition each part is rendered from --------------------------------------------------------

def _paragraph_ids(chapter: Chapter) -> set[str]:
    """What a note of the chapter can be called from: its leaves, and the chapter and its sections
    (a note in a heading)."""
    def sections(items) -> list[Section]:
        return [x for s in items if isinstance(s, Section) for x in (s, *sections(s.blocks))]

    return ({p.id for s in chapter.sections for p in s.paragraphs} | {chapter.id}
            | {s.id for s in sections(chapter.sections)})


def _heads_only(chapter: Chapter) -> Chapter:
    """The chapter with its divisions' heads and nothing else (what the contents lists)."""
    def heads(section: Section) -> Section:
        return replace(section, blocks=tuple(heads(b) for b in section.blocks if isinstance(b, Section)))
    return replace(chapter, sections=tuple(heads(s) for s in chapter.sections))


def _without_source_places(edition: Edition) -> Edition:
    """The edition without where things were read from (files, lines): no writer shows them, and
    a part's cache key follows from its slice, so a note added at the top of an annotation file
    must not make every chapter new."""
    notes = tuple(replace(n, annotation=replace(n.annotation, file="", line=0)) for n in edition.notes)
    chapters = tuple(replace(c.with_leaves(lambda p: replace(p, line=0)), source_file="") for c in edition.chapters)
    corrections = tuple(replace(c, line=0) for c in edition.corrections)
    return replace(edition, notes=notes, chapters=chapters, corrections=corrections)


def part_edition(edition: Edition, part: Part) -> Edition:
    """The slice of the edition a part is rendered from; see :func:`_slice`."""
    return _without_source_places(_slice(edition, part))


def _slice(edition: Edition, part: Part) -> Edition:
    """The slice of the edition a part is rendered from (what a worker is sent, and what the part's
    cache key follows from): a chapter with its notes; the front matter with the chapters' heads
    and whether there are endnotes and glosses; a section of the back matter with what it lists
    (and the bibliography, for the citations in notes and glosses), so an edited footnote leaves
    the bibliography, the corrections and the index untouched."""
    if part.kind == "chapter":
        chapter = edition.chapters[part.chapter]
        ids = _paragraph_ids(chapter)
        return replace(edition, chapters=(chapter,), notes=tuple(n for n in edition.notes if n.anchor.paragraph in ids),
                       corrections=(), person_index=())
    if part.kind == "front":
        heads = tuple(_heads_only(c) for c in edition.chapters)
        first: dict[str, Note] = {}
        for n in edition.notes:
            first.setdefault(n.placement, n)
        return replace(edition, chapters=heads, notes=tuple(n for k, n in first.items() if k != "foot"),
                       corrections=(), person_index=())
    empty = replace(edition, chapters=(), notes=(), bibliography=(), corrections=(), person_index=())
    if part.name == "notes":
        return replace(empty, notes=tuple(endnotes(edition)), bibliography=edition.bibliography)
    if part.name == "glossary":
        return replace(empty, notes=tuple(n for n in edition.notes if n.placement == "glossary"),
                       bibliography=edition.bibliography)
    if part.name == "bibliography":
        return replace(empty, bibliography=edition.bibliography)
    if part.name == "corrections":
        return replace(empty, corrections=edition.corrections)
    if part.name == "index":
        return replace(empty, person_index=edition.person_index)
    if part.name == "names":
        return empty
    raise ValueError(f"no such part of the back matter: {part.name}")
