"""Paragraph segments: every paragraph or list item is its own unit with a stable id, so an
edit outdates only its paragraph and a new English paragraph falls back on its own."""

from __future__ import annotations

import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from mgi_report import build, load_project
from mgi_report.cli import main
from mgi_report.translate import export_po, segment_paragraphs, translation_status, yamledit

Edit = Callable[[str, str, str], Path]
INTRODUCTION = "kaz.snapshot.introduction"
PARAGRAPH_ID = re.compile(r"p\d+")


def test_editing_one_paragraph_outdates_only_that_paragraph(project_copy: Path,
                                                            edit: Edit) -> None:
    edit("content/en/kaz.yaml", "The MGI is a tool based on policy inputs",
         "The MGI is a tool built on policy inputs")
    german, russian = translation_status(load_project(project_copy), ["de", "ru"])
    assert german.outdated_keys == russian.outdated_keys == (f"{INTRODUCTION}.p2",)


def test_a_new_english_paragraph_shows_in_english_between_the_translated_ones(
        project_copy: Path, edit: Edit, tmp_path: Path) -> None:
    edit("content/en/kaz.yaml", "    p2: >-\n      The MGI is a tool",
         "    p1-added: An English paragraph added after the translation.\n"
         "    p2: >-\n      The MGI is a tool")
    project = load_project(project_copy)
    (german,) = translation_status(project, ["de"])
    assert german.outdated_keys == ()
    assert f"{INTRODUCTION}.p1-added" in german.missing_keys
    build(project_copy, tmp_path / "out", locales=["de"], reports=["snapshot"],
          formats=["html"])
    html = (tmp_path / "out/kaz/snapshot.de.html").read_text(encoding="utf-8")
    introduction = html.split('id="introduction"')[1].split("</section>")[0]
    paragraphs = re.findall(r"<p( lang=\"en\")?>(.{20})", introduction)
    assert paragraphs == [("", "Im Jahr 2015 entwick"),
                          (' lang="en"', "An English paragraph"),
                          ("", "Die MGI sind ein Ins"),
                          ("", "Diese Länder-Momenta")]


def test_each_paragraph_is_its_own_po_message() -> None:
    from conftest import ROOT

    catalog = read_po(BytesIO(export_po(load_project(ROOT), "de")))
    introduction = [m for m in catalog if str(m.context).startswith(f"{INTRODUCTION}.")]
    assert [m.context for m in introduction] == [f"{INTRODUCTION}.p{n}" for n in (1, 2, 3)]
    assert all("\n\n" not in str(m.id) for m in catalog)
    assert all(m.string and not m.fuzzy for m in introduction)


