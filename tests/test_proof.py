"""The editor's proof: notes changed since a revision are listed with their pages and marked."""

from __future__ import annotations

import re
import subprocess

import yaml

from tests.support import copy_project, run_build


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@t", "PATH": "/usr/bin:/bin"})


def committed_copy(tmp_path):
    """A copy of the project in a git repository with one commit, to edit and compare with HEAD."""
    root = copy_project(tmp_path / "p")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    return root, root / "annotations" / "editorial-notes.yaml"


def pdftotext(pdf, first, last):
    return subprocess.run(["pdftotext", "-raw", "-f", str(first), "-l", str(last), str(pdf), "-"],
                          capture_output=True, text=True).stdout


def test_proof_lists_and_marks_exactly_the_changed_note(tmp_path):
    root, notes = committed_copy(tmp_path)
    text = notes.read_text(encoding="utf-8")
    item = next(a for a in yaml.safe_load(text)["annotations"] if a["type"] == "footnote" and len(a["body"]) < 400)
    changed, word = item["id"], item["body"].split()[0]
    at = text.index(word, text.index(f"- id: {changed}\n"))
    notes.write_text(text[:at] + "ตรวจแก้" + text[at:], encoding="utf-8")

    result = run_build(root, "proof", "HEAD")
    assert result.returncode == 0, result.stderr
    pdf = root / "proofs" / "chapter-03-proof.pdf"
    assert not (root / "dist").exists()  # a proof is not a build: dist/ is left alone
    first = pdftotext(pdf, 1, 1)
    rows = [line for line in first.split("\n") if re.search(r"[a-z]+-[a-z0-9-]+", line)]
    assert len(rows) == 1 and changed in rows[0], first
    page = int(rows[0].split()[-1])
    squeezed = "".join(pdftotext(pdf, page, page).split())
    assert "‖" in squeezed and "ตรวจแก้" + word in squeezed
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "DejaVu" not in fonts  # the change bar is a glyph of the edition's own fonts


def test_the_html_diff_reads_in_a_headless_browser(tmp_path):
    import shutil

    chromium = shutil.which("chromium")
    assert chromium, "make installs Debian's chromium"
    root, notes = committed_copy(tmp_path)
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("body: >-\n", "body: >-\n    <script>document.title='x'</script>\n", 1),
                     encoding="utf-8")
    page = tmp_path / "diff.html"
    result = run_build(root, "diff", "HEAD", "--format", "html", "-o", str(page))
    assert result.returncode == 0, result.stderr
    dom = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "&lt;script&gt;document.title" in dom  # shown as text, never run
    assert "<script>" not in dom
    assert re.search(r"<title>[^<]*</title>", dom) and "<title>x</title>" not in dom
