"""The command line: `python build.py [command]`. Errors become one readable message each and a
non-zero exit status; nothing is printed as a traceback for a problem in the user's input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import EditionError, Problem

ROOT = Path(__file__).resolve().parents[1]


def _console():
    from rich.console import Console
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _report(problems: list[Problem], root: Path) -> None:
    console = _console()
    for p in problems:
        style = "red" if p.severity == "error" else "yellow"
        console.print(p.format(root), style=style, markup=False)


def _resolution(args):
    """The project's resolution, its edition made (warnings and all), or its problems raised."""
    from .resolve import load

    _, _, resolution = load(args.root)
    if resolution.edition is None:
        raise EditionError(resolution.problems)
    return resolution


def cmd_build(args) -> int:
    from .build.builders import FORMATS
    from .build.pipeline import BuildOptions, build

    console = _console()
    formats = tuple(f.strip().lower() for f in args.only.split(",")) if args.only else FORMATS
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise EditionError.at("--only", None, f"unknown output {', '.join(unknown) or '(none)'}",
                              f"name some of {', '.join(FORMATS)}, separated by commas (e.g. --only pdf,epub)")
    options = BuildOptions(trim=args.trim, formats=tuple(dict.fromkeys(formats)), justify=args.justify,
                           processes=args.processes)
    with console.status("building") as status:
        result = build(args.root, options, progress=lambda s: status.update(s), scheduler=args.scheduler)
    if result.up_to_date:
        console.print("dist/ is up to date (nothing changed since the last build)")
        return 0
    for out in result.outputs:
        console.print(f"wrote {out.relative_to(args.root)}", markup=False)
    for line in result.notes:
        console.print(line, markup=False)
    if result.warnings:
        n = len(result.warnings)
        console.print(f"{n} warning{'s' if n != 1 else ''} (run `python build.py check` to list them)")
    if args.timings:
        console.print("  ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings), markup=False)
    return 0


def cmd_check(args) -> int:
    from .config import load_book, load_print_config
    from .resolve import read_sources, resolve
    from .validate import check, epub_problems

    book = load_book(args.root)
    sources = read_sources(book)  # read once: the resolver and the schema checks share it
    resolution = resolve(sources, load_print_config(args.root).footnote_max_chars)
    from .processing import load_model

    problems = check(resolution, sources.manuscripts, args.root / "build" / "cache", book.schema, load_model(args.root))
    epub = args.root / "dist" / f"{book.name}.epub"
    if epub.exists():  # the built EPUB, if there is one: EPUBCheck and Ace
        problems += epub_problems(epub, args.root / "build" / "cache")
    _report(problems, args.root)
    errors = [p for p in problems if p.severity == "error"]
    _console().print(f"check: {len(errors)} errors, {len(problems) - len(errors)} warnings")
    return 1 if errors else 0


def cmd_ingest(args) -> int:
    from .ingest import ingest

    if args.into is None:
        raise EditionError.at(args.ocr, None, "no manuscript to write (--into)",
                              "name the TEI file to make, e.g. --into manuscript/chapter-01.xml")
    done = ingest(args.ocr, args.into, args.lang, tuple(args.head or ()), args.title, args.editor)
    console = _console()
    console.print(f"wrote {done.path}: paragraphs {done.paragraphs}, section heads {len(done.section_heads)}, "
                  f"running heads {done.running_heads}, page numbers {done.page_numbers}", markup=False)
    for head in done.section_heads:
        console.print(f"  section head: {head}", markup=False)
    if done.section_heads and not done.heads_given:
        console.print("  (found by rule: if they are wrong, move the file away and ingest again with --head "
                      "for each section head)", markup=False)
    if done.normalised:
        console.print(f"note: the manuscript gives back every line of {args.ocr}, with {'; '.join(done.normalised)}",
                      markup=False)
    return 0


def cmd_new(args) -> int:
    import shlex

    from .scaffold import new_edition

    if args.manuscript is None:
        raise EditionError.at(args.dir, None, "no manuscript given (--manuscript)",
                              "name the TEI P5 file the edition is made of: --manuscript FILE.xml")
    made = new_edition(args.dir, args.manuscript, args.lang)
    console = _console()
    console.print(f"wrote {args.dir}/: book.yaml ({made.name}: {made.title or 'no title'}, {made.language}), "
                  f"manuscript/{args.manuscript.name}, annotations/, styles/", markup=False)
    for note in made.notes:
        console.print(f"note: {note}", markup=False)
    console.print(f"next: python build.py --root {shlex.quote(str(args.dir))}", markup=False)
    return 0


def cmd_lint(args) -> int:
    import time

    from .lint import lint_chapter

    resolution = _resolution(args)
    start = time.perf_counter()
    counts: dict[str, int] = {}
    for chapter in resolution.edition.chapters:
        for f in lint_chapter(chapter, resolution.edition.custom_words, language=resolution.edition.metadata.language):
            counts[f.kind] = counts.get(f.kind, 0) + 1
            if f.kind != "unknown-word" or args.words:
                print(f"{Path(chapter.source_file).relative_to(args.root)}:{f.line}: {f.paragraph}@{f.offset}: "
                      f"{f.kind}: {f.message}")
    if args.words:
        from .lint import unknown_note_words

        for file, line, ann_id, word in unknown_note_words(resolution.edition):
            counts["unknown-word in notes"] = counts.get("unknown-word in notes", 0) + 1
            print(f"{Path(file).relative_to(args.root)}:{line}: {ann_id}: unknown-word: word not in the dictionary: "
                  f"{word}")
    elapsed = time.perf_counter() - start
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no findings"
    _console().print(f"lint: {summary} ({elapsed:.2f} s)")
    return 0


def cmd_corrections(args) -> int:
    from rich.table import Table

    from .model import shown

    resolution = _resolution(args)
    corrections = resolution.edition.corrections
    if args.format == "tsv":
        print("id\tparagraph\tsic\tcorr\tcert")
        for c in corrections:
            print(f"{c.id}\t{c.paragraph}\t{shown(c.original)}\t{shown(c.reading)}\t{c.cert}")
        return 0
    table = Table(title=f"{len(corrections)} editorial corrections")
    for col in ("id", "paragraph", "sic", "corr", "cert"):
        table.add_column(col)
    for c in corrections:
        table.add_row(c.id, c.paragraph, shown(c.original), shown(c.reading), c.cert)
    from rich.console import Console
    Console().print(table)
    return 0


def cmd_reanchor(args) -> int:
    from .reanchor import proposals, write_back

    resolution = _resolution(args)
    found = proposals(resolution)
    console = _console()
    lost = [p for p in resolution.problems
            if p.severity == "error" and (" is orphan" in p.message or " is ambiguous" in p.message)]
    for p in lost:
        console.print(p.format(args.root), markup=False, style="red")
    for p in found:
        console.print(f"{p.annotation.file}:{p.annotation.line}: {p.annotation.id}: {p.status} "
                      f"'{p.annotation.selector.exact}' -> '{p.exact}'", markup=False)
    if args.write and found:
        write_back(found)
        console.print(f"wrote {len(found)} re-anchored selectors")
    elif found:
        console.print(f"{len(found)} re-anchorings proposed; run with --write to accept them")
    elif not lost:
        console.print("every annotation is anchored exactly")
    if lost:
        console.print(f"{len(lost)} annotations cannot be re-anchored: fix their selectors by hand")
        return 1
    return 0


def cmd_export_annotations(args) -> int:
    from .resolve import load, require_edition
    from .writers.webanno import to_json

    _, _, resolution = load(args.root)
    data = to_json(require_edition(resolution))
    if args.output in (None, "-"):
        sys.stdout.write(data + "\n")
    else:
        from .files import write_whole

        out = write_whole(Path(args.output), data + "\n")
        _console().print(f"wrote {out}")
    return 0


def cmd_annotate(args) -> int:
    import json
    import re as _re

    from .inlines import reading_text
    from .labels import labels_for
    from .resolve import load, paragraphs_of, require_edition
    from .thai import normalise, normalise_with_map

    _, _, resolution = load(args.root)
    edition = require_edition(resolution)
    quote = normalise(args.quote)
    hits = []
    for p in paragraphs_of(edition):
        text = reading_text(p.inlines)
        norm, where = normalise_with_map(text)
        for m in _re.finditer(_re.escape(quote), norm):
            hits.append((p.id, text, where[m.start()], where[m.end()]))
    if not hits:
        raise EditionError.at("manuscript", None, f"the quote {args.quote!r} is not in the reading text",
                              "quote the corrected reading, without note calls")
    if len(hits) > 1 and not args.paragraph:
        for pid, text, a, b in hits:
            _console().print(f"{pid}: …{text[max(0, a - 20):b + 20]}…", markup=False)
        _console().print(f"{len(hits)} places match; choose one with --paragraph")
        return 1
    hits = [h for h in hits if not args.paragraph or h[0] == args.paragraph]
    if not hits:
        raise EditionError.at("manuscript", None, f"the quote is not in paragraph {args.paragraph}")
    pid, text, a, b = hits[0]
    # an annotation id is lower-case letters, digits and hyphens (the schema's pattern)
    ident = args.id or "note-" + _re.sub(r"[^a-z0-9]+", "-", pid.lower()).strip("-") + "-" + str(a)
    snippet = (f"  - id: {ident}\n    type: {args.type}\n    target:\n      paragraph: {pid}\n"
               f"      exact: {json.dumps(text[a:b], ensure_ascii=False)}\n"
               f"      prefix: {json.dumps(text[max(0, a - 20):a], ensure_ascii=False)}\n"
               f"      suffix: {json.dumps(text[b:b + 20], ensure_ascii=False)}\n"
               f"    resp: \"#ed\"\n    body: >-\n      {labels_for(edition.metadata.language)['note-placeholder']} [@key]\n")
    if args.append:
        path = Path(args.append)
        if not path.is_absolute() and not path.parent.is_dir() and (args.root / path).parent.is_dir():
            path = args.root / path  # a path inside the edition, given from outside it
        if not path.parent.is_dir():
            raise EditionError.at(path, None, "no such folder for the annotation file",
                                  f"give a path to a file in {args.root / 'annotations'}")
        with path.open("a", encoding="utf-8") as fh:
            fh.write(snippet)
        _console().print(f"appended {ident} to {path}; write its body, then run `build.py check`")
    else:
        sys.stdout.write(snippet)
    return 0


def cmd_preview(args) -> int:
    import re as _re
    import shutil
    import subprocess

    from .config import load_book

    book = load_book(args.root)
    pdf = args.root / "dist" / f"{book.name}.pdf"
    if not pdf.exists():
        raise EditionError.at(pdf, None, "no PDF to preview", "build it first: python build.py")
    m = _re.fullmatch(r"(\d+)(?:-(\d+))?", args.pages)
    if not m:
        raise EditionError.at("--pages", None, f"not a page range: {args.pages}", "write 5 or 1-4")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    import pikepdf

    with pikepdf.open(pdf) as doc:
        count = len(doc.pages)
    if first < 1 or last < first or last > count:
        raise EditionError.at("--pages", None, f"no pages {args.pages}: the PDF has {count} pages",
                              "give a page or a range within the PDF, e.g. 1-4")
    if shutil.which("pdftoppm") is None:
        raise EditionError.at("pdftoppm", None, "pdftoppm is not installed", "apt-get install poppler-utils")
    out = args.root / "build" / "preview"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), "-f", str(first), "-l", str(last), str(pdf),
                    str(out / "page")], check=True)
    for png in sorted(out.glob("page-*.png")):
        _console().print(f"wrote {png.relative_to(args.root)}", markup=False)
    return 0


