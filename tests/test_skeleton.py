"""The walking skeleton, checked on real outputs: every paragraph in the PDF and in the EPUB,
only the edition's fonts embedded, EPUBCheck clean, bad manuscripts rejected with file:line."""

from __future__ import annotations

import re

import pikepdf
from lxml import etree

from edition.fonts import FACES
from edition.inlines import reading_text
from edition.measure import matched_in_order, squeeze
from edition.resolve import paragraphs_of
from tests.support import copy_project, pdftotext, run_build

XHTML = "{http://www.w3.org/1999/xhtml}"


def test_every_paragraph_is_in_the_pdf_text_in_order(built, edition):
    # note calls (Thai digits: the editor's; [26]: the author's) are not part of the reading text
    text = re.sub(r"[๐-๙]+|\[\d+\]", "", squeeze(pdftotext(built.pdf)))
    missing = []
    for p in paragraphs_of(edition):
        needle = squeeze(reading_text(p.inlines))
        found = matched_in_order(needle, text)
        if found != len(needle):
            missing.append((p.id, found, len(needle), needle[found:found + 30]))
    assert not missing


def _font_names(pdf_path):
    names = set()
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            for font in page.resources.get("/Font", {}).values():
                base = str(font.get("/BaseFont")).lstrip("/")
                assert re.match(r"[A-Z]{6}\+", base), f"{base} is not a subset"
                names.add(base.split("+", 1)[-1])
    return names


def test_pdfs_embed_only_the_fonts_the_stylesheet_names(built):
    allowed = {f.family.replace(" ", "-") + {"bold": "-Bold", "normal": ""}[f.weight]
               + {"italic": "-Italic", "normal": ""}[f.style] for f in FACES}
    for pdf in (built.pdf, built.print_pdf):
        names = _font_names(pdf)
        assert names, "no fonts found"
        assert names <= allowed, names - allowed
        assert "Noto-Serif-Thai" in names


def _text_without_calls(el) -> str:
    parts = []

    def walk(node):
        cls = node.get("class") or ""
        skip = node.tag == f"{XHTML}a" and ("noteref" in cls or "glossref" in cls)
        skip = skip or (node.tag == f"{XHTML}span" and "author-note" in cls)
        if not skip:
            parts.append(node.text or "")
            for child in node:
                walk(child)
        parts.append(node.tail or "") if node is not el else None

    walk(el)
    return "".join(parts)


def test_every_paragraph_is_in_the_epub_exactly(built, edition):
    divs = {}
    for name, data in built.epub_files().items():
        if name.endswith(".xhtml"):
            root = etree.fromstring(data)
            for div in root.iter(f"{XHTML}div"):
                if "para" in (div.get("class") or "").split():
                    divs[div.get("id")] = div
    for p in paragraphs_of(edition):
        assert p.id in divs, p.id
        assert _text_without_calls(divs[p.id]).strip() == reading_text(p.inlines).strip(), p.id


def test_epubcheck_reports_no_errors_and_no_warnings(built, tmp_path):
    from edition.epubcheck import run_epubcheck

    report = run_epubcheck(built.epub)
    assert report.fatals == 0 and report.errors == 0 and report.warnings == 0, report.messages


def test_check_names_file_and_line_of_malformed_manuscript(tmp_path):
    root = copy_project(tmp_path / "p")
    ms = root / "manuscript" / "chapter-03.xml"
    lines = ms.read_text(encoding="utf-8").split("\n")
    target = next(i for i, line in enumerate(lines) if "<p xml:id=" in line)
    lines[target] = lines[target].replace("</p>", "</q>", 1)
    ms.write_text("\n".join(lines), encoding="utf-8")
    result = run_build(root, "check")
    assert result.returncode == 1
    assert re.search(rf"manuscript/chapter-03\.xml:{target + 1}: error: malformed XML", result.stderr), result.stderr
