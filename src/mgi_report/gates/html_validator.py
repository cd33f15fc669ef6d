"""Gate: the Nu Html Checker (npm vnu-jar, on Debian's Java) reports no error and no warning."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .context import GateContext
from .model import Finding, Gate, Outcome, Target
from .tools import VNU_JAR, ToolMissing, java_version, npm_file, program, run, version


def check(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    jar = npm_file(VNU_JAR, context.root)
    done = run([program("java"), "-jar", str(jar), "--format", "json", "--exit-zero-always",
                "--stdout", *(str(t.path) for t in targets)])
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise ToolMissing(f"vnu did not answer in JSON: {done.stderr.strip()[:300]}") from exc
    findings: dict[Path, list[Finding]] = {t.path.resolve(): [] for t in targets}
    for message in report.get("messages", []):
        finding = _finding(message)
        if finding is None:
            continue
        path = _path(str(message.get("url", "")))
        if path in findings:
            findings[path].append(finding)
        else:  # a message about no file in particular counts against every file
            for found in findings.values():
                found.append(finding)
    return {t.path: Outcome.of(findings[t.path.resolve()]) for t in targets}


def _finding(message: Mapping[str, Any]) -> Finding | None:
    """Errors (of the document or the checker) and warnings; plain info is not a problem."""
    kind, sub = str(message.get("type", "")), str(message.get("subType", ""))
    if kind == "info" and sub != "warning":
        return None
    rule = "warning" if kind == "info" else f"{sub} error" if sub else "error"
    line, column = message.get("lastLine"), message.get("firstColumn", message.get("lastColumn"))
    where = f"line {line}:{column}" if line else ""
    extract = str(message.get("extract", "")).replace("\n", " ").strip()
    text = str(message.get("message", "")) + (f" (near “{extract}”)" if extract else "")
    return Finding(f"vnu {rule}", where, text)


def _path(url: str) -> Path:
    return Path(unquote(urlparse(url).path)).resolve()


def tool(context: GateContext) -> str:
    try:
        jar = npm_file(VNU_JAR, context.root)
        java = program("java")
    except ToolMissing as exc:
        return f"vnu (unavailable: {exc})"
    return f"Nu Html Checker (vnu-jar) {version(java, '-jar', str(jar), '--version')} " \
           f"on {java_version()}"


GATE = Gate("html-valid", "html", "Nu Html Checker (vnu-jar): no error and no warning",
            check, tool)
