"""`build.py new DIR --manuscript FILE.xml`: an edition folder from a TEI manuscript (book.yaml from
its teiHeader, an empty bibliography, the default styles) that `build.py --root DIR` builds at once;
book.yaml's own title, author and language are the edition's."""

from __future__ import annotations

import filecmp
import re

import pytest
from lxml import etree

from edition.cli import main
from edition.config import load_book
from edition.errors import EditionError
from edition.readers.annotations import read_annotation_dir
from edition.resolve import load
from tests.support import OCR_FIXTURES, ROOT, pdftotext, run_build, zip_files

THAI = OCR_FIXTURES / "thai.ocr.txt"
ENGLISH = OCR_FIXTURES / "english.ocr.txt"
TEI_NS = "http://www.tei-c.org/ns/1.0"


def ingest_and_new(tmp_path, ocr, lang, capsys=None):
    """An OCR fixture ingested, then made an edition folder; the folder and what `new` printed."""
    manuscript, folder = tmp_path / f"{ocr.name.split('.')[0]}.xml", tmp_path / "edition"
    assert main(["ingest", str(ocr), "--into", str(manuscript), "--lang", lang]) == 0
    assert main(["new", str(folder), "--manuscript", str(manuscript)]) == 0
    return folder, capsys.readouterr().err if capsys else ""


def tei(header: str = "", text_attrs: str = "", root_attrs: str = "") -> str:
    return (f'<TEI xmlns="{TEI_NS}"{root_attrs}><teiHeader><fileDesc><titleStmt>{header}</titleStmt>'
            f'<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc></teiHeader>'
            f'<text{text_attrs}><body><p>x</p></body></text></TEI>')


def test_new_makes_an_edition_folder_from_an_ingested_manuscript(tmp_path, capsys):
    folder, printed = ingest_and_new(tmp_path, THAI, "th", capsys)
    book = load_book(folder)
    assert book.name == "thai" and book.chapters == (folder / "manuscript" / "thai.xml",)
    assert (book.title, book.author, book.language) == ("บทที่ 1 การทำนาในภาคกลาง", "", "th")
    assert book.front == ("title-page", "imprint", "contents")
    assert book.back == ("notes", "glossary", "names", "bibliography", "corrections", "index")
    assert (folder / "manuscript" / "thai.xml").read_bytes() == (tmp_path / "thai.xml").read_bytes()
    # annotations: an empty bibliography that its schema accepts, and nothing else
    assert [p.name for p in (folder / "annotations").iterdir()] == ["bibliography.yaml"]
    sets = read_annotation_dir(folder / "annotations")
    assert sets.problems == [] and sets.bibliography == {} and sets.annotations == []
    # styles: the builder's defaults, file for file
    styles = [p.relative_to(ROOT / "styles") for p in sorted((ROOT / "styles").rglob("*")) if p.is_file()]
    assert styles and [p.relative_to(folder / "styles") for p in sorted((folder / "styles").rglob("*"))
                       if p.is_file()] == styles
    assert all(filecmp.cmp(ROOT / "styles" / p, folder / "styles" / p, shallow=False) for p in styles)
    assert sorted(p.name for p in folder.iterdir()) == ["annotations", "book.yaml", "manuscript", "processing.yaml",
                                                        "styles"]
    # made by ingest (its appInfo says so): the OCR's running heads and page numbers are not printed
    from edition.processing import load_model

    fw = etree.fromstring('<fw xmlns="http://www.tei-c.org/ns/1.0" type="header">x</fw>')
    assert load_model(folder).rule(fw).behaviour == "omit"
    assert load_model(None).rule(fw).behaviour != "omit"  # a manuscript from elsewhere keeps its forme work
    assert f"next: python build.py --root {folder}" in printed
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_book_yaml_takes_title_authors_and_language_from_the_tei_header(tmp_path, capsys):
    ms = tmp_path / "Ein Brief (1799).xml"
    ms.write_text(tei('<title>Briefe</title><title type="main">Ein  Brief\n an <hi>Herder</hi></title>'
                      "<author>Goethe, Johann Wolfgang</author><author>Schiller, Friedrich</author>",
                      text_attrs=' xml:lang="de"'), encoding="utf-8")
    assert main(["new", str(tmp_path / "ed"), "--manuscript", str(ms), "--lang", "en"]) == 0
    book = load_book(tmp_path / "ed")
    assert book.name == "ein-brief-1799"
    assert book.title == "Ein Brief an Herder"
    assert book.author == "Goethe, Johann Wolfgang; Schiller, Friedrich"
    assert book.language == "de"  # text/@xml:lang comes before --lang
    assert "--lang en is not used" in capsys.readouterr().err


