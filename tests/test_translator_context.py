"""Translators get context and scope: a note on every interface message, each content
passage's place and editions in the exchange file, its key on hover in a review build,
and status and exports limited to the countries and reports they work on, counted in words."""

from __future__ import annotations

import json
import re
import sys
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from translate.storage import pypo

from conftest import ROOT, run_cli
from mgi_report import load_project
from mgi_report.merge import merge
from mgi_report.model import EditionSpec, Text
from mgi_report.paths import ProjectPaths
from mgi_report.render import RenderOptions, render
from mgi_report.translate import export_po, extract_messages, translation_status
from mgi_report.translate.scope import words


def test_every_interface_message_carries_a_note_for_translators() -> None:
    catalog = read_po(BytesIO((ROOT / "locale/messages.pot").read_bytes()))
    unexplained = [m.id for m in catalog if m.id and not m.auto_comments]
    assert unexplained == []
    assert not any("Translators:" in c for m in catalog for c in m.auto_comments)


def test_a_translators_comment_in_a_template_reaches_the_catalog(project_copy: Path) -> None:
    template = project_copy / "templates/sections/contents.html.j2"
    template.write_text(template.read_text(encoding="utf-8").replace(
        "{# Translators: heading of the table of contents. #}",
        "{# Translators: the list of the report's parts, with page numbers in print. #}"),
        encoding="utf-8")
    extract_messages(project_copy)
    for catalog_file in ("messages.pot", "de/LC_MESSAGES/messages.po"):
        catalog = read_po(BytesIO((project_copy / "locale" / catalog_file).read_bytes()))
        assert catalog["Contents"].auto_comments == [
            "the list of the report's parts, with page numbers in print."]


def test_a_content_export_names_each_passage_place_and_the_editions_that_show_it() -> None:
    units = {unit.getcontext(): unit for unit in
             pypo.pofile(export_po(load_project(ROOT), "de")).units if unit.getcontext()}
    notes = units["kaz.profile.findings.migrants-rights.well_developed.p2"].getnotes(
        "developer")
    assert notes == ("Kazakhstan > profile > findings > Migrants’ rights > well_developed > p2\n"
                     "shown in kaz/profile")
    assert units["conventions.crc"].getnotes("developer").endswith("shown in kaz/snapshot")
    assert units["domains.partnerships.name"].getnotes("developer").endswith(
        "shown in kaz/snapshot, kaz/profile")


def test_an_export_scoped_to_a_report_holds_only_what_its_editions_show(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "de.po"
    status, _ = run_cli(capsys, "i18n", "export", "--root", str(ROOT), "--locale", "de",
                        "--report", "profile", "--out", str(out))
    assert status == 0
    keys = {m.context for m in read_po(BytesIO(out.read_bytes())) if m.context}
    assert "kaz.profile.introduction.p1" in keys and "domains.crises.description" in keys
    assert not any(key.startswith(("kaz.snapshot.", "conventions.")) for key in keys)
    assert "domains.crises.title" not in keys  # the profile shows names, not titles


def test_status_counts_source_words_per_state_and_scopes_like_export() -> None:
    project = load_project(ROOT)
    english = project.bundles["en"].entries
    (german,) = translation_status(project, ["de"], reports=["profile"])
    scoped = {m.context for m in read_po(BytesIO(export_po(project, "de", reports=["profile"])))
              if m.context}
    assert german.content.total == len(scoped)
    assert german.words.missing == sum(words(english[key].value) for key in german.missing_keys)
    assert german.words.missing > german.content.missing  # words, not keys
    assert set(german.missing_keys) <= scoped
    (everything,) = translation_status(project, ["de"])
    assert everything.words.total == sum(words(entry.value) for entry in english.values())


def test_words_are_counted_in_the_reading_text() -> None:
    assert words("See the [IOM site](https://iom.int) and *this*.[^mgi]") == 6


def test_status_names_the_keys_behind_its_counts_with_verbose(
        capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main_status("--locale", "de", "--country", "kaz", "-v") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "de missing: kaz.snapshot.findings.crises.well_developed.p1" in lines
    assert main_status("--locale", "de", "--json") == 0
    (record,) = json.loads(capsys.readouterr().out)
    assert record["words"]["missing"] > 0


def main_status(*args: str) -> int:
    from mgi_report.cli import main

    return main(["i18n", "status", "--root", str(ROOT), *args])


@pytest.mark.parametrize("report", ["snapshot", "profile"])
def test_in_a_review_build_every_passage_on_the_page_shows_its_key_on_hover(
        report: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module = sys.modules["mgi_report.render"]
    on_page: set[str] = set()
    markdown = module._md

    def recorded(ctx: object, value: object, lang: str | None = None) -> object:
        if isinstance(value, Text):
            on_page.add(value.key)
        return markdown(ctx, value, lang)

    recorded.jinja_pass_arg = markdown.jinja_pass_arg  # type: ignore[attr-defined]
    monkeypatch.setattr(module, "_md", recorded)
    project = load_project(ROOT)
    edition = merge(project, EditionSpec("kaz", report, "de"))
    html = render(ProjectPaths(ROOT), edition, RenderOptions(mark_fallback=True)).html
    titled = set(re.findall(r' title="([a-z0-9][a-z0-9_.-]*)"', html))
    assert on_page and on_page <= titled
