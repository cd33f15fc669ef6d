"""`mgi-report diff`: one change is one change, wherever the pages after it went.

Four builds of the English snapshot are made once for the module: the project as it is,
one sentence changed in a middle domain, a paragraph inserted at the start of the
introduction (everything after it moves to later pages), and one colour changed in the
stylesheet. Expected pages and sections are read from the old PDF itself (text per page,
bookmarks), so the tests hold when the wording around them changes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader, PdfWriter

from conftest import copy_project
from mgi_report import build
from mgi_report.cli import main
from mgi_report.diff import (
    DiffResult,
    FileDiff,
    compare,
    format_json,
    format_text,
    render_review,
)
from mgi_report.diff.extract import Document, Page, Token, set_apart_page_number
from mgi_report.diff.report import ranges
from mgi_report.diff.textdiff import FURNITURE, furniture_changes
from mgi_report.inspect import normalize, outline, pdf_text

EDITION = "kaz/snapshot.en"
OLD_SENTENCE = "based on demand and input from local authorities"
NEW_SENTENCE = "based on demand and written input from regional and local authorities"
INSERTED = ("This paragraph was added to the introduction for the test, so that the text "
            "after it moves onto later pages. ") * 45
OLD_COLOUR, NEW_COLOUR = "--domain-4: #8e1f4a;", "--domain-4: #1f8e4a;"


@dataclass(frozen=True)
class Builds:
    base: Path
    sentence: Path
    inserted: Path
    colour: Path

    def pdf(self, which: Path) -> Path:
        return which / f"{EDITION}.pdf"

    def html(self, which: Path) -> Path:
        return which / f"{EDITION}.html"


def _replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return change


def _insert_introduction_paragraph(root: Path) -> None:
    path = root / "content/en/kaz.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["snapshot"]["introduction"] = {"added": INSERTED.strip(),
                                        **data["snapshot"]["introduction"]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    work = tmp_path_factory.mktemp("diff")

    def made(name: str, change: Callable[[Path], None] | None = None) -> Path:
        root = copy_project(work / f"project-{name}")
        if change:
            change(root)
        out = work / name
        build(root, out, reports=["snapshot"], locales=["en"], formats=["pdf", "html"])
        return out

    return Builds(
        base=made("base"),
        sentence=made("sentence", _replace("content/en/kaz.yaml", OLD_SENTENCE, NEW_SENTENCE)),
        inserted=made("inserted", _insert_introduction_paragraph),
        colour=made("colour", _replace("templates/css/report.css", OLD_COLOUR, NEW_COLOUR)))


def _only(result: DiffResult) -> FileDiff:
    assert len(result.files) == 1
    return result.files[0]


@cache
def _page_and_section(pdf: Path, snippet: str) -> tuple[int, str]:
    """Where a snippet is in a PDF, by the project's own reader: its page and the title of
    the last bookmark starting on or before that page (read once per module)."""
    data = pdf.read_bytes()
    page = next(number for number, text in enumerate(pdf_text(data).pages, 1)
                if snippet in normalize(text))
    section = [item.title for item in outline(data) if item.page <= page][-1]
    return page, section


# -- identical and metadata-only ----------------------------------------------------------

def test_identical_builds_print_no_differences_and_exit_0(
        builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    again = shutil.copytree(builds.base, tmp_path / "again")
    assert main(["diff", str(builds.base), str(again)]) == 0
    assert capsys.readouterr().out == "no differences\n"


def test_metadata_alone_is_no_difference_unless_strict(
        builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    writer = PdfWriter(clone_from=PdfReader(builds.pdf(builds.base)))
    writer.add_metadata({"/Producer": "another producer", "/CreationDate": "D:20240101"})
    rewritten = tmp_path / "rewritten.pdf"
    with rewritten.open("wb") as stream:
        writer.write(stream)
    assert main(["diff", str(builds.pdf(builds.base)), str(rewritten)]) == 0
    assert capsys.readouterr().out.startswith("no differences")
    assert main(["diff", "--strict", str(builds.pdf(builds.base)), str(rewritten)]) == 1
    out = capsys.readouterr().out
    assert "metadata · Producer: WeasyPrint" in out and "another producer" in out


# -- one changed sentence -----------------------------------------------------------------

def test_changed_sentence_is_one_change_on_its_page_and_section(builds: Builds) -> None:
    page, section = _page_and_section(builds.pdf(builds.base), OLD_SENTENCE)
    diff = _only(compare(builds.pdf(builds.base), builds.pdf(builds.sentence)))
    assert diff.status == "changed"
    assert len(diff.text_changes) == 1 and not diff.visual_changes
    change = diff.text_changes[0]
    assert (change.section, change.old_pages, change.new_pages) == (section, (page,), (page,))
    assert section.startswith("4. ")
    assert ("+", "written") in change.parts and ("+", "regional and") in change.parts
    assert change.before.endswith("based on demand and")
    assert change.after.startswith("local authorities.")
    assert not diff.reflowed_pages and not diff.moved_pages


def test_changed_sentence_in_terminal_json_and_review(
        builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page, section = _page_and_section(builds.pdf(builds.base), OLD_SENTENCE)
    args = ["diff", str(builds.base), str(builds.sentence), "--format", "pdf"]
    assert main([*args, "--html", str(tmp_path / "review.html"), "--quiet"]) == 1
    assert main(args) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{EDITION}.pdf: 1 text change, 0 visual changes"
    assert out[1] == ("  content keys changed (en): "
                      "kaz.snapshot.findings.well-being.well_developed.p1")
    assert out[2] == f"  text · {section} · page {page}"
    assert "based on demand and {+written+} input from {+regional and+} local" in out[3]
    assert out[-1] == "1 of 1 files differ: 1 text change, 0 visual changes"

    assert main([*args, "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    (entry,) = report["files"]
    (change,) = entry["text_changes"]
    assert (change["section"], change["old_pages"], change["new_pages"]) == (
        section, [page], [page])
    assert (change["old"], change["new"]) == ("input from", "written input from regional and")
    assert report["content_keys"]["en"] == [{
        "edition": EDITION, "key": "kaz.snapshot.findings.well-being.well_developed.p1",
        "change": "changed", "fallback": False}]

    review = (tmp_path / "review.html").read_text(encoding="utf-8")
    assert "<ins>written</ins> input from <ins>regional and</ins>" in review
    assert f"{section}: 1" in review.replace("&#39;", "'")
    assert "kaz.snapshot.findings.well-being.well_developed.p1" in review
    assert review.count('src="data:image/png;base64,') == 1
    assert "http" not in review.split("<body>")[0].replace("http-equiv", "")


def test_changed_sentence_in_the_html_editions(builds: Builds) -> None:
    _, section = _page_and_section(builds.pdf(builds.base), OLD_SENTENCE)
    diff = _only(compare(builds.html(builds.base), builds.html(builds.sentence)))
    (change,) = diff.text_changes
    assert (change.section, change.old_pages, change.new_pages) == (section, (), ())
    assert not diff.markup_changes


# -- reflow -------------------------------------------------------------------------------

def test_inserted_paragraph_is_one_change_and_later_pages_only_reflow(builds: Builds) -> None:
    old, new = builds.pdf(builds.base), builds.pdf(builds.inserted)
    assert len(PdfReader(new).pages) > len(PdfReader(old).pages), "the insertion must reflow"
    diff = _only(compare(old, new))
    body = [c for c in diff.text_changes if c.section != FURNITURE]
    (change,) = body
    assert change.section == "Introduction"
    assert change.old == "" and change.new == INSERTED.strip()
    intro_page, _ = _page_and_section(old, "In 2015, IOM developed")
    later = [o for o, _ in diff.reflowed_pages + diff.moved_pages]
    assert later and min(later) > intro_page and max(later) == len(PdfReader(old).pages)
    # The heads of reflowed pages name the section now at their top: the same heads on
    # other pages, not a change.
    assert [c for c in diff.text_changes if c.section == FURNITURE] == []
    # Only the contents page looks different: its page numbers, not its words.
    assert [(v.section, v.note.split(":")[0]) for v in diff.visual_changes] == [
        ("Contents", "page numbers in the contents changed")]
    # The contents links and the bookmarks lead to the same headings on their new pages.
    assert diff.structure_changes == ()
    # The footnote followed its call; it is not a change.
    assert [m.section for m in diff.moved_text] in ([], ["Introduction"])


# -- visual only --------------------------------------------------------------------------

def test_stylesheet_colour_is_a_visual_change_without_text_change(
        builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = builds.pdf(builds.base), builds.pdf(builds.colour)
    diff = _only(compare(old, new))
    assert not diff.text_changes
    heading = next(item for item in outline(old.read_bytes()) if item.title.startswith("4. "))
    cover, rule = diff.visual_changes
    assert (cover.old_page, cover.new_page) == (1, 1)  # the cover's band of domain colours
    assert (rule.section, rule.old_page, rule.new_page) == (
        heading.title, heading.page, heading.page)
    (box,) = rule.boxes
    assert box[2] - box[0] < 10, "only the heading's coloured rule changed"

    assert main(["diff", str(old), str(new), "--out", str(tmp_path / "pictures")]) == 1
    pictures = sorted(p.name for p in (tmp_path / "pictures").iterdir())
    assert pictures == ["snapshot.en.page-001-001.png",
                        f"snapshot.en.page-{heading.page:03d}-{heading.page:03d}.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in (tmp_path / "pictures").iterdir())
    assert "visual · 4. " in capsys.readouterr().out


def test_stylesheet_colour_in_html_is_a_markup_change(builds: Builds) -> None:
    diff = _only(compare(builds.html(builds.base), builds.html(builds.colour)))
    assert not diff.text_changes
    (hunk,) = diff.markup_changes
    assert OLD_COLOUR in hunk and NEW_COLOUR in hunk


# -- folders ------------------------------------------------------------------------------

def test_folders_pair_by_path_and_list_added_and_removed_files(
        builds: Builds, tmp_path: Path) -> None:
    new = shutil.copytree(builds.base, tmp_path / "new")
    (new / f"{EDITION}.html").unlink()
    shutil.copy(new / f"{EDITION}.pdf", new / "kaz/extra.en.pdf")
    result = compare(builds.base, new)
    assert [(f.path, f.status) for f in result.files] == [
        ("index.html", "unchanged"), ("kaz/extra.en.pdf", "added"),
        (f"{EDITION}.html", "removed"), (f"{EDITION}.pdf", "unchanged")]
    assert result.differs
    text = format_text(result)
    assert "kaz/extra.en.pdf: added" in text and f"{EDITION}.html: removed" in text


def test_matching_manifest_hashes_spare_opening_the_files(
        builds: Builds, tmp_path: Path) -> None:
    new = shutil.copytree(builds.base, tmp_path / "new")
    pdf = new / f"{EDITION}.pdf"
    pdf.write_bytes(b"x" * pdf.stat().st_size)  # unreadable, but the manifest vouches for it
    assert not compare(builds.base, new, formats=["pdf"]).differs


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The English and German snapshots, as they are and with one English sentence
    changed (the German edition shows it in English, its fallback)."""
    work = tmp_path_factory.mktemp("folders")
    outputs = []
    for name, change in (("old", None), ("new", _replace("content/en/kaz.yaml", OLD_SENTENCE,
                                                         NEW_SENTENCE))):
        root = copy_project(work / f"project-{name}")
        if change:
            change(root)
        build(root, work / name, reports=["snapshot"], locales=["en", "de"],
              formats=["pdf", "html"])
        outputs.append(work / name)
    return outputs[0], outputs[1]


