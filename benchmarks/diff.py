"""How long a review diff takes: in process, as a command, and beside diffpdf.

Builds the English snapshot (about a dozen pages) twice into a temporary folder, the second
time with one word changed, then prints medians of several runs:

- in process: ``mgi_report.diff.compare`` on the two PDFs (text, page pairing, pixels,
  structure; no pictures), and simply extracting both texts with pypdf, as a baseline;
- as commands, each in a new process and run in turn so that they share the machine's
  state: ``mgi-report --version`` (start-up), ``mgi-report diff`` of two identical files,
  ``mgi-report diff`` of the one-word change, and ``diffpdf`` (PyPI ``diffpdf``) on the
  same pair, with the ratio of our time to diffpdf's.

diffpdf is not a dependency: install it in a venv of its own and name its command with
``--diffpdf`` or ``$DIFFPDF`` (else ``diffpdf`` on the PATH; without it, its row is left
out). Never fails on timing.

    .venv/bin/python benchmarks/diff.py [RUNS] [--diffpdf PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader
from timing import CLI, median_seconds

from mgi_report import build
from mgi_report.diff import compare

ROOT = Path(__file__).resolve().parents[1]
#: One word changed: "local" becomes "regional".
OLD = "based on demand and input from local authorities"
NEW = "based on demand and input from regional authorities"


def two_builds(work: Path) -> tuple[Path, Path]:
    """The snapshot as it is, and with one word changed."""
    outputs = []
    for name, change in (("old", False), ("new", True)):
        root = work / f"project-{name}"
        for folder in ("content", "templates", "locale"):
            shutil.copytree(ROOT / folder, root / folder)
        if change:
            path = root / "content/en/kaz.yaml"
            text = path.read_text(encoding="utf-8")
            assert OLD in text, f"{OLD!r} is no longer in the English content"
            path.write_text(text.replace(OLD, NEW, 1), encoding="utf-8")
        build(root, work / name, reports=["snapshot"], locales=["en"], formats=["pdf"])
        outputs.append(work / name / "kaz/snapshot.en.pdf")
    return outputs[0], outputs[1]


def extract_with_pypdf(*paths: Path) -> None:
    for path in paths:
        for page in PdfReader(path).pages:
            page.extract_text()


def side_by_side(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median wall time of each command, run in turn ``runs`` times (exit 0 or 1: a diff
    that finds differences exits 1)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, env=env, check=False)
            timings[name].append(time.perf_counter() - started)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{name}: exit {done.returncode}: "
                                 f"{done.stderr.decode(errors='replace')[-500:]}")
    return {name: statistics.median(values) for name, values in timings.items()}


def main(runs: int, diffpdf: str | None) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        old, new = two_builds(Path(temporary))
        same = Path(temporary) / "same.pdf"
        shutil.copyfile(old, same)
        pages = len(PdfReader(old).pages)
        result = compare(old, new)
        changes = sum(f.changes for f in result.files)
        baseline = median_seconds(lambda: extract_with_pypdf(old, new), runs)
        diff = median_seconds(lambda: compare(old, new), runs)
        pictures = median_seconds(lambda: compare(old, new, images=True), runs)
        ours = [sys.executable, "-c", CLI]
        commands = {"mgi-report --version": [*ours, "--version"],
                    "mgi-report diff, identical files": [*ours, "diff", str(old), str(same)],
                    "mgi-report diff, one word changed": [*ours, "diff", str(old), str(new)]}
        if diffpdf:
            commands["diffpdf, one word changed"] = [diffpdf, str(old), str(new)]
        wall = side_by_side(commands, runs)
    print(f"runs: {runs}; two {pages}-page editions, one word changed, {changes} change(s) "
          "found")
    print(f"in process: extract both texts with pypdf (baseline) median "
          f"{baseline * 1000:8.1f} ms")
    print(f"in process: mgi-report diff                          median {diff * 1000:8.1f} ms"
          f"  ({diff / baseline:.2f} times the baseline)")
    print(f"in process: mgi-report diff with pictures            median "
          f"{pictures * 1000:8.1f} ms  ({pictures / baseline:.2f} times the baseline)")
    reference = wall.get("diffpdf, one word changed")
    for name, seconds in wall.items():
        ratio = f"  ({seconds / reference:.2f} times diffpdf)" if reference else ""
        print(f"command: {name:<36} median {seconds * 1000:8.1f} ms{ratio}")
    if not diffpdf:
        print("diffpdf: not found (install PyPI diffpdf in a venv of its own and pass "
              "--diffpdf PATH)")


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("runs", type=int, nargs="?", default=5)
    arguments.add_argument("--diffpdf", default=os.environ.get("DIFFPDF")
                           or shutil.which("diffpdf"))
    parsed = arguments.parse_args()
    main(parsed.runs, parsed.diffpdf)
