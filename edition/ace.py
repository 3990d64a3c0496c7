"""Running Ace by DAISY (EPUB accessibility checker) on the EPUB, through its puppeteer runner
and Debian's Chromium. Installed by `make` under .tools/ace (npm, --ignore-scripts)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import EditionError

ROOT = Path(__file__).resolve().parents[1]
ACE = ROOT / ".tools" / "ace" / "node_modules" / ".bin" / "ace-puppeteer"


@dataclass(frozen=True)
class AceReport:
    outcome: str  # "pass" | "fail"
    violations: tuple[str, ...]


def run_ace(epub: Path) -> AceReport:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not ACE.exists() or chromium is None:
        raise EditionError.at(epub, None, "Ace by DAISY is not installed",
                              "run `make setup` (npm install --ignore-scripts @daisy/ace into .tools/ace, "
                              "apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chromium)
        proc = subprocess.run([str(ACE), "--silent", "--outdir", tmp, "--force", str(epub)], env=env,
                              capture_output=True, text=True, timeout=600)
        report = Path(tmp) / "report.json"
        if not report.exists():
            raise EditionError.at(epub, None, f"Ace did not run: {(proc.stderr or proc.stdout).strip()[:300]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    violations = []
    for doc in data.get("assertions", []):
        for a in doc.get("assertions", []):
            result = a["earl:result"]
            if result["earl:outcome"] == "fail":
                violations.append(f"{doc['earl:testSubject']['url']}: {a['earl:test']['dct:title']} "
                                  f"({a['earl:test']['earl:impact']}): {result.get('dct:description', '')[:200]}")
    return AceReport(data["earl:result"]["earl:outcome"], tuple(violations))
