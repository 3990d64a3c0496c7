"""The print-ready PDFs, measured: exact Thai text layer, line breaks only where the edition
allows them at three trim sizes, PDF/A and PDF/X structure, book furniture, previews."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal

import pikepdf
import pytest

from edition.config import load_print_config
from edition.inlines import name_spans, reading_text
from edition.measure import MARKERS, MM, align, areas, margins
from edition.resolve import paragraphs_of
from edition.thai import NO_BREAK_AFTER, NO_BREAK_BEFORE, break_opportunities
from edition.writers.webanno import _plain
from tests.support import ROOT, run_build


@pytest.mark.parametrize("trim", ["A5", "B5", "6x9in", "A5-ragged"])
def test_text_layer_is_exact_and_lines_break_only_where_thai_allows(trim_pdfs, edition, trim):
    main, _ = areas(trim_pdfs[trim], *margins(trim.removesuffix("-ragged")))
    problems = []
    breaks = 0
    for p in paragraphs_of(edition):
        text = reading_text(p.inlines)
        a = align(text, main)
        names = name_spans(p.inlines)
        allowed = set(break_opportunities(text, names, edition.custom_words))
        if a.matched != len(text):
            problems.append((p.id, "text differs", a.error))
        if a.false_spaces:
            problems.append((p.id, "false spaces", a.false_spaces))
        for b in a.breaks:
            breaks += 1
            if text[b - 1] != " " and b not in allowed:
                problems.append((p.id, "break inside a word", text[max(0, b - 8):b] + "|" + text[b:b + 8]))
            if text[b:b + 1] in NO_BREAK_BEFORE or text[b - 1:b] in NO_BREAK_AFTER:
                problems.append((p.id, "line starts or ends badly", text[max(0, b - 8):b] + "|" + text[b:b + 8]))
    assert not problems
    assert breaks > 300  # the measurement saw the lines


def test_ocr_sara_am_survives_in_the_text_layer(built):
    text = subprocess.run(["pdftotext", "-raw", str(built.pdf), "-"], capture_output=True, text=True).stdout
    assert text.count("น้ำ") >= 5 and "หม้ำ" not in text and "ท้ำ" not in text


def test_every_footnote_is_exact_at_the_foot_of_the_page(built, edition):
    _, foot = areas(built.pdf, *margins())
    for note in edition.notes:
        if note.placement != "foot":
            continue
        body = _plain(edition, note.annotation.body)
        a = align(body, foot, calls=MARKERS)
        assert a.matched == len(body) and not a.false_spaces, (note.annotation.id, a.error)


def test_footnote_length_rule_sets_long_notes_as_endnotes(edition, built):
    limit = load_print_config(ROOT).footnote_max_chars
    for note in edition.notes:
        if note.annotation.type == "footnote":
            assert (note.placement == "end") == (len(note.annotation.body_source) > limit)
    pages = json.loads((built.root / "dist" / "chapter-03.pages.json").read_text())
    assert all(call == body for call, body in pages["footnote_pages"].values())


def test_reading_pdf_is_tagged_pdf_a_with_outline_and_language(built, edition):
    with pikepdf.open(built.pdf) as pdf:
        assert str(pdf.Root.Lang) == "th"
        assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "U"
        assert meta["dc:title"] == edition.metadata.title
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
            nested = [child.title for item in outline.root for child in item.children]
        heads = [reading_text(s.head) for c in edition.chapters for s in c.sections if s.head]
        assert all(h in titles + nested for h in heads)
        info = pdf.docinfo
        assert str(info.CreationDate).startswith("D:")


def test_printer_pdf_is_pdf_x_with_bleed_trim_and_the_same_pages(built):
    with pikepdf.open(built.print_pdf) as pdf, pikepdf.open(built.pdf) as reading:
        assert len(pdf.pages) == len(reading.pages)
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFX" and intent.DestOutputProfile.N == 4
        assert pdf.open_metadata()["pdfxid:GTS_PDFXVersion"] == "PDF/X-4"
        bleed = 3 * MM
        a5 = (148 * MM, 210 * MM)
        for page in pdf.pages:
            trim = [Decimal(str(v)) for v in page.obj.TrimBox]
            box = [Decimal(str(v)) for v in page.obj.BleedBox]
            media = [Decimal(str(v)) for v in page.obj.MediaBox]
            assert abs((trim[2] - trim[0]) - a5[0]) < 1 and abs((trim[3] - trim[1]) - a5[1]) < 1
            assert all(abs(x) < Decimal("0.5") for x in (box[0] - trim[0] + bleed, box[1] - trim[1] + bleed,
                                                         box[2] - trim[2] - bleed, box[3] - trim[3] - bleed))
            assert media[0] <= box[0] and media[2] >= box[2]



def test_printer_pdf_has_the_reading_pdfs_pages_line_for_line_and_crop_marks_in_the_bleed(built, tmp_path):
    """Both PDFs come from one layout (writers/print_production.py): the same text on every page,
    and the printer's adds crop marks outside the trim, in the bleed area only."""
    from PIL import Image

    def pages_text(pdf):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        return text.split("\f")

    reading, printer = pages_text(built.pdf), pages_text(built.print_pdf)
    assert len(reading) == len(printer) > 20
    assert [i for i, (a, b) in enumerate(zip(reading, printer, strict=True), 1) if a != b] == []
    for pdf, marked in ((built.print_pdf, True), (built.pdf, False)):
        out = tmp_path / f"marks-{marked}"
        # the MediaBox at 72 dpi: one pixel per point; the printer's bleed is 3 mm = 8.5 pt
        subprocess.run(["pdftoppm", "-r", "72", "-gray", "-f", "3", "-l", "3", "-singlefile", "-png", str(pdf),
                        str(out)], check=True)
        image = Image.open(out.with_suffix(".png")).convert("L")
        width, height = image.size
        corners = [(0, 0, 8, 30), (0, 0, 30, 8), (width - 8, height - 30, width, height)]
        dark = [sum(1 for x in range(a, c) for y in range(b, d) if image.getpixel((x, y)) < 200)
                for a, b, c, d in corners]
        assert all(dark) if marked else not any(dark), (pdf.name, dark)


