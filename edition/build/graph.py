"""The book's task graph, run by Dask (``dask.distributed``).

Every part of the book (front matter, chapters, sections of the back matter) is one branch:

    lay out (pages from 1) --counts of every part before it--> write (both PDFs) --> merge
                                              \\--> its part of the EPUB --> the EPUB

- ``lay out`` tasks run in book order, one per worker at a time: a part's layout does not wait
  for any other part. The front matter is only counted (its contents' numbers are not known yet).
- A part's ``write`` task takes the results of the ``lay out`` tasks of every part before it (the
  page counts flow as task results) and runs on the worker that holds the part's layout, which
  gives it its page numbers (only the margin boxes change) and writes it; elsewhere it is laid out
  again at its page.
- The index (last) is laid out once every chapter is counted, with their pages; the front matter
  once every part is, with the contents' pages.
- The EPUB runs on a worker once every part is written, while this process, which holds every
  part's PDF already, merges them (one variant after the other: a merge holds the whole book).

Keys are content hashes, and the build's cache (``build/cache``) is kept by this process, which
receives every result: a part whose inputs are unchanged is not sent to any worker at all, so a
remote cluster needs no shared disk. The same graph runs in this process (one worker thread), on
local worker processes (the default: one per core, listening on 127.0.0.1 only) or on a remote
scheduler (``--scheduler``), with the same bytes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from ..cache import content_key
from ..model import Edition
from ..pagedata import PageData, merged
from ..parts import Part, part_edition
from . import tasks
from .context import BuildContext
from .tasks import Env, Laid, Written

# Dask priorities (higher first): writes free the layouts their workers hold; layouts go in book
# order; the parts of the EPUB fill the gaps
WRITE, LAY_OUT, EPUB_PART = 100, 0, -100


@dataclass
class BookResult:
    pdfs: dict[str, bytes]  # variant -> the book's PDF
    pages: PageData | None  # the reading PDF's page data, in book pages
    epub: bytes | None
    timings: dict[str, float] = field(default_factory=dict)
    relaid: int = 0  # parts laid out a second time (their worker did not hold their layout)
    justified: dict[str, int] | None = None  # the justifier's line counts, every part's
    laid_out: tuple[str, ...] = ()  # the parts laid out in this build (the others came from the cache)
    parts: int = 0
    written: tuple[Written, ...] = ()  # every part, in order, its PDFs in the cache


# --- the scheduler ---------------------------------------------------------------------------------

@contextmanager
def dask_client(ctx: BuildContext, processes: bool, security=None) -> Iterator:
    """A Dask client: of the scheduler at ``ctx.scheduler_address``, or of a local cluster (worker
    processes, one per core, on 127.0.0.1; or one worker thread in this process)."""
    from distributed import Client, LocalCluster

    address = ctx.scheduler_address
    if address:
        with Client(address, security=security, timeout="20s") as client:
            yield client
        return
    # the cluster's own log stays quiet: a task's failure reaches the build as its exception, while
    # a worker that loses the scheduler as the cluster closes logs an ERROR with a traceback
    # (dask/distributed, "Failed to communicate with scheduler during heartbeat") that is noise
    options = dict(threads_per_worker=1, dashboard_address=None, worker_dashboard_address=None,
                   silence_logs=logging.CRITICAL)
    if processes:
        cluster = LocalCluster(n_workers=ctx.jobs, processes=True, host="127.0.0.1", **options)
    else:
        cluster = LocalCluster(n_workers=1, processes=False, **options)
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


# --- the graph -------------------------------------------------------------------------------------

class _Run:
    """One build of the book's parts: what is known, what is submitted, what is left."""

    def __init__(self, client, ctx: BuildContext, env: Env, edition: Edition, meta: dict | None):
        self.client, self.ctx, self.env, self.meta = client, ctx, env, meta
        self.cache = ctx.cache
        self.parts = env.parts
        self.slices = {p: part_edition(edition, p) for p in self.parts}
        self.index = self.parts[-1] if self.parts[-1].name == "index" else None
        self.counted = [p for p in self.parts if p is not self.index]  # their counts decide every first page
        self.laid: dict[Part, Laid] = {}
        self.laying: dict = {}  # future -> part
        self.written: dict[Part, object] = {}  # Written or its future
        self.epubs: dict[Part, object] = {}  # bytes or a future
        self.epub_futures: dict[Part, tuple[str, object]] = {}  # made in this build: cache key, future
        self.env_future = client.scatter(env, broadcast=True, hash=False)
        self.relaid = 0
        self.laid_out: list[str] = []  # the parts laid out in this build

    def submit(self, fn, *args, name: str, key: str, **kwargs):
        if name in ("lay-out", "index", "front") or (name == "write" and kwargs.get("workers") is None):
            part = args[1]
            if part.id not in self.laid_out:
                self.laid_out.append(part.id)
        return self.client.submit(fn, *args, key=f"{name}-{key}", pure=False, **kwargs)

    # pass 1: the layouts, in book order, as many at a time as there are workers -----------------------
    def lay_out(self) -> None:
        """Take every layout the cache has; queue the others (:meth:`lay_out_more` submits them)."""
        self.queue: list[tuple[int, Part, str]] = []
        for n, part in enumerate(self.counted):
            key = tasks.layout_key(self.env, part, self.slices[part])
            found = self.cache.get_json("laid", key)
            if found is not None:
                self.laid[part] = Laid(key, part, PageData.from_dict(found["data"]), frozenset(found["relaxed"]))
            else:
                self.queue.append((n, part, key))
        self.busy: dict[str, Part] = {}  # worker -> the part it lays out or holds laid out, until written

    def lay_out_more(self) -> list:
        """Give each worker that holds no layout the next layout in book order. A layout stays in
        its worker's memory until the parts before it are counted and it is written (a chapter's
        layout is a quarter of a gigabyte), so a worker takes no other layout meanwhile: it writes
        what it holds first, or does other work (parts of the EPUB), or waits."""
        new = []
        workers = sorted(self.client.scheduler_info().get("workers", {}))
        for worker in [w for w in workers if w not in self.busy]:
            if not self.queue:
                break
            n, part, key = self.queue.pop(0)
            future = self.submit(tasks.lay_out_part, self.env_future, part, self.slices[part], name="lay-out",
                                 key=key, priority=LAY_OUT - n, workers=[worker], allow_other_workers=True)
            self.laying[future] = part
            self.busy[worker] = part
            new.append(future)
        return new

    def done_with(self, part: Part) -> None:
        """The part is written: the worker that held its layout may take the next one."""
        for worker, held in list(self.busy.items()):
            if held == part:
                del self.busy[worker]

    def on_laid(self, future) -> None:
        part = self.laying[future]
        laid: Laid = future.result()
        self.done_with(part)
        holder = next(iter(self.client.who_has([future]).get(future.key, ())), None)
        if holder is not None and part.kind != "front":  # (the front matter is only counted: nothing is kept)
            self.busy[holder] = part  # where it ran, should the worker it was given have been lost
        self.cache.put_json("laid", laid.key, {"data": laid.data.to_dict(), "relaxed": sorted(laid.relaxed)})
        self.laid[part] = laid

    # pass 2: each part as soon as the parts before it are counted --------------------------------------
    def write_ready(self, futures_of: dict) -> list:
        """Submit (or take from the cache) the write of every part whose first page is now known."""
        new = []
        for n, part in enumerate(self.counted):
            if part in self.written or part.kind == "front" or any(p not in self.laid for p in self.counted[:n + 1]):
                continue
            before = [self.laid[p] for p in self.counted[:n]]
            first = tasks.first_page(before)
            key = content_key("written", self.laid[part].key, first, self.env.variants)
            written = self._cached_written(key, part, first)
            if written is not None:
                self.done_with(part)
            else:
                where = futures_of.get(part)
                workers = list(self.client.who_has([where]).get(where.key, ())) if where is not None else None
                if where is None:
                    self.relaid += 1
                placement = {"workers": workers, "allow_other_workers": True} if workers else {}
                written = self.submit(tasks.write_part, self.env_future, part, self.slices[part],
                                      where if where is not None else self.laid[part], *before, name="write", key=key,
                                      priority=WRITE, **placement)
                new.append(written)
            self.written[part] = written
            self._epub_part(part, self.laid[part].data.shifted(first).page_starts)
        if self.index is not None and self.index not in self.written and len(self.laid) == len(self.counted):
            laid = [self.laid[p] for p in self.counted]
            key = content_key("index", self.env.code, self.env.config, self.env.styles, self.env.parts,
                              self.slices[self.index], tuple(x.data for x in laid))
            written = self._cached_written(key, self.index, tasks.first_page(laid))
            if written is None:
                written = self.submit(tasks.write_index, self.env_future, self.index, self.slices[self.index], *laid,
                                      name="index", key=key, priority=WRITE)
                new.append(written)
            self.written[self.index] = written
        front = self.counted[0] if self.counted and self.counted[0].kind == "front" else None
        if front is not None and front not in self.written and len(self.laid) == len(self.counted) \
                and (self.index is None or self.index in self.written):
            laid = [self.laid[p] for p in self.counted]
            index = [self.written[self.index]] if self.index is not None else []
            index_first = tasks.first_page(laid)
            key = content_key("front", self.laid[front].key, tuple(x.data for x in laid), index_first)
            written = self._cached_written(key, front, 1)
            if written is None:
                written = self.submit(tasks.write_front, self.env_future, front, self.slices[front], *laid, *index,
                                      name="front", key=key, priority=WRITE)
                new.append(written)
            self.written[front] = written
        return new

    def _cached_written(self, key: str, part: Part, first: int) -> Written | None:
        found = self.cache.get_json("written", key)
        if found is None:
            return None
        pdfs = {v: self.cache.path("written", f"{key}-{v}", ".pdf") for v in self.env.variants}
        if not all(path.is_file() for path in pdfs.values()):
            return None
        return Written(part, first, pdfs, PageData.from_dict(found["data"]), tuple(found["borrowed"]))

    def keep_written(self, key: str, written: Written) -> None:
        """Keep a part's PDFs in the cache, and only their paths here: the merges read them from
        there, and the worker that made them lets go of them as soon as this process has them."""
        paths = {variant: self.cache.put_bytes("written", f"{key}-{variant}", data, ".pdf")
                 for variant, data in written.pdfs.items()}
        self.cache.put_json("written", key, {"data": written.data.to_dict(), "borrowed": list(written.borrowed)})
        self.written[written.part] = replace(written, pdfs=paths)
        self.done_with(written.part)

    def _epub_part(self, part: Part, page_starts: tuple) -> None:
        if self.meta is None or part in self.epubs:
            return
        key = content_key("epub-part", self.env.code, part, self.slices[part], self.meta, page_starts)
        found = self.cache.get_bytes("epub-part", key, ".epub")
        if found is not None:
            self.epubs[part] = found
            return
        future = self.submit(tasks.epub_part, self.env_future, part, self.slices[part], self.meta, page_starts,
                             name="epub-part", key=key, priority=EPUB_PART)
        self.epubs[part] = future
        self.epub_futures[part] = (key, future)

    def keys_of(self, future) -> str:
        return future.key.split("-", 1)[1] if "-" in future.key else future.key


