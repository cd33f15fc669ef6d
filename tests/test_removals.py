"""Removing wording in one language never strands another: what is left behind is a
warning (an error under --strict) until `i18n prune` removes it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mgi_report import build, load_project
from mgi_report.cli import main
from mgi_report.translate import export_po, prune_translations, translation_status

Edit = Callable[[str, str, str], Path]
DISCLAIMER = "kaz.snapshot.disclaimer.p1"


def drop_block(path: Path, header: str) -> None:
    """Remove the YAML line ``header`` and the lines indented under it."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(header + "\n")
    depth = len(header) - len(header.lstrip())
    end = start + 1
    while end < len(lines) and (not lines[end].strip()
                                or len(lines[end]) - len(lines[end].lstrip()) > depth):
        end += 1
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def english_removed(project_copy: Path) -> Path:
    """The English disclaimer deleted; German and Russian still translate it."""
    drop_block(project_copy / "content/en/kaz.yaml", "  disclaimer:")
    return project_copy


def test_a_translation_of_removed_english_is_a_warning_and_the_build_goes_on(
        english_removed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "build", "--root", str(english_removed), "--out",
                         str(tmp_path / "out"), "--locale", "de", "--report", "snapshot",
                         "--format", "html")
    assert status == 0, err
    warning = next(line for line in err.splitlines() if DISCLAIMER in line)
    assert warning.startswith("content/de/kaz.yaml:")
    assert "stale translation" in warning and "i18n prune --locale de" in warning
    assert "Die in diesem Bericht geäußerten Meinungen" not in \
        (tmp_path / "out/kaz/snapshot.de.html").read_text("utf-8")


