"""A full build of the project against the same build at the revision issue #12 measured
(60c4bb7, "today's" build then: no incremental, parallel or font work), and per edition
against headless Chromium printing the same HTML one edition per process. Measured in one
run, alternating, each build `mgi-report build --force` in a new process with the
machine's cores, both with the user cache an earlier build left (decoded fonts, the words
kept whole in each edition's layout) and with an empty one (a first build on a machine).

The old revision is checked out from git into a temporary worktree and run with this
checkout's virtual environment (its dependencies are the same); without git history it is
left out. Prints medians and ratios. Never fails on timing.

    .venv/bin/python benchmarks/full.py [RUNS]
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import (
    CLI,
    MEASURED_REVISION,
    chromium_print,
    measured_build,
    measured_revision,
    process_seconds,
)

ROOT = Path(__file__).resolve().parents[1]


def locales_of(project: Path) -> list[str]:
    """The locales a project has: its content folders other than the locale-free ones."""
    return sorted(p.name for p in (project / "content").iterdir()
                  if p.is_dir() and p.name != "countries" and not p.name.startswith("."))


def main(runs: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory(prefix="mgi-report-bench-") as name:
        work = Path(name)
        with measured_revision(ROOT, work) as old:
            html = work / "html"
            kept = {**os.environ, "XDG_CACHE_HOME": str(work / "cache-kept")}
            subprocess.run([sys.executable, "-c", CLI, "build", "--root", str(ROOT), "--out",
                            str(html), "--format", "html", "--quiet"], check=True, env=kept)
            pages = sorted(html.glob("*/*.html"))  # the editions, not the site's index
            now_build = [sys.executable, "-c", CLI, "build", "--root", str(ROOT), "--out",
                         str(work / "now"), "--force", "--quiet"]
            subprocess.run(now_build, check=True, env=kept)
            builds: dict[str, tuple[list[str], dict[str, str] | None]] = {
                "mgi-report build, now": (now_build, kept),
                "now, empty user cache": (now_build, None)}
            if old:
                builds[f"now, the editions {MEASURED_REVISION} has"] = (
                    [*now_build, "--locale", ",".join(locales_of(old))], kept)
                builds[f"mgi-report build at {MEASURED_REVISION}"] = measured_build(
                    old, work / "then")
            timings: dict[str, list[float]] = {label: [] for label in builds}
            chromium_times: list[float] = []
            if chromium:  # its first start makes the profile folder
                process_seconds(chromium_print(chromium, pages[0], work / "c.pdf", work))
            for run in range(runs):
                empty = {**os.environ, "XDG_CACHE_HOME": str(work / f"cache-{run}")}
                for label, (command, env) in builds.items():
                    timings[label].append(process_seconds(command, env or empty))
                if chromium:
                    chromium_times.append(statistics.median(process_seconds(
                        chromium_print(chromium, page, work / "c.pdf", work))
                        for page in pages))
            then_editions = len(list((work / "then").glob("*/*.pdf"))) if old else 0
    editions = len(pages)
    counts = {label: editions for label in timings}
    if old:
        counts[f"now, the editions {MEASURED_REVISION} has"] = then_editions
        counts[f"mgi-report build at {MEASURED_REVISION}"] = then_editions
    now = statistics.median(timings["mgi-report build, now"])
    print(f"runs: {runs}, cores: {os.cpu_count()}, editions: {editions} now (PDF and HTML "
          f"each), {then_editions} at {MEASURED_REVISION}")
    for label, found in timings.items():
        median = statistics.median(found)
        print(f"{label:36} median {median:6.2f} s  {median / counts[label]:5.2f} s per edition "
              f"({counts[label]})")
    first = statistics.median(timings["now, empty user cache"])
    print(f"empty user cache / user cache kept: {first / now:.2f}x")
    if old:
        then = statistics.median(timings[f"mgi-report build at {MEASURED_REVISION}"])
        same = statistics.median(timings[f"now, the editions {MEASURED_REVISION} has"])
        print(f"now / {MEASURED_REVISION}, the same editions: {same / then:.2f}x")
    else:
        print(f"{MEASURED_REVISION}: not in this clone's history, not measured")
    if chromium_times:
        per_page = statistics.median(chromium_times)
        print(f"headless Chromium, one edition per process: median {per_page:.2f} s; "
              f"mgi-report's wall time per edition is {now / editions / per_page:.2f}x it")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
