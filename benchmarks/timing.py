"""The one way benchmarks here time things: the median of repeated runs, and a command's
wall time in a new process (how a user runs mgi-report: ``CLI`` is its entry point)."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable

CLI = "import sys; from mgi_report.cli import main; sys.exit(main())"

#: Every process a benchmark starts keeps the byte code Python compiles, as an installed
#: package does: on a machine that sets PYTHONDONTWRITEBYTECODE each run would compile
#: mgi-report's modules again (the libraries were compiled when installed).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


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
