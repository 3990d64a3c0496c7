"""Bad and hostile input: a clear message with file and line, a non-zero exit, nothing fetched,
and the previous outputs in dist/ untouched."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from edition.cli import main
from edition.errors import EditionError
from edition.readers.annotations import AnnotationSets, parse_body, read_annotation_set
from edition.xmlsafe import parse_xml
from edition.yamlfile import load_yaml
from tests.support import ROOT, copy_project, run_build

DIST_FILES = ("chapter-03.pdf", "chapter-03-print.pdf", "chapter-03.epub")


@pytest.fixture
def project(tmp_path):
    root = copy_project(tmp_path / "project")
    dist = root / "dist"
    dist.mkdir()
    for name in DIST_FILES:  # stand-ins for the last good outputs
        (dist / name).write_bytes(f"last good {name}".encode())
    return root


def dist_untouched(root) -> bool:
    return all((root / "dist" / n).read_bytes() == f"last good {n}".encode() for n in DIST_FILES)


def run(root, *args, capsys):
    code = main(["--root", str(root), *args])
    return code, capsys.readouterr().err


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def first_line_with(path, needle) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


MS = "manuscript/chapter-03.xml"


@pytest.mark.parametrize("command", [("check",), ("build",)])
def test_malformed_xml_names_file_and_line_and_keeps_dist(project, capsys, command):
    ms = project / MS
    line = first_line_with(ms, '<p xml:id="p014">')
    edit(ms, '<p xml:id="p014">', '<p xml:id="p014"><b>')
    code, err = run(project, *command, capsys=capsys)
    assert code == 1
    assert re.search(rf"chapter-03\.xml:{line}: error: malformed XML", err), err
    assert dist_untouched(project)


BOTH = pytest.mark.parametrize("command", [("check",), ("build",)])


@BOTH
def test_xml_that_breaks_the_schema_is_reported_with_its_line(project, capsys, command):
    ms = project / MS
    line = first_line_with(ms, '<p xml:id="p014">')
    edit(ms, '<p xml:id="p014">', '<p xml:id="p014" rend="x">')
    code, err = run(project, *command, capsys=capsys)
    assert code == 1
    assert re.search(rf"chapter-03\.xml:{line}: error: (tei_all|edition)\.rng", err), err
    assert dist_untouched(project)


@BOTH
def test_duplicate_xml_id(project, capsys, command):
    ms = project / MS
    edit(ms, '<p xml:id="p014">', '<p xml:id="p008">')
    code, err = run(project, *command, capsys=capsys)
    assert code == 1 and "duplicate xml:id 'p008'" in err
    assert dist_untouched(project)


@BOTH
def test_unknown_person_reference(project, capsys, command):
    ms = project / MS
    line = first_line_with(ms, 'ref="#wrangel">แรงเกล')
    edit(ms, 'ref="#wrangel">แรงเกล', 'ref="#vrangel">แรงเกล')
    code, err = run(project, *command, capsys=capsys)
    assert code == 1
    assert re.search(rf"chapter-03\.xml:{line}: error: reference #vrangel points at no person", err), err
    assert dist_untouched(project)


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE TEI [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>',
    '<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
])
@BOTH
def test_entities_are_refused_and_nothing_is_read_or_fetched(project, capsys, doctype, command):
    ms = project / MS
    text = ms.read_text(encoding="utf-8")
    text = text.replace("<TEI ", doctype + "\n<TEI ", 1).replace("ฉบับร่างเพื่องานบรรณาธิการ", "&x;&d;"[:3] if "x" in doctype else "&d;", 1)
    ms.write_text(text, encoding="utf-8")
    code, err = run(project, *command, capsys=capsys)
    assert code == 1
    assert "DOCTYPE" in err or "entity" in err
    assert "root:" not in err  # no line of /etc/passwd in any message
    assert dist_untouched(project)


ANN = "annotations/zz-test.yaml"


def write_set(root, body: str):
    (root / ANN).write_text(body, encoding="utf-8")


GOOD_ITEM = """  - id: {id}
    type: footnote
    target:
      paragraph: {para}
      exact: "{exact}"
    resp: "#ed"
    body: >-
      {body}
