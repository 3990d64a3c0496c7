"""Scholarly annotations: stand-off, anchored robustly, numbered alike, whole in PDF and EPUB."""

from __future__ import annotations

import json
import re

import pdfplumber
import yaml
from lxml import etree

from edition.measure import matched_in_order, squeeze
from edition.model import Citation, Span
from edition.writers.webanno import _plain, annotation_collection
from tests.support import pdftotext

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_NS = "{http://www.idpf.org/2007/ops}"
THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def _citations(nodes):
    for n in nodes:
        if isinstance(n, Citation):
            yield n
        elif isinstance(n, Span):
            yield from _citations(n.children)


def test_every_editorial_note_is_sourced_and_in_thai(edition):
    notes = [n for n in edition.notes if n.annotation.set.startswith("editorial-notes")]
    assert len(notes) >= 30
    keys = {b.key for b in edition.bibliography}
    for n in notes:
        cited = list(_citations(n.annotation.body))
        assert cited, n.annotation.id
        assert {c.key for c in cited} <= keys
        assert re.search(r"[\u0e01-\u0e5b]{20}", n.annotation.body_source), n.annotation.id  # written in Thai
    for b in edition.bibliography:
        assert len(b.checked) > 10, b.key  # how the entry was verified


def test_the_required_topics_are_annotated(edition):
    ids = {n.annotation.id for n in edition.notes}
    required = {"lenin-testament-letter", "lenin-testament-postscript", "zamyatin-we", "kronstadt-rising",
                "tambov-rebellion", "tenth-congress-march-1921", "ban-on-factions", "chervonets-currency-reform",
                "scissors-crisis", "socialism-in-one-country", "foundations-of-leninism", "fifteenth-congress",
                "trotsky-exile", "proletkult", "serapion-brothers", "pereval", "lef", "the-bedbug",
                "the-bathhouse", "pilnyak-unextinguished-moon", "eisenstein-strike", "battleship-potemkin"}
    assert required <= ids
    bodies = {n.annotation.id: n.annotation.body_source for n in edition.notes}
    assert "1988" in bodies["zamyatin-we"] and "1924" in bodies["zamyatin-we"]
    assert "4 มกราคม" in bodies["lenin-testament-postscript"]
    assert "1929" in bodies["trotsky-exile"] and "1928" in bodies["trotsky-exile"]


def test_notes_are_numbered_in_document_order_with_thai_digits(edition):
    numbered = [n for n in edition.notes if n.number]
    assert [n.number for n in numbered] == list(range(1, len(numbered) + 1))
    for n in numbered:
        assert n.label and set(n.label) <= set(THAI_DIGITS)
    order = {p.id: i for i, p in enumerate(p for c in edition.chapters for s in c.sections for p in s.paragraphs)}
    positions = [(order[n.anchor.paragraph], n.anchor.end) for n in numbered]
    assert positions == sorted(positions)


def test_every_note_body_is_whole_in_the_pdf_text(built, edition):
    text = re.sub(r"[๐-๙]+|\[\d+\]", "", squeeze(pdftotext(built.pdf)))
    for note in edition.notes:
        body = re.sub(r"[๐-๙]+|\[\d+\]", "", squeeze(_plain(edition, note.annotation.body)))
        assert matched_in_order(body, text) == len(body), note.annotation.id


def _epub_docs(built):
    return {n: etree.fromstring(d) for n, d in built.epub_files().items() if n.endswith(".xhtml")}


