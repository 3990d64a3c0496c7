"""What the book's workers run: each task lays out or writes one part of the book (or merges them,
or makes the EPUB), from picklable inputs to picklable results, so the same task runs in this
process, in a local worker process or on another machine.

A part is laid out once, its pages counted from 1 (:func:`lay_out_part`); the layout stays in the
worker's memory (:data:`_LAYOUTS`) until the parts before it are counted, and is then given its
real page numbers and written (:func:`write_part`, which the graph runs on the same worker). On
any other worker, or after the worker was lost, the part is laid out again at its first page:
the same bytes, one layout more.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..cache import Cache, content_key
from ..config import PrintConfig
from ..files import write_whole
from ..model import Edition
from ..pagedata import PageData
from ..parts import Part
from ..styles import Styles

_LAYOUTS: dict[str, object] = {}  # this worker's layouts waiting for their page numbers, by key


@dataclass(frozen=True)
class Env:
    """What every task renders with (sent to each worker)."""

    root: Path  # the project, on the machine that started the build
    styles: Styles
    config: PrintConfig
    cache: Cache  # on the machine that started the build
    epoch: int  # SOURCE_DATE_EPOCH: the date every output carries
    code: str  # digest of the code: part of every key
    parts: tuple[Part, ...]  # the book's parts, in order
    variants: tuple[str, ...]  # the PDFs to write: "reading", "printer"
    proof: dict | None = None  # an editor's proof: the notes to mark
    machine: str = ""  # the machine that started the build (:func:`machine_id`): its paths are ours


@dataclass(frozen=True)
class Laid:
    """A part laid out from page 1: its page count and page data, the paragraphs relaxed to keep
    footnotes with their calls, and the key of its layout on the worker that made it."""

    key: str
    part: Part
    data: PageData
    relaxed: frozenset[str]


@dataclass(frozen=True)
class Written:
    """A part written: its PDF per variant, its page data in book pages, the ids it links to in
    other parts (stand-ins the merge points at the real places), the justifier's line counts."""

    part: Part
    first_page: int
    pdfs: dict[str, bytes | Path]  # bytes from the worker; the cached file's path once kept
    data: PageData
    borrowed: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """Where a worker keeps its fonts, profiles, cache and scratch files."""

    root: Path  # files the renderer may fetch lie inside it
    base: Path
    fonts_url: str
    cmyk: Path
    cache: Cache
    scratch: Path


def machine_id() -> str:
    """This machine, as a worker can tell it from another: host name and boot id."""
    import socket

    try:
        boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        boot = ""
    return f"{socket.gethostname()}/{boot}"


@functools.cache
def _place(root: Path, cache: Cache, machine: str) -> Place:
    """The project's own build folder when this worker runs on the machine that started the build;
    otherwise a folder of the worker's own, with the fonts and profiles of its own Debian packages
    (the README says: same pinned environment, same fonts) and a cache of its own."""
    from ..fonts import stage_fonts, stage_profiles

    if machine == machine_id() and cache.usable() and (root / "build").is_dir():
        base, fetch_root = root / "build", root
    else:
        from distributed import get_worker

        base = Path(get_worker().local_directory) / "edition"
        fetch_root, cache = base, Cache(base / "cache")
    fonts = base / "fonts"
    stage_fonts(fonts)
    profiles = stage_profiles(base / "profiles")
    scratch = base / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    return Place(fetch_root, base, fonts.resolve().as_uri(), profiles["default_cmyk.icc"], cache, scratch)


def place(env: Env) -> Place:
    return _place(env.root, env.cache, env.machine)


def _print_context(env: Env, edition: Edition, first_page: int = 1, relaxed: frozenset[str] = frozenset(),
                   index_pages=None, targets=None, last: bool = False):
    from ..writers.print_html import PrintContext

    return PrintContext(edition, env.config, place(env).fonts_url, env.parts, index_pages, relaxed, env.proof,
                        targets, first_page, pad=not last)


