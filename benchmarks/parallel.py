"""Serial against parallel: a full build of every edition with `--jobs 1` and `--jobs 2`,
each `mgi-report build --force` in a new process, measured in one run, alternating, with a
user cache of the benchmark's own that one build filled first.

Prints the medians, the throughput ratio, and the peak resident memory of the largest
process of the timed builds (the parent or one worker). Never fails on timing.

    .venv/bin/python benchmarks/parallel.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from timing import CLI, private_cache, process_seconds_and_peak

ROOT = Path(__file__).resolve().parents[1]


def timed_build(out: Path, jobs: int, env: dict[str, str]) -> tuple[float, float]:
    return process_seconds_and_peak([sys.executable, "-c", CLI, "build", "--root", str(ROOT),
                                     "--out", str(out), "--force", "--quiet", "--jobs",
                                     str(jobs)], env)


def main(runs: int) -> None:
    timings: dict[int, list[float]] = {1: [], 2: []}
    peaks: dict[int, float] = {1: 0.0, 2: 0.0}
    with tempfile.TemporaryDirectory(prefix="mgi-report-bench-") as work:
        env = private_cache(Path(work))
        timed_build(Path(work) / "first", 2, env)
        for _ in range(runs):
            for jobs in timings:
                seconds, peak = timed_build(Path(work) / f"out{jobs}", jobs, env)
                timings[jobs].append(seconds)
                peaks[jobs] = max(peaks[jobs], peak)
    serial, parallel = (statistics.median(timings[jobs]) for jobs in (1, 2))
    print(f"runs: {runs}, cores: {os.cpu_count()}, every edition of the project, PDF and HTML")
    print(f"--jobs 1 (baseline): median {serial:6.2f} s  peak {peaks[1]:4.0f} MiB")
    print(f"--jobs 2:            median {parallel:6.2f} s  peak {peaks[2]:4.0f} MiB  "
          f"({serial / parallel:.2f}x the throughput)")
    print("peak: the largest process of the timed builds (the main one or a worker)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
