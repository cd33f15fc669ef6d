"""Quality gates: every edition passes checkers nobody here wrote, and each gate catches the
kind of problem it is there for (shown on small broken files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from conftest import ROOT, SHIPPED_FONT_STYLE, SessionBuild
from mgi_report.cli import main
from mgi_report.gates import GATES, GateResult, format_table, run_gates
from mgi_report.gates.pdf_bounds import Box, Margins, Word, page_margins, problems
from mgi_report.gates.pdf_file import fonts
from mgi_report.write import html_to_pdf


@pytest.fixture(scope="session")
def gate_results(built: SessionBuild) -> list[GateResult]:
    return run_gates(ROOT, built.out)


def rules(results: list[GateResult], gate: str) -> set[str]:
    return {finding.rule for r in results if r.gate == gate for finding in r.findings}


def messages(results: list[GateResult], gate: str) -> str:
    return "\n".join(line for r in results if r.gate == gate for line in r.lines())


def one_file(tmp_path: Path, name: str, data: bytes | str) -> Path:
    """A build folder holding one file as ``kaz/<name>``."""
    out = tmp_path / "out"
    (out / "kaz").mkdir(parents=True)
    path = out / "kaz" / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return out


# Every edition passes every gate.

@pytest.mark.parametrize("gate", list(GATES))
def test_every_edition_passes_the_gate(gate: str, gate_results: list[GateResult],
                                       built: SessionBuild) -> None:
    results = [r for r in gate_results if r.gate == gate]
    built_files = {o.path for o in built.result.outputs if o.format == GATES[gate].format}
    site_pages = {"index.html"} if GATES[gate].format == "html" else set()
    assert {r.path for r in results} == built_files | site_pages
    failures = [line for r in results if r.status != "pass" for line in r.lines()]
    assert not failures, "\n".join(failures)


def test_the_table_shows_every_edition_and_gate_and_the_tool_versions(
        gate_results: list[GateResult], built: SessionBuild) -> None:
    """The table shows each result as it is (whether each passes is the test above)."""
    table = format_table(gate_results).splitlines()
    assert table[0].split() == ["edition", *GATES]
    editions = sorted({o.edition for o in built.result.outputs} | {"index"})
    assert [line.split()[0] for line in table[1:1 + len(editions)]] == editions
    shown = {"pass": "pass", "fail": "FAIL", "error": "ERROR", "n/a": "n/a"}
    status = {(r.edition, r.gate): shown[r.status] for r in gate_results}
    for line in table[1:1 + len(editions)]:
        edition, *cells = line.split()
        assert cells == [status.get((edition, gate), "-") for gate in GATES], line
    text = "\n".join(table)
    bad = [r for r in gate_results if r.failed]
    assert (f"{len(bad)} failed" if bad else "all passed") in text
    for result in bad:
        assert result.lines()[0] in table
    for tool in ("Nu Html Checker", "axe-core", "Chromium", "qpdf", "pdffonts", "pypdf",
                 "pdftotext", "pdfua", "PDFium"):
        assert tool in text


# The command line.

def test_check_outputs_passes_a_good_build_and_fails_a_damaged_pdf(
        built: SessionBuild, gate_results: list[GateResult], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """The command line says of a built PDF what the gates say of it in the session build
    (all pass, once the print design passes ``typography``), and fails a damaged one."""
    out = one_file(tmp_path, "profile.en.pdf", (built.out / "kaz/profile.en.pdf").read_bytes())
    shown = {"pass": "pass", "fail": "FAIL"}
    expected = [shown[r.status] for r in gate_results if r.path == "kaz/profile.en.pdf"]
    assert len(expected) == len([g for g in GATES.values() if g.format == "pdf"])
    good = all(cell == "pass" for cell in expected)
    assert main(["check", "--root", str(ROOT), "--outputs", str(out), "--quiet"]) == (
        0 if good else 1)
    table = capsys.readouterr().out
    assert table.splitlines()[1].split() == ["kaz/profile.en", *expected]
    pdf = (built.out / "kaz/snapshot.en.pdf").read_bytes()
    offset = pdf.rindex(b"startxref")
    (out / "kaz/snapshot.en.pdf").write_bytes(pdf[:offset] + b"startxref\n999\n%%EOF\n")
    assert main(["check", "--root", str(ROOT), "--outputs", str(out), "--quiet"]) == 1
    table = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in table.splitlines()[1:3]}
    assert rows["kaz/profile.en"] == expected
    assert rows["kaz/snapshot.en"][0] == "FAIL"
    assert "kaz/snapshot.en pdf qpdf: FAIL" in table
    assert "[qpdf exit 2] WARNING: " in table and "file is damaged" in table


def test_check_outputs_without_a_build_is_a_usage_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "--root", str(ROOT), "--outputs", str(tmp_path / "missing")])
    assert status == 2
    assert "no such build folder" in capsys.readouterr().err


def test_gates_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    conformance = (ROOT / "docs/conformance.md").read_text(encoding="utf-8")
    assert "mgi-report check --outputs build" in readme
    for name in GATES:
        assert f"`{name}`" in conformance, name


# Each gate catches what it is for.

def test_html_validator_names_the_error_and_its_line(tmp_path: Path) -> None:
    out = one_file(tmp_path, "profile.en.html",
                   '<!DOCTYPE html>\n<html lang="en"><head><title>t</title></head>\n<body>\n'
                   '<p id="a">one</p><p id="a">two</p>\n<center>old</center></body></html>\n')
    results = run_gates(ROOT, out, ["html-valid"])
    assert results[0].status == "fail"
    text = messages(results, "html-valid")
    assert "Duplicate ID" in text and "line 4:" in text
    assert "center" in text


def test_browser_gates_catch_requests_overflow_and_accessibility_violations(
        tmp_path: Path) -> None:
    out = one_file(tmp_path, "profile.en.html",
                   '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
                   '<link rel="stylesheet" href="extra.css"></head><body>'
                   '<img src="https://example.com/logo.png">'
                   '<div style="width: 2000px">wide</div>'
                   '<p style="color: #ddd; background: #fff">faint</p></body></html>')
    results = run_gates(ROOT, out, ["axe", "self-contained"])
    assert {r.status for r in results} == {"fail"}
    assert {"axe html-has-lang", "axe image-alt", "axe color-contrast"} <= rules(results, "axe")
    contained = messages(results, "self-contained")
    assert "the page requested https://example.com/logo.png" in contained
    assert (out / "kaz/extra.css").as_uri() in contained
    assert "[horizontal scroll] 390px: the page is 20" in contained
    assert "sticking out: div" in contained


def test_fonts_gate_names_a_font_that_is_not_embedded(tmp_path: Path) -> None:
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    page = pdf.add_blank_page(page_size=(595, 842))
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET")
    path = tmp_path / "font.pdf"
    pdf.save(path)
    out = one_file(tmp_path, "snapshot.en.pdf", path.read_bytes())
    results = run_gates(ROOT, out, ["qpdf", "fonts-embedded"])
    assert [(r.gate, r.status) for r in results] == [("qpdf", "pass"), ("fonts-embedded", "fail")]
    assert "[font not embedded] font Helvetica" in messages(results, "fonts-embedded")


def test_pdffonts_output_is_read_by_column() -> None:
    output = (
        "name                                 type              encoding         emb sub uni "
        "object ID\n"
        "------------------------------------ ----------------- ---------------- --- --- --- "
        "---------\n"
        "HUHQIP+Noto-Sans                     CID TrueType      Identity-H       yes yes yes "
        "   124  0\n"
        "Helvetica                            Type 1            Custom           no  no  no  "
        "     7  0\n")
    rows = fonts(output)
    assert [(r["name"], r["emb"], r["object ID"]) for r in rows] == [
        ("HUHQIP+Noto-Sans", "yes", "124  0"), ("Helvetica", "no", "7  0")]


def test_text_gate_names_the_sentence_a_pdf_lacks_and_a_stale_build(
        built: SessionBuild, project_copy: Path, tmp_path: Path) -> None:
    path = project_copy / "content/en/kaz.yaml"
    text = path.read_text(encoding="utf-8")
    old = "Kazakhstan offers immigrants a favourable framework"
    assert old in text
    path.write_text(text.replace(old, "Kazakhstan offers everyone a splendid framework"),
                    encoding="utf-8")
    out = one_file(tmp_path, "snapshot.en.pdf", (built.out / "kaz/snapshot.en.pdf").read_bytes())
    shutil.copy(built.out / "manifest.json", out / "manifest.json")
    results = run_gates(project_copy, out, ["text"])
    assert results[0].status == "fail"
    key = "kaz.snapshot.findings.migrants-rights.well_developed.p3"
    assert rules(results, "text") == {"missing text (pypdf)", "missing text (pdftotext)",
                                      "stale build"}
    assert {f.where for f in results[0].findings} == {key}
    assert "splendid framework" in messages(results, "text")


def test_pdf_ua_gate_reports_language_alt_text_and_heading_order(
        built: SessionBuild, tmp_path: Path) -> None:
    with pikepdf.open(built.out / "kaz/profile.en.pdf") as pdf:
        del pdf.Root.Lang
        stack = [pdf.Root.StructTreeRoot]
        headings = []
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(reversed(list(node)))
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == pikepdf.Name.Figure:
                    del node.Alt
                if str(node.get("/S", "")).startswith("/H"):
                    headings.append(node)
                stack.append(node.get("/K", pikepdf.Array()))
        headings[1].S = pikepdf.Name.H3
        pdf.save(tmp_path / "broken.pdf")
    out = one_file(tmp_path, "profile.en.pdf", (tmp_path / "broken.pdf").read_bytes())
    results = run_gates(ROOT, out, ["pdf-ua"])
    assert results[0].status == "fail"
    assert {"UA-06-001", "UA-13-004", "heading order"} <= rules(results, "pdf-ua")
    assert "H3 follows H1 (Matterhorn 14-003)" in messages(results, "pdf-ua")


def test_pdf_ua_gate_does_not_apply_to_a_pdf_that_does_not_claim_pdf_ua(
        built: SessionBuild, tmp_path: Path) -> None:
    with pikepdf.open(built.out / "kaz/profile.en.pdf") as pdf:
        with pdf.open_metadata() as xmp:
            del xmp["pdfuaid:part"]
        pdf.save(tmp_path / "plain.pdf")
    out = one_file(tmp_path, "profile.en.pdf", (tmp_path / "plain.pdf").read_bytes())
    assert run_gates(ROOT, out, ["pdf-ua"])[0].status == "n/a"


def test_bounds_gate_finds_text_off_the_page_in_the_margins_and_overlapping(
        tmp_path: Path) -> None:
    css = tmp_path / "templates/css/page.css"
    css.parent.mkdir(parents=True)
    css.write_text("@page { size: A4; margin: 20mm }", encoding="utf-8")
    shutil.copytree(ROOT / "templates/fonts", tmp_path / "templates/fonts")
    html = (
        f'<html lang="en"><head><title>t</title>{SHIPPED_FONT_STYLE}<style>'
        '@page { size: A4; margin: 20mm; @top-center { content: "A\\A B\\A C\\A D\\A E\\A F";'
        ' white-space: pre; vertical-align: top; font-size: 14pt } }'
        "</style></head><body>"
        '<p style="position: absolute; left: 170mm; top: 40mm">Overflowing sheet</p>'
        '<p style="margin-left: -15mm">Marginal note</p>'
        '<p style="position: absolute; left: 30mm; top: 100mm">Overprinted</p>'
        '<p style="position: absolute; left: 32mm; top: 101mm">Collision</p>'
        "</body></html>")
    pdf = html_to_pdf(html, tmp_path / "templates", "pdf/ua-1", "bounds")
    out = one_file(tmp_path, "profile.en.pdf", pdf)
    results = run_gates(tmp_path, out, ["text-in-bounds"])
    assert results[0].status == "fail", results[0].lines()
    found = {(f.rule, f.message.split("”")[0].split("“")[-1]) for f in results[0].findings}
    assert {("outside page", "Overflowing"), ("in margin", "sheet"), ("in margin", "Marginal"),
            ("overlap", "Overprinted"), ("into body", "F")} <= found
    assert not any(word == "note" for _, word in found)


def test_page_margins_come_from_the_plain_page_rule(tmp_path: Path) -> None:
    css = tmp_path / "a.css"
    css.write_text("@page :first { margin: 0 }\n@media print { @page { margin: 22mm 20mm "
                   "24mm; size: A4 } }\n@page { margin-left: 1in }", encoding="utf-8")
    margins = page_margins([css], 595.0)
    assert margins is not None
    assert [round(v, 1) for v in (margins.top, margins.right, margins.bottom,
                                  margins.left)] == [62.4, 56.7, 68.0, 72.0]


def test_the_first_page_takes_the_margins_of_the_first_page_rule_over_the_plain_one(
        tmp_path: Path) -> None:
    css = tmp_path / "a.css"
    css.write_text("@page :first { margin-top: 10mm }\n@page cover { margin: 0 }\n"
                   "@page { margin: 20mm }", encoding="utf-8")
    first = page_margins([css], 595.0, first=True)
    assert first is not None
    assert [round(v, 1) for v in (first.top, first.right)] == [28.3, 56.7]


def test_margin_box_words_may_not_reach_the_body_and_unplaced_words_may_not_straddle() -> None:
    page, margins = Box(0, 0, 600, 800), Margins(50, 50, 50, 50)
    found = [Word("header", Box(60, 760, 100, 790), False),
             Word("lower-header", Box(60, 700, 100, 740), False),
             Word("figure", Box(60, 400, 100, 420), None),
             Word("footer", Box(300, 10, 340, 40), None),
             Word("straddling", Box(60, 30, 100, 60), None)]
    assert [(f.rule, f.message.split("“")[1].split("”")[0]) for f in
            problems(1, page, found, margins)] == [("into body", "lower-header"),
                                                   ("in margin", "straddling")]
