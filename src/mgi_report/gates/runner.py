"""Run the gates over a build folder and lay their results out as editions by gates."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..errors import InputError, UsageError
from ..manifest import read_manifest
from ..site import INDEX
from .context import GateContext
from .model import Gate, GateResult, Outcome, Target
from .registry import GATES
from .tools import ToolMissing

log = logging.getLogger(__name__)

BUILT_FILE = re.compile(r"^(?P<country>[^/]+)/(?P<report>[^/.]+)\.(?P<locale>[^/.]+)"
                        r"\.(?P<format>html|pdf)$")
#: The site index's row in the table of results.
INDEX_ROW = "index"
#: Findings shown per failed result in the table; the records keep them all.
SHOWN_FINDINGS = 20


def find_targets(out: Path) -> list[Target]:
    """The built files of ``out``: those its manifest lists, else ``<c>/<r>.<l>.<fmt>``."""
    if not out.is_dir():
        raise UsageError(f"{out}: no such build folder (run mgi-report build first)")
    listed = [entry["path"] for entry in read_manifest(out)["outputs"]
              if isinstance(entry, dict) and isinstance(entry.get("path"), str)]
    paths = listed or sorted(p.relative_to(out).as_posix() for p in out.glob("*/*.*.*"))
    targets = []
    for relative in paths:
        match = BUILT_FILE.match(relative)
        if match and (out / relative).is_file():
            edition = f"{match['country']}/{match['report']}.{match['locale']}"
            targets.append(Target(edition, match["format"], out / relative))
    if not targets:
        raise UsageError(f"{out}: no editions found (run mgi-report build first)")
    if (out / INDEX).is_file():  # the site's index is held to the HTML gates too
        targets.append(Target(INDEX_ROW, "html", out / INDEX))
    return sorted(targets, key=lambda t: (t.edition, t.format))


def run_gates(root: Path | str, out: Path | str,
              gates: Sequence[str] | None = None) -> list[GateResult]:
    """Run the chosen gates (default: all) on every edition built into ``out``."""
    root, out = Path(root).resolve(), Path(out).resolve()
    unknown = [name for name in gates or () if name not in GATES]
    if unknown:
        raise UsageError(f"unknown gate {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(GATES)})")
    targets = find_targets(out)
    context = GateContext(root, out)
    results: list[GateResult] = []
    for gate in (GATES[name] for name in gates or GATES):
        chosen = [t for t in targets if t.format == gate.format]
        if not chosen:
            continue
        started = time.perf_counter()
        outcomes = _run_one(gate, context, chosen)
        tool = gate.tool(context)
        for target in chosen:
            outcome = outcomes.get(target.path) or Outcome("error", note="the gate said nothing")
            results.append(GateResult(target.edition, target.format,
                                      target.path.relative_to(out).as_posix(), gate.name,
                                      outcome.status, outcome.findings, tool, outcome.note))
        log.info("gate %s: %d files in %.1f s", gate.name, len(chosen),
                 time.perf_counter() - started)
    return results


def _run_one(gate: Gate, context: GateContext,
             targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    """A gate's outcomes; a gate that cannot run is an error for each of its files."""
    try:
        return gate.check(context, targets)
    except ToolMissing as exc:
        note = str(exc)
    except InputError as exc:
        note = "; ".join(exc.lines()[:5])
    except Exception as exc:
        log.debug("gate %s crashed", gate.name, exc_info=True)
        note = f"{type(exc).__name__}: {exc}"
    return {t.path: Outcome("error", note=note) for t in targets}


def failed(results: Iterable[GateResult]) -> list[GateResult]:
    return [r for r in results if r.failed]


def format_table(results: Sequence[GateResult]) -> str:
    """Editions by gates with pass/FAIL, then every failure, then the tools and versions."""
    gates = list(dict.fromkeys(r.gate for r in results))
    editions = sorted({r.edition for r in results})
    cell = {(r.edition, r.gate): r.status for r in results}
    shown = {"pass": "pass", "fail": "FAIL", "error": "ERROR", "n/a": "n/a"}
    first = max([len("edition"), *(len(e) for e in editions)])
    widths = [max(len(g), 5) for g in gates]

    def line(first_cell: str, cells: Sequence[str]) -> str:
        padded = [f"{c:<{w}}" for c, w in zip(cells, widths, strict=True)]
        return "  ".join([f"{first_cell:<{first}}", *padded]).rstrip()

    lines = [line("edition", gates)]
    lines.extend(line(edition, [shown.get(cell.get((edition, g), ""), "-") for g in gates])
                 for edition in editions)
    bad = failed(results)
    lines.append("")
    lines.append(f"{len(results)} checks of {len({r.path for r in results})} files: "
                 + (f"{len(bad)} failed" if bad else "all passed"))
    for result in bad:
        head, *details = result.lines()
        lines.append(head)
        lines.extend(details[:SHOWN_FINDINGS])
        if len(details) > SHOWN_FINDINGS:
            lines.append(f"  … and {len(details) - SHOWN_FINDINGS} more")
    tools = dict.fromkeys((r.gate, r.tool) for r in results)
    lines.append("")
    lines.extend(f"{gate}: {tool}" for gate, tool in tools)
    return "\n".join(lines)