"""


def set_text(*items):
    return "set: zz-test\ntitle: ทดสอบ\nannotations:\n" + "".join(items)


@pytest.mark.parametrize("item,message", [
    (GOOD_ITEM.format(id="zz-orphan", para="p008", exact="ข้อความที่ไม่มีอยู่ในบทนี้เลยแม้แต่น้อย", body="ก [@avrich-1970]"),
     "annotation 'zz-orphan' is orphan"),
    (GOOD_ITEM.format(id="zz-ambiguous", para="p046", exact="สตาลิน", body="ก [@avrich-1970]"),
     "annotation 'zz-ambiguous' is ambiguous"),
    (GOOD_ITEM.format(id="zz-key", para="p008", exact="นายพลแรงเกล", body="ก [@no-such-book-1999]"),
     "unknown bibliography key 'no-such-book-1999'"),
    (GOOD_ITEM.format(id="kronstadt-rising", para="p008", exact="นายพลแรงเกล", body="ก [@avrich-1970]"),
     "duplicate annotation id 'kronstadt-rising'"),
    (GOOD_ITEM.format(id="zz-html", para="p008", exact="นายพลแรงเกล", body="<script>alert(1)</script> [@avrich-1970]"),
     "raw HTML is not allowed"),
    (GOOD_ITEM.format(id="zz-field", para="p008", exact="นายพลแรงเกล", body="ก [@avrich-1970]") + "    colour: red\n",
     "Additional properties are not allowed ('colour' was unexpected)"),
    (GOOD_ITEM.format(id="zz-noid", para="p008", exact="นายพลแรงเกล", body="ก [@avrich-1970]").replace("  - id: zz-noid\n    type", "  - type"),
     "'id' is a required property"),
])
@BOTH
def test_bad_annotations_are_errors_with_file_and_line(project, capsys, item, message, command):
    write_set(project, set_text(item))
    code, err = run(project, *command, capsys=capsys)
    assert dist_untouched(project)
    assert code == 1
    lines = [line for line in err.split("\n") if message in line]
    assert lines, err
    assert re.match(r".*annotations/zz-test\.yaml:\d+: error: ", lines[0]), lines[0]


def test_an_unknown_citation_key_is_reported_at_its_own_line(project, capsys):
    body = "ก [@avrich-1970]\n      ข\n      ค [@no-such-book-1999]"
    write_set(project, set_text(GOOD_ITEM.format(id="zz-key", para="p008", exact="นายพลแรงเกล", body=body)))
    code, err = run(project, "check", capsys=capsys)
    text = (project / ANN).read_text(encoding="utf-8").splitlines()
    line = next(n for n, t in enumerate(text, 1) if "no-such-book-1999" in t)  # the citation's own line
    assert code == 1 and f"zz-test.yaml:{line}: error: unknown bibliography key 'no-such-book-1999'" in err


@BOTH
def test_bad_yaml_syntax_is_reported_with_its_line(project, capsys, command):
    write_set(project, "set: zz-test\ntitle: ทดสอบ\nannotations:\n  - id: x\n    type: [footnote\n")
    code, err = run(project, *command, capsys=capsys)
    assert dist_untouched(project)
    assert code == 1
    assert re.search(r"zz-test\.yaml:\d+: error: YAML syntax error", err), err



@pytest.mark.parametrize(("line", "message"), [("bleed: 3 millimetres", "bleed: '3 millimetres' is not a length"),
                                                ("marks: crop trim", "marks: 'crop trim' is not crop, cross")])
def test_a_bad_bleed_or_marks_in_the_print_configuration_is_named(project, capsys, line, message):
    key = line.split(":")[0]
    path = project / "styles" / "print.yaml"
    path.write_text(re.sub(rf"^{key}:.*$", line, path.read_text(encoding="utf-8"), count=1, flags=re.M),
                    encoding="utf-8")
    code, err = run(project, "build", capsys=capsys)
    assert code == 1 and "styles/print.yaml" in err and message in err, err
    assert dist_untouched(project)

def test_a_failing_build_leaves_dist_untouched(project, capsys):
    write_set(project, set_text(GOOD_ITEM.format(id="zz-orphan", para="p008", exact="ไม่มีอยู่จริงเลยสักนิดเดียว",
                                                 body="ก [@avrich-1970]")))
    code, err = run(project, "build", capsys=capsys)
    assert code == 1 and "zz-orphan" in err
    assert dist_untouched(project)
    assert not list(project.glob(".dist-staging-*"))


def test_html_in_a_body_is_text_in_every_output():
    import json

    from edition.readers.annotations import parse_body
    from edition.render import html_inlines
    from edition.writers.epub_inline import Ctx as _Ctx
    from edition.writers.epub_inline import InlineWriter as _InlineWriter

    body, problems = parse_body("<script>alert(1)</script> *ก*", "f", 1)
    assert problems
    html = str(html_inlines(body))  # the print writer's HTML
    assert "<script>" not in html and "&lt;script&gt;" in html
    ast = json.dumps(_InlineWriter(_Ctx(None, []), set()).inlines(body), ensure_ascii=False)  # pandoc's input
    assert "RawInline" not in ast and "<script>alert(1)</script>" in ast  # a Str: pandoc escapes it


def test_a_stylesheet_asking_for_a_remote_url_fails_the_build_without_fetching(project, capsys):
    css = project / "styles" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + '\nbody { background: url("http://127.0.0.1:9/x.png"); }\n'
                   '.title-page { background: url("file:///etc/hostname"); }\n', encoding="utf-8")
    code, err = run(project, "build", capsys=capsys)
    assert code == 1
    assert "http://127.0.0.1:9/x.png" in err and "file:///etc/hostname" in err and "nothing outside" in err
    assert dist_untouched(project)


def test_a_missing_font_says_what_to_install(project, capsys, monkeypatch, tmp_path):
    monkeypatch.setattr("edition.fonts.FONT_DIRS", (tmp_path / "no-fonts",))
    code, err = run(project, "build", capsys=capsys)
    assert code == 1 and "apt-get install fonts-noto-core" in err
    assert dist_untouched(project)


def test_missing_java_says_what_to_install(monkeypatch, tmp_path):
    from edition.epubcheck import run_epubcheck

    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(EditionError) as exc:
        run_epubcheck(tmp_path / "x.epub")
    assert "default-jre-headless" in str(exc.value)


@pytest.mark.slow
def test_an_interrupted_build_leaves_the_last_good_outputs(project):
    """Killed in the middle of its work (a part's layout has come in, the book is not written):
    dist/ is as it was, and the next build cleans up and publishes a complete set."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(project), "build", "--in-process"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    laid = project / "build" / "cache" / "laid"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not list(laid.glob("*.json")):
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the build ended before it could be interrupted"
    assert list(laid.glob("*.json")), "killed before any part was laid out"
    assert dist_untouched(project)
    result = run_build(project, "build", "--in-process", "--only", "pdf")
    assert result.returncode == 0, result.stderr
    assert (project / "dist" / "chapter-03.pdf").read_bytes().startswith(b"%PDF")
    assert not list(project.glob(".dist-staging-*"))


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(data=st.binary(max_size=400))
def test_the_xml_reader_fails_only_with_its_own_error(tmp_path, data):
    path = tmp_path / "fuzz.xml"
    path.write_bytes(b"<TEI xmlns='http://www.tei-c.org/ns/1.0'>" + data)
    try:
        parse_xml(path)
    except EditionError as exc:
        assert exc.problems[0].file.endswith("fuzz.xml")


@FUZZ
@given(text=st.text(max_size=300))
def test_the_annotation_reader_fails_only_with_problems(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text("set: fuzz\ntitle: t\nannotations:\n" + text, encoding="utf-8")
    result = AnnotationSets()
    read_annotation_set(path, result)  # never raises: every problem is collected
    try:
        load_yaml(path)
    except EditionError:
        pass


@FUZZ
@given(text=st.text(max_size=200))
def test_the_body_parser_never_crashes_invents_nothing_and_escapes_everything(text):
    from edition.inlines import reading_text
    from edition.render import html_inlines

    body, problems = parse_body(text, "f.yaml", 7)
    assert all(p.file == "f.yaml" and p.line >= 7 for p in problems)
    shown = reading_text(body)
    assert set(shown) <= set(text) | {" "}  # markup is removed, nothing is added
    html = str(html_inlines(body))
    for raw in ("<script", "<b>", "<img", "<a "):
        assert raw not in html or raw not in text  # raw HTML from a body never reaches the output


@FUZZ
@given(text=st.text(alphabet="กขคงจฉชซabcxyz ๆ.,0123456789", max_size=200))
def test_a_body_without_markup_reads_as_written_with_spaces_collapsed(text):
    # "12. " at the start is Markdown's ordered list (block markup, refused), not plain text
    assume(not re.match(r"\s*\d+\.(\s|$)", text))
    body, problems = parse_body(text, "f.yaml", 1)
    from edition.inlines import reading_text

    assert problems == [] and reading_text(body) == " ".join(text.split())