def _page_text(pdf, number, y=None, h=None):
    args = ["pdftotext", "-raw", "-f", str(number), "-l", str(number)]
    if y is not None:
        args += ["-x", "0", "-y", str(int(y)), "-W", "1000", "-H", str(int(h))]
    return subprocess.run(args + [str(pdf), "-"], capture_output=True, text=True).stdout


def test_contents_give_the_page_where_each_section_starts(built, edition):
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(built.pdf)], capture_output=True,
                                                             text=True).stdout).group(1))
    contents = re.sub(r"[\s.]+", " ", _page_text(built.pdf, 3))  # leaders and wraps out
    assert "สารบัญ" in contents
    for section in (s for c in edition.chapters for s in c.sections if s.head):
        head = reading_text(section.head)
        number = int(re.search(re.escape(head) + r" (\d+)", contents).group(1))
        assert head[:12] in _page_text(built.pdf, number), (head, number)
        assert number < pages


def test_running_heads_chapter_on_verso_section_on_recto_and_folios(built, edition):
    top, bottom = margins()
    chapter = edition.chapters[0]
    body_pages = range(7, 20)
    seen_verso = seen_recto = False
    for number in body_pages:
        head = _page_text(built.pdf, number, 0, top - 2).strip()
        foot = _page_text(built.pdf, number, 595 - bottom, bottom).strip()
        assert foot == str(number)
        if not head:
            continue
        if number % 2 == 0:
            assert head.startswith(chapter.number) and chapter.title in head
            seen_verso = True
        else:
            # the section's title; before the first section, the chapter's
            assert head in [reading_text(s.head) for s in chapter.sections if s.head] + [
                f"{chapter.number} {chapter.title}"]
            seen_recto = True
    assert seen_verso and seen_recto


def test_person_index_gives_pages_where_the_person_is_named(built, edition):
    """Every entry of the index (laid out apart with the numbers of the final layout, writers/pdf.py)
    prints exactly the pages on which the person is named, and is named there."""
    data = json.loads((built.root / "dist" / "chapter-03.pages.json").read_text())
    pages = data["person_pages"]
    text = subprocess.run(["pdftotext", "-raw", str(built.pdf), "-"], capture_output=True, text=True).stdout
    page_texts = text.split("\f")
    first = next(page for page, anchor, _ in data["page_starts"] if anchor == "index")
    flat = " ".join(" ".join(page_texts[first - 1:]).split())  # the index, its wrapped lines joined
    assert pages["trotsky"] and len(edition.person_index) > 20
    for entry in edition.person_index:
        entity = entry.entity
        latin = f" ({' '.join(entity.latin.split())})" if entity.latin else ""
        printed = re.search(re.escape(entry.heading + latin) + r" ((?:\d+(?:, )?)*)", flat).group(1)
        assert printed.rstrip(", ") == ", ".join(str(p) for p in pages.get(entity.id, ())), entry.heading
        for number in pages.get(entity.id, ()):
            named = " ".join(page_texts[number - 1].split())
            assert any(" ".join(form.split()) in named for form in entity.forms), (entry.heading, number)


def test_preview_writes_page_pictures(built):
    result = run_build(built.root, "preview", "--pages", "1-2", "--dpi", "40")
    assert result.returncode == 0, result.stderr
    pngs = sorted((built.root / "build" / "preview").glob("page-*.png"))
    assert len(pngs) == 2 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_blank_pages_carry_no_running_head_or_folio(built):
    pages = json.loads((built.root / "dist" / "chapter-03.pages.json").read_text())
    with_content = {page for page, _, _ in pages["page_starts"]}
    blank = [n for n in range(1, pages["page_count"] + 1) if n not in with_content]
    assert blank  # chapters and back matter open on a recto, so some versos are left blank
    for number in blank:
        assert _page_text(built.pdf, number).strip() == "", number
