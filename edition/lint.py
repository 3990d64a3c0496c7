"""The Thai OCR lint: characters of other scripts, invalid Thai sequences, unknown words.

Runs on the edition's reading text (corrections applied), per paragraph, with offsets. Unknown
words are reported for the proofreader only; the first two kinds fail ``check`` once the header
says proofreading is complete.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import regex

from .errors import Problem
from .inlines import reading_text
from .langtag import is_thai
from .model import Chapter
from .thai import check_characters, segment

_THAI_WORD = regex.compile(r"^[\u0e01-\u0e4e]+$")


@dataclass(frozen=True)
class LintFinding:
    paragraph: str
    offset: int
    kind: str  # foreign-script | invalid-sequence | not-nfc | unknown-word
    text: str
    message: str
    line: int


def known_words(custom_words: Iterable[str]) -> set[str]:
    """Every word the segmentation knows: its two dictionaries and the edition's word list."""
    from .thai import dictionaries

    libthai, pythainlp = dictionaries()
    return set(libthai) | set(pythainlp) | set(custom_words)


def unknown_note_words(edition) -> list[tuple[str, int, str, str]]:
    """(file, line, annotation id, word) for each word of a note body the dictionaries lack: a
    transliteration there may break across lines until it goes into the word list."""
    from .writers.webanno import _plain

    known = known_words(edition.custom_words)
    found = []
    for note in edition.notes:
        ann = note.annotation
        for token in dict.fromkeys(segment(_plain(edition, ann.body), edition.custom_words)):
            if _THAI_WORD.match(token) and token not in known and len(token) > 1:
                found.append((ann.file, ann.line, ann.id, token))
    return found


def lint_chapter(chapter: Chapter, custom_words: Iterable[str] = (), unknown_words: bool = True,
                 language: str = "th") -> list[LintFinding]:
    """The lint's findings in a chapter: Unicode NFC everywhere; in Thai text, the OCR's character
    slips and (``unknown_words``) words the dictionary does not know."""
    words = tuple(custom_words)
    thai = is_thai(chapter.lang or language)
    known = None
    if unknown_words and thai:
        known = known_words(words)
    findings: list[LintFinding] = []
    for section in chapter.sections:
        for p in section.paragraphs:
            text = reading_text(p.inlines)
            if unicodedata.normalize("NFC", text) != text:
                findings.append(LintFinding(p.id, 0, "not-nfc", "", "text is not in Unicode NFC", p.line))
            if not thai and not is_thai(p.lang):
                continue
            for f in check_characters(text):
                findings.append(LintFinding(p.id, f.offset, f.kind, f.text, f.message, p.line))
            if known is not None:
                pos = 0
                for token in segment(text, words):
                    if _THAI_WORD.match(token) and token not in known and len(token) > 1:
                        findings.append(LintFinding(p.id, pos, "unknown-word", token,
                                                    f"word not in the dictionary: {token}", p.line))
                    pos += len(token)
    return findings


def findings_as_problems(findings: list[LintFinding], file: str, proofread: bool) -> list[Problem]:
    out = []
    for f in findings:
        severe = f.kind in ("foreign-script", "invalid-sequence", "not-nfc")
        severity = "error" if severe and proofread else "warning"
        if f.kind == "unknown-word":
            continue  # reported by `build.py lint`, never by check
        out.append(Problem(file, f.line, f"{f.paragraph}@{f.offset}: {f.message}",
                           "correct it with <choice><sic/><corr/></choice>", severity))
    return out
