"""WeasyPrint is loaded with the answers of an earlier library search (mgi_report.engine).

Each load runs in a new process (this one has WeasyPrint loaded already), with its own
user cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

#: Prints the shared objects of the libraries WeasyPrint opens, as the process maps them.
LIBRARIES = """
import json, os
def libraries():
    names = ("gobject", "pango", "harfbuzz", "fontconfig")
    return sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if any(name in os.path.basename(line.split()[-1]) for name in names)})
"""
#: Loads WeasyPrint through mgi-report and prints what it started and opened.
LOAD = """
import ctypes.util, subprocess
started = []
popen = subprocess.Popen.__init__
def counting(self, *args, **kwargs):
    started.append(args[0] if args else kwargs.get("args"))
    popen(self, *args, **kwargs)
subprocess.Popen.__init__ = counting
search = ctypes.util.find_library
from mgi_report.engine import load_engine
engine = load_engine()
print(json.dumps({"started": started, "libraries": libraries(),
                  "search_restored": ctypes.util.find_library is search,
                  "subsetter": engine.text.ffi.harfbuzz_subset is not None}))
"""
#: A machine where HarfBuzz's subsetter opens only by the path the search gives (not by
#: any name WeasyPrint tries): the search is counted, the library opened only by path.
ONLY_BY_PATH = """
import ctypes, ctypes.util, _cffi_backend
search = ctypes.util.find_library
searched = []

def absolute(soname):
    ctypes.CDLL(soname)
    return next(path for path in libraries() if os.path.basename(path).startswith(soname))

def find_library(name):
    searched.append(name)
    found = search(name)
    return found and absolute(found)

opened = _cffi_backend.load_library
def load_library(name, flags=0):
    if isinstance(name, str) and "/" not in name and "harfbuzz-subset" in name:
        raise OSError(f"{name}: cannot open shared object file")
    return opened(name, flags)

ctypes.util.find_library = find_library
_cffi_backend.load_library = load_library
from mgi_report.engine import load_engine
engine = load_engine()
print(json.dumps({"searched": searched,
                  "subsetter": engine.text.ffi.harfbuzz_subset is not None}))
"""


def _run(script: str, cache: Path, **environment: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", LIBRARIES + textwrap.dedent(script)],
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(cache), **environment})
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_a_later_process_loads_weasyprint_without_a_search_and_opens_the_same_libraries(
        tmp_path: Path) -> None:
    first = _run(LOAD, tmp_path)
    later = _run(LOAD, tmp_path)
    usual = _run("import weasyprint\nprint(json.dumps({'libraries': libraries()}))", tmp_path)
    assert first["started"], "the first process searches"
    assert later["started"] == []
    assert first["search_restored"] and later["search_restored"]
    assert first["libraries"] == later["libraries"] == usual["libraries"]
    assert any("pango" in library for library in later["libraries"])
    assert later["subsetter"] == first["subsetter"]


def test_another_library_path_searches_again(tmp_path: Path) -> None:
    _run(LOAD, tmp_path)
    moved = _run(LOAD, tmp_path, LD_LIBRARY_PATH=str(tmp_path))
    assert moved["started"]
    assert _run(LOAD, tmp_path, LD_LIBRARY_PATH=str(tmp_path))["started"] == []


def test_a_damaged_record_is_searched_again(tmp_path: Path) -> None:
    _run(LOAD, tmp_path)
    (record,) = tmp_path.glob("mgi-report/library-search-*/*.json")
    record.write_text('{"libgobject-2.0-0": 7}', encoding="utf-8")
    assert _run(LOAD, tmp_path)["started"]
    assert _run(LOAD, tmp_path)["started"] == []


def test_a_library_only_the_search_finds_is_opened_in_every_process(tmp_path: Path) -> None:
    first = _run(ONLY_BY_PATH, tmp_path)
    later = _run(ONLY_BY_PATH, tmp_path)
    assert "harfbuzz-subset" in first["searched"]
    assert later["searched"] == []
    assert first["subsetter"] and later["subsetter"]
