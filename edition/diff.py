"""The annotation revision diff: compare two resolved revisions of the annotations, per annotation id.

One module (past 400 lines) because it is one classification: every rule deciding whether an
annotation was added, removed, changed, moved, re-anchored or orphaned reads the others' results,
and splitting them would spread one decision over several files.

Pure functions over :class:`Snapshot` objects (what one revision's readers and resolver produced:
annotations, their anchors in that revision's own manuscript, the set headers and the
bibliography). Reading a revision from git or from disk is the command's job
(:mod:`edition.diff_cli`); rendering is :mod:`edition.writers.diff_report`; the JSON shape is
documented in ``docs/diff.md``.

Each annotation id is reported at most once per list:

* ``added`` / ``removed``: the id exists on one side only;
* ``changed``: what the editor wrote changed (``kinds``: body, citations, type, resp, term, set,
  selector), with a word-level diff of the body (segmented by :func:`edition.thai.segment`);
* ``moved``: the target now points at different text or a different paragraph (an edited
  selector), with both quotes in context;
* ``reanchored`` / ``orphaned``: the selector still says the same but the manuscript under it
  changed, so the annotation now anchors differently (fuzzy, in another paragraph, exact again)
  or nowhere;
* ``metadata``: set headers (title, description, file, sets added or removed) and bibliography
  entries.

Comparisons ignore what does not change the edition: the order of annotations in a file, YAML
formatting, line folding and whitespace runs in bodies, and the spellings :func:`normalise`
folds in selectors.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from .anchoring import AnchorResult
from .inlines import reading_text
from .model import Anchor, Annotation, BiblEntry
from .readers.annotations import _CITATION
from .thai import normalise, segment

if TYPE_CHECKING:
    from .resolve import Resolution, Sources

CONTEXT_CHARS = 40
LIST_KEYS = ("added", "removed", "changed", "moved", "orphaned", "reanchored", "metadata")
CHANGE_KINDS = ("body", "citations", "type", "resp", "term", "set", "selector")
_BIBL_FIELDS = ("type", "author", "title", "publisher", "place", "year", "container", "editor", "translator",
                "isbn", "url", "pages", "checked", "short")


# --- the two revisions -------------------------------------------------------------------

@dataclass(frozen=True)
class SetInfo:
    """The header of one annotation set file."""

    name: str
    title: str
    description: str
    file: str


@dataclass(frozen=True)
class Snapshot:
    """One revision of the annotations, resolved against that revision's own manuscript."""

    label: str
    annotations: Mapping[str, Annotation]  # id -> annotation (file paths relative, for display)
    anchors: Mapping[str, AnchorResult]  # id -> where it anchored in this revision
    texts: Mapping[str, str]  # paragraph id -> reading text (what selectors quote)
    sets: Mapping[str, SetInfo] = field(default_factory=dict)
    bibliography: Mapping[str, BiblEntry] = field(default_factory=dict)
    custom_words: tuple[str, ...] = ()


def snapshot(label: str, sources: Sources, resolution: Resolution, sets: Iterable[SetInfo] = (),
             base: Path | None = None) -> Snapshot:
    """A :class:`Snapshot` of what the readers and the resolver made of one revision; annotation
    files are shown relative to ``base`` (the revision's root)."""
    def shown(file: str) -> str:
        if base is not None:
            try:
                return Path(file).resolve().relative_to(base.resolve()).as_posix()
            except ValueError:
                pass
        return file

    annotations = {a.id: replace(a, file=shown(a.file)) for a in sources.annotations.annotations}
    texts: dict[str, str] = {}
    for manuscript in sources.manuscripts:  # every chapter of a book: a note may be in any of them
        for p in (p for c in manuscript.chapters for s in c.sections for p in s.paragraphs):
            texts.setdefault(p.id, reading_text(p.inlines))
    words = {f for m in sources.manuscripts for e in m.entities for f in e.forms} | set(sources.wordlist)
    return Snapshot(label, annotations, dict(resolution.anchors), texts,
                    {s.name: replace(s, file=shown(s.file)) for s in sets},
                    dict(sources.annotations.bibliography), tuple(sorted(words)))


