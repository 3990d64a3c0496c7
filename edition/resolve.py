"""Resolve manuscript + annotations into the one Edition model every writer consumes.

Anchors each annotation (exact, then fuzzy), inserts note calls, numbers the editor's notes in
document order (Thai digits), decides each note's placement by a page-size-independent rule, and
builds the person index from the ``persName`` encoding.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .anchoring import AnchorResult, anchor
from .config import Book, with_book_metadata
from .errors import EditionError, Problem
from .inlines import insert_at, reading_text, spans_of
from .langtag import is_thai
from .model import Anchor as AnchorModel
from .model import Annotation, Chapter, Edition, Entity, IndexEntry, Note, NoteCall, Paragraph, TextQuoteSelector
from .readers.annotations import AnnotationSets, read_annotation_dir
from .readers.tei import Manuscript, read_manuscript
from .thai import thai_number, thai_sorted

NUMBERED_TYPES = ("footnote", "endnote", "commentary")


@dataclass
class Sources:
    """Everything read from disk, with every problem the readers found."""

    book: Book
    manuscripts: list[Manuscript]
    annotations: AnnotationSets
    wordlist: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)
    stylesheet: str = ""  # the processing model's CSS


def read_sources(book: Book) -> Sources:
    problems: list[Problem] = []
    manuscripts = []
    from .processing import load_model

    try:
        model = load_model(book.root)
    except EditionError as exc:
        return Sources(book, [], AnnotationSets(), (), list(exc.problems))
    for path in book.chapters:
        try:
            m = read_manuscript(path, model, book.language)
        except EditionError as exc:
            problems.extend(exc.problems)
            continue
        manuscripts.append(m)
        problems.extend(m.problems)
    try:
        sets = read_annotation_dir(book.annotations)
    except EditionError as exc:
        problems.extend(exc.problems)
        sets = AnnotationSets()
    problems.extend(sets.problems)
    words: tuple[str, ...] = ()
    if book.wordlist and book.wordlist.exists():
        words = tuple(w.strip() for w in book.wordlist.read_text(encoding="utf-8").splitlines()
                      if w.strip() and not w.startswith("#"))
    return Sources(book, manuscripts, sets, words, problems, model.stylesheet())


@dataclass
class Resolution:
    edition: Edition | None
    anchors: dict[str, AnchorResult]
    problems: list[Problem]


def resolve(sources: Sources, footnote_max_chars: int = 600) -> Resolution:
    problems = list(sources.problems)
    if not sources.manuscripts:
        return Resolution(None, {}, problems)
    # a book: the chapters in manifest order; header lists and metadata come from the first
    # manuscript, with persons, places and works the later chapters add
    manuscripts = sources.manuscripts
    entities = _merged_entities(manuscripts)
    entity_ids = {e.id for e in entities}
    paragraphs: dict[str, Paragraph] = {}
    problems.extend(_duplicate_ids(manuscripts))
    for m in manuscripts:
        problems.extend(_reference_problems(m, entity_ids))
        for c in m.chapters:
            for p in (p for s in c.sections for p in s.paragraphs):
                if p.id in paragraphs and paragraphs[p.id] is not p:
                    problems.append(Problem(str(m.path), p.line, f"two blocks of text have the locator '{p.id}'",
                                            "give one of them an xml:id (locators: docs/locators.md)"))
                paragraphs.setdefault(p.id, p)
    texts = {pid: reading_text(p.inlines) for pid, p in paragraphs.items()}

    anchors: dict[str, AnchorResult] = {}
    placed: list[tuple[Annotation, AnchorResult]] = []
    for ann in sources.annotations.annotations:
        result = anchor(ann.selector, ann.paragraph, texts)
        anchors[ann.id] = result
        if result.anchor is None:
            problems.append(Problem(ann.file, ann.line, f"annotation '{ann.id}' is {result.status}: {result.detail}",
                                    "quote the corrected reading in target.exact (and prefix/suffix); "
                                    "`build.py annotate \"words\"` prints a selector for a quote"))
            continue
        if result.status in ("fuzzy", "moved"):
            problems.append(Problem(ann.file, ann.line,
                                    f"annotation '{ann.id}' re-anchored ({result.status}, score {result.anchor.score}"
                                    + (f"; {result.detail})" if result.detail else ")"),
                                    "review it and run `build.py reanchor --write` to accept", "warning"))
        placed.append((ann, result))

    order = {pid: i for i, pid in enumerate(paragraphs)}
    placed.sort(key=lambda pr: (order[pr[1].anchor.paragraph], pr[1].anchor.end, pr[1].anchor.start))
    notes: list[Note] = []
    number = 0
    source_notes = [n for m in manuscripts for n in m.notes]
    label = note_labeller(sources.book.language or manuscripts[0].metadata.language, bool(source_notes))
    for ann, result in placed:
        if ann.type in NUMBERED_TYPES:
            number += 1
            placement = "foot" if ann.type == "footnote" and len(ann.body_source) <= footnote_max_chars else "end"
            notes.append(Note(ann, result.anchor, number, placement, label(number)))
        else:
            notes.append(Note(ann, result.anchor, 0, "glossary", "†"))
    notes.extend(_source_notes(manuscripts, texts, paragraphs))

    # insert calls from the end of each paragraph backwards so earlier offsets stay valid
    new_inlines = {pid: p.inlines for pid, p in paragraphs.items()}
    for note in sorted((n for n in notes if n.annotation.set != "manuscript"), key=lambda n: (n.anchor.end, n.number),
                       reverse=True):
        pid = note.anchor.paragraph
        at = call_position(texts[pid], note.anchor.end)
        new_inlines[pid] = insert_at(new_inlines[pid], at, NoteCall(note.annotation.id))
    chapters = tuple(c.with_leaves(lambda p: replace(p, inlines=new_inlines[p.id]) if p.id in new_inlines else p)
                     for m in manuscripts for c in m.chapters)
    index = _person_index(chapters, entities)
    words = tuple(sorted({f for e in entities for f in e.forms} | set(sources.wordlist)))
    corrections = tuple(c for m in manuscripts for c in m.corrections)
    stylesheet = sources.stylesheet + "".join(m.stylesheet for m in manuscripts)
    edition = Edition(with_book_metadata(manuscripts[0].metadata, sources.book), chapters, tuple(notes), entities,
                      tuple(sources.annotations.bibliography.values()), corrections, index, words, stylesheet)
    return Resolution(edition, anchors, problems)


CLOSING = "”’)]}"


def call_position(text: str, end: int) -> int:
    """Where a note call goes for a quote ending at ``end``: after closing quotes and brackets, as
    printers set it (and so no line can start with the closing mark after a call)."""
    while end < len(text) and (text[end] in CLOSING or (text[end] == '"' and text[:end].count('"') % 2 == 1)):
        end += 1
    return end


NAME_ELEMENTS = {"persName", "placeName", "orgName", "name", "rs", "title"}


def _reference_problems(manuscript: Manuscript, entity_ids: set[str]) -> list[Problem]:
    """A name's @ref that points inside the document at nothing there (the index and the names
    table look it up); references to other documents or the web are the encoder's business."""
    problems = []
    root = manuscript.tree.getroot()
    ids = {el.get("{http://www.w3.org/XML/1998/namespace}id") for el in root.iter() if isinstance(el.tag, str)}
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag.rpartition("}")[2] not in NAME_ELEMENTS:
            continue
        for ref in el.get("ref", "").split():  # @ref holds one or more pointers
            if ref.startswith("#") and ref[1:] not in entity_ids and ref[1:] not in ids:
                problems.append(Problem(str(manuscript.path), el.sourceline,
                                        f"reference {ref} points at no person, place or organisation in the header",
                                        "add it to listPerson/listPlace/listOrg or fix the @ref"))
    return problems


