"""Shared fixtures: builds of the edition shared across the test session (each made once, in a
copy of the project), and the resolved edition."""

from __future__ import annotations

import re

import pytest

from tests.support import ROOT, Built, copy_project, run_build


def pytest_collection_modifyitems(items):
    """A test that uses a build of the whole chapter is slow: `pytest -m "not slow"` is the fast
    tier (small fixtures, a few seconds a test)."""
    slow = {"built", "trim_pdfs"}
    for item in items:
        if slow & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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
    from edition.resolve import load

    _, _, resolution = load(ROOT)
    assert resolution.edition is not None, resolution.problems
    return resolution.edition
