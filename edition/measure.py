"""Measuring the PDFs as a reader and a printer see them: the text a copy gives (pdftotext, which
honours /ActualText) split into the text area and the footnote area and aligned with the reading
text; glyph positions (pdfplumber) grouped into lines, with the gaps between them; the text
column from the print configuration.

The tests and ``bench/`` measure the outputs with it: it reads only what the PDF shows, never
what the builder decided.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pdfplumber

from .config import load_print_config
from .thai import normalise_with_map, segment

ROOT = Path(__file__).resolve().parents[1]
MM = Decimal(72) / Decimal("25.4")


CALLS = re.compile(r"[๐-๙]+|\[\d+\]|†")


def _crop(pdf: Path, page: int, x: float, y: float, w: float, h: float) -> str:
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(page), "-l", str(page),
                           "-x", str(int(x)), "-y", str(int(y)), "-W", str(int(w)), "-H", str(int(h)),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def areas(pdf: Path, top: float, bottom: float) -> tuple[str, str]:
    """(main text, footnotes) of every page, page furniture (running heads, folios) left out.
    ``top`` and ``bottom`` are the page margins in points."""
    main, foot = [], []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            x0, y0, x1, y1 = [float(v) for v in page.trimbox] if page.trimbox else (0, 0, page.width, page.height)
            rules = [r for r in page.rects if r["fill"] and r["width"] > 150 and r["top"] > page.height / 3]
            limit = min((r["top"] for r in rules), default=page.height - bottom)
            main.append(_crop(pdf, number, 0, top - 1, page.width, limit - top).rstrip("\n\f"))
            if rules:
                foot.append(_crop(pdf, number, 0, limit, page.width, page.height - bottom - limit + 2).rstrip("\n\f"))
    return "\n".join(main), "\n".join(foot)


@dataclass
class Alignment:
    matched: int = 0
    breaks: list[int] = field(default_factory=list)  # offsets in the expected text where a line ends
    false_spaces: list[int] = field(default_factory=list)
    error: str = ""


MARKERS = re.compile(r"(?m)^[๐-๙]+ ")  # a footnote's number where its text starts


def align(expected: str, stream: str, calls: re.Pattern[str] = CALLS) -> Alignment:
    """Align a paragraph's reading text with the extracted stream (note calls removed): every
    character must be there in order; a line break may stand for a space or for nothing."""
    # a call becomes a mark the aligner skips, with the space pdftotext may infer beside it; the
    # text it stood for is kept, for a text that has such digits itself ("(๑ ๒ ๓ …)")
    texts: dict[int, str] = {}
    parts, last = [], 0
    for m in calls.finditer(stream):
        parts.append(stream[last:m.start()])
        texts[sum(map(len, parts))] = m.group()
        parts.append("\x00")
        last = m.end()
    parts.append(stream[last:])
    stream = "".join(parts)
    best = Alignment(error="start not found")
    probe = expected[:12]
    start = stream.find(probe)
    while start >= 0:
        result = _align_from(expected, stream, start, texts)
        if result.matched > best.matched:
            best = result
        if best.matched == len(expected):
            break
        start = stream.find(probe, start + 1)
    return best


def _align_from(e: str, s: str, j: int, texts: dict[int, str] | None = None) -> Alignment:
    a = Alignment()
    i = 0
    while i < len(e):
        if j >= len(s):
            a.error = "stream ended"
            break
        if s[j] == "\x00" and texts and e.startswith(texts.get(j, "\x01"), i):
            i += len(texts[j])  # digits of the text itself, not a call
            j += 1
            continue
        if s[j] == "\x00":
            j += 1
            if j < len(s) and s[j] == "\n" and (j + 1 < len(s) and s[j + 1] == " " or i >= len(e) or e[i] != " "):
                j += 1  # pdftotext starts a new line after a raised call: not a line of the page
            if j < len(s) and s[j] == " " and (i >= len(e) or e[i] != " "):
                j += 1  # pdftotext's gap after a raised call is not a space of the text
            continue
        if e[i] == s[j]:
            i += 1
            j += 1
        elif s[j] == "\n":
            j += 1
            if e[i] == " ":
                i += 1
            a.breaks.append(i)
        elif s[j] == " " and j + 1 < len(s) and s[j + 1] == "\n":
            j += 1
        elif s[j] == " " and j + 1 < len(s) and s[j + 1] == "\x00":
            j += 1  # pdftotext's gap before a raised call
        elif s[j] == " ":
            a.false_spaces.append(i)
            j += 1
        else:
            a.error = f"at {i}: expected {e[i:i + 10]!r}, found {s[j:j + 10]!r}"
            break
    a.matched = i
    return a


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


BODY_SIZE = 10.5  # pt, styles/print.yaml


def body_lines(pdf, pages=None):
    """Lines of body-size glyphs on each page, in content-stream order, grouped by baseline, and
    the x-ranges of the smaller glyphs (note calls) that sit in each line."""
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            if pages is not None and number not in pages:
                continue
            lines: dict[float, list[dict]] = {}
            small = [c for c in page.chars if c["size"] < BODY_SIZE - 0.5]
            for ch in page.chars:
                if abs(ch["size"] - BODY_SIZE) < 0.2:
                    lines.setdefault(-round(ch["matrix"][5], 1), []).append(ch)  # the baseline
            for _, chars in sorted(lines.items()):
                top, bottom = min(c["top"] for c in chars), max(c["bottom"] for c in chars)
                calls = [(c["x0"], c["x1"]) for c in small if top - 4 <= c["bottom"] <= bottom]
                yield number, chars, calls


def chapter_pages(built_root, edition, name: str = "chapter-03") -> set[int]:
    """The pages of the chapter itself, from the page data the PDF writer exports."""
    ids = {c.id for c in edition.chapters} | {s.id for c in edition.chapters for s in c.sections} \
        | {p.id for p in edition.leaves()}
    starts = json.loads((built_root / "dist" / f"{name}.pages.json").read_text(encoding="utf-8"))["page_starts"]
    pages = [page for page, anchor, _ in starts if anchor in ids]
    return set(range(min(pages), max(pages) + 1))


def column(trim: str = "A5", root: Path = ROOT) -> tuple[float, float]:
    """The right edge of the text column on a recto and on a verso page, in pt, from the config."""
    cfg = load_print_config(root, trim)

    def pt(value: str) -> float:
        return float(value[:-2]) * (72.0 if value.endswith("in") else float(MM))

    return pt(cfg.width) - pt(cfg.margins["outside"]), pt(cfg.width) - pt(cfg.margins["inside"])


def is_mark(text: str) -> bool:
    return bool(text) and all(unicodedata.category(ch) in ("Mn", "Me") for ch in text)


def gaps(pdf, words, pages=None):
    """Gaps (em) between consecutive base glyphs of every line: at phrase spaces, at Thai word
    boundaries of the line's segmentation, inside words. A gap holding a note call is left out."""
    spaces, boundaries, inside = [], [], []
    for _, chars, calls in body_lines(pdf, pages):
        base = [c for c in chars if not is_mark(c["text"])]
        text = "".join(c["text"] for c in chars)
        # the glyphs give ำ as nikhahit + aa (ToUnicode follows the glyphs): segment the text as
        # written (ำ whole) and map each word's end back to the glyphs' text
        norm, where = normalise_with_map(text)
        ends, pos = set(), 0
        for token in segment(norm, words):
            pos += len(token)
            ends.add(where[pos])
        offsets, k = [], 0
        for c in chars:
            k += len(c["text"])
            if not is_mark(c["text"]):
                offsets.append(k)
        for i in range(len(base) - 1):
            a, b = base[i], base[i + 1]
            if a["text"] == " " or any(a["x1"] - 0.2 <= x0 and x1 <= base[min(i + 2, len(base) - 1)]["x0"] + 0.2
                                       for x0, x1 in calls):
                continue
            if b["text"] == " ":
                if i + 2 < len(base):
                    spaces.append((base[i + 2]["x0"] - a["x1"]) / BODY_SIZE)
                continue
            gap = (b["x0"] - a["x1"]) / BODY_SIZE
            thai = "\u0e00" <= a["text"] <= "\u0e7f" and "\u0e00" <= b["text"] <= "\u0e7f"
            end = offsets[i]
            while end < len(text) and is_mark(text[end]):
                end += 1
            if thai and end in ends:
                boundaries.append(gap)
            elif thai:
                inside.append(gap)
    return spaces, boundaries, inside


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def short_lines(pdf, trim, pages, root: Path = ROOT):
    recto, verso = column(trim, root)
    short = 0
    for page, chars, calls in body_lines(pdf, pages):
        # the line's end: its last base glyph (a mark is drawn past its base's advance), or a note
        # call set after it
        right = max(c["x1"] for c in chars if c["text"].strip() and not is_mark(c["text"]))
        right = max([right] + [x1 for x0, x1 in calls if x0 >= right - 0.5])
        edge = recto if page % 2 else verso
        assert right <= edge + 0.5, (page, "".join(c["text"] for c in chars))  # nothing overflows
        if edge - right > 0.5:
            short += 1
    return short


def margins(trim: str = "A5", root: Path = ROOT) -> tuple[float, float]:
    """The top and bottom page margins of ``trim`` in pt, from styles/print.yaml."""
    cfg = load_print_config(root, trim)
    to_pt = {"mm": float(MM), "in": 72.0, "pt": 1.0}

    def pt(v):
        m = re.fullmatch(r"([\d.]+)(mm|in|pt)", v)
        return float(m.group(1)) * to_pt[m.group(2)]

    return pt(cfg.margins["top"]), pt(cfg.margins["bottom"])
