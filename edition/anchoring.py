"""Anchoring W3C TextQuoteSelectors in the edition's reading text, exactly or fuzzily.

Quotes and paragraphs are normalised by the same function as the lint. A quote that matches once
anchors there; several matches are told apart by prefix and suffix; a quote that no longer matches
is re-anchored by approximate matching scored on quote, prefix and suffix, with a threshold. Below
the threshold, or when two places tie, the annotation is an orphan: reported, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher

import regex

from .model import Anchor, TextQuoteSelector
from .thai import COMBINING, normalise, normalise_with_map

THRESHOLD = 0.75
TIE_MARGIN = 0.02
QUOTE_WEIGHT, CONTEXT_WEIGHT = 0.6, 0.2


@dataclass(frozen=True)
class AnchorResult:
    anchor: Anchor | None
    status: str  # "exact" | "fuzzy" | "orphan" | "ambiguous" | "moved"
    detail: str = ""


def _similarity(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _context_score(text: str, start: int, end: int, sel: TextQuoteSelector) -> float:
    prefix, suffix = normalise(sel.prefix), normalise(sel.suffix)
    before = text[max(0, start - len(prefix)):start]
    after = text[end:end + len(suffix)]
    return (_similarity(prefix, before) + _similarity(suffix, after)) / 2


def _exact_candidates(text: str, quote: str) -> list[tuple[int, int]]:
    found, pos = [], text.find(quote)
    while pos != -1 and quote:
        found.append((pos, pos + len(quote)))
        pos = text.find(quote, pos + 1)
    return found


def _pick(text: str, cands: list[tuple[int, int, float]], sel: TextQuoteSelector) -> tuple[tuple[int, int, float] | None, bool]:
    """Best candidate by score (quote similarity and context); True when two tie."""
    scored = sorted(((QUOTE_WEIGHT * q + 2 * CONTEXT_WEIGHT * _context_score(text, s, e, sel), s, e)
                     for s, e, q in cands), reverse=True)
    best = scored[0]
    tie = len(scored) > 1 and best[0] - scored[1][0] < TIE_MARGIN
    return (best[1], best[2], best[0]), tie


def anchor_in(paragraph_id: str, text: str, sel: TextQuoteSelector) -> AnchorResult:
    """Anchor ``sel`` in one paragraph's reading text (offsets are into ``text``)."""
    norm, where = normalise_with_map(text)
    quote = normalise(sel.exact)
    cands = [(s, e, 1.0) for s, e in _exact_candidates(norm, quote)]
    method = "exact"
    if not cands:
        method = "fuzzy"
        cands = _fuzzy_candidates(norm, quote)
    if not cands:
        return AnchorResult(None, "orphan", "the quote matches nowhere in the paragraph")
    best, tie = _pick(norm, cands, sel)
    if tie:
        return AnchorResult(None, "ambiguous", "the quote matches more than one place equally well; "
                                               "lengthen prefix or suffix")
    start, end, score = best
    if method == "fuzzy" and score < THRESHOLD:
        return AnchorResult(None, "orphan", f"best approximate match scores {score:.2f} (< {THRESHOLD})")
    if method == "exact" and len(cands) > 1 and score < THRESHOLD:
        return AnchorResult(None, "ambiguous", "several matches and prefix/suffix do not tell them apart")
    return AnchorResult(Anchor(paragraph_id, where[start], where[end] if end < len(where) else len(text),
                               round(score, 3), method), method)


def _fuzzy_candidates(text: str, quote: str) -> list[tuple[int, int, float]]:
    if len(quote) < 4:
        return []
    errors = max(1, len(quote) // 5)
    pattern = regex.compile(f"(?:{regex.escape(quote)}){{e<={errors}}}")
    out = []
    for m in pattern.finditer(text, overlapped=True):
        start, end = _cluster_edges(text, m.start(), m.end())
        out.append((start, end, _similarity(quote, text[start:end])))
    # keep the best-scoring match per start region
    out.sort(key=lambda c: -c[2])
    kept: list[tuple[int, int, float]] = []
    for c in out:
        if all(abs(c[0] - k[0]) > len(quote) // 2 for k in kept):
            kept.append(c)
    return kept


def _cluster_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a match so it neither starts nor ends inside a Thai cluster (on a vowel sign or mark)."""
    while 0 < start < len(text) and text[start] in COMBINING + "\u0e33":
        start -= 1
    while end < len(text) and text[end] in COMBINING + "\u0e33":
        end += 1
    return start, end


def anchor(sel: TextQuoteSelector, paragraph_id: str, texts: Mapping[str, str]) -> AnchorResult:
    """Anchor in the target paragraph; if the quote has left it, look for it exactly elsewhere."""
    if paragraph_id in texts:
        result = anchor_in(paragraph_id, texts[paragraph_id], sel)
        if result.anchor is not None or result.status == "ambiguous":
            return result
    quote = normalise(sel.exact)
    elsewhere = [pid for pid, t in texts.items() if pid != paragraph_id and quote in normalise(t)]
    if len(elsewhere) == 1:
        result = anchor_in(elsewhere[0], texts[elsewhere[0]], sel)
        if result.anchor is not None:
            why = "which does not exist" if paragraph_id not in texts else "where it no longer is"
            return AnchorResult(result.anchor, "moved", f"found in {elsewhere[0]}, not in {paragraph_id} ({why})")
    if paragraph_id not in texts:
        return AnchorResult(None, "orphan", f"no paragraph with xml:id '{paragraph_id}'")
    return AnchorResult(None, "orphan", "the quote matches nowhere in the paragraph")