@pytest.mark.parametrize("attrs,expect", [
    ({"root_attrs": ' xml:lang="th"', "text_attrs": ' xml:lang="en"'}, "th"),  # TEI's own first
    ({"header": "<title>T</title>"}, "ru"),  # --lang when the document does not say
])
def test_the_language_comes_from_tei_then_text_then_lang_usage_then_the_option(tmp_path, attrs, expect):
    ms = tmp_path / "ms.xml"
    ms.write_text(tei(**attrs), encoding="utf-8")
    assert main(["new", str(tmp_path / "ed"), "--manuscript", str(ms), "--lang", "ru"]) == 0
    assert load_book(tmp_path / "ed").language == expect


def test_lang_usage_gives_the_language_when_no_xml_lang_does(tmp_path):
    ms = tmp_path / "ms.xml"
    ms.write_text(tei("<title>T</title>").replace(
        "</fileDesc>", '</fileDesc><profileDesc><langUsage><language ident="lo">Lao</language>'
                       '<language ident="th">Thai</language></langUsage></profileDesc>'), encoding="utf-8")
    assert main(["new", str(tmp_path / "ed"), "--manuscript", str(ms)]) == 0
    assert load_book(tmp_path / "ed").language == "lo"


def test_new_on_the_chapter_3_manuscript(tmp_path):
    assert main(["new", str(tmp_path / "ed"), "--manuscript", str(ROOT / "manuscript" / "chapter-03.xml")]) == 0
    book = load_book(tmp_path / "ed")
    assert (book.name, book.title, book.language) == ("chapter-03", "บทที่ 3 นโยบายเศรษฐกิจใหม่", "th")


def test_book_yaml_title_author_and_language_are_the_editions(tmp_path):
    folder, _ = ingest_and_new(tmp_path, THAI, "th")
    book_yaml = folder / "book.yaml"
    text = book_yaml.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^title: .*$", 'title: "การทำนา"', text).replace("# author: (not in the teiHeader)",
                                                                        "author: [สมชาย ใจดี, สมหญิง ใจงาม]")
    book_yaml.write_text(text, encoding="utf-8")
    _, _, resolution = load(folder)
    metadata = resolution.edition.metadata
    assert (metadata.title, metadata.author, metadata.language) == ("การทำนา", "สมชาย ใจดี; สมหญิง ใจงาม", "th")


@pytest.mark.parametrize("value,message", [
    ("language: english", "language: 'english' is not a BCP 47 language tag"),
    ("language: th_TH", "language: 'th_TH' is not a BCP 47 language tag"),
    ("title: {a: b}", "title: must be a text"),
])
def test_a_bad_title_or_language_in_book_yaml_is_an_error_at_its_line(tmp_path, value, message):
    folder, _ = ingest_and_new(tmp_path, THAI, "th")
    book_yaml = folder / "book.yaml"
    lines = [line for line in book_yaml.read_text(encoding="utf-8").split("\n")
             if not line.startswith(value.split(":")[0] + ":")]
    lines.insert(5, value)
    book_yaml.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(EditionError) as info:
        load_book(folder)
    [problem] = info.value.problems
    assert problem.line == 6 and problem.message == message and problem.file.endswith("book.yaml")


# --- bad input: a message with file and line, exit 1, no traceback, nothing written -----------------