def test_one_english_edit_in_a_folder_is_one_passage_affecting_each_output(
        folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = folders
    result = compare(old, new)
    changed = [f.path for f in result.files if f.differs()]
    assert len(changed) == 4, "English and German, PDF and HTML"
    (passage,) = result.passages
    assert (passage.key, passage.change, passage.locales) == (
        "kaz.snapshot.findings.well-being.well_developed.p1", "changed", ("en",))
    assert sorted(passage.outputs) == sorted(changed)
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert out.count("{+written+}") == 1, "the edit is shown once"
    lines = out.splitlines()
    assert lines[:2] == ["content changed: 1 passage",
                         f"  {passage.key}: changed in en; affects 4 outputs"]
    assert lines[2] == f"{EDITION}.pdf (and 3 more outputs): 1 text change, 0 visual changes"
    assert lines[-1] == ("4 of 5 files differ: 1 text change, 0 visual changes; 1 passage "
                         "changed in en, affecting 4 outputs")
    assert json.loads(format_json(result))["passages"] == [{
        "key": passage.key, "change": "changed", "locales": ["en"],
        "outputs": list(passage.outputs)}]
    review = render_review(result)
    assert "<h2 id=\"passages\">Passages changed</h2>" in review
    assert f"<td><code>{passage.key}</code></td><td>changed</td><td>en</td><td>4 outputs" in review


# -- bad input ----------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    (b"hello, not a PDF\n", "not a PDF or HTML file"),
    (b"%PDF-1.7\nthis is not a PDF body\n", "unreadable PDF: "),
    (None, "no such file or folder"),
])
def test_bad_input_exits_2_with_one_line(builds: Builds, tmp_path: Path, content: bytes | None,
                                         message: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.pdf"
    if content is not None:
        bad.write_bytes(content)
    assert main(["diff", str(builds.pdf(builds.base)), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"{bad}: {message}")


def test_review_report_of_identical_inputs_says_so(builds: Builds) -> None:
    result = compare(builds.pdf(builds.base), builds.pdf(builds.base))
    assert not result.differs
    assert "0 of 1 files differ" in render_review(result)


def test_page_runs_are_written_compactly() -> None:
    assert ranges([(4, 5), (5, 6), (6, 7), (9, 9)]) == "4\u20136 → 5\u20137, 9"


def test_running_header_wording_is_one_change_and_page_numbers_none() -> None:
    def document(*furniture: str) -> Document:
        pages = tuple(Page(n, 595.0, 842.0, 0, 0, text, ())
                      for n, text in enumerate(furniture, 1))
        return Document("x.pdf", "pdf", b"", (), pages, (), {})

    old = document("Snapshot Introduction Page 1 of 2", "Snapshot Key findings Page 2 of 2")
    new = document("Snapshot Introduction Sheet 2 of 3", "Snapshot Key findings Sheet 3 of 3")
    (change,) = furniture_changes(old, new, [(1, 1), (2, 2)], [])
    assert (change.old, change.new, change.old_pages, change.new_pages) == (
        "Page", "Sheet", (1, 2), (1, 2))
    renumbered = document("Snapshot Introduction Page 2 of 3", "Snapshot Key findings Page 3 of 3")
    assert furniture_changes(old, renumbered, [(1, 1), (2, 2)], []) == []
    reflowed = document("Snapshot Introduction Page 1 of 3", "Snapshot Introduction Page 2 of 3",
                        "Snapshot Key findings Page 3 of 3")
    assert furniture_changes(old, reflowed, [(1, 1), (2, 2)], []) == [], \
        "a head that a reflow moved to a later page is still in the new build"


def _with_unpaired_surrogate(pdf: Path, target: Path) -> Path:
    """``pdf`` with one font's text map sending a glyph to U+D800, half of a pair."""
    import re

    import pikepdf

    with pikepdf.open(pdf) as document:
        for page in document.pages:
            for font in page.Resources.Font.values():
                if "/ToUnicode" in font:
                    stream = font.ToUnicode
                    cmap = stream.read_bytes().decode("latin-1")
                    changed = re.sub(r"(<[0-9a-f]{4}> <)0065(>)", r"\g<1>D800\2", cmap,
                                     flags=re.IGNORECASE)
                    assert changed != cmap
                    stream.write(changed.encode("latin-1"))
                    document.save(target)
                    return target
    raise AssertionError("no font with a text map")


def test_a_pdf_whose_text_names_half_a_surrogate_pair_is_compared_not_crashed(
        builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = _with_unpaired_surrogate(builds.base / "kaz/snapshot.en.pdf",
                                       tmp_path / "snapshot.en.pdf")
    capsys.readouterr()
    status = main(["diff", str(builds.base / "kaz/snapshot.en.pdf"), str(damaged),
                   "--html", str(tmp_path / "review.html")])
    out, err = capsys.readouterr()
    assert (status, err) == (1, f"wrote {tmp_path / 'review.html'}\n")
    assert "{+r\ufffds\ufffdarch+}" in out
    assert "r\ufffds\ufffdarch" in (tmp_path / "review.html").read_text(encoding="utf-8")


def test_a_reader_that_stops_early_ends_the_diff_quietly(builds: Builds) -> None:
    import subprocess
    import sys

    child = subprocess.Popen(
        [sys.executable, "-m", "mgi_report.cli", "diff", str(builds.base), str(builds.sentence)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    with child.stderr:
        err = child.stderr.read()
    assert child.wait(timeout=120) == 141
    assert err == b""


def test_a_contents_number_set_apart_without_a_leader_dot_is_a_reference_not_a_word() -> None:
    """A contents title that fills its line up to the page-number column leaves no room
    for a dot; a number after a word space in running text is a word."""
    entry = [Token("approach", ((100.0, 0.0, 300.0, 12.0),), 10.0),
             Token("6", ((330.0, 0.0, 336.0, 12.0),), 10.0)]
    prose = [Token("in", ((100.0, 0.0, 110.0, 12.0),), 10.0),
             Token("2017", ((112.6, 0.0, 135.0, 12.0),), 10.0)]
    assert set_apart_page_number(entry) and not set_apart_page_number(prose)


# -- one command in a pull request --------------------------------------------------------

def test_markdown_summary_lists_files_passages_and_first_changes_as_redlines(
        folders: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    old, new = folders
    assert main(["diff", "--markdown", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == ("### mgi-report diff: 4 of 5 files differ: 1 text change, 0 visual "
                        "changes; 1 passage changed in en, affecting 4 outputs")
    assert f"| `{EDITION}.pdf` and 3 more | changed | 1 | 0 | 0 | 0 | 0 |" in out
    assert ("- `kaz.snapshot.findings.well-being.well_developed.p1`: changed in en; affects "
            "4 outputs") in lines
    (first,) = [line for line in lines if line.startswith(f"- `{EDITION}.pdf` · ")]
    assert "based on demand and **written** input from **regional and** local" in first
    assert main(["diff", "--markdown", str(old), str(old)]) == 0
    assert capsys.readouterr().out == "### mgi-report diff: no differences\n"


def test_base_revision_is_built_once_per_tree_and_compared_with_the_working_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess

    repo = copy_project(tmp_path / "repo")
    git = ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "approved"]):
        subprocess.run([*git, *command], check=True)
    _replace("content/en/kaz.yaml", OLD_SENTENCE, NEW_SENTENCE)(repo)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    base = ["diff", "--root", str(repo), "--format", "pdf", "--base", "HEAD"]

    assert main([*base, "--markdown"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("### mgi-report diff: 4 of 8 files differ: 1 text change, ")
    assert "based on demand and **written** input" in captured.out
    assert "base HEAD: building tree " in captured.err
    (cached,) = (tmp_path / "cache" / "mgi-report").glob("diff-base-*/*")
    assert sorted(p.name for p in (cached / "kaz").iterdir()) == [
        f"{report}.{locale}.pdf" for report in ("profile", "snapshot")
        for locale in ("ar", "de", "en", "ru")]

    assert main([*base, str(cached)]) == 0, "NEW given: the cached base against itself"
    captured = capsys.readouterr()
    assert captured.out == "no differences\n" and "from the cache" in captured.err
    assert main([*base[:-1], "no-such-revision"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"no-such-revision: not a revision of the git repository at {repo}"]
    assert main(["diff", str(repo)]) == 2


def test_a_base_built_by_other_mgi_report_code_is_built_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from mgi_report.diff import revision

    tree = "0" * 40
    before = revision.cache_key(tree, ["pdf"])
    assert revision.cache_key(tree, ["pdf"]) == before
    assert revision.cache_key(tree, ["html"]) != before
    monkeypatch.setattr(revision, "code_digest", lambda: "changed code")
    assert revision.cache_key(tree, ["pdf"]) != before
