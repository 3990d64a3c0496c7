"""The teiHeader of an ingested manuscript, in the language of the text where the builder has its
phrases (Thai, English) and in English otherwise (the header then carries ``xml:lang="en"``).

The header says only what ingest knows: the source is an OCR file (named, with its sha256), its
author, title, publisher and date are unknown (the elements are there, empty, for an editor), the
rights are not cleared, and how the OCR was encoded.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..langtag import primary
from .markup import sub

PHRASES = {
    "th": {
        "subtitle": "ฉบับตรวจชำระและอธิบายประกอบ",
        "editor": "คณะบรรณาธิการฉบับอธิบายประกอบ",
        "edition": "ฉบับร่างเพื่องานบรรณาธิการ",
        "availability": "ยังไม่ได้รับอนุญาตจากผู้ถือลิขสิทธิ์ต้นฉบับ ฉบับนี้ใช้เพื่องานบรรณาธิการเท่านั้นจนกว่าจะได้รับอนุญาต",
        "description": "ไม่ทราบผู้แต่ง ชื่อเรื่อง สำนักพิมพ์ และปีพิมพ์ของต้นฉบับ เพราะแฟ้ม OCR ไม่ได้ระบุไว้ "
                       "ต้นฉบับที่ใช้คือข้อความ OCR ในแฟ้ม {file}",
        "change": "สร้างจากข้อความ OCR ในแฟ้ม {file} ด้วย build.py ingest",
        "correction": "การแก้ไขข้อความ OCR ทุกแห่งบันทึกด้วย choice/sic/corr พร้อม resp และ cert "
                      "บอกผู้แก้และระดับความมั่นใจ ขั้นนำเข้าไม่ได้แก้ไขข้อความใด",
        "normalization": "คงข้อความ OCR ไว้ทุกตัวอักษร รวมทั้งรูปแบบการพิมพ์ของต้นฉบับ บรรทัดว่างเป็นเพียงตัวแบ่งช่วงข้อความ",
        "hyphenation-joined": "การขึ้นบรรทัดใหม่ของ OCR ภายในย่อหน้าบันทึกด้วย lb break=no (ต่อกันโดยไม่มีช่องว่าง) "
                              "จุดที่ต้องมีช่องว่างเป็นการตัดสินของบรรณาธิการภายหลัง",
        "hyphenation-spaced": "การขึ้นบรรทัดใหม่ของ OCR ภายในย่อหน้าบันทึกด้วย lb ed=\"ocr\" (อ่านเป็นช่องว่าง) "
                              "หรือ lb break=no เมื่อบรรทัดจบด้วยยัติภังค์ซึ่งคงไว้ในข้อความ "
                              "ยัติภังค์ใดเป็นของคำจริงเป็นการตัดสินของบรรณาธิการภายหลัง",
        "segmentation": "ชื่อเฉพาะที่เข้ารหัสไว้ถือเป็นคำเดียวที่ไม่ตัดบรรทัด",
        "languages": {"th": "ไทย", "en": "อังกฤษ", "fr": "ฝรั่งเศส", "de": "เยอรมัน", "ru": "รัสเซีย", "zh": "จีน",
                      "ja": "ญี่ปุ่น", "lo": "ลาว", "km": "เขมร", "my": "พม่า", "ms": "มลายู", "vi": "เวียดนาม"},
    },
    "en": {
        "subtitle": "A corrected and annotated edition",
        "editor": "The editors of the annotated edition",
        "edition": "Draft for editorial work",
        "availability": "No permission of the holder of the rights in the source is recorded: this edition is for "
                        "editorial use only until there is one.",
        "description": "The author, title, publisher and date of the source are unknown: the OCR file does not "
                       "give them. The source used is the OCR text in the file {file}.",
        "change": "Made from the OCR text in the file {file} by build.py ingest",
        "correction": "Every correction of the OCR text is recorded as choice/sic/corr, with resp and cert saying who "
                      "made it and how sure they are. Ingest corrected nothing.",
        "normalization": "The OCR text is kept character for character, the source's typography included; blank "
                         "lines only separate its blocks.",
        "hyphenation-joined": "A line end inside a paragraph of the OCR is lb break=\"no\" (joined without a "
                              "space); where a space belongs is decided by an editor later.",
        "hyphenation-spaced": "A line end inside a paragraph of the OCR is lb ed=\"ocr\" (read as a space), or lb "
                              "break=\"no\" after a hyphen, which is kept in the text; which hyphens belong to "
                              "the word is decided by an editor later.",
        "segmentation": "An encoded name is one word for line breaking, never broken across lines.",
        "languages": {"th": "Thai", "en": "English", "fr": "French", "de": "German", "ru": "Russian",
                      "zh": "Chinese", "ja": "Japanese", "lo": "Lao", "km": "Khmer", "my": "Burmese", "ms": "Malay",
                      "vi": "Vietnamese", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
                      "la": "Latin", "el": "Greek", "pl": "Polish", "cs": "Czech", "uk": "Ukrainian"},
    },
}


INGEST_APPLICATION = "edition-builder-ingest"


def header_language(lang: str) -> str:
    """The language the header is written in: the text's, where the builder has its phrases."""
    return primary(lang) if primary(lang) in PHRASES else "en"