def test_a_list_of_paragraphs_is_answered_with_how_to_give_them_ids(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/en/kaz.yaml", "  disclaimer:\n    p1: >-", "  disclaimer:\n    - >-")
    assert main(["check", "--root", str(project_copy)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("content/en/kaz.yaml:") and "kaz.snapshot.disclaimer" not in line
    assert "snapshot.disclaimer: expected paragraphs each under an id (p1: …" in line
    assert "mgi-report i18n segment" in line


def _numbered(ids: list[str]) -> bool:
    """p1, p2 … pn: paragraphs a list can hold (a translation of p1 and p3 alone cannot)."""
    return ids == [f"p{number}" for number in range(1, len(ids) + 1)]


def _as_lists(node: object) -> None:
    """Content as it was written before paragraph ids: each block a list."""
    if not isinstance(node, CommentedMap):
        return
    for key, value in list(node.items()):
        if isinstance(value, CommentedMap) and value and _numbered([str(k) for k in value]):
            node[key] = CommentedSeq(value.values())
        else:
            _as_lists(value)


def _records_as_lists(records: CommentedMap) -> CommentedMap:
    ids: dict[str, list[str]] = {}
    for key in records:
        block, _, last = str(key).rpartition(".")
        if PARAGRAPH_ID.fullmatch(last):
            ids.setdefault(block, []).append(last)
    lists = CommentedMap()
    for key, value in records.items():
        block, _, last = str(key).rpartition(".")
        if PARAGRAPH_ID.fullmatch(last) and _numbered(ids[block]):
            lists.setdefault(block, CommentedSeq()).append(value)
        else:
            lists[key] = value
    lists.ca.comment = records.ca.comment
    return lists


def test_content_written_as_lists_segments_into_exactly_today_s_content(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing lost, nothing newly outdated: today's translations, written as lists (as
    they were before paragraph ids) where a list can hold them, come back byte for byte."""
    today = {path: path.read_bytes() for path in (project_copy / "content").rglob("*.yaml")}
    for path in today:
        if path.parent.name in {"countries", "content"} or path.stem == "locale":
            continue
        document = yamledit.load(path)
        if path.stem == "translated_from":
            document = _records_as_lists(document)
        else:
            _as_lists(document)
        path.write_bytes(yamledit.dump(document))
    german = project_copy / "content/de/kaz.yaml"
    assert "  introduction:\n    - >-" in german.read_text(encoding="utf-8")
    assert main(["i18n", "segment", "--root", str(project_copy)]) == 0
    assert "blocks given paragraph ids" in capsys.readouterr().out
    assert {path: path.read_bytes() for path in today} == today


def test_segmenting_refuses_a_translation_with_another_number_of_paragraphs(
        project_copy: Path, edit: Edit) -> None:
    from mgi_report.errors import InputError

    edit("content/en/kaz.yaml", "  disclaimer:\n    p1: >-", "  disclaimer:\n    - >-")
    edit("content/de/kaz.yaml", "  disclaimer:\n    p1: >-",
         "  disclaimer:\n    - Ein zweiter Absatz.\n    - >-")
    before = (project_copy / "content/en/kaz.yaml").read_bytes()
    with pytest.raises(InputError) as raised:
        segment_paragraphs(project_copy)
    (problem,) = raised.value.problems
    assert (problem.file, problem.key) == ("content/de/kaz.yaml", "kaz.snapshot.disclaimer")
    assert "2 paragraphs, the source has 1" in problem.message
    assert (project_copy / "content/en/kaz.yaml").read_bytes() == before


def test_a_translation_still_written_as_a_list_takes_the_ids_its_source_has_already(
        project_copy: Path, edit: Edit) -> None:
    edit("content/en/kaz.yaml", "  disclaimer:\n    p1: >-", "  disclaimer:\n    main: >-")
    edit("content/de/kaz.yaml", "  disclaimer:\n    p1: >-", "  disclaimer:\n    - >-")
    edit("content/de/translated_from.yaml", "kaz.snapshot.disclaimer.p1: ",
         "kaz.snapshot.disclaimer:\n  - ")
    segment_paragraphs(project_copy)
    project = load_project(project_copy)
    assert "kaz.snapshot.disclaimer.main" in project.bundles["de"].entries
    (german,) = translation_status(project, ["de"])
    assert german.outdated_keys == () and "kaz.snapshot.disclaimer.main" not in \
        german.missing_keys


def test_segmenting_keeps_the_comments_between_paragraphs(project_copy: Path,
                                                          edit: Edit) -> None:
    for locale in ("en", "de", "ru"):
        edit(f"content/{locale}/kaz.yaml", "  introduction:\n    p1: >-",
             "  introduction:\n    - >-")
        edit(f"content/{locale}/kaz.yaml", "    p2: >-", "    # the second paragraph\n    - >-")
        edit(f"content/{locale}/kaz.yaml", "    p3: >-", "    - >-")
    for locale in ("de", "ru"):
        records = project_copy / f"content/{locale}/translated_from.yaml"
        text = records.read_text(encoding="utf-8")
        for number in (1, 2, 3):
            prefix = "kaz.snapshot.introduction:\n  - " if number == 1 else "  - "
            text = text.replace(f"kaz.snapshot.introduction.p{number}: ", prefix)
        records.write_text(text, encoding="utf-8")
    segment_paragraphs(project_copy)
    text = (project_copy / "content/de/kaz.yaml").read_text(encoding="utf-8")
    assert "    # the second paragraph\n    p2: >-\n" in text
    (german,) = translation_status(load_project(project_copy), ["de"])
    assert german.outdated_keys == ()


def test_segmenting_a_project_with_a_broken_file_names_it_and_changes_nothing(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/en/kaz.yaml", "  disclaimer:\n    p1: >-", "  disclaimer:\n    - >-")
    edit("content/ru/kaz.yaml", "partner: ", "partner: [")
    before = (project_copy / "content/en/kaz.yaml").read_bytes()
    assert main(["i18n", "segment", "--root", str(project_copy)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("content/ru/kaz.yaml:") and "YAML syntax error" in line
    assert (project_copy / "content/en/kaz.yaml").read_bytes() == before


def test_a_translation_record_written_as_a_list_is_answered_with_the_same_hint(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/de/translated_from.yaml", "kaz.snapshot.disclaimer.p1: ",
         "kaz.snapshot.disclaimer:\n  - ")
    assert main(["check", "--root", str(project_copy)]) == 2
    err = capsys.readouterr().err
    assert "content/de/translated_from.yaml:" in err and "mgi-report i18n segment" in err