# --- the result --------------------------------------------------------------------------

@dataclass(frozen=True)
class WordOp:
    """One run of a word-level diff: ``equal``, ``delete`` (old only) or ``insert`` (new only)."""

    op: str
    text: str


@dataclass(frozen=True)
class Placed:
    """Where a target anchored in one revision: the passage and its context in that paragraph."""

    paragraph: str
    start: int
    end: int
    score: float
    method: str
    text: str
    before: str
    after: str


@dataclass(frozen=True)
class Side:
    """An annotation's target as written in one revision, and how it anchored there."""

    paragraph: str
    exact: str
    prefix: str
    suffix: str
    status: str  # exact | fuzzy | moved (found in another paragraph) | orphan | ambiguous
    detail: str
    anchor: Placed | None


@dataclass(frozen=True)
class Entry:
    """An annotation that exists on one side only (``added`` / ``removed``)."""

    id: str
    set: str
    type: str
    file: str
    line: int
    body: str
    target: Side


@dataclass(frozen=True)
class FieldChange:
    old: str
    new: str


@dataclass(frozen=True)
class BodyChange:
    old: str
    new: str
    diff: tuple[WordOp, ...]


@dataclass(frozen=True)
class CitationChange:
    added: tuple[str, ...]  # "key" or "key, locator", in body order
    removed: tuple[str, ...]


@dataclass(frozen=True)
class SelectorChange:
    old: Side
    new: Side


@dataclass(frozen=True)
class Changed:
    id: str
    set: str
    file: str
    line: int
    kinds: tuple[str, ...]  # in CHANGE_KINDS order
    details: Mapping[str, FieldChange | BodyChange | CitationChange | SelectorChange]
    target: Side  # the new target, to show the passage in context


@dataclass(frozen=True)
class Retargeted:
    """An annotation whose anchoring differs between the revisions (moved, reanchored, orphaned)."""

    id: str
    set: str
    file: str
    line: int
    old: Side
    new: Side
    selector_updated: bool  # the editor changed the selector's paragraph or quote
    diff: tuple[WordOp, ...]  # word diff of the anchored (or quoted) passages
    old_in_new: Placed | None = None  # what the new manuscript has where the old passage was


@dataclass(frozen=True)
class MetadataChange:
    id: str  # the set name or the bibliography key
    scope: str  # "set" | "bibliography"
    change: str  # "added" | "removed" | "changed"
    field: str | None  # the changed field; None for a whole set or entry added or removed
    old: str | None
    new: str | None


