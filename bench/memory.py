#!/usr/bin/env python3
"""Where a build's memory goes: which processes hold what at the moment of its peak.

    python bench/memory.py ROOT      # e.g. a project written by bench/book.py

Builds ROOT as ``build.py --root ROOT`` does (the same main process, its progress lines printed
with their times) and samples every 50 ms the proportional set size of each of its processes (as
bench/run.py does for the total), then prints the peak of the sum, what each process held at that
moment, the largest each kind of process ever held, and the peak between progress lines.
Prints figures, asserts nothing.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.run import process_tree, pss  # noqa: E402

# what `build.py --root ROOT` runs, with its progress lines on stderr (they time the build's steps)
BUILD = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from edition.build.pipeline import build
build(Path(sys.argv[1]), progress=lambda s: print(s, file=sys.stderr, flush=True))
"""


def _name(pid: int, main: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().split(b"\0")
    except OSError:
        return "?"
    exe = Path(argv[0].decode()).name
    if pid == main:
        return "build (main)"
    if "pandoc" in exe:
        return "pandoc"
    if exe.startswith("python"):
        return "python worker"
    return exe


def _started(pid: int) -> int:
    """When a process started (clock ticks since boot): a pid alone may be reused during a build."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def sample_build(args: list[str], env: dict | None = None) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", BUILD, *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, dict[str, int]]] = []
    lines: list[tuple[float, str]] = []

    seen: dict[tuple[int, int], str] = {}  # (pid, start) -> its label, with when it was first seen

    def sample():
        while proc.poll() is None:
            now = time.perf_counter() - start
            held: dict[str, int] = {}
            for pid in process_tree(proc.pid):
                size = pss(pid)
                if size:
                    key = (pid, _started(pid))
                    if key not in seen:
                        name = _name(pid, proc.pid)
                        seen[key] = name if name in ("build (main)", "pandoc") else f"{name} {pid} (from {now:.0f} s)"
                    held[seen[key]] = held.get(seen[key], 0) + size
            samples.append((now, held))
            time.sleep(0.05)

    def read():
        for line in proc.stderr:
            lines.append((time.perf_counter() - start, line.rstrip()))

    threads = [threading.Thread(target=sample), threading.Thread(target=read)]
    for t in threads:
        t.start()
    proc.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit("\n".join(line for _, line in lines))
    return {"elapsed": elapsed, "samples": samples, "lines": lines}


def report(result: dict) -> None:
    samples = result["samples"]
    at, held = max(samples, key=lambda s: sum(s[1].values()))
    mb = 2 ** 20
    print(f"wall time {result['elapsed']:.1f} s; peak {sum(held.values()) / mb:.0f} MB at {at:.1f} s:")
    for name, size in sorted(held.items(), key=lambda kv: -kv[1]):
        print(f"  {size / mb:7.0f} MB  {name}")
    largest: dict[str, int] = {}
    for _, h in samples:
        for name, size in h.items():
            kind = name.split(" (from")[0].rsplit(" ", 1)[0] if " (from" in name else name
            largest[kind] = max(largest.get(kind, 0), size)
    print("largest single process of each kind: " + ", ".join(f"{k} {v / mb:.0f} MB" for k, v in largest.items()))
    print("progress, and the peak between two lines (MB held by each process then):")
    bounds = [0.0, *(t for t, _ in result["lines"]), result["elapsed"] + 1]
    texts = [line for _, line in result["lines"]] + ["end"]
    for a, b, text in zip(bounds[:-1], bounds[1:], texts, strict=True):
        inside = [h for s, h in samples if a <= s < b]
        top = max(inside, key=lambda h: sum(h.values()), default={})
        held = ", ".join(f"{n} {v / mb:.0f}" for n, v in sorted(top.items(), key=lambda kv: -kv[1]))
        print(f"  {b if b <= result['elapsed'] else result['elapsed']:7.1f} s  {text[:60]:<60}"
              f"  before it: {sum(top.values()) / mb:5.0f} MB ({held})")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: bench/memory.py ROOT")
    report(sample_build(sys.argv[1:2]))
