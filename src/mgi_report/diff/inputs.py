"""Stage 0 of a diff: what OLD and NEW are, and which files are compared with which.

Two files are one pair. Two build folders are paired file by file on their path under
the folder (``kaz/snapshot.en.pdf``), and each side's ``manifest.json``, when there is
one, says what the file is (edition, locale) and what it was made from: equal hashes
there spare opening the files, and the per-key content hashes tell a reviewer which
wording changed.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, UsageError
from ..manifest import read_manifest
from ..paths import read_regular
from .model import KeyChange

SUFFIXES = (".pdf", ".html")
#: The largest file compared (an edition is 0.1 to 2 MB).
MAX_INPUT_BYTES = 256 * 2**20


@dataclass(frozen=True)
class Side:
    path: Path
    record: Mapping[str, Any] | None = None

    def read(self) -> bytes:
        """The file's bytes: a regular file of at most MAX_INPUT_BYTES, or bad input."""
        return read_regular(self.path, str(self.path), MAX_INPUT_BYTES)


def refuse_special(path: Path) -> None:
    """Only folders and regular files are compared: a device or FIFO would never end."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError([Problem(str(path), 0, "", f"cannot read ({exc.strerror})")]) \
            from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise InputError([Problem(str(path), 0, "", "not a regular file or folder "
                                                    "(devices and FIFOs are not compared)")])


@dataclass(frozen=True)
class FilePair:
    """One output file in OLD and in NEW; a side is None when the file is only in one."""

    name: str
    old: Side | None
    new: Side | None

    def _field(self, key: str) -> str | None:
        for side in (self.new, self.old):
            if side and side.record and isinstance(side.record.get(key), str):
                return str(side.record[key])
        return None

    @property
    def edition(self) -> str:
        return self._field("edition") or self.name.rsplit(".", 1)[0]

    @property
    def format(self) -> str:
        return self._field("format") or Path(self.name).suffix.lstrip(".")

    @property
    def locale(self) -> str:
        return self._field("locale") or Path(Path(self.name).stem).suffix.lstrip(".")

    def same_by_manifest(self) -> bool:
        """Both manifests give the same hash and the files still have the recorded size."""
        if not (self.old and self.new and self.old.record and self.new.record):
            return False
        old, new = self.old.record, self.new.record
        return (isinstance(old.get("sha256"), str) and old.get("sha256") == new.get("sha256")
                and _size(self.old.path) == old.get("bytes")
                and _size(self.new.path) == new.get("bytes"))

    def key_changes(self) -> tuple[KeyChange, ...]:
        old = _content(self.old)
        new = _content(self.new)
        if old is None or new is None:
            return ()
        fallback = _fallback(self.new) | _fallback(self.old)
        changes = [KeyChange(key, "changed", key in fallback)
                   for key in sorted(old.keys() & new.keys()) if old[key] != new[key]]
        changes += [KeyChange(key, "added", key in fallback)
                    for key in sorted(new.keys() - old.keys())]
        changes += [KeyChange(key, "removed", key in fallback)
                    for key in sorted(old.keys() - new.keys())]
        return tuple(changes)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _fallback(side: Side | None) -> set[str]:
    """The keys an edition shows in a fallback language (its manifest's fallback_keys)."""
    keys = side.record.get("fallback_keys") if side and side.record else None
    return {k for k in keys if isinstance(k, str)} if isinstance(keys, list) else set()


def _content(side: Side | None) -> Mapping[str, Any] | None:
    content = side.record.get("content") if side and side.record else None
    return content if isinstance(content, Mapping) else None


def pair_inputs(old: Path, new: Path, formats: Sequence[str] | None = None) -> list[FilePair]:
    for path in (old, new):
        if not path.exists():
            raise InputError([Problem(str(path), 0, "", "no such file or folder")])
        refuse_special(path)
    if old.is_dir() != new.is_dir():
        raise InputError([Problem(str(new if old.is_dir() else old), 0, "",
                                  "cannot compare a folder with a file")])
    if not old.is_dir():
        return [FilePair(new.name, Side(old), Side(new))]
    unknown = [f for f in formats or () if f".{f}" not in SUFFIXES]
    if unknown:
        raise UsageError(f"unknown format {', '.join(map(repr, unknown))} (known: pdf, html)")
    suffixes = tuple(f".{f}" for f in formats) if formats else SUFFIXES
    old_files, new_files = _outputs(old, suffixes), _outputs(new, suffixes)
    return [FilePair(name, old_files.get(name), new_files.get(name))
            for name in sorted(old_files.keys() | new_files.keys())]


def _outputs(folder: Path, suffixes: tuple[str, ...]) -> dict[str, Side]:
    records = {entry["path"]: entry for entry in read_manifest(folder)["outputs"]
               if isinstance(entry, dict) and isinstance(entry.get("path"), str)}
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in suffixes)
    return {name: Side(path, records.get(name))
            for path in files for name in [path.relative_to(folder).as_posix()]}
