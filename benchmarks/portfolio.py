"""A portfolio of N countries, each a clone of Kazakhstan in every report and locale of the
project (its facts, its wording and translations, and their translation state), built from
scratch with `mgi-report build` (validation included, `--jobs` the machine's cores) for
N = 1, 8 and 32, each in a new process. Each N has a user cache of its own, a copy of one
that a web-only build of the project filled first (the faces decoded and measured, as on
any machine that has built before): no PDF of any N finds its layout there.

Prints, per N: editions, wall time, time per edition, and the peak resident memory of the
largest process (the parent or one worker); then how time per edition and memory change
from the smallest portfolio to the largest (linear growth keeps the first near 1.0, and
memory that does not grow with editions keeps the second near 1.0). Never fails on timing.

    .venv/bin/python benchmarks/portfolio.py [N ...]
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import string
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import CLI, private_cache, process_seconds_and_peak

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "kaz"


def portfolio(root: Path, countries: int) -> list[str]:
    """Copy the project to ``root`` with ``countries`` countries: Kazakhstan and clones of
    it under made-up three-letter codes."""
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "tests", "benchmarks", "docs", "*.pyc"))
    made_up = ("".join(letters) for letters in itertools.product(
        "xyz", string.ascii_lowercase, string.ascii_lowercase))
    codes = [SOURCE, *itertools.islice(made_up, countries - 1)]
    content = root / "content"
    for code in codes[1:]:
        facts = (content / "countries" / f"{SOURCE}.yaml").read_text(encoding="utf-8")
        (content / "countries" / f"{code}.yaml").write_text(
            facts.replace(f"code: {SOURCE}", f"code: {code}"), encoding="utf-8")
        for locale in (path for path in content.iterdir() if (path / "locale.yaml").is_file()):
            wording = locale / f"{SOURCE}.yaml"
            if wording.is_file():
                shutil.copyfile(wording, locale / f"{code}.yaml")
    for settings in content.glob("*/locale.yaml"):
        text = settings.read_text(encoding="utf-8")
        states = re.findall(rf"^  {SOURCE}\..*\n", text, flags=re.MULTILINE)
        clones = "".join(line.replace(f"  {SOURCE}.", f"  {code}.", 1)
                         for code in codes[1:] for line in states)
        settings.write_text(text + clones, encoding="utf-8")
    return codes


def measure(root: Path, out: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds of one full build, and the peak MiB of its largest process."""
    return process_seconds_and_peak([sys.executable, "-c", CLI, "build", "--root", str(root),
                                     "--out", str(out), "--quiet"], env)


def main(sizes: list[int]) -> None:
    print(f"cores: {os.cpu_count()}, each country: every report and locale, PDF and HTML")
    print(f"{'countries':>9} {'editions':>8} {'wall s':>8} {'s/edition':>9} {'peak MiB':>8}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="mgi-report-portfolio-") as work:
        warm = Path(work) / "warm"
        subprocess.run([sys.executable, "-c", CLI, "build", "--root", str(ROOT), "--out",
                        str(warm / "out"), "--format", "html", "--quiet"],
                       env=private_cache(warm), check=True)
        for size in sizes:
            root = Path(work) / f"p{size}"
            portfolio(root, size)
            cache = Path(work) / f"cache{size}"
            shutil.copytree(warm / "user-cache", cache / "user-cache", symlinks=True)
            seconds, peak = measure(root, Path(work) / f"out{size}", private_cache(cache))
            editions = len(list((Path(work) / f"out{size}").rglob("*.pdf")))
            rows.append((size, editions, seconds, peak))
            print(f"{size:9} {editions:8} {seconds:8.1f} {seconds / editions:9.2f} "
                  f"{peak:8.0f}", flush=True)
            shutil.rmtree(root)
    (_, small_editions, small_seconds, small_peak) = rows[0]
    (_, large_editions, large_seconds, large_peak) = rows[-1]
    print(f"time per edition, largest/smallest: "
          f"{(large_seconds / large_editions) / (small_seconds / small_editions):.2f}; "
          f"peak memory, largest/smallest: {large_peak / small_peak:.2f}")


if __name__ == "__main__":
    main([int(size) for size in sys.argv[1:]] or [1, 8, 32])
