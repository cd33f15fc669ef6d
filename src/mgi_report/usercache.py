"""The user's cache folder (``$XDG_CACHE_HOME/mgi-report``): results worked out once on a
machine and used by every later build, each folder named by the versions of the libraries
whose results it keeps, so that an upgrade starts afresh instead of reusing them.

Nothing in it is needed, so it is kept the way ccache keeps its own: an entry (a file, or a
folder kept as one, such as a diff's base build) is marked when it is used, and one not
used for :data:`KEEP_UNUSED` is removed. A build prunes at most once a day; ``mgi-report
cache prune`` does it when asked. Left alone, the folder would only grow: each change of
content adds entries, each upgrade a new set of folders, and a CI cache restored and saved
again on every run carries all of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .publish import write_atomic

DAY = 24 * 3600
#: How long an entry is kept after it was last used (in seconds).
KEEP_UNUSED = 30 * DAY
#: The file whose time tells when the cache was last pruned.
PRUNED = "pruned"


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/mgi-report`` (``~/.cache/mgi-report`` when it is not set)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mgi-report"


def user_cache(kind: str, *libraries: str) -> Path:
    """The folder for results of ``kind`` that depend on the bytes they are made from and
    on the named ``libraries``."""
    versions = "-".join(f"{name}-{_version(name)}" for name in libraries)
    return cache_root() / f"{kind}-{versions}"


def mark_used(entry: Path) -> None:
    """Record that ``entry`` (a file or folder directly in a kind's folder) was used now, so
    that pruning keeps it. Its time is moved at most once a day: a build that reads an
    entry it read an hour ago writes nothing."""
    with suppress(OSError):
        if time.time() - entry.lstat().st_mtime > DAY:
            os.utime(entry, follow_symlinks=False)


def has_record(path: Path) -> bool:
    """Whether the marker file ``path`` is kept (marking it used when it is)."""
    if not path.is_file():
        return False
    mark_used(path)
    return True


@dataclass(frozen=True)
class CacheFolder:
    """One folder of the user cache: a kind of result, for one set of library versions."""

    path: Path
    entries: int
    size: int
    #: When an entry in it was last used (or made), in seconds since the epoch.
    last_used: float | None


@dataclass(frozen=True)
class Pruned:
    """What :func:`prune` removed."""

    entries: int
    size: int


def cache_folders() -> list[CacheFolder]:
    """The user cache's folders, by name."""
    root = cache_root()
    if not root.is_dir():
        return []
    found = []
    for folder in _folders(root):
        times, size = [], 0
        for entry in _entries(folder):
            with suppress(OSError):  # removed meanwhile
                times.append(entry.lstat().st_mtime)
                size += _size(entry)
        found.append(CacheFolder(folder, len(times), size, max(times, default=None)))
    return found


def prune(older_than: float = KEEP_UNUSED, now: float | None = None) -> Pruned:
    """Remove the entries not used for ``older_than`` seconds (0: every entry), and the
    folders that leaves empty. A folder entry is renamed away before it is removed, so a
    reader finds it whole or not at all; an entry a reader still has open stays readable."""
    now = time.time() if now is None else now
    cutoff = now - older_than
    root = cache_root()
    removed = size = 0
    for folder in _folders(root):
        try:
            stale = folder.stat().st_mtime <= cutoff
        except OSError:
            continue
        for entry in _entries(folder):
            try:
                recent = entry.lstat().st_mtime > cutoff
            except OSError:
                continue
            if recent:
                stale = False
                continue
            entry_size = _size(entry)
            if _remove(entry):
                removed += 1
                size += entry_size
        if stale:  # nothing was written into it since the cutoff either
            with suppress(OSError):
                folder.rmdir()  # only if it is empty now
    with suppress(OSError):
        root.mkdir(parents=True, exist_ok=True)
        (root / PRUNED).touch()
        os.utime(root / PRUNED, (now, now))
    return Pruned(removed, size)


def prune_when_due(now: float | None = None) -> Pruned | None:
    """:func:`prune`, when the cache was last pruned over a day ago (or never); a cache
    that cannot be pruned only takes room."""
    now = time.time() if now is None else now
    try:
        if now - (cache_root() / PRUNED).stat().st_mtime < DAY:
            return None
    except OSError:
        if not cache_root().is_dir():
            return None
    if not os.access(cache_root(), os.W_OK):  # it could not be pruned, nor marked as such
        return None
    with suppress(OSError):
        return prune(now=now)
    return None


def _folders(root: Path) -> list[Path]:
    """The kinds' folders (a link is not followed: what it leads to is not the cache's)."""
    with suppress(OSError):
        return sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink())
    return []


def _entries(folder: Path) -> Iterator[Path]:
    with suppress(OSError):
        yield from folder.iterdir()


def _size(entry: Path) -> int:
    with suppress(OSError):
        if entry.is_dir() and not entry.is_symlink():
            return sum(p.lstat().st_size for p in entry.rglob("*"))
        return entry.lstat().st_size
    return 0


def _remove(entry: Path) -> bool:
    try:
        if entry.is_dir() and not entry.is_symlink():
            gone = entry.with_name(f".pruned-{os.getpid()}-{entry.name}")
            entry.rename(gone)
            shutil.rmtree(gone, ignore_errors=True)
        else:
            entry.unlink()
    except OSError:  # removed meanwhile by another prune, or not ours to remove
        return False
    return True


@cache
def code_digest() -> str:
    """A hash of this mgi-report's own files (code, schemas, templates of its own): a
    result kept by other code (another commit, the same version number) is not used."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.is_file()
                       and "__pycache__" not in p.parts):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


@cache
def _version(library: str) -> str:
    """An installed library's version, looked up once per process (a lookup reads the
    installed packages' metadata folders)."""
    return version(library)


def read_record(path: Path) -> Any:
    """A JSON record from the cache, or None when it is missing or unreadable (a damaged
    entry is worked out again, never trusted)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):
        return None
    mark_used(path)
    return record


def write_record(path: Path, record: Any) -> None:
    """Keep ``record``; a cache that cannot be written only costs time later."""
    with suppress(OSError, RuntimeError):
        write_atomic(path, json.dumps(record, sort_keys=True).encode("utf-8"))


def read_blob(folder: Path, key: str) -> bytes | None:
    """Bytes kept under ``key`` by :func:`write_blob`, only if they still have the digest
    written in their name (a damaged entry is made again, never used)."""
    with suppress(OSError, RuntimeError):
        for path in folder.glob(f"{key}.*.bin"):
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() == path.name.split(".")[1]:
                mark_used(path)
                return data
    return None


def write_blob(folder: Path, key: str, data: bytes) -> None:
    """Keep ``data`` under ``key``, its digest in the file name."""
    with suppress(OSError, RuntimeError):
        write_atomic(folder / f"{key}.{hashlib.sha256(data).hexdigest()}.bin", data)
