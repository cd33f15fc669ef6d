"""Gates run in Debian's Chromium (driven by playwright-core, no browser download).

One run of ``tools/browser_gates.mjs`` loads every HTML edition with the network blocked at
each width and reports, per page, the requests it tried, its horizontal overflow, text
Chromium drew in a machine font or in a face it had to synthesize, and the axe-core
violations; the two gates below read that one report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .context import GateContext
from .model import Finding, Gate, Outcome, Target
from .tools import BROWSER_SCRIPT, ToolMissing, chromium, npm_file, program, run

#: A phone and a desktop, in CSS pixels.
WIDTHS = (390, 1280)
#: axe-core rule tags: WCAG 2.0, 2.1 and 2.2, levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")


def browser_report(context: GateContext, targets: Sequence[Target]) -> dict[str, Any]:
    """Load the files once per gate run; both browser gates share the report."""
    files = tuple(str(t.path.resolve()) for t in targets)
    key = f"browser:{json.dumps(files)}"
    if key not in context.cache:
        script = npm_file(BROWSER_SCRIPT, context.root)
        npm_file("node_modules/playwright-core/package.json", context.root)
        options = {"files": list(files), "widths": list(WIDTHS), "tags": list(WCAG_TAGS),
                   "chromium": chromium()}
        done = run([program("node"), str(script), json.dumps(options)])
        if done.returncode != 0:
            raise ToolMissing(f"Chromium run failed: {done.stderr.strip()[-500:]}")
        context.cache[key] = json.loads(done.stdout)
    report: dict[str, Any] = context.cache[key]
    return report


def _pages(context: GateContext, targets: Sequence[Target]) -> dict[Path, list[dict[str, Any]]]:
    pages: dict[Path, list[dict[str, Any]]] = {t.path.resolve(): [] for t in targets}
    for page in browser_report(context, targets)["pages"]:
        pages[Path(page["file"]).resolve()].append(page)
    return pages


def check_axe(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    pages = _pages(context, targets)
    outcomes = {}
    for target in targets:
        findings = [
            Finding(f"axe {violation['id']}", f"{_view(page)} {' '.join(node['target'])}",
                    f"{violation['help']} ({violation['impact']}): {node['html'][:160]}")
            for page in pages[target.path.resolve()]
            for violation in page["violations"] for node in violation["nodes"]]
        outcomes[target.path] = Outcome.of(findings)
    return outcomes


def check_self_contained(context: GateContext,
                         targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    pages = _pages(context, targets)
    outcomes = {}
    for target in targets:
        findings: list[Finding] = []
        for page in pages[target.path.resolve()]:
            width = _view(page)
            findings.extend(Finding("request", width, f"the page requested {url}")
                            for url in page["requests"])
            findings.extend(Finding("script error", width, error) for error in page["errors"])
            findings.extend(Finding(use["kind"], f"{width} {use['where']}",
                                    f"{use['font']}: {use['text']!r}")
                            for use in page["fonts"])
            if page["scrollWidth"] > page["clientWidth"]:
                findings.append(Finding(
                    "horizontal scroll", width,
                    f"the page is {page['scrollWidth']}px wide in a {page['clientWidth']}px "
                    f"viewport; sticking out: {', '.join(page['overflow']) or '?'}"))
        outcomes[target.path] = Outcome.of(findings)
    return outcomes


def _view(page: Mapping[str, Any]) -> str:
    """Where a finding was seen: ``390px``, or ``390px dark`` in the dark colour scheme."""
    scheme = page.get("scheme", "light")
    return f"{page['width']}px" + ("" if scheme == "light" else f" {scheme}")


def tool(context: GateContext) -> str:
    report = next((value for key, value in context.cache.items()
                   if key.startswith("browser:")), None)
    if report is None:
        return "axe-core in Chromium (not run)"
    return f"axe-core {report['axe']} in Chromium {report['chromium']} " \
           f"(playwright-core {report['playwright']})"


def tool_self_contained(context: GateContext) -> str:
    report = next((value for key, value in context.cache.items()
                   if key.startswith("browser:")), None)
    if report is None:
        return "Chromium (not run)"
    return f"Chromium {report['chromium']} (playwright-core {report['playwright']})"


AXE = Gate("axe", "html", "axe-core in headless Chromium: no WCAG 2.2 A/AA violation at "
           f"{' and '.join(f'{w}px' for w in WIDTHS)}, in the light and the dark colour "
           "scheme", check_axe, tool)
SELF_CONTAINED = Gate("self-contained", "html",
                      "Chromium with the network blocked: no request at all, no horizontal "
                      f"scroll at {' or '.join(f'{w}px' for w in WIDTHS)}, all text in the "
                      "page's own fonts (no machine font, no synthesized bold or italic)",
                      check_self_contained, tool_self_contained)
