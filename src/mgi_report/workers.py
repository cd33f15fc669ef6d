"""Worker processes forked by a build, which end with it: a build that is killed (a
cancelled CI job) leaves no process behind working for nobody."""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial

#: prctl(2)'s option: the signal the kernel sends a process when its parent ends.
_PR_SET_PDEATHSIG = 1


def forked_pool(workers: int, cleanup: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """A pool of ``workers`` forked processes that end when this process does: at once on
    Linux (the kernel tells them), within a second elsewhere. Told to end, a worker calls
    ``cleanup`` first (for at most two seconds)."""
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_started, initargs=(os.getpid(), cleanup))


def _started(parent: int, cleanup: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGTERM, partial(_end, cleanup))
    try:
        told = ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) == 0
    except (AttributeError, OSError):
        told = False
    if not told:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it ended before the kernel was asked
        _end(cleanup)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def _end(cleanup: Callable[[], None] | None, *_: object) -> None:
    """Clean up, unless that waits (the signal may have come while this thread held a lock
    the cleanup takes), and end."""
    if cleanup is not None:
        cleaning = threading.Thread(target=cleanup, daemon=True)
        cleaning.start()
        cleaning.join(2)
    os._exit(128 + signal.SIGTERM)
