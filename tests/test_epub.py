"""The EPUB for e-readers: accessible (Ace), Thai break opportunities on the shared segmentation,
print page references, metadata that tells the truth, subset fonts, a cover."""

from __future__ import annotations

import re
import zipfile

import pikepdf
from lxml import etree

from edition.ace import run_ace
from edition.fonts import FACES, find_font
from edition.inlines import reading_text
from edition.resolve import paragraphs_of
from tests.support import ROOT

X = "{http://www.w3.org/1999/xhtml}"
OPS = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"


def _docs(built):
    return {n: etree.fromstring(d) for n, d in built.epub_files().items() if n.endswith(".xhtml")}


def _walk_text(el, out, wbr, pages):
    """Reading text of a paragraph div, recording <wbr/> and page-break offsets; calls left out."""
    cls = el.get("class") or ""
    if el.tag == f"{X}wbr":
        wbr.append(len("".join(out)))
    elif el.get(f"{OPS}type") == "pagebreak":
        pages.append((len("".join(out)), el.get("aria-label")))
    elif not ((el.tag == f"{X}a" and ("noteref" in cls or "glossref" in cls)) or "author-note" in cls):
        out.append(el.text or "")
        for child in el:
            _walk_text(child, out, wbr, pages)
            out.append(child.tail or "")
        return
    # skipped element: its tail is appended by the caller


def test_ace_finds_no_accessibility_violation(built):
    report = run_ace(built.epub)
    assert report.outcome == "pass", report.violations


def _known_words() -> set[str]:
    """Words a Thai reader's dictionaries know (PyThaiNLP's and libthai's lists) and the
    edition's own word list: data, not the writer's segmentation."""
    from pythainlp.corpus import thai_words

    libthai = (ROOT / "edition" / "data" / "libthai-words.txt").read_text(encoding="utf-8").splitlines()
    own = (ROOT / "manuscript" / "wordlist.txt").read_text(encoding="utf-8").splitlines()
    return set(thai_words()) | {w for w in libthai if w and not w.startswith("#")} | {w.strip() for w in own}


def test_break_opportunities_fall_between_words_never_inside_names_numbers_or_before_mai_yamok(built, edition):
    """Every <wbr/> of the chapter's paragraphs, checked against the text alone: it separates two
    Thai runs, never touches a space, never precedes ๆ, ฯ or a closing mark, never falls inside an
    encoded name or a number; and the pieces it cuts the text into are words a dictionary knows."""
    known = _known_words()
    divs = {}
    for root in _docs(built).values():
        for div in root.iter(f"{X}div"):
            if "para" in (div.get("class") or "").split():
                divs[div.get("id")] = div
    total, unknown, pieces = 0, [], 0
    for p in paragraphs_of(edition):
        out, wbr, pages = [], [], []
        _walk_text(divs[p.id].find(f"{X}p"), out, wbr, pages)
        text = "".join(out)
        assert text.strip() == reading_text(p.inlines).strip()
        assert len(wbr) == len(set(wbr)), p.id
        names = [(a, b) for a, b in _name_ranges(divs[p.id])]
        for offset in wbr:
            before, after = text[offset - 1], text[offset]
            assert "\u0e00" <= before <= "\u0e7f" or "\u0e00" <= after <= "\u0e7f", (p.id, text[offset - 5:offset + 5])
            assert before != " " and after != " " and after not in "ๆฯ)]}”’»,.;:!?%", (p.id, text[offset - 5:offset + 5])
            assert not (before.isdigit() and after.isdigit())
            assert not any(a < offset < b for a, b in names), (p.id, text[offset - 8:offset + 8])
        cuts = sorted({0, len(text), *wbr, *(i for i, ch in enumerate(text) if ch == " "),
                       *(i + 1 for i, ch in enumerate(text) if ch == " ")})
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = text[a:b]
            if piece.strip() and all("\u0e01" <= ch <= "\u0e4e" for ch in piece) and not any(
                    a >= x and b <= y for x, y in names):
                pieces += 1
                if piece not in known:
                    unknown.append(piece)
        total += len(wbr)
    assert total > 3000
    # pieces no dictionary knows: compounds of known words the segmentation keeps whole, and a few
    # transliterations; a break inside a word would show as many short unknown pieces
    assert len(unknown) <= 0.02 * pieces, sorted(set(unknown))[:40]


def _name_ranges(div):
    """Offsets of the encoded names (persName, placeName, orgName spans) in a paragraph's text."""
    ranges, pos = [], 0

    def walk(el):
        nonlocal pos
        cls = el.get("class") or ""
        if el.tag == f"{X}wbr" or el.get(f"{OPS}type") == "pagebreak":
            return
        if (el.tag == f"{X}a" and ("noteref" in cls or "glossref" in cls)) or "author-note" in cls:
            return
        start = pos
        pos += len(el.text or "")
        for child in el:
            walk(child)
            pos += len(child.tail or "")
        if set(cls.split()) & {"person", "place", "org"}:
            ranges.append((start, pos))

    walk(div.find(f"{X}p"))
    return ranges


