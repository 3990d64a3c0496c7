"""Work beside the build in a forked child (edition/forking.py): its file is there when the block
ends, its failure is raised here, and a failure here stops it."""

from __future__ import annotations

import time

import pytest

from edition.errors import EditionError, Problem
from edition.forking import ChildFailed, beside


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    monkeypatch.setenv("EDITION_JOBS", "2")


def test_the_childs_work_is_done_when_the_block_ends(tmp_path):
    target = tmp_path / "out.txt"
    with beside(lambda: target.write_text("printer"), "the file"):
        here = (tmp_path / "here.txt")
        here.write_text("reading")
    assert target.read_text() == "printer" and here.read_text() == "reading"


def test_an_error_in_the_child_is_raised_here_with_its_message(tmp_path):
    def fail():
        raise EditionError([Problem("styles/print.yaml", 3, "bleed is not a length", "write 3mm")])

    with pytest.raises(EditionError) as caught, beside(fail, "the printer's PDF"):
        pass
    assert caught.value.problems == [Problem("styles/print.yaml", 3, "bleed is not a length", "write 3mm")]


def test_an_error_that_cannot_be_pickled_comes_back_with_the_childs_traceback():
    class Local(Exception):  # a local class cannot be pickled
        pass

    def fail():
        raise Local("no ICC profile")

    with pytest.raises(ChildFailed, match="(?s)the printer's PDF: .*no ICC profile"), beside(fail, "the printer's PDF"):
        pass


def test_a_failure_here_stops_the_child(tmp_path):
    target = tmp_path / "late.txt"

    def slow():
        time.sleep(3)
        target.write_text("too late")

    start = time.monotonic()
    with pytest.raises(ValueError), beside(slow, "the slow part"):
        raise ValueError("the EPUB failed")
    assert time.monotonic() - start < 2.5 and not target.exists()


def test_without_a_second_core_the_work_runs_here_after_the_block(monkeypatch, tmp_path):
    monkeypatch.setenv("EDITION_JOBS", "1")
    order = []
    with beside(lambda: order.append("child"), "x"):
        order.append("body")
    assert order == ["body", "child"]
