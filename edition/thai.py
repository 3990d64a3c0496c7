"""Thai text handling, in one place: normalisation, the OCR lint's character checks, word
segmentation and line-break opportunities shared by every writer.

PyThaiNLP is imported lazily: a no-change rebuild must not pay for loading its dictionary.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import regex

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
# Signs written above or below a consonant that a tone mark must follow, not precede.
ABOVE_BELOW_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"
COMBINING = TONE_MARKS + ABOVE_BELOW_VOWELS + "\u0e4c\u0e4d\u0e4e"
THAI_CONSONANTS = "".join(chr(c) for c in range(0x0E01, 0x0E2F))
LEADING_VOWELS = "เแโใไ"
NO_BREAK_BEFORE = "ๆฯ" + ")]}”’»,.;:!?%"
NO_BREAK_AFTER = "([{“‘«"

_TONE_BEFORE_VOWEL = regex.compile(f"([{TONE_MARKS}])([{ABOVE_BELOW_VOWELS}])")


def normalise(text: str) -> str:
    """Fold the spellings that look identical when rendered, so quotes and lint agree.

    NFC alone does not unify these: ํา and ำ, เเ and แ, a tone mark typed before its vowel, and
    zero-width characters.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate({ord(c): None for c in ZERO_WIDTH})
    text = text.replace("\u0e4d\u0e32", "\u0e33").replace("เเ", "แ")
    return _TONE_BEFORE_VOWEL.sub(r"\2\1", text)


def thai_number(n: int) -> str:
    """Write ``n`` in Thai digits (the editor's note series: ๑ ๒ ๓ …)."""
    return "".join(THAI_DIGITS[int(d)] for d in str(n))


# --- character checks for the OCR lint -----------------------------------------------------

@dataclass(frozen=True)
class CharFinding:
    offset: int
    kind: str  # "foreign-script" | "invalid-sequence"
    text: str
    message: str


_ALLOWED_SCRIPTS = {"Thai", "Latin", "Common", "Inherited"}
_INVALID_SEQUENCES: Sequence[tuple[regex.Pattern[str], str]] = (
    (regex.compile("เเ"), "เเ (two sara e) written for แ"),
    (regex.compile("\u0e4d\u0e32"), "ํา (nikhahit + sara aa) written for ำ"),
    (regex.compile(f"[{TONE_MARKS}][{TONE_MARKS}]"), "two tone marks on one consonant"),
    (regex.compile(f"[{TONE_MARKS}][{ABOVE_BELOW_VOWELS}]"), "tone mark typed before its vowel sign"),
    (regex.compile(f"[{ABOVE_BELOW_VOWELS}][{ABOVE_BELOW_VOWELS}]"), "two vowel signs on one consonant"),
    (regex.compile(f"(?:^|(?<=[^{THAI_CONSONANTS}{COMBINING}]))[{COMBINING}\u0e33]"),
     "vowel sign or tone mark with no consonant to sit on"),
    (regex.compile(f"[{LEADING_VOWELS}](?=[^{THAI_CONSONANTS}เ]|$)"), "leading vowel with no consonant after it"),
)


def check_characters(text: str) -> list[CharFinding]:
    """Findings for letters of other scripts and invalid Thai sequences, with offsets."""
    findings: list[CharFinding] = []
    for i, ch in enumerate(text):
        script = _script_of(ch)
        if script not in _ALLOWED_SCRIPTS:
            findings.append(CharFinding(i, "foreign-script", ch,
                                        f"{script} letter {ch!r} (U+{ord(ch):04X}) inside Thai text"))
    for pattern, message in _INVALID_SEQUENCES:
        for m in pattern.finditer(text):
            findings.append(CharFinding(m.start(), "invalid-sequence", m.group(), message))
    findings.sort(key=lambda f: f.offset)
    return findings


def _script_of(ch: str) -> str:
    for script in ("Thai", "Latin", "Common", "Inherited", "Arabic", "Bengali", "Cyrillic",
                   "Devanagari", "Greek", "Han", "Lao", "Khmer", "Myanmar"):
        if regex.match(rf"\p{{Script={script}}}", ch):
            return script
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0].title()


