"""The ``typography`` gate: each rule shown on a small PDF that breaks it and one that keeps
it, laid out by the project's own PDF writer (WeasyPrint) with the shipped font."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from conftest import SHIPPED_FONT_STYLE, copy_project
from mgi_report.build import build, load_project
from mgi_report.gates import Finding, run_gates
from mgi_report.gates.model import Target
from mgi_report.gates.pdf_bounds import Box
from mgi_report.gates.typography import (
    Document,
    Glyph,
    Line,
    Page,
    breaks,
    compounds,
    edition_words,
    exempt_pages,
    hyphenation_findings,
    load,
)
from mgi_report.write import html_to_pdf

#: The body area of every small PDF here: the margins of the project copy's only stylesheet.
PAGE_CSS = "@page { size: A4; margin: 20mm }"
H = "\u2010"  # the hyphen WeasyPrint draws where it hyphenates
ADDRESS = "http://adilet.zan.kz/eng/docs/Z070000319"  # a source of content/countries/kaz.yaml
TEXT = ("The country offers a coherent legal framework for migration, based on the law on "
        "migration adopted in the year two thousand and eleven. The framework regulates "
        "inward migration, defines categories of migrants and lays out specific procedures "
        "for those who come to live and work here. ")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's content and fonts, with one stylesheet giving the page margins."""
    project = copy_project(tmp_path_factory.mktemp("typography") / "project")
    shutil.rmtree(project / "templates" / "css")
    (project / "templates" / "css").mkdir()
    (project / "templates" / "css" / "page.css").write_text(PAGE_CSS, encoding="utf-8")
    return project


def layout(root: Path, body: str, style: str = "") -> bytes:
    html = (f'<html lang="en"><head><title>t</title>{SHIPPED_FONT_STYLE}<style>{PAGE_CSS} '
            f"body {{ font-size: 10pt; line-height: 1.5 }} p {{ margin: 0 0 1em }} "
            f".narrow {{ width: 1mm; hyphens: manual }} {style}</style></head>"
            f"<body>{body}</body></html>")
    return html_to_pdf(html, root / "templates", "pdf/ua-1", "typography")


def gate(root: Path, tmp_path: Path, pdf: bytes) -> list[Finding]:
    """The gate's findings on ``pdf`` built as the English snapshot of Kazakhstan."""
    out = tmp_path / "out"
    (out / "kaz").mkdir(parents=True, exist_ok=True)
    (out / "kaz" / "snapshot.en.pdf").write_bytes(pdf)
    results = run_gates(root, out, ["typography"])
    assert [(r.gate, r.edition) for r in results] == [("typography", "kaz/snapshot.en")]
    assert results[0].status == ("fail" if results[0].findings else "pass"), results[0].note
    return list(results[0].findings)


def of(found: list[Finding], rule: str) -> list[str]:
    return [f"{f.where}: {f.message}" for f in found if f.rule == rule]


COVER = '<h1>Cover</h1><p style="break-after: page">The report</p>'


def pages(*bodies: str) -> str:
    """Pages after the cover, each opening with a section heading."""
    return COVER + "".join(f'<section style="break-before: page">{b}</section>'
                           for b in bodies)


# Rule 1: running heads.

HEADS = ("@page {{ @top-left {{ content: 'Migration Governance Snapshot'; {left} }} "
         "@top-right {{ content: {right}; text-align: right; {right_style} }} }} "
         "@page :first {{ @top-left {{ content: none }} @top-right {{ content: none }} }} "
         "@page {{ @top-left {{ font-size: 8pt; vertical-align: bottom }} "
         "@top-right {{ font-size: 8pt; vertical-align: bottom }} }}")


def heads_style(right: str = "'Alpha'", left: str = "", right_style: str = "") -> str:
    return HEADS.format(right=right, left=left, right_style=right_style)