def _lay_out(env: Env, part: Part, edition: Edition, movable: bool, **kwargs):
    """The part laid out (:func:`edition.writers.pdf.lay_out`): a chapter until its footnotes sit
    on their calls' pages, unless its relaxed paragraphs are given."""
    from ..writers.pdf import lay_out
    from ..writers.print_html import render_part_html

    where = place(env)
    last = part == env.parts[-1]
    relaxed = kwargs.pop("relaxed", None)

    def html_for(relax: frozenset[str]):
        return render_part_html(_print_context(env, edition, relaxed=relax, last=last, **kwargs), part, env.styles)

    return lay_out(html_for, env.config, where.root, where.base, where.cache, relaxed or frozenset(),
                   movable=movable, pad=not last, settle=part.kind == "chapter" and relaxed is None)


def layout_key(env: Env, part: Part, edition: Edition) -> str:
    return content_key("laid", env.code, env.config, env.styles, env.proof, env.parts, part, edition)


def lay_out_part(env: Env, part: Part, edition: Edition) -> Laid:
    """Lay a part out alone, its pages counted from 1, and keep the layout on this worker for
    :func:`write_part` (not the front matter's: it is counted here, with placeholder page numbers
    as wide as the real ones, and laid out again once they are known)."""
    from ..seam import folios

    layout = _lay_out(env, part, edition, movable=part.kind != "front")
    key = layout_key(env, part, edition)
    if part.kind != "front" and folios.movable(layout.document):
        _LAYOUTS[key] = layout
    return Laid(key, part, layout.data, layout.relaxed)


def first_page(before: Sequence[Laid]) -> int:
    """A part's first page: after every part before it (every part has an even page count, so
    each opens on a recto)."""
    return 1 + sum(laid.data.page_count for laid in before)


def _written(env: Env, part: Part, edition: Edition, layout, first: int) -> Written:
    from ..writers.pdf import write_variants

    where = place(env)
    # the HTML the part was laid out from, for a look at what WeasyPrint was given (and bench/)
    write_whole(where.base / "print" / f"{part.id}.html", layout.html.html)
    pdfs, justified = write_variants(layout, env.variants, edition.metadata, env.config, _date(env), where.cmyk)
    data = replace(layout.data.shifted(first), justified=justified)
    return Written(part, first, pdfs, data, layout.html.borrowed)


def write_part(env: Env, part: Part, edition: Edition, laid: Laid, *before: Laid) -> Written:
    """Write a part laid out by :func:`lay_out_part`, at its first page in the book (after
    ``before``): the layout kept on this worker given its page numbers (only its margin boxes are
    made again), or, when it is not here, the part laid out again at that page."""
    from ..seam import folios

    first = first_page(before)
    layout = _LAYOUTS.pop(laid.key, None)
    if layout is not None:
        folios.move(layout.document, first - 1)
        folios.fix(layout.document)
    else:
        layout = _lay_out(env, part, edition, movable=False, first_page=first, relaxed=laid.relaxed)
    try:
        return _written(env, part, edition, layout, first)
    finally:
        del layout
        _trim()


def index_pages(chapters: Sequence[Laid], starts: Sequence[int]) -> dict[str, tuple[int, ...]]:
    """The pages each person is named on, in book pages, from the chapters' layouts."""
    found: dict[str, set[int]] = {}
    for laid, start in zip(chapters, starts, strict=True):
        for person, pages in laid.data.shifted(start).person_pages.items():
            found.setdefault(person, set()).update(pages)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def write_index(env: Env, part: Part, edition: Edition, *laid: Laid) -> Written:
    """The index, laid out once at its first page with the page numbers of every chapter."""
    starts = [first_page(laid[:i]) for i in range(len(laid))]
    chapters = [(x, s) for x, s in zip(laid, starts, strict=True) if x.part.kind == "chapter"]
    pages = index_pages([x for x, _ in chapters], [s for _, s in chapters])
    first = first_page(laid)
    layout = _lay_out(env, part, edition, movable=False, first_page=first, index_pages=pages)
    return _written(env, part, edition, layout, first)


