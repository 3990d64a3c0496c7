"""A book of several chapters: each chapter laid out and written by its own job in a process pool,
the parts merged into one PDF per variant.

Jobs, in two passes (see docs/decisions.md, "Book"):

1. plan, one per chapter and per section of the back matter whose page count is not cached: lay
   the part out alone, its pages counted from 1 (a chapter's footnotes kept on their call's page
   as :func:`writers.pdf.settle` does), publish its page count, and once the counts of the parts
   before it are in, give the layout its real page numbers (:mod:`writers.folios`: only the margin
   boxes change) and write it in every variant. Page counts are cached by content hash, so a warm
   rebuild skips this pass.
2. write, one per part not written yet, each variant from the part's one layout: the front matter
   (title, imprint, contents with the chapters' page numbers), the index (page numbers from every
   chapter), and any part whose first page was not known in time in pass 1. Every part is padded
   to an even page count, so each chapter opens on a recto. Part PDFs are cached by content hash.

The EPUB is made part by part: each chapter's job makes the chapter's part once its PDFs are
written, the back matter's parts are made by jobs of their own once pass 1 is over, and the EPUB
job puts them into the package pandoc makes of the headings (its page-list needs the reading
parts' page data), beside the merges when every part was made. The parts are merged with pikepdf: outline, structure tree, named destinations, output intents and
XMP of the front part are kept. The print writer's HTML is cut into parts at its ``<article>``
elements, so the template and the stylesheet stay the single-document ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .config import PrintConfig
from .files import write_whole
from .model import Chapter, Edition
from .writers.print_parts import PAD, back_pieces, contents_css, cut_html, page_number_css

VARIANTS = ("reading", "printer")
EPUB_BESIDE_MAX_CHAPTERS = 4
CACHE_VERSION = "1"


def worker_count() -> int:
    """Processes for the book's jobs: ``EDITION_JOBS`` or the machine's cores."""
    value = os.environ.get("EDITION_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# --- the editions each part is rendered from ---------------------------------------------------

def _paragraph_ids(chapter: Chapter) -> set[str]:
    return {p.id for s in chapter.sections for p in s.paragraphs}


def chapter_edition(edition: Edition, index: int) -> Edition:
    """The edition as the job of chapter ``index`` needs it: that chapter and its notes."""
    chapter = edition.chapters[index]
    ids = _paragraph_ids(chapter)
    return replace(edition, chapters=(chapter,), notes=tuple(n for n in edition.notes if n.anchor.paragraph in ids),
                   corrections=(), person_index=())


def _heads_only(chapter: Chapter) -> Chapter:
    return replace(chapter, sections=tuple(replace(s, paragraphs=()) for s in chapter.sections))


def front_edition(edition: Edition) -> Edition:
    """The front matter needs the chapters' heads and whether there are endnotes and glosses."""
    first = {}
    for n in edition.notes:
        first.setdefault(n.placement, n)
    notes = tuple(n for k, n in first.items() if k != "foot")
    return replace(edition, chapters=tuple(_heads_only(c) for c in edition.chapters), notes=notes,
                   corrections=(), person_index=())


def back_edition(edition: Edition) -> Edition:
    return replace(edition, chapters=tuple(_heads_only(c) for c in edition.chapters),
                   notes=tuple(n for n in edition.notes if n.placement != "foot"))


# --- jobs (run in worker processes; arguments and results are picklable) -------------------------

@dataclass(frozen=True)
class Job:
    kind: str  # "front" | "chapter" | "back"
    edition: Edition
    config: PrintConfig
    root: Path
    fonts_dir: Path
    build_dir: Path
    first_page: int = 1
    relaxed: frozenset[str] = frozenset()
    index_pages: dict | None = None
    targets: dict | None = None  # contents: id -> page
    outputs: dict[str, Path] | None = None  # variant ("reading", "printer") -> the part's PDF, one layout
    piece: int | None = None  # which section of the back matter
    count_file: Path | None = None  # where the job writes its page count as soon as it knows it
    before: tuple[Path, ...] = ()  # count files of every part before this one
    variants: tuple[str, ...] = ()  # the variants to write once the counts before it are known
    digest: str = ""  # the code digest, part of every part's file name
    epub_meta: dict | None = None  # the book's EPUB metadata: the job also makes its part of the EPUB
    pages: int | None = None  # the page count the part was counted at (the front matter's is checked)