@dataclass(frozen=True)
class HeaderFacts:
    """What ingest knows for the header."""

    lang: str  # the text's language (BCP 47)
    title: str
    editor: str | None  # None: the phrase for "the editors"
    ocr_name: str
    ocr_target: str  # the OCR file relative to the manuscript, as a URI reference
    digest: str
    urn: str
    date: str  # ISO date
    spaced: bool  # the text's language writes spaces between words


def tei_header(tei: etree._Element, facts: HeaderFacts) -> None:
    """Append the teiHeader to ``tei``."""
    lang = header_language(facts.lang)
    say = PHRASES[lang]
    header = sub(tei, "teiHeader")
    if lang != primary(facts.lang):
        header.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
    editor = facts.editor or say["editor"]
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", facts.title, type="main")
    sub(title_stmt, "title", say["subtitle"], type="sub")
    sub(title_stmt, "editor", editor, xml_id="ed")
    sub(sub(file_desc, "editionStmt"), "edition", say["edition"], n="0.1")
    pub = sub(file_desc, "publicationStmt")
    sub(pub, "authority", editor)
    sub(pub, "idno", facts.urn, type="URN")
    sub(pub, "date", facts.date, when=facts.date)
    sub(sub(pub, "availability", status="restricted"), "p", say["availability"])
    bibl = sub(sub(file_desc, "sourceDesc"), "bibl")
    bibl.append(etree.Comment(" author, title, publisher and date are not in the OCR file: an editor fills them "))
    sub(bibl, "author")
    sub(bibl, "title", level="m")
    sub(bibl, "publisher")
    sub(bibl, "date")
    sub(bibl, "note", say["description"].format(file=facts.ocr_name), type="description")
    sub(bibl, "ref", facts.ocr_name, target=facts.ocr_target)
    sub(bibl, "note", f"sha256 {facts.digest}", type="checksum")
    encoding = sub(header, "encodingDesc")
    # the software that made the document (TEI appInfo): `new` knows an OCR's page furniture by it
    application = sub(sub(encoding, "appInfo"), "application", ident=INGEST_APPLICATION, version="1")
    sub(application, "label", "build.py ingest")
    decl = sub(encoding, "editorialDecl")
    declarations = [("correction", "correction"), ("normalization", "normalization"),
                    ("hyphenation", "hyphenation-spaced" if facts.spaced else "hyphenation-joined")]
    if not facts.spaced:  # where line breaking needs a dictionary, a name is one of its words
        declarations.append(("segmentation", "segmentation"))
    for tag, key in declarations:
        sub(sub(decl, tag), "p", say[key])
    usage = sub(sub(header, "profileDesc"), "langUsage")
    sub(usage, "language", say["languages"].get(primary(facts.lang), ""), ident=facts.lang)
    revisions = sub(header, "revisionDesc", status="draft")
    sub(revisions, "change", say["change"].format(file=facts.ocr_name), when=facts.date, who="#ed")
