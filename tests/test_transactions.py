"""The output folder and a locale's content change as one unit: all old or all new, always.

Each test runs a command once to count the file system changes it makes, then once per
change with that change failing (a full disk) or the process killed there, and checks what
a reader finds afterwards.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import copy_project
from faults import FAULTS, snapshot
from mgi_report import build
from mgi_report.cli import main
from mgi_report.errors import InputError
from mgi_report.manifest import sha256
from mgi_report.publish import workspace

OLD_PARTNER = "partner: The Economist Intelligence Unit"
NEW_PARTNER = "partner: The Economist Intelligence Unit (revised)"


@dataclass(frozen=True)
class Versions:
    """A project, its output folder as the last build left it, and what the next build makes."""

    root: Path
    pristine: Path
    old: dict[str, bytes]
    new: dict[str, bytes]

    def rebuild(self, out: Path) -> None:
        build(self.root, out, reports=["snapshot"], locales=["en"], formats=["html"])

    def reset(self, out: Path) -> None:
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(workspace(out), ignore_errors=True)
        shutil.copytree(self.pristine, out)


@pytest.fixture(scope="module", autouse=True)
def private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Counting a run's changes needs a user cache no other process writes to meanwhile
    (another test run on the machine would make an entry appear or go between runs)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    base = tmp_path_factory.mktemp("transactions")
    root = copy_project(base / "project")
    pristine = base / "pristine"
    build(root, pristine, reports=["snapshot"], locales=["en", "de"], formats=["html"])
    path = root / "content/en/kaz.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_PARTNER, NEW_PARTNER),
                    encoding="utf-8")
    expected = base / "expected"
    shutil.copytree(pristine, expected)
    versions = Versions(root, pristine, snapshot(pristine), {})
    versions.rebuild(expected)
    return Versions(root, pristine, versions.old, snapshot(expected))


def leftovers(out: Path) -> list[str]:
    """What a run left in the working folder beside ``out``, but for the lock."""
    work = workspace(out)
    return sorted(p.name for p in work.iterdir() if p.name != "lock") if work.exists() else []


def assert_consistent(files: dict[str, bytes]) -> None:
    """The manifest lists exactly the files in the folder, editions and site pages, with
    their hashes."""
    manifest = json.loads(files["manifest.json"])
    listed = {entry["path"]: entry["sha256"] for entry in manifest["outputs"]}
    listed |= {path: entry["sha256"] for path, entry in manifest["site"].items()}
    assert listed == {name: sha256(data) for name, data in files.items()
                      if name != "manifest.json"}


def test_the_two_versions_differ_and_each_is_consistent(versions: Versions) -> None:
    assert versions.old != versions.new
    assert versions.old.keys() == versions.new.keys()
    assert versions.old["kaz/snapshot.de.html"] == versions.new["kaz/snapshot.de.html"]
    for files in (versions.old, versions.new):
        assert_consistent(files)


def test_a_build_killed_at_any_change_leaves_the_old_or_the_new_folder(
        versions: Versions, tmp_path: Path) -> None:
    out = tmp_path / "out"
    versions.reset(out)
    changes = FAULTS.count(lambda: versions.rebuild(out))
    assert changes >= 8, FAULTS.events
    outcomes = []
    for at in range(1, changes + 1):
        versions.reset(out)
        status = FAULTS.kill(at, lambda: versions.rebuild(out))
        assert status == 137, f"change {at} did not kill the build"
        now = snapshot(out)
        assert now in (versions.old, versions.new), f"killed at change {at}: mixed folder"
        outcomes.append("new" if now == versions.new else "old")
        versions.rebuild(out)
        assert snapshot(out) == versions.new, f"rebuild after a kill at change {at}"
        assert leftovers(out) == []
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=["old", "new"].index)


def test_a_full_disk_at_any_change_fails_with_exit_2_and_loses_nothing(
        versions: Versions, tmp_path: Path) -> None:
    out = tmp_path / "out"
    versions.reset(out)
    changes = FAULTS.count(lambda: versions.rebuild(out))
    for at in range(1, changes + 1):
        versions.reset(out)
        try:
            FAULTS.fail(at, lambda: versions.rebuild(out))
        except InputError as error:
            assert error.exit_code == 2
            assert "No space left on device" in str(error), str(error)
            assert ".mgi-report" not in str(error), "names the staged copy, not the output"
        assert snapshot(out) in (versions.old, versions.new), f"full disk at change {at}"
        versions.rebuild(out)
        assert snapshot(out) == versions.new
        assert leftovers(out) == []


def test_an_unwritable_output_is_exit_2_naming_the_file(
        versions: Versions, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    versions.reset(out)
    changes = FAULTS.count(lambda: versions.rebuild(out))
    opened = next(i for i, event in enumerate(FAULTS.events, 1)
                  if event.startswith("open") and "snapshot.en.html" in event)
    versions.reset(out)
    args = ["build", "--root", str(versions.root), "--out", str(out), "--report", "snapshot",
            "--locale", "en", "--format", "html"]
    statuses: list[int] = []
    capsys.readouterr()
    FAULTS.fail(opened, lambda: statuses.append(main(args)), code=errno.EACCES)
    status = statuses[0]
    err = capsys.readouterr().err.strip().splitlines()
    assert changes > opened
    assert status == 2
    assert err == [f"{out.resolve()}/kaz/snapshot.en.html: cannot write (Permission denied)"]
    assert snapshot(out) == versions.old


def test_an_output_path_that_is_a_file_is_exit_2(
        versions: Versions, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.write_text("not a folder", encoding="utf-8")
    status = main(["build", "--root", str(versions.root), "--out", str(out), "--format", "html"])
    assert status == 2
    assert capsys.readouterr().err.strip() == f"{out}: is not a folder"
    assert out.read_text(encoding="utf-8") == "not a folder"
    assert not workspace(out.resolve()).exists()


def test_a_rebuild_keeps_the_output_folders_modes(versions: Versions, tmp_path: Path) -> None:
    out = tmp_path / "out"
    versions.reset(out)
    out.chmod(0o750)
    (out / "kaz").chmod(0o705)
    versions.rebuild(out)
    assert snapshot(out) == versions.new
    assert (out.stat().st_mode & 0o777, (out / "kaz").stat().st_mode & 0o777) == (0o750, 0o705)


def test_a_folder_in_the_output_that_cannot_be_read_stops_the_build_and_stays(
        versions: Versions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    versions.reset(out)
    (out / "notes").mkdir()
    (out / "notes/review.txt").write_text("a reviewer's notes", encoding="utf-8")
    before = snapshot(out)
    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if isinstance(path, str) and Path(path).name == "notes":
            raise PermissionError(errno.EACCES, "Permission denied", path)
        return real_scandir(path)  # type: ignore[call-overload]

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError) as raised:
        versions.rebuild(out)
    assert [str(p) for p in raised.value.problems] == [
        f"{out.resolve()}/notes: cannot read (Permission denied): it would be lost when the "
        "folder is replaced"]
    monkeypatch.undo()
    assert snapshot(out) == before
    assert leftovers(out) == []


@pytest.mark.parametrize("mount", ["another file system", "a bind mount"])
def test_a_mount_point_inside_the_output_is_not_copied(
        versions: Versions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        mount: str) -> None:
    """Another file system has its own device number; a bind mount shares the device but
    is a mount point all the same. Neither is copied into (or emptied out of) the build."""
    out = tmp_path / "out"
    versions.reset(out)
    (out / "mnt").mkdir()
    before = snapshot(out)
    real_stat, real_ismount = os.stat, os.path.ismount

    def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        if isinstance(path, str | Path) and Path(path).name == "mnt":
            fields = list(result)
            fields[2] = result.st_dev + 1  # st_dev
            return os.stat_result(fields)
        return result

    if mount == "another file system":
        monkeypatch.setattr(os, "stat", stat)
    else:
        monkeypatch.setattr(os.path, "ismount",
                            lambda path: Path(path).name == "mnt" or real_ismount(path))
    with pytest.raises(InputError) as raised:
        versions.rebuild(out)
    monkeypatch.undo()
    assert [str(p) for p in raised.value.problems] == [
        f"{out.resolve()}/mnt: is a mount point: mgi-report replaces the folder as a whole and "
        "will not copy another file system"]
    assert snapshot(out) == before


def test_an_output_folder_with_the_longest_name_a_file_system_allows(
        versions: Versions, tmp_path: Path) -> None:
    out = tmp_path / ("o" * 255)
    versions.rebuild(out)
    assert snapshot(out)["manifest.json"]
    assert len(workspace(out).name) <= 255
    assert leftovers(out) == []


def test_a_second_build_into_the_same_folder_is_refused_naming_the_first(
        versions: Versions, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    versions.reset(out)
    lock = workspace(out) / "lock"
    lock.parent.mkdir(exist_ok=True)
    lock.touch()
    pid = os.fork()
    if pid == 0:  # another process holds the lock, as a running build does
        handle = os.open(lock, os.O_RDWR | os.O_CREAT)
        fcntl.flock(handle, fcntl.LOCK_EX)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    try:
        _wait_until_locked(lock)
        status = main(["build", "--root", str(versions.root), "--out", str(out),
                       "--report", "snapshot", "--locale", "en", "--format", "html"])
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert err == f"{out.resolve()}: another mgi-report (process {pid}) is writing this " \
                  "folder; try again when it has finished"
    assert snapshot(out) == versions.old


def _wait_until_locked(lock: Path) -> None:
    for _ in range(200):
        handle = os.open(lock, os.O_RDWR)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if os.pread(handle, 16, 0).strip():
                return
        finally:
            os.close(handle)
        time.sleep(0.01)
    raise AssertionError("the other process never took the lock")
