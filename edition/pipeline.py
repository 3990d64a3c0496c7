"""The build: read, resolve, write every output into a staging folder, then swap it into dist/.

A PDF never sits beside an EPUB from another build, and an interrupted build leaves the last good
dist/ as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Book, PrintConfig, load_book, load_print_config
from .errors import EditionError, Problem
from .model import Edition
from .resolve import Resolution, read_sources, resolve

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[Path, ...]
    warnings: tuple[Problem, ...]
    up_to_date: bool = False
    notes: tuple[str, ...] = ()  # what the build reports besides warnings (e.g. loose justified lines)


PACKAGE = Path(__file__).resolve().parent


def input_digest(root: Path, book: Book, trim: str | None, formats: tuple[str, ...],
                 justify: bool | None = None) -> str:
    """A hash of everything an output depends on: sources, styles, configuration, the code and
    the pinned packages. Equal digests mean a rebuild would write the same bytes."""
    h = hashlib.sha256(json.dumps([trim, sorted(formats), justify, os.environ.get("SOURCE_DATE_EPOCH")]).encode())
    files = [root / "book.yaml", *book.chapters, *(p for p in sorted(book.annotations.rglob("*")) if p.is_file()),
             *(p for p in sorted((root / "styles").rglob("*")) if p.is_file()),
             *(p for p in sorted(PACKAGE.rglob("*.py"))), PACKAGE.parent / "requirements.lock",
             PACKAGE.parent / "manuscript" / "schema" / "edition.rng"]
    if book.wordlist:
        files.append(book.wordlist)
    for path in files:
        if path.exists():
            h.update(str(path.relative_to(path.anchor)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load(root: Path, trim: str | None = None) -> tuple[Book, PrintConfig, Resolution]:
    book = load_book(root)
    config = load_print_config(root, trim)
    resolution = resolve(read_sources(book), config.footnote_max_chars)
    return book, config, resolution


def require_edition(resolution: Resolution) -> Edition:
    errors = [p for p in resolution.problems if p.severity == "error"]
    if errors or resolution.edition is None:
        raise EditionError(errors or [Problem("book.yaml", None, "no manuscript could be read")])
    return resolution.edition


def edition_schema_problems(book: Book) -> list[Problem]:
    """The build checks the edition's own (small, fast) schema; tei_all is left to `check`."""
    from .validate import EDITION_SCHEMA, relaxng_problems
    from .xmlsafe import parse_xml

    problems: list[Problem] = []
    for path in book.chapters:
        try:
            problems.extend(relaxng_problems(EDITION_SCHEMA, path, parse_xml(path)))
        except EditionError:
            pass  # the reader has reported why it cannot be parsed
    return problems


def cover_image(pdf: Path, build_dir: Path) -> Path | None:
    """The EPUB's cover: the title page of the reading PDF as a PNG (pdftoppm)."""
    import subprocess

    if shutil.which("pdftoppm") is None:
        return None
    out = build_dir / "cover"
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
                   check=True, capture_output=True)
    return out.with_suffix(".png")


def swap_into(staging: Path, dist: Path) -> None:
    """Replace ``dist`` by ``staging`` as a whole (two renames; the old set is removed after)."""
    old = None
    if dist.exists():
        old = dist.with_name(f".{dist.name}-old-{os.getpid()}")
        dist.rename(old)
    staging.rename(dist)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def justification_note(justified: dict[str, int] | None) -> list[str]:
    """What the build says about the justified lines of a PDF (none when set ragged)."""
    if not justified:
        return []
    j = justified
    note = f"justified {j['lines']} lines; {j['loose']} set loose (wider gaps than the limits in the README)"
    if j.get("ragged", 0) + j.get("unaligned", 0):
        note += (f"; {j.get('ragged', 0)} paragraphs left ragged and {j.get('unaligned', 0)} lines unstretched: "
                 "the justifier could not measure them")
    return [note]


def _warm_epub_fonts(edition: Edition, root: Path, build_dir: Path) -> None:
    """Write the EPUB without its page-list and cover, into a scratch folder: what is kept is its
    subset fonts in build/cache/epub-fonts, the same the final EPUB needs (epub_package.finish)."""
    from .writers.epub import font_files, write_epub

    with tempfile.TemporaryDirectory(prefix="epub-fonts-", dir=build_dir) as scratch:
        write_epub(edition, Path(scratch) / "fonts.epub", build_dir, font_files(), root / "styles")


