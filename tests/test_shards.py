"""A portfolio split over machines: each builds a deterministic share of the editions, and
`manifest merge` gathers the shares into one build folder, the same as one machine's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from mgi_report.build import build, in_shard, load_project, select


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_the_shares_of_a_split_build_are_disjoint_and_cover_every_edition() -> None:
    specs = select(load_project(ROOT))
    for count in (1, 2, 3, 7):
        shares = [{s.name for s in specs if in_shard(s, index, count)}
                  for index in range(1, count + 1)]
        assert sum(len(share) for share in shares) == len(specs)
        assert set().union(*shares) == {s.name for s in specs}


def test_merged_shards_are_the_same_folder_as_one_build(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whole = tmp_path / "whole"
    build(ROOT, whole, formats=["html"])
    shards = []
    for index in (1, 2):
        shard = tmp_path / f"shard{index}"
        status, _ = run_cli(capsys, "build", "--root", str(ROOT), "--out", str(shard),
                            "--format", "html", "--shard", f"{index}/2")
        assert status == 0
        shards.append(shard)
    assert files(shards[0]).keys() != files(shards[1]).keys()
    merged = tmp_path / "merged"
    status, _ = run_cli(capsys, "manifest", "merge", "--out", str(merged),
                        *map(str, shards))
    assert status == 0
    assert files(merged) == files(whole)


def test_a_shard_whose_file_does_not_match_its_manifest_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shard = tmp_path / "shard"
    build(ROOT, shard, formats=["html"], reports=["profile"], locales=["en"])
    other = tmp_path / "other"
    shutil.copytree(shard, other)
    page = other / "kaz/profile.en.html"
    page.write_bytes(page.read_bytes() + b"\n")
    status, lines = run_cli(capsys, "manifest", "merge", "--out", str(tmp_path / "merged"),
                            str(shard), str(other))
    assert status == 2 and not (tmp_path / "merged").exists()
    assert lines == [f"{page}: missing, or not the file the manifest lists"]
    manifest = json.loads((other / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["outputs"][0]["path"] == "kaz/profile.en.html"


def test_make_build_passes_the_shard_of_one_machine_to_the_build() -> None:
    import subprocess

    shown = subprocess.run(["make", "-n", "-C", str(ROOT), "build",
                            'BUILD_OPTIONS=--shard 2/4', "STAMP=Makefile"],
                           capture_output=True, text=True, check=True).stdout
    assert "mgi-report build --out build --shard 2/4" in shown
