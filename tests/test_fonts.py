"""Fonts are input: a missing or broken shipped font, or wording no shipped font can draw,
is bad input naming where it is; no edition is ever set in a font of the building machine."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, SessionBuild, run_cli
from mgi_report.fonts import foreign_fonts, machine_fonts, shipped_fonts
from mgi_report.paths import ProjectPaths

Edit = Callable[[str, str, str], Path]
ENGLISH_PDF = ("--report", "snapshot", "--locale", "en", "--format", "pdf")


def check_and_build(capsys: pytest.CaptureFixture[str], root: Path,
                    *extra: str) -> tuple[int, list[str], int, list[str]]:
    checked, check_err = run_cli(capsys, "check", "--root", str(root))
    status, err = run_cli(capsys, "build", "--root", str(root), "--out", str(root / "out"),
                      *(extra or ENGLISH_PDF))
    return checked, check_err, status, err


def test_every_edition_is_set_only_in_the_shipped_fonts(built: SessionBuild) -> None:
    shipped = shipped_fonts(ProjectPaths(Path(__file__).resolve().parents[1]))
    pdfs = sorted(built.out.rglob("*.pdf"))
    assert len(pdfs) == 8
    for pdf in pdfs:
        assert machine_fonts(PdfReader(pdf), shipped) == [], pdf


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


@pytest.mark.parametrize("cores", [1, 2])
def test_every_font_problem_is_reported_however_many_cores_the_machine_has(
        project_copy: Path, monkeypatch: pytest.MonkeyPatch, cores: int) -> None:
    """A first build works the faces out in parallel where it can: a font it cannot read
    does not hide the other problems."""
    import os

    from mgi_report.errors import InputError

    big = project_copy / "templates/fonts/NotoSans-Bold.woff2"
    big.write_bytes(big.read_bytes() + bytes(17 * 2**20))
    css = project_copy / "templates/css/report.css"
    css.write_text(css.read_text(encoding="utf-8").replace(
        "NotoSans-Italic.woff2", "Missing.woff2"), encoding="utf-8")
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    with pytest.raises(InputError) as raised:
        shipped_fonts(ProjectPaths(project_copy))
    found = [str(problem) for problem in raised.value.problems]
    assert len(found) == 2, found
    assert any("Missing.woff2" in line for line in found), found
    assert any(line.startswith("templates/fonts/NotoSans-Bold.woff2:") for line in found)


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
    catalog = edit("locale/de/LC_MESSAGES/messages.po",
                   'msgstr "Über die Indikatoren der Migrationspolitik"',
                   'msgstr "Über die Indikatoren der Migrationspolitik ★"')
    line = line_of(catalog, 'msgid "About the Migration Governance Indicators"')
    _, _, status, err = check_and_build(capsys, project_copy)
    assert status == 2
    assert len(err) == 1 and err[0].startswith(
        f"locale/de/LC_MESSAGES/messages.po:{line}: msgid 'About the Migration Governance "
        "Indicators': no shipped font has '★' (U+2605 BLACK STAR)"), err


def test_template_text_no_shipped_font_can_draw_is_bad_input(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    template = edit("templates/sections/snapshot/sources.html.j2",
                    '{{ _("Key sources") }}</h2>', '{{ _("Key sources") }} ⚑</h2>')
    line = line_of(template, "⚑")
    _, _, status, err = check_and_build(capsys, project_copy)
    assert status == 2
    assert len(err) == 1 and err[0].startswith(
        f"templates/sections/snapshot/sources.html.j2:{line}: no shipped font has '⚑'"), err


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of ``path`` holding ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def test_a_font_family_the_project_does_not_ship_is_bad_input_at_its_line(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    css = project_copy / "templates/css/report.css"
    lines = css.read_text(encoding="utf-8").count("\n")
    css.write_text(css.read_text(encoding="utf-8")
                   + 'h2 { font-family: "DejaVu Sans", serif; }\n', encoding="utf-8")
    checked, check_err, status, err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    assert err == check_err == [
        f"templates/css/report.css:{lines + 1}: font-family: 'DejaVu Sans' has no @font-face "
        "under templates/css/ (shipped: Noto Sans, Noto Sans Arabic)"]
    assert not (project_copy / "out").exists()


def test_a_machine_font_with_the_shipped_family_name_changes_nothing(
        built: SessionBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A font installed on the machine under the shipped family's name (here a bold face
    that claims to be Noto Sans Regular) is never used: the build is byte-identical."""
    from fontTools.ttLib import TTFont

    from mgi_report import build

    impostor = TTFont(ROOT / "templates/fonts/NotoSans-Bold.woff2")
    impostor.flavor = None
    for record in impostor["name"].names:
        if record.nameID in (2, 17):
            record.string = "Regular"
    impostor["OS/2"].usWeightClass = 400
    (tmp_path / "fonts").mkdir()
    impostor.save(tmp_path / "fonts/Impostor.ttf")
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{tmp_path / "fonts"}</dir>'
                      f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>',
                      encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    build(ROOT, tmp_path / "out", reports=["snapshot"], locales=["en"], formats=["pdf"])
    assert (tmp_path / "out/kaz/snapshot.en.pdf").read_bytes() == \
        (built.out / "kaz/snapshot.en.pdf").read_bytes()


