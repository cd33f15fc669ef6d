"""One edition against what a user would run instead, measured in one run: `mgi-report build`
of the English snapshot PDF (validation, layout, the hyphenation passes and the tagged-PDF
finish included) both as a first build on the machine (an empty user cache: fonts decoded,
hyphenation ladders searched) and with the user cache an earlier build left; bare
WeasyPrint laying out the same HTML with the same paged stylesheet (writing an untagged
PDF, and a tagged PDF/UA-1 file as mgi-report does), and the HTML edition
the revision issue #12 measured made (with its paged stylesheet: issue #12's "today's
HTML"); and headless Chromium printing the same HTML. Each in a new process, alternating.

Prints medians and ratios to bare WeasyPrint on today's HTML (the baseline). Never fails
on timing.

    .venv/bin/python benchmarks/engines.py [RUNS]
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
BARE = ("import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2], "
        "stylesheets=[weasyprint.CSS(filename=sys.argv[3])], pdf_variant=sys.argv[4] or None)")


def main(runs: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with tempfile.TemporaryDirectory(prefix="mgi-report-bench-") as work, \
            measured_revision(ROOT, Path(work)) as old:
        out = Path(work) / "out"
        edition = ["--report", "snapshot", "--locale", "en"]
        kept = {**os.environ, "XDG_CACHE_HOME": str(Path(work) / "cache-kept")}
        subprocess.run([sys.executable, "-c", CLI, "build", "--root", str(ROOT), "--out",
                        str(out), "--format", "html", "--quiet", *edition], check=True, env=kept)
        html = out / "kaz/snapshot.en.html"
        build_pdf = [sys.executable, "-c", CLI, "build", "--root", str(ROOT), "--out",
                     str(Path(work) / "pdf"), "--format", "pdf", "--force", "--quiet", "--jobs",
                     "1", *edition]
        subprocess.run(build_pdf, check=True, env=kept)
        commands = {
            "mgi-report build, user cache kept": build_pdf,
            "mgi-report build, empty user cache": build_pdf,
            "bare WeasyPrint, same HTML and CSS": [
                sys.executable, "-c", BARE, str(html), str(Path(work) / "bare.pdf"),
                str(ROOT / "templates/css/paged.css"), ""],
            "bare WeasyPrint, same, tagged PDF/UA-1": [
                sys.executable, "-c", BARE, str(html), str(Path(work) / "bare-ua.pdf"),
                str(ROOT / "templates/css/paged.css"), "pdf/ua-1"],
        }
        if old:
            then = Path(work) / "then"
            command, environment = measured_build(old, then, "--format", "html", "--quiet",
                                                  *edition)
            subprocess.run(command, check=True, env=environment)
            commands[f"bare WeasyPrint, {MEASURED_REVISION}'s HTML"] = [
                sys.executable, "-c", BARE, str(then / "kaz/snapshot.en.html"),
                str(Path(work) / "bare-then.pdf"), str(old / "templates/css/paged.css"), ""]
        if chromium:
            commands["headless Chromium printing the HTML"] = chromium_print(
                chromium, html, Path(work) / "chromium.pdf", Path(work))
        timings: dict[str, list[float]] = {name: [] for name in commands}
        if chromium:  # its first start makes the profile folder
            process_seconds(commands["headless Chromium printing the HTML"])
        for run in range(runs):
            for name, command in commands.items():
                empty = {**os.environ, "XDG_CACHE_HOME": str(Path(work) / f"cache-{run}")}
                timings[name].append(process_seconds(command, empty if "empty" in name else kept))
    baseline = statistics.median(timings["bare WeasyPrint, same HTML and CSS"])
    print(f"runs: {runs}, edition: kaz/snapshot.en")
    for name, found in timings.items():
        median = statistics.median(found)
        print(f"{name:40} median {median:6.2f} s  ({median / baseline:.2f}x bare WeasyPrint)")
    ours = statistics.median(timings["mgi-report build, user cache kept"])
    print("mgi-report build (user cache kept) against each:")
    for name, found in timings.items():
        if not name.startswith("mgi-report"):
            print(f"  {name:38} {ours / statistics.median(found):.2f}x its time")
    if not old:
        print(f"{MEASURED_REVISION}: not in this clone's history, not measured")
    if not chromium:
        print("headless Chromium: not installed, not measured")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
