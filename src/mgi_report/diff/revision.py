"""Stage 0 for a pull request: the editions of a git revision, and of the working tree.

``mgi-report diff --base main`` needs two build folders nobody made by hand. The project
files of the revision (content/, templates/, locale/ under the project root) are taken
out of git into a temporary folder and built there with this mgi-report; the build is
kept in the user's cache under the revision's tree hash (and the code of this mgi-report,
which makes it, and the formats), so the base of every later diff against the same
revision is ready, and a changed builder builds it again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .. import __version__
from ..errors import InputError, Problem
from ..usercache import code_digest, mark_used

log = logging.getLogger(__name__)

#: What a build reads from a project (as the tests' project copies).
PROJECT_DIRS = ("content", "templates", "locale")
MANIFEST = "manifest.json"


def _git(root: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True,
                              check=False, timeout=300)
    except FileNotFoundError:
        raise InputError([Problem(str(root), 0, "", "git is not installed")]) from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError([Problem(str(root), 0, "", f"git {args[0]}: "
                                  f"{message[-1] if message else 'failed'}")])
    return done.stdout


def tree_hash(root: Path, revision: str) -> str:
    """The hash of the revision's tree under the project root: equal for equal files."""
    if revision.startswith("-"):
        raise InputError([Problem(revision, 0, "", "not a git revision")])
    prefix = _git(root, "rev-parse", "--show-prefix").decode().strip()
    try:
        return _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                    f"{revision}^{{tree}}:{prefix}" if prefix else f"{revision}^{{tree}}"
                    ).decode().strip()
    except InputError:
        raise InputError([Problem(revision, 0, "", f"not a revision of the git repository "
                                                   f"at {root}")]) from None


def revision_build(root: Path, revision: str, cache: Path,
                   formats: Sequence[str] | None = None) -> Path:
    """The build folder of ``revision``'s editions: from the cache, or made now."""
    tree = tree_hash(root, revision)
    key = cache_key(tree, formats)
    folder = cache / key
    if (folder / MANIFEST).is_file():
        mark_used(folder)
        log.info("base %s: the build of tree %s from the cache", revision, tree[:12])
        return folder
    with tempfile.TemporaryDirectory(prefix="mgi-report-base-") as temporary:
        project = Path(temporary) / "project"
        _extract(root, tree, project)
        log.info("base %s: building tree %s", revision, tree[:12])
        out = Path(temporary) / "build"
        build_folder(project, out, formats)
        cache.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache))
        shutil.copytree(out, staged, dirs_exist_ok=True)
        try:
            staged.rename(folder)
        except OSError:  # made meanwhile by another diff: keep theirs
            shutil.rmtree(staged, ignore_errors=True)
    return folder


def cache_key(tree: str, formats: Sequence[str] | None = None) -> str:
    """The name a revision's build is kept under: what it is built from, and by."""
    return hashlib.sha256(f"{tree} {__version__} {code_digest()} "
                          f"{sorted(formats or [])}".encode()).hexdigest()[:32]


def build_folder(project: Path, out: Path, formats: Sequence[str] | None = None) -> Path:
    from ..build import build  # WeasyPrint loads only when something is built

    build(project, out, formats=list(formats) if formats else None)
    return out


def _extract(root: Path, tree: str, target: Path) -> None:
    """The project folders of a tree, written under ``target`` (nothing outside it)."""
    archive = _git(root, "archive", "--format=tar", tree, "--",
                   *[d for d in PROJECT_DIRS if _git(root, "ls-tree", tree, d).strip()])
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
