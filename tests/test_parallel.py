"""Parallel builds: editions made in worker processes are the same bytes as made one after
another, and a problem found in a worker is reported as in a serial build."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_project
from mgi_report.build import build
from mgi_report.errors import TemplateError


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_two_worker_processes_make_the_same_bytes_as_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    serial = build(project, tmp_path / "serial", reports=["profile"], locales=["en", "ru"],
                   jobs=1)
    parallel = build(project, tmp_path / "parallel", reports=["profile"],
                     locales=["en", "ru"], jobs=2)
    assert files(tmp_path / "serial") == files(tmp_path / "parallel")
    assert [r.path for r in serial.outputs] == [r.path for r in parallel.outputs]
    assert [e.edition for e in parallel.editions] == ["kaz/profile.en", "kaz/profile.ru"]


def test_a_template_error_in_a_worker_is_reported_as_in_a_serial_build(
        tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    wheel = project / "templates/sections/profile/wheel.html.j2"
    wheel.write_text(wheel.read_text(encoding="utf-8") + "{{ no_such_thing }}\n",
                     encoding="utf-8")
    found = []
    for jobs in (1, 2):
        with pytest.raises(TemplateError) as raised:
            build(project, tmp_path / f"out{jobs}", reports=["profile"], locales=["en", "ru"],
                  formats=["html"], jobs=jobs)
        found.append(raised.value.lines())
        assert not (tmp_path / f"out{jobs}").exists()
    assert found[0] == found[1] and "no_such_thing" in found[0][0]


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_leaves_no_font_files_in_the_temporary_folder(tmp_path: Path,
                                                              jobs: int) -> None:
    """WeasyPrint writes every face it lays out with to a temporary folder, and removes it
    only when its font configuration is collected, which a worker process ending never
    does: the build removes them itself."""
    project = copy_project(tmp_path / "project")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "mgi_report", "build", "--root", str(project), "--out",
         str(tmp_path / "out"), "--report", "profile", "--locale", "en,de,ru", "--format",
         "pdf", "--jobs", str(jobs), "--quiet"],
        env={**os.environ, "TMPDIR": str(temporary),
             "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out/kaz").glob("profile.*.pdf"))) == 3
    assert sorted(p.name for p in temporary.iterdir()) == []


def test_a_build_leaves_the_garbage_collector_as_it_found_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build freezes what exists before it (so the collection after each edition skips
    it) and unfreezes it at the end, unless the caller had frozen objects itself."""
    import gc

    builder = sys.modules["mgi_report.build"]
    make_edition = builder._make_edition
    frozen_while_making: list[int] = []

    def recorded(*args: object) -> object:
        frozen_while_making.append(gc.get_freeze_count())
        return make_edition(*args)

    monkeypatch.setattr(builder, "_make_edition", recorded)
    project = copy_project(tmp_path / "project")
    edition = {"reports": ["profile"], "locales": ["en"], "formats": ["html"], "force": True}
    build(project, tmp_path / "out", **edition)  # type: ignore[arg-type]
    assert gc.get_freeze_count() == 0 and frozen_while_making[0] > 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        build(project, tmp_path / "out", **edition)  # type: ignore[arg-type]
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_layouts_share_a_font_configuration_until_the_sharing_block_ends(
        tmp_path: Path) -> None:
    """Nested blocks keep the faces' files until the outermost ends; a layout outside any
    block, or in another thread, gets a configuration of its own."""
    import threading

    from mgi_report import write

    html = '<style>@font-face { font-family: "X"; src: url(x.woff2) }</style>'
    paged = tmp_path / "paged.css"
    other: list[object] = []
    with write.shared_fonts():
        with write.shared_fonts():
            kept = write._font_configuration(html, tmp_path, paged)
            folder = tmp_path / "faces"
            folder.mkdir()
            kept._folder = folder  # as WeasyPrint sets it when it writes the first face
        assert write._font_configuration(html, tmp_path, paged) is kept
        thread = threading.Thread(
            target=lambda: other.append(write._font_configuration(html, tmp_path, paged)))
        thread.start()
        thread.join()
        assert other and other[0] is not kept
        assert folder.is_dir()
    assert not folder.exists()
    assert write._font_configuration(html, tmp_path, paged) is not kept


def _release_in_a_forked_worker() -> None:
    import gc

    from mgi_report import write

    write.release_fonts()
    gc.collect()


def test_a_forked_worker_releasing_its_fonts_leaves_its_parents_files(tmp_path: Path) -> None:
    """A worker inherits the configurations its parent kept; letting go of them must not
    remove the parent's files (WeasyPrint removes a configuration's folder when it is
    collected)."""
    import multiprocessing

    from mgi_report import write

    html = '<style>@font-face { font-family: "X"; src: url(x.woff2) }</style>'
    folder = tmp_path / "faces"
    folder.mkdir()
    with write.shared_fonts():
        write._font_configuration(html, tmp_path, tmp_path / "paged.css")._folder = folder
        worker = multiprocessing.get_context("fork").Process(target=_release_in_a_forked_worker)
        worker.start()
        worker.join()
        assert worker.exitcode == 0 and folder.is_dir()
        assert write._font_configuration(html, tmp_path, tmp_path / "paged.css")._folder == \
            folder
    assert not folder.exists()


def children_of(parent: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads processes in /proc")
@pytest.mark.parametrize("when", ["measuring the faces", "making editions"])
def test_a_killed_build_leaves_no_worker_behind_and_the_folder_free(tmp_path: Path,
                                                                    when: str) -> None:
    """A cancelled CI job kills the build: its workers end with it (those measuring the
    faces on a first build, those making editions), and hold no lock on the output folder
    meanwhile, so the next build goes ahead."""
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "mgi_report", "build", "--root", str(project), "--out",
               str(out), "--format", "pdf", "--jobs", "2", "--quiet"]
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    if when == "making editions":
        subprocess.run([*command, "--locale", "en"], env=environment, check=True)
    running = subprocess.Popen(command, stderr=subprocess.DEVNULL, env=environment)
    staging = tmp_path / ".out.mgi-report"
    try:
        if when == "measuring the faces":
            assert wait_for(lambda: len(children_of(running.pid)) == 2, 120)
            assert not any(staging.rglob("*.pdf"))
        else:  # an edition made: the workers are the editions'
            assert wait_for(lambda: any(staging.rglob("kaz/*.pdf"))
                            and len(children_of(running.pid)) == 2, 180)
        workers = children_of(running.pid)
        lock = (staging / "lock").resolve()
        for worker in workers:
            held = {os.path.realpath(fd) for fd in Path(f"/proc/{worker}/fd").iterdir()}
            assert str(lock) not in held
        running.kill()
        running.wait()
        assert wait_for(lambda: not any(alive(worker) for worker in workers), 10)
    finally:
        running.kill()
        running.wait()
    again = subprocess.run([*command, "--report", "profile", "--locale", "en"],
                           capture_output=True, text=True, env=environment)
    assert again.returncode == 0, again.stderr
