"""Editor's proof: the edition as it stands (NEW), with every note added or changed since OLD
marked in the margin, and a first page listing those changes with the pages they are on.

    python build.py proof OLD  ->  proofs/<name>-proof.pdf

A proof is the build's reading PDF with proof marks: the same parts, the same task graph
(:mod:`edition.build.graph`). It is written outside ``dist/`` (``proofs/``), so the next build
leaves it where it is.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..diff import AnnotationDiff, compare
from ..diff_cli import load_snapshot, resolve_spec
from ..errors import EditionError

KINDS = ("added", "changed", "moved", "reanchored")


def marked_notes(result: AnnotationDiff) -> dict[str, str]:
    """note id -> what happened to it (added wins over changed over moved over re-anchored)."""
    marks: dict[str, str] = {}
    for kind in reversed(KINDS):
        for entry in getattr(result, kind):
            marks[entry.id] = kind
    return marks


def write_proof(root: Path, old: str, new: str | None, progress=lambda s: None) -> Path:
    from ..files import write_whole
    from ..resolve import load, require_edition
    from .builders import Request
    from .context import BuildContext
    from .pipeline import BuildOptions
    from .run import run

    if new is not None:
        raise EditionError.at(new, None, "a proof is made of the working tree",
                              "check out the revision to proof, then run `build.py proof OLD`")
    with tempfile.TemporaryDirectory(prefix="edition-proof-") as tmp:
        old_snapshot = load_snapshot(resolve_spec(old, root), root, Path(tmp) / "old")
        new_snapshot = load_snapshot(resolve_spec(None, root), root, Path(tmp) / "new")
    result = compare(old_snapshot, new_snapshot)
    book, config, resolution = load(root)
    edition = require_edition(resolution)
    ids = {n.annotation.id for n in edition.notes}
    marks = {k: v for k, v in marked_notes(result).items() if k in ids}
    ctx = BuildContext(root, progress=progress)
    rows = [{"label": n.label, "id": n.annotation.id, "kind": marks[n.annotation.id],
             "target": f"{'note' if n.placement == 'foot' else 'call'}-{n.annotation.id}"}
            for n in sorted(edition.notes, key=lambda n: (n.number == 0, n.number)) if n.annotation.id in marks]
    made = run(ctx, book, config, edition, Request(variants={"reading"}), BuildOptions(),
               proof={"old": old, "marks": marks, "rows": rows})
    return write_whole(root / "proofs" / f"{book.name}-proof.pdf", made.pdfs["reading"], mode=0o644)
