"""Break control in print where the justifier does not choose the breaks (the back matter's lists
and tables, or everything when set ragged right).

Pango breaks Thai with libthai's dictionary, which does not know the edition's names or its
segmentation. For every paragraph, Pango's break opportunities are compared with the edition's
(PyThaiNLP with the names as one word, never before ๆ or inside "ค.ศ. 1921"); each word in which
Pango would break where the edition does not is kept whole with ``white-space: nowrap``. Nothing
is added to the text.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from ..seam.text import pango_breaks

MAX_RUN = 24  # characters; longer unbreakable runs risk overflowing a line


def nowrap_runs(text: str, allowed: set[int], boundaries: Iterable[int] = ()) -> list[tuple[int, int]]:
    """Runs to keep on one line: each word (between two allowed breaks) in which Pango would break
    where the edition does not allow it, or which an element boundary cuts (WeasyPrint may break
    between two inline boxes). Runs start and end at allowed breaks, so they never cut a Thai
    cluster."""
    edges = {b for b in boundaries if 0 < b < len(text)}
    candidates = pango_breaks(text) | edges
    runs: list[tuple[int, int]] = []
    for _ in range(3):
        # libthai's answer depends on context: WeasyPrint asks Pango about each inline box's text
        # alone, and the runs themselves become boxes, so ask again for every piece
        cuts = sorted(edges | {x for run in runs for x in run} | {0, len(text)})
        pieces = set()
        for a, b in zip(cuts, cuts[1:], strict=False):
            pieces |= {a + i for i in pango_breaks(text[a:b])} if b - a > 1 else set()
        if pieces <= candidates and runs:
            break
        candidates |= pieces
        runs = _runs(text, allowed, candidates)
    return runs
def _runs(text: str, allowed: set[int], candidates: set[int]) -> list[tuple[int, int]]:
    # a break before a space is never taken; one after a space is fine unless the edition forbids
    # it there (before ๆ, inside "ค.ศ. 1921")
    bad = sorted(i for i in candidates if i not in allowed and text[i] != " ")
    if not bad:
        return []
    bounds = sorted(allowed | {0, len(text)})
    runs: list[tuple[int, int]] = []

    for i in bad:
        k = bisect.bisect_left(bounds, i)
        start, end = bounds[k - 1], bounds[k] if bounds[k] != i else bounds[k + 1]
        if runs and start < runs[-1][1]:  # overlapping (adjacent runs never break apart anyway)
            if end - runs[-1][0] <= MAX_RUN:
                runs[-1] = (runs[-1][0], max(runs[-1][1], end))
            elif end > runs[-1][1]:
                runs.append((runs[-1][1], end))  # a long run would overflow the line: keep them adjacent
        else:
            runs.append((start, end))
    return runs