def cmd_proof(args) -> int:
    from .build.proof import write_proof

    with _console().status("making the proof"):
        target = write_proof(args.root, args.old, args.new)
    _console().print(f"wrote {target.relative_to(args.root)}", markup=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Build and check the annotated edition.")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this one)")
    sub = parser.add_subparsers(dest="command")
    b = sub.add_parser("build", help="build dist/: the PDFs and the EPUB (the default)")
    b.add_argument("--trim", help="trim size from styles/print.yaml (A5, B5, 6x9in)")
    b.add_argument("--only", help="comma-separated outputs to build: pdf, print, epub (default: all)")
    setting = b.add_mutually_exclusive_group()
    setting.add_argument("--justify", dest="justify", action="store_const", const=True,
                         help="set the PDFs justified (paragraph-wide line breaking, edition/writers/justify.py)")
    setting.add_argument("--ragged", dest="justify", action="store_const", const=False,
                         help="set the PDFs ragged right")
    b.add_argument("--scheduler", help="address of a Dask scheduler to run the book's jobs on (tcp://host:8786, "
                                       "tls://...; default: EDITION_SCHEDULER, else worker processes on this machine)")
    where = b.add_mutually_exclusive_group()
    where.add_argument("--in-process", dest="processes", action="store_const", const=False,
                       help="run the book's jobs in this process (one worker thread)")
    where.add_argument("--processes", dest="processes", action="store_const", const=True,
                       help="run them on local worker processes, one per core (EDITION_JOBS), the default")
    b.add_argument("--timings", action="store_true", help="print how long each phase took")
    pv = sub.add_parser("preview", help="write PNG previews of pages of the reading PDF")
    pv.add_argument("--pages", default="1-4", help="a page or a range, e.g. 5 or 1-4 (default 1-4)")
    pv.add_argument("--dpi", type=int, default=100)
    sub.add_parser("check", help="validate manuscript and annotations; exit 1 on any error")
    ing = sub.add_parser("ingest", help="one-time: an OCR text file -> a first TEI manuscript (never overwrites)")
    ing.add_argument("ocr", type=Path, help="the OCR text: UTF-8, blocks separated by blank lines; the first is "
                                            "the document's head")
    ing.add_argument("--into", type=Path, help="the TEI file to write (must not exist)")
    ing.add_argument("--lang", help="the text's language, a BCP 47 tag (th, en, de-CH, ...)")
    ing.add_argument("--head", action="append", help="a section head as the OCR prints it (repeat for each; "
                                                     "when given, only these are section heads)")
    ing.add_argument("--title", help="the title for the teiHeader (default: the first block)")
    ing.add_argument("--editor", help="the editor named in the teiHeader (default: the editors of the edition)")
    nw = sub.add_parser("new", help="make an edition folder for a TEI manuscript: book.yaml, annotations/, styles/")
    nw.add_argument("dir", type=Path, help="the folder to make (must not exist, or be empty)")
    nw.add_argument("--manuscript", type=Path, help="the TEI P5 manuscript to copy into DIR/manuscript/")
    nw.add_argument("--lang", help="the language when the teiHeader does not say (a BCP 47 tag)")
    lint = sub.add_parser("lint", help="the Thai OCR lint of the reading text")
    lint.add_argument("--words", action="store_true", help="also list words the dictionary does not know")
    corr = sub.add_parser("corrections", help="list every editorial correction")
    corr.add_argument("--format", choices=("table", "tsv"), default="table")
    re = sub.add_parser("reanchor", help="show (and with --write accept) fuzzy re-anchorings of annotations")
    re.add_argument("--write", action="store_true", help="write the new selectors back into the annotation files")
    ex = sub.add_parser("export-annotations", help="write the annotations as W3C Web Annotation JSON-LD")
    ex.add_argument("-o", "--output", help="file to write (default: standard output)")
    an = sub.add_parser("annotate", help="start a new annotation at a quote of the reading text")
    an.add_argument("quote", help="the words to annotate, as the corrected reading has them")
    an.add_argument("--paragraph", help="the paragraph id when the quote occurs more than once")
    an.add_argument("--id", help="the new annotation's id")
    an.add_argument("--type", default="footnote", choices=("footnote", "endnote", "gloss", "commentary"))
    an.add_argument("--append", help="append the new annotation to this annotation file")
    pr = sub.add_parser("proof", help="the edition with notes changed since OLD marked, as dist/<name>-proof.pdf")
    pr.add_argument("old", help="a git revision (or folder) to compare with")
    pr.add_argument("new", nargs="?", help="must be omitted: the proof is made of the working tree")
    from .diff_cli import add_parser as add_diff_parser
    from .diff_cli import cmd_diff
    add_diff_parser(sub)
    args = parser.parse_args(argv)
    args.root = args.root.resolve()
    if not getattr(args, "trim", None):
        args.trim = None
    if not hasattr(args, "only"):
        args.only = None
    for name, default in (("justify", None), ("scheduler", None), ("processes", None), ("timings", False)):
        if not hasattr(args, name):
            setattr(args, name, default)
    handlers = {None: cmd_build, "build": cmd_build, "check": cmd_check, "ingest": cmd_ingest, "new": cmd_new,
                "lint": cmd_lint, "corrections": cmd_corrections, "reanchor": cmd_reanchor,
                "export-annotations": cmd_export_annotations, "annotate": cmd_annotate,
                "diff": cmd_diff, "preview": cmd_preview, "proof": cmd_proof}
    try:
        return handlers[args.command](args)
    except EditionError as exc:
        _report(exc.problems, args.root)
        return 1
    except BrokenPipeError:  # the reader of our output went away (| head): not an error
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        _console().print("interrupted: dist/ is unchanged")
        return 130
