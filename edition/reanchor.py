"""Re-anchoring: turn fuzzy or moved anchors into exact selectors, and write them back into the
annotation files an editor reviews (only the target's lines change; comments and order stay)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError
from .inlines import reading_text
from .model import Annotation
from .resolve import Resolution, paragraphs_of
from .yamlfile import load_yaml

CONTEXT = 20


@dataclass(frozen=True)
class Proposal:
    annotation: Annotation
    status: str
    paragraph: str
    exact: str
    prefix: str
    suffix: str


def proposals(resolution: Resolution) -> list[Proposal]:
    edition = resolution.edition
    texts = {p.id: reading_text(p.inlines) for p in paragraphs_of(edition)}
    out = []
    for note in edition.notes:
        result = resolution.anchors[note.annotation.id]
        if result.status in ("fuzzy", "moved"):
            a = result.anchor
            text = texts[a.paragraph]
            out.append(Proposal(note.annotation, result.status, a.paragraph, text[a.start:a.end],
                                text[max(0, a.start - CONTEXT):a.start], text[a.end:a.end + CONTEXT]))
    return out


def _yaml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def write_back(found: list[Proposal]) -> None:
    by_file: dict[str, list[Proposal]] = {}
    for p in found:
        by_file.setdefault(p.annotation.file, []).append(p)
    for file, items in by_file.items():
        path = Path(file)
        data = load_yaml(path)
        lines = path.read_text(encoding="utf-8").split("\n")
        wanted = {p.annotation.id: p for p in items}
        for item in data["annotations"]:
            p = wanted.get(item["id"])
            if p is None:
                continue
            target = item["target"]
            values = {"paragraph": p.paragraph, "exact": p.exact, "prefix": p.prefix, "suffix": p.suffix}
            for key, value in values.items():
                if key not in target.key_lines:
                    raise EditionError.at(path, target.line, f"target of '{p.annotation.id}' has no {key}:",
                                          f"add {key}: to the target, then run reanchor --write again")
                index = target.key_lines[key] - 1
                indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
                lines[index] = f"{indent}{key}: {_yaml_string(value)}"
        tmp = path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        tmp.replace(path)
