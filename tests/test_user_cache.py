"""The user cache stays the size of what is used: an entry is marked when it is used, and
one not used for thirty days is removed, by a build (at most once a day) or by
`mgi-report cache prune`."""

from __future__ import annotations

import os
import time
from pathlib import Path

import jinja2
import pytest

from conftest import copy_project
from mgi_report import usercache
from mgi_report.build import build
from mgi_report.cli import main
from mgi_report.diff import revision
from mgi_report.render import _CompiledTemplates

DAY = 24 * 3600
NOW = time.time()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg/mgi-report"


def aged(path: Path, days: float) -> Path:
    when = NOW - days * DAY
    os.utime(path, (when, when))
    return path


def test_an_entry_not_used_for_thirty_days_is_removed_and_a_recent_one_kept(
        cache: Path) -> None:
    folder = usercache.user_cache("layout", "jinja2")
    usercache.write_record(folder / "old.json", [1])
    usercache.write_record(folder / "recent.json", [2])
    aged(folder / "old.json", 31)
    aged(folder / "recent.json", 29)
    pruned = usercache.prune(now=NOW)
    assert pruned.entries == 1 and pruned.size == len("[1]")
    assert sorted(p.name for p in folder.iterdir()) == ["recent.json"]


@pytest.mark.parametrize("read", ["record", "blob", "marker"])
def test_reading_an_entry_marks_it_used_so_pruning_keeps_it(cache: Path, read: str) -> None:
    folder = usercache.user_cache("kind", "jinja2")
    if read == "blob":
        usercache.write_blob(folder, "key", b"data")
        entry = next(folder.glob("key.*.bin"))
    else:
        entry = folder / f"key.{read}"
        usercache.write_record(entry, True)
    aged(entry, 40)
    if read == "record":
        assert usercache.read_record(entry) is True
    elif read == "blob":
        assert usercache.read_blob(folder, "key") == b"data"
    else:
        assert usercache.has_record(entry)
    assert entry.stat().st_mtime > NOW - 60
    assert usercache.prune(now=NOW).entries == 0 and entry.exists()


def test_an_entry_read_again_within_a_day_is_not_written_to(cache: Path) -> None:
    entry = usercache.user_cache("kind", "jinja2") / "key.json"
    usercache.write_record(entry, 1)
    aged(entry, 0.5)
    before = entry.stat().st_mtime
    assert usercache.read_record(entry) == 1
    assert entry.stat().st_mtime == before


def test_a_folder_of_another_version_goes_with_its_last_entry(cache: Path) -> None:
    old = cache / "layout-weasyprint-1.0"
    usercache.write_record(old / "a.json", 1)
    aged(old / "a.json", 45)
    aged(old, 45)
    current = usercache.user_cache("layout", "jinja2")
    usercache.write_record(current / "b.json", 1)
    aged(current / "b.json", 45)  # its last entry goes, but it was written to recently
    assert usercache.prune(now=NOW).entries == 2
    assert not old.exists() and current.is_dir() and not any(current.iterdir())


