"""Two builds of the same inputs, in different folders, give byte-identical outputs."""

from __future__ import annotations

import shutil

from tests.support import copy_project, run_build


def test_two_builds_of_the_same_inputs_are_byte_identical(built, tmp_path):
    root = copy_project(tmp_path / "again")
    # start from the first build's layouts (their page counts and relaxed paragraphs, as after an
    # edit elsewhere): every part is then laid out at its own first page instead of from page 1 and
    # given its page numbers after layout, rendered and written anew in another folder, and must
    # come out byte for byte the same
    shutil.copytree(built.root / "build" / "cache" / "laid", root / "build" / "cache" / "laid")
    result = run_build(root)
    assert result.returncode == 0, result.stderr
    for name in ("chapter-03.pdf", "chapter-03-print.pdf", "chapter-03.epub", "chapter-03.annotations.jsonld"):
        assert (root / "dist" / name).read_bytes() == (built.root / "dist" / name).read_bytes(), name
