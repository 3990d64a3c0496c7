"""The one seam into WeasyPrint (edition/seam): it fits the pinned WeasyPrint, and a WeasyPrint
that lacks what it needs is refused at once, by name, never used to write a quietly wrong PDF.
Also what the seam does that no public API does: page numbers set after layout, pydyf's page
references made once per page count."""

from __future__ import annotations

import pytest

from edition import seam


@pytest.fixture
def fresh_install(monkeypatch):
    """The seam as if this process had not installed it yet."""
    monkeypatch.setattr(seam, "_installed", False)


def test_the_seam_fits_the_pinned_weasyprint():
    assert seam.seam_problems() == []


def test_another_weasyprint_version_is_refused(monkeypatch, fresh_install):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(seam.SeamMissing, match=r"WeasyPrint 71\.0 is not.*Pin weasyprint==70\.0"):
        seam.install()


@pytest.mark.parametrize("owner, name", [
    ("weasyprint.draw", "draw_text"),  # the text layer, the justifier's widths
    ("weasyprint.formatting_structure.boxes.PageBox", "bleed_area"),  # the printer's PDF
    ("weasyprint.layout.page", "make_margin_boxes"),  # page numbers after layout
    ("weasyprint.text.line_break", "get_log_attrs"),  # Pango's break opportunities
])
def test_a_missing_internal_is_named_and_nothing_is_laid_out(monkeypatch, fresh_install, owner, name):
    import importlib

    module, _, attr = owner.rpartition(".")
    try:
        target = getattr(importlib.import_module(module), attr)
    except (ImportError, AttributeError):
        target = importlib.import_module(owner)
    monkeypatch.delattr(target, name)
    with pytest.raises(seam.SeamMissing, match=name):
        seam.install()


def test_laying_out_goes_through_the_check(monkeypatch, fresh_install, tmp_path):
    """Every entry point that lays out installs the seam first, so a broken seam stops a build."""
    import weasyprint.draw

    from edition.seam import layout

    monkeypatch.delattr(weasyprint.draw, "draw_text")
    with pytest.raises(seam.SeamMissing):
        layout.render("<p>x</p>", tmp_path, tmp_path)


def test_a_part_laid_out_from_page_1_is_given_its_real_page_numbers_after_layout():
    import weasyprint
    from weasyprint.formatting_structure import boxes

    from edition.seam import folios
    from edition.seam.layout import boxes_of

    page = ("@page { size: A6; @bottom-center { content: counter(page); } }"
            "@page :left { @top-left { content: 'verso ' counter(page); } }"
            "@page :right { @top-right { content: 'recto ' counter(page); } } p { break-after: page; }")
    body = "".join(f"<p>หน้าที่ {k}</p>" for k in range(5))

    def margins(document) -> list[list[str]]:
        return [sorted(b.text for m in p._page_box.children if isinstance(m, boxes.MarginBox)
                       for b in boxes_of(m) if hasattr(b, "text")) for p in document.pages]

    def html(first: int) -> weasyprint.HTML:
        return weasyprint.HTML(string=f"<style>{page}@page :first {{ counter-reset: page {first}; }}</style>{body}")

    moved = folios.render(html(1))
    assert margins(moved)[:2] == [["1", "recto 1"], ["2", "verso 2"]]  # laid out from page 1
    folios.move(moved, 36)
    direct = html(37).render()
    assert margins(moved) == margins(direct) and margins(direct)[0] == ["37", "recto 37"]
    folios.move(moved, 0)  # a shift counts from the layout, not from the last move
    assert margins(moved)[0] == ["1", "recto 1"]
    with pytest.raises(ValueError, match="change sides"):
        folios.move(moved, 3)  # a part always starts on a recto


def test_pydyf_page_references_are_kept_per_page_count_and_stay_right():
    import pydyf

    seam.install()
    pdf = pydyf.PDF()
    for _ in range(3):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    first = pdf.page_references
    assert first is pdf.page_references  # made once for this page count
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert pdf.page_references == tuple(f"{n} 0 R".encode() for n in pdf.pages["Kids"][::3])
    assert len(pdf.page_references) == 4