# --- segmentation and break opportunities -------------------------------------------------

# Runs that must never break inside: numbers (1,200 / 1920-21), era abbreviations with their year,
# abbreviations with dots, and Latin words.
_UNBREAKABLE = regex.compile(
    r"(?:ค\.ศ\.|พ\.ศ\.)\s?\d[\d,.\-–]*"
    r"|\d[\d,.\-–]*\d|\d"
    r"|(?:\p{Thai}\.){2,}"
    r"|[A-Za-z][A-Za-z'’.\-]*"
)


LIBTHAI_WORDS = Path(__file__).parent / "data" / "libthai-words.txt"


@lru_cache(maxsize=1)
def dictionaries() -> tuple[frozenset[str], frozenset[str]]:
    """The segmentation's two dictionaries: libthai's line-breaking words and PyThaiNLP's."""
    from pythainlp.corpus.common import thai_words

    libthai = {w for w in LIBTHAI_WORDS.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")}
    return frozenset(libthai), frozenset(thai_words())


@lru_cache(maxsize=8)
def _tokenizer(custom_words: tuple[str, ...]):
    from pythainlp.tokenize import Tokenizer

    return Tokenizer(custom_dict=dictionaries()[1] | set(custom_words), engine="newmm", keep_whitespace=True)


@lru_cache(maxsize=65536)
def _parts(word: str) -> tuple[str, ...]:
    """A PyThaiNLP word split where libthai's line-breaking dictionary splits it.

    PyThaiNLP's dictionary holds many compounds (ประสบผลสำเร็จ, ความช่วยเหลือ, ชาวนาชาวไร่) that
    maximal matching keeps whole, leaving a line one break every 2.4 em; Thai typesetting breaks
    between their parts, as libthai (GTK, Pango, LibreOffice) does. A word libthai knows whole
    (อุตสาหกรรม) or cannot spell out with its own words stays one word. Among the spellings, the
    fewest parts win, then the most parts PyThaiNLP also knows, then the longest first part."""
    libthai, pythainlp = dictionaries()
    if len(word) < 4 or word in libthai or not all("\u0e00" <= ch <= "\u0e7f" for ch in word):
        return (word,)
    n = len(word)
    best: list[tuple | None] = [None] * (n + 1)
    best[n] = (0, 0, ())
    for i in range(n - 1, -1, -1):
        for j in range(n, i + 1, -1):  # parts of two characters or more
            part = word[i:j]
            if part in libthai and best[j] is not None:
                count, unknown, rest = best[j]
                key = (count + 1, unknown + (part not in pythainlp), (part, *rest))
                if best[i] is None or key[:2] < best[i][:2]:
                    best[i] = key
    return best[0][2] if best[0] is not None else (word,)


def segment(text: str, custom_words: Iterable[str] = ()) -> list[str]:
    """Words of ``text`` by dictionary segmentation (PyThaiNLP newmm, its compounds split where
    libthai's dictionary splits them, see :func:`_parts`); spaces are kept as tokens. A custom
    word (an encoded name, the word list) is never split."""
    if not text:
        return []
    return list(_segment(text, tuple(sorted(set(custom_words)))))


@lru_cache(maxsize=4096)
def _segment(text: str, custom: tuple[str, ...]) -> tuple[str, ...]:
    # memoized: a build segments each paragraph for every layout it makes (and the EPUB)
    words: list[str] = []
    for token in _tokenizer(custom).word_tokenize(text):
        words.extend((token,) if token in custom else _parts(token))
    return tuple(words)


def break_opportunities(text: str, protected: Iterable[tuple[int, int]] = (),
                        custom_words: Iterable[str] = ()) -> list[int]:
    """Offsets in ``text`` where a line may break: Thai word boundaries and phrase spaces.

    Never inside a protected span (an encoded name), a number, "ค.ศ. 1921" or an abbreviation;
    never before ๆ, ฯ or closing punctuation, never after opening punctuation. Offset ``i`` means
    a break between ``text[i-1]`` and ``text[i]``.
    """
    blocked = [False] * (len(text) + 1)
    for start, end in protected:
        for i in range(start + 1, end):
            blocked[i] = True
    for m in _UNBREAKABLE.finditer(text):
        for i in range(m.start() + 1, m.end()):
            blocked[i] = True
    offsets: list[int] = []
    pos = 0
    for token in segment(text, custom_words):
        pos += len(token)
        if 0 < pos < len(text):
            offsets.append(pos)
    result = []
    for i in offsets:
        before, after = text[i - 1], text[i]
        if blocked[i] or after in NO_BREAK_BEFORE or before in NO_BREAK_AFTER:
            continue
        if after in " " or before == " " and (i + 1 < len(text) and text[i] in "ๆฯ"):
            continue  # break after a space, not before it; and never before " ๆ"
        if not (is_thai_char(before) or is_thai_char(after) or before == " "):
            continue  # Latin text breaks at its own spaces
        result.append(i)
    return result


def is_thai_char(ch: str) -> bool:
    """Whether ``ch`` is in the Thai block (letters, vowels, marks, digits)."""
    return "\u0e00" <= ch <= "\u0e7f"


def has_thai(text: str) -> bool:
    """Whether ``text`` holds any Thai character."""
    return any(is_thai_char(ch) for ch in text)


@lru_cache(maxsize=1024)
def normalise_with_map(text: str) -> tuple[str, tuple[int, ...]]:
    """:func:`normalise` plus, for each output character, its offset in ``text``.

    The map lets a quote found in normalised text be placed back in the manuscript's text. NFC is
    applied first and assumed not to change lengths (the lint reports text that is not NFC).
    Kept for the paragraphs last asked for: every annotation anchored in a paragraph asks again.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    where: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        nxt = text[i + 1] if i + 1 < n else ""
        if ch in ZERO_WIDTH:
            i += 1
        elif ch == "\u0e4d" and nxt == "\u0e32":
            out.append("\u0e33")
            where.append(i)
            i += 2
        elif ch == "เ" and nxt == "เ":
            out.append("แ")
            where.append(i)
            i += 2
        elif ch in TONE_MARKS and nxt and nxt in ABOVE_BELOW_VOWELS:
            out.extend((nxt, ch))
            where.extend((i + 1, i))
            i += 2
        else:
            out.append(ch)
            where.append(i)
            i += 1
    where.append(n)  # the end maps to the end
    return "".join(out), tuple(where)


def thai_sorted(items, key=lambda x: x):
    """Sort in Thai dictionary order (PyThaiNLP's collation), not by code point."""
    from pythainlp.util import collate

    items = list(items)
    keys = [key(i) for i in items]
    rank = {k: n for n, k in enumerate(collate(dict.fromkeys(keys)))}
    return sorted(items, key=lambda i: rank[key(i)])


_NO_BREAK_RUN = regex.compile(_UNBREAKABLE.pattern + r"|\s[ๆฯ]")


def unbreakable_runs(text: str) -> list[tuple[int, int]]:
    """Runs a line must not break inside: numbers, "ค.ศ. 1921", dotted abbreviations, Latin words
    and a space before ๆ or ฯ. Writers keep them together without adding characters."""
    return [(m.start(), m.end()) for m in _NO_BREAK_RUN.finditer(text)
            if m.end() - m.start() > 1 and (" " in m.group() or not m.group().isalpha() or "." in m.group())]


def line_breaks_for(text: str, protected: Iterable[tuple[int, int]], custom_words: Iterable[str]) -> list[int]:
    """Break opportunities for a paragraph: :func:`break_opportunities` minus the positions next
    to a space (a space is a break opportunity by itself in every renderer)."""
    return [i for i in break_opportunities(text, protected, custom_words)
            if text[i - 1] != " " and text[i] != " "]
