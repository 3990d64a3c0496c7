#!/usr/bin/env python3
"""Benchmark of the chapter build: prints figures, asserts nothing (times are never a test).

    python bench/run.py            # cold build in a scratch copy, stage times, raw renderers, memory

Figures: the full build (both PDFs and the EPUB) against the raw renderers on the same content in
the same run (WeasyPrint on the generated print HTML alone, pandoc on the generated pandoc JSON
alone), the time of each stage, the no-change rebuild, and peak memory.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def timed(label: str, fn, results: dict):
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    return value


def main() -> None:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "edition"
        root.mkdir()
        for part in ("book.yaml", "manuscript", "annotations", "styles"):
            src = ROOT / part
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)

        from edition.config import load_book, load_print_config
        from edition.resolve import read_sources, resolve

        book = timed("read sources", lambda: read_sources(load_book(root)), results)
        config = load_print_config(root)
        resolution = timed("anchor and resolve", lambda: resolve(book, config.footnote_max_chars), results)
        edition = resolution.edition

        from edition.inlines import reading_text
        from edition.resolve import paragraphs_of
        from edition.thai import segment
        text = "".join(reading_text(p.inlines) for p in paragraphs_of(edition))
        timed("segment (PyThaiNLP, dictionary load included)", lambda: segment(text, edition.custom_words), results)

        def full_build():
            return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root)], check=True,
                                  capture_output=True)

        timed("full build, cold (both PDFs + EPUB)", full_build, results)
        timed("no-change rebuild", full_build, results)
        (root / "dist" / ".build-manifest.json").unlink()
        timed("rebuild, layout plan cached", full_build, results)

        import weasyprint

        from edition.writers.pdf import project_fetcher
        html = (root / "build" / "print-reading.html").read_text(encoding="utf-8")
        timed("raw WeasyPrint on the generated HTML (one PDF)", lambda: weasyprint.HTML(
            string=html, base_url=str(root / "build"), url_fetcher=project_fetcher(root)).write_pdf(), results)
        import pypandoc
        timed("raw pandoc on the generated JSON (EPUB)", lambda: pypandoc.convert_file(
            str(root / "build" / "edition.pandoc.json"), "epub3", format="json",
            outputfile=str(Path(tmp) / "raw.epub"), extra_args=["--sandbox", "--split-level=1"]), results)

    raw = 2 * results["raw WeasyPrint on the generated HTML (one PDF)"] + results["raw pandoc on the generated JSON (EPUB)"]
    width = max(map(len, results))
    for label, seconds in results.items():
        print(f"{label:<{width}}  {seconds:7.2f} s")
    print(f"{'raw renderers on the same content (2 PDFs + EPUB)':<{width}}  {raw:7.2f} s")
    print(f"{'full build / raw renderers':<{width}}  {results['full build, cold (both PDFs + EPUB)'] / raw:7.2f}")
    print(f"{'warm content rebuild / raw renderers':<{width}}  {results['rebuild, layout plan cached'] / raw:7.2f}")
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'peak memory, this process / a build process':<{width}}  {peak_self:.0f} MB / {peak_child:.0f} MB")


if __name__ == "__main__":
    main()
