"""What the tests share: the project's sources copied to build or break, the build run as a user
runs it, the outputs opened. PDF measurements live in :mod:`edition.measure` (bench/ uses them
too; it never imports the tests)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from edition.config import PROJECT_SOURCES

ROOT = Path(__file__).resolve().parents[1]
OCR_FIXTURES = ROOT / "tests" / "fixtures" / "ocr"  # small OCR texts for `ingest`, one per language


def copy_project(target: Path, source: Path = ROOT) -> Path:
    """A copy of a project's sources (not its outputs) to build or break in a test."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_SOURCES:
        src = source / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        elif src.exists():
            shutil.copy2(src, target / part)
    return target


def run_build(root: Path, *args: str, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """``build.py --root ROOT ARGS``, as a user runs it."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=timeout)


@dataclass(frozen=True)
class Built:
    root: Path
    pdf: Path
    print_pdf: Path
    epub: Path

    def epub_files(self) -> dict[str, bytes]:
        return zip_files(self.epub)


def zip_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", *args, str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, laid out as on the page (pdftotext -layout)."""
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1]


def render_pages(pdf: Path, folder: Path, dpi: int = 60) -> list[bytes]:
    """Each page of ``pdf`` as a PNG at ``dpi`` (pdftoppm), in order."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(folder / "p")], check=True, capture_output=True)
    return [p.read_bytes() for p in sorted(folder.glob("p-*.png"))]
