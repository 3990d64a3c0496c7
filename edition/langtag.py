"""Language tags: is a string a well-formed BCP 47 tag (RFC 5646, section 2.1), and what does the
edition take from one. Used wherever a user names a language: `ingest --lang`, `new --lang` and
book.yaml's ``language``.

Well-formed, and with a primary language subtag of two or three letters (ISO 639): RFC 5646 also
allows four to eight letters there, but the IANA registry has no such subtag, and ``english`` is
the mistake people make. The registry itself is not shipped with the builder, so ``xq`` passes
while ``english``, ``th_TH`` and ``en-`` do not.
"""

from __future__ import annotations

import re

_ALNUM = "[a-z0-9]"
_LANGTAG = re.compile(
    r"[a-z]{2,3}(?:-[a-z]{3}){0,3}"  # language, with up to three extlangs
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALNUM}{{5,8}}|[0-9]{_ALNUM}{{3}}))*"  # variants
    rf"(?:-[0-9a-wyz](?:-{_ALNUM}{{2,8}})+)*"  # extensions
    rf"(?:-x(?:-{_ALNUM}{{1,8}})+)?"  # private use
)
_PRIVATE = re.compile(rf"x(?:-{_ALNUM}{{1,8}})+")
# the irregular grandfathered tags of RFC 5646 (the regular ones are well-formed anyway)
_GRANDFATHERED = {"en-gb-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak", "i-klingon", "i-lux",
                  "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay", "i-tsu", "sgn-be-fr", "sgn-be-nl", "sgn-ch-de"}
# languages written without spaces between words: a line end inside a paragraph joins two lines
# with nothing (Thai, Lao, Khmer, Burmese, Tibetan, Dzongkha, Chinese, Japanese)
_WITHOUT_SPACES = {"th", "lo", "km", "my", "bo", "dz", "zh", "ja"}

HINT = "a BCP 47 language tag, e.g. th, en, de-CH, sr-Latn"


def is_language_tag(tag: str) -> bool:
    """True when ``tag`` is a well-formed BCP 47 language tag (case does not matter)."""
    low = tag.lower()
    return bool(_LANGTAG.fullmatch(low) or _PRIVATE.fullmatch(low)) or low in _GRANDFATHERED


def primary(tag: str | None) -> str:
    """The primary language subtag, lower case: ``th`` for ``th-TH``; "" for none."""
    return (tag or "").split("-")[0].lower()


def is_thai(tag: str | None) -> bool:
    """Whether a language tag names Thai (``th``, ``th-TH``): the segmentation, the justifier and
    the Thai lint apply to its text."""
    return primary(tag) == "th"


def writes_spaces(tag: str) -> bool:
    """Whether the language puts spaces between words (English yes, Thai no)."""
    return primary(tag) not in _WITHOUT_SPACES


# ISO 639-2 and 639-3 codes that BCP 47 writes with two letters (TEI headers often use them)
_TWO_LETTER = {"eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "rus": "ru", "tha": "th",
               "lat": "la", "ita": "it", "spa": "es", "nld": "nl", "dut": "nl", "por": "pt", "pol": "pl",
               "ces": "cs", "cze": "cs", "ukr": "uk", "ell": "el", "gre": "el", "swe": "sv", "dan": "da",
               "nor": "no", "fin": "fi", "hun": "hu", "heb": "he", "ara": "ar", "zho": "zh", "chi": "zh",
               "jpn": "ja", "kor": "ko", "tur": "tr", "ben": "bn", "hin": "hi", "san": "sa", "pli": "pi",
               "cym": "cy", "wel": "cy", "gle": "ga", "isl": "is", "ice": "is", "ron": "ro", "rum": "ro"}


def bcp47(tag: str) -> str:
    """A language tag as BCP 47 writes it (``eng`` -> ``en``, ``eng-GB`` -> ``en-GB``)."""
    first, sep, rest = tag.strip().partition("-")
    return _TWO_LETTER.get(first.lower(), first) + sep + rest
