"""One-time bootstrap: the OCR text file -> a first TEI P5 manuscript.

The OCR is kept as it is. Each OCR block (text between blank lines) becomes a ``p`` whose
``xml:id`` is the block's first line number (``p008``), so ids stay stable when later editing joins
blocks. Hard wraps inside a block become ``<lb break="no"/>``: whether a wrap or a page-break split
needs a space is an editorial decision recorded later in the manuscript, never guessed here.
The chapter's layout is known: the first block is the chapter head, lines repeating the chapter
title are a running head (``fw``), and three lines are section heads.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import regex
from lxml import etree

from .errors import EditionError
from .xmlsafe import TEI_NS, XML_NS

EDITOR = "คณะบรรณาธิการฉบับอธิบายประกอบ"
EDITORIAL_DECLARATIONS = (
    ("correction", "การแก้ไขข้อความ OCR ทุกแห่งบันทึกด้วย choice/sic/corr พร้อม cert บอกระดับความมั่นใจ "
                   "ไม่มีภาพหน้าต้นฉบับ การแก้ไขทั้งหมดจึงเป็นการอนุมานจากภาษาและบริบท"),
    ("normalization", "คงรูปแบบการพิมพ์ของต้นฉบับ เช่น เครื่องหมายคำพูด ต่างๆ/ต่าง ๆ และ ค.ศ.1921/ค.ศ. 1921"),
    ("hyphenation", "การขึ้นบรรทัดใหม่ของ OCR บันทึกด้วย lb (break=no เมื่อต่อกันโดยไม่มีช่องว่าง) "
                    "ย่อหน้าที่ถูกแยกที่รอยต่อหน้าบันทึกด้วย lb type=ocr-block"),
    ("segmentation", "ชื่อเฉพาะที่เข้ารหัสไว้ถือเป็นคำเดียวที่ไม่ตัดบรรทัด"),
)
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_NOTE_CALL = regex.compile(f"[{SUPERSCRIPT_DIGITS}]+")


@dataclass(frozen=True)
class OcrBlock:
    line: int  # 1-based line number of the block's first line
    lines: tuple[str, ...]


def read_blocks(text: str) -> list[OcrBlock]:
    """Split the OCR text into blocks separated by blank lines, keeping line numbers."""
    blocks: list[OcrBlock] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if line == "":
            if current:
                blocks.append(OcrBlock(start, tuple(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(OcrBlock(start, tuple(current)))
    return blocks


def _el(tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.Element(f"{{{TEI_NS}}}{tag}", nsmap={None: TEI_NS})
    for key, value in attrs.items():
        name = f"{{{XML_NS}}}{key[4:]}" if key.startswith("xml_") else key
        el.set(name, value)
    if text is not None:
        el.text = text
    return el


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = _el(tag, text, **attrs)
    parent.append(el)
    return el


def _append_text(el: etree._Element, text: str) -> None:
    if len(el):
        el[-1].tail = (el[-1].tail or "") + text
    else:
        el.text = (el.text or "") + text


def _fill_paragraph(p: etree._Element, lines: tuple[str, ...]) -> None:
    """Put OCR lines into ``p``: wraps as ``lb break="no"``, note calls as ``ref type="author-note"``."""
    for i, line in enumerate(lines):
        if i:
            _sub(p, "lb", **{"break": "no"})
        pos = 0
        for m in _NOTE_CALL.finditer(line):
            _append_text(p, line[pos:m.start()])
            number = m.group().translate(str.maketrans(SUPERSCRIPT_DIGITS, "0123456789"))
            _sub(p, "ref", m.group(), type="author-note", n=number)
            pos = m.end()
        _append_text(p, line[pos:])


MIXED_CONTENT = {"p", "head", "fw", "bibl", "title", "editor", "note", "item", "label", "persName",
                 "placeName", "orgName", "quote", "seg", "resp", "name", "change", "language", "edition", "authority", "idno", "date",
                 "author", "publisher", "ref"}


def indent_structure(el: etree._Element, level: int = 0) -> None:
    """Indent element-only content; never touch mixed content, where whitespace is text."""
    if etree.QName(el).localname in MIXED_CONTENT or (el.text and el.text.strip()):
        return
    if len(el) == 0:
        return
    pad = "\n" + " " * (level + 1)
    el.text = pad
    for child in el:
        indent_structure(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + " " * level


def ingest(ocr_path: Path, out_path: Path, section_heads: tuple[str, ...]) -> None:
    """Write the first TEI manuscript for the OCR file; refuse to overwrite an edited one."""
    if out_path.exists():
        raise EditionError.at(out_path, None, "the manuscript exists already; ingest is a one-time bootstrap",
                              "edit the manuscript by hand, or move it away to ingest again")
    raw = ocr_path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EditionError.at(ocr_path, raw[: exc.start].count(b"\n") + 1, "not UTF-8 text",
                              "convert the OCR file to UTF-8") from exc
    blocks = read_blocks(text)
    if not blocks:
        raise EditionError.at(ocr_path, None, "no text in the OCR file")
    tei = _build_tei(blocks, section_heads, ocr_path, hashlib.sha256(raw).hexdigest())
    out_path.parent.mkdir(parents=True, exist_ok=True)
    indent_structure(tei)
    data = etree.tostring(tei, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    tmp = out_path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(out_path)


def _build_tei(blocks: list[OcrBlock], section_heads: tuple[str, ...], ocr_path: Path,
               digest: str) -> etree._Element:
    head_block, rest = blocks[0], blocks[1:]
    chapter_title = " ".join(head_block.lines)
    tei = _el("TEI", xml_lang="th")
    header = _sub(tei, "teiHeader")
    file_desc = _sub(header, "fileDesc")
    title_stmt = _sub(file_desc, "titleStmt")
    _sub(title_stmt, "title", chapter_title, type="main")
    _sub(title_stmt, "title", "ฉบับตรวจชำระและอธิบายประกอบ", type="sub")
    _sub(title_stmt, "editor", EDITOR, xml_id="ed")
    edition_stmt = _sub(file_desc, "editionStmt")
    _sub(edition_stmt, "edition", "ฉบับร่างเพื่องานบรรณาธิการ", n="0.1")
    pub = _sub(file_desc, "publicationStmt")
    _sub(pub, "authority", EDITOR)
    _sub(pub, "idno", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'ocr-sha256:' + digest)}", type="URN")
    _sub(pub, "date", date.today().isoformat(), when=date.today().isoformat())
    availability = _sub(pub, "availability", status="restricted")
    _sub(availability, "p", "ยังไม่ได้รับอนุญาตจากผู้ถือลิขสิทธิ์ต้นฉบับ ฉบับนี้ใช้เพื่องานบรรณาธิการเท่านั้นจนกว่าจะได้รับอนุญาต")
    source = _sub(file_desc, "sourceDesc")
    bibl = _sub(source, "bibl")
    bibl.append(etree.Comment(" author, title, publisher and date are not in the OCR file: an editor fills them "))
    _sub(bibl, "author")
    _sub(bibl, "title", level="m")
    _sub(bibl, "publisher")
    _sub(bibl, "date")
    _sub(bibl, "note", "บทที่ 3 ของหนังสือประวัติศาสตร์สหภาพโซเวียตภาษาไทย ไม่ทราบผู้แต่ง ชื่อหนังสือ สำนักพิมพ์ "
                       "และปีพิมพ์ ต้นฉบับที่ใช้คือข้อความ OCR", type="description")
    _sub(bibl, "ref", ocr_path.name, target=f"source/{ocr_path.name}")
    _sub(bibl, "note", f"sha256 {digest}", type="checksum")
    encoding = _sub(header, "encodingDesc")
    decl = _sub(encoding, "editorialDecl")
    for tag, text in EDITORIAL_DECLARATIONS:
        _sub(_sub(decl, tag), "p", text)
    profile = _sub(header, "profileDesc")
    lang_usage = _sub(profile, "langUsage")
    for ident, name in (("th", "ไทย"), ("en", "อังกฤษ"), ("ru", "รัสเซีย")):
        _sub(lang_usage, "language", name, ident=ident)
    revisions = _sub(header, "revisionDesc", status="draft")
    _sub(revisions, "change", "สร้างจากข้อความ OCR ด้วย build.py ingest", when=date.today().isoformat(), who="#ed")
    text_el = _sub(tei, "text")
    body = _sub(text_el, "body")
    chapter = _sub(body, "div", type="chapter", n="3", xml_id="ch3")
    head = _sub(chapter, "head")
    for i, line in enumerate(head_block.lines):
        if i:
            _sub(head, "lb")
        _sub(head, "seg", line, type="number" if i == 0 and len(head_block.lines) > 1 else "title")
    container = chapter
    section_no = 0
    for block in rest:
        joined = " ".join(block.lines)
        if len(block.lines) == 1 and joined in section_heads:
            section_no += 1
            container = _sub(chapter, "div", type="section", xml_id=f"s{section_no}")
            _sub(container, "head", joined)
        elif len(block.lines) == 1 and joined.replace(" ", "") == chapter_title.replace(" ", ""):
            _sub(container, "fw", joined, type="header")
        else:
            p = _sub(container, "p", xml_id=f"p{block.line:03d}")
            _fill_paragraph(p, block.lines)
    return tei
