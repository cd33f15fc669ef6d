"""Find and run the external checkers: Debian programs and the npm tools of package.json."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

#: The checkout that holds package.json, node_modules/ and tools/ (an editable install).
CHECKOUT = Path(__file__).resolve().parents[3]
BROWSER_SCRIPT = "tools/browser_gates.mjs"
VNU_JAR = "node_modules/vnu-jar/build/dist/vnu.jar"

#: What to install when a program is missing (Debian 12 package names).
INSTALL_HINTS = {
    "java": "apt-get install default-jre-headless",
    "chromium": "apt-get install chromium",
    "node": "apt-get install nodejs npm",
    "qpdf": "apt-get install qpdf",
    "pdffonts": "apt-get install poppler-utils",
    "pdftotext": "apt-get install poppler-utils",
}


class ToolMissing(Exception):
    """A checker cannot run here; the message says what to install."""


def program(name: str) -> str:
    """The path of a program on PATH (``MGI_REPORT_<NAME>`` overrides it)."""
    override = os.environ.get(f"MGI_REPORT_{name.upper()}")
    found = override or shutil.which(name)
    if not found:
        hint = INSTALL_HINTS.get(name, "install it")
        raise ToolMissing(f"{name} not found ({hint})")
    return found


def chromium() -> str:
    """Debian's Chromium; never a browser downloaded by a test tool."""
    for name in ("chromium", "chromium-browser"):
        try:
            return program(name)
        except ToolMissing:
            continue
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    raise ToolMissing(f"chromium not found ({INSTALL_HINTS['chromium']})")


def npm_file(relative: str, root: Path) -> Path:
    """A file of the npm tools: under the project root, the current folder or the checkout."""
    for base in dict.fromkeys((root.resolve(), Path.cwd().resolve(), CHECKOUT)):
        if (base / relative).is_file():
            return base / relative
    raise ToolMissing(f"{relative} not found: run `npm ci --ignore-scripts` in {CHECKOUT} "
                      "(make test does)")


def run(command: Sequence[str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run a checker and capture its output; a missing program or a hang is ToolMissing."""
    log.debug("running %s", " ".join(command))
    try:
        return subprocess.run(list(command), capture_output=True, text=True, encoding="utf-8",
                               errors="replace", timeout=timeout, check=False)
    except FileNotFoundError as exc:
        raise ToolMissing(f"{command[0]} not found") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolMissing(f"{Path(command[0]).name} did not finish in {timeout:.0f} s") from exc


@cache
def version(*command: str) -> str:
    """The first version-like line a program prints about itself ('' when it cannot run)."""
    try:
        done = run(command, timeout=60)
    except ToolMissing:
        return ""
    for line in (done.stdout + done.stderr).splitlines():
        if re.search(r"\d+\.\d+", line):
            return line.strip()
    return ""


def java_version() -> str:
    try:
        line = version(program("java"), "-version")
    except ToolMissing:
        return "no Java"
    match = re.search(r'(\w+) version "([^"]+)"', line)
    return f"{'OpenJDK' if match and match[1] == 'openjdk' else 'Java'} {match[2]}" if match \
        else line
