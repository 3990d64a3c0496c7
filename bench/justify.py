#!/usr/bin/env python3
"""Justified Thai against ragged right, measured: prints figures, asserts nothing.

    python bench/justify.py            # cold builds in scratch copies; about three minutes

For the chapter at A5, B5 and 6x9 in: the time of the print build (both PDFs) justified and
ragged, and, from the glyph positions of the justified reading PDF (the tests' measurement,
tests/test_justify.py): non-final lines short of the measure, gaps at phrase spaces and at Thai
word boundaries (p95 / p99, em), gaps inside words (p95), false spaces and bad breaks in the copy
text (pdftotext -raw), and the lines the build reports as set loose.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from edition.config import PROJECT_SOURCES  # noqa: E402


def build(root: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), "build", *args],
                            capture_output=True, text=True, check=True)
    return time.perf_counter() - start, result.stdout + result.stderr


def scratch(tmp: Path, name: str) -> Path:
    root = tmp / name
    root.mkdir()
    for part in PROJECT_SOURCES:
        src = ROOT / part
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)
    return root


def copy_text_problems(pdf: Path, trim: str, edition) -> tuple[int, int]:
    from edition.inlines import name_spans, reading_text
    from edition.measure import align, areas, margins
    from edition.resolve import paragraphs_of
    from edition.thai import break_opportunities

    main, _ = areas(pdf, *margins(trim))
    false_spaces = bad_breaks = 0
    for p in paragraphs_of(edition):
        text = reading_text(p.inlines)
        a = align(text, main)
        false_spaces += len(a.false_spaces)
        allowed = set(break_opportunities(text, name_spans(p.inlines), edition.custom_words))
        bad_breaks += sum(1 for b in a.breaks if text[b - 1] != " " and b not in allowed)
    return false_spaces, bad_breaks


def main() -> None:
    from edition.measure import chapter_pages, gaps, pct, short_lines
    from edition.resolve import load

    _, _, resolution = load(ROOT)
    edition = resolution.edition
    paragraphs = sum(1 for c in edition.chapters for s in c.sections for _ in s.paragraphs)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for trim in ("A5", "B5", "6x9in"):
            ragged_time, _ = build(scratch(Path(tmp), f"ragged-{trim}"), "--trim", trim, "--only", "pdf,print",
                                   "--ragged")
            root = scratch(Path(tmp), f"justified-{trim}")
            justified_time, out = build(root, "--trim", trim, "--only", "pdf,print", "--justify")
            loose = re.search(r"(\d+) set loose", out)
            pdf = root / "dist" / "chapter-03.pdf"
            pages = chapter_pages(root, edition)
            spaces, words, inside = gaps(pdf, edition.custom_words, pages)
            short = short_lines(pdf, trim, pages)
            false_spaces, bad_breaks = copy_text_problems(pdf, trim, edition)
            rows.append((trim, f"{justified_time:.1f} s / {ragged_time:.1f} s ({justified_time / ragged_time:.2f}x)",
                         f"{max(0, short - paragraphs)}",
                         f"{pct(spaces, .95):.2f} / {pct(spaces, .99):.2f}",
                         f"{pct(words, .95):.3f} / {pct(words, .99):.3f}", f"{pct(inside, .95):.3f}",
                         str(false_spaces), str(bad_breaks), loose.group(1) if loose else "?"))
    head = ("trim", "print build justified / ragged", "non-final lines short of the measure",
            "phrase space p95 / p99 (em)", "word boundary p95 / p99 (em)", "inside a word p95 (em)",
            "false spaces", "bad breaks", "lines set loose")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(f"\n(at most one short line per paragraph: {paragraphs} paragraphs; a short line beyond that "
          "would be a non-final line short of the measure)")


if __name__ == "__main__":
    main()
