"""The code base stays as its design says: ruff clean (pinned), the import contracts kept (readers
never import writers, writers never the build, the CLI on top, no cycles), and no module past about
400 lines without saying in its docstring why it is one module."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.support import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "edition", "tests", "bench", "build.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_the_import_contracts_hold():
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "lint-imports"), "--no-cache"] if
                            (ROOT / ".venv" / "bin" / "lint-imports").exists() else
                            [sys.executable, "-m", "importlinter.cli", "--no-cache"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0 and "BROKEN" not in result.stdout, result.stdout[-3000:]
    assert result.stdout.count("KEPT") >= 4


def test_a_long_module_says_why_it_is_one():
    long = {}
    for path in sorted((ROOT / "edition").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > 420:
            doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
            if "one module" not in doc.lower():
                long[str(path.relative_to(ROOT))] = lines
    assert long == {}, "split these, or say in the docstring why each is one module"