def test_a_running_head_that_wraps_runs_together_or_names_another_section_is_found(
        root: Path, tmp_path: Path) -> None:
    body = pages("<h2>Alpha</h2><p>One.</p>" + f"<p>{TEXT * 6}</p>")
    wrapping = layout(root, body, heads_style(
        "'Alpha, a section whose running label is far too long to fit on one line'",
        right_style="width: 60mm"))
    found = of(gate(root, tmp_path, wrapping), "running head")
    assert any("page 2: the head wraps to 3 lines" in f and "Alpha, a section" in f
               for f in found), found
    flush = "width: 90mm; box-sizing: border-box; text-align: left; padding-left: "
    together = layout(root, body, heads_style(left="width: 80mm; text-align: right",
                                              right_style=flush + "4pt"))
    found = of(gate(root, tmp_path, together), "running head")
    assert any("page 2: the head's parts are 4.0 pt apart, less than 1 em (8.0 pt): "
               "“Migration Governance Snapshot” | “Alpha”" in f for f in found), found
    touching = layout(root, body, heads_style(left="width: 80mm; text-align: right",
                                              right_style=flush + "0"))
    found = of(gate(root, tmp_path, touching), "running head")
    assert any("page 2: the head's parts are 0.0 pt apart" in f for f in found), found
    elsewhere = layout(root, body, heads_style("'Beta'"))
    found = of(gate(root, tmp_path, elsewhere), "running head")
    assert found == ["kaz/snapshot.en page 2: the head “Migration Governance Snapshot Beta” "
                     "does not name the section the page is in at its top, “Alpha”"]


def test_a_running_head_on_one_line_apart_and_naming_the_section_at_the_top_passes(
        root: Path, tmp_path: Path) -> None:
    """Page 3 is headed by the section still running at its top, not the one starting
    lower on it; page 4 by the one that opens it."""
    body = pages(f"<h2>Alpha</h2><p>{TEXT * 16}</p><h2>Beta</h2><p>{TEXT * 3}</p>",
                 f"<h2>Gamma</h2><p>{TEXT * 4}</p>")
    style = "h2 { string-set: section content(text) } " + heads_style("string(section, start)")
    pdf = layout(root, body, style)
    document, _ = load(pdf, "x", root)
    assert [(p.number, [line.text for line in p.head]) for p in document.pages[1:]] == [
        (2, ["Migration Governance Snapshot Alpha"]), (3, ["Migration Governance Snapshot Alpha"]),
        (4, ["Migration Governance Snapshot Gamma"])]
    assert "Beta" in " ".join(line.text for line in document.pages[2].lines)
    assert of(gate(root, tmp_path, pdf), "running head") == []


# Rule 2: page fill.

def test_a_nearly_empty_page_is_found_but_not_the_cover_imprint_contents_or_last_page(
        root: Path, tmp_path: Path) -> None:
    contents = ('<nav><h2>Contents</h2><p><a href="#alpha">Alpha</a></p>'
                '<p><a href="#beta">Beta</a></p></nav>')
    body = (COVER + '<p style="break-after: page">Imprint: published by someone.</p>'
            + contents
            + f'<h2 id="alpha" style="break-before: page">Alpha</h2><p>{TEXT}</p>'
            + '<p style="float: footnote">A footnote set at the foot of the page.</p>'
            + f'<h2 id="beta" style="break-before: page">Beta</h2><p>{TEXT}</p>')
    pdf = layout(root, body, "@page { @footnote { border-top: .5pt solid } }")
    document, _ = load(pdf, "x", root)
    assert exempt_pages(document) == {1: "cover", 2: "imprint", 3: "contents", 5: "last page"}
    found = of(gate(root, tmp_path, pdf), "page fill")
    assert len(found) == 1, found
    assert found[0].startswith("kaz/snapshot.en page 4: the page is 1")
    assert "full (at least 33% wanted): “Alpha The country offers" in found[0]


def test_a_page_filled_by_text_or_by_a_figure_passes(root: Path, tmp_path: Path) -> None:
    figure = ('<svg width="160mm" height="110mm" viewBox="0 0 160 110" role="img" '
              'aria-label="wheel"><circle cx="80" cy="55" r="50" fill="#1f5fa3"/></svg>')
    body = pages(f"<h2>Alpha</h2><p>{TEXT * 14}</p>", f"<h2>Figure</h2>{figure}",
                 "<h2>End</h2><p>Last.</p>")
    assert of(gate(root, tmp_path, layout(root, body)), "page fill") == []


