"""WeasyPrint, loaded without the library search that is half its import time.

WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying several names for each
library. cffi hands every name it cannot open as given to ``ctypes.util.find_library``,
which on Linux runs ``ldconfig -p`` and then gcc: 38 processes and about 0.2 s of a 0.45 s
import, paid by every process that lays out. Each list of names WeasyPrint tries holds the
library's soname, which the dynamic loader opens directly: on Linux the search is skipped
while WeasyPrint loads, and the same libraries are opened by their sonames. Should one of
them not open that way (a library only gcc knows the way to), WeasyPrint is loaded again
with the search.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import sys
import threading
from collections.abc import Iterator
from types import ModuleType

ENGINE = "weasyprint"
_loading = threading.Lock()


def load_engine() -> ModuleType:
    """WeasyPrint, imported once per process (the first caller pays for it)."""
    if (engine := sys.modules.get(ENGINE)) is not None:
        return engine
    with _loading:
        if (engine := sys.modules.get(ENGINE)) is not None:
            return engine
        if sys.platform.startswith("linux"):
            try:
                with _without_library_search(), contextlib.redirect_stdout(io.StringIO()):
                    return importlib.import_module(ENGINE)
            except OSError:
                _forget(ENGINE)
        return importlib.import_module(ENGINE)


@contextlib.contextmanager
def _without_library_search() -> Iterator[None]:
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        yield
    finally:
        ctypes.util.find_library = search


def _not_searched(name: str) -> None:
    return None


def _forget(package: str) -> None:
    """Drop what a failed import of ``package`` left, so that it is imported anew."""
    for name in [name for name in sys.modules
                 if name == package or name.startswith(package + ".")]:
        del sys.modules[name]
