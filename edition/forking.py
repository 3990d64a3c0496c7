"""Work beside the build in a forked child: the child inherits what the parent has in memory (a
laid-out document is not picklable and need not be), the parent goes on with its own work, and a
failure in the child comes back to the parent as an exception, never as a half-written file left
unnoticed (the caller writes into a staging folder that is discarded on error)."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class ChildFailed(RuntimeError):
    pass


def can_fork() -> bool:
    from .book import worker_count

    return hasattr(os, "fork") and worker_count() > 1


@contextmanager
def beside(work: Callable[[], None], what: str) -> Iterator[None]:
    """Run ``work`` in a forked child while the body of the ``with`` runs here; leaving the block
    waits for the child and raises what it raised. Without a second core (or ``fork``), ``work``
    runs here after the body. If the body fails, the child is stopped before the error goes on."""
    if not can_fork():
        yield
        work()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, leave without running the parent's exit handlers
        os.close(read)
        code = 0
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
            code = 1
            try:
                payload = pickle.dumps(exc)
                pickle.loads(payload)
            except Exception:  # noqa: BLE001 - an exception that does not survive pickling
                payload = pickle.dumps(ChildFailed(f"{what}: {''.join(traceback.format_exception(exc))}"))
            with os.fdopen(write, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(write)
    try:
        yield
    except BaseException:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(read)
        raise
    with os.fdopen(read, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    if payload:
        raise pickle.loads(payload)
    if status != 0:
        raise ChildFailed(f"{what}: the process writing it ended with status {status}")
