"""Ingest: any OCR text file -> a first TEI P5 manuscript (`build.py ingest OCR.txt --into FILE.xml
--lang LANG`), once: it refuses to overwrite a manuscript, which editors then correct by hand.

The OCR is kept as it is. Each OCR block (text between blank lines) becomes one element: the first
is the document's head, then come running heads and page numbers (``fw``), section heads (a
``div`` each) and paragraphs, by the rules of :mod:`.layout` or by the heads an editor gives. A
paragraph's ``xml:id`` is ``p`` + the line its block starts on (``p008``): stable when later
editing joins blocks, and a pointer into the OCR file. Line ends inside a block become ``lb``:
``lb break="no"`` (joined with nothing) in a language written without spaces, such as Thai; an
``lb ed="ocr"`` (a break of the OCR's lines, not of the edition's: read as a space) in a language
written with spaces, or ``lb break="no"`` after a hyphen, which stays in the text. Where a space really belongs is an editor's decision recorded later;
ingest corrects nothing. Superscript digits are the author's note calls (``ref type="author-note"``).
The manuscript gives the OCR back (``readers.tei.source_reading``), see :mod:`.ocr` for the frame.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import quote

import regex
from lxml import etree

from ..errors import EditionError, Problem
from ..files import ascii_slug
from ..langtag import HINT, is_language_tag, writes_spaces
from .header import HeaderFacts, tei_header
from .layout import HEAD, PAGE_NUMBER, PARAGRAPH, RUNNING_HEAD, SECTION, classify, label_number
from .markup import append_text, element, serialise, sub
from .ocr import OcrBlock, OcrText, read_blocks, read_ocr

__all__ = ["Ingested", "OcrBlock", "ingest", "read_blocks", "read_ocr"]

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_NOTE_CALL = regex.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_HYPHENS = "-‐\u00ad¬"


@dataclass(frozen=True)
class Ingested:
    """What ingest wrote, for the command to report."""

    path: Path
    paragraphs: int
    section_heads: tuple[str, ...]
    heads_given: bool
    running_heads: int
    page_numbers: int
    normalised: tuple[str, ...]  # how the OCR's frame differs from the one the manuscript gives back


def ingest(ocr_path: Path, out_path: Path, lang: str | None, heads: tuple[str, ...] = (),
           title: str | None = None, editor: str | None = None) -> Ingested:
    """Write the first TEI manuscript for the OCR file; refuse to overwrite any file."""
    if not lang:
        raise EditionError.at(ocr_path, None, "no language given (--lang)",
                              f"give the language of the OCR text as {HINT}")
    if not is_language_tag(lang):
        raise EditionError.at(ocr_path, None, f"--lang {lang!r} is not a BCP 47 language tag", f"give {HINT}")
    if out_path.exists() or out_path.is_symlink():
        raise EditionError.at(out_path, None, "exists already; ingest writes a first manuscript only, once "
                              "(a one-time bootstrap)", "edit that manuscript by hand, or give another --into "
                              "(move the file away to ingest again)")
    ocr = read_ocr(ocr_path)
    kinds = classify(ocr.blocks, heads)
    if heads:
        found = {b.joined for b, k in zip(ocr.blocks, kinds, strict=True) if k == SECTION}
        missing = [h for h in heads if " ".join(h.split()) not in found]
        if missing:
            raise EditionError([Problem(str(ocr_path), None, f"--head {h!r}: no block of the OCR reads so",
                                        "give each head as the OCR prints it, a block of its own between blank "
                                        "lines (spacing may differ)") for h in missing])
    tei = element("TEI", xml_lang=lang)
    tei_header(tei, HeaderFacts(
        lang=lang, title=title or ocr.blocks[0].joined, editor=editor, ocr_name=ocr_path.name,
        ocr_target=_relative_uri(ocr_path, out_path), digest=ocr.digest,
        urn=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'ocr-sha256:' + ocr.digest)}", date=_today(),
        spaced=writes_spaces(lang)))
    _text(tei, ocr, kinds, lang, _chapter_id(out_path.stem))
    _write_new(out_path, serialise(tei))
    return Ingested(out_path, kinds.count(PARAGRAPH),
                    tuple(b.joined for b, k in zip(ocr.blocks, kinds, strict=True) if k == SECTION), bool(heads),
                    kinds.count(RUNNING_HEAD), kinds.count(PAGE_NUMBER), ocr.normalised)


def _text(tei: etree._Element, ocr: OcrText, kinds: list[str], lang: str, chapter_id: str) -> None:
    spaced = writes_spaces(lang)
    chapter = sub(sub(sub(tei, "text"), "body"), "div", type="chapter")
    head_block = ocr.blocks[0]
    number = label_number(head_block.lines[0], lang) if len(head_block.lines) > 1 else None
    if number:
        chapter.set("n", number)
    chapter.set("{http://www.w3.org/XML/1998/namespace}id", chapter_id)
    head = sub(chapter, "head")
    for i, line in enumerate(head_block.lines):
        if i:
            sub(head, "lb")
        sub(head, "seg", line, type="number" if i == 0 and number is not None else "title")
    container = chapter
    sections = 0
    for block, kind in zip(ocr.blocks, kinds, strict=True):
        if kind == HEAD:
            continue
        if kind == SECTION:
            sections += 1
            container = sub(chapter, "div", type="section", xml_id=f"s{sections}")
            _fill(sub(container, "head"), block.lines, lambda line: {})
        elif kind in (RUNNING_HEAD, PAGE_NUMBER):
            sub(container, "fw", block.lines[0], type="header" if kind == RUNNING_HEAD else "pageNum")
        else:
            _fill(sub(container, "p", xml_id=f"p{block.line:03d}"), block.lines,
                  lambda line: {"break": "no"} if not spaced or line.rstrip().endswith(tuple(_HYPHENS))
                  else {"ed": "ocr"})  # the OCR's wrap: a word boundary, not a line of the edition


def _fill(el: etree._Element, lines: tuple[str, ...], wrap) -> None:
    """Put OCR lines into ``el``: each line end an ``lb`` with the attributes ``wrap(line)`` gives
    for the line it ends; superscript digits as ``ref type="author-note"``."""
    for i, line in enumerate(lines):
        if i:
            sub(el, "lb", **wrap(lines[i - 1]))
        pos = 0
        for m in _NOTE_CALL.finditer(line):
            append_text(el, line[pos:m.start()])
            number = m.group().translate(str.maketrans(SUPERSCRIPT_DIGITS, "0123456789"))
            sub(el, "ref", m.group(), type="author-note", n=number)
            pos = m.end()
        append_text(el, line[pos:])


def _chapter_id(stem: str) -> str:
    """An xml:id from the manuscript's file name: ASCII letters, digits and hyphens, opening with a letter."""
    slug = ascii_slug(stem)
    return slug if slug[:1].isalpha() else f"ch-{slug}" if slug else "ch"


def _relative_uri(ocr_path: Path, out_path: Path) -> str:
    """The OCR file as seen from the manuscript's folder, as a URI reference."""
    rel = os.path.relpath(ocr_path.resolve(), out_path.resolve().parent)
    return quote(Path(rel).as_posix())


def _today() -> str:
    """The date the manuscript was made: SOURCE_DATE_EPOCH's, for reproducible files, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC).date().isoformat()
    return date.today().isoformat()


def _write_new(path: Path, data: bytes) -> None:
    """Write ``path`` whole, only if no file is there: a hard link from a finished temporary file
    cannot replace one, even one made a moment ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        try:
            os.link(tmp, path)
        except FileExistsError as exc:
            raise EditionError.at(path, None, "exists already; ingest writes a first manuscript only",
                                  "give another --into") from exc
        except OSError:  # a file system without hard links
            if path.exists():
                raise EditionError.at(path, None, "exists already; ingest writes a first manuscript only",
                                      "give another --into") from None
            tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
