"""Shared fixtures: one full build of the edition per test session, in a copy of the project."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("book.yaml", "manuscript", "annotations", "styles")


def copy_project(target: Path) -> Path:
    """A copy of the project's sources (not its outputs) to build or break in a test."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, target / part)
        else:
            shutil.copy2(src, target / part)
    return target


def run_build(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(root), *args],
                          capture_output=True, text=True, env=env, timeout=600)


@dataclass(frozen=True)
class Built:
    root: Path
    pdf: Path
    print_pdf: Path
    epub: Path

    def epub_files(self) -> dict[str, bytes]:
        with zipfile.ZipFile(self.epub) as z:
            return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    root = copy_project(tmp_path_factory.mktemp("edition"))
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    dist = root / "dist"
    return Built(root, dist / "chapter-03.pdf", dist / "chapter-03-print.pdf", dist / "chapter-03.epub")


@pytest.fixture(scope="session")
def trim_pdfs(built, tmp_path_factory):
    """The reading PDF, justified (the default) at A5 (the session build), B5 and 6x9 in, and set
    ragged right at A5; each with the project it was built in."""
    pdfs = {"A5": built.pdf}
    for trim, extra in (("B5", ()), ("6x9in", ()), ("A5-ragged", ("--ragged",))):
        root = copy_project(tmp_path_factory.mktemp(f"trim-{trim}"))
        result = run_build(root, "build", "--trim", trim.removesuffix("-ragged"), "--only", "pdf", *extra)
        assert result.returncode == 0, result.stderr
        pdfs[trim] = root / "dist" / "chapter-03.pdf"
        justified = re.search(r"justified \d+ lines; \d+ set loose", result.stdout + result.stderr)
        assert bool(justified) == (not extra), result.stdout + result.stderr
    return pdfs


@pytest.fixture(scope="session")
def edition():
    from edition.pipeline import load

    _, _, resolution = load(ROOT)
    assert resolution.edition is not None, resolution.problems
    return resolution.edition


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
