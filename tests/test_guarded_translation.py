"""Translators' work is guarded: imports land where they should, catalogs are read as
strictly as msgfmt, and no translation drops a footnote, a link or a placeholder."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli
from faults import FAULTS, snapshot
from mgi_report import load_project
from mgi_report.cli import main
from mgi_report.publish import workspace
from mgi_report.translate import export_po, translation_status

Edit = Callable[[str, str, str], Path]
PO_HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
             '"Language: {language}\\n"\n\n')

INTRODUCTION = "kaz.snapshot.introduction"


def content_po(tmp_path: Path, language: str, body: str) -> Path:
    po = tmp_path / "upload.po"
    po.write_text(PO_HEADER.format(language=language) + body, encoding="utf-8")
    return po


def german_po(project: Path, tmp_path: Path) -> Path:
    po = tmp_path / "de.po"
    po.write_bytes(export_po(load_project(project), "de"))
    return po


@pytest.mark.parametrize("locale", ["countries", "en", "xx", "../de", "de_XX_bad"])
def test_import_into_a_folder_that_is_not_a_translation_locale_is_refused(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        locale: str) -> None:
    po = german_po(project_copy, tmp_path)
    before = snapshot(project_copy / "content")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), "--locale",
                      locale, "--force", str(po))
    assert status == 2
    assert len(err) == 1 and "Traceback" not in err[0]
    assert snapshot(project_copy / "content") == before


def test_a_po_for_another_language_is_refused_unless_forced(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    po = german_po(project_copy, tmp_path)
    before = snapshot(project_copy / "content/ru")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), "--locale", "ru",
                      str(po))
    assert status == 2
    line = po.read_text(encoding="utf-8").split("\n").index('"Language: de\\n"') + 1
    assert err == [f"{po}:{line}: Language: this PO is for 'de' (its Language header), not "
                   "'ru'; pass --force to import it anyway"]
    assert snapshot(project_copy / "content/ru") == before


def test_a_po_exported_before_the_source_changed_stays_outdated_after_import(
        project_copy: Path, tmp_path: Path, edit: Edit,
        capsys: pytest.CaptureFixture[str]) -> None:
    po = german_po(project_copy, tmp_path)
    edit("content/en/domains.yaml", "name: Partnerships", "name: International partnerships")
    status, _ = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(po))
    assert status == 0
    german = translation_status(load_project(project_copy), ["de"])[0]
    assert "domains.partnerships.name" in german.outdated_keys


@pytest.mark.parametrize(("translation", "message"), [
    ("Die MGI wurden entwickelt.", "translation lacks [^mgi]"),
    ("Die MGI[^mgi][^mgi] wurden entwickelt.", "a different number of times"),
    ("Siehe [hier](https://evil.example/) und[^mgi].", "adds https://evil.example/"),
])
def test_an_imported_translation_must_keep_footnotes_and_links(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        translation: str, message: str) -> None:
    msgid = load_project(project_copy).bundles["en"].entries[f"{INTRODUCTION}.p1"].value
    assert "[^mgi]" in msgid
    translated = translation

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    po = content_po(tmp_path, "de", f'msgctxt "{INTRODUCTION}.p1"\n'
                                    f'msgid {quoted(msgid)}\nmsgstr {quoted(translated)}\n')
    before = snapshot(project_copy / "content/de")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(po))
    assert status == 2
    assert len(err) == 1
    assert err[0].startswith(f"{po}:7: {INTRODUCTION}.p1: ") and message in err[0]
    assert snapshot(project_copy / "content/de") == before


def test_a_yaml_translation_without_the_footnote_call_fails_check(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("content/de/kaz.yaml", "(MGI)[^mgi]", "(MGI)")
    status, err = run_cli(capsys, "check", "--root", str(project_copy))
    assert status == 2
    assert len(err) == 1
    assert re.match(r"content/de/kaz\.yaml:\d+: kaz\.snapshot\.introduction\.p1: translation "
                    r"lacks \[\^mgi\]", err[0]), err


CATALOG_FAULTS = {
    "unterminated string": ('msgstr "Wichtigste Ergebnisse"', 'msgstr "Wichtigste Ergebnisse',
                            "unterminated or malformed string"),
    "duplicate message": ('msgid "Key findings"\nmsgstr "Wichtigste Ergebnisse"\n',
                          'msgid "Key findings"\nmsgstr "Wichtigste Ergebnisse"\n\n'
                          'msgid "Key findings"\nmsgstr "Ergebnisse"\n', "duplicate message"),
    "plural index out of range": ('msgstr[1] "%(num)s Übereinkommen ratifiziert"',
                                  'msgstr[1] "%(num)s Übereinkommen ratifiziert"\n'
                                  'msgstr[2] "%(num)s mehr"', "more translations"),
    "bad plural formula": ("plural=(n != 1)", "plural=(n !=== 1", "plural formula"),
    "plural formula that divides by zero": ("plural=(n != 1)", "plural=(n % 0)",
                                            "plural formula fails"),
    "plural formula beyond nplurals": ("plural=(n != 1)", "plural=n", "beyond nplurals"),
    "unknown charset": ("charset=utf-8", "charset=klingon", "unknown charset"),
    "plural form without its number": ('msgstr[1] "%(num)s Übereinkommen ratifiziert"',
                                       'msgstr[1] "Übereinkommen ratifiziert"',
                                       "argument 'num' doesn't exist in 'msgstr[1]'"),
    "stray percent": ('msgstr "Wichtigste Ergebnisse"', 'msgstr "Wichtigste Ergebnisse 100%"',
                      "stray '%'"),
    "another language's catalog": ('"Language: de\\n"', '"Language: ru\\n"',
                                   "catalog is for 'ru'"),
    "no header": ('msgid ""\nmsgstr ""\n', 'msgid "x"\nmsgstr ""\n', "no header entry"),
}


@pytest.mark.parametrize("fault", sorted(CATALOG_FAULTS))
def test_a_catalog_msgfmt_would_reject_fails_check_with_file_and_line(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], fault: str) -> None:
    old, new, message = CATALOG_FAULTS[fault]
    edit("locale/de/LC_MESSAGES/messages.po", old, new)
    status, err = run_cli(capsys, "check", "--root", str(project_copy))
    assert status == 2, err
    assert err and all(line.startswith("locale/de/LC_MESSAGES/messages.po:") for line in err)
    assert any(message in line for line in err), err
    assert "Traceback" not in "\n".join(err)


def test_extract_with_a_template_that_does_not_parse_changes_no_catalog(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str]) -> None:
    edit("templates/sections/contents.html.j2", '{{ _("Key sources") }}',
         '{{ _("Key sources") }')
    before = snapshot(project_copy / "locale")
    status, err = run_cli(capsys, "i18n", "extract", "--root", str(project_copy))
    assert status == 2
    assert len(err) == 1 and err[0].startswith("templates/sections/contents.html.j2:")
    assert snapshot(project_copy / "locale") == before


def test_extract_on_an_untouched_project_changes_nothing(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(project_copy / "locale")
    status, _ = run_cli(capsys, "i18n", "extract", "--root", str(project_copy))
    assert status == 0
    assert snapshot(project_copy / "locale") == before


@pytest.mark.parametrize("problem", ["link out", "not UTF-8"])
def test_extract_reads_templates_through_the_project_boundary(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        problem: str) -> None:
    template = project_copy / "templates/sections/contents.html.j2"
    if problem == "link out":
        outside = tmp_path / "outside.html.j2"
        outside.write_text('{{ _("Secret outside the project") }}', encoding="utf-8")
        template.unlink()
        template.symlink_to(outside)
    else:
        template.write_bytes(b'{{ _("Key sources") }}\n\xff\xfe')
    before = snapshot(project_copy / "locale")
    status, err = run_cli(capsys, "i18n", "extract", "--root", str(project_copy))
    assert status == 2
    assert len(err) == 1 and err[0].startswith("templates/sections/contents.html.j2:"), err
    assert snapshot(project_copy / "locale") == before


@pytest.mark.parametrize("target", ["content/en/kaz.yaml", "locale/de/LC_MESSAGES/x.po",
                                    "templates/x.po"])
def test_export_never_overwrites_the_projects_inputs(
        project_copy: Path, capsys: pytest.CaptureFixture[str], target: str) -> None:
    before = snapshot(project_copy)
    status, err = run_cli(capsys, "i18n", "export", "--root", str(project_copy), "--locale", "de",
                      "--out", str(project_copy / target))
    assert status == 2 and len(err) == 1 and "refused" in err[0]
    assert snapshot(project_copy) == before


def test_importing_a_fifo_is_refused_at_once(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "de.po"
    os.mkfifo(fifo)
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(fifo))
    assert (status, err) == (2, [f"{fifo}: not a regular file"])


@pytest.mark.parametrize("out", [".", "..", "content/xx", "templates/out", "locale"])
def test_build_output_inside_the_inputs_is_refused(
        project_copy: Path, capsys: pytest.CaptureFixture[str], out: str) -> None:
    status, err = run_cli(capsys, "build", "--root", str(project_copy), "--out",
                      str(project_copy / out), "--format", "html")
    assert status == 2 and len(err) == 1 and "refused: " in err[0]
    assert not (project_copy / "content/xx").exists()


def test_an_import_killed_at_any_change_leaves_the_old_or_the_new_locale(
        project_copy: Path, tmp_path: Path, edit: Edit) -> None:
    edit("content/en/domains.yaml", "name: Partnerships", "name: International partnerships")
    po = content_po(tmp_path, "de", 'msgctxt "domains.partnerships.name"\n'
                                    'msgid "International partnerships"\n'
                                    'msgstr "Internationale Partnerschaften"\n')
    german = project_copy / "content/de"
    pristine = tmp_path / "pristine"
    import shutil

    shutil.copytree(german, pristine)
    args = ["i18n", "import", "--root", str(project_copy), str(po)]

    def reset() -> None:
        shutil.rmtree(german)
        shutil.rmtree(workspace(german), ignore_errors=True)
        shutil.copytree(pristine, german)

    old = snapshot(german)
    changes = FAULTS.count(lambda: main(args))
    new = snapshot(german)
    assert new != old and new.keys() == old.keys()
    assert "Internationale Partnerschaften" in new["domains.yaml"].decode()
    for at in range(1, changes + 1):
        reset()
        assert FAULTS.kill(at, lambda: main(args)) == 137
        assert snapshot(german) in (old, new), f"import killed at change {at}: mixed locale"
        assert load_project(project_copy).bundles["de"]


def test_an_import_reads_the_locale_while_holding_its_lock(
        project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Two imports into one locale cannot both read the old files and each write its own
    version over the other's: the content is read again once the lock is held."""
    import fcntl
    import importlib

    stages = importlib.import_module("mgi_report.build")  # the module, not build()
    po = german_po(project_copy, tmp_path)
    lock = workspace(project_copy / "content/de") / "lock"
    locked_reads: list[bool] = []
    real_load = stages.load_project

    def load_project(root: Path) -> object:
        handle = os.open(lock, os.O_RDWR) if lock.exists() else None
        if handle is None:
            locked_reads.append(False)
        else:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked_reads.append(False)
            except BlockingIOError:
                locked_reads.append(True)
            finally:
                os.close(handle)
        return real_load(root)

    monkeypatch.setattr(stages, "load_project", load_project)
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(po))
    assert status == 0, err
    assert locked_reads[-1] is True, locked_reads
