"""How long a review diff takes, against the cheapest thing a diff must at least do.

Builds the English snapshot (about a dozen pages) twice into a temporary folder, the second
time with one sentence changed, then prints the median of several runs of
``mgi_report.diff.compare`` on the two PDFs (text, page pairing and pixel comparison, no
pictures) and of simply extracting both documents' text with pypdf, and their ratio.
Never fails on timing.

    .venv/bin/python benchmarks/diff.py [RUNS]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from pypdf import PdfReader
from timing import median_seconds

from mgi_report import build
from mgi_report.diff import compare

ROOT = Path(__file__).resolve().parents[1]
OLD = "based on demand and input from local authorities"
NEW = "based on demand and written input from regional and local authorities"



def two_builds(work: Path) -> tuple[Path, Path]:
    """The snapshot as it is, and with one sentence changed."""
    outputs = []
    for name, change in (("old", False), ("new", True)):
        root = work / f"project-{name}"
        for folder in ("content", "templates", "locale"):
            shutil.copytree(ROOT / folder, root / folder)
        if change:
            path = root / "content/en/kaz.yaml"
            path.write_text(path.read_text(encoding="utf-8").replace(OLD, NEW, 1),
                            encoding="utf-8")
        build(root, work / name, reports=["snapshot"], locales=["en"], formats=["pdf"])
        outputs.append(work / name / "kaz/snapshot.en.pdf")
    return outputs[0], outputs[1]


def extract_with_pypdf(*paths: Path) -> None:
    for path in paths:
        for page in PdfReader(path).pages:
            page.extract_text()


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as temporary:
        old, new = two_builds(Path(temporary))
        pages = len(PdfReader(old).pages)
        result = compare(old, new)
        changes = sum(len(f.text_changes) + len(f.visual_changes) for f in result.files)
        baseline = median_seconds(lambda: extract_with_pypdf(old, new), runs)
        diff = median_seconds(lambda: compare(old, new), runs)
        pictures = median_seconds(lambda: compare(old, new, images=True), runs)
    print(f"runs: {runs}; two {pages}-page editions, {changes} change(s) found")
    print(f"extract both texts with pypdf (baseline): median {baseline * 1000:8.1f} ms")
    print(f"mgi-report diff:                          median {diff * 1000:8.1f} ms  "
          f"({diff / baseline:.2f} times the baseline)")
    print(f"mgi-report diff with pictures:            median {pictures * 1000:8.1f} ms  "
          f"({pictures / baseline:.2f} times the baseline)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
