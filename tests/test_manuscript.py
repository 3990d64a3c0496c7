"""The corrected manuscript: provenance provable, valid TEI, every correction recorded, lint clean."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from edition.ingest import ingest
from edition.lint import lint_chapter
from edition.readers.tei import read_manuscript, source_reading
from edition.thai import check_characters
from edition.validate import relaxng_problems, tei_all_path
from tests.support import ROOT, copy_project, run_build

MANUSCRIPT = ROOT / "manuscript" / "chapter-03.xml"
OCR = ROOT / "manuscript" / "source" / "chapter-03.ocr.txt"
SHARED_OCR = ROOT.parent / "shared" / "source" / "chapter-03.ocr.txt"
TEI = "{http://www.tei-c.org/ns/1.0}"


@pytest.fixture(scope="module")
def manuscript():
    from edition.processing import load_model

    return read_manuscript(MANUSCRIPT, load_model(ROOT))


def test_the_project_keeps_a_byte_exact_copy_of_the_ocr():
    if not SHARED_OCR.exists():
        pytest.skip("../shared is not beside this checkout")
    assert OCR.read_bytes() == SHARED_OCR.read_bytes()


def test_reading_every_sic_reproduces_the_ocr_exactly(manuscript):
    # wraps and page-break joins are lb elements, so even they round-trip
    assert source_reading(manuscript.tree) == OCR.read_text(encoding="utf-8")


def test_the_manuscript_is_valid_tei_all_and_valid_against_the_edition_schema(manuscript):
    assert relaxng_problems(tei_all_path(), MANUSCRIPT, manuscript.tree) == []
    assert relaxng_problems(MANUSCRIPT.parents[0] / "schema" / "edition.rng", MANUSCRIPT, manuscript.tree) == []


def test_every_correction_has_an_id_a_responsibility_and_a_certainty(manuscript):
    choices = manuscript.tree.getroot().findall(f".//{TEI}body//{TEI}choice")
    assert len(choices) == len(manuscript.corrections) > 150
    assert len({c.id for c in manuscript.corrections}) == len(manuscript.corrections)
    for c in manuscript.corrections:
        assert c.cert in ("high", "medium", "low") and c.resp == "#ed"
        assert c.original != c.reading


def test_the_corrected_reading_has_no_foreign_letters_and_no_invalid_thai(manuscript):
    findings = [f for f in lint_chapter(manuscript.chapters[0], unknown_words=False)]
    assert findings == []


def test_the_ocr_reading_does_have_the_errors_the_lint_looks_for(manuscript):
    sics = "".join(c.original for c in manuscript.corrections)
    kinds = {f.kind for f in check_characters(sics)}
    assert "foreign-script" in kinds


@pytest.mark.parametrize("text,kind,fragment", [
    ("ทดสอบمคำ", "foreign-script", "Arabic"),
    ("สภามন্ত্রী", "foreign-script", "Bengali"),
    ("เเละ", "invalid-sequence", "เเ"),
    ("น้ํา", "invalid-sequence", "ํา"),
    ("ก่่า", "invalid-sequence", "two tone marks"),
    ("ก่ีา", "invalid-sequence", "tone mark typed before"),
    (" ่ก", "invalid-sequence", "no consonant"),
])
def test_the_lint_flags_each_kind_of_ocr_damage(text, kind, fragment):
    found = check_characters(text)
    assert any(f.kind == kind and fragment in f.message for f in found), found


def test_the_lint_passes_clean_thai():
    assert check_characters("น้ำ แม่ ที่ ค.ศ. 1921 ต่าง ๆ (New Economic Policy)") == []


def test_names_are_encoded_and_point_into_the_header(manuscript):
    root = manuscript.tree.getroot()
    ids = {p.get("{http://www.w3.org/XML/1998/namespace}id") for p in root.iter(f"{TEI}person")}
    required = {"lenin", "stalin", "trotsky", "bukharin", "zinoviev", "kamenev", "rykov", "tomsky",
                "lunacharsky", "zamyatin", "mayakovsky", "blok", "pilnyak", "eisenstein", "vertov",
                "kuleshov", "pudovkin"}
    assert required <= ids
    refs = {n.get("ref")[1:] for n in root.find(f"{TEI}text").iter(f"{TEI}persName")}
    assert required <= refs and refs <= ids


def test_every_paragraph_has_a_stable_id_from_its_ocr_line(manuscript):
    ocr_lines = OCR.read_text(encoding="utf-8").split("\n")
    for section in manuscript.chapters[0].sections:
        for p in section.paragraphs:
            assert re.fullmatch(r"p\d{3}", p.id)
            n = int(p.id[1:])
            assert ocr_lines[n - 1] and ocr_lines[n - 2] == ""  # the first line of an OCR block


def test_corrections_command_lists_every_correction(manuscript):
    result = run_build(ROOT, "corrections", "--format", "tsv")
    assert result.returncode == 0, result.stderr
    rows = result.stdout.strip().split("\n")
    assert rows[0] == "id\tparagraph\tsic\tcorr\tcert"
    assert len(rows) - 1 == len(manuscript.corrections)
    first = manuscript.corrections[0]
    assert f"{first.id}\t{first.paragraph}\t{first.original}\t{first.reading}\t{first.cert}" in rows


def test_ingest_is_a_one_time_bootstrap_that_round_trips(tmp_path):
    heads = ("นโยบายเศรษฐกิจใหม่", "โครงสร้างทางการเมืองและการต่อสู้เพื่อสืบอำนาจต่อจากเลนิน", "วัฒนธรรม")
    for given in (heads, ()):  # the heads given, and the same heads found by rule
        out = tmp_path / f"ms-{len(given)}.xml"
        ingest(OCR, out, "th", given)
        tree = etree.parse(str(out))
        assert source_reading(tree) == OCR.read_text(encoding="utf-8")
        divs = tree.getroot().findall(f".//{TEI}div[@type='section']")
        assert tuple(d.find(f"{TEI}head").text for d in divs) == heads
    root = copy_project(tmp_path / "p")
    before = (root / "manuscript" / "chapter-03.xml").read_bytes()
    result = run_build(root, "ingest", str(OCR), "--into", str(root / "manuscript" / "chapter-03.xml"), "--lang", "th")
    assert result.returncode == 1 and "one-time bootstrap" in result.stderr
    assert (root / "manuscript" / "chapter-03.xml").read_bytes() == before


def test_the_pdf_has_the_corrections_appendix(built, manuscript):
    from tests.support import pdftotext

    text = pdftotext(built.pdf)
    assert "ภาคผนวก: การแก้ไขต้นฉบับ" in text
    ids = set(re.findall(r"\bc\d{3}\b", text))
    assert {c.id for c in manuscript.corrections} <= ids
