"""Reader for the stand-off annotation sets and the bibliography (YAML, checked by JSON Schema).

Bodies use a small inline markup read by markdown-it-py with raw HTML off: ``*emphasis*``,
``[title]{.title}``, ``[foreign]{lang=ru}``, ``[@key, locator]`` citations. Anything else is a
problem reported by ``check``; it is never passed through to an output.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
from jsonschema import Draft202012Validator

from ..errors import EditionError, Problem
from ..model import Annotation, BiblEntry, Citation, Inline, Span, Text, TextQuoteSelector
from ..processing import styled_span
from ..yamlfile import LineDict, load_yaml

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "annotations" / "schema"
BIBLIOGRAPHY_FILE = "bibliography.yaml"
_CITATION = regex.compile(r"\[@([a-z][a-z0-9-]*)(?:,\s*([^\]\[]+))?\]")
_FORBIDDEN = (
    (regex.compile(r"</?[A-Za-z!?][^>]*>"), "raw HTML is not allowed in a body", "write plain text; use *…* or [..]{.title}"),
    (regex.compile(r"\]\("), "links are not allowed in a body", "cite a source by key: [@key]"),
    (regex.compile(r"(?m)^\s*(#|[-*+] |\d+\. |>)"), "block markup (heading, list, quote) is not allowed",
     "a body is one paragraph of inline text"),
    (regex.compile(r"`"), "code markup is not allowed in a body", "remove the backticks"),
)
_SPAN_LANGS = regex.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")


@dataclass
class AnnotationSets:
    annotations: list[Annotation] = field(default_factory=list)
    bibliography: dict[str, BiblEntry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


@lru_cache(maxsize=4)
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def _line_of(data: Any, path: Iterable[Any]) -> int | None:
    line = getattr(data, "line", None)
    node = data
    for part in path:
        try:
            if isinstance(node, LineDict) and str(part) in node.key_lines:
                line = node.key_lines[str(part)]
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    return line


def _schema_problems(path: Path, data: Any, schema: str) -> list[Problem]:
    problems = []
    for err in sorted(_validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        hint = {"additionalProperties": "remove or rename the unknown field",
                "required": "add the missing field",
                "pattern": "ids are lowercase ASCII letters, digits and hyphens",
                "enum": "use one of the allowed values"}.get(err.validator, "")
        problems.append(Problem(str(path), _line_of(data, err.absolute_path), f"{where}: {err.message}", hint))
    return problems


def read_annotation_dir(directory: Path) -> AnnotationSets:
    result = AnnotationSets()
    if not directory.is_dir():
        raise EditionError.at(directory, None, "annotation directory not found")
    bib_path = directory / BIBLIOGRAPHY_FILE
    if bib_path.exists():
        read_bibliography(bib_path, result)
    for path in sorted(directory.glob("*.yaml")):
        if path.name != BIBLIOGRAPHY_FILE:
            read_annotation_set(path, result)
    return result


def _checked_yaml(path: Path, schema: str, result: AnnotationSets, thai_folds: bool = False):
    """The YAML file's data when it parses and its schema holds; otherwise None, the problems kept."""
    result.files.append(path)
    try:
        data = load_yaml(path, thai_folds=thai_folds)
    except EditionError as exc:
        result.problems.extend(exc.problems)
        return None
    problems = _schema_problems(path, data, schema)
    result.problems.extend(problems)
    return None if problems else data


def read_bibliography(path: Path, result: AnnotationSets) -> None:
    data = _checked_yaml(path, "bibliography.schema.json", result)
    if data is None:
        return
    for entry in data["entries"]:
        key = entry["key"]
        if key in result.bibliography:
            result.problems.append(Problem(str(path), entry.line, f"duplicate bibliography key '{key}'",
                                           "keys must be unique"))
            continue
        result.bibliography[key] = BiblEntry(**{k: str(v) for k, v in entry.items()})


