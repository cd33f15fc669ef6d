"""WeasyPrint, loaded without repeating the library search that is half its import time.

WeasyPrint opens Pango, HarfBuzz and fontconfig through cffi, trying several names for each
library. cffi hands every name it cannot open as given to ``ctypes.util.find_library``,
which on Linux runs ``ldconfig -p`` and then gcc: 38 processes and about 0.2 s of a 0.45 s
import, paid by every process that lays out. The search's answers (name → library, or
none) are kept in the user cache, keyed by what they depend on: the dynamic loader's cache
(``/etc/ld.so.cache``, rewritten whenever a library is installed) and the paths the loader
and gcc search. A later process is given the same answers without the search, so it opens
exactly the libraries a search would open, optional ones (HarfBuzz's subsetter) included.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import hashlib
import importlib
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from .usercache import read_record, user_cache, write_record

ENGINE = "weasyprint"
#: What ``find_library``'s answers on Linux depend on, besides the name.
LOADER_CACHE = Path("/etc/ld.so.cache")
SEARCH_PATHS = ("LD_LIBRARY_PATH", "LIBRARY_PATH")
_loading = threading.Lock()


def load_engine() -> ModuleType:
    """WeasyPrint, imported once per process (the first caller pays for it)."""
    if (engine := sys.modules.get(ENGINE)) is not None:
        return engine
    with _loading:
        if (engine := sys.modules.get(ENGINE)) is not None:
            return engine
        if not sys.platform.startswith("linux"):
            return importlib.import_module(ENGINE)
        record = _answers_record()
        kept = read_record(record)
        answers = kept if _is_answers(kept) else {}
        with _answered(answers) as asked:
            engine = importlib.import_module(ENGINE)
        if asked:
            write_record(record, answers)
        return engine


@contextlib.contextmanager
def _answered(answers: dict[str, str | None]) -> Iterator[list[str]]:
    """While the block runs, ``find_library`` answers from ``answers`` and searches (adding
    to them) only for a name they lack; yields the names searched for."""
    search = ctypes.util.find_library
    asked: list[str] = []

    def find_library(name: str) -> str | None:
        if name not in answers:
            asked.append(name)
            answers[name] = search(name)
        return answers[name]

    ctypes.util.find_library = find_library
    try:
        yield asked
    finally:
        ctypes.util.find_library = search


def _answers_record() -> Path:
    digest = hashlib.sha256(sys.platform.encode())
    with contextlib.suppress(OSError):
        status = LOADER_CACHE.stat()
        digest.update(f"\0{status.st_size}\0{status.st_mtime_ns}\0{status.st_ino}".encode())
    for name in SEARCH_PATHS:
        digest.update(f"\0{name}={os.environ.get(name, '')}".encode())
    return user_cache("library-search", "cffi", ENGINE) / f"{digest.hexdigest()}.json"


def _is_answers(record: object) -> bool:
    return isinstance(record, dict) and all(
        isinstance(name, str) and (found is None or isinstance(found, str))
        for name, found in record.items())