def _duplicate_ids(manuscripts: list[Manuscript]) -> list[Problem]:
    """Every xml:id used twice anywhere in the book (within a chapter or across chapters: the
    contents, note calls and the corrections apparatus would link into the wrong chapter), each
    reported with both places. The header lists of a book's chapters may repeat the same person,
    place or work: those are merged, not duplicates."""
    problems = []
    seen: dict[str, tuple[str, int, bool]] = {}
    xml_id = "{http://www.w3.org/XML/1998/namespace}id"
    for m in manuscripts:
        root = m.tree.getroot()
        header = root.find("{http://www.tei-c.org/ns/1.0}teiHeader")
        in_header = [(el, True) for el in header.iter() if isinstance(el.tag, str)] if header is not None else []
        rest = [(el, False) for el in root.iter() if isinstance(el.tag, str)
                and (header is None or not any(a is header for a in el.iterancestors()) and el is not header)]
        for el, shared in [*in_header, *rest]:
            ident = el.get(xml_id)
            if ident is None:
                continue
            where = (str(m.path), el.sourceline or 0)
            if ident in seen:
                first_file, first_line, first_shared = seen[ident]
                same = first_file == where[0]
                if shared and first_shared and not same:
                    continue  # the same person, place or work listed in two chapters' headers
                place = f"line {first_line}" if same else f"{first_file}:{first_line}"
                problems.append(Problem(where[0], where[1], f"xml:id '{ident}' is used twice: here and at {place}",
                                        "ids must be unique in the whole book; in a book, prefix a chapter's ids with "
                                        "its own id (ch4-p008, ch4-s1, ch4-c001)"))
            else:
                seen[ident] = (*where, shared)
    return problems


