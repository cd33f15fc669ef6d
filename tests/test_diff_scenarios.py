"""The review diff's scenario set: each miss a reviewer reported, as a small document pair.

Each scenario lays out two small documents with WeasyPrint (a few pages, the shipped
fonts) or writes two small HTML files, so every miss is one cheap test: what changed, and
how the diff must report it. Expected pages and regions are read from the documents.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHIPPED_FONT_STYLE
from mgi_report.cli import main
from mgi_report.diff import FileDiff, compare, format_json, format_text, render_review
from mgi_report.diff.extract import NONCHARACTER, clean
from mgi_report.write import html_to_pdf

PAGE_CSS = ("@page { size: A5; margin: 20mm 15mm; "
            "@top-center { content: 'Scenario report'; font-size: 8pt; color: HEAD } "
            "@bottom-center { content: 'Page ' counter(page) ' of ' counter(pages); "
            "font-size: 8pt } } "
            "body { font-size: 10pt; line-height: 1.4 } p { margin: 0 0 .8em } "
            "h2 { font-size: 13pt; border-left: 6px solid BAR; padding-left: 4pt } ")


@pytest.fixture(scope="module")
def assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scenario-assets")
    shutil.copytree(ROOT / "templates/fonts", folder / "fonts")
    return folder


def document(assets: Path, body: str, *, bar: str = "#8e1f4a", head: str = "#333333",
             lang: str = "en") -> bytes:
    """A small tagged PDF: running head and page numbers, headings with a coloured bar."""
    style = PAGE_CSS.replace("BAR", bar).replace("HEAD", head)
    html = (f'<html lang="{lang}"><head><title>Scenario</title>{SHIPPED_FONT_STYLE}'
            f"<style>{style}</style></head><body>{body}</body></html>")
    return html_to_pdf(html, assets, "pdf/ua-1", "scenario")


def html_file(body: str, lang: str = "en") -> bytes:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>Scenario</title></head><body>{body}</body></html>").encode()


def pair(tmp_path: Path, old: bytes, new: bytes, suffix: str = ".pdf") -> tuple[Path, Path]:
    (tmp_path / "old").mkdir(exist_ok=True)
    (tmp_path / "new").mkdir(exist_ok=True)
    paths = tmp_path / "old" / f"doc{suffix}", tmp_path / "new" / f"doc{suffix}"
    paths[0].write_bytes(old)
    paths[1].write_bytes(new)
    return paths


# -- clean text and a closed pipe (item 5) -----------------------------------------------

def test_noncharacters_are_dropped_and_half_surrogates_replaced() -> None:
    assert clean("re\ufffesearch \uffffa\ufdd0b \U0010fffe\ud800") == "research ab \ufffd"
    assert clean("Grüße, 日本, 😀") == "Grüße, 日本, 😀"
    assert len(NONCHARACTER.findall("".join(map(chr, range(0x110000))))) == 66


@pytest.mark.parametrize("codepoint", ["FFFE", "FFFF", "FDD0"])
def test_a_pdf_whose_text_map_gives_a_noncharacter_is_reported_in_clean_text(
        assets: Path, tmp_path: Path, codepoint: str) -> None:
    import re

    import pikepdf

    body = "<p>The research programme was extended to every region this year.</p>"
    old, new = pair(tmp_path, document(assets, body), b"")
    with pikepdf.open(old) as pdf:
        for font in (f for page in pdf.pages for f in page.Resources.Font.values()):
            cmap = font.ToUnicode.read_bytes().decode("latin-1")
            font.ToUnicode.write(re.sub(r"(<[0-9a-f]{4}> <)0065(>)", rf"\g<1>{codepoint}\2",
                                        cmap, flags=re.IGNORECASE).encode("latin-1"))
        pdf.save(new)
    result = compare(old, new, images=True)
    assert result.differs
    for view in (format_text(result), format_json(result), render_review(result)):
        assert not NONCHARACTER.search(view)
        assert not NONCHARACTER.search(json.loads(json.dumps(view)))


def test_an_html_file_with_a_noncharacter_in_its_text_is_reported_in_clean_text(
        tmp_path: Path) -> None:
    old, new = pair(tmp_path, html_file("<h1>Title</h1><p>One two three.</p>"),
                    html_file("<h1>Title</h1><p>One t\ufffewo th\uffffree four.</p>"), ".html")
    result = compare(old, new)
    (change,) = result.files[0].text_changes
    assert (change.old, change.new) == ("three.", "three four.")
    assert not NONCHARACTER.search(format_text(result) + format_json(result))


def test_piping_a_long_diff_into_head_ends_quietly(tmp_path: Path) -> None:
    """The reader takes one line and goes: the rest of the output (more than a pipe holds)
    is not an error, and no traceback is printed."""
    old, new = pair(tmp_path, html_file(" ".join(f"<p>old{i}</p>" for i in range(9000))),
                    html_file(" ".join(f"<p>new{i}</p>" for i in range(9000))), ".html")
    assert len(subprocess.run([sys.executable, "-m", "mgi_report", "diff", "--json", str(old),
                               str(new)], capture_output=True, check=False).stdout) > 2**17
    writer = subprocess.Popen([sys.executable, "-m", "mgi_report", "diff", "--json", str(old),
                               str(new)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert writer.stdout is not None and writer.stderr is not None
    assert writer.stdout.readline() == b"{\n"
    writer.stdout.close()
    with writer.stderr:
        err = writer.stderr.read()
    assert (writer.wait(timeout=120), err) == (141, b"")
    assert main(["diff", "--quiet", str(old), str(new)]) == 1


# -- nothing visible is missed (item 1) --------------------------------------------------

FILLER = ("Migration policy is reviewed every year with the partners who carry it out, "
          "and each review is published with its findings and the data behind them. ")


def sections(count: int = 3, *, first: str = "", link: str = "https://example.org/a",
             anchor: str = "#s2") -> str:
    """Sections of several paragraphs; the first holds a link out and one into the file."""
    parts = []
    for number in range(1, count + 1):
        extra = first if number == 1 else ""
        links = (f'<p>See <a href="{link}">the register</a> and <a href="{anchor}">the '
                 f"next part</a>.</p>" if number == 1 else "")
        parts.append(f'<h2 id="s{number}">Part {number}</h2>{extra}{links}'
                     + f"<p>{FILLER * 5}</p>" * 2)
    return "".join(parts)


def test_a_colour_change_on_a_page_with_a_text_change_is_reported(
        assets: Path, tmp_path: Path) -> None:
    body = sections()
    old, new = pair(tmp_path, document(assets, body),
                    document(assets, body.replace("every year", "every second year", 1),
                             bar="#1f8e4a"))
    diff = compare(old, new).files[0]
    (change,) = diff.text_changes
    page = change.new_pages[0]
    on_page = [v for v in diff.visual_changes if v.new_page == page]
    assert on_page and on_page[0].note == "besides the text changes on the page"
    assert all(box[2] < 60 for box in on_page[0].boxes), "only the heading's bar"
    assert "1 text change, " in format_text(compare(old, new))


def test_a_header_colour_change_is_reported_on_reflowed_pages(
        assets: Path, tmp_path: Path) -> None:
    body = sections(4)
    old, new = pair(tmp_path, document(assets, body),
                    document(assets, sections(4, first=f"<p>{FILLER * 6}</p>"),
                             head="#c62828"))
    diff = compare(old, new).files[0]
    assert len(diff.text_changes) == 1 and diff.reflowed_pages
    heads = {v.new_page for v in diff.visual_changes
             if all(box[3] < 0.07 * 595 for box in v.boxes)}
    assert {n for _, n in diff.reflowed_pages} <= heads


def test_the_same_build_with_a_reflow_has_no_visual_change(
        assets: Path, tmp_path: Path) -> None:
    old, new = pair(tmp_path, document(assets, sections(4)),
                    document(assets, sections(4, first=f"<p>{FILLER * 6}</p>")))
    diff = compare(old, new).files[0]
    assert len(diff.text_changes) == 1 and diff.reflowed_pages
    assert not diff.visual_changes and not diff.structure_changes


@pytest.mark.parametrize(("changed", "expected"), [
    ({"link": "https://example.org/b"}, ("the register", "https://example.org/a",
                                         "https://example.org/b")),
    ({"anchor": "#s3"}, ("the next part", "page ", "page ")),
])
def test_a_link_whose_target_changed_is_a_structure_change_with_page_and_text(
        assets: Path, tmp_path: Path, changed: dict[str, str],
        expected: tuple[str, str, str]) -> None:
    old, new = pair(tmp_path, document(assets, sections()),
                    document(assets, sections(3, **changed)))
    result = compare(old, new)
    diff = result.files[0]
    assert not diff.text_changes and not diff.visual_changes
    (change,) = diff.structure_changes
    assert (change.kind, change.section, change.old_page, change.new_page) == (
        "link", "Part 1", 1, 1)
    assert change.text == expected[0]
    assert change.old.startswith(expected[1]) and change.new.startswith(expected[2])
    assert change.old != change.new
    text = format_text(result)
    assert "structure · link · Part 1 · page 1" in text
    assert text.endswith("0 text changes, 0 visual changes, 1 structure change")
    assert json.loads(format_json(result))["files"][0]["structure_changes"][0]["kind"] == "link"
    assert "the register" in render_review(result) or "the next part" in render_review(result)


def test_a_bookmark_renamed_without_its_heading_is_a_structure_change(
        assets: Path, tmp_path: Path) -> None:
    body = sections()
    renamed = body.replace('<h2 id="s2">', '<h2 id="s2" style="bookmark-label: \'Second\'">')
    old, new = pair(tmp_path, document(assets, body), document(assets, renamed))
    diff = compare(old, new).files[0]
    assert not diff.text_changes
    (change,) = diff.structure_changes
    assert (change.kind, change.old, change.new) == ("bookmark", "title “Part 2”",
                                                      "title “Second”")


def test_a_bookmark_that_opens_another_place_is_a_structure_change(
        assets: Path, tmp_path: Path) -> None:
    body = sections()
    moved = body.replace('<h2 id="s2">Part 2</h2>', '<h2 id="s2" style="bookmark-level: '
                         'none">Part 2</h2>').replace(
        "<p>See", '<p style="bookmark-level: 2; bookmark-label: \'Part 2\'">See', 1)
    old, new = pair(tmp_path, document(assets, body), document(assets, moved))
    kinds = [(c.kind, c.text) for c in compare(old, new).files[0].structure_changes]
    assert ("bookmark", "Part 2") in kinds


def test_a_changed_document_language_is_a_structure_change(
        assets: Path, tmp_path: Path) -> None:
    old, new = pair(tmp_path, document(assets, sections(1)),
                    document(assets, sections(1), lang="en-GB"))
    result = compare(old, new)
    (change,) = result.files[0].structure_changes
    assert (change.kind, change.old, change.new) == ("language", "en", "en-GB")
    assert main(["diff", str(old), str(new), "--quiet"]) == 1


# -- counting the way a reviewer counts (item 2) -----------------------------------------

MOVED = "<h2>Moved part</h2><p>This part was written for the scenario and it moves.</p>"


@pytest.mark.parametrize("suffix", [".pdf", ".html"])
def test_a_moved_section_is_one_moved_passage(assets: Path, tmp_path: Path,
                                              suffix: str) -> None:
    make = (lambda body: document(assets, body)) if suffix == ".pdf" else html_file
    old, new = pair(tmp_path, make(MOVED + sections(2)), make(sections(2) + MOVED), suffix)
    result = compare(old, new)
    diff = result.files[0]
    assert not diff.text_changes and not diff.structure_changes and not diff.markup_changes
    (move,) = diff.moved_passages
    assert move.old == "Moved part This part was written for the scenario and it moves."
    assert move.section == "(before the first heading) → Part 2"
    text = format_text(result)
    assert "  moved · (before the first heading) → Part 2" in text
    assert text.endswith("0 text changes, 0 visual changes, 1 moved passage")
    assert "This part was written for the scenario" in render_review(result)


def test_an_unchanged_footnote_pushed_to_the_next_page_is_no_change(
        assets: Path, tmp_path: Path) -> None:
    note = ('<span style="float: footnote">The footnote stays the same while its call '
            "moves onto the next page.</span>")
    diff = with_paragraph_inserted_before(
        assets, tmp_path, f"<h2>Part 1</h2><p>{FILLER * 12}Called here{note}. {FILLER}</p>"
        + sections(1))
    assert not any("footnote" in c.old + c.new for c in diff.text_changes)


def with_paragraph_inserted_before(assets: Path, tmp_path: Path, body: str) -> FileDiff:
    """The diff of ``body`` and ``body`` with a paragraph inserted under its first heading,
    which pushes what follows (a footnote's call too) onto the next page; the insertion is
    its one text change, and no passage counts as moved."""
    longer = body.replace("<h2>Part 1</h2>", f"<h2>Part 1</h2><p>{FILLER * 3}</p>", 1)
    old, new = pair(tmp_path, document(assets, body), document(assets, longer))
    diff = compare(old, new).files[0]
    (change,) = diff.text_changes
    assert change.old == "" and "footnote" not in change.new
    assert not diff.moved_passages
    return diff


def test_an_emphasis_only_html_edit_is_a_markup_change_and_counted(tmp_path: Path) -> None:
    text = "<h1>Title</h1><p>Kazakhstan signed the Lisbon Convention in 1997.</p>"
    old, new = pair(tmp_path, html_file(text), html_file(text.replace(
        "Lisbon Convention", "<em>Lisbon Convention</em>")), ".html")
    result = compare(old, new)
    diff = result.files[0]
    assert not diff.text_changes
    assert diff.markup_changes == ("-Lisbon Convention [plain]\n+Lisbon Convention [em]",)
    text_view = format_text(result)
    assert text_view.startswith("doc.html: 0 text changes, 0 visual changes, 1 markup change")
    assert text_view.endswith("1 of 1 files differ: 0 text changes, 0 visual changes, "
                              "1 markup change")
    assert main(["diff", "--quiet", str(old), str(new)]) == 1


# -- speed (item 4) ------------------------------------------------------------------------

def test_identical_files_and_version_are_decided_without_renderers_or_weasyprint(
        tmp_path: Path) -> None:
    """Start-up and identical files pay for no heavy import: the bytes (or manifest
    hashes) decide before pdfium, Pillow, pypdf or WeasyPrint are loaded."""
    old, new = pair(tmp_path, b"%PDF-1.7 not even read\n", b"%PDF-1.7 not even read\n")
    heavy = ("pypdfium2", "PIL", "pypdf", "weasyprint", "jinja2", "jsonschema")
    probe = ("import sys\nfrom mgi_report.cli import main\ntry:\n code = main(sys.argv[1:])\n"
             "except SystemExit as exit:\n code = exit.code\n"
             f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))")
    for args in (["--version"], ["diff", str(old), str(new)],
                 ["diff", str(old.parent), str(new.parent)]):
        done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                              text=True, check=False)
        assert done.stdout.splitlines()[-1] == "0 []", (args, done.stdout, done.stderr)


def test_a_footnote_pushed_before_another_on_the_next_page_is_no_change(
        assets: Path, tmp_path: Path) -> None:
    """Matched by what it is (text set smaller than the body, as the report's footnotes
    are), not by its place: on its new page the footnote is not the last."""
    def note(text: str) -> str:
        return f'<span style="float: footnote; font-size: 7pt">{text}</span>'

    first = note("The first footnote stays the same while its call moves on.")
    second = note("The second footnote was on the next page all along.")
    diff = with_paragraph_inserted_before(
        assets, tmp_path, f"<h2>Part 1</h2><p>{FILLER * 12}Called here{first}. "
        f"{FILLER * 6}Again{second}. {FILLER}</p>")
    assert [m.old.split()[:3] for m in diff.moved_text] == [["1.", "The", "first"]]
