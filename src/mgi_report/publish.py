"""Stage 6: publish a folder as one unit, so a reader sees all of the old or all of the new.

Every command that changes a folder the user trusts — `build` (the output folder), `i18n
import` (a locale's content) and `i18n extract` (the catalogs) — works on a staged copy and
swaps it in at the end. The copy is made of hard links (files are only ever replaced, never
written in place, so a link never changes the old folder's files) and lives in a hidden
working folder beside the target, ``.<name>.mgi-report/``, which also holds the lock.

On Linux the swap is one ``renameat2(RENAME_EXCHANGE)``: at every instant the target is the
complete old folder or the complete new one, whatever happens (SIGKILL, a full disk, an
unwritable file). Where the kernel or file system cannot exchange, two renames are used, and
for that moment the target is absent (never half-written). Leftovers of a killed run stay in
the working folder, outside the target, and are removed by the next run.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Problem

_AT_FDCWD = -100
#: The lock files this process holds (:func:`_locked`). A process forked while one is held
#: (a build's worker) closes its copy: the lock is the build's, and must go when the build
#: does, not when the last worker it left behind ends.
_held_locks: set[int] = set()


def _close_held_locks() -> None:
    for handle in _held_locks:
        with suppress(OSError):
            os.close(handle)
    _held_locks.clear()


os.register_at_fork(after_in_child=_close_held_locks)
_NAME_MAX = 255
_RENAME_EXCHANGE = 2


class PublishError(InputError):
    """The target cannot be written (read-only, disk full, locked): exit status 2."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__([Problem(str(path), 0, "", message)])


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder, then rename: never a half file.

    A failure is reported for ``path``, the file the caller meant, not the temporary one.
    """
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        temporary = Path(name)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temporary.chmod(0o644)
        temporary.replace(path)
    except BaseException as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


@dataclass(frozen=True)
class Staging:
    """The staged copy of a target folder: write into it as if it were the target."""

    target: Path
    path: Path
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)

    def write(self, relative: str | Path, data: bytes) -> Path:
        destination = self.path / relative
        if not destination.resolve().is_relative_to(self.path.resolve()):
            raise PublishError(self.target / relative,
                               "refused: outside the folder being written")
        write_atomic(destination, data)
        self.written.append(destination)
        return destination

    def count_if_changed(self, relative: str | Path) -> bool:
        """Count ``relative``, written into the copy otherwise than by :meth:`write`, as
        written when its bytes are not the target's (a file changed there is put back);
        whether it was."""
        staged = self.path / relative
        try:
            same = staged.read_bytes() == (self.target / relative).read_bytes()
        except OSError:
            same = False
        if not same:
            self.written.append(staged)
        return not same

    def remove(self, relative: str | Path) -> None:
        """Leave ``relative`` out of the target (it goes when the copy is swapped in)."""
        destination = self.path / relative
        if not destination.resolve().is_relative_to(self.path.resolve()):
            raise PublishError(self.target / relative,
                               "refused: outside the folder being written")
        destination.unlink()
        self.removed.append(destination)


def workspace(target: Path) -> Path:
    """The hidden working folder beside ``target``: its lock, staged copy and leftovers.

    A name too long to take the prefix and suffix is shortened, with a hash of it kept so
    two long names never share a working folder.
    """
    name = f".{target.name}.mgi-report"
    if len(os.fsencode(name)) > _NAME_MAX:
        digest = hashlib.sha256(os.fsencode(target.name)).hexdigest()[:16]
        name = f".{os.fsencode(target.name)[:160].decode('utf-8', 'ignore')}-{digest}.mgi-report"
    return target.parent / name


@contextmanager
def transaction(target: Path) -> Iterator[Staging]:
    """Stage a copy of ``target`` (empty when it does not exist); on success swap it in.

    Nothing in ``target`` changes unless the ``with`` block completes and wrote something;
    an exception, a full disk or a kill leaves it exactly as it was. The lock is taken
    first, so what the block reads of the target is what it replaces.
    """
    target = target.resolve()
    if target.exists() and not target.is_dir():
        raise PublishError(target, "is not a folder")
    work = workspace(target)
    try:
        work.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublishError(target, f"cannot write ({exc.strerror})") from None
    with _locked(work / "lock", target):
        _remove_leftovers(work)
        staged = work
        try:
            staged = _stage(target, work)
            staging = Staging(target, staged)
            yield staging
            if staging.written or staging.removed:
                _sync_tree(staged)
                _swap(staged, target)
        except OSError as exc:
            raise PublishError(_as_target(exc, staged, target),
                               f"cannot write ({exc.strerror or exc})") from None
        finally:
            _remove_leftovers(work)


def _as_target(exc: OSError, staged: Path, target: Path) -> Path:
    """The file a failed write was for, named as it will be in the target, not the copy."""
    if not exc.filename:
        return target
    failed = Path(os.fsdecode(exc.filename))
    return target / failed.relative_to(staged) if failed.is_relative_to(staged) else failed


@contextmanager
def _locked(lock: Path, target: Path) -> Iterator[None]:
    """One writer per target; a second one is refused, naming the process that holds it."""
    try:
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise PublishError(target, f"cannot write ({exc.strerror})") from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            raise PublishError(target, f"another mgi-report{holder} is writing this folder; "
                                       "try again when it has finished") from None
        try:
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        except OSError as exc:
            raise PublishError(target, f"cannot write ({exc.strerror})") from None
        _held_locks.add(handle)
        yield
    finally:
        _held_locks.discard(handle)
        os.close(handle)


def _holder(handle: int) -> str:
    """`` (process 1234)``: the holder writes its id just after taking the lock, so an
    empty lock file is read again for a moment before the id is left out."""
    for _ in range(20):
        holder = os.pread(handle, 64, 0).decode("ascii", "replace").strip()
        if holder:
            return f" (process {holder})"
        time.sleep(0.01)
    return ""


def _stage(target: Path, work: Path) -> Path:
    """A copy of ``target`` made of hard links, with its folders' modes and owners.

    Every folder must be readable and on the target's file system: a folder skipped, or a
    mounted file system copied, would be lost from or added to the target by the swap.
    """
    staged = Path(tempfile.mkdtemp(prefix="new-", dir=work))
    if not target.is_dir():
        staged.chmod(0o777 & ~_umask())
        return staged
    device = target.stat().st_dev
    _keep_mode_and_owner(target, staged)

    def unreadable(error: OSError) -> None:
        raise PublishError(os.fsdecode(error.filename or target),
                           f"cannot read ({error.strerror}): it would be lost when the "
                           "folder is replaced")

    for directory, folders, files in os.walk(target, onerror=unreadable):
        here = staged / Path(directory).relative_to(target)
        for name in folders:
            source = Path(directory, name)
            if not source.is_symlink() and (source.stat().st_dev != device
                                            or os.path.ismount(source)):
                raise PublishError(source, "is a mount point: mgi-report replaces the folder "
                                           "as a whole and will not copy another file system")
            _mirror(source, here / name)
        for name in files:
            _mirror(Path(directory, name), here / name)
    return staged


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _keep_mode_and_owner(source: Path, destination: Path) -> None:
    status = source.stat()
    destination.chmod(stat.S_IMODE(status.st_mode))
    if (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        with suppress(PermissionError):  # only root may give a folder away
            os.chown(destination, status.st_uid, status.st_gid)


def _mirror(source: Path, destination: Path) -> None:
    """A folder (with its mode and owner), a hard link to a file, or a copy of a link."""
    if source.is_symlink():
        destination.symlink_to(source.readlink())
    elif source.is_dir():
        destination.mkdir()
        _keep_mode_and_owner(source, destination)
    else:
        try:
            os.link(source, destination, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                raise
            shutil.copy2(source, destination)


def _sync_tree(folder: Path) -> None:
    """Flush the staged folders to disk before the swap makes them the target."""
    for directory, _, _ in os.walk(folder):
        _fsync_dir(Path(directory))


def _swap(staged: Path, target: Path) -> None:
    if not target.exists():
        staged.rename(target)
    elif not _exchange(staged, target):
        target.rename(staged.with_name(f"old-{staged.name}"))
        staged.rename(target)
    _fsync_dir(target.parent)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False where that is not supported."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    done = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                     _RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_leftovers(work: Path) -> None:
    for path in work.iterdir():
        if path.name != "lock":
            shutil.rmtree(path, ignore_errors=True)
