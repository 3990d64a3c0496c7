"""What each OCR block is: the document's head, a running head, a page number, a section head or a
paragraph. Rules a reader of the page would use, written for Thai and for languages with
capitals and full stops alike; an editor overrides the section heads with ``--head``.

- The first block is the document's head. A multi-line head whose first line is a label
  ("บทที่ 4", "Chapter IV", "7") keeps it apart, and its number becomes the chapter's ``n``.
- A one-line block that repeats the head (spacing and case aside, a page number at either end
  allowed) is a running head; a one-line block of digits only is a page number.
- A section head is a one-line block between two paragraphs (running heads and page numbers
  aside; the document's head counts as the block before the first) that is short (80
  characters at most, not counting combining marks such as Thai vowels and tone marks), has a
  letter, does not begin with a small letter (the rest of a paragraph split at a page break) and
  does not end in a sentence's or clause's punctuation. Thai prose has no full stops, so for Thai
  it is the length that tells: a Thai paragraph of one line runs to a hundred characters and more.
  Two such blocks in a row are left as paragraphs: the rule cannot tell which is the head.
- Given heads (``--head``) replace the rule: a block whose text is a given head (spacing aside)
  is a section head, and nothing else is.
"""

from __future__ import annotations

import re
import unicodedata

from ..langtag import primary
from .ocr import OcrBlock

HEAD = "head"
RUNNING_HEAD = "running-head"
PAGE_NUMBER = "page-number"
SECTION = "section"
PARAGRAPH = "p"

HEAD_MAX_CHARS = 80
# sentence- and clause-final punctuation of the scripts the builder has met, and a hyphen (a word
# broken at the line end)
_FINAL = ".!?…:;,。．！？｡،؛؟۔।॥።፧-‐"
_CLOSING = " \"'”’»›)]}」』"
_NUMBER = re.compile(r"\d+")
_ROMAN = r"(?=[MDCLXVI])M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_LABEL_NUMBER = re.compile(rf"(\d+)[.:]?$|(?:^|(?<=\s))({_ROMAN}|{_ROMAN.lower()})[.:]?$")
# words that open a label line ("Chapter", "บทที่"), per language; numbers are labels in any language
LABEL_WORDS = {"en": ("chapter", "part", "book", "section", "act", "canto", "volume", "appendix"),
               "th": ("บทที่", "บท", "ภาคที่", "ภาค", "ตอนที่", "ตอน", "เล่ม", "ภาคผนวก")}


def classify(blocks: tuple[OcrBlock, ...], given_heads: tuple[str, ...] = ()) -> list[str]:
    """One kind per block, in order (see the module's docstring)."""
    head_key = _key(blocks[0].joined)
    kinds = [HEAD]
    for block in blocks[1:]:
        if len(block.lines) == 1 and _is_running_head(block.joined, head_key):
            kinds.append(RUNNING_HEAD)
        elif len(block.lines) == 1 and _NUMBER.fullmatch(block.joined):
            kinds.append(PAGE_NUMBER)
        else:
            kinds.append(PARAGRAPH)
    if given_heads:
        wanted = {" ".join(h.split()) for h in given_heads}
        return [HEAD if i == 0 else SECTION if b.joined in wanted else k
                for i, (b, k) in enumerate(zip(blocks, kinds, strict=True))]
    candidates = {i for i, (b, k) in enumerate(zip(blocks, kinds, strict=True))
                  if k == PARAGRAPH and len(b.lines) == 1 and looks_like_head(b.joined)}
    text = [i for i, k in enumerate(kinds) if k in (HEAD, PARAGRAPH)]  # running heads and page numbers aside
    for place, i in enumerate(text):
        if i not in candidates or place == 0 or place + 1 == len(text):
            continue
        before, after = text[place - 1], text[place + 1]
        if before not in candidates and after not in candidates:
            kinds[i] = SECTION
    return kinds


def looks_like_head(text: str) -> bool:
    """Short, with a letter, not opening with a small letter, not ending as a sentence does."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters or letters[0].islower():
        return False
    if sum(1 for ch in text if not unicodedata.category(ch).startswith("M")) > HEAD_MAX_CHARS:
        return False
    end = text.rstrip(_CLOSING)
    return bool(end) and end[-1] not in _FINAL


def label_number(line: str, lang: str) -> str | None:
    """The number of a label line ("7" for "บทที่ 7", "IV" for "Chapter IV"), "" for a label without
    one ("Chapter One"), None when the line is not a label."""
    if len(line) > 30 or len(line.split()) > 4:
        return None
    m = _LABEL_NUMBER.search(line.strip())
    if m:
        number = m.group(1) or m.group(2)
        return str(int(number)) if number.isdecimal() else number
    words = LABEL_WORDS.get(primary(lang), LABEL_WORDS["en"])
    first = line.split()[0].casefold() if line.split() else ""
    return "" if any(first == w or (first.startswith(w) and not first[len(w)].isalpha()) for w in words) else None


def _key(text: str) -> str:
    return "".join(text.split()).casefold()


def _is_running_head(text: str, head_key: str) -> bool:
    """The head again, perhaps with a page number before or after it."""
    if _key(text) == head_key:
        return True
    words = text.split()
    return len(words) > 1 and head_key in (_key(" ".join(words[1:])) if _NUMBER.fullmatch(words[0]) else "",
                                           _key(" ".join(words[:-1])) if _NUMBER.fullmatch(words[-1]) else "")
