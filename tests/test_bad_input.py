"""Bad input: one line per problem naming file, line and key; exit 2; nothing written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mgi_report.cli import main

Edit = Callable[[str, str, str], Path]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(list(args))
    return status, capsys.readouterr().err


def check(capsys: pytest.CaptureFixture[str], root: Path) -> tuple[int, list[str]]:
    status, err = run(capsys, "check", "--root", str(root))
    return status, err.strip().splitlines()


def test_the_real_content_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    from conftest import ROOT

    status, lines = check(capsys, ROOT)
    assert status == 0
    assert lines == ["content OK: 1 countries, 4 locales, 2 report types"]


def test_broken_yaml_names_file_and_line(project_copy: Path, edit: Edit,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/en/kaz.yaml", "partner: The Economist", "partner: [The Economist")
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert len(lines) == 1
    assert lines[0].startswith("content/en/kaz.yaml:")
    assert "YAML syntax error" in lines[0]
    assert "Traceback" not in "\n".join(lines)


def test_unknown_key_names_the_key_and_its_line(project_copy: Path, edit: Edit,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/countries/kaz.yaml", "code: kaz\n", "code: kaz\ncolour: blue\n")
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert lines == ["content/countries/kaz.yaml:3: colour: unknown key 'colour' (expected "
                     "one of: code, language, published, ratifications, sources)"]


def test_unknown_domain_id_is_reported_with_the_known_ones(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    path = edit("content/en/kaz.yaml", "    crises:\n", "    crisis:\n")
    line = path.read_text(encoding="utf-8").splitlines().index("    crisis:") + 1
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert f"content/en/kaz.yaml:{line}: kaz.snapshot.findings.crisis: unknown domain " \
           "'crisis'" in lines[0] or any(
        f"content/en/kaz.yaml:{line}:" in entry and "unknown domain 'crisis'" in entry
        for entry in lines)
    assert any("missing domain 'crises'" in entry for entry in lines)


def test_a_date_that_is_not_a_date(project_copy: Path, edit: Edit,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/countries/kaz.yaml", "published: 2018-05-01", "published: 2018-13-01")
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert lines == ["content/countries/kaz.yaml:5: published: '2018-13-01' is not a valid "
                     "date (write it as YYYY-MM-DD)"]


def test_every_problem_of_a_run_is_listed(project_copy: Path, edit: Edit,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/countries/kaz.yaml", "  refugees: 1999", "  refugee: 1999")
    edit("content/en/domains.yaml", "  name: Partnerships", "  name: 42")
    edit("content/en/conventions.yaml", "crc:", "crc-1989:")
    status, lines = check(capsys, project_copy)
    assert status == 2
    text = "\n".join(lines)
    assert "content/countries/kaz.yaml:" in text and "unknown convention 'refugee'" in text
    assert "partnerships.name: expected a string, got a number" in text
    assert "unknown convention 'crc-1989'" in text and "missing convention 'crc'" in text


def test_wrong_type_says_what_was_expected(project_copy: Path, edit: Edit,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    path = edit("content/en/kaz.yaml", "partner: The Economist Intelligence Unit",
                "partner:\n  - The Economist Intelligence Unit")
    line = path.read_text(encoding="utf-8").splitlines().index("partner:") + 1
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert lines == [f"content/en/kaz.yaml:{line}: partner: expected a string, got a list"]


def test_missing_template_is_bad_input_and_leaves_the_output_folder_as_it_was(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project_copy / "templates/sections/snapshot/sources.html.j2").unlink()
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("earlier build", encoding="utf-8")
    status, err = run(capsys, "build", "--root", str(project_copy), "--out", str(out),
                      "--format", "html")
    assert status == 2
    assert err.strip().splitlines() == [
        "templates/sections/sources.html.j2: template not found"]
    assert sorted(p.name for p in out.rglob("*")) == ["keep.txt"]


def test_undefined_variable_in_a_template_names_template_and_line(
        project_copy: Path, edit: Edit, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    edit("templates/sections/cover.html.j2", "{{ subject|md }}", "{{ subtitle|md }}")
    status, err = run(capsys, "build", "--root", str(project_copy), "--out",
                      str(tmp_path / "out"), "--format", "html")
    assert status == 2
    assert err.strip() == "templates/sections/cover.html.j2:3: undefined: 'subtitle' is undefined"
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(project_copy: Path, edit: Edit,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/countries/kaz.yaml", "published: 2018-05-01", "published: soon")
    status, err = run(capsys, "check", "--root", str(project_copy), "--debug")
    assert status == 2
    assert "Traceback" in err and "ContentError" in err


def test_unknown_locale_on_the_command_line_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from conftest import ROOT

    status, err = run(capsys, "build", "--root", str(ROOT), "--locale", "xx",
                      "--out", str(tmp_path))
    assert status == 2
    assert err.strip() == "mgi-report: unknown locale 'xx' (known: en, ar, de, ru)"


BILINGUAL_TITLE = ('        title:\n          - text: "Strategy"\n            language: en\n'
                   '          - text: "Стратегия"\n            language: ru\n')


@pytest.mark.parametrize(("title", "expected"), [
    ('        title:\n          - language: en\n',
     "content/countries/kaz.yaml:14: sources[0].entries[0].title[0]: missing key 'text'"),
    ("        title: []\n",
     "content/countries/kaz.yaml:13: sources[0].entries[0].title: empty list"),
    ('        title:\n          - text: ""\n            language: en\n',
     "content/countries/kaz.yaml:14: sources[0].entries[0].title[0].text: empty text"),
])
def test_a_bilingual_title_s_problem_is_named_in_the_part_that_has_it(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], title: str,
        expected: str) -> None:
    """A title is text or a list of parts: a list is explained as a list of parts, not as
    'not valid under any of the given schemas'."""
    edit("content/countries/kaz.yaml", BILINGUAL_TITLE, title)
    assert check(capsys, project_copy) == (2, [expected])


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("content/countries/kaz.yaml", "code: kaz\n", "code: kaz\npublishd: 2018-05-01\n",
     "unknown key 'publishd' (did you mean 'published'?)"),
    ("content/en/kaz.yaml", "    crises:\n", "    crisis:\n",
     "unknown domain 'crisis' (did you mean 'crises'?)"),
    ("content/de/domains.yaml", "  name: Partnerschaften", "  nmae: Partnerschaften",
     "unknown key 'nmae' (did you mean 'name'?)"),
])
def test_a_misspelt_name_is_answered_with_the_known_one_it_is_closest_to(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], file: str,
        old: str, new: str, expected: str) -> None:
    edit(file, old, new)
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert any(line.startswith(file) and expected in line for line in lines), lines


def test_a_yaml_syntax_error_names_its_line_and_column_and_nothing_else(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/de/kaz.yaml", "partner: ", "partner: [")
    status, lines = check(capsys, project_copy)
    assert status == 2
    assert len(lines) == 1, lines  # not also every translation record of the unread file
    found = re.match(r"content/de/kaz\.yaml:(\d+):(\d+): YAML syntax error: ", lines[0])
    assert found, lines
    text = (project_copy / "content/de/kaz.yaml").read_text(encoding="utf-8").splitlines()
    line, column = int(found[1]), int(found[2])
    assert 0 < column <= len(text[line - 1]) + 1


#: Two problems each, in one file or in several: (file, old, new) edits, then what each
#: problem's line says (its file, and a part of its message).
UNRELATED_PROBLEMS = {
    "a shape error and an unknown domain in one file": (
        [("content/en/kaz.yaml", "partner: The Economist Intelligence Unit",
          "partner:\n  - The Economist Intelligence Unit"),
         ("content/en/kaz.yaml", "    crises:\n", "    crisis:\n")],
        [("content/en/kaz.yaml", "partner: expected a string, got a list"),
         ("content/en/kaz.yaml", "unknown domain 'crisis'")]),
    "a source file's shape error and a translation's lost footnote": (
        [("content/en/domains.yaml", "  name: Partnerships", "  name: 42"),
         ("content/de/kaz.yaml", "(MGI)[^mgi]", "(MGI)")],
        [("content/en/domains.yaml", "expected a string"),
         ("content/de/kaz.yaml", "kaz.snapshot.introduction.p1: translation lacks [^mgi]")]),
    "a country's unknown key and unknown convention": (
        [("content/countries/kaz.yaml", "  refugees: 1999", "  refugee: 1999"),
         ("content/countries/kaz.yaml", "code: kaz\n", "code: kaz\ncolour: blue\n")],
        [("content/countries/kaz.yaml", "unknown key 'colour'"),
         ("content/countries/kaz.yaml", "unknown convention 'refugee'")]),
    "a broken structure and every file's shape": (
        [("content/structure.yaml", "  - crises\n", "  - 42\n"),
         ("content/countries/kaz.yaml", "code: kaz\n", "code: kaz\ncolour: blue\n"),
         ("content/de/domains.yaml", "  name: Partnerschaften", "  nmae: Partnerschaften")],
        [("content/structure.yaml", "domains[4]"),
         ("content/countries/kaz.yaml", "unknown key 'colour'"),
         ("content/de/domains.yaml", "unknown key 'nmae'")]),
}


@pytest.mark.parametrize("case", list(UNRELATED_PROBLEMS))
def test_a_problem_does_not_hide_another(project_copy: Path, edit: Edit,
                                         capsys: pytest.CaptureFixture[str], case: str) -> None:
    """Shape (the schemas) and references (ids, footnotes, the source's keys) are checked
    together, in every file, so one run tells every problem."""
    edits, expected = UNRELATED_PROBLEMS[case]
    for file, old, new in edits:
        edit(file, old, new)
    status, lines = check(capsys, project_copy)
    assert status == 2
    for file, message in expected:
        assert any(line.startswith(file + ":") and message in line for line in lines), lines


@pytest.mark.parametrize(("old", "new"), [
    ("language: en\n", "language: english\n"),  # the schema's pattern, and Babel's
    ("code: kaz\n", "code: [kaz\n"),  # unreadable, yet the bundles of 'kaz' are not strays
    ("code: kaz\n", "code: kazz\n"),  # not a code, so not one that differs from the file's
])
def test_a_problem_is_told_once_however_many_checks_see_it(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], old: str,
        new: str) -> None:
    edit("content/countries/kaz.yaml", old, new)
    status, lines = check(capsys, project_copy)
    assert (status, len(lines)) == (2, 1), lines


@pytest.mark.parametrize("character", ["\x07", "\x01", "\ufffe"])
def test_a_character_yaml_does_not_allow_is_named_at_its_line(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str],
        character: str) -> None:
    path = edit("content/de/domains.yaml", "  name: Partnerschaften",
                f"  name: Partner{character}schaften")
    line = path.read_text(encoding="utf-8").splitlines().index(
        f"  name: Partner{character}schaften") + 1
    assert check(capsys, project_copy) == (2, [
        f"content/de/domains.yaml:{line}: character U+{ord(character):04X} is not allowed "
        "in a YAML file"])


@pytest.mark.parametrize(("written", "read_as"), [("1", "1"), ("010", "8"), ("no", "False")])
def test_a_key_yaml_reads_as_something_else_than_text_is_refused(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], written: str,
        read_as: str) -> None:
    """A paragraph id '010' would silently be 8, and tools that edit the file (import,
    prune) would not find it again."""
    path = edit("content/de/kaz.yaml", "  disclaimer:\n    p1: >-",
                f"  disclaimer:\n    {written}: >-")
    line = path.read_text(encoding="utf-8").splitlines().index(f"    {written}: >-") + 1
    assert check(capsys, project_copy) == (2, [
        f"content/de/kaz.yaml:{line}: the key {written!r} is read by YAML as {read_as}, not "
        f"as text: quote it ('{written}') or give it a name that begins with a letter"])


def test_missing_findings_are_told_once_not_once_per_domain(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    english = project_copy / "content/en/kaz.yaml"
    text = english.read_text(encoding="utf-8")
    english.write_text(text[:text.index("  findings:\n")] + text[text.index("profile:\n"):],
                       encoding="utf-8")
    status, lines = check(capsys, project_copy)
    assert (status, len(lines)) == (2, 1) and lines[0].endswith("snapshot: missing key "
                                                               "'findings'"), lines