def epub_part_file(build_dir: Path, digest: str, edition: Edition, meta: dict, ident: str, page_starts) -> Path:
    """pandoc's EPUB of one part of the book (:func:`writers.epub.book_part`) in the book cache:
    ``edition`` is the one its job has, ``ident`` the id of the part's heading."""
    starts = tuple(tuple(s) for s in page_starts)
    return build_dir / "cache" / "book" / f"epub-part-{_key(digest, edition, json.dumps(meta), ident, starts)}.epub"


def part_file(build_dir: Path, digest: str, config: PrintConfig, kind: str, variant: str, *content) -> Path:
    """A part's PDF in the book cache: its name is the hash of everything its layout follows from
    (a chapter's relaxed paragraphs included follow from its content and first page)."""
    return build_dir / "cache" / "book" / f"{kind}-{variant}-{_key(digest, kind, variant, config, *content)}.pdf"


def _write_json_file(path: Path, value) -> None:
    """``value`` as JSON in ``path``, written whole (other processes read it)."""
    write_whole(path, json.dumps(value, ensure_ascii=False))


def _counts(paths: tuple[Path, ...]) -> list[int | None]:
    return [json.loads(p.read_text(encoding="utf-8")) if p.exists() else None for p in paths]


COUNT_WAIT = 3.0  # how long a part waits for the counts of the parts before it, in its own layout times


def _full_html(job: Job, relaxed: frozenset[str]) -> str:
    """The print HTML of the job's slice of the edition. The back matter's is shared by the jobs of
    its sections through a file (rendering it is a second for a large book)."""
    from .writers.print_html import PrintContext, render_print_html

    ctx = PrintContext(job.edition, job.config, job.fonts_dir.resolve().as_uri(), job.index_pages, relaxed)
    shared = None
    if job.kind == "back":
        shared = job.build_dir / "cache" / "book" / f"html-{_key(job.digest or code_digest(job.root), ctx)}.html"
        if shared.exists():
            return shared.read_text(encoding="utf-8")
    html = render_print_html(ctx, job.root / "styles")
    if shared is not None:
        write_whole(shared, html)
    return html


def _cut(job: Job, html: str) -> str:
    css = contents_css(job.targets) if job.kind == "front" else page_number_css(job.first_page)
    return cut_html(html, {"chapter": "chapters"}.get(job.kind, job.kind), css, job.piece)


def _html(job: Job, relaxed: frozenset[str]) -> str:
    return _cut(job, _full_html(job, relaxed))


def _layout(job: Job, html: str, movable: bool = False):
    """The part laid out: (document, the justifier's line plans, the HTML with its breaks);
    ``movable``: its page numbers can be set after layout (:mod:`writers.folios`)."""
    from .writers.pdf import _justify, _render

    html, justification = _justify(html, job.config, job.root, job.build_dir)
    document = _render(html, job.root, job.build_dir, movable=movable)
    if PAD in html:
        document = document.copy(document.pages[:-1])  # the pad page
    return document, justification, html


def _laid_out(job: Job, movable: bool = False):
    """The part laid out once, with ``job.relaxed``, as a :class:`writers.pdf.Layout`."""
    from .writers.pdf import Layout, LayoutPlan, _page_data

    document, justification, html = _layout(job, _html(job, job.relaxed), movable)
    data, _ = _page_data(document)
    return Layout(document, data, LayoutPlan(job.relaxed, data.person_pages), justification, html)


def _offset(data, first_page: int) -> dict:
    """PageData as JSON, its pages counted from ``first_page``."""
    return _shifted({"page_count": data.page_count, "person_pages": data.person_pages,
                     "page_starts": data.page_starts, "footnote_pages": data.footnote_pages,
                     "section_pages": data.section_pages}, first_page)


