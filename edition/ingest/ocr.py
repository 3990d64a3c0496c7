"""The OCR text file as ingest reads it: UTF-8 text in blocks separated by blank lines, each
block with the line number where it starts in the file.

What the manuscript gives back (``readers.tei.source_reading``) is the OCR's blocks, every
character of every line, two newlines before the first block and one blank line between
blocks. So the round trip is exact for a file in that frame (as the OCR the builder was first made for),
and for any other file it is exact up to the frame: :func:`read_ocr` says which of these it
found, and ingest reports them: a byte-order mark, CR LF or CR line ends, form feeds (page
breaks), tabs (read as spaces: the reader refuses tabs in running text), lines of spaces
(blank), and other counts of blank lines.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import EditionError

# characters XML 1.0 cannot hold (tab, LF and CR are handled before this is looked for)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")
_FRAME = "\n\n"  # what source_reading writes before the first block


@dataclass(frozen=True)
class OcrBlock:
    line: int  # 1-based line number of the block's first line
    lines: tuple[str, ...]

    @property
    def joined(self) -> str:
        """The block's lines joined by a space, whitespace runs as one space."""
        return " ".join(" ".join(self.lines).split())


@dataclass(frozen=True)
class OcrText:
    path: Path
    digest: str  # sha256 of the file's bytes
    blocks: tuple[OcrBlock, ...]
    normalised: tuple[str, ...]  # what differs from the frame the manuscript gives back, if anything

    @property
    def framed(self) -> str:
        """The text the ingested manuscript gives back: the file itself when ``normalised`` is empty."""
        return _FRAME + "\n\n".join("\n".join(b.lines) for b in self.blocks)


def read_ocr(path: Path) -> OcrText:
    """Read and check the OCR file; every problem is an error naming the file and the line."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError as exc:
        raise EditionError.at(path, None, "is a folder, not an OCR text file", "give the OCR text file") from exc
    except OSError as exc:
        raise EditionError.at(path, None, f"cannot read the OCR file: {exc.strerror}", "check the path") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        raise EditionError.at(path, raw[: exc.start].count(b"\n") + 1,
                              f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at byte {exc.start - line_start + 1} "
                              "of the line",
                              "convert the file to UTF-8, e.g. `iconv -f TIS-620 -t UTF-8` for Thai or "
                              "`iconv -f CP1252 -t UTF-8` for Western European text") from exc
    normalised: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        normalised.append("no byte-order mark")
    for old, what in (("\r\n", "LF line ends for its CR LF"), ("\r", "LF line ends for its CR"),
                      ("\f", "no form feeds (page breaks)"), ("\t", "spaces for its tabs")):
        if old in text:
            text = text.replace(old, "\n" if old.startswith("\r") else " " if old == "\t" else "")
            normalised.append(what)
    bad = _NOT_XML.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise EditionError.at(path, line, f"control character U+{ord(bad.group()):04X} at column {column}",
                              "XML cannot hold it and it is not text: delete it from the OCR file")
    blocks = read_blocks(text)
    if not blocks:
        raise EditionError.at(path, 1, "nothing to ingest: the file is empty" if not text
                              else "nothing to ingest: the file has only blank lines",
                              "give the OCR text: UTF-8, blocks of text separated by blank lines")
    result = OcrText(path, hashlib.sha256(raw).hexdigest(), tuple(blocks), ())
    if text != result.framed:
        if any(line.strip() == "" and line for line in text.split("\n")):
            normalised.append("empty lines for its lines of spaces")
        normalised.append("two blank lines before the first block, one between blocks and none at the end")
    return OcrText(result.path, result.digest, result.blocks, tuple(normalised))


def read_blocks(text: str) -> list[OcrBlock]:
    """Split the text into blocks separated by blank lines (a line of spaces is blank), keeping line
    numbers."""
    blocks: list[OcrBlock] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            if current:
                blocks.append(OcrBlock(start, tuple(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(OcrBlock(start, tuple(current)))
    return blocks