@pytest.mark.parametrize(("where", "written"), [
    ("content/en/kaz.yaml", "&rarr;"),
    ("content/en/kaz.yaml", "\u0e01"),
    ("templates/sections/cover.html.j2", "&#x7D4C;"),
    ("templates/css/report.css", '\\7D4C'),
])
def test_a_character_written_as_an_escape_or_drawn_as_a_box_is_found(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], where: str,
        written: str) -> None:
    if where.endswith(".yaml"):
        edit(where, "partner: The Economist Intelligence Unit",
             f'partner: "The Economist {written} Intelligence Unit"')
    elif where.endswith(".j2"):
        edit(where, "</h1>", f"{written}</h1>")
    else:
        path = project_copy / where
        path.write_text(path.read_text(encoding="utf-8")
                        + f'.cover h1::after {{ content: "{written}"; }}\n', encoding="utf-8")
    checked, check_err, status, _err = check_and_build(capsys, project_copy, "--format", "html")
    assert (checked, status) == (2, 2)
    assert len(check_err) == 1 and check_err[0].startswith(where + ":"), check_err
    assert "no shipped font has" in check_err[0]


@pytest.mark.parametrize("declaration", [
    'src: local("DejaVu Sans Bold"), url(../fonts/NotoSans-Bold.woff2);',
    "src: url(../fonts/missing.woff2);",
])
def test_font_faces_anywhere_in_a_stylesheet_are_checked(
        project_copy: Path, capsys: pytest.CaptureFixture[str], declaration: str) -> None:
    css = project_copy / "templates/css/report.css"
    lines = css.read_text(encoding="utf-8").count("\n")
    css.write_text(css.read_text(encoding="utf-8") + '@media print { @font-face {\n'
                   f'  font-family: "Noto Sans"; font-weight: 700; {declaration} }} }}\n',
                   encoding="utf-8")
    checked, check_err, status, _err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    assert len(check_err) == 1, check_err
    assert check_err[0].startswith(f"templates/css/report.css:{lines + 2}: @font-face:")


def test_a_font_face_in_a_template_is_bad_input(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("templates/report.html.j2", "<title>",
         '<style>@font-face { font-family: "Noto Sans"; src: url(fonts/x.woff2) }</style><title>')
    checked, check_err, _, _ = check_and_build(capsys, project_copy)
    assert checked == 2
    assert len(check_err) == 1 and check_err[0].startswith("templates/report.html.j2:")


def test_a_font_whose_outlines_do_not_decode_is_bad_input(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fontTools.ttLib import TTFont

    fonts = project_copy / "templates/fonts"
    font = TTFont(fonts / "NotoSans-Regular.woff2")
    font.flavor = None
    font.save(fonts / "plain.ttf")
    data = bytearray((fonts / "plain.ttf").read_bytes())
    glyf = TTFont(fonts / "plain.ttf").reader.tables["glyf"]
    data[glyf.offset:glyf.offset + glyf.length] = b"\xff" * glyf.length
    (fonts / "NotoSans-Regular.woff2").write_bytes(bytes(data))
    checked, _check_err, status, err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    assert len(err) == 1 and err[0].startswith(
        "templates/fonts/NotoSans-Regular.woff2: not a font WeasyPrint can use"), err


def test_a_locale_whose_own_name_needs_another_script_names_its_folder(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_copy / "content/ka").mkdir()
    (project_copy / "content/ka/kaz.yaml").write_text("country: Kazakhstan\n", encoding="utf-8")
    catalog = project_copy / "locale/ka/LC_MESSAGES/messages.po"
    catalog.parent.mkdir(parents=True)
    english = (project_copy / "locale/en/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    catalog.write_text(english.replace('"Language: en\\n"', '"Language: ka\\n"'),
                       encoding="utf-8")
    checked, check_err, status, err = check_and_build(capsys, project_copy)
    assert (checked, status) == (2, 2)
    assert err == check_err
    assert len(err) == 1 and err[0].startswith(
        "content/ka: language name: no shipped font has 'ქ' (U+10E5 GEORGIAN LETTER KHAR)"), err


def test_a_stylesheet_that_imports_another_is_bad_input(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    css = project_copy / "templates/css/report.css"
    css.write_text('@import url("paged.css");\n' + css.read_text(encoding="utf-8"),
                   encoding="utf-8")
    checked, check_err, _, _ = check_and_build(capsys, project_copy)
    assert checked == 2
    assert len(check_err) == 1 and check_err[0].startswith(
        "templates/css/report.css:1: @import: a stylesheet must hold its rules itself"), check_err


def test_a_pdf_embedding_a_family_the_project_does_not_ship_is_found(tmp_path: Path) -> None:
    """The last net behind the checks above: a PDF set in any other family is named, from
    the PDF or, as a build does, from the layout that wrote it."""
    from fontTools.ttLib import TTFont

    from conftest import SHIPPED_FONT_STYLE
    from mgi_report.write import lay_out

    impostor = TTFont(ROOT / "templates/fonts/NotoSans-Bold.woff2")
    for record in impostor["name"].names:
        if record.nameID in (1, 16):
            record.string = "Impostor Sans"
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts/NotoSans-Regular.woff2").write_bytes(
        (ROOT / "templates/fonts/NotoSans-Regular.woff2").read_bytes())
    impostor.save(tmp_path / "fonts/impostor.woff2")
    html = (f'<html lang="en"><head><title>t</title>{SHIPPED_FONT_STYLE}<style>@font-face '
            '{ font-family: "Impostor Sans"; src: url(fonts/impostor.woff2) } '
            'b { font-family: "Impostor Sans" }</style></head>'
            "<body><p>shipped <b>impostor</b></p></body></html>")
    laid = lay_out(html, tmp_path, "plain", "test")
    pdf = laid.pdf()
    shipped = shipped_fonts(ProjectPaths(ROOT))
    assert machine_fonts(PdfReader(BytesIO(pdf)), shipped) == ["Impostor-Sans-Bold"]
    assert foreign_fonts(laid.font_names(), shipped) == ["Impostor-Sans-Bold"]
