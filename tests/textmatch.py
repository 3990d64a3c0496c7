"""Finding a text in extracted output where page furniture (running heads, folios, footnotes at
the foot of the page, note calls) may interrupt it: every character must be found, in order."""

from __future__ import annotations


def squeeze(text: str) -> str:
    return "".join(text.split())


def matched_in_order(needle: str, haystack: str, resume: int = 10, max_gap: int = 4000) -> int:
    """How many characters of ``needle`` are found in ``haystack`` in order, as runs of at least
    ``resume`` characters, with interruptions of at most ``max_gap`` characters between runs."""
    best = 0
    start = haystack.find(needle[:resume])
    while start >= 0 and best < len(needle):
        best = max(best, _match_from(needle, haystack, start, resume, max_gap))
        start = haystack.find(needle[:resume], start + 1)
    return best


def _match_from(needle: str, haystack: str, j: int, resume: int, max_gap: int) -> int:
    i = 0
    while i < len(needle):
        if j < len(haystack) and haystack[j] == needle[i]:
            i += 1
            j += 1
            continue
        probe = needle[i:i + resume]
        k = haystack.find(probe, j, j + max_gap + len(probe))
        if k < 0:
            break
        j = k
    return i
