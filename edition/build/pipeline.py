"""The build: read, resolve, run the book's task graph, let each builder write its output into a
staging folder, then swap the folder into ``dist/`` as a whole.

A PDF never sits beside an EPUB of another build (``--only`` carries the other outputs over
untouched, recorded as what they are), and an interrupted build leaves the last good ``dist/``
as it was. A rebuild whose inputs are unchanged does nothing and imports neither WeasyPrint nor
PyThaiNLP.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import Book, load_book, load_print_config
from ..errors import EditionError, Problem
from .builders import BUILDERS, Builder, Request
from .context import BuildContext, code_digest

DIST_MODE = 0o755  # dist/ and what is in it: readable by others (a web server, a colleague)


@dataclass(frozen=True)
class BuildOptions:
    trim: str | None = None
    formats: tuple[str, ...] = ("pdf", "print", "epub")
    justify: bool | None = None  # overrides styles/print.yaml
    processes: bool | None = None  # local worker processes (None: when there is more than one core)


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[Path, ...]
    warnings: tuple[Problem, ...]
    up_to_date: bool = False
    notes: tuple[str, ...] = ()  # what the build reports besides warnings (loose justified lines ...)
    timings: tuple[tuple[str, float], ...] = ()


def input_digest(root: Path, book: Book, options: BuildOptions) -> str:
    """A hash of everything an output depends on: sources, styles, configuration, the code and
    the pinned packages, the options and SOURCE_DATE_EPOCH. Equal digests: the same bytes."""
    import os

    h = hashlib.sha256(json.dumps([options.trim, options.justify, os.environ.get("SOURCE_DATE_EPOCH")]).encode())
    from ..processing import DEFAULT_TABLE, EDITION_TABLE

    # the manuscripts' folders whole: the images a manuscript shows are files beside it
    folders = sorted({p.parent for p in book.chapters})
    files = [root / "book.yaml", root / EDITION_TABLE, DEFAULT_TABLE, *book.chapters,
             *(p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file() and p not in book.chapters),
             *(p for p in sorted(book.annotations.rglob("*")) if p.is_file()),
             *(p for p in sorted((root / "styles").rglob("*")) if p.is_file()),
             *([book.schema] if book.schema else [])]
    if book.wordlist:
        files.append(book.wordlist)
    for path in files:
        if path.exists():
            h.update(str(path.relative_to(path.anchor)).encode() + b"\0" + path.read_bytes() + b"\0")
    h.update(code_digest().encode())
    return h.hexdigest()


def edition_schema_problems(book: Book) -> list[Problem]:
    """The build checks the edition's own (small, fast) schema, if book.yaml names one; tei_all is
    left to `check`."""
    from ..validate import relaxng_problems
    from ..xmlsafe import parse_xml

    problems: list[Problem] = []
    if book.schema is None:
        return problems
    for path in book.chapters:
        try:
            problems.extend(relaxng_problems(book.schema, path, parse_xml(path)))
        except EditionError:
            pass  # the reader has reported why it cannot be parsed
    return problems


def swap_into(staging: Path, dist: Path) -> None:
    """Replace ``dist`` by ``staging`` as a whole (two renames; the old set is removed after)."""
    import os

    old = None
    if dist.exists():
        old = dist.with_name(f".{dist.name}-old-{os.getpid()}")
        dist.rename(old)
    staging.rename(dist)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def justification_note(justified: dict[str, int] | None) -> list[str]:
    """What the build says about the justified lines of the PDFs (nothing when set ragged)."""
    if not justified:
        return []
    j = justified
    note = f"justified {j['lines']} lines; {j['loose']} set loose (wider gaps than the limits in the README)"
    if j.get("ragged", 0) + j.get("unaligned", 0):
        note += (f"; {j.get('ragged', 0)} paragraphs left ragged and {j.get('unaligned', 0)} lines unstretched: "
                 "the justifier could not measure them")
    return [note]


def _read_manifest(dist: Path) -> dict:
    path = dist / ".build-manifest.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data.get("outputs"), dict) else {}


def build(root: Path, options: BuildOptions = BuildOptions(), progress=lambda s: None,
          scheduler: str | None = None) -> BuildResult:
    """Build the outputs of ``options.formats`` (and the JSON-LD) into ``dist/``."""
    start = time.monotonic()
    ctx = BuildContext(root, progress=progress, scheduler=scheduler)
    book = load_book(root)
    digest = input_digest(root, book, options)
    builders: list[Builder] = [BUILDERS[f](book.name) for f in (*options.formats, "jsonld")]
    manifest = _read_manifest(ctx.dist)
    outdated = [b for b in builders if b.outdated(manifest, digest, ctx.dist)]
    if not outdated:
        progress("up to date")
        return BuildResult(tuple(ctx.dist / f for b in builders for f in b.files()), (), up_to_date=True)
    progress("reading sources")
    from ..resolve import read_sources, require_edition, resolve

    config = load_print_config(root, options.trim)
    if options.justify is not None:
        config = replace(config, justify=options.justify)
    resolution = resolve(read_sources(book), config.footnote_max_chars)
    resolution.problems.extend(edition_schema_problems(book))
    edition = require_edition(resolution)
    request = Request()
    for builder in outdated:
        builder.prepare(request, options.formats)
    timings: list[tuple[str, float]] = [("sources", time.monotonic() - start)]
    book_result = None
    if request.layouts or request.epub:
        from ..fonts import stage_fonts, stage_profiles
        from .run import run

        # the fonts and profiles every worker on this machine uses: a missing one is reported here,
        # before any work starts
        stage_fonts(ctx.build_dir / "fonts")
        stage_profiles(ctx.build_dir / "profiles")
        book_result = run(ctx, book, config, edition, request, options)
        timings.extend(book_result.timings.items())
    for stale in root.glob(".dist-staging-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=".dist-staging-", dir=root))
    try:
        staging.chmod(DIST_MODE)
        outputs: list[Path] = []
        for builder in outdated:
            outputs.extend(builder.write(book_result, edition, staging))
            builder.finish()
        recorded = dict(manifest.get("outputs", {}))
        for path in outputs:
            recorded[path.name] = digest
        kept = [name for name in recorded if name not in {p.name for p in outputs}]
        for name in kept:  # outputs this build did not make, carried over as they are
            if (ctx.dist / name).is_file():
                shutil.copy2(ctx.dist / name, staging / name)
            else:
                recorded.pop(name)
        (staging / ".build-manifest.json").write_text(json.dumps({"outputs": recorded}, indent=1), encoding="utf-8")
        for path in staging.iterdir():
            path.chmod(0o644)
        progress("publishing to dist/")
        swap_into(staging, ctx.dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    notes = justification_note(book_result.justified if book_result else None)
    if book_result is not None and book_result.parts:
        laid, total = book_result.laid_out, book_result.parts
        if len(laid) < total:
            notes.append(f"laid out {len(laid)} of {total} parts: {', '.join(laid) or 'none'} "
                         "(the others came from the cache)")
        else:
            notes.append(f"laid out all {total} parts")
    warnings = tuple(p for p in resolution.problems if p.severity != "error")
    produced = [ctx.dist / f for b in builders for f in b.files()]
    timings.append(("total", time.monotonic() - start))
    return BuildResult(tuple(produced), warnings, notes=tuple(notes), timings=tuple(timings))
