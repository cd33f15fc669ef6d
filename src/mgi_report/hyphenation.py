"""Stage 5, PDF: the hyphenation dictionaries WeasyPrint asks pyphen for, parsed once per
machine instead of once per process.

pyphen reads a ``hyph_*.dic`` file into patterns the first time a process hyphenates its
language: 0.8 s for German, 0.1 s for English, in every process that lays out an edition.
The patterns are kept in the user cache (marshal: strings and integers only), by the
dictionary file's bytes, pyphen's version and Python's, and pyphen's own per-process cache
(``pyphen.hdcache``) is filled from them when WeasyPrint first asks for that dictionary.
The break points are pyphen's: the patterns are the ones it parsed.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path
from typing import Any

import pyphen  # type: ignore[import-untyped]

from .usercache import read_blob, user_cache, write_blob


class _KeptDictionaries(dict[Any, Any]):
    """pyphen's cache of parsed dictionaries, by path, filled from the user cache when a
    dictionary is first looked for, and kept there when pyphen parses one."""

    def __contains__(self, path: object) -> bool:
        if not super().__contains__(path) and isinstance(path, Path):
            kept = _kept(path)
            if kept is not None:
                super().__setitem__(path, kept)
        return super().__contains__(path)

    def __setitem__(self, path: Any, dictionary: Any) -> None:
        super().__setitem__(path, dictionary)
        if isinstance(path, Path):
            _keep(path, dictionary)


def use_kept_dictionaries() -> None:
    """From now on, this process's pyphen reads dictionaries through the user cache."""
    if not isinstance(pyphen.hdcache, _KeptDictionaries):
        pyphen.hdcache = _KeptDictionaries(pyphen.hdcache)


def _key(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return hashlib.sha256(f"{sys.implementation.cache_tag} {marshal.version}\0".encode()
                          + data).hexdigest()


def _folder() -> Path:
    return user_cache("hyphenation", "pyphen")


def _kept(path: Path) -> pyphen.HyphDict | None:
    key = _key(path)
    data = read_blob(_folder(), key) if key else None
    if data is None:
        return None
    try:
        patterns, maxlen = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(patterns, dict) or not isinstance(maxlen, int):
        return None
    dictionary = pyphen.HyphDict.__new__(pyphen.HyphDict)
    dictionary.patterns, dictionary.cache, dictionary.maxlen = patterns, {}, maxlen
    return dictionary


def _keep(path: Path, dictionary: Any) -> None:
    """Keep the parsed patterns, unless some are not plain numbers (a dictionary with
    non-standard hyphenation, which marshal cannot hold): pyphen parses those itself."""
    patterns = getattr(dictionary, "patterns", None)
    maxlen = getattr(dictionary, "maxlen", None)
    if not isinstance(patterns, dict) or not isinstance(maxlen, int) or not all(
            type(value) is int for _, values in patterns.values() for value in values):
        return
    key = _key(path)
    if key is not None:
        write_blob(_folder(), key, marshal.dumps((patterns, maxlen)))
