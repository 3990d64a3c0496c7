#!/usr/bin/env python3
"""Benchmark of the chapter build: prints figures, asserts nothing (times are never a test).

    python bench/run.py            # the chapter: cold build against one raw WeasyPrint run, and more
    python bench/run.py --book 1,5,20   # generated books of N chapters: time, memory, bytes for each N
    python bench/run.py --tei FILE.xml  # any TEI document (`new`, then a cold build) against raw WeasyPrint

Figures: the full build (both PDFs and the EPUB) against one raw WeasyPrint run over the same
print HTML in the same run; the build on worker processes and in one process; a second short
chapter's cost; the no-change rebuild; for books, memory, the time split between the graph,
the workers and the merges, and the bytes of a one-process build against the workers'.
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

from edition.config import PROJECT_SOURCES  # noqa: E402


def timed(label: str, fn, results: dict):
    start = time.perf_counter()
    value = fn()
    results[label] = time.perf_counter() - start
    return value


def scratch_project(target: Path) -> Path:
    target.mkdir(parents=True)
    for part in PROJECT_SOURCES:
        src = ROOT / part
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copy2)(src, target / part)
    return target


def build_cmd(root: Path, *args: str) -> list[str]:
    return [sys.executable, str(ROOT / "build.py"), "--root", str(root), "build", *args]


def run_timed(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """Wall and CPU time (this process's children) of a command, and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(done.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, done.stdout + done.stderr


def one_html(root: Path, parts: list[str]) -> Path:
    """The book's parts, as each was laid out (build/print/<part>.html), joined into one HTML
    document under the first part's head: what one raw WeasyPrint run is measured on."""
    from lxml import html as lxml_html

    documents = [lxml_html.document_fromstring((root / "build" / "print" / f"{p}.html").read_bytes()) for p in parts]
    first = documents[0]
    body = first.find("body")
    for doc in documents[1:]:
        for child in doc.find("body"):
            if child.tag == "style" or "book-borrowed-anchors" in (child.get("class") or ""):
                continue
            body.append(child)
    target = root / "build" / "one-document.html"
    target.write_bytes(lxml_html.tostring(first, encoding="utf-8", doctype="<!DOCTYPE html>"))
    return target


def main() -> None:
    import json

    env = dict(os.environ)
    results: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = scratch_project(tmp / "edition")

        from edition.config import load_book, load_print_config
        from edition.resolve import read_sources, resolve

        sources = timed("read sources", lambda: read_sources(load_book(root)), results)
        config = load_print_config(root)
        resolution = timed("anchor and resolve", lambda: resolve(sources, config.footnote_max_chars), results)
        edition = resolution.edition

        from edition.inlines import reading_text
        from edition.resolve import paragraphs_of
        from edition.thai import segment
        text = "".join(reading_text(p.inlines) for p in paragraphs_of(edition))
        timed("segment (PyThaiNLP, dictionary load included)", lambda: segment(text, edition.custom_words), results)

        label = "full build, cold (both PDFs + EPUB), worker processes"
        results[label], cpu[label], out = run_timed(build_cmd(root, "--timings"), env)
        split = out.strip().splitlines()[-1]
        in_process = scratch_project(tmp / "in-process")
        label2 = "full build, cold, in this process (--in-process)"
        results[label2], cpu[label2], _ = run_timed(build_cmd(in_process, "--in-process"), env)
        results["no-change rebuild"], _, _ = run_timed(build_cmd(root), env)
        (root / "dist" / ".build-manifest.json").unlink()
        results["rebuild, every cache warm (manifest deleted)"], _, _ = run_timed(build_cmd(root), env)
        second = make_book_with_second_chapter(tmp / "second")
        label3 = "chapter + a second chapter of 4 paragraphs, cold"
        results[label3], cpu[label3], _ = run_timed(build_cmd(second), env)

        # one raw WeasyPrint run, as a user would start it, over the same HTML the build laid out
        from edition.parts import book_parts

        html = one_html(root, [p.id for p in book_parts(edition)])
        results["raw WeasyPrint run on the same HTML (one PDF)"], _, _ = run_timed(
            [str(Path(sys.executable).parent / "weasyprint"), "--base-url", str(root / "build"), str(html),
             str(tmp / "raw.pdf")], env)

        import pypandoc

        from edition.writers.epub import build_document
        pages = json.loads((root / "dist" / "chapter-03.pages.json").read_text(encoding="utf-8"))
        document = tmp / "edition.pandoc.json"  # the whole chapter as one pandoc document
        document.write_text(json.dumps(build_document(edition, book_parts(edition), pages["page_starts"]),
                                       ensure_ascii=False), encoding="utf-8")
        timed("raw pandoc on the generated JSON (EPUB)", lambda: pypandoc.convert_file(
            str(document), "epub3", format="json",
            outputfile=str(tmp / "raw.epub"), extra_args=["--sandbox", "--split-level=1"]), results)

    raw = results["raw WeasyPrint run on the same HTML (one PDF)"]
    width = max(map(len, results))
    for name, seconds in results.items():
        extra = f"  (CPU {cpu[name]:.1f} s)" if name in cpu else ""
        print(f"{name:<{width}}  {seconds:7.2f} s{extra}")
    print(f"\nwhere the default build's time went (its --timings line): {split}")
    print(f"{'full build / one raw WeasyPrint run':<{width}}  {results[label] / raw:7.2f}")
    print(f"{'in-process build / one raw WeasyPrint run':<{width}}  {results[label2] / raw:7.2f}")
    print(f"{'with a second short chapter / the chapter alone':<{width}}  {results[label3] / results[label]:7.2f}")
    both = 2 * raw + results["raw pandoc on the generated JSON (EPUB)"]
    print(f"{'full build / raw renderers (2 PDFs + EPUB)':<{width}}  {results[label] / both:7.2f}")
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{'largest single process of a build':<{width}}  {peak_child:.0f} MB")


def make_book_with_second_chapter(target: Path) -> Path:
    """The chapter, and a copy of its first four paragraphs as a second chapter."""
    from bench.book import make_book

    return make_book(target, 2, paragraphs=[None, 4])


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


def measured_build(root: Path, env: dict, sampled: bool = True, extra: tuple[str, ...] = ()) -> tuple[float, int, float]:
    """Wall time, peak memory of all the build's processes together (sampled every 50 ms; 0 when
    ``sampled`` is false) and the CPU time of all of them (on a shared machine, the fairer measure of
    what the build costs). The sampler reads /proc/PID/smaps_rollup of every process 20 times a
    second, which takes the kernel through their page tables: on 2 cores it slows a 20-chapter build
    by about 7 %, so times are taken from runs without it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen([*build_cmd(root), *extra], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
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


def book_table(sizes: list[int], compare: bool = True) -> None:
    """Each book size built cold (worker processes, the default), again with nothing changed,
    after one footnote edit; memory from the same builds run again with the sampler; the time
    split of the cold build (its --timings line); and, with ``compare``, the same book built in
    one process, byte for byte against the worker processes' output."""
    from bench.book import make_book

    env = dict(os.environ)
    workers = env.get("EDITION_JOBS") or str(len(os.sched_getaffinity(0)))
    rows, splits, same = [], {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            root = make_book(Path(tmp) / f"book-{n}", n)
            # times from builds without the memory sampler; memory from the same builds run again
            cold, cold_cpu, out = run_timed(build_cmd(root, "--timings"), env)
            splits[n] = out.strip().splitlines()[-1]
            again, _, _ = run_timed(build_cmd(root), env)
            edit_one_annotation(root)
            edited, edit_cpu, _ = run_timed(build_cmd(root), env)
            reference = {p.name: p.read_bytes() for p in (root / "dist").iterdir() if p.suffix in (".pdf", ".epub")}
            for generated in ("build", "dist"):
                shutil.rmtree(root / generated)
            _, cold_mem, _ = measured_build(root, env)  # cold again (the edit kept)
            edit_one_annotation(root)
            _, edit_mem, _ = measured_build(root, env)
            import pikepdf
            with pikepdf.open(root / "dist" / f"book-{n}.pdf") as pdf:
                pages = len(pdf.pages)
            if compare and n > 1:
                alone = make_book(Path(tmp) / f"alone-{n}", n)
                edit_one_annotation(alone)
                run_timed(build_cmd(alone, "--in-process"), env)
                mine = {p.name: p.read_bytes() for p in (alone / "dist").iterdir() if p.suffix in (".pdf", ".epub")}
                same[n] = sorted(name for name in mine if mine[name] != reference.get(name)) or "identical"
                shutil.rmtree(alone)
            rows.append((n, pages, cold, cold_cpu, again, edited, edit_cpu, max(cold_mem, edit_mem)))
            shutil.rmtree(root)
    print(f"workers: {workers} (EDITION_JOBS), cores: {os.cpu_count()}")
    print("| chapters | pages | full build, cold (CPU) | no-change rebuild | after one annotation edit (CPU) "
          "| peak memory, all processes |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, pages, cold, cold_cpu, again, edited, edit_cpu, mem in rows:
        print(f"| {n} | {pages} | {cold:.1f} s ({cold_cpu:.0f} s) | {again:.2f} s | {edited:.1f} s ({edit_cpu:.0f} s) "
              f"| {mem / 2**20:.0f} MB |")
    for n, line in splits.items():
        print(f"{n} chapters, where the time went: {line}")
    for n, verdict in same.items():
        print(f"{n} chapters in one process against worker processes: {verdict}")
    one = next((r for r in rows if r[0] == 1), None)
    if one:
        for n, _, cold, cold_cpu, *_ in rows:
            if n > 1:
                print(f"{n} chapters: {cold:.1f} s wall against {n} x one chapter / {workers} workers = "
                      f"{n * one[2] / int(workers):.1f} s; CPU per chapter {cold_cpu / n:.0f} s (one chapter: "
                      f"{one[3]:.0f} s)")


def max_rss_mb(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time and the largest resident set of one process of ``cmd`` (GNU time's figure)."""
    with tempfile.NamedTemporaryFile(suffix=".txt") as report:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-v", "-o", report.name, *cmd], capture_output=True, text=True,
                              env=env)
        wall = time.perf_counter() - start
        if done.returncode:
            raise SystemExit(done.stderr)
        text = Path(report.name).read_text(encoding="utf-8", errors="replace")
    return wall, int(text.split("Maximum resident set size (kbytes): ")[1].split()[0]) / 1024


def tei_speed(document: Path) -> None:
    """A TEI document as a new user builds it (#17's speed figure for Treasure Island): `new`, a
    cold build (both PDFs and the EPUB), then one raw WeasyPrint run over the same print HTML the
    build laid out (its parts joined), side by side; and the memory of each."""
    from edition.parts import book_parts
    from edition.resolve import load

    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "edition"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "new", str(root), "--manuscript", str(document),
                        "--lang", "en"], check=True, capture_output=True)
        cold, cold_cpu, out = run_timed(build_cmd(root, "--timings"), env)
        split = out.strip().splitlines()[-1]
        for generated in ("build", "dist"):
            shutil.rmtree(root / generated)
        _, tree_peak, _ = measured_build(root, env)  # cold again, with the memory sampler
        book, _, resolution = load(root)
        html = one_html(root, [p.id for p in book_parts(resolution.edition, book.front, book.back)])
        raw_cmd = [str(Path(sys.executable).parent / "weasyprint"), "--base-url", str(root / "build"), str(html),
                   str(Path(tmp) / "raw.pdf")]
        raw, raw_cpu, _ = run_timed(raw_cmd, env)
        _, raw_rss = max_rss_mb(raw_cmd, env)
        import pikepdf
        with pikepdf.open(Path(tmp) / "raw.pdf") as pdf:
            raw_pages = len(pdf.pages)
        stem = load(root)[0].name
        with pikepdf.open(root / "dist" / f"{stem}.pdf") as pdf:
            built_pages = len(pdf.pages)
    kb = document.stat().st_size / 1024
    print(f"{document.name}: {kb:.0f} kB of TEI, {built_pages} pages built ({raw_pages} in the raw run)")
    print(f"  full build, cold (both PDFs + EPUB)    {cold:7.2f} s  (CPU {cold_cpu:.1f} s)")
    print(f"  one raw WeasyPrint run, same HTML      {raw:7.2f} s  (CPU {raw_cpu:.1f} s)")
    print(f"  full build / one raw WeasyPrint run    {cold / raw:7.2f}")
    print(f"  peak memory, all the build's processes {tree_peak / 2**20:7.0f} MB (sum of PSS, sampled)")
    print(f"  peak memory, the raw WeasyPrint run    {raw_rss:7.0f} MB (its resident set)")
    print(f"  where the build's time went: {split}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", help="chapter counts, e.g. 1,5,20: generated books instead of the chapter")
    parser.add_argument("--no-compare", action="store_true", help="skip the in-process build of each book")
    parser.add_argument("--tei", type=Path, help="a TEI document to build as a new edition, against raw WeasyPrint")
    args = parser.parse_args()
    if args.tei:
        tei_speed(args.tei.resolve())
    elif args.book:
        book_table([int(n) for n in args.book.split(",")], compare=not args.no_compare)
    else:
        main()
