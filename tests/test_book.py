"""A book of several chapters, on a tiny generated book: page numbers run on across chapters,
every chapter opens on a recto, the contents point at the right pages, the printer's PDF has the
reading PDF's pages, nothing is redone when nothing changed; its EPUB, made one part at a time,
is the one pandoc writes for the whole book, and valid."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile

import pytest

from bench.book import make_book
from tests.support import run_build, zip_files


@pytest.fixture(scope="module")
def small_book(tmp_path_factory):
    root = make_book(tmp_path_factory.mktemp("book") / "book", chapters=2, paragraphs=4)
    result = run_build(root, "build")
    assert result.returncode == 0, result.stderr
    return root


def _pages(pdf) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def _folio(page: str) -> int | None:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return int(lines[-1]) if lines and re.fullmatch(r"\d+", lines[-1]) else None


def test_page_numbers_run_on_across_chapters_and_chapters_open_on_a_recto(small_book):
    pages = _pages(small_book / "dist" / "book-2.pdf")
    folios = {i: _folio(p) for i, p in enumerate(pages, 1) if _folio(p) is not None}
    # the folio of every numbered page is its place in the book: the count runs on from the front
    # matter through both chapters into the back matter
    assert len(folios) > 6
    assert all(folio == i for i, folio in folios.items()), folios
    contents_page = next(i for i, p in enumerate(pages, 1) if "สารบัญ" in p)
    starts = [next(i for i, p in enumerate(pages, 1) if i > contents_page and f"บทที่ {k}" in p) for k in (1, 2)]
    assert all(start % 2 == 1 for start in starts), starts
    assert starts[1] > starts[0] + 1 and max(folios) > starts[1]  # chapter 2 has pages, and the back matter follows
    # the contents gives the page each chapter starts on
    contents = pages[contents_page - 1]
    for k, start in zip((1, 2), starts, strict=True):
        line = next(line for line in contents.splitlines() if f"บทที่ {k}" in line)
        assert line.rstrip().endswith(f" {start}"), line
    # and every entry (chapters, their sections, the parts of the back matter) the page its heading is on
    entries = [m.groups() for m in re.finditer(r"^\s*(\S.*?)\s*(?:\. )+\.?\s*(\d+)\s*$", contents, re.M)]
    assert len(entries) >= 2 + 5, entries  # two chapters and five parts of the back matter at least
    for heading, page in entries:
        squeezed = re.sub(r"\s+", "", heading)[:12]
        assert squeezed in re.sub(r"\s+", "", pages[int(page) - 1]), (heading, page)


def test_a_book_rebuild_with_nothing_changed_does_nothing(small_book):
    pdf = small_book / "dist" / "book-2.pdf"
    before = pdf.stat().st_mtime_ns
    result = run_build(small_book, "build")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stderr
    assert pdf.stat().st_mtime_ns == before


def test_the_books_printer_pdf_is_its_reading_pdf_with_bleed_and_pdf_x(small_book):
    """Each part is laid out once and written in both variants (edition/seam/pdf.py)."""
    import pikepdf

    reading, printer = small_book / "dist" / "book-2.pdf", small_book / "dist" / "book-2-print.pdf"
    assert _pages(printer) == _pages(reading)
    with pikepdf.open(printer) as pdf:
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFX"
        assert pdf.open_metadata()["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        for page in pdf.pages:
            trim, media = [float(v) for v in page.obj.TrimBox], [float(v) for v in page.obj.MediaBox]
            assert media[0] < trim[0] - 8 and media[2] > trim[2] + 8  # 3 mm bleed = 8.5 pt


@pytest.fixture(scope="module")
def book_edition(small_book):
    from edition.resolve import load

    _, _, resolution = load(small_book)
    pages = json.loads((small_book / "dist" / "book-2.pages.json").read_text(encoding="utf-8"))
    return resolution.edition, tuple(tuple(s) for s in pages["page_starts"])


def test_the_epub_made_part_by_part_is_what_pandoc_makes_of_the_whole_book(book_edition, small_book, tmp_path):
    """pandoc run once per part and once on the headings gives, byte for byte, the package one
    pandoc run on the whole book gives (so no part of the book needs to be held at once)."""
    import os

    import yaml

    from edition.parts import book_parts, part_edition
    from edition.writers import epub, epub_package

    edition, page_starts = book_edition
    book = yaml.safe_load((small_book / "book.yaml").read_text(encoding="utf-8"))
    parts = book_parts(edition, tuple(book["front"]), tuple(book["back"]))
    meta, epoch = epub.book_meta(edition), 1764028800
    made = [epub_package.part_epub(part_edition(edition, p), p, meta, page_starts, tmp_path, epoch)
            for p in parts if p.kind != "front"]
    assembled = zip_files_of(epub_package.assemble_epub(meta, epub.heading_blocks(edition, parts), made, tmp_path, epoch))
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    whole = zip_files_of(epub_package._pandoc(epub_package._write_json(epub.build_document(edition, parts, page_starts),
                                                       tmp_path / "whole"), env))
    assert sorted(assembled) == sorted(whole)
    assert [n for n in assembled if assembled[n] != whole[n]] == []
    expected = len(book["chapters"]) + len(book["back"])  # one file per chapter and back section
    assert len([n for n in assembled if re.search(r"/ch\d{3}\.xhtml$", n)]) == expected


def zip_files_of(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_book_epub_is_valid_and_its_links_between_files_resolve(small_book, book_edition, tmp_path):
    from lxml import etree

    from edition.epubcheck import run_epubcheck

    target = small_book / "dist" / "book-2.epub"
    files = zip_files(target)
    docs = {n.removeprefix("EPUB/text/"): etree.fromstring(d) for n, d in files.items()
            if n.startswith("EPUB/text/ch")}
    ids = {name: set(root.xpath("//@id")) for name, root in docs.items()}
    between = set()
    for name, root in docs.items():
        for href in root.xpath("//*[local-name()='a']/@href"):
            doc, _, frag = href.partition("#")
            assert doc in ids and frag in ids[doc], (name, href)
            between.add((name, doc))
    # calls to the back matter's notes and bibliography, the index and apparatus back to both chapters
    assert {("ch001.xhtml", "ch005.xhtml"), ("ch002.xhtml", "ch005.xhtml"), ("ch007.xhtml", "ch001.xhtml"),
            ("ch007.xhtml", "ch002.xhtml"), ("ch006.xhtml", "ch002.xhtml")} <= between
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    pages = nav.xpath("//*[@*[local-name()='type']='page-list']//*[local-name()='a']/@href")
    assert pages and all(h.split("#")[1] in ids[h.removeprefix("text/").split("#")[0]] for h in pages)
    report = run_epubcheck(target)
    assert report.fatals == 0 and report.errors == 0 and report.warnings == 0, report.messages
