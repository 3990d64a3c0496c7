"""Rendering of an :class:`edition.diff.AnnotationDiff`: text (rich in a terminal, plain when
piped), JSON (the stable shape documented in ``docs/diff.md``) and one self-contained HTML page
(everything escaped, old and new side by side, each passage in its context, nothing fetched)."""

from __future__ import annotations

import json
import unicodedata
from html import escape
from typing import Any

from ..diff import (
    LIST_KEYS,
    AnnotationDiff,
    BodyChange,
    Changed,
    CitationChange,
    Entry,
    FieldChange,
    MetadataChange,
    Placed,
    Retargeted,
    SelectorChange,
    Side,
    WordOp,
)

# --- JSON --------------------------------------------------------------------------------

def _placed(p: Placed | None) -> dict | None:
    if p is None:
        return None
    return {"paragraph": p.paragraph, "start": p.start, "end": p.end, "score": p.score, "method": p.method,
            "text": p.text, "before": p.before, "after": p.after}


def _side(s: Side) -> dict:
    return {"paragraph": s.paragraph, "exact": s.exact, "prefix": s.prefix, "suffix": s.suffix,
            "status": s.status, "detail": s.detail, "anchor": _placed(s.anchor)}


def _ops(ops: tuple[WordOp, ...]) -> list[dict]:
    return [{"op": o.op, "text": o.text} for o in ops]


def _detail(d: Any) -> dict:
    if isinstance(d, BodyChange):
        return {"old": d.old, "new": d.new, "diff": _ops(d.diff)}
    if isinstance(d, CitationChange):
        return {"added": list(d.added), "removed": list(d.removed)}
    if isinstance(d, SelectorChange):
        return {"old": _side(d.old), "new": _side(d.new)}
    assert isinstance(d, FieldChange)
    return {"old": d.old, "new": d.new}


def _entry(e: Entry) -> dict:
    return {"id": e.id, "set": e.set, "type": e.type, "file": e.file, "line": e.line, "body": e.body,
            "target": _side(e.target)}


def _changed(c: Changed) -> dict:
    out: dict[str, Any] = {"id": c.id, "set": c.set, "file": c.file, "line": c.line, "kinds": list(c.kinds)}
    for kind in c.kinds:
        out[kind] = _detail(c.details[kind])
    out["target"] = _side(c.target)
    return out


def _retargeted(r: Retargeted) -> dict:
    return {"id": r.id, "set": r.set, "file": r.file, "line": r.line, "selector_updated": r.selector_updated,
            "old": _side(r.old), "new": _side(r.new), "diff": _ops(r.diff), "old_in_new": _placed(r.old_in_new)}


def _metadata(m: MetadataChange) -> dict:
    return {"id": m.id, "scope": m.scope, "change": m.change, "field": m.field, "old": m.old, "new": m.new}


def to_data(diff: AnnotationDiff) -> dict[str, list[dict]]:
    """The JSON shape: exactly the seven lists, in this order, each sorted as the diff is (by id)."""
    convert = {"added": _entry, "removed": _entry, "changed": _changed, "moved": _retargeted,
               "orphaned": _retargeted, "reanchored": _retargeted, "metadata": _metadata}
    return {key: [convert[key](item) for item in getattr(diff, key)] for key in LIST_KEYS}


def to_json(diff: AnnotationDiff) -> str:
    return json.dumps(to_data(diff), ensure_ascii=False, indent=2) + "\n"


# --- text --------------------------------------------------------------------------------

SECTION_STYLE = {"added": "green", "removed": "red", "changed": "yellow", "moved": "cyan",
                 "orphaned": "bold red", "reanchored": "magenta", "metadata": "blue"}
MARK = {"added": "+", "removed": "-", "changed": "~", "moved": ">", "orphaned": "!", "reanchored": "≈",
        "metadata": "*"}


def _clean(text: str) -> str:
    """No control characters reach a terminal: newlines and tabs become spaces, others \\xNN."""
    out = []
    for ch in text:
        if ch in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200b\u200c\u200d\u2060":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def _where(file: str, line: int) -> str:
    return f"{file}:{line}" if line else file


def _passage_text(side: Side):
    from rich.text import Text

    t = Text()
    if side.anchor is None:
        t.append(f"{side.paragraph}: ", style="dim")
        t.append(f"“{_clean(side.exact)}”", style="bold")
        t.append(f" ({side.status}: {_clean(side.detail)})", style="red")
        return t
    a = side.anchor
    t.append_text(_placed_text(a))
    status = side.status if side.status == "exact" else f"{side.status}, score {a.score:g}"
    t.append(f" ({status})", style="dim" if side.status == "exact" else "yellow")
    return t


