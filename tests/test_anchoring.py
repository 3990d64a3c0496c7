"""Anchoring TextQuoteSelectors: exact, normalised, fuzzy with a threshold, orphans reported."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from edition.anchoring import anchor, anchor_in
from edition.model import TextQuoteSelector as Q

TEXT = "ที่ฐานทัพเรือกรอนสตัทท์ในน่านน้ำบอลติก ซึ่งคอมมิวนิสต์เชิดชูให้เป็นสถานที่สำคัญของการปฏิวัติ"


def test_an_exact_quote_anchors_where_it_is():
    r = anchor_in("p", TEXT, Q("กรอนสตัทท์", "ฐานทัพเรือ", "ในน่านน้ำ"))
    assert r.status == "exact" and TEXT[r.anchor.start:r.anchor.end] == "กรอนสตัทท์"


def test_thai_spellings_that_look_alike_are_one_quote():
    # ํา for ำ, เเ for แ, zero-width space, tone typed before the vowel
    text = "น้ํา เเละ ป่ี" + "\u200b" + "ดี"
    for quote in ("น้ำ", "และ", "ปี่ดี"):
        r = anchor_in("p", text, Q(quote))
        assert r.anchor is not None, quote


def test_a_quote_found_twice_is_told_apart_by_its_context():
    text = "สตาลินกล่าวว่า ก ต่อมาสตาลินกล่าวว่า ข"
    r = anchor_in("p", text, Q("สตาลิน", "ต่อมา", "กล่าวว่า ข"))
    assert r.anchor.start == text.index("ต่อมา") + len("ต่อมา")


def test_two_equal_places_are_ambiguous_not_guessed():
    text = "สตาลิน และ สตาลิน"
    assert anchor_in("p", text, Q("สตาลิน")).status == "ambiguous"


def test_a_lightly_edited_quote_reanchors_fuzzily():
    r = anchor_in("p", TEXT, Q("กรอนสตัดท์", "ฐานทัพเรือ", "ในน่านน้ำ"))
    assert r.status == "fuzzy" and TEXT[r.anchor.start:r.anchor.end] == "กรอนสตัทท์"


def test_a_quote_that_is_gone_is_an_orphan():
    assert anchor_in("p", TEXT, Q("มายากอฟสกีเขียนบทละคร")).status == "orphan"


def test_a_quote_moved_to_another_paragraph_is_found_there():
    r = anchor(Q("กรอนสตัทท์"), "p1", {"p1": "ไม่มีแล้ว", "p2": TEXT})
    assert r.status == "moved" and r.anchor.paragraph == "p2"


def test_an_unknown_paragraph_is_an_orphan():
    assert anchor(Q("ไม่มีที่ไหน"), "p9", {"p1": TEXT}).status == "orphan"


thai = st.text(alphabet="กขคงจฉชซดตถทนบปผพมยรลวสหอะาิีึืุู่้ เแโใไ", min_size=0, max_size=40)
QUOTE = "กรอนสตัทท์"


@settings(max_examples=150, deadline=None)
@given(before=thai, after=thai, edit_before=thai, edit_after=thai)
def test_edits_away_from_an_anchor_never_move_it(before, after, edit_before, edit_after):
    text = before + " " + QUOTE + " " + after
    sel = Q(QUOTE, text[max(0, len(before) + 1 - 10):len(before) + 1], text[len(before) + 1 + len(QUOTE):][:10])
    edited = edit_before + before + " " + QUOTE + " " + after + edit_after
    if edited.count(QUOTE) != 1:
        return  # the edit itself wrote the quote again: that case is the ambiguity test's
    r = anchor_in("p", edited, sel)
    assert r.anchor is not None
    assert edited[r.anchor.start:r.anchor.end] == QUOTE


@settings(max_examples=150, deadline=None)
@given(pos=st.integers(min_value=0, max_value=len(QUOTE) - 1), ch=st.sampled_from("กขคงจฉชซดต"),
       mode=st.sampled_from(["replace", "insert", "delete"]))
def test_edits_inside_an_anchor_reanchor_there_or_orphan(pos, ch, mode):
    prefix, suffix = "ที่ฐานทัพเรือ", "ในน่านน้ำบอลติก"
    if mode == "replace":
        new = QUOTE[:pos] + ch + QUOTE[pos + 1:]
    elif mode == "insert":
        new = QUOTE[:pos] + ch + QUOTE[pos:]
    else:
        new = QUOTE[:pos] + QUOTE[pos + 1:]
    text = "ข้อความอื่น " + prefix + new + suffix + " ท้าย"
    r = anchor_in("p", text, Q(QUOTE, prefix, suffix))
    if r.anchor is None:
        assert r.status in ("orphan", "ambiguous")
    else:
        start = text.index(prefix) + len(prefix)
        # the edited place, give or take the edited character at the edges
        assert abs(r.anchor.start - start) <= 1 and abs(r.anchor.end - (start + len(new))) <= 1
