"""What an incremental build saves: after one edited sentence, a full build (`--force`)
against an incremental one, and a rebuild with nothing changed, into the same output
folder, measured in one run. Each build is `mgi-report build` in a new process, as a user
runs it (imports and validation included), with a user cache of the benchmark's own that
one build of the project filled first. Each edit writes a number the sentence has not had
before, so no run, full or incremental, finds the edited editions' validation or layout in
the cache.

Prints medians and their ratios to the full build (the baseline). Never fails on timing.

    .venv/bin/python benchmarks/rebuild.py [RUNS]
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import CLI, median_seconds, private_cache

ROOT = Path(__file__).resolve().parents[1]
ENVIRONMENT = dict(os.environ)
SENTENCE = "approximately 90 indicators"


def build(project: Path, out: Path, *options: str) -> None:
    subprocess.run([sys.executable, "-c", CLI, "build", "--root", str(project), "--out",
                    str(out), "--quiet", *options], check=True, env=ENVIRONMENT)


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mgi-report-bench-") as work:
        project = Path(work) / "project"
        for folder in ("content", "templates", "locale"):
            shutil.copytree(ROOT / folder, project / folder)
        out = Path(work) / "out"
        ENVIRONMENT.update(private_cache(Path(work)))
        build(project, Path(work) / "first")
        bundle = project / "content/en/kaz.yaml"
        original = bundle.read_text(encoding="utf-8")
        edits = itertools.count(91)

        def edit_one_sentence(*options: str) -> None:
            bundle.write_text(original.replace(SENTENCE, f"approximately {next(edits)} "
                                               "indicators", 1), encoding="utf-8")
            build(project, out, *options)

        full = median_seconds(lambda: edit_one_sentence("--force"), runs)
        noop = median_seconds(lambda: build(project, out), runs)
        one = median_seconds(edit_one_sentence, runs)
    print(f"runs: {runs}, editions: every edition of the project, PDF and HTML")
    print(f"one sentence edited, full build (--force, baseline): median {full:7.2f} s")
    print(f"one sentence edited, incremental build:              median {one:7.2f} s  "
          f"({one / full:.3f} of full)")
    print(f"no-op rebuild:                                       median {noop:7.2f} s  "
          f"({noop / full:.3f} of full)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
