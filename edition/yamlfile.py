"""YAML reading with line numbers and without surprises: safe types only, duplicate keys refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import EditionError
from .thai import is_thai_char


class LineDict(dict):
    """A mapping that remembers the line (1-based) where it starts in its file."""

    line: int = 0
    key_lines: dict[str, int]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """PyYAML's safe loader, on libyaml when PyYAML was built with it (five times faster: a
    20-chapter book's annotations took 1.2 s to read in pure Python)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise EditionError.at(loader.name, key_node.start_mark.line + 1, f"duplicate key '{key}'",
                                  "each key may appear once in a mapping")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class FoldedText(str):
    """A folded block scalar (``>``, ``>-``) read with Thai folds: a line break between two Thai
    characters joins them without a space (Thai has no spaces between words, so an editor's line
    wrap inside a phrase must not print one); ``thai_joins`` lists the file lines where that
    happened, so `check` can point at each one."""

    thai_joins: tuple[int, ...] = ()


def _thai_folded(raw: str, folded: str, first_line: int) -> FoldedText | None:
    """The folded scalar ``raw`` (its source, from the ``>`` indicator on) with folds between Thai
    characters joined; None when it is not the simple case (one paragraph per blank-line block, no
    more-indented lines) whose every other fold PyYAML's ``folded`` value agrees with."""
    lines = raw.split("\n")
    header, body = lines[0].strip(), lines[1:]
    content = [line for line in body if line.strip()]
    if not content or not header.startswith(">"):
        return None
    indent = min(len(line) - len(line.lstrip(" ")) for line in content)
    if any(len(line) - len(line.lstrip(" ")) != indent for line in content) or any("\t" in line for line in content):
        return None  # more-indented lines keep their breaks: left as PyYAML reads them
    pieces: list[str] = []
    joins: list[int] = []
    previous: str | None = None
    for offset, line in enumerate(body):
        text = line[indent:] if line.strip() else ""
        if not text:
            if previous is not None:
                pieces.append("\n")
                previous = "\n"
            continue
        if previous not in (None, "\n"):
            if is_thai_char(previous[-1]) and is_thai_char(text[0]):
                joins.append(first_line + 1 + offset)
            else:
                pieces.append(" ")
        pieces.append(text)
        previous = text
    value = "".join(pieces).rstrip("\n")
    if "+" not in header and "-" not in header and folded.endswith("\n"):
        value += "\n"
    if value.replace("\n", " ") != folded.replace("\n", " ") and not joins:
        return None
    result = FoldedText(value)
    result.thai_joins = tuple(joins)
    return result


class _ThaiLoader(_Loader):
    """The safe loader, reading folded block scalars with Thai folds (annotation files)."""

    text = ""

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if isinstance(node, yaml.ScalarNode) and node.style == ">" and node.start_mark.index < node.end_mark.index:
            refolded = _thai_folded(self.text[node.start_mark.index:node.end_mark.index], value,
                                    node.start_mark.line + 1)
            if refolded is not None:
                return refolded
        return value


def load_yaml(path: Path, thai_folds: bool = False) -> Any:
    """The YAML file's data, mappings with their lines; with ``thai_folds``, folded block scalars
    read with Thai folds (:class:`FoldedText`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise EditionError.at(path, None, "not UTF-8 text", "save the file as UTF-8") from exc
    except OSError as exc:
        raise EditionError.at(path, None, f"cannot read file: {exc.strerror}") from exc
    return load_yaml_text(text, str(path), thai_folds)


def load_yaml_text(text: str, name: str, thai_folds: bool = False) -> Any:
    """YAML text read as :func:`load_yaml` reads a file; ``name`` is what messages call it."""
    loader = None
    try:
        loader = (_ThaiLoader if thai_folds else _Loader)(text)
        loader.name = name
        loader.text = text
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise EditionError.at(name, line, f"YAML syntax error: {exc.problem or exc}",
                              "check indentation and quoting at that line") from exc
    except yaml.YAMLError as exc:
        line = text[: getattr(exc, "position", 0)].count("\n") + 1 if hasattr(exc, "position") else None
        raise EditionError.at(name, line, f"YAML error: {exc}", "remove control characters; save as UTF-8") from exc
    finally:
        if loader is not None:
            loader.dispose()