@pytest.mark.parametrize("content,args,expect", [
    ("<TEI xmlns='http://www.tei-c.org/ns/1.0'>\n<teiHeader>\n</TEI>", (),
     r"ms\.xml:3: error: malformed XML: .*\(fix the markup at that line\)"),
    ("<?xml version='1.0'?>\n<TEI>\n<text/></TEI>", (),
     r"ms\.xml:2: error: not a TEI P5 document: its root is <TEI> in no namespace \(an edition is made of one TEI"),
    ("\n<html xmlns='http://www.w3.org/1999/xhtml'/>", (),
     r"ms\.xml:2: error: not a TEI P5 document: its root is <html> in the namespace http://www.w3.org/1999/xhtml"),
    (tei("<title>T</title>"), (), r"ms\.xml:1: error: the document does not say its language .*\(give it with "
                                  r"--lang, a BCP 47 language tag"),
    (tei("<title>T</title>", root_attrs=' xml:lang="thai language"'), (),
     r"ms\.xml:1: error: TEI/@xml:lang 'thai language' is not a BCP 47 language tag"),
    (tei("<title>T</title>"), ("--lang", "english"), r"ms\.xml: error: --lang 'english' is not a BCP 47"),
    (None, (), r"ms\.xml: error: cannot read file"),
])
def test_bad_manuscripts_are_refused_with_file_and_line_and_nothing_written(tmp_path, content, args, expect):
    ms = tmp_path / "ms.xml"
    if content is not None:
        ms.write_text(content, encoding="utf-8")
    result = run_build(ROOT, "new", str(tmp_path / "ed"), "--manuscript", str(ms), *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(expect, result.stderr), result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == (["ms.xml"] if content is not None else [])


def test_new_refuses_a_folder_that_is_not_empty_and_accepts_an_empty_one(tmp_path):
    ms = ROOT / "manuscript" / "chapter-03.xml"
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build(ROOT, "new", str(tmp_path / "full"), "--manuscript", str(ms))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"full: error: exists and is not empty", result.stderr), result.stderr
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]
    result = run_build(ROOT, "new", str(tmp_path / "empty"), "--manuscript", str(ms))
    assert result.returncode == 0, result.stderr
    (tmp_path / "empty2").mkdir()
    assert main(["new", str(tmp_path / "empty2"), "--manuscript", str(ms)]) == 0
    assert (tmp_path / "empty2" / "book.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "empty2", "full"]


# --- the two commands, then a build ----------------------------------------------------------------

def _words_of(ocr) -> list[str]:
    """Each paragraph's text between the author's note calls, without spaces (a PDF line end may
    stand for a space, and the OCR's wraps are joined)."""
    blocks = ocr.read_text(encoding="utf-8").strip("\n").split("\n\n")
    return [re.sub(r"\s+", "", piece) for block in blocks[1:] if len(block) > 60
            for piece in re.split("[⁰¹²³⁴⁵⁶⁷⁸⁹]+", block.replace("-\n", "-")) if piece.strip()]


def _build_and_read(tmp_path, ocr, lang):
    import pikepdf

    folder, _ = ingest_and_new(tmp_path, ocr, lang)
    # the folder's own styles and book.yaml are the ones built with
    print_yaml = folder / "styles" / "print.yaml"
    print_yaml.write_text(re.sub(r"(?m)^trim: A5", "trim: B5", print_yaml.read_text(encoding="utf-8")),
                          encoding="utf-8")
    book_yaml = folder / "book.yaml"
    book_yaml.write_text(re.sub(r"(?m)^title: .*$", 'title: "The Book\'s Own Title"',
                                book_yaml.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_build(folder)
    assert result.returncode == 0, result.stderr
    stem = load_book(folder).name
    dist = folder / "dist"
    assert {f"{stem}.pdf", f"{stem}-print.pdf", f"{stem}.epub"} <= {p.name for p in dist.iterdir()}
    with pikepdf.open(dist / f"{stem}.pdf") as pdf:
        width, height = (float(v) * 25.4 / 72 for v in pdf.pages[0].trimbox[2:])
        assert (round(width), round(height)) == (176, 250)  # B5
        assert str(pdf.docinfo["/Title"]) == "The Book's Own Title"
    # hyphens aside: an English line may end in a hyphen the renderer added ("ri-" / "ver"), and
    # the OCR's own "cur-rent" may or may not fall at a line end
    pdf = re.sub(r"[\s\-\u2010]+", "", pdftotext(dist / f"{stem}.pdf"))  # U+2010: the hyphen WeasyPrint adds
    assert [p for p in _words_of(ocr) if p.replace("-", "") not in pdf] == []
    xhtml = "".join(data.decode() for name, data in zip_files(dist / f"{stem}.epub").items() if name.endswith(".xhtml"))
    epub = re.sub(r"\s+|\u200b|<[^>]+>", "", xhtml)
    assert [p for p in _words_of(ocr) if p not in epub] == []


@pytest.mark.slow
def test_a_thai_ocr_becomes_a_built_edition_in_three_commands(tmp_path):
    _build_and_read(tmp_path, THAI, "th")


@pytest.mark.slow
def test_an_english_ocr_becomes_a_built_edition_in_three_commands(tmp_path):
    _build_and_read(tmp_path, ENGLISH, "en")