# Rule 3: hyphenation.

def test_bad_hyphenation_is_found(root: Path, tmp_path: Path) -> None:
    body = pages(
        "<h2>Alpha</h2>"
        '<p class="narrow">Kaza&shy;khstan</p>'  # the country's name
        '<p class="narrow">in&shy;ward</p>'  # 6 letters, 2 before
        '<p class="narrow">Internation&shy;al</p>'  # 2 after
        '<p class="narrow">Neighbour&shy;hood&shy;watching&shy;committee</p>')  # a ladder
    found = of(gate(root, tmp_path, layout(root, body)), "hyphenation")
    assert found == [
        f"kaz/snapshot.en page 2: “Kaza{H}khstan”: “Kazakhstan” is never hyphenated",
        f"kaz/snapshot.en page 2: “in{H}ward”: a word of 6 letters is hyphenated (at least 7)",
        f"kaz/snapshot.en page 2: “in{H}ward”: 2 letters before the hyphen and 4 after "
        "(at least 3 each)",
        f"kaz/snapshot.en page 2: “Internation{H}al”: 11 letters before the hyphen and 2 after "
        "(at least 3 each)",
        f"kaz/snapshot.en page 2: 3 hyphenated lines in a row (at most 2): “Neighbour{H}hood”, "
        f"“hood{H}watching”, “watching{H}committee”"]


def test_good_hyphenation_and_hard_hyphens_pass(root: Path, tmp_path: Path) -> None:
    """Two hyphenated lines in a row, long words split well; a compound broken at its own
    hyphen (PDFium reads that hyphen at a line end as U+0002) is no hyphenation."""
    body = pages("<h2>Alpha</h2>"
                 '<p class="narrow">Neighbour&shy;hood&shy;committee</p>'
                 '<p class="narrow">whole-of-government</p>')
    pdf = layout(root, body)
    document, _ = load(pdf, "x", root)
    hard = [cut.shown for cut in breaks(document, compounds(["Whole-of-government"])).values()
            if cut.hard]
    assert hard == ["whole-of", "of-government"]
    assert of(gate(root, tmp_path, pdf), "hyphenation") == []


def line(text: str, y: float) -> Line:
    return Line(tuple(Glyph(char, Box(10 + 5 * i, y, 15 + 5 * i, y + 12), 10.0)
                      for i, char in enumerate(text)))


def test_every_form_pdfium_gives_the_hyphenation_hyphen_is_read_and_listed_words_are_kept(
        root: Path) -> None:
    """U+2010 as WeasyPrint draws it, U+00AD or PDFium's U+0002 when the PDF marks it as a
    soft hyphen; a hyphen-minus at a line end is a hard hyphen."""
    lines = (line("a bench\u2010", 700), line("marking de\u00ad", 686), line("sign re\x02", 672),
             line("port mid-", 658), line("dle", 644))
    page = Page(1, Box(0, 0, 595, 842), Box(0, 0, 595, 842), (), lines, (), ())
    document = Document("kaz/snapshot.en", (page,), ())
    assert [(c.before, c.after, c.hard) for c in breaks(document).values()] == [
        ("bench", "marking", False), ("de", "sign", False), ("re", "port", False)]
    found = [f.message for f in hyphenation_findings(document, ["benchmarking"])]
    assert f"“bench{H}marking”: “benchmarking” is never hyphenated" in found
    assert f"3 hyphenated lines in a row (at most 2): “bench{H}marking”, “de{H}sign”, “re{H}port”" \
        in found


def test_the_country_s_name_in_every_language_and_the_locales_listed_words_are_protected(
        root: Path) -> None:
    """A source may quote the country's name in any language of the project."""
    project = load_project(root)
    english = project.bundles["en"]
    listing = dataclasses.replace(english, never_hyphenate=("benchmarking",))
    project = dataclasses.replace(project, bundles={**project.bundles, "en": listing})
    target = Target("kaz/snapshot.de", "pdf", root / "snapshot.de.pdf")
    words = edition_words(project, target, ["Astana"])
    assert {"Astana", "Kasachstan", "Kazakhstan", "Казахстан", "benchmarking"} <= \
        set(words.protected)
    assert ADDRESS in words.urls
    assert "of-government" in words.hard_hyphens