def _citation_line(path: Path, needle: str, start: int) -> int:
    """The first line from ``start`` on that holds ``needle`` (a citation inside a body that runs
    over several lines), or ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next((n for n in range(start, len(lines) + 1) if needle in lines[n - 1]), start)


def read_annotation_set(path: Path, result: AnnotationSets) -> None:
    data = _checked_yaml(path, "annotation-set.schema.json", result, thai_folds=True)
    if data is None:
        return
    seen = {a.id: a for a in result.annotations}
    for item in data["annotations"]:
        if item["id"] in seen:
            other = seen[item["id"]]
            result.problems.append(Problem(str(path), item.line, f"duplicate annotation id '{item['id']}'",
                                           f"already used at {other.file}:{other.line}; choose another id"))
            continue
        body_line = item.key_lines.get("body", item.line)
        for line in getattr(item["body"], "thai_joins", ()):
            result.problems.append(Problem(str(path), line, "a line fold between two Thai characters, read as no "
                                           "space", "if a phrase ends there, end the line with a space; or keep "
                                           "the body on one line", "warning"))
        body, body_problems = parse_body(item["body"], str(path), body_line)
        result.problems.extend(body_problems)
        citations = tuple(dict.fromkeys(n.key for n in _walk(body) if isinstance(n, Citation)))
        for key in citations:
            if key not in result.bibliography:
                result.problems.append(Problem(str(path), _citation_line(path, f"@{key}", body_line),
                                               f"unknown bibliography key '{key}'",
                                               f"add it to annotations/{BIBLIOGRAPHY_FILE} or fix the key"))
        if item["type"] == "gloss" and "term" not in item:
            result.problems.append(Problem(str(path), item.line, "a gloss needs a 'term' (its headword)",
                                           "add term: with the word as the glossary should list it"))
        target = item["target"]
        annotation = Annotation(
            id=item["id"], type=item["type"], paragraph=target["paragraph"],
            selector=TextQuoteSelector(target["exact"], target.get("prefix", ""), target.get("suffix", "")),
            body=body, body_source=item["body"], resp=item["resp"], file=str(path), line=item.line,
            set=data["set"], citations=citations, term=item.get("term", ""),
        )
        seen[annotation.id] = annotation
        result.annotations.append(annotation)


def _walk(nodes: Iterable[Inline]) -> Iterable[Inline]:
    for node in nodes:
        yield node
        if isinstance(node, Span):
            yield from _walk(node.children)


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.attrs import attrs_plugin

    return MarkdownIt("zero").enable(["emphasis"]).use(attrs_plugin, spans=True)


def parse_body(source: str, file: str, line: int) -> tuple[tuple[Inline, ...], list[Problem]]:
    """Parse one annotation body into model inlines; report markup outside the allowed set."""
    problems: list[Problem] = []
    for pattern, message, hint in _FORBIDDEN:
        if pattern.search(source):
            problems.append(Problem(file, line, message, hint))
    controls = sorted({ch for ch in source if ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cs")})
    if controls:
        problems.append(Problem(file, line, "control character " + ", ".join(f"U+{ord(c):04X}" for c in controls)
                                + " in a body", "delete it: a body holds text and the note markup only"))
        source = "".join(ch for ch in source if ch not in controls)
    text = " ".join(source.split())
    tokens = _markdown().parseInline(text)
    stack: list[tuple[str, dict, list[Inline]]] = [("root", {}, [])]
    for tok in tokens[0].children or []:
        if tok.type in ("em_open", "strong_open"):
            stack.append(("emph", {}, []))
        elif tok.type == "span_open":
            stack.append(("span", dict(tok.attrs), []))
        elif tok.type in ("em_close", "strong_close", "span_close"):
            kind, attrs, children = stack.pop()
            stack[-1][2].append(_span(kind, attrs, children, file, line, problems))
        elif tok.type == "text":
            stack[-1][2].extend(_text_with_citations(tok.content))
        elif tok.type in ("softbreak", "hardbreak"):
            stack[-1][2].append(Text(" "))
        else:
            problems.append(Problem(file, line, f"markup '{tok.type}' is not allowed in a body",
                                    "use only *…*, [..]{.title}, [..]{lang=xx} and [@key]"))
            stack[-1][2].append(Text(tok.content))
    while len(stack) > 1:  # unbalanced: keep the text
        _, _, children = stack.pop()
        stack[-1][2].extend(children)
    return _group_citations(stack[0][2]), problems


def _group_citations(nodes: list[Inline]) -> tuple[Inline, ...]:
    """Adjacent citations (separated only by spaces) become one group: (Avrich 1970; Figes 1996)."""
    out: list[Inline] = []
    group: list[Inline] = []
    pending_space: list[Inline] = []
    for node in nodes + [Text("")]:
        if isinstance(node, Citation):
            group.append(node)
            pending_space = []
        elif group and isinstance(node, Text) and not node.text.strip() and node.text:
            pending_space.append(node)
        else:
            if group:
                out.append(Span("citations", tuple(group), cls="citations"))
                out.extend(pending_space)
                group, pending_space = [], []
            if not (isinstance(node, Text) and node.text == ""):
                out.append(node)
    return tuple(out)


def _span(kind: str, attrs: dict, children: list[Inline], file: str, line: int,
          problems: list[Problem]) -> Inline:
    if kind == "emph":
        return styled_span("emph", children)
    classes = str(attrs.get("class", "")).split()
    lang = attrs.get("lang")
    unknown = set(attrs) - {"class", "lang"} or set(classes) - {"title"}
    if unknown or (lang and not _SPAN_LANGS.match(str(lang))):
        problems.append(Problem(file, line, f"span attributes {sorted(attrs)} are not allowed",
                                "use {.title}, {lang=xx} or both"))
    role = "title" if "title" in classes else "foreign"
    if role == "foreign" and not lang:
        problems.append(Problem(file, line, "a foreign span needs a language", "write [word]{lang=en}"))
    return styled_span(role, children, str(lang) if lang else None)


def _text_with_citations(text: str) -> list[Inline]:
    out: list[Inline] = []
    pos = 0
    for m in _CITATION.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        out.append(Citation(m.group(1), (m.group(2) or "").strip()))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out
