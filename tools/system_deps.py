"""Install the Debian/Ubuntu packages that `make build` and `make test` need, when missing.

The Makefile runs this before anything else, so the README's two commands are the whole
set-up on a fresh machine. It is silent when nothing is missing. Otherwise it installs the
missing packages from the distribution's registry with apt-get (through sudo when not root);
when it cannot, it prints one line naming the packages and exits 1. Nothing is downloaded
from outside the package registries. Standard library only: it runs before the venv exists.

    python3 tools/system_deps.py build     # what `make build` needs
    python3 tools/system_deps.py test      # what `make test` needs (build's, and the gates')
    python3 tools/system_deps.py --list test   # print the package names, install nothing
"""

from __future__ import annotations

import argparse
import ctypes.util
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def has_program(*names: str) -> Callable[[], bool]:
    return lambda: any(shutil.which(name) for name in names)


def has_library(name: str) -> Callable[[], bool]:
    return lambda: ctypes.util.find_library(name) is not None


def has_file(path: str) -> Callable[[], bool]:
    return lambda: Path(path).is_file()


def has_python_headers() -> bool:
    return (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file()


def has_venv() -> bool:
    return all(importlib.util.find_spec(name) for name in ("venv", "ensurepip"))


@dataclass(frozen=True)
class Need:
    """One thing a stage needs from the system, and the Debian package that provides it."""

    package: str
    why: str
    present: Callable[[], bool]


BUILD = (
    Need("python3-venv", "Python's venv module, for .venv", has_venv),
    Need("libpango-1.0-0", "Pango, WeasyPrint's text layout", has_library("pango-1.0")),
    Need("libpangoft2-1.0-0", "Pango's FreeType backend", has_library("pangoft2-1.0")),
    Need("libharfbuzz-subset0", "HarfBuzz font subsetting for the PDFs",
         has_library("harfbuzz-subset")),
    # PyICU (CLDR's quotation marks per language) is built from source: no wheels exist.
    Need("libicu-dev", "ICU headers, to build PyICU", has_file("/usr/include/unicode/ulocdata.h")),
    Need("pkg-config", "finds ICU when PyICU is built", has_program("pkg-config")),
    Need("g++", "compiles PyICU", has_program("g++", "c++")),
    Need("python3-dev", "Python headers, to build PyICU", has_python_headers),
)

TEST = (
    *BUILD,
    Need("poppler-utils", "pdftotext and pdffonts (text and fonts gates)",
         lambda: has_program("pdftotext")() and has_program("pdffonts")()),
    Need("qpdf", "qpdf --check (qpdf gate)", has_program("qpdf")),
    Need("default-jre-headless", "Java, for the Nu Html Checker", has_program("java")),
    Need("chromium", "Debian's Chromium, for axe-core (no browser download)",
         has_program("chromium", "chromium-browser")),
    Need("nodejs", "Node.js, for the npm checkers", has_program("node")),
    Need("npm", "npm ci of package-lock.json", has_program("npm")),
    Need("gettext", "msgfmt --check of exported PO files", has_program("msgfmt")),
)

STAGES = {"build": BUILD, "test": TEST}


def missing(stage: str) -> list[Need]:
    return [need for need in STAGES[stage] if not need.present()]


def install(packages: list[str]) -> bool:
    """apt-get install, as root or through sudo; False when that is not possible or fails."""
    if not shutil.which("apt-get"):
        return False
    prefix: list[str] = []
    if os.geteuid() != 0:
        if not shutil.which("sudo"):
            return False
        prefix = ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = (["apt-get", "update", "-qq"],
             ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages])
    for step in steps:
        if subprocess.run([*prefix, *step], env=env, stdout=subprocess.DEVNULL,
                          check=False).returncode != 0:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=sorted(STAGES))
    parser.add_argument("--list", action="store_true",
                        help="print the stage's packages, one per line, and install nothing")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):  # noqa: UP036 (runs on the machine's python3, before .venv)
        print(f"error: mgi-report needs Python 3.11 or newer (this is {sys.version.split()[0]}); "
              "run make with PYTHON=python3.11 or newer", file=sys.stderr)
        return 1
    if args.list:
        print("\n".join(dict.fromkeys(need.package for need in STAGES[args.stage])))
        return 0
    needs = missing(args.stage)
    if not needs:
        return 0
    packages = list(dict.fromkeys(need.package for need in needs))
    print(f"make {args.stage}: installing {' '.join(packages)} "
          f"({'; '.join(need.why for need in needs)})", file=sys.stderr)
    still = missing(args.stage) if install(packages) else needs
    if still:
        names = " ".join(dict.fromkeys(need.package for need in still))
        print(f"error: make {args.stage} needs these system packages; install them and run it "
              f"again: sudo apt-get install {names}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
