"""The one way benchmarks here time things: the median of repeated runs, and a command's
wall time in a new process (how a user runs mgi-report: ``CLI`` is its entry point)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CLI = "from mgi_report.cli import run; run()"
#: The revision issue #12 measured ("today's" build when it was written: no incremental,
#: parallel or font work), and how its command is started (it has no ``run``).
MEASURED_REVISION = "60c4bb7"
MEASURED_CLI = "import sys; from mgi_report.cli import main; sys.exit(main())"

#: Every process a benchmark starts keeps the byte code Python compiles, as an installed
#: package does: on a machine that sets PYTHONDONTWRITEBYTECODE each run would compile
#: mgi-report's modules again (the libraries were compiled when installed).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def private_cache(work: Path) -> dict[str, str]:
    """An environment whose user cache is a folder of the benchmark's own under ``work``:
    what a run measures does not depend on what the caller's earlier builds left."""
    return {**os.environ, "XDG_CACHE_HOME": str(work / "user-cache")}


def chromium_print(chromium: str, page: Path, pdf: Path, work: Path) -> list[str]:
    """Headless Chromium printing ``page`` to ``pdf``, with a profile folder under ``work``
    (not the user's ``~/.config/chromium``)."""
    return [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
            f"--user-data-dir={work / 'chromium-profile'}", f"--print-to-pdf={pdf}",
            page.as_uri()]


def median_seconds(action: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def process_seconds(command: list[str], env: dict[str, str] | None = None) -> float:
    """Wall time of ``command`` run to its end (a failure raises)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def process_seconds_and_peak(command: list[str],
                             env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds of ``command`` run to its end, and the peak MiB of its largest process
    (its own, or one of its workers': Linux reports the largest of a process and the
    children it waited for). A failure raises."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command)
    return seconds, usage.ru_maxrss / 1024


def measured_build(old: Path, out: Path, *options: str) -> tuple[list[str], dict[str, str]]:
    """The command, and its environment, that builds the checkout ``old`` of
    :data:`MEASURED_REVISION` into ``out`` with that revision's own code."""
    return ([sys.executable, "-c", MEASURED_CLI, "build", "--root", str(old), "--out", str(out),
             *options], {**private_cache(out.parent), "PYTHONPATH": str(old / "src")})


@contextmanager
def measured_revision(root: Path, work: Path) -> Iterator[Path | None]:
    """A git worktree of :data:`MEASURED_REVISION` in ``work`` (None without the git
    history), removed afterwards. It runs with this checkout's virtual environment: its
    dependencies are the same."""
    folder = work / "old"
    made = subprocess.run(["git", "-C", str(root), "worktree", "add", "--detach", str(folder),
                           MEASURED_REVISION], capture_output=True, check=False)
    try:
        yield folder if made.returncode == 0 else None
    finally:
        if made.returncode == 0:
            subprocess.run(["git", "-C", str(root), "worktree", "remove", "--force",
                            str(folder)], capture_output=True, check=False)
