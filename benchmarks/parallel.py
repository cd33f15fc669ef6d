"""Serial against parallel: a full build of every edition with `--jobs 1` and `--jobs 2`,
each `mgi-report build --force` in a new process, measured in one run, alternating, with a
user cache of the benchmark's own that one build filled first.

Prints the medians, the throughput ratio, and the peak resident memory of the largest
process (the parent or one worker). Never fails on timing.

    .venv/bin/python benchmarks/parallel.py [RUNS]
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

from timing import CLI, private_cache, process_seconds

ROOT = Path(__file__).resolve().parents[1]


def timed_build(out: Path, jobs: int, env: dict[str, str]) -> float:
    return process_seconds([sys.executable, "-c", CLI, "build", "--root", str(ROOT), "--out",
                            str(out), "--force", "--quiet", "--jobs", str(jobs)], env)


def main(runs: int) -> None:
    timings: dict[int, list[float]] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="mgi-report-bench-") as work:
        env = private_cache(Path(work))
        timed_build(Path(work) / "first", 2, env)
        for _ in range(runs):
            for jobs in timings:
                timings[jobs].append(timed_build(Path(work) / f"out{jobs}", jobs, env))
    serial, parallel = (statistics.median(timings[jobs]) for jobs in (1, 2))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"runs: {runs}, cores: {os.cpu_count()}, every edition of the project, PDF and HTML")
    print(f"--jobs 1 (baseline): median {serial:6.2f} s")
    print(f"--jobs 2:            median {parallel:6.2f} s  ({serial / parallel:.2f}x the "
          "throughput)")
    print(f"peak memory of one process (parent or worker): {peak:.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