def run_book(client, ctx: BuildContext, env: Env, edition: Edition, meta: dict | None,
             page_list: bool = True) -> BookResult:
    """Build the book's PDFs (``env.variants``), its page data and, with ``meta`` (the EPUB's
    metadata), its EPUB (with ``page_list``, a page-list of the reading PDF's pages) on the Dask
    cluster of ``client``."""
    from distributed import get_task_stream

    with get_task_stream(client=client) as stream:
        result = _run_book(client, ctx, env, edition, meta, page_list)
    result.timings.update(worker_time(stream.data))
    return result


def worker_time(tasks_run: list[dict]) -> dict[str, float]:
    """Seconds the workers spent on each kind of task (lay-out, write, index, front, merge, epub-part,
    epub), from Dask's task stream: where a build's time goes besides the graph itself."""
    spent: dict[str, float] = {}
    for task in tasks_run:
        kind = str(task.get("key", "")).split("-")[0]
        kind = {"lay": "lay-out", "epub": "epub"}.get(kind, kind)
        if str(task.get("key", "")).startswith("epub-part"):
            kind = "epub-part"
        for step in task.get("startstops", ()):
            if step.get("action") == "compute":
                spent[f"workers: {kind}"] = spent.get(f"workers: {kind}", 0.0) + step["stop"] - step["start"]
    return spent


