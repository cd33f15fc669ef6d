"""The same inputs give byte-identical editions, wherever the project folder lives."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SessionBuild, copy_project
from mgi_report import build


def test_a_copy_of_the_project_elsewhere_builds_byte_identical_editions(
        built: SessionBuild, tmp_path: Path) -> None:
    root = copy_project(tmp_path / "elsewhere")
    result = build(root, tmp_path / "out")
    assert len(result.outputs) == len(built.result.outputs) >= 4
    for record in built.result.outputs:
        original = (built.out / record.path).read_bytes()
        again = (tmp_path / "out" / record.path).read_bytes()
        assert original == again, record.path
    assert (built.out / "manifest.json").read_bytes() == \
        (tmp_path / "out/manifest.json").read_bytes()


def test_manifest_lists_each_edition_with_hashes_and_page_counts(built: SessionBuild) -> None:
    manifest = json.loads((built.out / "manifest.json").read_text(encoding="utf-8"))
    paths = {entry["path"]: entry for entry in manifest["outputs"]}
    assert {"kaz/snapshot.en.pdf", "kaz/snapshot.en.html", "kaz/profile.en.pdf",
            "kaz/profile.en.html"} <= set(paths)
    pdf = paths["kaz/snapshot.en.pdf"]
    assert pdf["pages"] >= 8
    assert len(pdf["sha256"]) == 64 and len(pdf["inputs_sha256"]) == 64
    assert pdf["inputs_sha256"] == paths["kaz/snapshot.en.html"]["inputs_sha256"]
    assert pdf["inputs_sha256"] != paths["kaz/profile.en.pdf"]["inputs_sha256"]
    assert "kaz.snapshot.introduction" in pdf["content"]


def test_pdf_identifier_is_derived_from_the_inputs(built: SessionBuild) -> None:
    pdf = (built.out / "kaz/snapshot.en.pdf").read_bytes()
    assert b"/ID [" in pdf