def front_targets(laid: Sequence[Laid], index: Written | None = None) -> dict[str, int]:
    """Where the contents point: every part's, chapter's and section's first page in the book."""
    targets: dict[str, int] = {}
    for i, x in enumerate(laid):
        start = first_page(laid[:i])
        targets[x.part.id] = start
        for ident, page in x.data.shifted(start).section_pages.items():
            targets.setdefault(ident, page)
        for ident, (_, body) in x.data.shifted(start).footnote_pages.items():
            targets.setdefault(f"note-{ident}", body)
    if index is not None:
        targets.setdefault(index.part.id, index.first_page)
    return targets


def write_front(env: Env, part: Part, edition: Edition, *laid_and_index) -> Written:
    """The front matter, laid out once its contents' page numbers are known; it must have the
    page count it was counted at (its numbers were counted four digits wide)."""
    index = laid_and_index[-1] if laid_and_index and isinstance(laid_and_index[-1], Written) else None
    laid = [x for x in laid_and_index if isinstance(x, Laid)]
    counted = laid[0]
    layout = _lay_out(env, part, edition, movable=False, targets=front_targets(laid, index))
    if layout.data.page_count != counted.data.page_count:
        raise RuntimeError(f"the front matter was counted at {counted.data.page_count} pages and laid out at "
                           f"{layout.data.page_count} with its page numbers; nothing was written")
    return _written(env, part, edition, layout, 1)


def epub_part(env: Env, part: Part, edition: Edition, meta: dict, page_starts: tuple) -> bytes:
    """pandoc's EPUB of one part (:func:`edition.writers.epub_package.part_epub`)."""
    from ..writers.epub_package import part_epub

    return part_epub(edition, part, meta, page_starts, place(env).scratch, env.epoch)


def merge(variant: str, *written: Written) -> bytes:
    """The book's PDF of ``variant`` from its parts."""
    from ..writers.pdf import merge_pdfs

    try:
        return merge_pdfs([(w.pdfs[variant], w.borrowed) for w in written])
    finally:
        _trim()


def make_epub(env: Env, edition: Edition, meta: dict, page_starts: tuple, cover_pdf: bytes | None,
              *part_epubs: bytes) -> bytes:
    """The book's EPUB: the parts' EPUBs put into the package pandoc makes of the headings
    (``edition`` need hold only the heads), finished with fonts, page-list and a cover made from
    ``cover_pdf`` (the reading PDF's front matter)."""
    from ..writers.epub import heading_blocks
    from ..writers.epub_package import assemble_epub, finish_epub

    where = place(env)
    package = assemble_epub(meta, heading_blocks(edition, env.parts), list(part_epubs), where.scratch, env.epoch)
    cover = _cover(cover_pdf, where.scratch) if cover_pdf is not None else None
    return finish_epub(package, edition, env.styles, page_starts, cover, where.cache, env.epoch)


def _cover(pdf: bytes, scratch: Path) -> bytes | None:
    """The EPUB's cover: the first page of the reading PDF (the title page) as a PNG."""
    import shutil

    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory(dir=scratch) as work:
        source = Path(work) / "front.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(source),
                        str(Path(work) / "cover")], check=True, capture_output=True)
        return (Path(work) / "cover.png").read_bytes()


def _date(env: Env):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(env.epoch, tz=UTC)


def _trim() -> None:
    """Hand the memory a task freed back to the system: a worker's size between tasks is its
    modules, not its largest layout so far (the book's peak memory is the sum of its processes)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def forget_layouts() -> int:
    """Drop the layouts this worker still holds (run on every worker at the end of a build)."""
    count = len(_LAYOUTS)
    _LAYOUTS.clear()
    _trim()
    return count


def worker_pid() -> int:
    return os.getpid()


def warm_up() -> None:
    """Import the renderers and check the seam (a worker does this while the sources are read)."""
    from ..seam import install

    install()
    from ..writers import justify, pdf, print_html  # noqa: F401
