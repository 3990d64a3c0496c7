"""Any TEI P5 document (#17): the processing model's behaviours as both writers render them.

The fast tests read ``tests/fixtures/tei/every-element.xml`` through ``build.py new`` and the
resolver, then render the print HTML (the template WeasyPrint lays out) and the EPUB's pandoc
document (converted by pandoc to HTML) without laying out a page. Each expectation comes from the
fixture's own text (its README lists what it holds), never from an earlier run, and is checked in
both outputs. The slow tests build the small fixtures as a new user does and measure how much of
each TEI text reaches the PDF and the EPUB (tests/tei_words.py, the issue's 99.5 %).
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from lxml import etree, html

from edition.errors import EditionError
from edition.readers.tei import read_manuscript
from edition.scaffold import new_edition
from tests.support import ROOT, run_build
from tests.tei_words import coverage, epub_text, pdf_text, tei_words

FIXTURES = ROOT / "tests" / "fixtures" / "tei"
TEI = "http://www.tei-c.org/ns/1.0"


def render(root: Path) -> dict[str, etree._Element]:
    """The edition at ``root`` as the print writer's HTML and as the EPUB writer's pandoc document
    (made HTML by pandoc), with the break opportunities (wbr) taken out."""
    import pypandoc

    from edition.parts import book_parts, part_edition
    from edition.resolve import load
    from edition.styles import load_styles
    from edition.writers.epub import build_document
    from edition.writers.print_html import PrintContext, render_part_html

    book, config, resolution = load(root)
    assert [p for p in resolution.problems if p.severity == "error"] == []
    edition = resolution.edition
    parts = book_parts(edition, book.front, book.back)
    styles = load_styles(root / "styles")
    pages = [render_part_html(PrintContext(part_edition(edition, p), config, "file:///fonts/", parts), p, styles).html
             for p in parts]
    printed = "".join(re.sub(r"(?s)^.*?<body[^>]*>|</body>.*$", "", page) for page in pages)
    epub = pypandoc.convert_text(json.dumps(build_document(edition, parts)), "html5", format="json")
    out = {}
    for name, text in (("print", printed), ("epub", epub)):
        tree = html.fromstring(f"<div>{re.sub(r'<wbr ?/?>', '', text)}</div>")
        for el in tree.xpath("//style | //*[contains(@class, 'book-borrowed-anchors')]"):
            el.getparent().remove(el)
        out[name] = tree
        out[name + "-body"] = body_of(tree, name)
    out["stylesheet"] = edition.stylesheet
    return out


@pytest.fixture(scope="module")
def every(tmp_path_factory):
    folder = tmp_path_factory.mktemp("every") / "edition"
    new_edition(folder, FIXTURES / "every-element.xml")
    return folder, render(folder)


def body_of(tree, writer: str):
    """The book's chapters alone, without the front matter's contents and the back matter (the
    corrections apparatus rightly shows the readings the text corrects)."""
    body = html.fromstring("<div></div>")
    if writer == "print":
        for article in tree.xpath("//article[contains(@class, 'chapter')]"):
            body.append(copy.deepcopy(article))
        return body
    for el in list(tree):
        if el.tag == "section" or el.tag == "h1" and "chapter" not in (el.get("class") or "").split():
            break  # pandoc sets a back-matter part with epub:type in a section
        body.append(copy.deepcopy(el))
    return body


def text_of(el) -> str:
    return " ".join("".join(el.itertext()).split())


def by_class(tree, cls: str):
    return tree.xpath(f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]")


WRITERS = ("print", "epub")


@pytest.mark.parametrize("writer", WRITERS)
def test_chapters_and_nested_sections_have_their_heads(every, writer):
    tree = every[1][writer]
    heads = [text_of(h) for h in tree.xpath("//h1 | //h2")]
    # the body's four divisions are chapters; the unnamed nested div is a section under the first
    for title in ("Prose and its Furniture", "Verse and Drama", "Lists, a Table and a Picture", "A Letter"):
        assert any(title in h for h in heads), (title, heads)
    assert "An Unnamed Section" in [text_of(h) for h in tree.xpath("//h2")]
    # the front's title page is read: both title parts, the author and the imprint
    body = text_of(tree)
    for words in ("A Sampler of Printed Texts", "Verse, Drama, Letters and Apparatus", "Margaret Quill",
                  "Harbour Press"):
        assert words in body


@pytest.mark.parametrize("writer", WRITERS)
def test_verse_lines_keep_their_indentation_and_drama_its_speakers(every, writer):
    tree = every[1][writer]
    lines = {text_of(el): el.get("class").split() for el in by_class(tree, "l")}
    assert lines["The bell rings out across the bay,"] == [c for c in lines["The bell rings out across the bay,"]
                                                           if c != "rend-indent"]
    assert "rend-indent" in lines["and boats come home at close of day;"]
    assert "rend-indent" in lines["and nets hang drying by the sea."]
    assert [text_of(el) for el in by_class(tree, "speaker")] == ["Captain", "Clerk", "Captain"]
    assert [text_of(el) for el in by_class(tree, "stage")] == [
        "Enter the Captain and the Clerk.", "He points to the shed.", "Exeunt."]


def test_the_stylesheet_indents_verse_and_styles_renditions(every):
    css = every[1]["stylesheet"] + (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.rend-indent\s*\{[^}]*(margin|padding|text-indent)", css)
    # the header's tagsDecl: #sc is small caps, #spaced letter-spaced
    assert re.search(r"\.rendition-sc \{[^}]*font-variant: small-caps", css), every[1]["stylesheet"]
    assert re.search(r"\.rendition-spaced \{[^}]*letter-spacing", css), every[1]["stylesheet"]


@pytest.mark.parametrize("writer", WRITERS)
def test_lists_ordered_bulleted_and_gloss(every, writer):
    tree = every[1][writer]
    tree = every[1][writer + "-body"]
    assert [text_of(li) for li in tree.xpath("//ol/li")] == ["the parcels", "the mail sacks", "the captain's trunk"]
    assert [text_of(li) for li in tree.xpath("//ul/li")][:3] == ["rope", "tar", "sailcloth"]  # then the back's listBibl
    assert [text_of(dt) for dt in tree.xpath("//dl/dt")] == ["bollard", "capstan"]
    assert text_of(tree.xpath("//dl/dd")[1]) == "a drum turned to wind a cable"
    assert "Things to load" in text_of(tree)


@pytest.mark.parametrize("writer", WRITERS)
def test_table_with_label_row_spans_and_caption(every, writer):
    table = every[1][writer + "-body"].xpath("//table")[0]
    assert text_of(table.xpath(".//caption")[0]) == "Sailings in March"
    first = table.xpath(".//tr")[0]
    assert [(c.tag, text_of(c)) for c in first] == [("th", "Ship"), ("th", "Port"), ("th", "Day")]
    spans = {text_of(td): (td.get("rowspan"), td.get("colspan")) for td in table.xpath(".//td")}
    assert spans["Tuesday"] == ("2", None)
    assert spans["No sailings on Sunday."] == (None, "3")
    assert len(table.xpath(".//tr")) == 4


@pytest.mark.parametrize("writer", WRITERS)
def test_the_figure_has_its_local_image_description_and_caption(every, writer):
    folder, out = every
    img = out[writer].xpath("//img")[0]
    assert img.get("alt") == "Blue water under a pale sky with a brown quay and one red sail."
    if writer == "print":
        assert Path(img.get("src").removeprefix("file://")) == (folder / "manuscript" / "every-element.png").resolve()
    else:
        assert re.fullmatch(r"\.\./media/[0-9a-f]{16}\.png", img.get("src"))
    figure = out[writer].xpath("//*[@id='fig1']")[0]
    assert "The harbour, drawn small" in text_of(figure)


@pytest.mark.parametrize("writer", WRITERS)
def test_quotation_marks_follow_each_quotes_language(every, writer):
    body = text_of(every[1][writer + "-body"])
    assert "She said, “Keep the parcels dry,” and he answered “Dry as a biscuit, ma'am.”" in body
    assert "«Москва встречает гостей хлебом и солью.»" in body  # Russian guillemets inside English
    assert '"' not in body


@pytest.mark.parametrize("writer", WRITERS)
def test_rendition_names_dates_and_languages(every, writer):
    tree = every[1][writer]
    assert [text_of(el) for el in by_class(tree, "rend-italic")] == ["quiet"]
    assert [text_of(el) for el in by_class(tree, "rendition-sc")] == ["customs house"]
    assert "color: #8b0000" in tree.xpath("//*[text()='red']")[0].get("style")
    for cls, words in (("person", "Mrs Quill"), ("place", "Redcliffe"), ("org", "Bristol Steam Navigation Company"),
                       ("term", "bollard"), ("rs", "the captain"), ("num", "three")):
        assert words in [text_of(el) for el in by_class(tree, cls)], cls
    thai = [el for el in tree.xpath("//*[@lang='th']") if "สวัสดี" in text_of(el)]
    assert thai and text_of(thai[0]) == "สวัสดีครับ ยินดีต้อนรับสู่ท่าเรือ"  # the fixture wraps the line at the phrase space
    assert tree.xpath("//*[@lang='la']")[0].text == "nomen"
    assert not re.search("[๐-๙]", text_of(tree)), "Thai digits in an English book"


@pytest.mark.parametrize("writer", WRITERS)
def test_editorial_markup_shows_the_edited_reading(every, writer):
    body = text_of(every[1][writer + "-body"])
    assert "a mistake is corrected, an abbreviation is expanded, and an old spelling may show its modern form" in body
    for wrong in ("mistaek", "abbr.", "shew"):
        assert wrong not in body
    assert "a blot hides […] two letters" in body
    for cls, words in (("add", "added"), ("del", "struck out"), ("unclear", "faint"), ("supplied", "[supplied]"),
                       ("damage", "stained")):
        assert [text_of(el) for el in by_class(every[1][writer], cls)] == [words], cls
    # a word broken by <lb break="no"/> is one word
    assert "a word is broken across the page" in body


@pytest.mark.parametrize("writer", WRITERS)
def test_links_inside_the_book_resolve_and_external_ones_are_text(every, writer):
    tree = every[1][writer]
    links = {text_of(a): a.get("href") for a in by_class(tree, "link") if a.tag == "a"}
    assert links == {"the next chapter": "#ch2", "The harbour, drawn small": "#fig1"}
    for target in links.values():
        assert tree.xpath(f"//*[@id='{target[1:]}']"), target
    external = [text_of(el) for el in by_class(tree, "link-external")]
    assert external == ["tei-c.org", "https://www.tei-c.org/guidelines/"]
    assert not tree.xpath("//a[starts-with(@href, 'http')]")


@pytest.mark.parametrize("writer", WRITERS)
def test_notes_of_the_source_are_called_where_they_stand(every, writer):
    tree = every[1][writer]
    body = text_of(tree)
    # the foot, margin and end notes of the fixture, each once
    for words in ("A bollard is a short post on a quay to which a ship's ropes are made fast.",
                  "Margin: greetings in two languages."):
        assert body.count(words) == 1, words
    calls = tree.xpath("//a[contains(@class, 'noteref')]") + by_class(tree, "footnote")
    assert len(calls) >= 3


@pytest.mark.parametrize("writer", WRITERS)
def test_the_source_page_number_is_marked(every, writer):
    marks = [text_of(el) for el in by_class(every[1][writer], "source-page")]
    assert marks == ["12"]
    # the running head after the page break (fw type="header") is shown small, as TEI Simple does
    assert [text_of(el) for el in by_class(every[1][writer + "-body"], "fw")] == ["A Sampler of Printed Texts"]


def test_the_print_html_marks_english_for_hyphenation_and_thai_for_the_justifier(every):
    tree = every[1]["print"]
    paragraphs = tree.xpath("//p[@id='ch1.p1']")
    assert "justify-text" in paragraphs[0].get("class").split()  # hyphens: auto, the renderer breaks
    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.justify-text\s*\{[^}]*hyphens:\s*auto", css)


# --- languages ------------------------------------------------------------------------------

def tei(tmp_path: Path, body: str, lang: str = "en", name: str = "doc.xml", header: str = "") -> Path:
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<TEI xmlns="{TEI}" xml:lang="{lang}">'
                    f"<teiHeader><fileDesc><titleStmt><title>T</title></titleStmt><publicationStmt><p>p</p>"
                    f"</publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc>{header}</teiHeader>"
                    f"<text><body>{body}</body></text></TEI>", encoding="utf-8")
    return path


def leaf_texts(manuscript) -> list[str]:
    from edition.inlines import reading_text
    from edition.model import leaves

    return [reading_text(p.inlines) for c in manuscript.chapters for p in leaves(c.sections)]


@pytest.mark.parametrize("lang,expected", [
    ("en", "“a” ‘b’"), ("de", "„a“ ‚b‘"), ("fr", "« a » “b”"), ("ru", "«a» „b“"), ("th", "“a” ‘b’")])
def test_quotes_follow_the_document_language(tmp_path, lang, expected):
    m = read_manuscript(tei(tmp_path, "<div><p><q>a</q> <q><q>b</q></q></p></div>", lang))
    texts = leaf_texts(m)
    # the outer quote of the nested pair gives the outer marks around the inner ones
    assert texts[0].startswith(expected.split(" ")[0]), texts


def test_markup_newlines_are_one_space_in_any_script_and_none_at_the_edges(tmp_path):
    # an XML formatter wraps lines only where there was whitespace: in Thai it is a phrase space
    body = "<div><p>\n  เศรษฐกิจ\n   ใหม่ and\n  English\n  words <hi>ทดสอบ</hi>\nคำ \n</p></div>"
    m = read_manuscript(tei(tmp_path, body, "th"))
    assert leaf_texts(m) == ["เศรษฐกิจ ใหม่ and English words ทดสอบ คำ"]


def test_thai_digits_label_notes_only_in_a_thai_book():
    from edition.resolve import note_labeller

    assert [note_labeller("th", False)(n) for n in (1, 12)] == ["๑", "๑๒"]
    assert [note_labeller("en", False)(n) for n in (1, 12)] == ["1", "12"]
    assert [note_labeller("de-CH", False)(n) for n in (1, 2)] == ["1", "2"]
    # beside a source's own numbered notes, the editor's are lettered
    assert [note_labeller("en", True)(n) for n in (1, 2, 27)] == ["a", "b", "aa"]


# --- bad input ----------------------------------------------------------------------------------

def test_an_unknown_element_is_reported_once_with_the_rule_to_add(tmp_path):
    body = "<div><p>one <frobnicate>two</frobnicate> three</p>\n<p><frobnicate>four</frobnicate></p></div>"
    m = read_manuscript(tei(tmp_path, body))
    found = [p for p in m.problems if "frobnicate" in p.message]
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].line is not None and "processing.yaml" in found[0].hint
    assert leaf_texts(m) == ["one two three", "four"]  # its text is kept, never dropped silently


def test_a_remote_image_is_not_fetched_and_says_so(tmp_path):
    body = '<div><figure><graphic url="https://example.org/a.png"/><figDesc>A boat</figDesc></figure></div>'
    m = read_manuscript(tei(tmp_path, body))
    found = [p for p in m.problems if "example.org" in p.message]
    assert len(found) == 1 and "not fetched" in found[0].message and found[0].line == 2


def test_a_missing_local_image_is_a_warning_naming_it(tmp_path):
    m = read_manuscript(tei(tmp_path, '<div><figure><graphic url="pics/none.png"/></figure></div>'))
    assert [p.message for p in m.problems if "none.png" in p.message] == ["image 'pics/none.png' is not a file"]


def test_a_document_in_another_namespace_or_without_text_is_refused(tmp_path):
    wrong = tmp_path / "wrong.xml"
    wrong.write_text('<TEI xmlns="http://www.tei-c.org/ns/2.0"><text/></TEI>', encoding="utf-8")
    with pytest.raises(EditionError) as info:
        read_manuscript(wrong)
    problem = info.value.problems[0]
    assert problem.line == 1 and "namespace http://www.tei-c.org/ns/2.0" in problem.hint
    empty = tmp_path / "empty.xml"
    empty.write_text(f'<TEI xmlns="{TEI}"><teiHeader/></TEI>', encoding="utf-8")
    with pytest.raises(EditionError, match="no <text>"):
        read_manuscript(empty)


def test_malformed_xml_names_line_and_column(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(f'<TEI xmlns="{TEI}">\n<text><body><p>one</body></text></TEI>', encoding="utf-8")
    with pytest.raises(EditionError) as info:
        read_manuscript(bad)
    problem = info.value.problems[0]
    assert problem.file == str(bad) and problem.line == 2
    assert re.search(r"column \d+", problem.message + problem.hint), problem


def test_paragraphs_without_ids_get_stable_locators(tmp_path):
    from edition.model import leaves

    body = "<div xml:id='one'><p>first</p><div><p>second</p><p>third</p></div></div><div><p>x</p></div>"
    ids = [p.id for c in read_manuscript(tei(tmp_path, body, name="story.xml")).chapters
           for p in leaves(c.sections)]
    assert ids == ["one.p1", "one.div1.p1", "one.div1.p2", "story.div2.p1"]
    # a paragraph added changes no other paragraph's locator
    body2 = body.replace("<p>third</p>", "<p>third</p><p>fourth</p>")
    again = [p.id for c in read_manuscript(tei(tmp_path, body2, name="story.xml")).chapters
             for p in leaves(c.sections)]
    assert set(ids) <= set(again) and len(again) == 5


# --- built as a user builds ----------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["every-element.xml", "romeo-juliet-excerpt.xml", "treasure-island-excerpt.xml"])
def test_a_tei_document_builds_with_its_words_in_the_pdf_and_the_epub(tmp_path, fixture):
    from edition.epubcheck import run_epubcheck

    folder = tmp_path / "edition"
    result = run_build(ROOT, "new", str(folder), "--manuscript", str(FIXTURES / fixture))
    assert result.returncode == 0, result.stderr
    result = run_build(folder)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    stem = Path(fixture).stem
    # a figure's description is the image's text alternative (the img's alt, which the fast tests
    # check), not text on the page
    words = tei_words(FIXTURES / fixture, exclude=("figDesc",))
    pdf_share, pdf_missing = coverage(words, pdf_text(folder / "dist" / f"{stem}.pdf"))
    epub_share, epub_missing = coverage(words, epub_text(folder / "dist" / f"{stem}.epub"))
    assert pdf_share >= 0.995, pdf_missing
    assert epub_share >= 0.995, epub_missing
    report = run_epubcheck(folder / "dist" / f"{stem}.epub")
    assert (report.fatals, report.errors) == (0, 0), report.messages
    # the package's dates are the build's (SOURCE_DATE_EPOCH), not pandoc's sandboxed 1970
    import zipfile

    with zipfile.ZipFile(folder / "dist" / f"{stem}.epub") as z:
        opf = z.read("EPUB/content.opf").decode()
    assert "1970-01-01" not in opf and re.search(r'dcterms:modified">\d{4}-\d\d-\d\dT', opf)


def test_renditions_scoped_before_and_after_give_the_marks_instead_of_the_language(tmp_path):
    header = ('<encodingDesc><tagsDecl><rendition xml:id="open" scheme="css" scope="before">content:"«";</rendition>'
              '<rendition xml:id="shut" scheme="css" scope="after">content: "»"</rendition>'
              '<rendition xml:id="evil" scheme="css" scope="after">content:"&lt;/style&gt;&lt;script&gt;"</rendition>'
              '</tagsDecl></encodingDesc>')
    m = read_manuscript(tei(tmp_path, '<div><p><q rendition="#open #shut">a</q> <q>b</q></p></div>', header=header))
    assert leaf_texts(m) == ["a “b”"]  # the first q's marks come from its renditions, in CSS
    assert '.rendition-open::before { content: "«"; }' in m.stylesheet
    assert '.rendition-shut::after { content: "»"; }' in m.stylesheet
    assert "script" not in m.stylesheet and "evil" not in m.stylesheet
    assert [p.line for p in m.problems if "'evil'" in p.message] == [2]


def test_an_empty_ref_or_ptr_shows_its_targets_head_number_or_first_words(tmp_path):
    from edition.model import Link, leaves

    body = ('<div xml:id="d"><head>Going Home</head><p xml:id="t">one two three four five six seven eight</p>'
            '<p><ref target="#d"/>, <ptr target="#t"/>, <ref target="#n"/></p><note xml:id="n" n="7">x</note></div>')
    m = read_manuscript(tei(tmp_path, body))
    links = [node for c in m.chapters for p in leaves(c.sections) for node in p.inlines if isinstance(node, Link)]
    assert [reading_text_of(link.children) for link in links] == [
        "Going Home", "one two three four five six…", "7"]


def reading_text_of(nodes) -> str:
    from edition.inlines import reading_text

    return reading_text(nodes)


def test_a_ref_with_several_pointers_is_checked_pointer_by_pointer(tmp_path):
    from edition.resolve import _reference_problems

    header = ('<profileDesc><particDesc><listPerson><person xml:id="a"><persName>A</persName></person>'
              '<person xml:id="b"><persName>B</persName></person></listPerson></particDesc></profileDesc>')
    body = '<div><p><persName ref="#a #b">A and B</persName>, <persName ref="#a #zz">A and Z</persName></p></div>'
    m = read_manuscript(tei(tmp_path, body, header=header))
    assert [p.message for p in _reference_problems(m, {"a", "b"})] == [
        "reference #zz points at no person, place or organisation in the header"]


def test_a_group_of_texts_is_read_text_by_text(tmp_path):
    path = tmp_path / "group.xml"
    path.write_text(f'<TEI xmlns="{TEI}" xml:lang="en"><teiHeader><fileDesc><titleStmt><title>T</title>'
                    "</titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc>"
                    "</fileDesc></teiHeader><text><group>"
                    "<text><front><p>To the reader.</p></front><body><div><head>One</head><p>a</p></div></body></text>"
                    "<text><body><div><head>Two</head><p>b</p></div></body></text>"
                    "</group></text></TEI>", encoding="utf-8")
    m = read_manuscript(path)
    assert [(c.matter, c.title) for c in m.chapters] == [("front", ""), ("body", "One"), ("body", "Two")]
    assert [p for p in m.problems if "inline" in p.message] == []


def test_an_undeclared_empty_glyph_is_left_out_and_said_once(tmp_path):
    body = '<div><p>Con<g ref="char:EOLhyphen"/>secration and HONOVRA<g ref="char:EOLhyphen"/>BLE</p></div>'
    m = read_manuscript(tei(tmp_path, body))
    assert leaf_texts(m) == ["Consecration and HONOVRABLE"]
    assert [p.severity for p in m.problems if "EOLhyphen" in p.message] == ["warning"]


def test_the_title_statement_gives_the_books_title_and_author(tmp_path):
    from edition.readers.tei_header import header_authors, header_names, header_title

    root = etree.fromstring(
        f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title level="s">Letters, a series</title>'
        '<title level="a">A to B, 13 November 1896</title><author><persName>Anton Chekhov</persName>'
        '<persName xml:lang="ru">Антон Чехов</persName><idno type="wikidata">Q5685</idno></author>'
        "<author>Goldmann, Paul</author><editor><persName>Müller, Martin Anton</persName>"
        "<persName>Untner, Laura</persName></editor></titleStmt></fileDesc></teiHeader></TEI>")
    assert header_title(root) == "A to B, 13 November 1896"
    # two forms in two languages are one person; two names in one language are two people
    assert header_authors(root) == "Anton Chekhov; Goldmann, Paul"
    assert header_names(root, "tei:editor") == "Müller, Martin Anton; Untner, Laura"


def test_a_letterhead_of_segments_is_lines_and_source_quotes_are_not_doubled(tmp_path):
    from edition.model import leaves

    body = ('<div><opener><seg type="letterhead">Frankfurter Zeitung</seg><seg type="letterhead">Bureau à Paris'
            '</seg></opener><p>Es steht: »<quote>Liebelci.</quote>« und <quote>so</quote>.</p></div>')
    m = read_manuscript(tei(tmp_path, body, "de"))
    assert leaf_texts(m) == ["Frankfurter Zeitung", "Bureau à Paris", "Es steht: »Liebelci.« und „so“."]
    assert len([p for c in m.chapters for p in leaves(c.sections)]) == 3


def test_annotate_writes_an_id_the_schema_accepts_for_a_generated_locator(tmp_path):
    folder = tmp_path / "ed"
    assert run_build(ROOT, "new", str(folder), "--manuscript", str(FIXTURES / "every-element.xml")).returncode == 0
    result = run_build(folder, "annotate", "read straight through")
    assert result.returncode == 0, result.stderr
    ident = re.search(r"- id: (\S+)", result.stdout).group(1)
    assert re.fullmatch(r"[a-z][a-z0-9-]*", ident) and "paragraph: every-element.front.div1.p1" in result.stdout


def test_generated_words_follow_the_books_language_with_english_for_what_a_table_lacks():
    from edition.labels import LABELS, labels_for

    assert (labels_for("de-AT")["contents"], labels_for("fr")["index"], labels_for("ru")["notes"]) == (
        "Inhalt", "Index des personnes", "Примечания")
    assert labels_for("nl")["contents"] == "Contents" and labels_for("de")["proof-note"] == "Note"
    for lang, table in LABELS.items():  # no table names a word the writers do not ask for
        assert set(table) <= set(LABELS["en"]), lang
        assert all("{count}" in table[k] for k in ("corrections-intro",) if k in table), lang


def test_the_names_table_comes_only_with_an_editors_notes(tmp_path):
    from edition.parts import book_parts
    from edition.resolve import load

    # a Russian play's cast with English and German forms, and no editor's notes: no names table
    folder = tmp_path / "play"
    path = tei(tmp_path, "<div><p>Лука говорит.</p></div>", "ru", header=(
        '<profileDesc><particDesc><listPerson><person xml:id="Luka"><persName>Лука</persName>'
        '<persName xml:lang="en">Luka</persName><persName xml:lang="de">Luka</persName></person>'
        "</listPerson></particDesc></profileDesc>"))
    new_edition(folder, path)
    book, _, resolution = load(folder)
    assert "names" not in [p.name for p in book_parts(resolution.edition, book.front, book.back)]


def test_a_note_in_a_heading_is_called_and_printed_in_both_writers(tmp_path):
    folder = tmp_path / "headnote"
    path = tei(tmp_path, '<div><head>Chapter<note n="1">A note on the chapter.</note></head><p>Text.</p>'
                         '<div><head>Section<note n="2">A note on the section.</note></head><p>More '
                         '<hi rend="italic">words<note n="3">Upright.</note></hi>.</p></div></div>')
    new_edition(folder, path)
    out = render(folder)
    for writer in WRITERS:
        body = text_of(out[writer + "-body"])
        for words in ("A note on the chapter.", "A note on the section.", "Upright."):
            assert body.count(words) == 1, (writer, words, body)
    css = (ROOT / "styles" / "print.css").read_text(encoding="utf-8")
    assert re.search(r"\.footnote \{[^}]*font-style: normal", css)  # a note is not italic with its call


def test_a_space_of_one_character_is_a_word_space_and_a_wider_one_keeps_its_width(tmp_path):
    body = '<div><p>a<space unit="chars" quantity="1"/>b<space quantity="3"/>c<space dim="vertical"/>d</p></div>'
    m = read_manuscript(tei(tmp_path, body))
    from edition.model import LineBreak, leaves

    leaf = next(p for c in m.chapters for p in leaves(c.sections))
    assert leaf_texts(m)[0].startswith("a b \u2002\u2002c")
    assert any(isinstance(n, LineBreak) for n in leaf.inlines)