def _merged_entities(manuscripts: list[Manuscript]) -> tuple[Entity, ...]:
    seen: dict[str, Entity] = {}
    for m in manuscripts:
        for e in m.entities:
            seen.setdefault(e.id, e)
    return tuple(seen.values())


def _person_index(chapters: tuple[Chapter, ...], entities: tuple[Entity, ...]) -> tuple[IndexEntry, ...]:
    found: dict[str, list[str]] = {}
    for section in (s for c in chapters for s in c.sections):
        for p in section.paragraphs:
            for role in ("persName",):
                for _, _, span in spans_of(p.inlines, role):
                    if span.ref and p.id not in found.setdefault(span.ref, []):
                        found[span.ref].append(p.id)
    by_id = {e.id: e for e in entities if e.kind == "person"}
    entries = [IndexEntry(by_id[i], tuple(pids)) for i, pids in found.items() if i in by_id]
    return tuple(thai_sorted(entries, key=lambda e: e.heading))


def paragraphs_of(edition: Edition) -> list[Paragraph]:
    return edition.leaves()


def note_labeller(language: str, source_has_notes: bool):
    """How the editor's notes are numbered: Thai digits in a Thai edition (so they never look like
    the author's series); elsewhere arabic numbers, or letters (a, b … z, aa) when the
    manuscript numbers notes of its own."""
    if is_thai(language):
        return thai_number
    if source_has_notes:
        def letters(n: int) -> str:
            out = ""
            while n:
                n, r = divmod(n - 1, 26)
                out = "abcdefghijklmnopqrstuvwxyz"[r] + out
            return out
        return letters
    return str


def _source_notes(manuscripts: list[Manuscript], texts: dict[str, str], paragraphs) -> list[Note]:
    """The manuscripts' own notes as notes of the edition: called where they stand, numbered in
    one series through the book unless the source numbers them (@n)."""
    from .inlines import offset_of_call

    out = []
    for k, sn in enumerate((n for m in manuscripts for n in m.notes), 1):
        m = next(m for m in manuscripts if sn in m.notes)
        at = offset_of_call(paragraphs[sn.paragraph].inlines, sn.id) if sn.paragraph in paragraphs else 0
        body_text = reading_text(sn.body)
        ann = Annotation(sn.id, "footnote" if sn.place == "foot" else "endnote", sn.paragraph,
                         TextQuoteSelector(""), sn.body, body_text, "source", str(m.path), sn.line, "manuscript")
        out.append(Note(ann, AnchorModel(sn.paragraph, at, at, 1.0, "source"), k, sn.place, sn.label or str(k)))
    return out


def load_edition(root: Path, footnote_max_chars: int = 600) -> Resolution:
    from .config import load_book
    return resolve(read_sources(load_book(root)), footnote_max_chars)


def load(root: Path, trim: str | None = None):
    """The book manifest, the print configuration and the resolved edition of the project at ``root``."""
    from .config import load_book, load_print_config

    book = load_book(root)
    config = load_print_config(root, trim)
    return book, config, resolve(read_sources(book), config.footnote_max_chars)


def require_edition(resolution: Resolution) -> Edition:
    """The edition, or an error listing every error the readers and the resolver found."""
    errors = [p for p in resolution.problems if p.severity == "error"]
    if errors or resolution.edition is None:
        raise EditionError(errors or [Problem("book.yaml", None, "no manuscript could be read")])
    return resolution.edition
