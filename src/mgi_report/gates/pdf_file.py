"""Gates on the PDF file itself: qpdf finds no damage, pdffonts finds every font embedded."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .context import GateContext
from .model import Finding, Gate, Outcome, Target, each
from .tools import program, run, version

QPDF_CLEAN = "No syntax or stream encoding errors found"
PROBLEM = re.compile(r"error|warning|damaged|invalid|not found", re.IGNORECASE)


def check_qpdf(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    """``qpdf --check``: exit status 0 with its all-clear line; errors (2) and warnings (3) fail."""
    qpdf = program("qpdf")

    def one(target: Target) -> Outcome:
        done = run([qpdf, "--check", str(target.path)], timeout=120)
        output = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
        if done.returncode != 0:
            problems = [line for line in output if PROBLEM.search(line)] or output[-3:]
            return Outcome.of([Finding(f"qpdf exit {done.returncode}", "", line)
                               for line in problems])
        if not any(QPDF_CLEAN in line for line in output):
            return Outcome.of([Finding("qpdf", "", "no all-clear line from qpdf --check")])
        return Outcome("pass")

    return each(targets, one)


def fonts(text: str) -> list[dict[str, str]]:
    """Rows of ``pdffonts`` output, by column name (name, type, encoding, emb, sub, uni …)."""
    lines = text.splitlines()
    rule = next((i for i, line in enumerate(lines) if line.startswith("---")), None)
    if rule is None or rule == 0:
        return []
    spans, start = [], 0
    for dashes in lines[rule].split(" "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 1
    header = lines[rule - 1]
    names = [header[a:b].strip() or header[a:].split()[0] for a, b in spans]
    rows = []
    for line in lines[rule + 1:]:
        if line.strip():
            cells = [line[a:b].strip() for a, b in spans[:-1]] + [line[spans[-1][0]:].strip()]
            rows.append(dict(zip(names, cells, strict=True)))
    return rows


def check_fonts(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    """``pdffonts``: every font has ``emb`` = yes."""
    pdffonts = program("pdffonts")

    def one(target: Target) -> Outcome:
        done = run([pdffonts, str(target.path)], timeout=120)
        if done.returncode != 0:
            last = done.stderr.strip().splitlines()[-2:]
            return Outcome.of([Finding("pdffonts", "", f"exit status {done.returncode}: "
                                                       f"{' / '.join(last)}")])
        rows = fonts(done.stdout)
        return Outcome.of([Finding("font not embedded", f"font {row.get('name') or '?'}",
                                   f"{row.get('type', '')} font, object "
                                   f"{row.get('object ID', '?')}")
                           for row in rows if row.get("emb") != "yes"], f"{len(rows)} fonts")

    return each(targets, one)


def tool_qpdf(context: GateContext) -> str:
    return version("qpdf", "--version") or "qpdf (unavailable)"


def tool_fonts(context: GateContext) -> str:
    found = version("pdffonts", "-v")
    return f"{found} (poppler)" if found else "pdffonts (unavailable)"


QPDF = Gate("qpdf", "pdf", "qpdf --check: no error or warning", check_qpdf, tool_qpdf)
FONTS = Gate("fonts-embedded", "pdf", "pdffonts (poppler): every font embedded", check_fonts,
             tool_fonts)
