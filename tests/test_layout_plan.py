"""A chapter's footnotes kept on their call's page (writers/pdf.settled), worked on made-up page
data: a footnote pushed to the next page is brought back by relaxing the paragraphs concerned;
a known plan lays out once; a footnote that cannot be brought back stops the relaxing."""

from __future__ import annotations

from edition.pagedata import PageData
from edition.writers.pdf import MAX_RELAXATIONS, settled


class Chapter:
    """Made-up pagination: note n1 is called in p7 on page 3 and pushed to page 4 unless p7 and p8
    (the paragraph starting page 4) are relaxed."""

    def __init__(self, fixable=True):
        self.layouts: list[frozenset] = []
        self.fixable = fixable

    def lay_out(self, relaxed):
        self.layouts.append(relaxed)
        return relaxed, None, "<html/>"

    def read(self, document):
        fixed = self.fixable and {"p7", "p8"} <= document
        data = PageData(6, {}, ((3, "p7", "..."), (4, "p8", "...")), {"n1": (3, 3 if fixed else 4)})
        return data, {"n1": "p7"}


def test_a_footnote_pushed_off_its_calls_page_comes_back_by_relaxing_two_paragraphs():
    chapter = Chapter()
    layout = settled(chapter.lay_out, read_pages=chapter.read)
    assert layout.relaxed == {"p7", "p8"} and layout.data.relaxed == ("p7", "p8")
    assert layout.data.misplaced_footnotes() == {}
    assert chapter.layouts == [frozenset(), frozenset({"p7", "p8"})]
    assert layout.document == chapter.layouts[-1]  # the last layout is the one written


def test_a_known_plan_gives_the_final_layout_at_once():
    chapter = Chapter()
    layout = settled(chapter.lay_out, frozenset({"p7", "p8"}), read_pages=chapter.read)
    assert len(chapter.layouts) == 1 and layout.data.misplaced_footnotes() == {}


def test_without_rounds_a_part_is_laid_out_once():
    chapter = Chapter()
    layout = settled(chapter.lay_out, rounds=0, read_pages=chapter.read)
    assert len(chapter.layouts) == 1 and layout.data.misplaced_footnotes() == {"n1": (3, 4)}


def test_a_footnote_that_cannot_be_brought_back_stops_relaxing():
    chapter = Chapter(fixable=False)
    layout = settled(chapter.lay_out, read_pages=chapter.read)
    assert layout.data.misplaced_footnotes() == {"n1": (3, 4)}  # reported by the build, not hidden
    assert 2 <= len(chapter.layouts) <= MAX_RELAXATIONS + 1