def _placed_text(a: Placed):
    from rich.text import Text

    t = Text()
    t.append(f"{a.paragraph}: ", style="dim")
    t.append("…" + _clean(a.before), style="dim")
    t.append("«" + _clean(a.text) + "»", style="bold")
    t.append(_clean(a.after) + "…", style="dim")
    return t


def _diff_text(ops: tuple[WordOp, ...]):
    from rich.text import Text

    t = Text()
    for o in ops:
        if o.op == "equal":
            t.append(_clean(o.text))
        elif o.op == "delete":
            t.append("[-" + _clean(o.text) + "-]", style="red strike")
        else:
            t.append("{+" + _clean(o.text) + "+}", style="green underline")
    return t


def _line(console, indent: int, *parts) -> None:
    from rich.text import Text

    t = Text(" " * indent)
    for part in parts:
        if isinstance(part, tuple):
            t.append(_clean(part[0]), style=part[1])
        elif isinstance(part, str):
            t.append(_clean(part))
        else:
            t.append_text(part)
    console.print(t, soft_wrap=True)


def render_text(diff: AnnotationDiff, console) -> None:
    """Print the diff on a rich console: colours in a terminal; the [-…-] {+…+} markers and the
    section marks keep it readable when piped or without colour."""
    counts = diff.counts()
    _line(console, 0, ("annotations: ", "bold"), diff.old_label, " → ", diff.new_label)
    if diff.empty:
        _line(console, 0, ("no differences", "green"))
        return
    _line(console, 0, ", ".join(f"{n} {key}" for key, n in counts.items()))
    for key in LIST_KEYS:
        items = getattr(diff, key)
        if not items:
            continue
        console.print()
        _line(console, 0, (f"{key} ({len(items)})", f"bold {SECTION_STYLE[key]}"))
        for item in items:
            {"added": _text_entry, "removed": _text_entry, "changed": _text_changed, "moved": _text_retargeted,
             "orphaned": _text_retargeted, "reanchored": _text_retargeted,
             "metadata": _text_metadata}[key](console, key, item)


def _head(console, key: str, ident: str, *rest) -> None:
    style = SECTION_STYLE[key]
    _line(console, 2, (f"{MARK[key]} ", style), (ident, f"bold {style}"), *rest)


def _text_entry(console, key: str, e: Entry) -> None:
    _head(console, key, e.id, ("  " + f"{e.type}, {e.set}  {_where(e.file, e.line)}", "dim"))
    _line(console, 6, ("at ", "dim"), _passage_text(e.target))
    _line(console, 6, ("body: ", "dim"), e.body)


def _text_changed(console, key: str, c: Changed) -> None:
    _head(console, key, c.id, ": " + ", ".join(c.kinds), ("  " + _where(c.file, c.line), "dim"))
    for kind in c.kinds:
        d = c.details[kind]
        if isinstance(d, BodyChange):
            _line(console, 6, ("body: ", "dim"), _diff_text(d.diff))
        elif isinstance(d, CitationChange):
            parts: list = [("citations:", "dim")]
            parts += [(f" +[@{k}]", "green") for k in d.added]
            parts += [(f" -[@{k}]", "red") for k in d.removed]
            _line(console, 6, *parts)
        elif isinstance(d, SelectorChange):
            for name in ("prefix", "suffix"):
                a, b = getattr(d.old, name), getattr(d.new, name)
                if a != b:
                    _line(console, 6, (f"{name}: ", "dim"), (f"“{a}”", "red"), " → ", (f"“{b}”", "green"))
        else:
            _line(console, 6, (f"{kind}: ", "dim"), (d.old or "(none)", "red"), " → ", (d.new or "(none)", "green"))
    _line(console, 6, ("at ", "dim"), _passage_text(c.target))


def _text_retargeted(console, key: str, r: Retargeted) -> None:
    status = f"{r.old.status} → {r.new.status}"
    extra = ", selector edited" if r.selector_updated and key != "moved" else ""
    _head(console, key, r.id, ("  " + status + extra + "  " + _where(r.file, r.line), "dim"))
    _line(console, 6, ("old ", "dim"), _passage_text(r.old))
    _line(console, 6, ("new ", "dim"), _passage_text(r.new))
    if r.old.anchor is not None and r.new.anchor is not None and any(o.op != "equal" for o in r.diff):
        _line(console, 6, ("quote: ", "dim"), _diff_text(r.diff))
    if r.new.anchor is None and r.old_in_new is not None:
        _line(console, 6, ("the new text there: ", "dim"), _placed_text(r.old_in_new))


