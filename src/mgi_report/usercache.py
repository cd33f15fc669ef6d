"""The user's cache folder (``$XDG_CACHE_HOME/mgi-report``): results worked out once on a
machine and used by every later build, each folder named by the versions of the libraries
whose results it keeps, so that an upgrade starts afresh instead of reusing them."""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import suppress
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .publish import write_atomic


def user_cache(kind: str, *libraries: str) -> Path:
    """The folder for results of ``kind`` that depend on the bytes they are made from and
    on the named ``libraries``."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    versions = "-".join(f"{name}-{_version(name)}" for name in libraries)
    return base / "mgi-report" / f"{kind}-{versions}"


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
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):
        return None


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
                return data
    return None


def write_blob(folder: Path, key: str, data: bytes) -> None:
    """Keep ``data`` under ``key``, its digest in the file name."""
    with suppress(OSError, RuntimeError):
        write_atomic(folder / f"{key}.{hashlib.sha256(data).hexdigest()}.bin", data)