def _build_chapter(edition: Edition, config: PrintConfig, root: Path, fonts_dir: Path, build_dir: Path,
                   staging: Path, name: str, formats: tuple[str, ...], progress: Progress,
                   notes: list[str]) -> list[Path]:
    """One chapter as one document: laid out once (writers/pdf.py); the printer's PDF is written
    from that layout in a forked child while the reading PDF and then the EPUB (its page-list and
    cover come from the reading PDF) are written here."""
    from contextlib import nullcontext

    from .forking import beside, can_fork
    from .writers.epub import font_files, write_epub
    from .writers.pdf import justify_lines, lay_out_edition, write_variant

    layout = None
    if "pdf" in formats or "print" in formats:
        # the EPUB waits for the layout (its page-list); its fonts need not: a forked child subsets
        # them into the cache meanwhile, on the core the layout leaves idle
        warm = beside(lambda: _warm_epub_fonts(edition, root, build_dir), "the EPUB's fonts") \
            if "epub" in formats and can_fork() else nullcontext()
        with warm:
            progress("laying out the book")
            layout = lay_out_edition(edition, config, root, fonts_dir, build_dir)
        counts = justify_lines(layout)
        notes.extend(justification_note(counts))
    printer = nullcontext()
    if "print" in formats:
        printer = beside(lambda: write_variant(layout, edition, config, "printer", staging / f"{name}-print.pdf",
                                               build_dir), "the printer's PDF")
    with printer:
        if "pdf" in formats:
            progress("writing the PDFs")
            write_variant(layout, edition, config, "reading", staging / f"{name}.pdf", build_dir)
            (staging / f"{name}.pages.json").write_text(layout.page_data(counts).to_json(), encoding="utf-8")
        if "epub" in formats:
            progress("writing the EPUB")
            cover = cover_image(staging / f"{name}.pdf", build_dir) if "pdf" in formats else None
            write_epub(edition, staging / f"{name}.epub", build_dir, font_files(), root / "styles",
                       layout.data.page_starts if "pdf" in formats else (), cover)
    return [staging / f"{name}{suffix}" for fmt, suffix in (("pdf", ".pdf"), ("print", "-print.pdf"), ("epub", ".epub"))
            if fmt in formats]


def build(root: Path, trim: str | None = None, progress: Progress = lambda s: None,
          formats: tuple[str, ...] = ("pdf", "print", "epub"), justify: bool | None = None) -> BuildResult:
    """Build every output in ``formats``; ``justify`` overrides styles/print.yaml's setting."""
    from .fonts import stage_fonts, stage_profiles

    book = load_book(root)
    digest = input_digest(root, book, trim, formats, justify)
    manifest = root / "dist" / ".build-manifest.json"
    if manifest.exists():
        previous = json.loads(manifest.read_text(encoding="utf-8"))
        outputs = tuple(root / "dist" / name for name in previous.get("outputs", ()))
        if previous.get("inputs") == digest and all(o.exists() for o in outputs):
            progress("up to date")
            return BuildResult(outputs, (), up_to_date=True)
    progress("reading sources")
    book, config, resolution = load(root, trim)
    if justify is not None:
        config = replace(config, justify=justify)
    notes: list[str] = []
    resolution.problems.extend(edition_schema_problems(book))
    edition = require_edition(resolution)
    build_dir = root / "build"
    build_dir.mkdir(exist_ok=True)
    fonts_dir = build_dir / "fonts"
    stage_fonts(fonts_dir)
    stage_profiles(build_dir / "profiles")
    for stale in root.glob(".dist-staging-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-staging-", dir=root))
    outputs = []
    try:
        if len(edition.chapters) > 1:  # a book: per-part jobs in a process pool (edition/book.py)
            from .book import build_book

            outputs.extend(build_book(edition, config, root, fonts_dir, build_dir, staging, book.name, formats,
                                      progress))
        else:
            outputs.extend(_build_chapter(edition, config, root, fonts_dir, build_dir, staging, book.name, formats,
                                          progress, notes))
        from .writers.webanno import to_json
        target = staging / f"{book.name}.annotations.jsonld"
        target.write_text(to_json(edition) + "\n", encoding="utf-8")
        outputs.append(target)
        (staging / ".build-manifest.json").write_text(json.dumps(
            {"inputs": digest, "outputs": [o.name for o in outputs]}, indent=1), encoding="utf-8")
        progress("publishing to dist/")
        dist = root / "dist"
        swap_into(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    warnings = tuple(p for p in resolution.problems if p.severity != "error")
    return BuildResult(tuple(root / "dist" / o.name for o in outputs), warnings, notes=tuple(notes))
