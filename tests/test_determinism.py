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
    assert "kaz.snapshot.introduction.p1" in pdf["content"]


def test_pdf_identifier_is_derived_from_the_inputs(built: SessionBuild) -> None:
    pdf = (built.out / "kaz/snapshot.en.pdf").read_bytes()
    assert b"/ID [" in pdf


def test_a_word_another_locale_keeps_whole_changes_the_inputs_hash(tmp_path: Path) -> None:
    """The English snapshot quotes Russian titles: words Russian never hyphenates are set
    whole in it, so they are among its inputs."""
    from mgi_report.build import inputs_hash, load_project
    from mgi_report.merge import merge
    from mgi_report.model import EditionSpec

    root = copy_project(tmp_path / "project")
    spec = EditionSpec("kaz", "snapshot", "en")
    project = load_project(root)
    before = inputs_hash(project, merge(project, spec), "pdf/ua-1", ["report.html.j2"])
    settings = root / "content/ru/locale.yaml"
    text = settings.read_text(encoding="utf-8")
    assert "  - Будапешт\n" in text
    settings.write_text(text.replace("  - Будапешт\n", "  - Будапешт\n  - Стратегия\n"),
                        encoding="utf-8")
    project = load_project(root)
    assert inputs_hash(project, merge(project, spec), "pdf/ua-1", ["report.html.j2"]) != before