@dataclass(frozen=True)
class AnnotationDiff:
    old_label: str
    new_label: str
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    changed: tuple[Changed, ...] = ()
    moved: tuple[Retargeted, ...] = ()
    orphaned: tuple[Retargeted, ...] = ()
    reanchored: tuple[Retargeted, ...] = ()
    metadata: tuple[MetadataChange, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(getattr(self, key) for key in LIST_KEYS)

    def counts(self) -> dict[str, int]:
        return {key: len(getattr(self, key)) for key in LIST_KEYS}


# --- text helpers ------------------------------------------------------------------------

def collapse(text: str) -> str:
    """NFC with whitespace runs made one space: what the body reader itself reads."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def word_diff(old: str, new: str, custom_words: Iterable[str] = ()) -> tuple[WordOp, ...]:
    """A word-level diff of Thai text: both sides segmented into words by the dictionary
    segmentation (never compared character by character). A space between two changes is
    folded into them, so a rewritten phrase reads as one deletion and one insertion."""
    words = tuple(custom_words)
    a, b = segment(old, words), segment(new, words)
    runs: list[tuple[str, str, str]] = []  # (tag, old text, new text)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        runs.append(("equal" if tag == "equal" else "change", "".join(a[i1:i2]), "".join(b[j1:j2])))
    merged: list[list[str]] = []
    for i, (tag, old_text, new_text) in enumerate(runs):
        between = (tag == "equal" and not old_text.strip() and 0 < i < len(runs) - 1
                   and runs[i - 1][0] == "change" and runs[i + 1][0] == "change")
        if between:
            tag = "change"
        if merged and merged[-1][0] == tag == "change":
            merged[-1][1] += old_text
            merged[-1][2] += new_text
        else:
            merged.append([tag, old_text, new_text])
    ops: list[WordOp] = []
    for tag, old_text, new_text in merged:
        if tag == "equal":
            ops.append(WordOp("equal", old_text))
            continue
        if old_text:
            ops.append(WordOp("delete", old_text))
        if new_text:
            ops.append(WordOp("insert", new_text))
    return tuple(ops)


def _citation_strings(source: str) -> list[str]:
    out = []
    for m in _CITATION.finditer(source):
        locator = " ".join((m.group(2) or "").split())
        out.append(f"{m.group(1)}, {locator}" if locator else m.group(1))
    return out


def _prose(source: str) -> str:
    return collapse(_CITATION.sub(" ", source))


def _multiset_minus(a: list[str], b: list[str]) -> tuple[str, ...]:
    rest = list(b)
    out = []
    for item in a:
        if item in rest:
            rest.remove(item)
        else:
            out.append(item)
    return tuple(out)


# --- sides and places --------------------------------------------------------------------

def _context(text: str, start: int, end: int, size: int = CONTEXT_CHARS) -> tuple[str, str]:
    """Up to ``size`` characters either side, never beginning or ending inside a Thai cluster."""
    a, b = max(0, start - size), min(len(text), end + size)
    while a < start and unicodedata.category(text[a]) == "Mn":
        a += 1
    while b < len(text) and unicodedata.category(text[b]) == "Mn":
        b += 1
    return text[a:start], text[end:b]


def side_of(ann: Annotation, result: AnchorResult | None, texts: Mapping[str, str],
            context: int = CONTEXT_CHARS) -> Side:
    placed = None
    status, detail = ("orphan", "not resolved") if result is None else (result.status, result.detail)
    if result is not None and result.anchor is not None:
        a = result.anchor
        text = texts.get(a.paragraph, "")
        placed = Placed(a.paragraph, a.start, a.end, a.score, a.method, text[a.start:a.end],
                        *_context(text, a.start, a.end, context))
    sel = ann.selector
    return Side(ann.paragraph, sel.exact, sel.prefix, sel.suffix, status, detail, placed)


def _tokens_with_offsets(text: str) -> tuple[list[str], list[int]]:
    tokens = segment(text)
    starts, pos = [], 0
    for t in tokens:
        starts.append(pos)
        pos += len(t)
    return tokens, starts + [pos]


def offset_blocks(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """Character blocks (tag, i1, i2, j1, j2) that map offsets of ``old`` into ``new``: aligned
    word by word, and character by character only inside a short changed run."""
    if old == new:
        return [("equal", 0, len(old), 0, len(new))]
    a, a_at = _tokens_with_offsets(old)
    b, b_at = _tokens_with_offsets(new)
    blocks = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        c1, c2, d1, d2 = a_at[i1], a_at[i2], b_at[j1], b_at[j2]
        if tag != "equal" and 0 < c2 - c1 <= 400 and 0 < d2 - d1 <= 400:
            for t, x1, x2, y1, y2 in SequenceMatcher(None, old[c1:c2], new[d1:d2], autojunk=False).get_opcodes():
                blocks.append((t, c1 + x1, c1 + x2, d1 + y1, d1 + y2))
        else:
            blocks.append((tag, c1, c2, d1, d2))
    return blocks


def map_span(blocks: list[tuple[str, int, int, int, int]], start: int, end: int) -> tuple[int, int]:
    """The image of ``old[start:end]`` in the new text (a changed run maps to its whole width)."""
    def at(offset: int, is_end: bool) -> int:
        for tag, i1, i2, j1, j2 in blocks:
            inside = i1 < offset <= i2 if is_end else i1 <= offset < i2
            if inside:
                if tag == "equal":
                    return j1 + offset - i1
                return j2 if is_end else j1
        return blocks[-1][4] if blocks else 0
    s, e = at(start, False), at(end, True) if end > start else at(start, False)
    return s, max(s, e)


@dataclass
class _Texts:
    """Both revisions' paragraph texts, with offset maps computed once per changed paragraph."""

    old: Mapping[str, str]
    new: Mapping[str, str]
    _blocks: dict[str, list] = field(default_factory=dict)

    def image(self, a: Anchor) -> tuple[int, int] | None:
        """``a`` (an old anchor) mapped into the new text of its paragraph; None if it is gone."""
        if a.paragraph not in self.new:
            return None
        old, new = self.old.get(a.paragraph, ""), self.new[a.paragraph]
        if old == new:
            return a.start, a.end
        if a.paragraph not in self._blocks:
            self._blocks[a.paragraph] = offset_blocks(old, new)
        return map_span(self._blocks[a.paragraph], a.start, a.end)


def _same_place(old: Anchor, new: Anchor, texts: _Texts) -> tuple[bool, bool]:
    """(the new anchor covers the image of the old one, the manuscript changed under the old one)."""
    if old.paragraph != new.paragraph:
        return False, False
    image = texts.image(old)
    if image is None:
        return False, True
    s, e = image
    overlap = max(s, new.start) < min(e, new.end) if e > s else new.start <= s <= new.end
    old_text = texts.old[old.paragraph][old.start:old.end]
    return overlap, normalise(texts.new[old.paragraph][s:e]) != normalise(old_text)


# --- the comparison ----------------------------------------------------------------------

def _entry(ann: Annotation, side: Side) -> Entry:
    return Entry(ann.id, ann.set, ann.type, ann.file, ann.line, collapse(ann.body_source), side)


def _target_key(ann: Annotation) -> tuple[str, str]:
    return ann.paragraph, normalise(ann.selector.exact)


def _context_key(ann: Annotation) -> tuple[str, str]:
    return normalise(ann.selector.prefix), normalise(ann.selector.suffix)


def _classify_target(old_ann: Annotation, new_ann: Annotation, old_r: AnchorResult | None,
                     new_r: AnchorResult | None, texts: _Texts) -> str | None:
    """Which list the target's change belongs to: moved, reanchored, orphaned, selector or None."""
    retargeted = _target_key(old_ann) != _target_key(new_ann)
    edited = retargeted or _context_key(old_ann) != _context_key(new_ann)
    oa = old_r.anchor if old_r else None
    na = new_r.anchor if new_r else None
    if oa is not None and na is not None:
        same, under_changed = _same_place(oa, na, texts)
        if not same:
            return "moved" if edited else "reanchored"
        if old_r.status != new_r.status:
            return "reanchored"  # e.g. fuzzy -> exact: a re-anchoring accepted
        same_text = normalise(texts.old[oa.paragraph][oa.start:oa.end]) == normalise(
            texts.new[na.paragraph][na.start:na.end])
        if same_text:
            return "selector" if edited else None
        if under_changed or not edited:
            return "reanchored"
        return "moved"  # the editor lengthened or shortened the quote
    if oa is not None:
        return "moved" if retargeted else "orphaned"
    if na is not None:
        return "moved" if retargeted else "reanchored"
    if retargeted:
        return "moved"
    return "selector" if edited else None


def _content_changes(old: Annotation, new: Annotation, words: tuple[str, ...]) -> dict:
    details: dict = {}
    old_body, new_body = collapse(old.body_source), collapse(new.body_source)
    old_cites, new_cites = _citation_strings(old_body), _citation_strings(new_body)
    cites_changed = sorted(old_cites) != sorted(new_cites)
    prose_changed = _prose(old_body) != _prose(new_body)
    if not prose_changed and not cites_changed and old_body != new_body:
        prose_changed = True  # a citation moved within the text, or its markup changed
    if prose_changed:
        details["body"] = BodyChange(old_body, new_body, word_diff(old_body, new_body, words))
    if cites_changed:
        details["citations"] = CitationChange(_multiset_minus(new_cites, old_cites),
                                              _multiset_minus(old_cites, new_cites))
    for name in ("type", "resp", "term", "set"):
        a, b = collapse(getattr(old, name)), collapse(getattr(new, name))
        if a != b:
            details[name] = FieldChange(a, b)
    return details


def _old_in_new(old: AnchorResult | None, texts: _Texts, context: int = CONTEXT_CHARS) -> Placed | None:
    if old is None or old.anchor is None:
        return None
    image = texts.image(old.anchor)
    if image is None:
        return None
    s, e = image
    text = texts.new[old.anchor.paragraph]
    return Placed(old.anchor.paragraph, s, e, 0.0, "mapped", text[s:e], *_context(text, s, e, context))


def _passage(side: Side) -> str:
    return side.anchor.text if side.anchor else side.exact


def compare(old: Snapshot, new: Snapshot) -> AnnotationDiff:
    """Everything that differs between two revisions of the annotations, per annotation id."""
    words = tuple(sorted(set(old.custom_words) | set(new.custom_words)))
    texts = _Texts(old.texts, new.texts)
    added, removed, changed, moved, orphaned, reanchored = [], [], [], [], [], []
    for ident in sorted(set(old.annotations) | set(new.annotations)):
        a, b = old.annotations.get(ident), new.annotations.get(ident)
        if a is None:
            added.append(_entry(b, side_of(b, new.anchors.get(ident), new.texts)))
            continue
        if b is None:
            removed.append(_entry(a, side_of(a, old.anchors.get(ident), old.texts)))
            continue
        old_r, new_r = old.anchors.get(ident), new.anchors.get(ident)
        details = _content_changes(a, b, words)
        where = _classify_target(a, b, old_r, new_r, texts)
        old_side, new_side = side_of(a, old_r, old.texts), side_of(b, new_r, new.texts)
        if where == "selector":
            details["selector"] = SelectorChange(old_side, new_side)
        elif where is not None:
            retarget = Retargeted(ident, b.set, b.file, b.line, old_side, new_side,
                                  _target_key(a) != _target_key(b),
                                  word_diff(_passage(old_side), _passage(new_side), words),
                                  _old_in_new(old_r, texts))
            {"moved": moved, "orphaned": orphaned, "reanchored": reanchored}[where].append(retarget)
        if details:
            kinds = tuple(k for k in CHANGE_KINDS if k in details)
            changed.append(Changed(ident, b.set, b.file, b.line, kinds, {k: details[k] for k in kinds}, new_side))
    return AnnotationDiff(old.label, new.label, tuple(added), tuple(removed), tuple(changed), tuple(moved),
                          tuple(orphaned), tuple(reanchored), tuple(metadata_changes(old, new)))


def _bibl_label(entry: BiblEntry) -> str:
    return " ".join(part for part in (entry.author or entry.short, f"({entry.year})" if entry.year else "",
                                      entry.title) if part)


def metadata_changes(old: Snapshot, new: Snapshot) -> list[MetadataChange]:
    out: list[MetadataChange] = []
    for name in sorted(set(old.sets) | set(new.sets)):
        a, b = old.sets.get(name), new.sets.get(name)
        if a is None:
            out.append(MetadataChange(name, "set", "added", None, None, f"{b.title} ({b.file})"))
        elif b is None:
            out.append(MetadataChange(name, "set", "removed", None, f"{a.title} ({a.file})", None))
        else:
            for attr in ("title", "description"):
                x, y = collapse(getattr(a, attr)), collapse(getattr(b, attr))
                if x != y:
                    out.append(MetadataChange(name, "set", "changed", attr, x, y))
    for key in sorted(set(old.bibliography) | set(new.bibliography)):
        a, b = old.bibliography.get(key), new.bibliography.get(key)
        if a is None:
            out.append(MetadataChange(key, "bibliography", "added", None, None, _bibl_label(b)))
        elif b is None:
            out.append(MetadataChange(key, "bibliography", "removed", None, _bibl_label(a), None))
        else:
            for attr in _BIBL_FIELDS:
                x, y = collapse(getattr(a, attr)), collapse(getattr(b, attr))
                if x != y:
                    out.append(MetadataChange(key, "bibliography", "changed", attr, x, y))
    return out