def run_plan(job: Job) -> dict:
    """Lay a part out alone, its pages counted from 1: a chapter until every footnote sits on its
    call's page (:func:`writers.pdf.settle`), a section of the back matter once. Its page count is
    published in ``job.count_file`` at once; then, when the counts of the parts before it
    (``job.before``) come in time, the layout is given its real page numbers
    (:func:`writers.folios.move`) and written as the part, so pass 2 has nothing left to do for it."""
    import time

    from .writers import folios
    from .writers.pdf import settle

    start = time.monotonic()
    movable = bool(job.variants)  # written here once the counts before it are known
    if job.kind == "back":
        layout = _laid_out(job, movable)
    else:
        layout = settle(lambda relaxed, _pages: _layout(job, _html(job, relaxed), movable), index=False)
    if job.count_file is not None:
        _write_json_file(job.count_file, layout.data.page_count)
    plan = {"relaxed": sorted(layout.plan.relaxed), "data": _offset(layout.data, 1)}
    if movable and folios.movable(layout.document):
        deadline = time.monotonic() + COUNT_WAIT * (time.monotonic() - start)
        while None in (known := _counts(job.before)) and time.monotonic() < deadline:
            time.sleep(0.05)
        if None not in known:
            first = 1 + sum(known)
            folios.move(layout.document, first - 1)
            folios.fix(layout.document)
            content = (job.edition, first) if job.kind == "chapter" else (job.edition, job.piece, first, None)
            outputs = {v: part_file(job.build_dir, job.digest, job.config, job.kind, v, *content)
                       for v in job.variants}
            ident = _part_id(job, layout.html)
            written = _write(replace(job, outputs=outputs, first_page=first), layout)
            del layout
            _epub_part(job, ident, written["page_starts"])
    return plan


def _part_id(job: Job, html: str) -> str:
    return _back_section_id(html) if job.kind == "back" else job.edition.chapters[0].id


def _back_section_id(html: str) -> str:
    """The id of the (first) section of the back matter in ``html``."""
    return re.search(r'<section class="back[^"]*" id="([^"]+)"', html).group(1)


def _epub_part(job: Job, ident: str, page_starts) -> None:
    """The part's part of the EPUB too, here where every core is busy, rather than in the EPUB's
    own job at the end (the caller has let go of the layout)."""
    if job.epub_meta is None or job.kind == "front":
        return
    from .writers.epub import book_part

    _trim()
    target = epub_part_file(job.build_dir, job.digest, job.edition, job.epub_meta, ident, page_starts)
    if not target.exists():
        book_part(job.edition, job.epub_meta, page_starts, ident, target)


def run_back_pieces(job: Job) -> dict:
    """The back matter's sections: the length and id of each (its print HTML rendered once and left
    for the sections' jobs, :func:`_full_html`)."""
    html = _full_html(job, frozenset())
    pieces = back_pieces(html[html.rindex("</article>"):html.rindex("</body>")])
    return {"sizes": [len(p) for p in pieces], "ids": [_back_section_id(p) for p in pieces]}


def run_write(job: Job) -> dict:
    """Write one part, every variant in ``job.outputs`` from its one layout; returns its page data
    (book page numbers)."""
    layout = _laid_out(job)
    if job.pages is not None and layout.data.page_count != job.pages:
        raise RuntimeError(f"the {job.kind} matter was counted at {job.pages} pages and laid out at "
                           f"{layout.data.page_count} with its page numbers; nothing was written")
    if job.count_file is not None:
        _write_json_file(job.count_file, layout.data.page_count)
    ident = _part_id(job, layout.html) if job.kind != "front" else ""
    written = _write(job, layout)
    del layout
    _epub_part(job, ident, written["page_starts"])
    return written


def _write(job: Job, layout) -> dict:
    from .writers.pdf import write_variants

    tmps = {variant: path.with_suffix(".tmp") for variant, path in job.outputs.items()}
    write_variants(layout, job.edition, job.config, tmps, job.build_dir)
    result = _offset(layout.data, job.first_page)
    result["relaxed"] = sorted(layout.plan.relaxed)
    block = re.search(r'<div class="book-borrowed-anchors"[^>]*>(.*?)</div></div>', layout.html)
    result["borrowed"] = re.findall(r'<div id="([^"]+)">', block.group(1)) if block else []
    for variant, path in job.outputs.items():
        _write_json_file(path.with_suffix(".json"), result)
        tmps[variant].replace(path)  # last: a part counts as cached once its PDF exists
    return result


def run_epub_part(args: tuple) -> None:
    """The part of the EPUB of one part of the book: (its job, the id of its heading, its page starts)."""
    job, ident, page_starts = args
    _epub_part(job, ident, page_starts)