def _run_book(client, ctx: BuildContext, env: Env, edition: Edition, meta: dict | None,
              page_list: bool) -> BookResult:
    timings: dict[str, float] = {}
    start = time.monotonic()
    run = _Run(client, ctx, env, edition, meta if page_list or not env.variants else None)
    written: dict[Part, Written] = {}
    if env.variants:
        _lay_out_and_write(run, ctx)
        written = {part: (w if isinstance(w, Written) else w.result()) for part, w in run.written.items()}
        timings["parts"] = time.monotonic() - start
    order = [written[p] for p in env.parts if p in written]
    data = merged(w.data for w in order) if order else None
    epub = None
    if meta is not None:
        run.meta = meta
        starts = data.page_starts if data is not None and page_list else ()
        front = next((written[p] for p in env.parts if p.kind == "front" and p in written), None)
        for part in env.parts:
            if part.kind != "front" and part not in run.epubs:
                run._epub_part(part, written[part].data.page_starts if part in written and page_list else ())
        parts = [run.epubs[p] for p in env.parts if p.kind != "front"]
        cover_pdf = front.pdfs["reading"].read_bytes() if front is not None and page_list \
            and "reading" in front.pdfs else None
        epub_future = client.submit(tasks.make_epub, run.env_future, _heads(edition), meta, starts, cover_pdf, *parts,
                                    key=f"epub-{content_key(env.code, starts, len(parts))}", pure=False)
    if meta is not None:
        epub = epub_future.result()
        for key, future in run.epub_futures.values():
            ctx.cache.put_bytes("epub-part", key, future.result(), ".epub")
    timings["graph"] = time.monotonic() - start
    client.run(tasks.forget_layouts)
    justified = merged(w.data for w in order).justified if order else None
    return BookResult({}, data if "reading" in env.variants else None, epub, timings, run.relaid, justified,
                      tuple(run.laid_out), len(env.parts), tuple(order))