# Rule 4: web addresses.

def test_an_address_broken_between_letters_is_found_and_one_broken_after_a_slash_passes(
        root: Path, tmp_path: Path) -> None:
    cut = ADDRESS.index("kz/") + 1  # between "k" and "z"
    bad = pages(f"<h2>Sources</h2><p>Available from {ADDRESS[:cut]}<br>{ADDRESS[cut:]}.</p>")
    found = of(gate(root, tmp_path, layout(root, bad)), "address break")
    assert found == ["kaz/snapshot.en page 2: “http://adilet.zan.k|z/eng/docs/Z”: the address "
                     "breaks between two letters or digits, not after one of # & - . / = ? _ "
                     f"({ADDRESS})"]
    cut = ADDRESS.index("kz/") + 3  # after the slash
    good = pages(f"<h2>Sources</h2><p>Available from {ADDRESS[:cut]}<br>{ADDRESS[cut:]}.</p>")
    assert of(gate(root, tmp_path, layout(root, good)), "address break") == []


# Rule 5: measure.

def test_a_body_measure_outside_55_to_80_characters_is_found(
        root: Path, tmp_path: Path) -> None:
    body = pages(f"<h2>Alpha</h2><p>{TEXT * 3}</p><p>{TEXT * 3}</p>")
    found = of(gate(root, tmp_path, layout(root, body, "p { font-size: 8pt }")), "measure")
    assert len(found) == 1, found
    assert found[0].startswith("kaz/snapshot.en pages 2-2: body text (8 pt) has a median of ")
    assert "characters per line over " in found[0] and "(55 to 80 wanted)" in found[0]
    median = float(found[0].split("median of ")[1].split()[0])
    assert median > 100
    narrow = layout(root, body, "p { font-size: 10pt; width: 30mm }")
    found = of(gate(root, tmp_path, narrow), "measure")
    assert len(found) == 1 and float(found[0].split("median of ")[1].split()[0]) < 25, found


def test_a_body_measure_of_55_to_80_characters_passes(root: Path, tmp_path: Path) -> None:
    body = pages(f"<h2>Alpha</h2><p>{TEXT * 3}</p><p>{TEXT * 3}</p>",
                 f"<h2>Beta</h2><p>{TEXT * 2}</p>")
    pdf = layout(root, body, "p { width: 115mm }")
    assert gate(root, tmp_path, pdf) == []


# -- A second country, added from files only ------------------------------------------------

SECOND = {"code": "bih", "en": "Bosnia and Herzegovina", "adjective": "Bosnian"}


@pytest.fixture(scope="module")
def second_country(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project with a second country whose files were written as README's "Adding a
    country" says (its facts, and its English wording: the German and Russian editions fall
    back to it), built in every report and locale."""
    root = copy_project(tmp_path_factory.mktemp("second") / "project")
    facts = (root / "content/countries/kaz.yaml").read_text(encoding="utf-8")
    (root / f"content/countries/{SECOND['code']}.yaml").write_text(
        facts.replace("code: kaz", f"code: {SECOND['code']}"), encoding="utf-8")
    wording = (root / "content/en/kaz.yaml").read_text(encoding="utf-8")
    wording = wording.replace("Kazakhstan", SECOND["en"]).replace("Kazakh", SECOND["adjective"])
    (root / f"content/en/{SECOND['code']}.yaml").write_text(wording, encoding="utf-8")
    out = tmp_path_factory.mktemp("second-out")
    build(root, out, countries=[SECOND["code"]], formats=["pdf"])
    return root, out


def test_a_second_country_added_from_files_passes_the_print_gates(
        second_country: tuple[Path, Path]) -> None:
    root, out = second_country
    assert len(list((out / SECOND["code"]).glob("*.pdf"))) == 8
    results = run_gates(root, out, ["typography", "text-in-bounds", "pdf-ua"])
    assert [line for result in results if result.failed for line in result.lines()] == []
