"""Fault injection at every change a run makes to the file system, through audit hooks.

CPython raises an audit event before each file system change (open for writing, rename,
link, mkdir, chmod, remove, ...). ``Faults`` counts those events and, at the Nth one, either
raises an OSError (a full disk, an unwritable file) or ends the process at once with
``os._exit`` (SIGKILL: no ``finally``, no cleanup). Killing runs in a forked child, so the
test process survives and inspects what the child left behind.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
CHANGES = {"os.rename", "os.link", "os.mkdir", "os.chmod", "os.remove", "os.rmdir",
           "os.truncate", "os.symlink", "shutil.copyfile", "shutil.move"}


def is_change(event: str, args: tuple[Any, ...]) -> bool:
    if event in CHANGES:
        return True
    if event == "open":
        mode, flags = args[1], args[2]
        return bool(isinstance(mode, str) and set(mode) & set("wax+")) or \
            bool(isinstance(flags, int) and flags & WRITE_FLAGS)
    # The atomic exchange (renameat2, through ctypes) is looked up just before the call.
    return event == "ctypes.dlsym" and args[1] == "renameat2"


@dataclass
class Faults:
    """One audit hook per process (hooks cannot be removed), armed per run."""

    armed: bool = False
    seen: int = 0
    fail_at: int = 0
    action: Callable[[str, object], None] | None = None
    events: list[str] = field(default_factory=list)

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        if not self.armed or not is_change(event, args):
            return
        self.seen += 1
        self.events.append(f"{event} {args[0]!r}")
        if self.seen == self.fail_at and self.action:
            self.armed = False
            self.action(event, args[0])

    def count(self, run: Callable[[], object]) -> int:
        """How many changes ``run`` makes when nothing fails."""
        self.armed, self.seen, self.fail_at, self.events = True, 0, 0, []
        try:
            run()
        finally:
            self.armed = False
        return self.seen

    def fail(self, at: int, run: Callable[[], object], code: int = errno.ENOSPC) -> None:
        """Run with the ``at``-th change failing as a full disk (or ``code``) would."""

        def raise_error(event: str, path: object) -> None:
            raise OSError(code, os.strerror(code), path if isinstance(path, str | bytes) else None)

        self.armed, self.seen, self.fail_at, self.action = True, 0, at, raise_error
        try:
            run()
        finally:
            self.armed = False

    def kill(self, at: int, run: Callable[[], object]) -> int:
        """Run in a forked child that dies at the ``at``-th change; the child's exit status."""
        pid = os.fork()
        if pid == 0:
            status = 1
            try:
                self.armed, self.seen, self.fail_at = True, 0, at
                self.action = lambda event, path: os._exit(137)
                run()
                status = 0
            finally:
                os._exit(status)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


FAULTS = Faults()
sys.addaudithook(FAULTS.hook)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) and its bytes."""
    if not folder.exists():
        return {}
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}
