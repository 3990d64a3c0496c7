"""Reading the PDF's text layer as a reader's copy would (pdftotext, which honours /ActualText),
separated into the main text area and the footnote area, and aligning it with the reading text."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber

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