def merge_parts(result: BookResult, variants: tuple[str, ...], progress) -> None:
    """The book's PDFs from its parts' cached files, one variant after the other, in this process
    once the workers have ended: a merge holds the whole book (0.65 GB for 20 chapters), and this
    process holds every part's PDF already (it keeps the cache)."""
    if not result.written:
        return
    progress("merging the parts")
    start = time.monotonic()
    for variant in variants:
        result.pdfs[variant] = tasks.merge(variant, *result.written)
    result.timings["merges"] = time.monotonic() - start


def _lay_out_and_write(run: _Run, ctx: BuildContext) -> None:
    """Pass 1 and 2 of the graph: every part laid out, then written as soon as its first page is
    known, until every part is written (the results kept in the cache as they come in)."""
    from distributed import as_completed

    run.lay_out()
    ctx.progress(f"laying out {len(run.queue)} of {len(run.counted)} parts on {_workers(run.client)}")
    futures_of: dict[Part, object] = {}
    pending = as_completed()
    keys: dict = {}

    def submit_more() -> None:
        for f in run.write_ready(futures_of):  # writes first: they free the layouts their workers hold
            keys[f] = run.keys_of(f)
            pending.add(f)
        for f in run.lay_out_more():
            futures_of[run.laying[f]] = f
            pending.add(f)

    submit_more()
    for future in pending:
        if future in run.laying:
            run.on_laid(future)
        elif future in keys:
            run.keep_written(keys.pop(future), future.result())
        submit_more()


def _heads(edition: Edition) -> Edition:
    """The edition the EPUB's package is made from: the chapters' headings alone."""
    return part_edition(edition, Part("front", "contents", "front", sections=("contents",)))


def _workers(client) -> str:
    n = len(client.scheduler_info().get("workers", {}))
    return f"{n} worker{'s' if n != 1 else ''}"


def warm(client) -> None:
    """Import the renderers on every worker while the sources are read (fire and forget)."""
    client.run(tasks.warm_up, wait=False)


