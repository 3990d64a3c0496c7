"""The annotation revision diff (`build.py diff OLD [NEW]`), on revisions of a small git repository.

One repository per module: `base` is a copy of the project; `edits` makes one change of each kind
on its own annotation (and rewrites every annotation file in another YAML style, which must not
count); `accept` takes the re-anchoring; `reorder` only reorders and reformats a file.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from edition.diff import LIST_KEYS, compare
from edition.diff_cli import add_parser, load_snapshot, resolve_spec
from edition.errors import EditionError
from edition.thai import segment
from edition.writers.diff_report import to_data, to_html, to_json, to_text
from tests.support import ROOT, copy_project

NOTES = "annotations/editorial-notes.yaml"
CULTURE = "annotations/editorial-notes-culture.yaml"
GLOSSARY = "annotations/glossary.yaml"
BIBLIOGRAPHY = "annotations/bibliography.yaml"
MANUSCRIPT = "manuscript/chapter-03.xml"

# What `edits` does, by list: every id must be reported there exactly once, and nowhere else.
EXPECTED = {
    "added": {"test-added-note"},
    "removed": {"tambov-rebellion"},
    "changed": {"kronstadt-demands": ("body",), "famine-1921-22": ("citations",), "scissors-crisis": ("type",),
                "nep": ("resp",), "vesenkha": ("selector",), "krasnaya-nov": ("body",)},
    "moved": {"fourteenth-congress", "krasnaya-nov"},
    "reanchored": {"war-communism-prodrazverstka"},
    "orphaned": {"blok-letter-1921"},
    "metadata": {"glossary", "johnston-1988"},
}
KEY = "johnston-1988"  # a bibliography entry the famine note does not cite: added to it, its pages changed


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def _commit(repo: Path, tag: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", tag)
    _git(repo, "tag", tag)


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data: dict, width: int = 60) -> None:
    """Rewrite a YAML file in another style: different folding, quoting and key order."""
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=width), encoding="utf-8")


def _item(data: dict, ident: str) -> dict:
    return next(a for a in data["annotations"] if a["id"] == ident)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = copy_project(tmp_path_factory.mktemp("diff") / "project")
    _git(root, "init", "-q")
    _commit(root, "base")

    notes = _load(root / NOTES)
    notes["annotations"].append({
        "id": "test-added-note", "type": "footnote", "resp": "#ed",
        "target": {"paragraph": "p008", "exact": "เมื่อสงครามกลางเมืองยุติ", "prefix": "", "suffix": " โซเวียต"},
        "body": f"หมายเหตุใหม่สำหรับการทดสอบ [@{KEY}]"})
    notes["annotations"].remove(_item(notes, "tambov-rebellion"))
    demands = _item(notes, "kronstadt-demands")
    demands["body"] = "แก้ไข " + demands["body"]
    assert KEY not in _item(notes, "famine-1921-22")["body"]
    _item(notes, "famine-1921-22")["body"] += f" [@{KEY}]"
    _item(notes, "scissors-crisis")["type"] = "endnote"
    _item(notes, "nep")["resp"] = "#proof"
    _item(notes, "fourteenth-congress")["target"] = {
        "paragraph": "p046", "exact": "ควบคุมสมาชิกพรรคได้ด้วยตำแหน่งเลขาธิการใหญ่"}
    _dump(root / NOTES, notes)
    culture = _load(root / CULTURE)
    krasnaya = _item(culture, "krasnaya-nov")
    krasnaya["target"] = {"paragraph": "p008", "exact": "นับเป็นหายนะของประเทศ"}
    krasnaya["body"] = "ข้อความใหม่ทั้งหมด " + krasnaya["body"]
    _dump(root / CULTURE, culture)

    glossary = _load(root / GLOSSARY)
    glossary["title"] = "อภิธานศัพท์ท้ายบท"
    vesenkha = _item(glossary, "vesenkha")
    vesenkha["target"]["prefix"] = vesenkha["target"]["prefix"][3:]  # same place, shorter context
    _dump(root / GLOSSARY, glossary, width=200)

    bibliography = _load(root / BIBLIOGRAPHY)
    next(e for e in bibliography["entries"] if e["key"] == KEY)["pages"] = "1-416"
    _dump(root / BIBLIOGRAPHY, bibliography)

    _replace_once(root / MANUSCRIPT, "มาตรการเรียกเก็บอาหารของรัฐบาล", "มาตรการเรียกเก็บอาหารของทางรัฐบาล")
    _replace_once(root / MANUSCRIPT, "แม่รัสเซียกลืนกินฉัน", "บ้านเกิดทอดทิ้งข้าพเจ้า")
    _commit(root, "edits")

    notes = _load(root / NOTES)  # the editor accepts the re-anchoring (what `reanchor --write` does)
    _item(notes, "war-communism-prodrazverstka")["target"]["exact"] = "มาตรการเรียกเก็บอาหารของทางรัฐบาล"
    _dump(root / NOTES, notes)
    _commit(root, "accept")

    _git(root, "checkout", "-q", "base", "--", ".")
    notes = _load(root / NOTES)
    notes["annotations"].reverse()
    _dump(root / NOTES, notes, width=300)
    glossary_text = (root / GLOSSARY).read_text(encoding="utf-8")
    (root / GLOSSARY).write_text(glossary_text.replace("\n", "\n\n"), encoding="utf-8")  # blank lines
    _commit(root, "reorder")
    _git(root, "checkout", "-q", "edits", "--", ".")
    return root


def _diff(repo: Path, old: str | None, new: str | None):
    snaps = []
    for spec in (old, new):
        snaps.append(load_snapshot(resolve_spec(spec, repo), repo, repo.parent / f"work-{len(snaps)}"))
    return compare(*snaps)


@pytest.fixture(scope="module")
def edits(repo):
    return _diff(repo, "base", "edits")


def test_each_kind_of_change_is_reported_once_and_nothing_else(edits):
    data = to_data(edits)
    assert list(data) == list(LIST_KEYS)
    for key in LIST_KEYS:
        ids = [item["id"] for item in data[key]]
        assert len(ids) == len(set(ids)), (key, ids)  # once per list
        assert set(ids) == set(EXPECTED[key]), (key, ids)
    kinds = {item["id"]: tuple(item["kinds"]) for item in data["changed"]}
    assert kinds == EXPECTED["changed"]
    for item in data["changed"]:
        assert set(item["kinds"]) <= set(item)  # one detail object per kind


def test_details_of_each_change(edits):
    data = to_data(edits)
    changed = {c["id"]: c for c in data["changed"]}
    assert changed["famine-1921-22"]["citations"] == {"added": [KEY], "removed": []}
    assert changed["scissors-crisis"]["type"] == {"old": "footnote", "new": "endnote"}
    assert changed["nep"]["resp"] == {"old": "#ed", "new": "#proof"}
    added = data["added"][0]
    assert added["target"]["status"] == "exact" and added["target"]["anchor"]["text"] == "เมื่อสงครามกลางเมืองยุติ"
    assert data["removed"][0]["target"]["anchor"]["text"] == "ตัมบอฟ"

    moved = {m["id"]: m for m in data["moved"]}
    assert moved["fourteenth-congress"]["old"]["anchor"]["text"] == "ในการประชุมสมัชชาพรรคครั้งที่ 14"
    assert moved["fourteenth-congress"]["new"]["anchor"]["text"] == "ควบคุมสมาชิกพรรคได้ด้วยตำแหน่งเลขาธิการใหญ่"
    assert (moved["krasnaya-nov"]["old"]["paragraph"], moved["krasnaya-nov"]["new"]["paragraph"]) == ("p076", "p008")
    assert all(m["selector_updated"] for m in data["moved"])

    (re,) = data["reanchored"]
    assert (re["old"]["status"], re["new"]["status"]) == ("exact", "fuzzy") and not re["selector_updated"]
    assert re["old"]["anchor"]["text"] == "มาตรการเรียกเก็บอาหารของรัฐบาล"
    assert "ทาง" in re["new"]["anchor"]["text"]
    (orphan,) = data["orphaned"]
    assert orphan["old"]["status"] == "exact" and orphan["new"]["anchor"] is None
    assert orphan["new"]["status"] in ("orphan", "ambiguous")

    meta = {(m["id"], m["field"]): m for m in data["metadata"]}
    assert meta[("glossary", "title")]["new"] == "อภิธานศัพท์ท้ายบท"
    assert meta[(KEY, "pages")]["scope"] == "bibliography"


def test_body_diff_is_word_level(edits):
    body = next(c for c in edits.changed if c.id == "kronstadt-demands").details["body"]
    changes = [op for op in body.diff if op.op != "equal"]
    assert [(op.op, op.text) for op in changes] == [("insert", "แก้ไข ")]
    old = "".join(op.text for op in body.diff if op.op != "insert")
    new = "".join(op.text for op in body.diff if op.op != "delete")
    assert (old, new) == (body.old, body.new)
    # every run boundary is a word boundary of the segmentation, never inside a word
    boundaries, pos = set(), 0
    for word in segment(new):
        pos += len(word)
        boundaries.add(pos)
    pos = 0
    for op in body.diff:
        if op.op != "delete":
            pos += len(op.text)
            assert pos in boundaries


def test_accepting_a_reanchoring_is_reported_as_such(repo):
    accepted = to_data(_diff(repo, "edits", "accept"))
    assert [r["id"] for r in accepted["reanchored"]] == ["war-communism-prodrazverstka"]
    assert (accepted["reanchored"][0]["old"]["status"], accepted["reanchored"][0]["new"]["status"]) == (
        "fuzzy", "exact")
    assert not any(accepted[k] for k in LIST_KEYS if k != "reanchored")
    whole = to_data(_diff(repo, "base", "accept"))
    (re,) = [r for r in whole["reanchored"] if r["id"] == "war-communism-prodrazverstka"]
    assert re["selector_updated"] and re["new"]["status"] == "exact"
    assert "war-communism-prodrazverstka" not in {m["id"] for m in whole["moved"]}


def test_reordering_and_reformatting_is_not_a_change(repo):
    result = _diff(repo, "base", "reorder")
    assert result.empty, to_json(result)
    assert "no differences" in to_text(result)


def test_new_defaults_to_the_working_tree(repo):
    path = repo / GLOSSARY
    saved = path.read_text(encoding="utf-8")
    try:
        data = _load(path)
        _item(data, "gosplan")["type"] = "commentary"
        _dump(path, data)
        result = to_data(_diff(repo, "edits", None))
        assert [(c["id"], c["kinds"]) for c in result["changed"]] == [("gosplan", ["type"])]
        assert sum(len(v) for v in result.values()) == 1
    finally:
        path.write_text(saved, encoding="utf-8")


def test_command_text_json_and_exit_code(repo, capsys):
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path)
    add_parser(parser.add_subparsers(dest="command"))

    def run(*argv: str) -> tuple[int, str]:
        args = parser.parse_args(["--root", str(repo), "diff", *argv])
        code = args.handler(args)
        return code, capsys.readouterr().out

    code, out = run("base", "edits")
    assert code == 0 and "\x1b[" not in out  # plain when not a terminal
    assert "[-" not in out.split("kronstadt-demands")[1].split("\n  ")[0]
    assert "{+แก้ไข +}" in out and "reanchored (1)" in out and "orphaned (1)" in out
    code, out = run("base", "edits", "--format", "json", "--exit-code")
    assert code == 1 and set(json.loads(out)) == set(LIST_KEYS)
    assert run("base", "reorder", "--exit-code")[0] == 0
    with pytest.raises(EditionError):
        run("no-such-revision")


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_html_is_self_contained_and_escaped(tmp_path):
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    shutil.copytree(ROOT / "annotations", old_dir)
    shutil.copytree(ROOT / "annotations", new_dir)
    notes = _load(new_dir / "editorial-notes.yaml")
    _item(notes, "nep")["body"] += ' <script>alert("x")</script> <img src=x onerror=alert(1)>'
    _dump(new_dir / "editorial-notes.yaml", notes)
    result = compare(load_snapshot(resolve_spec(str(old_dir), ROOT), ROOT, tmp_path / "w1"),
                     load_snapshot(resolve_spec(str(new_dir), ROOT), ROOT, tmp_path / "w2"))
    assert [(c.id, c.kinds) for c in result.changed] == [("nep", ("body",))]
    page = to_html(result)
    lower = page.lower()
    assert "<script" not in lower and "<img" not in lower
    assert "&lt;script&gt;" in page
    for banned in ("url(", "@import", "<link", "<iframe", "<object", "<embed"):
        assert banned not in lower, banned
    parser = _Tags()
    parser.feed(page)
    tags = {t for t, _ in parser.tags}
    assert {"html", "style", "table", "mark"} <= tags and not tags & {"script", "img", "link", "iframe"}
    for _, attrs in parser.tags:
        assert not set(attrs) & {"src", "srcset", "data", "action", "background", "poster"}
        assert not any(name.startswith("on") for name in attrs)
        assert attrs.get("href", "#").startswith("#")  # in-page links only
    assert "<ins>" in page  # the inserted words, side by side with the old body
    assert 'lang="th"' in page


def test_two_annotation_files(tmp_path):
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    shutil.copy(ROOT / GLOSSARY, old)
    data = _load(ROOT / GLOSSARY)
    data["annotations"].pop()
    _dump(new, data)
    result = compare(load_snapshot(resolve_spec(str(old), ROOT), ROOT, tmp_path / "w1"),
                     load_snapshot(resolve_spec(str(new), ROOT), ROOT, tmp_path / "w2"))
    assert [e.id for e in result.removed] == [_load(ROOT / GLOSSARY)["annotations"][-1]["id"]]
    assert result.counts()["removed"] == 1 and sum(result.counts().values()) == 1


def test_a_books_later_chapters_are_compared_as_well_as_its_first(tmp_path):
    """Every chapter's paragraphs are read: a note of chapter 2 whose body changed is `changed`,
    one whose quote moved within chapter 2 is `moved`, and nothing of chapter 2 is orphaned."""
    from bench.book import make_book

    old = make_book(tmp_path / "old", chapters=2, paragraphs=3)
    new = tmp_path / "new"
    shutil.copytree(old, new)
    path = new / NOTES
    data = _load(path)
    ch2 = [a for a in data["annotations"] if a["id"].endswith("-ch2") and a["type"] == "footnote"]
    assert len(ch2) >= 2
    ch2[0]["body"] = "ข้อความใหม่ " + ch2[0]["body"]
    _dump(path, data)
    result = compare(load_snapshot(resolve_spec(str(old), old), old, tmp_path / "w1"),
                     load_snapshot(resolve_spec(str(new), new), new, tmp_path / "w2"))
    assert [e.id for e in result.changed] == [ch2[0]["id"]]
    assert not result.orphaned and not result.removed and not result.added
    assert result.counts()["changed"] == 1 and sum(result.counts().values()) == 1
