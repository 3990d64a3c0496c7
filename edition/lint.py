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


def lint_chapter(chapter: Chapter, custom_words: Iterable[str] = (), unknown_words: bool = True) -> list[LintFinding]:
    words = tuple(custom_words)
    known = None
    if unknown_words:
        from pythainlp.corpus.common import thai_words
        known = set(thai_words()) | set(words)
    findings: list[LintFinding] = []
    for section in chapter.sections:
        for p in section.paragraphs:
            text = reading_text(p.inlines)
            if unicodedata.normalize("NFC", text) != text:
                findings.append(LintFinding(p.id, 0, "not-nfc", "", "text is not in Unicode NFC", p.line))
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