def run_epub(args: tuple) -> None:
    from .pipeline import cover_image
    from .writers.epub import font_files, write_epub

    edition, target, build_dir, styles, page_starts, front_pdf, made = args
    cover = cover_image(front_pdf, build_dir) if front_pdf else None
    write_epub(edition, target, build_dir, font_files(), styles, page_starts, cover, made)


def work(task: str, arg):
    """What a worker runs: one job, then the memory it freed handed back to the system, so a
    worker's size between jobs is its modules, not its largest layout so far (the book's peak
    memory is the sum of its processes)."""
    try:
        return {"plan": run_plan, "back-pieces": run_back_pieces, "write": run_write, "epub": run_epub,
                "epub-part": run_epub_part}[task](arg)
    finally:
        _trim()


def _trim() -> None:
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


# --- caching -------------------------------------------------------------------------------------

def _key(*parts) -> str:
    h = hashlib.sha256(CACHE_VERSION.encode())
    for part in parts:
        h.update(repr(part).encode("utf-8") + b"\0")
    return h.hexdigest()[:32]


def code_digest(root: Path) -> str:
    """What every part depends on besides its content: styles, the writers' code, the pins."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in [*sorted((root / "styles").rglob("*")), *sorted(package.rglob("*.py")),
                 package.parent / "requirements.lock"]:
        if path.is_file():
            h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


# --- the build -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BookPages:
    """The merged page data of the reading PDF (same fields as :class:`writers.pdf.PageData`)."""

    page_count: int
    person_pages: dict[str, tuple[int, ...]]
    page_starts: tuple[tuple[int, str, str], ...]
    footnote_pages: dict[str, tuple[int, int]]
    relaxed: tuple[str, ...]
    section_pages: dict[str, int]

    def to_json(self) -> str:
        return json.dumps({"page_count": self.page_count, "person_pages": self.person_pages,
                           "page_starts": self.page_starts, "footnote_pages": self.footnote_pages,
                           "relaxed_paragraphs": self.relaxed, "section_pages": self.section_pages},
                          ensure_ascii=False, indent=1)


def build_book(edition: Edition, config: PrintConfig, root: Path, fonts_dir: Path, build_dir: Path,
               staging: Path, name: str, formats: tuple[str, ...], progress=lambda s: None) -> list[Path]:
    """Write the book's PDFs (and EPUB) into ``staging`` with parallel per-part jobs."""
    cache = build_dir / "cache" / "book"
    cache.mkdir(parents=True, exist_ok=True)
    digest = code_digest(root)
    meta = None
    if "epub" in formats and "pdf" in formats:  # (the EPUB's parts carry the reading PDF's page-list)
        from .writers.epub import book_meta
        meta = book_meta(edition)
    base = Job("chapter", edition, config, root, fonts_dir, build_dir, digest=digest, epub_meta=meta)
    chapters = [chapter_edition(edition, i) for i in range(len(edition.chapters))]
    front, back = front_edition(edition), back_edition(edition)
    variants = [v for v, f in (("reading", "pdf"), ("printer", "print")) if f in formats] or ["reading"]

    def part_path(kind: str, variant: str, *content) -> Path:
        return part_file(build_dir, digest, config, kind, variant, *content)

    def cached(path: Path) -> dict | None:
        if path.exists() and path.with_suffix(".json").exists():
            return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return None

    outputs: list[Path] = []
    with ProcessPoolExecutor(max_workers=worker_count()) as pool, _cancelled_on_error(pool):
        # pass 1: page counts, from the cache or a layout of each part, pages counted from 1; a part
        # is also written in this pass when the counts before it come in time (run_plan)
        front_count = cache / f"front-{_key(digest, config, front)}.count"
        pending: dict[Future, int | None] = {}  # pass-1 jobs: chapter i, back-matter section -1 - j, front None
        if not front_count.exists():  # the front matter's length depends only on its content
            pending[pool.submit(work, "plan", replace(base, kind="front", edition=front, count_file=front_count))] = None
        back_job = replace(base, kind="back", edition=back, variants=tuple(variants))
        pieces_path = cache / f"back-pieces-{_key(digest, config, back)}.json"
        pieces = None if pieces_path.exists() else pool.submit(work, "back-pieces", back_job)
        plan_paths = [cache / f"plan-{_key(digest, config, c)}.json" for c in chapters]
        plans: dict[int, dict] = {i: json.loads(p.read_text(encoding="utf-8"))
                                  for i, p in enumerate(plan_paths) if p.exists()}
        count_files = [p.with_suffix(".count") for p in plan_paths]  # by content, like the plans
        for i, plan in plans.items():
            if not count_files[i].exists():
                _write_json_file(count_files[i], plan["data"]["page_count"])
        todo = {i: replace(base, kind="chapter", edition=chapter, count_file=count_files[i],
                           before=(front_count, *count_files[:i]), variants=tuple(variants))
                for i, chapter in enumerate(chapters) if i not in plans}
        pending.update({pool.submit(work, "plan", job): i for i, job in todo.items()})
        if pieces is not None:
            _write_json_file(pieces_path, pieces.result())
        back_pieces_found = json.loads(pieces_path.read_text(encoding="utf-8"))
        sizes, back_ids = back_pieces_found["sizes"], back_pieces_found["ids"]
        back_count_files = [cache / f"back-{_key(digest, config, back, j)}.count" for j in range(len(sizes))]
        # the back matter's sections after the chapters, longest first: the others are counted while
        # it is laid out. The last, the index, carries every chapter's page numbers: pass 2 lays it out.
        for j in sorted(range(len(sizes) - 1), key=lambda j: -sizes[j]):
            if not back_count_files[j].exists():
                pending[pool.submit(work, "plan", replace(back_job, piece=j, count_file=back_count_files[j], before=(
                    front_count, *count_files, *back_count_files[:j]), epub_meta=None))] = -1 - j
        if pending:
            progress(f"laying out {len(todo)} chapters and "
                     f"{sum(i is not None and i < 0 for i in pending.values())} back-matter sections")

        # pass 2, from the moment every chapter's job is done and every section counted (while the
        # last sections of the back matter may still be written by their pass-1 jobs): every part not cached and not being written by
        # its pass-1 job, each laid out once and written in every variant
        parts: dict[str, list[Path]] = {v: [] for v in variants}
        jobs: list[tuple[Job, int | None]] = []  # the part's job, and its pass-1 job's key in ``pending``
        done: dict[Path, dict] = {}
        running: dict[Future, list[Path]] = {}
        submitted: set[int] = set()
        numbering = None
        epub = epub_args = None
        epub_parts_submitted = False
        while True:
            back_counts = _counts(tuple(back_count_files[:-1])) if numbering is None else []
            if numbering is None and len(plans) == len(chapters) and front_count.exists() \
                    and None not in back_counts:
                numbering = _numbering(plans, json.loads(front_count.read_text()), back_counts, back_ids)
                starts, back_starts, targets, index_pages, chapter_data = numbering

                def add(job: Job, owner: int | None, kind: str, *content) -> None:
                    job = replace(job, outputs={v: part_path(kind, v, *content) for v in variants})
                    jobs.append((job, owner))
                    for variant, path in job.outputs.items():
                        parts[variant].append(path)

                add(replace(base, kind="front", edition=front, targets=targets, pages=starts[0] - 1), None,
                    "front", front, targets)
                for i, chapter in enumerate(chapters):
                    add(replace(base, kind="chapter", edition=chapter, first_page=starts[i],
                                relaxed=frozenset(plans[i]["relaxed"])), i, "chapter", chapter, starts[i])
                for j, start in enumerate(back_starts):  # only the last, the index, has page numbers in it
                    pages = index_pages if j == len(back_starts) - 1 else None
                    add(replace(back_job, first_page=start, index_pages=pages, piece=j, variants=(), epub_meta=None),
                        -1 - j, "back", back, j, start, pages)
                progress(f"writing the parts left on {worker_count()} processes")
            if numbering is not None:
                for n, (job, owner) in enumerate(jobs):
                    if n in submitted or owner in pending.values():
                        continue
                    submitted.add(n)
                    paths = list(job.outputs.values())
                    data = [cached(path) for path in paths]
                    if all(d is not None and d.get("relaxed", []) == sorted(job.relaxed) for d in data):
                        done.update(zip(paths, data, strict=True))
                    else:
                        running[pool.submit(work, "write", job)] = paths
                # the back matter's sections' parts of the EPUB, once pass 1 is over (pandoc on a long
                # section beside the layout of another would pass 1 GB)
                reading = parts[variants[0]]  # (the reading PDF's, unless only the printer's is made)
                if meta is not None and not pending and not epub_parts_submitted \
                        and all(p in done for p in reading[len(chapters) + 1:]):
                    epub_parts_submitted = True
                    for ident, path in zip(back_ids, reading[len(chapters) + 1:], strict=True):
                        starts_j = done[path]["page_starts"]
                        if not epub_part_file(build_dir, digest, back, meta, ident, starts_j).exists():
                            running[pool.submit(work, "epub-part", (back_job, ident, starts_j))] = []
                # the EPUB (pandoc on the parts their jobs did not make, two at once) beside the PDF
                # jobs only for a small book; otherwise after them, in a fresh process
                if epub_args is None and "epub" in formats and reading and all(p in done for p in reading) \
                        and (meta is None or epub_parts_submitted) and all(running.values()):  # (none of the EPUB's)
                    epub_args = _epub_args(edition, staging / f"{name}.epub", build_dir, root, formats, digest,
                                           meta, chapters, chapter_data, back, back_ids,
                                           [done[p] for p in reading[:1] + reading[len(chapters) + 1:]],
                                           reading[0] if "pdf" in formats else None)
                    if len(chapters) <= EPUB_BESIDE_MAX_CHAPTERS:
                        epub = pool.submit(work, "epub", epub_args)
            if not pending and not running and numbering is not None:
                break
            if numbering is None and not pending:
                raise RuntimeError("the book's parts were laid out but not all of them were counted")
            finished, _ = wait([*pending, *running], timeout=None if numbering else 0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                result = future.result()
                if future in pending:
                    i = pending.pop(future)
                    if i is not None and i >= 0:
                        plans[i] = result
                        _write_json_file(plan_paths[i], result)
                    continue
                paths = running.pop(future)
                if not paths:  # a part of the EPUB
                    continue
                done.update((path, result) for path in paths)
        solo = None
        if epub is None and epub_args is not None:
            pool.shutdown()  # the workers' memory is freed before the EPUB starts
            solo = ProcessPoolExecutor(max_workers=1)
            epub = solo.submit(work, "epub", epub_args)
        try:
            # a large book: the merges (pikepdf holds the whole book, 0.65 GB for 20 chapters) beside the
            # EPUB only when the parts' jobs made every part of it (it is then headings and a zip, 0.2 GB);
            # otherwise after it, once its process has ended (pandoc on a long part takes 0.3 GB)
            if solo is not None and len(epub_args[-1]) < len(chapters) + len(back_ids):
                progress("writing the EPUB")
                epub.result()
                solo.shutdown()
            for variant, fmt, suffix in (("reading", "pdf", ""), ("printer", "print", "-print")):
                if fmt in formats:
                    progress(f"merging the {variant} PDF")
                    merge_pdfs(parts[variant], staging / f"{name}{suffix}.pdf")
                    outputs.append(staging / f"{name}{suffix}.pdf")
            if "pdf" in formats:
                pages = merge_page_data([done[p] for p in parts["reading"]], plans)
                (staging / f"{name}.pages.json").write_text(pages.to_json(), encoding="utf-8")
            if epub is not None:
                if solo is None:
                    progress("writing the EPUB")
                epub.result()
                outputs.append(staging / f"{name}.epub")
        finally:
            if solo is not None:
                solo.shutdown()
    order = [f"{name}.pdf", f"{name}-print.pdf", f"{name}.epub"]
    return sorted(outputs, key=lambda p: order.index(p.name))


@contextmanager
def _cancelled_on_error(pool: ProcessPoolExecutor):
    """On an error, the jobs not started yet are dropped: the error is reported once the running
    ones end, not after the whole queue has run."""
    try:
        yield
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise


def _numbering(plans: dict[int, dict], front_count: int, back_counts: list[int], back_ids: list[str]):
    """The book's page numbers from the parts' counts (every part has an even count, so every
    chapter opens on a recto): each chapter's and back-matter section's first page, the contents'
    targets (where each chapter, section and part of the back matter opens), the index's page
    numbers, and each chapter's page data in book pages."""
    starts, back_starts = [], []
    page = front_count + 1
    for i in range(len(plans)):
        starts.append(page)
        page += plans[i]["data"]["page_count"]
    for count in [*back_counts, 0]:  # (the index, last, is counted by nobody after it)
        back_starts.append(page)
        page += count
    targets: dict[str, int] = dict(zip(back_ids, back_starts, strict=True))
    person_pages: dict[str, list[int]] = {}
    chapter_data = []
    for i in range(len(plans)):
        data = _shifted(plans[i]["data"], starts[i])
        chapter_data.append(data)
        targets.update(data["section_pages"])
        for person, pages in data["person_pages"].items():
            person_pages.setdefault(person, []).extend(pages)
    index_pages = {k: tuple(sorted(set(v))) for k, v in person_pages.items()}
    return starts, back_starts, targets, index_pages, chapter_data


def _epub_args(edition: Edition, target: Path, build_dir: Path, root: Path, formats, digest: str, meta,
               chapters: list[Edition], chapter_data: list[dict], back: Edition, back_ids: list[str],
               written: list[dict], front_pdf: Path | None) -> tuple:
    """What :func:`run_epub` is given: the page-list from the reading PDF's parts (the front's and the
    back matter's page data in ``written``, the chapters' from their plans), the parts of the EPUB
    the parts' jobs made, and the front matter's PDF for the cover."""
    page_starts, made = (), {}
    if "pdf" in formats:
        page_starts = tuple(tuple(s) for d in [written[0], *chapter_data, *written[1:]] for s in d["page_starts"])
    if meta is not None:
        candidates = [(c, c.chapters[0].id, d["page_starts"]) for c, d in zip(chapters, chapter_data, strict=True)]
        candidates += [(back, ident, d["page_starts"]) for ident, d in zip(back_ids, written[1:], strict=True)]
        made = {ident: path for part, ident, starts in candidates
                if (path := epub_part_file(build_dir, digest, part, meta, ident, starts)).exists()}
    return edition, target, build_dir, root / "styles", page_starts, front_pdf, made


def _shifted(data: dict, first_page: int) -> dict:
    shift = first_page - 1
    return {"page_count": data["page_count"],
            "person_pages": {k: [p + shift for p in v] for k, v in data["person_pages"].items()},
            "page_starts": [[p + shift, a, t] for p, a, t in data["page_starts"]],
            "footnote_pages": {k: [a + shift, b + shift] for k, (a, b) in data["footnote_pages"].items()},
            "section_pages": {k: p + shift for k, p in data["section_pages"].items()}}


def merge_page_data(parts: list[dict], plans: dict[int, dict]) -> BookPages:
    persons: dict[str, set[int]] = {}
    footnotes: dict[str, tuple[int, int]] = {}
    starts: list[tuple[int, str, str]] = []
    sections: dict[str, int] = {}
    count = 0
    for data in parts:
        count += data["page_count"]
        for k, v in data["section_pages"].items():
            sections.setdefault(k, v)
        for k, v in data["person_pages"].items():
            persons.setdefault(k, set()).update(v)
        footnotes.update({k: tuple(v) for k, v in data["footnote_pages"].items()})
        starts.extend(tuple(s) for s in data["page_starts"])
    relaxed = tuple(sorted(p for plan in plans.values() for p in plan["relaxed"]))
    return BookPages(count, {k: tuple(sorted(v)) for k, v in persons.items()}, tuple(starts), footnotes, relaxed,
                     sections)


# --- merging the parts ---------------------------------------------------------------------------

def merge_pdfs(parts: list[Path], target: Path) -> None:
    """One PDF from the parts: pages in order, outlines concatenated, structure trees and named
    destinations joined (so links between parts resolve); catalogue, XMP, output intents and
    document information come from the first part."""
    import pikepdf

    out = pikepdf.open(parts[0])
    outline: list = []
    names: dict[str, object] = {}
    struct = out.Root.get("/StructTreeRoot")
    nums = list(struct.ParentTree.Nums) if struct is not None else []
    next_key = _next_struct_key(struct, nums)
    document_element = _document_element(struct)
    sources = []
    for n, path in enumerate(parts):
        src = out if n == 0 else pikepdf.open(path)
        sources.append(src)
        first = 0 if n == 0 else len(out.pages)
        if n:
            with warnings.catch_warnings():  # named destinations are carried over below
                warnings.simplefilter("ignore", pikepdf.exceptions.PageCopyWarning)
                out.pages.extend(src.pages)
        page_index = {p.objgen: i for i, p in enumerate(src.pages)}
        borrowed = set(json.loads(path.with_suffix(".json").read_text(encoding="utf-8")).get("borrowed", ()))
        with src.open_outline() as o:
            outline.extend(_outline_items(o.root, page_index, first))
        for key, dest in _named_dests(src):
            if key not in borrowed:
                names.setdefault(key, (dest, page_index, first))
        src_struct = src.Root.get("/StructTreeRoot")
        if n and struct is not None and src_struct is not None:
            src_nums = list(src_struct.ParentTree.Nums)
            shift = next_key
            for page in out.pages[first:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + shift
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + shift
            values = _copy_all(src, out, [src_nums[k + 1] for k in range(0, len(src_nums), 2)])
            for k, value in zip(range(0, len(src_nums), 2), values, strict=True):
                nums.append(int(src_nums[k]) + shift)
                nums.append(value)
            next_key = _next_struct_key(src_struct, src_nums) + shift
            children = _document_element(src_struct)
            kids = children.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []
            for copied in _copy_all(src, out, kids):
                if isinstance(copied, pikepdf.Dictionary):
                    copied.P = document_element
                document_element.K.append(copied)
    if struct is not None:
        struct.ParentTree = pikepdf.Dictionary(Nums=pikepdf.Array(nums))
        struct.ParentTreeNextKey = next_key
    # named destinations: rebuilt against the merged pages, sorted as a name tree requires
    dests = pikepdf.Array()
    for key in sorted(names):
        dest, page_index, first = names[key]
        index = page_index.get(dest[0].objgen) if isinstance(dest[0], pikepdf.Dictionary) else None
        if index is None:
            continue
        dests.append(pikepdf.String(key))
        dests.append(pikepdf.Array([out.pages[first + index].obj, *list(dest)[1:]]))
    out.Root.Names = pikepdf.Dictionary(Dests=pikepdf.Dictionary(Names=dests))
    with out.open_outline() as o:
        o.root.clear()
        o.root.extend(_rebuild_outline(outline, out))
    tmp = target.with_suffix(".tmp")
    out.save(tmp, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for src in sources:
        src.close()
    tmp.replace(target)


def _copy_all(src, out, objects: list) -> list:
    """Copy objects of the PDF ``src`` into ``out`` in one call of qpdf: held in an indirect array
    of ``src``, copied with everything they reach (object by object in Python, a 20-chapter book's
    structure trees took 1.3 s)."""
    import pikepdf

    holder = src.make_indirect(pikepdf.Array(objects))
    return list(out.copy_foreign(holder))


def _document_element(struct):
    import pikepdf

    if struct is None:
        return None
    k = struct.K
    if isinstance(k, pikepdf.Array):
        k = k[0]
    if not isinstance(k.get("/K"), pikepdf.Array):
        k.K = pikepdf.Array([k.K] if k.get("/K") is not None else [])
    return k


def _next_struct_key(struct, nums) -> int:
    if struct is None:
        return 0
    if "/ParentTreeNextKey" in struct:
        return int(struct.ParentTreeNextKey)
    return max((int(nums[k]) for k in range(0, len(nums), 2)), default=-1) + 1


def _named_dests(pdf):
    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return []
    from pikepdf import NameTree

    return [(str(k), v) for k, v in NameTree(names.Dests).items()]


def _outline_items(items, page_index: dict, first: int) -> list:
    result = []
    for item in items:
        dest = item.destination
        index = None
        if dest is not None and len(dest) and hasattr(dest[0], "objgen"):
            index = page_index.get(dest[0].objgen)
        rest = list(dest)[1:] if dest is not None else []
        result.append((item.title, None if index is None else first + index, rest,
                       _outline_items(item.children, page_index, first)))
    return result


def _rebuild_outline(items, out) -> list:
    import pikepdf

    result = []
    for title, index, rest, children in items:
        item = pikepdf.OutlineItem(title)
        if index is not None:
            item.destination = pikepdf.Array([out.pages[index].obj, *rest])
        item.children.extend(_rebuild_outline(children, out))
        result.append(item)
    return result


def split_chapter_ids(html: str) -> list[str]:
    return re.findall(r'<article class="chapter" id="([^"]+)"', html)