def test_a_removed_translation_leaves_its_record_a_warning(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drop_block(project_copy / "content/de/kaz.yaml", "  disclaimer:")
    status, _out, err = run(capsys, "check", "--root", str(project_copy))
    assert status == 0, err
    assert any(line.startswith("content/de/translated_from.yaml:") and DISCLAIMER in line
               and "stale record" in line for line in err.splitlines()), err
    assert "de" in load_project(project_copy).bundles  # the German editions still build


@pytest.mark.parametrize("command", ["build", "check"])
def test_strict_refuses_what_removals_left_behind(
        english_removed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        command: str) -> None:
    extra = ["--out", str(tmp_path / "out")] if command == "build" else []
    status, _, err = run(capsys, command, "--root", str(english_removed), "--strict", *extra)
    assert status == 2
    assert any(line.startswith("content/de/kaz.yaml:") and DISCLAIMER in line
               for line in err.splitlines()), err
    assert not (tmp_path / "out").exists()


def test_prune_removes_stale_translations_and_records_and_nothing_else(
        english_removed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = load_project(english_removed)
    german = english_removed / "content/de/kaz.yaml"
    comments = [line for line in german.read_text("utf-8").splitlines()
                if line.lstrip().startswith("#")]
    status, out, _ = run(capsys, "i18n", "prune", "--root", str(english_removed),
                         "--locale", "de")
    assert status == 0
    assert f"{DISCLAIMER}: removed" in out
    assert "de: removed 1 stale translations and 1 stale records" in out
    after = load_project(english_removed)
    assert after.warnings.get("de", ()) == ()
    kept = {key: entry.value for key, entry in before.bundles["de"].entries.items()
            if key != DISCLAIMER}
    assert {key: entry.value for key, entry in after.bundles["de"].entries.items()} == kept
    assert DISCLAIMER not in after.bundles["de"].translated_from
    assert len(after.bundles["de"].translated_from) == len(before.bundles["de"].translated_from) - 1
    assert [line for line in german.read_text("utf-8").splitlines()
            if line.lstrip().startswith("#")] == comments
    assert after.bundles["ru"] == before.bundles["ru"]  # only the locale asked for


def test_prune_dry_run_lists_and_changes_nothing(
        english_removed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = english_removed / "content/de"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    result = prune_translations(english_removed, "de", dry_run=True)
    assert [key for key, _ in result.translations] == [DISCLAIMER]
    assert result.records == (DISCLAIMER,)
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


def test_a_file_left_empty_by_prune_is_removed(project_copy: Path, edit: Edit) -> None:
    (project_copy / "content/de/kaz.yaml").write_text(
        "# only a footnote the source no longer has\nsnapshot:\n  footnotes:\n"
        "    gone: Nicht mehr da.\n", encoding="utf-8")
    result = prune_translations(project_copy, "de")
    assert not (project_copy / "content/de/kaz.yaml").exists()
    assert result.removed == (project_copy.resolve() / "content/de/kaz.yaml",)
    assert load_project(project_copy).warnings == {}


def test_confirm_passes_over_stale_translations(english_removed: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = run(capsys, "i18n", "confirm", "--root", str(english_removed),
                           "--locale", "de")
    assert status == 0, err


def test_a_po_exported_before_a_removal_still_imports(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    po = tmp_path / "de.po"
    po.write_bytes(export_po(load_project(project_copy), "de"))
    drop_block(project_copy / "content/en/kaz.yaml", "  disclaimer:")
    status, _out, err = run(capsys, "i18n", "import", "--root", str(project_copy), str(po))
    assert status == 0, err
    assert any(DISCLAIMER in line and "skipped" in line for line in err.splitlines()), err


def test_status_names_stale_keys(english_removed: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "i18n", "status", "--root", str(english_removed), "-v")
    assert status == 0
    assert f"de stale: {DISCLAIMER}" in out.splitlines()
    assert "i18n prune --locale de" in out
    run(capsys, "i18n", "status", "--root", str(english_removed), "--json")
    status, out, _ = run(capsys, "i18n", "status", "--root", str(english_removed), "--json")
    german = next(s for s in json.loads(out) if s["locale"] == "de")
    assert german["stale_keys"] == [DISCLAIMER]


def warnings_of(capsys: pytest.CaptureFixture[str], root: Path) -> list[str]:
    status, _, err = run(capsys, "check", "--root", str(root))
    assert status == 0, err
    return [line for line in err.splitlines() if not line.startswith("content OK")]


def test_moving_a_footnote_call_to_another_english_paragraph_withholds_the_old_translations(
        project_copy: Path, edit: Edit, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Each paragraph must keep its source's footnote calls; when the English moves one,
    the translations made before keep the old place: they are shown in English (outdated,
    withheld) until translated again, and nothing stops the build."""
    edit("content/en/kaz.yaml", "Indicators (MGI)[^mgi] were", "Indicators (MGI) were")
    edit("content/en/kaz.yaml", "The MGI is a tool based on policy inputs",
         "The MGI[^mgi] is a tool based on policy inputs")
    lines = warnings_of(capsys, project_copy)
    for locale in ("de", "ru"):
        for paragraph in ("p1", "p2"):
            assert any(line.startswith(f"content/{locale}/kaz.yaml:")
                       and f"kaz.snapshot.introduction.{paragraph}: outdated translation "
                           "withheld" in line for line in lines), lines
    build(project_copy, tmp_path / "out", locales=["de"], reports=["snapshot"],
          formats=["html"])
    html = (tmp_path / "out/kaz/snapshot.de.html").read_text(encoding="utf-8")
    assert '<p lang="en">The MGI<a class="footnote-ref"' in html
    (german,) = translation_status(load_project(project_copy), ["de"])
    assert set(german.outdated_keys) == {"kaz.snapshot.introduction.p1",
                                         "kaz.snapshot.introduction.p2"}


def test_a_translation_that_drops_its_source_s_footnote_call_is_still_an_error(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/de/kaz.yaml", "(MGI)[^mgi]", "(MGI)")
    status, _, err = run(capsys, "check", "--root", str(project_copy))
    assert status == 2 and "p1: translation lacks [^mgi]" in err


def test_removing_an_english_footnote_leaves_every_language_buildable(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/en/kaz.yaml", "Indicators (MGI)[^mgi] were", "Indicators (MGI) were")
    drop_block(project_copy / "content/en/kaz.yaml", "  footnotes:")
    lines = warnings_of(capsys, project_copy)
    assert any("kaz.snapshot.footnotes.mgi: stale translation" in line for line in lines)
    assert any("kaz.snapshot.introduction.p1: outdated translation withheld" in line
               for line in lines)
    assert main(["i18n", "prune", "--root", str(project_copy), "--locale", "de"]) == 0


def test_removing_a_domain_from_the_structure_leaves_its_translations_stale(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/structure.yaml", "  - crises\n", "")
    drop_block(project_copy / "content/en/domains.yaml", "crises:")
    drop_block(project_copy / "content/en/kaz.yaml", "    crises:")
    drop_block(project_copy / "content/en/kaz.yaml", "    crises:")
    lines = warnings_of(capsys, project_copy)
    assert any(line.startswith("content/de/domains.yaml:") and
               "domains.crises.name: stale translation" in line for line in lines), lines
    assert not any("unknown domain" in line for line in lines)


def test_a_strict_build_refuses_only_what_the_locales_it_builds_left_behind(
        english_removed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "build", "--root", str(english_removed), "--strict",
                         "--locale", "en", "--format", "html", "--out", str(tmp_path / "out"))
    assert status == 0, err


def test_prune_keeps_the_comment_that_introduces_what_follows_the_removed_passage(
        project_copy: Path) -> None:
    german = project_copy / "content/de/kaz.yaml"
    text = german.read_text(encoding="utf-8")
    text = text.replace("    p3: >-\n      Diese Länder", "    # about p3\n    p3: >-\n"
                        "      Diese Länder", 1)
    german.write_text(text.replace("  footnotes:\n", "  # about the footnotes\n  footnotes:\n",
                                   1), encoding="utf-8")
    english = project_copy / "content/en/kaz.yaml"
    text = english.read_text(encoding="utf-8")
    start = text.index("    p3: >-\n      This country snapshot")
    english.write_text(text[:start] + text[text.index("  footnotes:", start):],
                       encoding="utf-8")
    result = prune_translations(project_copy, "de")
    assert [key for key, _ in result.translations] == ["kaz.snapshot.introduction.p3"]
    after = german.read_text(encoding="utf-8")
    assert "# about p3" not in after
    assert "  # about the footnotes\n  footnotes:\n" in after