def _text_metadata(console, key: str, m: MetadataChange) -> None:
    what = f"{m.scope} {m.id}"
    if m.change == "changed":
        _head(console, key, what, f": {m.field} ", (f"“{m.old}”", "red"), " → ", (f"“{m.new}”", "green"))
    elif m.change == "added":
        _head(console, key, what, (" added: ", "green"), m.new or "")
    else:
        _head(console, key, what, (" removed: ", "red"), m.old or "")


def to_text(diff: AnnotationDiff, width: int = 100) -> str:
    """The plain text report (no colour), as it reads when piped."""
    from io import StringIO

    from rich.console import Console

    buffer = StringIO()
    render_text(diff, Console(file=buffer, color_system=None, force_terminal=False, highlight=False,
                              width=width, soft_wrap=True))
    return buffer.getvalue()


# --- HTML --------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; --old: #fde8e8; --new: #e6f6e6; --del: #f4b4b4; --ins: #a8e0a8; }
body { font-family: "Noto Serif Thai", "Noto Sans Thai", "Tahoma", serif; line-height: 1.7;
       margin: 0 auto; max-width: 80rem; padding: 1rem 2rem; color: #1d1d1d; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { border-bottom: 2px solid #ccc; margin-top: 2.5rem; }
h3 { font-size: 1.05rem; margin: 1.6rem 0 .4rem; } h3 code { font-size: 1rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.meta, .dim { color: #666; font-weight: normal; font-size: .9em; }
table.sbs { border-collapse: collapse; width: 100%; table-layout: fixed; }
table.sbs th, table.sbs td { border: 1px solid #ddd; padding: .35rem .6rem; vertical-align: top; text-align: left;
                             overflow-wrap: anywhere; }
table.sbs thead th { background: #f3f3f3; }
table.sbs th[scope=row] { width: 8rem; background: #fafafa; font-weight: normal; color: #555; }
td.old { background: var(--old); } td.new { background: var(--new); } td.none { background: #f6f6f6; color: #999; }
td.same { background: #fff; }
del { background: var(--del); text-decoration: line-through; } ins { background: var(--ins); text-decoration: none; }
mark { background: #ffe477; padding: 0 .1em; }
.status { font-family: ui-monospace, monospace; font-size: .85em; }
.bad { color: #b00020; font-weight: bold; }
.empty { color: #2e7d32; font-weight: bold; }
"""


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _html_passage(side: Side | None) -> str:
    if side is None:
        return "—"
    if side.anchor is None:
        return (f'<span class="dim">{_e(side.paragraph)}:</span> “{_e(side.exact)}”<br>'
                f'<span class="status bad">{_e(side.status)}</span> <span class="dim">{_e(side.detail)}</span>')
    score = "" if side.status == "exact" else f", {side.anchor.score:g}"
    return f'{_html_placed(side.anchor)}<br><span class="status">{_e(side.status)}{_e(score)}</span>'


def _html_placed(a: Placed) -> str:
    return f'<span class="dim">{_e(a.paragraph)}:</span> …{_e(a.before)}<mark>{_e(a.text)}</mark>{_e(a.after)}…'


def _html_ops(ops: tuple[WordOp, ...], side: str) -> str:
    out = []
    for o in ops:
        if o.op == "equal":
            out.append(_e(o.text))
        elif o.op == "delete" and side == "old":
            out.append(f"<del>{_e(o.text)}</del>")
        elif o.op == "insert" and side == "new":
            out.append(f"<ins>{_e(o.text)}</ins>")
    return "".join(out)


def _row(label: str, old: str | None, new: str | None) -> str:
    def cell(value: str | None, cls: str) -> str:
        return '<td class="none">—</td>' if value is None else f'<td class="{cls}">{value}</td>'
    return f'<tr><th scope="row">{_e(label)}</th>{cell(old, "old")}{cell(new, "new")}</tr>'


def _row_both(label: str, value: str) -> str:
    """A row whose content is the same in both revisions: one cell across both columns."""
    return f'<tr><th scope="row">{_e(label)}</th><td colspan="2" class="same">{value}</td></tr>'


def _table(diff: AnnotationDiff, rows: list[str]) -> str:
    return ('<table class="sbs"><thead><tr><th scope="col"></th>'
            f'<th scope="col">{_e(diff.old_label)}</th><th scope="col">{_e(diff.new_label)}</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _html_item(diff: AnnotationDiff, key: str, item: Any) -> str:
    if isinstance(item, MetadataChange):
        head = f"{item.scope} <code>{_e(item.id)}</code> <span class=\"meta\">{_e(item.change)}</span>"
        rows = [_row(item.field or item.scope, None if item.old is None else _e(item.old),
                     None if item.new is None else _e(item.new))]
        return f'<article class="entry {key}"><h3>{head}</h3>{_table(diff, rows)}</article>'
    anchor_id = f"{key}-{item.id}"
    meta = f"{item.set} · {_where(item.file, item.line)}"
    if isinstance(item, Entry):
        meta = f"{item.type} · " + meta
        passage, body = _html_passage(item.target), _e(item.body)
        rows = ([_row("passage", None, passage), _row("body", None, body)] if key == "added"
                else [_row("passage", passage, None), _row("body", body, None)])
    elif isinstance(item, Changed):
        meta = ", ".join(item.kinds) + " · " + meta
        rows = []
        for kind in item.kinds:
            d = item.details[kind]
            if isinstance(d, BodyChange):
                rows.append(_row("body", _html_ops(d.diff, "old"), _html_ops(d.diff, "new")))
            elif isinstance(d, CitationChange):
                rows.append(_row("citations", "<br>".join(f"<del>[@{_e(k)}]</del>" for k in d.removed) or "",
                                 "<br>".join(f"<ins>[@{_e(k)}]</ins>" for k in d.added) or ""))
            elif isinstance(d, SelectorChange):
                rows.append(_row("selector", _html_selector(d.old), _html_selector(d.new)))
            else:
                rows.append(_row(kind, _e(d.old) or '<span class="dim">(none)</span>',
                                 _e(d.new) or '<span class="dim">(none)</span>'))
        rows.append(_row_both("passage", _html_passage(item.target)))
    else:
        assert isinstance(item, Retargeted)
        meta = f"{item.old.status} → {item.new.status} · " + meta
        rows = [_row("passage", _html_passage(item.old), _html_passage(item.new)),
                _row("selector", _html_selector(item.old), _html_selector(item.new))]
        if item.old.anchor is not None and item.new.anchor is not None and any(o.op != "equal" for o in item.diff):
            rows.append(_row("quote", _html_ops(item.diff, "old"), _html_ops(item.diff, "new")))
        if item.new.anchor is None and item.old_in_new is not None:
            rows.append(_row("the new text there", None, _html_placed(item.old_in_new)))
    return (f'<article class="entry {key}" id="{_e(anchor_id)}"><h3><code>{_e(item.id)}</code> '
            f'<span class="meta">{_e(meta)}</span></h3>{_table(diff, rows)}</article>')


def _html_selector(side: Side) -> str:
    return (f'<span class="dim">{_e(side.paragraph)}:</span> <span class="dim">{_e(side.prefix)}</span>'
            f'<mark>{_e(side.exact)}</mark><span class="dim">{_e(side.suffix)}</span>')


def to_html(diff: AnnotationDiff) -> str:
    """One self-contained page: inline CSS only, no script, no external resource (the page's own
    Content-Security-Policy forbids them); every text from the sources is escaped."""
    title = f"Annotation diff: {diff.old_label} → {diff.new_label}"
    nav = "".join(f'<li><a href="#{key}">{key} ({n})</a></li>' for key, n in diff.counts().items())
    sections = []
    for key in LIST_KEYS:
        items = getattr(diff, key)
        body = "".join(_html_item(diff, key, item) for item in items) or '<p class="dim">none</p>'
        sections.append(f'<section id="{key}"><h2>{key} ({len(items)})</h2>{body}</section>')
    empty = '<p class="empty">no differences</p>' if diff.empty else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="th"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head>\n"
        f'<body><header><h1>{_e(title)}</h1>'
        f'<p class="meta">old: <b>{_e(diff.old_label)}</b> · new: <b>{_e(diff.new_label)}</b></p>'
        f"<nav><ul>{nav}</ul></nav>{empty}</header>\n"
        f"<main>{''.join(sections)}</main></body></html>\n"
    )
