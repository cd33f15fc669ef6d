"""The HTML editions are lean: only the faces a page is set in, each cut to the characters the
page can show, and still drawn by a browser in nothing but their own fonts."""

from __future__ import annotations

import base64
import re
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT, SessionBuild
from mgi_report.gates import run_gates
from mgi_report.webfonts import lean_html

FONTS = ROOT / "templates" / "fonts"
FACES = {("normal", 400): "Regular", ("normal", 700): "Bold", ("italic", 400): "Italic",
         ("italic", 700): "BoldItalic"}
FACE_RULE = re.compile(r"@font-face\s*\{[^}]*font-style:\s*(\w+);\s*font-weight:\s*(\d+);"
                       r"[^}]*base64,([A-Za-z0-9+/=]+)")
MAX_HTML_BYTES = 150_000


def page(body: str, style: str = "") -> str:
    """A page declaring the four shipped faces, embedded as the renderer embeds them."""
    faces = "\n".join(
        f'@font-face {{ font-family: "Noto Sans"; font-style: {slant}; font-weight: {weight};'
        f' src: url("data:font/woff2;base64,'
        f'{base64.b64encode((FONTS / f"NotoSans-{name}.woff2").read_bytes()).decode()}")'
        f' format("woff2"); }}'
        for (slant, weight), name in FACES.items())
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
            f'<style>\n{faces}\nbody {{ font-family: "Noto Sans", sans-serif }}\n{style}'
            f'</style></head><body>{body}</body></html>')


def embedded(html: str) -> dict[tuple[str, int], set[str]]:
    """The faces a page embeds, each with the characters its font maps."""
    faces = {}
    for slant, weight, data in FACE_RULE.findall(html):
        font = TTFont(BytesIO(base64.b64decode(data)))
        faces[(slant, int(weight))] = {chr(code) for code in font.getBestCmap()}
    return faces


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_a_page_keeps_only_the_faces_its_visible_text_is_set_in() -> None:
    lean = lean_html(page("<h1>Title</h1><p>Plain <strong>strong</strong> text.</p>"
                          '<p hidden><em>hidden emphasis</em></p><div style="display: none">'
                          "<i><b>gone</b></i></div>"))
    assert set(embedded(lean)) == {("normal", 400), ("normal", 700)}


def test_emphasis_inside_a_heading_keeps_the_bold_italic_face() -> None:
    lean = lean_html(page("<h2>Ratified <em>conventions</em></h2>"))
    assert set(embedded(lean)) == {("normal", 700), ("italic", 700)}


def test_a_face_used_only_on_wide_screens_is_kept_and_one_used_only_in_print_is_not() -> None:
    lean = lean_html(page("<p>text</p><h2>head</h2>",
                          "@media screen { @media (min-width: 64rem) { p { font-style: italic }"
                          " } } @media print { h2 { font-style: italic } }"))
    assert set(embedded(lean)) == {("normal", 400), ("italic", 400), ("normal", 700)}


@pytest.mark.parametrize("rule", [
    "p::first-line { font-style: italic }", "p::first-letter { font-style: italic }",
    "p:hover { font-style: italic }", "a:focus-visible { font-style: italic }"])
def test_a_face_used_only_by_part_of_a_line_or_in_a_state_the_reader_causes_is_kept(
        rule: str) -> None:
    lean = lean_html(page('<p>text <a href="#">link</a></p>', rule))
    assert ("italic", 400) in embedded(lean)


def test_a_quotation_keeps_the_quotation_marks_a_browser_draws_for_it() -> None:
    lean = lean_html(page('<p lang="de"><q>x <q>y</q></q></p>'))
    assert set("„“‚‘«»") <= embedded(lean)[("normal", 400)]


def test_each_face_keeps_the_characters_of_the_page_and_no_others() -> None:
    lean = lean_html(page("<p>Kazakhstan — Казахстан, <b>2018</b></p>"))
    regular = embedded(lean)[("normal", 400)]
    assert set("Kazakhstan — Казахстан, 2018") <= regular
    assert not {"Q", "x", "Ж", "§"} & regular


def test_a_case_changing_style_keeps_every_case_of_its_text() -> None:
    lean = lean_html(page('<p class="series">migration governance</p>',
                          ".series { text-transform: uppercase }"))
    assert set("MIGRATION GOVERNANCE") <= embedded(lean)[("normal", 400)]


def test_generated_content_keeps_its_characters() -> None:
    lean = lean_html(page('<p class="note">see</p>', '.note::after { content: " ¶ §" }'))
    assert {"¶", "§"} <= embedded(lean)[("normal", 400)]


def test_leaning_is_deterministic_with_or_without_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = page("<p>Same <em>bytes</em> every time</p>")
    first = lean_html(html)
    assert lean_html(html) == first
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-cache"))
    assert lean_html(html) == first


def test_the_rest_of_the_page_is_left_as_it_was_escapes_included() -> None:
    rules = ('p { color: #123456 } /* a comment */ @media print { p { color: black } }\n'
             'p::after { content: "\\3c /style\\3e \\3c b\\3e " }')
    html = page("<p>text</p>", rules)
    lean = lean_html(html)
    assert lean[lean.index("</style>"):] == html[html.index("</style>"):]
    assert rules in lean
    assert lean.count("</style>") == 1


def test_every_html_edition_is_lean(built: SessionBuild) -> None:
    for output in built.result.outputs:
        if output.format != "html":
            continue
        html = (built.out / output.path).read_text(encoding="utf-8")
        assert output.bytes <= MAX_HTML_BYTES, (output.path, output.bytes)
        faces = embedded(html)
        assert ("italic", 700) not in faces, output.path
        assert ("normal", 400) in faces and ("normal", 700) in faces, output.path


def test_the_browser_gate_names_text_in_a_machine_font_and_a_synthesized_face(
        tmp_path: Path) -> None:
    html = lean_html(page("<p>abc</p>"))
    html = html.replace("<p>abc</p>", "<p>abc Ω</p><p><b>bold</b></p>")
    out = tmp_path / "out" / "kaz"
    out.mkdir(parents=True)
    (out / "profile.en.html").write_text(html, encoding="utf-8")
    results = run_gates(ROOT, out.parent, ["self-contained"])
    findings = {(f.rule, f.message) for r in results for f in r.findings}
    assert ("synthesized", "Noto Sans normal 700: 'bold'") in findings
    assert any(rule == "machine font" and message.endswith("'abc Ω'")
               for rule, message in findings), findings
