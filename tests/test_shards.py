"""A portfolio split over machines: each builds a deterministic share of the editions, and
`manifest merge` gathers the shares into one build folder, the same as one machine's."""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_cli
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


@pytest.fixture(scope="module")
def shard_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Shares of the portfolio's web editions: 1/2, 2/2 and 1/3, and a build without
    --shard."""
    base = tmp_path_factory.mktemp("shards")
    edited = copy_project(base / "edited")
    bundle = edited / "content/en/kaz.yaml"
    bundle.write_text(bundle.read_text(encoding="utf-8").replace(
        "approximately 90 indicators", "about 90 indicators", 1), encoding="utf-8")
    folders = {}
    for name, root, shard, locales in (
            ("1of2", ROOT, (1, 2), None), ("2of2", ROOT, (2, 2), None),
            ("1of3", ROOT, (1, 3), None), ("whole", ROOT, None, None),
            ("2of2 English only", ROOT, (2, 2), ["en"]),
            ("2of2 of edited content", edited, (2, 2), None)):
        folders[name] = base / name
        build(root, folders[name], formats=["html"], shard=shard, locales=locales, jobs=1)
    folders["2of2 without its build"] = base / "2of2 without its build"
    shutil.copytree(folders["2of2"], folders["2of2 without its build"])
    manifest = folders["2of2 without its build"] / "manifest.json"
    document = json.loads(manifest.read_text(encoding="utf-8"))
    del document["shard"]["of"]
    manifest.write_text(json.dumps(document), encoding="utf-8")
    folders["2of2 in a folder with 1of2"] = base / "2of2 in a folder with 1of2"
    shutil.copytree(folders["1of2"], folders["2of2 in a folder with 1of2"])
    build(ROOT, folders["2of2 in a folder with 1of2"], formats=["html"], shard=(2, 2), jobs=1)
    return folders


@pytest.mark.parametrize(("given", "said"), [
    (["1of2"], "shard: shard 2 of 2 missing: the merge would not be the whole portfolio"),
    (["1of2", "1of2", "2of2"], "shard: shard 1/2 again (also "),
    (["1of2", "1of3"], "shard: shard 1/3, of another split than "),
    (["1of2", "2of2", "whole"], "shard: not a shard (built without --shard), merged with"),
    (["1of2", "2of2 English only"],
     "shard.of: a shard of another build (2 editions, html, pdf/ua-1) than "),
    (["1of2", "2of2 of edited content"],
     "not made from the project at "),
    (["1of2", "no such folder"], "manifest.json: no manifest: not a build folder"),
    (["1of2", "2of2 without its build"],
     "shard.of: does not record the build it is a share of: made by an earlier mgi-report"),
    (["1of2", "2of2 in a folder with 1of2"],
     "outputs: 3 files (kaz/profile.en.html, kaz/snapshot.ar.html, kaz/snapshot.ru.html) "
     "not of share 2/2 of the build it records: left by an earlier build into the folder?"),
])
def test_merge_refuses_shards_that_are_not_one_whole_portfolio_in_one_line(
        shard_folders: dict[str, Path], given: list[str], said: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    merged = tmp_path / "merged"
    status, lines = run_cli(capsys, "manifest", "merge", "--out", str(merged),
                            *(str(shard_folders.get(name, tmp_path / name)) for name in given))
    assert status == 2 and not merged.exists()
    assert len(lines) == 1 and said in lines[0], lines


def test_a_shard_records_its_share_and_the_merged_folder_none(
        shard_folders: dict[str, Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    manifest = json.loads((shard_folders["2of2"] / "manifest.json").read_text("utf-8"))
    assert manifest["shard"] == {"index": 2, "count": 2, "of": {
        "editions": [s.name for s in sorted(select(load_project(ROOT)), key=lambda s: s.name)],
        "formats": ["html"], "variant": "pdf/ua-1", "mark_fallback": False}}
    merged = tmp_path / "merged"
    status, _ = run_cli(capsys, "manifest", "merge", "--out", str(merged),
                        str(shard_folders["2of2"]), str(shard_folders["1of2"]))
    assert status == 0
    assert "shard" not in json.loads((merged / "manifest.json").read_text("utf-8"))


def test_a_merge_writes_its_manifest_once_with_the_site_pages_in_it(
        shard_folders: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        manifest_writes: list[str]) -> None:
    merged = tmp_path / "merged"
    status, _ = run_cli(capsys, "manifest", "merge", "--out", str(merged),
                        str(shard_folders["1of2"]), str(shard_folders["2of2"]))
    assert status == 0 and manifest_writes == ["manifest.json"]
    recorded = json.loads((merged / "manifest.json").read_text("utf-8"))
    assert "index.html" in recorded["site"]
    index = (merged / "index.html").read_text(encoding="utf-8")
    assert all(entry["path"] in index for entry in recorded["outputs"])


def test_the_readme_ci_matrix_builds_every_share_keeps_the_user_cache_and_merges() -> None:
    import yaml

    from mgi_report.usercache import user_cache

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = next(part.split("```", 1)[0] for part in readme.split("```yaml\n")[1:]
                 if "manifest merge" in part.split("```", 1)[0])
    jobs = yaml.safe_load(textwrap.dedent(block))["jobs"]
    shares = jobs["shard"]["strategy"]["matrix"]["shard"]
    steps = jobs["shard"]["steps"]
    build_step = next(step["run"] for step in steps if "make build" in step.get("run", ""))
    assert shares == list(range(1, len(shares) + 1))
    assert f"--shard ${{{{ matrix.shard }}}}/{len(shares)}" in build_step
    cache = next(step["with"] for step in steps if step.get("uses", "").startswith(
        "actions/cache@"))
    assert "XDG_CACHE_HOME" in os.environ or \
        user_cache("x").parent == Path.home() / ".cache/mgi-report"
    assert cache["path"] == "~/.cache/mgi-report" and "matrix.shard" in cache["key"]
    assert cache["key"].startswith(cache["restore-keys"])
    assert "manifest merge" in jobs["merge"]["steps"][-1]["run"]


def test_shards_whose_formats_were_named_in_another_order_merge(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shards = []
    for index, formats in ((1, "pdf,html"), (2, "html,pdf")):
        shards.append(tmp_path / f"shard{index}")
        status, _ = run_cli(capsys, "build", "--root", str(ROOT), "--out", str(shards[-1]),
                            "--format", formats, "--report", "profile", "--locale", "en,de",
                            "--shard", f"{index}/2")
        assert status == 0
    status, lines = run_cli(capsys, "manifest", "merge", "--out", str(tmp_path / "merged"),
                            *map(str, shards))
    assert status == 0, lines
