"""Fonts are input: a missing or broken shipped font, or wording no shipped font can draw,
is bad input naming where it is; no edition is ever set in a font of the building machine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SessionBuild
from mgi_report.cli import main
from mgi_report.fonts import machine_fonts, shipped_fonts
from mgi_report.paths import ProjectPaths

Edit = Callable[[str, str, str], Path]
ENGLISH_PDF = ("--report", "snapshot", "--locale", "en", "--format", "pdf")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    status = main(list(args))
    return status, capsys.readouterr().err.strip().splitlines()


def check_and_build(capsys: pytest.CaptureFixture[str], root: Path,
                    *extra: str) -> tuple[int, list[str], int, list[str]]:
    checked, check_err = run(capsys, "check", "--root", str(root))
    status, err = run(capsys, "build", "--root", str(root), "--out", str(root / "out"),
                      *(extra or ENGLISH_PDF))
    return checked, check_err, status, err


def test_every_edition_is_set_only_in_the_shipped_fonts(built: SessionBuild) -> None:
    shipped = shipped_fonts(ProjectPaths(Path(__file__).resolve().parents[1]))
    pdfs = sorted(built.out.rglob("*.pdf"))
    assert len(pdfs) == 6
    for pdf in pdfs:
        assert machine_fonts(pdf.read_bytes(), shipped) == [], pdf


def test_a_missing_font_file_is_bad_input_naming_the_font_face(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_copy / "templates/fonts/NotoSans-Bold.woff2").unlink()
    checked, check_err, status, err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    expected = ("templates/css/report.css:7: @font-face: font file "
                "'../fonts/NotoSans-Bold.woff2' not found")
    assert len(err) == 1 and err[0].startswith(expected), err
    assert check_err == err
    assert not (project_copy / "out").exists()


@pytest.mark.parametrize("damage", [b"", b"wOF2garbage" * 10, b"\0" * 5000])
def test_a_corrupt_font_file_is_bad_input_naming_the_font(
        project_copy: Path, capsys: pytest.CaptureFixture[str], damage: bytes) -> None:
    font = project_copy / "templates/fonts/NotoSans-Regular.woff2"
    font.write_bytes(damage or font.read_bytes()[:4000])
    checked, _, status, err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    assert len(err) == 1, err
    assert err[0].startswith("templates/fonts/NotoSans-Regular.woff2: not a font WeasyPrint "
                             "can use"), err
    assert not (project_copy / "out").exists()


def test_stylesheets_without_any_font_face_are_bad_input(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    css = project_copy / "templates/css/report.css"
    css.write_text(css.read_text(encoding="utf-8").replace("@font-face", "@font-face-off"),
                   encoding="utf-8")
    _, _, status, err = check_and_build(capsys, project_copy)
    assert status == 2
    assert err == ["templates/css: no @font-face in the stylesheets: every edition would be "
                   "set in a machine font"]


def test_a_character_no_shipped_font_has_names_file_line_key_and_character(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/de/kaz.yaml", "partner: The Economist Intelligence Unit",
         "partner: The Economist Intelligence Unit → 经济学人")
    checked, check_err, status, err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    assert err == check_err
    assert len(err) == 1, err
    assert err[0].startswith("content/de/kaz.yaml:10: partner: no shipped font has '→' "
                             "(U+2192 RIGHTWARDS ARROW), '经' (U+7ECF CJK UNIFIED IDEOGRAPH-7ECF), "
                             "'济' (U+6D4E CJK UNIFIED IDEOGRAPH-6D4E) and 2 more"), err
    assert not (project_copy / "out").exists()


def test_a_catalog_translation_no_shipped_font_can_draw_is_bad_input(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("locale/de/LC_MESSAGES/messages.po",
         'msgstr "Über die Indikatoren der Migrationspolitik"',
         'msgstr "Über die Indikatoren der Migrationspolitik ★"')
    _, _, status, err = check_and_build(capsys, project_copy)
    assert status == 2
    assert len(err) == 1 and err[0].startswith(
        "locale/de/LC_MESSAGES/messages.po:34: msgid 'About the Migration Governance "
        "Indicators': no shipped font has '★' (U+2605 BLACK STAR)"), err


def test_template_text_no_shipped_font_can_draw_is_bad_input(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("templates/sections/snapshot/sources.html.j2", '{{ _("Key sources") }}</h2>',
         '{{ _("Key sources") }} ⚑</h2>')
    _, _, status, err = check_and_build(capsys, project_copy)
    assert status == 2
    assert len(err) == 1 and err[0].startswith(
        "templates/sections/snapshot/sources.html.j2:2: no shipped font has '⚑'"), err


def test_a_font_family_the_project_does_not_ship_is_refused_after_layout(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    css = project_copy / "templates/css/report.css"
    css.write_text(css.read_text(encoding="utf-8")
                   + 'h2 { font-family: "DejaVu Sans", serif; }\n', encoding="utf-8")
    checked, _, status, err = check_and_build(capsys, project_copy)
    assert checked == 0
    assert status == 2
    assert len(err) == 1, err
    prefix = "kaz/snapshot.en.pdf: set in a font the project does not ship: "
    assert err[0].startswith(prefix), err
    assert "Noto" not in err[0][len(prefix):].split(" (")[0], err
    assert not (project_copy / "out").exists()
