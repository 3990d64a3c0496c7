"""What a layout tells about its pages: where each page starts, where persons are named, where
each footnote's call and body fall, where each chapter, section and part opens.

The PDF writer reads it from the laid-out boxes (:func:`edition.seam.layout.page_data`); the book
shifts each part's data to its pages in the book and merges them; the EPUB's page-list, the
contents, the index and ``pages.json`` are made from it. Pure data: picklable, JSON both ways.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class PageData:
    page_count: int
    person_pages: dict[str, tuple[int, ...]]
    page_starts: tuple[tuple[int, str, str], ...]  # (page, id of the paragraph or section, first text)
    footnote_pages: dict[str, tuple[int, int]]  # note id -> (page of the call, page of the body)
    # the page each chapter, section and part of the front and back matter opens on (by id)
    section_pages: dict[str, int] = field(default_factory=dict)
    relaxed: tuple[str, ...] = ()  # paragraphs set with widows/orphans 1 to keep a footnote with its call
    justified: dict[str, int] | None = None  # justified lines, loose lines (see writers/justify.py)

    def misplaced_footnotes(self) -> dict[str, tuple[int, int]]:
        return {k: v for k, v in self.footnote_pages.items() if v[0] != v[1]}

    def shifted(self, first_page: int) -> PageData:
        """The same data with its pages counted from ``first_page`` instead of 1."""
        s = first_page - 1
        return replace(self, person_pages={k: tuple(p + s for p in v) for k, v in self.person_pages.items()},
                       page_starts=tuple((p + s, a, t) for p, a, t in self.page_starts),
                       footnote_pages={k: (a + s, b + s) for k, (a, b) in self.footnote_pages.items()},
                       section_pages={k: p + s for k, p in self.section_pages.items()})

    def to_dict(self) -> dict:
        return {"page_count": self.page_count, "person_pages": self.person_pages, "page_starts": self.page_starts,
                "footnote_pages": self.footnote_pages, "section_pages": self.section_pages,
                "relaxed_paragraphs": self.relaxed, "justified_lines": self.justified}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, d: dict) -> PageData:
        return cls(d["page_count"], {k: tuple(v) for k, v in d["person_pages"].items()},
                   tuple(tuple(s) for s in d["page_starts"]), {k: tuple(v) for k, v in d["footnote_pages"].items()},
                   dict(d["section_pages"]), tuple(d.get("relaxed_paragraphs", ())), d.get("justified_lines"))


def merged(parts: Iterable[PageData]) -> PageData:
    """The data of a book from its parts' (each already shifted to its pages in the book)."""
    persons: dict[str, set[int]] = {}
    footnotes: dict[str, tuple[int, int]] = {}
    starts: list[tuple[int, str, str]] = []
    sections: dict[str, int] = {}
    relaxed: list[str] = []
    justified: dict[str, int] | None = None
    count = 0
    for data in parts:
        count += data.page_count
        for k, v in data.section_pages.items():
            sections.setdefault(k, v)
        for k, v in data.person_pages.items():
            persons.setdefault(k, set()).update(v)
        footnotes.update(data.footnote_pages)
        starts.extend(data.page_starts)
        relaxed.extend(data.relaxed)
        if data.justified:
            justified = justified or {}
            for k, v in data.justified.items():
                justified[k] = justified.get(k, 0) + v
    return PageData(count, {k: tuple(sorted(v)) for k, v in persons.items()}, tuple(starts), footnotes, sections,
                    tuple(sorted(relaxed)), justified)
