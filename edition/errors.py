"""The project's own error types: every problem names a file, a line where there is one, and a hint."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding of a reader, validator or lint: where it is, what is wrong, what to do."""

    file: str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" fails check; "warning" is reported only

    def format(self, root: Path | None = None) -> str:
        where = self.file
        if root is not None:
            try:
                where = str(Path(self.file).resolve().relative_to(root.resolve()))
            except ValueError:
                pass
        if self.line is not None:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class EditionError(Exception):
    """An error carrying one or more problems; the CLI prints them and exits non-zero."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    def __reduce__(self):  # pickled whole (from a worker or a forked child), not as its message
        return type(self), (self.problems,)

    @classmethod
    def at(cls, file: str | Path, line: int | None, message: str, hint: str = "") -> EditionError:
        return cls(Problem(str(file), line, message, hint))
