"""`build.py ingest OCR.txt --into FILE.xml --lang LANG`: any OCR text becomes a first TEI
manuscript, its heads found by rule or given, the OCR given back by the manuscript, and bad input
refused with the file, the line and what to do, writing nothing."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from edition.cli import main
from edition.ingest import read_ocr
from edition.ingest.layout import looks_like_head
from edition.readers.tei import read_manuscript, source_reading
from edition.validate import relaxng_problems, tei_all_path
from tests.support import OCR_FIXTURES, ROOT, run_build

THAI = OCR_FIXTURES / "thai.ocr.txt"
ENGLISH = OCR_FIXTURES / "english.ocr.txt"
TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def ingest(tmp_path, ocr, *args, capsys, name="ms.xml"):
    """Run `build.py ingest` in this process; the written tree and what the command printed."""
    out = tmp_path / name
    code = main(["ingest", str(ocr), "--into", str(out), *args])
    printed = capsys.readouterr().err
    assert code == 0, printed
    return etree.parse(str(out)), printed


def texts(tree, xpath):
    return ["".join(el.itertext()) for el in tree.getroot().iterfind(xpath)]


def test_a_thai_ocr_gets_its_head_running_heads_sections_and_paragraphs_by_rule(tmp_path, capsys):
    tree, printed = ingest(tmp_path, THAI, "--lang", "th", capsys=capsys)
    root = tree.getroot()
    assert root.get(XML_LANG) == "th" and root.find(f"{TEI}teiHeader").get(XML_LANG) is None
    chapter = root.find(f".//{TEI}body/{TEI}div")
    assert (chapter.get("type"), chapter.get("n"), chapter.get(XML_ID)) == ("chapter", "1", "ms")
    assert texts(tree, f".//{TEI}body/{TEI}div/{TEI}head/{TEI}seg[@type='number']") == ["บทที่ 1"]
    assert texts(tree, f".//{TEI}body/{TEI}div/{TEI}head/{TEI}seg[@type='title']") == ["การทำนาในภาคกลาง"]
    assert texts(tree, f".//{TEI}fw[@type='header']") == ["บทที่ 1 การทำนาในภาคกลาง"] * 2
    assert texts(tree, f".//{TEI}div[@type='section']/{TEI}head") == ["การเตรียมดิน", "การเก็บเกี่ยว"]
    assert "section head: การเตรียมดิน" in printed and "found by rule" in printed
    # paragraph ids are p + the OCR line their block starts on
    lines = THAI.read_text(encoding="utf-8").split("\n")
    ids = [p.get(XML_ID) for p in root.iter(f"{TEI}p") if p.get(XML_ID)]
    assert ids == ["p008", "p010", "p015", "p019", "p023", "p025"]
    assert all(lines[int(i[1:]) - 1] and not lines[int(i[1:]) - 2] for i in ids)
    # Thai is written without spaces: a wrap joins with nothing; superscripts are the author's calls
    assert [lb.get("break") for lb in root.iterfind(f".//{TEI}p/{TEI}lb")] == ["no"]
    assert [(r.get("type"), r.get("n"), r.text) for r in root.iter(f"{TEI}ref") if r.get("type")] == [
        ("author-note", "1", "¹"), ("author-note", "2", "²")]
    # in the chapter-3 frame (two blank lines first, none at the end) the round trip is exact
    assert source_reading(tree) == THAI.read_text(encoding="utf-8")
    assert "note:" not in printed


def test_an_english_ocr_gets_spaces_at_its_wraps_page_numbers_and_an_english_header(tmp_path, capsys):
    tree, printed = ingest(tmp_path, ENGLISH, "--lang", "en", capsys=capsys)
    root = tree.getroot()
    assert root.get(XML_LANG) == "en"
    assert root.find(f".//{TEI}body/{TEI}div").get("n") == "2"
    assert texts(tree, f".//{TEI}div[@type='section']/{TEI}head") == ["The Boatmen", "Markets and Towns"]
    assert texts(tree, f".//{TEI}fw[@type='header']") == ["Chapter 2 The River Trade"]
    assert texts(tree, f".//{TEI}fw[@type='pageNum']") == ["14"]
    # a wrap is a space, except after a hyphen, which stays in the text
    p014 = root.find(f".//{TEI}p[@{XML_ID}='p014']")
    assert [(lb.get("break"), lb.get("ed")) for lb in p014.iter(f"{TEI}lb")] == [(None, "ocr"), ("no", None)]
    assert "the cur-" in "".join(p014.itertext())
    ms = read_manuscript(tmp_path / "ms.xml")
    # the edition reads the OCR's wraps as spaces, not as lines of its own
    from edition.inlines import reading_text
    from edition.model import LineBreak, leaves

    leaf = next(p for c in ms.chapters for p in leaves(c.sections) if p.id == "p014")
    assert not any(isinstance(n, LineBreak) for n in leaf.inlines)
    assert "as children, and could read" in reading_text(leaf.inlines)
    assert ms.metadata.language == "en" and ms.metadata.title == "Chapter 2 The River Trade"
    assert "unknown" in ms.metadata.source_description and "english.ocr.txt" in ms.metadata.source_description
    assert "English" in texts(tree, f".//{TEI}langUsage/{TEI}language")
    # a file as people write them (first line used, a final newline, two blank lines once): every
    # line comes back, the blank lines in the manuscript's frame, and ingest says so
    text = ENGLISH.read_text(encoding="utf-8")
    assert source_reading(tree) == read_ocr(ENGLISH).framed == "\n\n" + re.sub(r"\n{3,}", "\n\n", text.strip("\n"))
    assert "note: the manuscript gives back every line" in printed and "one between blocks" in printed


def test_other_languages_get_an_english_header_and_their_own_language(tmp_path, capsys):
    tree, _ = ingest(tmp_path, ENGLISH, "--lang", "de-CH", "--title", "Der Flusshandel", "--editor", "A. Muster",
                     capsys=capsys)
    root = tree.getroot()
    assert root.get(XML_LANG) == "de-CH" and root.find(f"{TEI}teiHeader").get(XML_LANG) == "en"
    assert texts(tree, f".//{TEI}titleStmt/{TEI}title[@type='main']") == ["Der Flusshandel"]
    assert texts(tree, f".//{TEI}titleStmt/{TEI}editor") == ["A. Muster"]
    assert [lang.get("ident") for lang in root.iter(f"{TEI}language")] == ["de-CH"]


def test_given_heads_replace_the_rule(tmp_path, capsys):
    tree, printed = ingest(tmp_path, ENGLISH, "--lang", "en", "--head", "Markets  and Towns", "--head",
                           "Chapter 2 The River Trade", capsys=capsys)
    assert texts(tree, f".//{TEI}div[@type='section']/{TEI}head") == ["Chapter 2 The River Trade",
                                                                         "Markets and Towns"]
    assert not texts(tree, f".//{TEI}fw[@type='header']")  # a given head wins over the running head
    assert "The Boatmen" in texts(tree, f".//{TEI}p")  # the rule's head is a paragraph now
    assert "found by rule" not in printed


def test_the_rule_for_section_heads():
    assert looks_like_head("การเตรียมดิน") and looks_like_head("Markets and Towns")
    assert looks_like_head("โครงสร้างทางการเมืองและการต่อสู้เพื่อสืบอำนาจต่อจากเลนิน")  # 56 letters, 8 marks
    assert not looks_like_head("It was over.")  # a sentence
    assert not looks_like_head("“So it ends,”")  # punctuation inside closing quotes
    assert not looks_like_head("rent, and the rest of the river")  # the rest of a paragraph broken at a page
    assert not looks_like_head("* * *") and not looks_like_head("14")
    assert not looks_like_head("ก" * 81)


def test_two_short_blocks_in_a_row_are_not_guessed(tmp_path, capsys):
    ocr = tmp_path / "list.txt"
    long = "A paragraph long enough to be a paragraph, with a full stop at its end and more words."
    ocr.write_text(f"Title\n\n{long}\n\nFirst Item\n\nSecond Item\n\n{long}\n\nA Real Head\n\n{long}\n",
                   encoding="utf-8")
    tree, _ = ingest(tmp_path, ocr, "--lang", "en", capsys=capsys)
    assert texts(tree, f".//{TEI}div[@type='section']/{TEI}head") == ["A Real Head"]


def test_byte_order_mark_cr_lf_tabs_and_form_feeds_are_read_and_reported(tmp_path, capsys):
    ocr = tmp_path / "windows.txt"
    ocr.write_bytes("\ufeffHead\r\n\r\nOne\tline of text that goes on for a while, and on.\r\n\f\r\n   \r\n"
                    "Two lines of text\r\nthat end here.\r\n".encode())
    tree, printed = ingest(tmp_path, ocr, "--lang", "en", capsys=capsys)
    assert source_reading(tree) == "\n\nHead\n\nOne line of text that goes on for a while, and on.\n\n" \
                                   "Two lines of text\nthat end here."
    for said in ("no byte-order mark", "CR LF", "form feeds", "tabs", "lines of spaces"):
        assert said in printed, printed


def test_ingested_manuscripts_are_valid_tei_all_and_thai_is_valid_for_the_edition_schema(tmp_path, capsys):
    for ocr, lang in ((THAI, "th"), (ENGLISH, "en")):
        tree, _ = ingest(tmp_path, ocr, "--lang", lang, capsys=capsys, name=f"{lang}.xml")
        assert relaxng_problems(tei_all_path(), tmp_path / f"{lang}.xml", tree) == []
    th = etree.parse(str(tmp_path / "th.xml"))
    assert relaxng_problems(ROOT / "manuscript" / "schema" / "edition.rng", tmp_path / "th.xml", th) == []


def test_no_chapter_3_name_text_or_number_is_left_in_the_ingest_code():
    code = "".join(p.read_text(encoding="utf-8") for p in [*(ROOT / "edition" / "ingest").glob("*.py"),
                                                           ROOT / "edition" / "cli.py"])
    for chapter_3 in ("chapter-03", "ch3", "บทที่ 3", "นโยบายเศรษฐกิจใหม่", "วัฒนธรรม", "สหภาพโซเวียต", "เลนิน",
                      "ค.ศ.", 'n="3"', "chapter 3", "SECTION_HEADS"):
        assert chapter_3 not in code, chapter_3


# --- bad input: a message with file and line, exit 1, no traceback, nothing written -----------------

def bad_ocr(tmp_path, kind):
    ocr = tmp_path / "ocr.txt"
    if kind == "not UTF-8":
        ocr.write_bytes("หัวเรื่อง\n\nบรรทัด\n".encode() + "ภาษาไทย".encode("tis-620") + b"\n")
    elif kind == "empty":
        ocr.write_bytes(b"")
    elif kind == "blank":
        ocr.write_text("\n   \n\n", encoding="utf-8")
    elif kind == "control":
        ocr.write_text("Head\n\nText\x07 with a bell\n", encoding="utf-8")
    else:
        ocr.write_text("Head\n\nText.\n", encoding="utf-8")
    return ocr


@pytest.mark.parametrize("kind,args,expect", [
    ("not UTF-8", ("--lang", "th"), r"ocr\.txt:4: error: not UTF-8 text: byte 0x.. at byte 1 .*\(convert .*iconv"),
    ("empty", ("--lang", "th"), r"ocr\.txt:1: error: nothing to ingest: the file is empty \(give the OCR text"),
    ("blank", ("--lang", "en"), r"ocr\.txt:1: error: nothing to ingest: the file has only blank lines"),
    ("control", ("--lang", "en"), r"ocr\.txt:3: error: control character U\+0007 at column 5 \(.*delete it"),
    ("fine", (), r"ocr\.txt: error: no language given \(--lang\) \(give the language .* e\.g\. th, en"),
    ("fine", ("--lang", "english"), r"ocr\.txt: error: --lang 'english' is not a BCP 47 language tag"),
    ("fine", ("--lang", "th_TH"), r"ocr\.txt: error: --lang 'th_TH' is not a BCP 47 language tag"),
    ("fine", ("--lang", "en", "--head", "Nowhere"), r"ocr\.txt: error: --head 'Nowhere': no block of the OCR"),
])
def test_bad_ingest_input_is_refused_with_file_and_line_and_nothing_written(tmp_path, kind, args, expect):
    ocr = bad_ocr(tmp_path, kind)
    out = tmp_path / "new" / "ms.xml"
    result = run_build(ROOT, "ingest", str(ocr), "--into", str(out), *args)
    assert result.returncode == 1, result.stderr
    assert re.search(expect, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.rglob("*")) == ["ocr.txt"]


def test_ingest_never_overwrites_a_manuscript(tmp_path):
    ocr = bad_ocr(tmp_path, "fine")
    out = tmp_path / "ms.xml"
    out.write_text("an edited manuscript", encoding="utf-8")
    result = run_build(ROOT, "ingest", str(ocr), "--into", str(out), "--lang", "en")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"ms\.xml: error: exists already; .*one-time bootstrap", result.stderr), result.stderr
    assert out.read_text(encoding="utf-8") == "an edited manuscript"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ms.xml", "ocr.txt"]


def test_a_missing_ocr_file_or_into_is_an_error_not_a_traceback(tmp_path):
    result = run_build(ROOT, "ingest", str(tmp_path / "none.txt"), "--into", str(tmp_path / "x.xml"), "--lang", "en")
    assert result.returncode == 1 and "none.txt: error: cannot read the OCR file" in result.stderr
    result = run_build(ROOT, "ingest", str(bad_ocr(tmp_path, "fine")), "--lang", "en")
    assert result.returncode == 1 and "ocr.txt: error: no manuscript to write (--into)" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.xml").exists()