def test_epub_footnotes_are_popup_footnotes_with_backlinks(built, edition):
    docs = _epub_docs(built)
    asides, refs = {}, []
    for name, root in docs.items():
        for el in root.iter(f"{XHTML}aside"):
            asides[el.get("id")] = (name, el)
        for a in root.iter(f"{XHTML}a"):
            if a.get(f"{EPUB_NS}type") == "noteref":
                refs.append((name, a))
    foot = [n for n in edition.notes if n.placement == "foot"]
    assert len(asides) == len(foot)
    for note in foot:
        name, aside = asides[f"note-{note.annotation.id}"]
        assert aside.get(f"{EPUB_NS}type") == "footnote" and aside.get("role") == "doc-footnote"
        back = [a for a in aside.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
        assert back and back[0].get("href").endswith(f"#call-{note.annotation.id}")
        body = re.sub(r"^[๐-๙]+", "", squeeze("".join(aside.itertext())))
        assert body == squeeze(_plain(edition, note.annotation.body))
    labels = ["".join(a.itertext()) for _, a in refs]
    assert labels == [n.label for n in edition.notes if n.number]
    for _, a in refs:
        assert a.get("role") == "doc-noteref"


def test_endnotes_and_glosses_are_whole_in_the_epub(built, edition):
    docs = _epub_docs(built)
    by_id = {}
    for root in docs.values():
        for el in root.iter():
            if el.get("id", "").startswith("note-"):
                by_id[el.get("id")] = el
    for note in edition.notes:
        if note.placement == "foot":
            continue
        el = by_id[f"note-{note.annotation.id}"]
        if note.placement == "end":
            text = re.sub(r"^[๐-๙]+", "", squeeze("".join(el.itertext())))
        else:  # glossary: the term is the dt, the body its dd
            text = squeeze("".join(el.getparent().getnext().itertext()))
        assert text == squeeze(_plain(edition, note.annotation.body)), note.annotation.id


def test_endnotes_and_bibliography_are_their_own_epub_sections(built, edition):
    docs = _epub_docs(built)
    sections = {}
    for root in docs.values():
        for h in root.iter(f"{XHTML}h1"):
            sections[h.getparent().get("id") or h.get("id")] = h.getparent()
    assert "bibliography" in sections
    if any(n.placement == "end" for n in edition.notes):
        assert "notes" in sections


def test_pdf_footnotes_sit_at_the_foot_of_the_page_that_calls_them(built, edition):
    """On every page, each footnote marker below the rule has its call in the text above it."""
    foot_labels = {n.label for n in edition.notes if n.placement == "foot"}
    checked = 0
    with pdfplumber.open(built.pdf) as pdf:
        for page in pdf.pages:
            # WeasyPrint draws the footnote area's top border as a filled frame as wide as the text
            areas = [r for r in page.rects if r["fill"] and r["width"] > 200 and r["top"] > page.height / 3]
            if not areas:
                continue
            rule_y = min(r["top"] for r in areas)
            words_above = "".join(c["text"] for c in page.chars if c["top"] < rule_y)
            below = [c for c in page.chars if c["top"] > rule_y]
            lines = {}
            for c in below:
                lines.setdefault(round(c["top"]), []).append(c)
            for _, chars in sorted(lines.items()):
                chars.sort(key=lambda c: c["x0"])
                label = "".join(c["text"] for c in chars if c["text"] in THAI_DIGITS and c["x0"] < chars[0]["x0"] + 15)
                if label in foot_labels and chars[0]["text"] in THAI_DIGITS:
                    # a whole number above the rule, not a part of one (๑ must not match ๑๒)
                    calls_above = set(re.findall(f"[{THAI_DIGITS}]+", words_above))
                    assert label in calls_above, (page.page_number, label, sorted(calls_above))
                    checked += 1
    assert checked >= len(foot_labels) * 0.9


def test_export_annotations_is_w3c_web_annotation_json_ld(edition):
    data = annotation_collection(edition)
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == len(edition.notes)
    texts = {p.id: p for c in edition.chapters for s in c.sections for p in s.paragraphs}
    for item in data["first"]["items"]:
        assert item["type"] == "Annotation" and item["body"]["language"] == "th"
        quote, position = item["target"]["selector"]
        assert quote["type"] == "TextQuoteSelector" and position["type"] == "TextPositionSelector"
        assert item["target"]["source"].split("#")[1] in texts
    json.dumps(data)


def _reading_of(p) -> str:
    """A paragraph's reading text straight from the TEI (not through the edition's reader): the
    corrected readings, no sic or orig, no notes, a joined wrap joins, any other wrap a space."""
    out = [p.text or ""]
    for el in p:
        tag = etree.QName(el).localname if isinstance(el.tag, str) else ""
        if tag == "choice":
            out.append("".join("".join(c.itertext()) for c in el if etree.QName(c).localname in ("corr", "reg")))
        elif tag == "lb":
            out.append("" if el.get("break") == "no" else " ")
        elif tag in ("note", "fw", "gap", "") or (tag == "ref" and el.get("type") == "author-note"):
            pass
        else:
            out.append(_reading_of(el))
        out.append(el.tail or "")
    return "".join(out)


def test_dist_carries_every_annotation_as_json_ld_that_points_at_the_right_words(built):
    """Read back from dist/ and checked against the TEI and the YAML files themselves: every
    annotation once, the W3C vocabulary, selectors that quote the very words of their paragraph."""
    data = json.loads((built.root / "dist" / "chapter-03.annotations.jsonld").read_text(encoding="utf-8"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld" and data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert data["total"] == len(items) and data["first"]["type"] == "AnnotationPage"
    tei = etree.parse(str(built.root / "manuscript" / "chapter-03.xml"))
    xml_id = "{http://www.w3.org/XML/1998/namespace}id"
    paragraphs = {p.get(xml_id): _reading_of(p) for p in tei.iter("{http://www.tei-c.org/ns/1.0}p") if p.get(xml_id)}
    expected = {}
    for path in (built.root / "annotations").glob("*.yaml"):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        for a in (loaded or {}).get("annotations", []):
            expected[a["id"]] = a
    ids = [item["id"].rsplit("#annotation-", 1)[1] for item in items]
    assert sorted(ids) == sorted(expected) and len(set(ids)) == len(ids)
    for item, ident in zip(items, ids, strict=True):
        source = expected[ident]
        assert item["type"] == "Annotation"
        assert item["motivation"] == ("describing" if source["type"] == "gloss" else "commenting")
        assert item["body"]["type"] == "TextualBody" and item["body"]["format"] == "text/plain"
        paragraph = item["target"]["source"].split("#")[1]
        assert paragraph == source["target"]["paragraph"]
        quote, position = item["target"]["selector"]
        text = " ".join(paragraphs[paragraph].split(" "))
        assert text[position["start"]:position["end"]] == quote["exact"], ident
        assert text[:position["start"]].endswith(quote["prefix"]) and text[position["end"]:].startswith(quote["suffix"])
        assert " ".join(source["target"]["exact"].split()) in " ".join(quote["exact"].split()), ident
        prose = re.sub(r"\[@[^\]]*\]|\{[^}]*\}", " ", source["body"])  # citations (shown as labels) and attributes
        words = [w for w in re.split(r"[\s\[\]()*,.]+", prose) if len(w) > 6]
        assert sum(w in item["body"]["value"] for w in words) >= 0.8 * len(words), ident


def test_a_line_fold_between_thai_characters_is_no_space_and_check_points_at_it(tmp_path):
    """An editor's line wrap inside a Thai phrase must not print a space; a phrase space at a wrap
    is written at the line's end; a wrap next to Latin text is a space, as YAML folds it."""
    from edition.inlines import reading_text
    from edition.readers.annotations import AnnotationSets, read_annotation_set

    path = tmp_path / "notes.yaml"
    path.write_text("set: t\ntitle: t\nannotations:\n- id: n1\n  type: footnote\n  target:\n    paragraph: p1\n"
                    "    exact: x\n  resp: '#ed'\n  body: >-\n    ภาวะหลอดเลือดสมอง\n    ครั้งที่สาม ในเดือน \n"
                    "    พฤศจิกายน 1927 Lenin\n    Testament\n", encoding="utf-8")
    sets = AnnotationSets()
    read_annotation_set(path, sets)
    (note,) = sets.annotations
    assert reading_text(note.body) == "ภาวะหลอดเลือดสมองครั้งที่สาม ในเดือน พฤศจิกายน 1927 Lenin Testament"
    folds = [p for p in sets.problems if "line fold" in p.message]
    assert [(p.line, p.severity) for p in folds] == [(12, "warning")]


NOT_RECORDS = ("libgen", "z-lib", "zlibrary", "annas-archive", "scribd.com", "bibliboba", "full-english-books",
               "vdoc.pub", "ebin.pub", "slave2.", "testing.", "staging.", "mirror", "pdfcoffee", "dokumen.pub")


def test_the_bibliography_is_of_records_every_entry_cited_no_title_invented(edition):
    """Each entry names the record it was checked against, no address is a shadow library, a
    mirror or a staging host, no title is a description made up in brackets, and every entry is
    cited by some note (an entry nobody cites was not read for this edition)."""
    cited = {c.key for n in edition.notes for c in _citations(n.annotation.body)}
    for b in edition.bibliography:
        assert not any(bad in b.url.lower() for bad in NOT_RECORDS), (b.key, b.url)
        assert not re.match(r"\s*\[", b.title), (b.key, b.title)
        assert re.search(r"https?://|ISBN|DOI|catalogue|record", b.checked, re.I), (b.key, b.checked)
        assert b.key in cited, b.key


def test_the_table_of_names_is_in_the_pdf_and_the_epub(built, edition):
    """The back matter maps the author's spellings to the notes' forms, the original and English."""
    from edition.parts import names

    rows = names(edition)
    assert len(rows) > 30
    kamenev = next(r for r in rows if r.entity.id == "kamenev")
    assert "คามิเนฟ" in kamenev.author and kamenev.original.startswith("Лев") and kamenev.english == "Lev Kamenev"
    text = squeeze(pdftotext(built.pdf))
    for row in rows[:10]:
        assert squeeze(row.original) in text and squeeze(row.notes) in text, row.entity.id
    epub = "".join(d.decode("utf-8") for n, d in built.epub_files().items() if n.endswith(".xhtml"))
    assert kamenev.original in epub and 'lang="ru"' in epub