def test_a_base_build_kept_for_diff_is_removed_whole_or_kept_whole(
        cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A diff's base build is a folder of files: it is one entry, aged by its own time, so
    a later diff never finds part of one."""
    folder = usercache.user_cache("diff-base", "weasyprint")
    monkeypatch.setattr(revision, "tree_hash", lambda root, rev: "0" * 40)
    kept, gone = folder / revision.cache_key("0" * 40), folder / "other"
    for base in kept, gone:
        (base / "kaz").mkdir(parents=True)
        (base / "kaz/snapshot.en.pdf").write_bytes(b"%PDF")
        (base / revision.MANIFEST).write_text("{}", encoding="utf-8")
        aged(base, 60)
    assert revision.revision_build(Path(), "HEAD", folder) == kept  # used, so marked
    assert usercache.prune(now=NOW).entries == 1
    assert not gone.exists() and (kept / "kaz/snapshot.en.pdf").read_bytes() == b"%PDF"
    assert sorted(p.name for p in folder.iterdir()) == [kept.name]


def test_a_compiled_template_read_from_the_cache_is_marked_used(tmp_path: Path) -> None:
    compiled = _CompiledTemplates(str(tmp_path))
    templates = jinja2.DictLoader({"page.html": "{{ 1 + 1 }}"})
    jinja2.Environment(loader=templates, bytecode_cache=compiled).get_template("page.html")
    (entry,) = tmp_path.iterdir()
    aged(entry, 40)
    template = jinja2.Environment(loader=templates, bytecode_cache=compiled).get_template(
        "page.html")
    assert template.render() == "2" and entry.stat().st_mtime > NOW - 60


def test_a_compiled_template_that_cannot_be_kept_only_costs_time(tmp_path: Path) -> None:
    compiled = _CompiledTemplates(str(tmp_path / "gone"))
    templates = jinja2.DictLoader({"page.html": "{{ 1 + 1 }}"})
    environment = jinja2.Environment(loader=templates, bytecode_cache=compiled)
    assert environment.get_template("page.html").render() == "2"


def test_builds_prune_at_most_once_a_day(cache: Path) -> None:
    folder = usercache.user_cache("kind", "jinja2")
    usercache.write_record(folder / "first.json", 1)
    aged(folder / "first.json", 31)
    assert usercache.prune_when_due(now=NOW) == usercache.Pruned(1, 1)
    usercache.write_record(folder / "second.json", 2)
    aged(folder / "second.json", 31)
    assert usercache.prune_when_due(now=NOW + DAY / 2) is None
    assert (folder / "second.json").exists()
    assert usercache.prune_when_due(now=NOW + DAY + 1) == usercache.Pruned(1, 1)


def test_a_build_removes_what_an_older_version_left_in_the_user_cache(
        cache: Path, tmp_path: Path) -> None:
    old = cache / "layout-weasyprint-1.0"
    usercache.write_record(old / "edition.json", ["word"])
    aged(old / "edition.json", 90)
    aged(old, 90)
    build(copy_project(tmp_path / "project"), tmp_path / "out", formats=["html"],
          reports=["profile"], locales=["en"], jobs=1)
    assert not old.exists() and (cache / usercache.PRUNED).is_file()
    assert any(cache.glob("validated-*/*.passed"))  # what the build used stays


def test_cache_prune_older_than_zero_empties_the_cache_and_info_lists_its_folders(
        cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    usercache.write_blob(usercache.user_cache("sfnt", "jinja2"), "face", b"x" * 2048)
    usercache.write_record(usercache.user_cache("layout", "jinja2") / "a.json", 1)
    assert main(["cache", "info"]) == 0
    listed = capsys.readouterr().out
    assert f"{cache}: 2 folders, 2 entries, 2.0 KiB" in listed
    assert "sfnt-jinja2-" in listed and "layout-jinja2-" in listed
    assert main(["cache", "prune", "--older-than", "0"]) == 0
    assert "removed 2 entries (2.0 KiB) not used for 0 days" in capsys.readouterr().err
    assert not any(p.is_dir() for p in cache.iterdir())


@pytest.mark.parametrize("days", ["-3", "0.5", "nan", "inf", "x"])
def test_cache_prune_refuses_what_is_not_a_number_of_days_it_can_tell(
        days: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An entry is marked used at most once a day: less than a day since its last use
    cannot be told."""
    with pytest.raises(SystemExit) as exited:
        main(["cache", "prune", "--older-than", days])
    assert exited.value.code == 2
    assert f"{days!r} is not a number of days: 0 (every entry), or 1 or more" in \
        capsys.readouterr().err


def test_pruning_follows_no_link_out_of_the_cache(cache: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    aged(outside / "folder", 60)
    (outside / "file.json").write_text("1", encoding="utf-8")
    aged(outside / "file.json", 60)
    cache.mkdir(parents=True)
    (cache / "linked").symlink_to(outside)
    kind = usercache.user_cache("kind", "jinja2")
    kind.mkdir()
    (kind / "dangling.bin").symlink_to(tmp_path / "gone")
    os.utime(kind / "dangling.bin", (NOW - 60 * DAY,) * 2, follow_symlinks=False)
    assert main(["cache", "info"]) == 0
    assert "1 entry" in capsys.readouterr().out
    assert usercache.prune(now=NOW).entries == 1
    assert sorted(p.name for p in outside.iterdir()) == ["file.json", "folder"]
    assert not (kind / "dangling.bin").is_symlink()
