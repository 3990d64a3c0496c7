#!/usr/bin/env python3
"""Benchmark of the chapter build: prints figures, asserts nothing (times are never a test).

    python bench/run.py            # cold build in a scratch copy, stage times, raw renderers, memory
    python bench/run.py --book 1,5,20   # generated books of N chapters: time and memory for each N

Figures: the full build (both PDFs and the EPUB) against the raw renderers on the same content in
the same run (WeasyPrint on the generated print HTML alone, pandoc on the generated pandoc JSON
alone), the time of each stage, the no-change rebuild, and peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
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
        html = (root / "build" / "print.html").read_text(encoding="utf-8")
        timed("raw WeasyPrint on the generated HTML (one PDF)", lambda: weasyprint.HTML(
            string=html, base_url=str(root / "build"), url_fetcher=project_fetcher(root)).write_pdf(), results)
        import json

        import pypandoc

        from edition.writers.epub import build_document
        pages = json.loads((root / "dist" / "chapter-03.pages.json").read_text(encoding="utf-8"))
        document = Path(tmp) / "edition.pandoc.json"  # the whole chapter as one pandoc document
        document.write_text(json.dumps(build_document(edition, pages["page_starts"]), ensure_ascii=False),
                            encoding="utf-8")
        timed("raw pandoc on the generated JSON (EPUB)", lambda: pypandoc.convert_file(
            str(document), "epub3", format="json",
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


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    children.setdefault(int(fh.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
            except OSError:
                continue
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, ()))
    return out


def pss(pid: int) -> int:
    """The proportional set size of a process in bytes (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("Pss:")) * 1024
    except (OSError, StopIteration):
        return 0


def tree_pss(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes: the sum of their proportional set
    sizes (pages shared by forked workers counted once, not once per process)."""
    return sum(pss(p) for p in process_tree(pid))


def measured_build(root: Path, env: dict, sampled: bool = True) -> tuple[float, int, float]:
    """Wall time, peak memory of all the build's processes together (sampled every 50 ms; 0 when
    ``sampled`` is false) and the CPU time of all of them (on a shared machine, the fairer measure of
    what the build costs). The sampler reads /proc/PID/smaps_rollup of every process 20 times a
    second, which takes the kernel through their page tables: on 2 cores it slows a 20-chapter build
    by about 7 %, so times are taken from runs without it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--root", str(root)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample():
        nonlocal peak
        while sampled and proc.poll() is None:
            peak = max(peak, tree_pss(proc.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = proc.communicate()
    elapsed = time.perf_counter() - start
    sampler.join()
    if proc.returncode:
        raise SystemExit(err.decode())
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return elapsed, peak, cpu


def edit_one_annotation(root: Path) -> None:
    """Change the body of the first footnote of chapter 1 (what an editor does between builds)."""
    path = root / "annotations" / "editorial-notes.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  body: "
    at = text.index(marker) + len(marker)
    path.write_text(text[:at] + text[at:].replace("\n", " (แก้ไข)\n", 1), encoding="utf-8")


def book_table(sizes: list[int]) -> None:
    from bench.book import make_book

    env = dict(os.environ)
    workers = env.get("EDITION_JOBS") or str(len(os.sched_getaffinity(0)))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = make_book(Path(tmp) / f"book-{n}", n)
            # times from builds without the memory sampler; memory from the same builds run again
            cold, _, cold_cpu = measured_build(root, env, sampled=False)
            again, _, _ = measured_build(root, env, sampled=False)
            edit_one_annotation(root)
            edited, _, edit_cpu = measured_build(root, env, sampled=False)
            for generated in ("build", "dist"):
                shutil.rmtree(root / generated)
            _, cold_mem, _ = measured_build(root, env)  # cold again (the edit kept)
            edit_one_annotation(root)
            _, edit_mem, _ = measured_build(root, env)
            import pikepdf
            with pikepdf.open(root / "dist" / f"book-{n}.pdf") as pdf:
                pages = len(pdf.pages)
            rows.append((n, pages, cold, cold_cpu, again, edited, edit_cpu, max(cold_mem, edit_mem)))
            shutil.rmtree(root)
    print(f"workers: {workers} (EDITION_JOBS), cores: {os.cpu_count()}")
    print("| chapters | pages | full build, cold (CPU) | no-change rebuild | after one annotation edit (CPU) "
          "| peak memory, all processes |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, pages, cold, cold_cpu, again, edited, edit_cpu, mem in rows:
        print(f"| {n} | {pages} | {cold:.1f} s ({cold_cpu:.0f} s) | {again:.2f} s | {edited:.1f} s ({edit_cpu:.0f} s) "
              f"| {mem / 2**20:.0f} MB |")
    one = next((r for r in rows if r[0] == 1), None)
    if one:
        for n, _, cold, cold_cpu, *_ in rows:
            if n > 1:
                print(f"{n} chapters: {cold:.1f} s wall against {n} x one chapter / {workers} workers = "
                      f"{n * one[2] / int(workers):.1f} s; CPU per chapter {cold_cpu / n:.0f} s (one chapter: "
                      f"{one[3]:.0f} s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", help="chapter counts, e.g. 1,5,20: generated books instead of the chapter")
    args = parser.parse_args()
    if args.book:
        book_table([int(n) for n in args.book.split(",")])
    else:
        main()
