"""How long an edition takes, and how much of it is PDF layout.

Prints the median of several runs of rendering the English snapshot to HTML (the baseline,
measured in the same run) and of rendering it to PDF, and their ratio. Never fails on timing.

    .venv/bin/python benchmarks/build.py [RUNS]
"""

from __future__ import annotations

import sys
from pathlib import Path

from timing import median_seconds

from mgi_report import load_project, merge, render_html
from mgi_report.model import EditionSpec
from mgi_report.paths import ProjectPaths
from mgi_report.write import DEFAULT_PDF_VARIANT, html_to_pdf

ROOT = Path(__file__).resolve().parents[1]



def main(runs: int) -> None:
    project = load_project(ROOT)
    paths = ProjectPaths(ROOT)
    edition = merge(project, EditionSpec("kaz", "snapshot", project.structure.source_locale))
    html = render_html(paths, edition)
    load = median_seconds(lambda: load_project(ROOT), runs)
    render = median_seconds(lambda: render_html(paths, merge(project, edition.spec)), runs)
    pdf = median_seconds(
        lambda: html_to_pdf(html, paths.templates, DEFAULT_PDF_VARIANT, "bench"), runs)
    print(f"runs: {runs}")
    print(f"load + validate content: median {load * 1000:8.1f} ms")
    print(f"render HTML (baseline):  median {render * 1000:8.1f} ms")
    print(f"lay out PDF:             median {pdf * 1000:8.1f} ms  "
          f"({pdf / render:.1f} times the HTML render)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
