"""The README's set-up: two commands on a fresh machine, and a repository that tests alone."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import REFERENCE, ROOT
from mgi_report.gates.tools import INSTALL_HINTS

SYSTEM_DEPS = ROOT / "tools" / "system_deps.py"
TEXT_SUFFIXES = {".py", ".yaml", ".j2", ".html", ".css", ".mjs", ".po", ".pot", ".json", ".cfg"}


def system_deps(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SYSTEM_DEPS), *args], capture_output=True,
                          text=True, env=env, check=False)


def test_every_checker_the_gates_name_is_installed_by_make_test() -> None:
    packages = set(system_deps("--list", "test").stdout.split())
    for program, hint in INSTALL_HINTS.items():
        named = set(hint.removeprefix("apt-get install ").split())
        assert named <= packages, f"{program}: {hint} is not installed by make test"


def test_make_build_needs_only_what_rendering_needs() -> None:
    build = set(system_deps("--list", "build").stdout.split())
    assert build == {"python3-venv", "libpango-1.0-0", "libpangoft2-1.0-0",
                     "libharfbuzz-subset0",
                     # PyICU, CLDR's quotation marks, is compiled against the system's ICU.
                     "libicu-dev", "pkg-config", "g++", "python3-dev"}
    assert build <= set(system_deps("--list", "test").stdout.split())


def test_nothing_is_missing_after_make_test_set_up() -> None:
    done = system_deps("test")
    assert (done.returncode, done.stderr) == (0, "")


def test_a_machine_that_cannot_install_gets_one_line_naming_the_packages(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}
    done = system_deps("test", env=env)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1
    assert lines[-1].startswith("error: make test needs these system packages")
    for package in ("poppler-utils", "qpdf", "default-jre-headless", "chromium", "gettext"):
        assert package in lines[-1]
    assert "Traceback" not in done.stderr


def test_reference_texts_are_in_the_repository() -> None:
    names = sorted(p.name for p in REFERENCE.glob("*.txt"))
    assert names == ["000_2745045bb1d25991.txt", "003_09fea3ac92f70759.txt"]
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    assert all(name in readme for name in names)


#: A relative path that climbs out of its folder, and the first name it then goes into.
CLIMB = re.compile(r"(?:\.\./)+([\w.-]+)")


def test_no_code_reaches_outside_the_repository() -> None:
    """A clone must build and test alone: no file names the folder the checkout sits in, by
    its absolute path or by climbing (``../``) into a folder that is there beside it."""
    root = ROOT.resolve()
    beside = {path.name for path in root.parent.iterdir() if path != root}
    absolute = f"{root.parent}/" if root.parent != root.parent.parent else None
    files = [ROOT / "Makefile", ROOT / ".ci" / "run"]
    for folder in ("src", "tests", "benchmarks", "tools", "content", "templates", "locale"):
        files += (path for path in (ROOT / folder).rglob("*") if path.suffix in TEXT_SUFFIXES)
    offenders = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if (absolute and absolute in line) or beside & set(CLIMB.findall(line)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_packaging_metadata_uses_an_spdx_license() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^license = "MIT"$', pyproject, re.MULTILINE)


def test_the_suite_keeps_a_user_cache_of_its_own() -> None:
    from conftest import USER_CACHE
    from mgi_report.usercache import user_cache

    kept = user_cache("anything")
    assert kept.is_relative_to(USER_CACHE)
    assert not kept.is_relative_to(Path.home() / ".cache")