def test_page_list_maps_to_the_printed_pages(built):
    files = built.epub_files()
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    page_list = next(n for n in nav.iter(f"{X}nav") if n.get(f"{OPS}type") == "page-list")
    links = [(a.text, a.get("href")) for a in page_list.iter(f"{X}a")]
    numbers = [int(t) for t, _ in links]
    assert numbers == sorted(numbers) and len(numbers) > 30
    pdf_pages = {}
    import subprocess
    for number, href in links[:12]:
        doc, frag = href.split("#")
        root = etree.fromstring(files["EPUB/" + doc])
        marker = root.xpath(f"//*[@id='{frag}']")[0]
        assert marker.get("role") == "doc-pagebreak" and marker.get("aria-label") == number
        following = "".join(marker.xpath("following::text()"))[:8]
        page_text = subprocess.run(["pdftotext", "-raw", "-f", number, "-l", number, str(built.pdf), "-"],
                                   capture_output=True, text=True).stdout
        pdf_pages[number] = page_text
        assert "".join(following.split())[:6] in "".join(page_text.split()), (number, following)
    opf = etree.fromstring(files["EPUB/content.opf"])
    source = [m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "pageBreakSource"]
    with pikepdf.open(built.pdf) as pdf:
        assert source == [str(pdf.trailer.ID[0])]


def test_navigation_has_the_sections_the_back_matter_and_landmarks(built, edition):
    nav = etree.fromstring(built.epub_files()["EPUB/nav.xhtml"])
    toc = next(n for n in nav.iter(f"{X}nav") if n.get(f"{OPS}type") == "toc")
    entries = ["".join(a.itertext()) for a in toc.iter(f"{X}a")]
    for section in edition.chapters[0].sections:
        if section.head:
            assert reading_text(section.head) in entries
    for back in ("บรรณานุกรม", "ดัชนีบุคคล", "ภาคผนวก: การแก้ไขต้นฉบับ"):
        assert back in entries
    landmarks = next(n for n in nav.iter(f"{X}nav") if n.get(f"{OPS}type") == "landmarks")
    kinds = {a.get(f"{OPS}type") for a in landmarks.iter(f"{X}a")}
    assert {"toc", "bodymatter", "bibliography", "index"} <= kinds


def test_metadata_comes_from_the_tei_header_and_tells_the_truth(built, edition):
    opf = etree.fromstring(built.epub_files()["EPUB/content.opf"])
    meta = opf.find(f"{OPF}metadata")
    assert meta.find(f"{DC}language").text == "th"
    assert meta.find(f"{DC}identifier").text == edition.metadata.identifier_for("epub")
    assert meta.find(f"{DC}rights").text == edition.metadata.rights
    assert meta.find(f"{DC}creator").text == edition.metadata.editor
    assert "ไม่ทราบผู้แต่ง" in meta.find(f"{DC}source").text
    props = {}
    for m in meta.iter(f"{OPF}meta"):
        props.setdefault(m.get("property"), []).append(m.text)
    assert props["schema:accessMode"] == ["textual"] and props["schema:accessModeSufficient"] == ["textual"]
    assert props["schema:accessibilityHazard"] == ["none"]
    assert {"tableOfContents", "pageNavigation", "structuralNavigation"} <= set(props["schema:accessibilityFeature"])
    assert "alternativeText" not in props["schema:accessibilityFeature"]  # no images in the content
    assert props["schema:accessibilitySummary"][0]


def test_fonts_are_embedded_subset_and_keep_thai_mark_positioning(built):
    import io

    from fontTools.ttLib import TTFont

    files = built.epub_files()
    for face in FACES:
        data = files[f"EPUB/fonts/{face.file}"]
        assert len(data) < find_font(face.file).stat().st_size
        font = TTFont(io.BytesIO(data))
        if "Thai" in face.file:
            assert "GPOS" in font and "GSUB" in font
            cmap = font.getBestCmap()
            for ch in "กำ่้ิีึืุู":
                assert ord(ch) in cmap, ch


def test_a_cover_image_is_made_from_the_title_page(built):
    with zipfile.ZipFile(built.epub) as z:
        opf = z.read("EPUB/content.opf").decode()
        assert 'properties="cover-image"' in opf
        assert z.read("EPUB/images/cover.png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_foreign_passages_carry_lang_and_xml_lang(built):
    text = b"".join(d for n, d in built.epub_files().items() if n.endswith(".xhtml")).decode()
    tags = re.findall(r'<span class="foreign"[^>]*>', text)
    assert tags and all('xml:lang="' in t and ' lang="' in t for t in tags)
