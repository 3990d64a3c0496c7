"""Running the book's graph for a build: the environment every task gets, the Dask client (local
processes, one in-process worker, or a remote scheduler), and the EPUB's metadata."""

from __future__ import annotations

from dataclasses import replace

from ..config import Book, PrintConfig
from ..errors import EditionError
from ..model import Edition
from .builders import Request
from .context import BuildContext, code_digest
from .graph import BookResult, dask_client, merge_parts, run_book
from .tasks import Env, machine_id

VARIANT_ORDER = ("reading", "printer")


def make_env(ctx: BuildContext, book: Book, config: PrintConfig, edition: Edition, variants, proof=None) -> Env:
    from ..parts import book_parts
    from ..styles import load_styles

    parts = book_parts(edition, book.front, book.back, proof=proof is not None)
    return Env(ctx.root, load_styles(ctx.root / "styles"), config, ctx.cache, ctx.epoch, code_digest(), parts,
               tuple(v for v in VARIANT_ORDER if v in variants), proof, machine_id())


def run(ctx: BuildContext, book: Book, config: PrintConfig, edition: Edition, request: Request, options,
        proof: dict | None = None) -> BookResult:
    """The book's graph for what ``request`` asks, on the cluster the options and context name."""
    env = make_env(ctx, book, config, edition, request.variants, proof)
    meta = None
    if request.epub:
        from ..writers.epub import book_meta

        meta = book_meta(edition)
    processes = options.processes if options.processes is not None else ctx.jobs > 1
    from distributed import KilledWorker
    from distributed.client import FutureCancelledError

    if ctx.scheduler_address is None and book.cluster.scheduler:
        ctx = replace(ctx, scheduler=book.cluster.scheduler)
    security = cluster_security(book, ctx.scheduler_address)
    try:
        with dask_client(ctx, processes, security=security) as client:
            result = run_book(client, ctx, env, edition, meta, page_list=request.page_list)
        # the workers have ended (and freed what they held) before the merges start
        merge_parts(result, env.variants, ctx.progress)
        return result
    except (KilledWorker, FutureCancelledError) as exc:
        raise EditionError.at(ctx.scheduler_address or "the local workers", None,
                              f"the build lost its workers ({type(exc).__name__}: {exc}); nothing was written",
                              "run the build again; dist/ is as it was. If it happens again, the machine may be out "
                              "of memory: try EDITION_JOBS=1 or --in-process") from None
    except OSError as exc:
        raise EditionError.at(ctx.scheduler_address or "the local workers", None,
                              f"cannot reach the Dask scheduler: {exc}",
                              "start it (`dask scheduler`) and its workers, or build without --scheduler") from None


def cluster_security(book: Book, address: str | None):
    """Dask's TLS security for a ``tls://`` scheduler, from the files book.yaml names; None for a
    local cluster or a ``tcp://`` scheduler (which belongs on a trusted network only: anyone who
    reaches it can run code on its workers)."""
    if not address or not address.startswith("tls://"):
        return None
    cluster = book.cluster
    if not (cluster.ca and cluster.cert and cluster.key):
        raise EditionError.at(book.root / "book.yaml", None, f"{address} asks for TLS, and book.yaml names no certificates",
                              "add cluster: tls: ca:, cert:, key: (PEM files), see the README, 'Beyond one machine'")
    from distributed.security import Security

    return Security(tls_ca_file=str(cluster.ca), tls_client_cert=str(cluster.cert), tls_client_key=str(cluster.key),
                    require_encryption=True)
