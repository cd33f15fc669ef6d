"""WeasyPrint is loaded without the library search cffi would run (mgi_report.engine).

Each test loads it in a new process: this one has WeasyPrint loaded already."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

#: Prints the shared objects of the libraries WeasyPrint opens, as the process maps them.
LIBRARIES = """
import json, os
def libraries():
    names = ("gobject", "pango", "harfbuzz", "fontconfig")
    return sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if any(name in os.path.basename(line.split()[-1]) for name in names)})
"""


def _run(script: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", LIBRARIES + textwrap.dedent(script)],
                          capture_output=True, text=True, check=True)
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def test_weasyprint_loads_without_starting_a_process_and_opens_the_same_libraries() -> None:
    fast = _run("""
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
                          "pango": engine.text.ffi.pango is not None}))
    """)
    usual = _run("""
        import weasyprint
        print(json.dumps({"libraries": libraries()}))
    """)
    assert fast["started"] == []
    assert fast["search_restored"] and fast["pango"]
    assert fast["libraries"] == usual["libraries"]
    assert any("pango" in library for library in fast["libraries"])


def test_weasyprint_is_loaded_with_the_search_when_a_library_opens_only_by_path() -> None:
    loaded = _run("""
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
            if isinstance(name, str) and "/" not in name and "pango-1.0" in name:
                raise OSError(f"{name}: cannot open shared object file")
            return opened(name, flags)

        ctypes.util.find_library = find_library
        _cffi_backend.load_library = load_library
        from mgi_report.engine import load_engine
        engine = load_engine()
        print(json.dumps({"searched": searched, "pango": engine.text.ffi.pango is not None}))
    """)
    assert "pango-1.0" in loaded["searched"]
    assert loaded["pango"]
