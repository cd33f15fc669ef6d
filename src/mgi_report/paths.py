"""Where things live under a project root."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .errors import InputError, Problem

#: The largest file read from a project (the largest today, a font, is about 200 KB).
MAX_FILE_BYTES = 16 * 2**20
#: Files under templates/ that Jinja reads (the rest are stylesheets, fonts, pictures).
TEMPLATE_SUFFIX = ".j2"
#: The gettext domain of the interface catalogs.
DOMAIN = "messages"


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def structure(self) -> Path:
        return self.content / "structure.yaml"

    @property
    def countries(self) -> Path:
        return self.content / "countries"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def locale(self) -> Path:
        return self.root / "locale"

    def bundle_dirs(self) -> list[Path]:
        """Locale folders: every folder under content/ except countries/ and hidden ones
        (an import's working folder, ``.de.mgi-report``, is not a locale)."""
        if not self.content.is_dir():
            return []
        return sorted(p for p in self.content.iterdir()
                      if p.is_dir() and p.name != self.countries.name
                      and not p.name.startswith("."))

    def inside(self, path: Path) -> bool:
        """Whether ``path``, symbolic links followed, lies under the project root."""
        return path.resolve().is_relative_to(self.root.resolve())

    def read(self, path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
        """A project file's bytes; outside the root (a link out included), not a regular
        file, larger than ``limit`` or unreadable is bad input naming the file."""
        where = self.display(path)
        if not self.inside(path):
            raise InputError([Problem(where, 0, "", "refused: it leads outside the project "
                                                    f"folder (to {path.resolve()})")])
        return read_regular(path, where, limit)

    def template_asset(self, sheet: Path, reference: str) -> Path | None:
        """The file a stylesheet's ``url()`` names, when it is a relative reference that
        stays under templates/ (whether it exists is the caller's question); None for a
        URL with a scheme or a path leading out."""
        if "://" in reference or ":" in reference.split("/")[0]:
            return None
        asset = Path(os.path.normpath(sheet.parent / reference))
        return asset if asset.resolve().is_relative_to(self.templates.resolve()) else None

    def display(self, path: Path) -> str:
        """A path as users see it in messages: relative to the root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def catalog_path(paths: ProjectPaths, locale: str) -> Path:
    return paths.locale / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def hash_files(digest: Any, paths: ProjectPaths, files: Iterable[Path]) -> None:
    """Feed ``digest`` (a hashlib object) each file's project path and SHA-256, or that it
    is missing. A file is read once per process, for every hash that takes it, as long as
    its size and modification time stay the same."""
    for path in files:
        digest.update(paths.display(path).encode() + b"\0" + _file_digest(paths, path) + b"\0")


def _file_digest(paths: ProjectPaths, path: Path) -> bytes:
    if not (path.is_file() or path.is_symlink()):
        return b"(none)"
    status = path.stat()
    return _digest_of(paths, path, status.st_size, status.st_mtime_ns)


@cache
def _digest_of(paths: ProjectPaths, path: Path, _size: int, _mtime_ns: int) -> bytes:
    return hashlib.sha256(paths.read(path)).digest()


def read_regular(path: Path, where: str, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else (a FIFO, a
    device, a folder, a larger file, an unreadable one) is bad input naming ``where``."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # before open: a FIFO would block it
            raise InputError([Problem(where, 0, "", "not a regular file")])
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError([Problem(where, 0, "", f"cannot read ({exc.strerror})")]) from None
    if len(data) > limit:
        raise InputError([Problem(where, 0, "", f"larger than {limit // 2**20} MiB")])
    return data


def refuse_project_output(root: Path, out: Path) -> None:
    """Outputs never go into the project's inputs: content/, templates/ or locale/."""
    paths = ProjectPaths(Path(root).resolve())
    target = Path(out).resolve()
    if paths.root.is_relative_to(target) or target == Path.home().resolve():
        raise InputError([Problem(str(out), 0, "", "refused: the output folder would hold the "
                                                   "project itself (it is replaced as a whole)")])
    for inputs in (paths.content, paths.templates, paths.locale):
        if target.is_relative_to(inputs.resolve()):
            raise InputError([Problem(str(out), 0, "", f"refused: output inside "
                                                       f"{paths.display(inputs)}/, which holds "
                                                       "the project's inputs")])
