"""Incremental builds: an edition whose inputs and files are as the last build left them
is not made again; an edit makes again exactly the editions that show it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, copy_project
from mgi_report.build import BuildResult, build, load_project, select
from mgi_report.merge import merge

SENTENCE = "approximately 90 indicators"


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file()}


def made(result: BuildResult) -> set[str]:
    return {record.edition for record in result.outputs} - set(result.unchanged)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def test_a_rebuild_with_nothing_changed_makes_no_edition_again(project: Path,
                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(project, out, formats=["html"])
    before = files(out)
    again = build(project, out, formats=["html"])
    assert made(first) and made(again) == set()
    assert set(again.unchanged) == {record.edition for record in first.outputs}
    assert files(out) == before


def test_one_edited_sentence_makes_again_only_the_editions_that_show_it(
        project: Path, tmp_path: Path) -> None:
    out, clean = tmp_path / "out", tmp_path / "clean"
    build(project, out, formats=["html"])
    bundle = project / "content/en/kaz.yaml"
    text = bundle.read_text(encoding="utf-8")
    assert text.count(SENTENCE) >= 1
    key = "kaz.snapshot.introduction.p1"
    bundle.write_text(text.replace(SENTENCE, "about 90 indicators", 1), encoding="utf-8")
    edited = load_project(project)
    showing = {spec.name for spec in select(edited)
               if (shown := merge(edited, spec).texts.get(key)) and shown.lang == "en"
               and "about 90 indicators" in str(shown.value)}
    assert showing == {"kaz/snapshot.en"}, "the edit must be one only English shows"
    result = build(project, out, formats=["html"])
    assert made(result) == showing
    build(project, clean, formats=["html"])
    assert files(out) == files(clean)


def test_an_edited_template_makes_again_only_the_editions_that_include_it(
        project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(project, out, formats=["html"])
    wheel = project / "templates/sections/profile/wheel.html.j2"
    wheel.write_text(wheel.read_text(encoding="utf-8") + "{# reviewed #}\n", encoding="utf-8")
    result = build(project, out, formats=["html"])
    assert made(result) == {r.edition for r in first.outputs if "/profile." in r.edition}


def test_an_output_file_changed_since_is_made_again_and_force_makes_all(
        project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = build(project, out, formats=["html"])
    before = files(out)
    page = out / "kaz/profile.de.html"
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>tampered</p></body>"))
    result = build(project, out, formats=["html"])
    assert made(result) == {"kaz/profile.de"}
    assert files(out) == before
    forced = build(project, out, formats=["html"], force=True)
    assert made(forced) == {record.edition for record in first.outputs}
    assert files(out) == before


def test_a_pdf_made_again_is_byte_identical_to_a_clean_build(project: Path,
                                                              tmp_path: Path) -> None:
    out, clean = tmp_path / "out", tmp_path / "clean"
    build(project, out, reports=["profile"], locales=["en"])
    settings = project / "content/en/locale.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "  - Almaty\n",
                        encoding="utf-8")
    result = build(project, out, reports=["profile"], locales=["en"])
    assert made(result) == {"kaz/profile.en"}
    build(project, clean, reports=["profile"], locales=["en"])
    assert files(out) == files(clean)


CLI = "import sys; from mgi_report.cli import main; sys.exit(main())"


def run_cli_process(*args: str, cache: Path, code: str = CLI) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          env=environment, check=False)


def test_a_rebuild_with_nothing_to_do_never_loads_the_pdf_template_or_catalog_libraries(
        project: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    edition = ("--report", "profile", "--locale", "en")
    first = run_cli_process("build", "--root", str(project), "--out", str(out), *edition,
                            cache=cache)
    assert first.returncode == 0, first.stderr
    heavy = ("weasyprint", "pikepdf", "pypdf", "lxml", "ruamel.yaml", "jinja2",
             "babel.messages", "babel.dates", "ssl")
    probe = ("import sys; from mgi_report.cli import main; status = main(); "
             f"print([name for name in {heavy!r} if name in sys.modules]); sys.exit(status)")
    done = run_cli_process("build", "--root", str(project), "--out", str(out), *edition,
                           cache=cache, code=probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]" and "[1/1] kaz/profile.en  unchanged" in done.stderr


def test_font_coverage_is_kept_in_the_user_cache_and_a_damaged_entry_is_worked_out_again(
        project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run_cli_process("check", "--root", str(project), cache=cache).returncode == 0
    entries = sorted(cache.glob("mgi-report/font-coverage-*/*.json"))
    assert len(entries) == len(list((project / "templates/fonts").glob("*.woff2")))
    kept = entries[0].read_bytes()
    assert json.loads(kept)["characters"]
    entries[0].write_text('{"characters": "nonsense"', encoding="utf-8")
    for passed in cache.glob("mgi-report/checked-*"):  # or the unchanged wording is not
        shutil.rmtree(passed)                            # checked again at all
    assert run_cli_process("check", "--root", str(project), cache=cache).returncode == 0
    assert entries[0].read_bytes() == kept


def test_weasyprint_is_handed_fonts_it_need_not_decode(project: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint.text.fonts

    decoded: list[object] = []
    woff2 = weasyprint.text.fonts.woff2

    class Recording:
        @staticmethod
        def decompress(*args: object) -> None:
            decoded.append(args)
            woff2.decompress(*args)

    monkeypatch.setattr(weasyprint.text.fonts, "woff2", Recording)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    result = build(project, tmp_path / "out", reports=["profile"], locales=["en"],
                   formats=["pdf"], jobs=1)
    assert result.outputs[0].pages and decoded == []


@pytest.fixture
def laid_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every page the builds of a test hand to the layout engine, in order (with a user
    cache of the test's own)."""
    from mgi_report.write import LaidOut, lay_out

    pages: list[str] = []

    def recorded(html: str, assets: Path, variant: str, identifier: str) -> LaidOut:
        pages.append(html)
        return lay_out(html, assets, variant, identifier)

    monkeypatch.setattr(sys.modules["mgi_report.build"], "lay_out", recorded)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return pages


def test_the_pdf_layout_reads_the_fonts_from_templates_and_the_html_edition_embeds_them(
        project: Path, tmp_path: Path, laid_out: list[str]) -> None:
    """Embedded, the faces are a megabyte of base64 that WeasyPrint would parse and decode
    for every edition; the layout's page is the HTML edition's with the fonts linked."""
    build(project, tmp_path / "out", reports=["profile"], locales=["en"], jobs=1)
    faces = sorted(p.name for p in (project / "templates/fonts").glob("*.woff2"))
    assert laid_out and "data:font" not in laid_out[-1]
    assert sorted(set(re.findall(r'url\("fonts/([^"]+)"\)', laid_out[-1]))) == faces
    page = (tmp_path / "out/kaz/profile.en.html").read_text(encoding="utf-8")
    assert "data:font/woff2;base64," in page and "url(\"fonts/" not in page
    linked = re.sub(r'url\("fonts/[^"]+"\)', "", laid_out[-1])
    embedded = re.sub(r'url\("data:font/[^"]+"\)', "", page)
    assert len(linked) == pytest.approx(len(embedded), rel=0.05)


def test_decoded_fonts_are_kept_in_the_user_cache_and_a_damaged_entry_is_not_used(
        project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    edition = ["--report", "profile", "--locale", "en", "--format", "pdf", "--jobs", "1"]
    first = run_cli_process("build", "--root", str(project), "--out", str(tmp_path / "a"),
                            *edition, cache=cache)
    assert first.returncode == 0, first.stderr
    entries = sorted(cache.glob("mgi-report/sfnt-*/*.bin"))
    assert len(entries) == len(list((project / "templates/fonts").glob("*.woff2")))
    assert all(entry.read_bytes()[:4] in {b"\0\1\0\0", b"OTTO", b"true"} for entry in entries)
    kept = entries[0].read_bytes()
    entries[0].write_bytes(kept[:1000] + bytes(len(kept) - 1000))
    again = run_cli_process("build", "--root", str(project), "--out", str(tmp_path / "b"),
                            *edition, cache=cache)
    assert again.returncode == 0, again.stderr
    assert files(tmp_path / "a") == files(tmp_path / "b")
    assert entries[0].read_bytes() == kept


def test_a_second_build_of_the_same_inputs_lays_out_once_with_the_words_kept_whole_before(
        project: Path, tmp_path: Path, laid_out: list[str]) -> None:
    layouts = laid_out
    edition = {"reports": ["profile"], "locales": ["de"], "formats": ["pdf"], "jobs": 1}
    build(project, tmp_path / "searched", **edition)  # type: ignore[arg-type]
    assert len(layouts) >= 2, "the German profile no longer has a ladder to break"
    searched = layouts[-1]
    layouts.clear()
    build(project, tmp_path / "remembered", **edition)  # type: ignore[arg-type]
    assert layouts == [searched]
    assert files(tmp_path / "searched") == files(tmp_path / "remembered")

    for entry in (tmp_path / "cache").glob("mgi-report/layout-*/*.json"):
        entry.write_text('{"kept_whole": "Menschen', encoding="utf-8")
    layouts.clear()
    build(project, tmp_path / "damaged", **edition)  # type: ignore[arg-type]
    assert len(layouts) >= 2 and layouts[-1] == searched
    assert files(tmp_path / "damaged") == files(tmp_path / "searched")


def test_language_names_are_kept_in_the_user_cache_and_a_damaged_one_is_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mgi_report.languages import language_name

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert language_name("de") == "Deutsch"
    (record,) = tmp_path.glob("mgi-report/language-names-babel-*/de.json")
    assert json.loads(record.read_text(encoding="utf-8")) == "Deutsch"
    record.write_text('{"not": "a name"}', encoding="utf-8")
    assert language_name("de") == "Deutsch"
    assert json.loads(record.read_text(encoding="utf-8")) == "Deutsch"


def test_unchanged_wording_and_content_are_not_checked_again_and_a_changed_catalog_is(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What passed the schemas, the strict PO reading and the font coverage with the same
    bytes (and the same mgi-report) is known to pass; one changed byte checks it again."""
    import jsonschema

    from mgi_report import catalogs
    from mgi_report.errors import InputError

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    out = tmp_path / "out"
    build(project, out, formats=["html"], reports=["profile"])
    stages = sys.modules["mgi_report.build"]  # the module: the package exports build()

    def checked_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("checked again")

    with monkeypatch.context() as refusing:
        refusing.setattr(stages, "check_wording", checked_again)
        refusing.setattr(catalogs, "read_catalog", checked_again)
        refusing.setattr(jsonschema, "Draft202012Validator", checked_again)
        assert made(build(project, out, formats=["html"], reports=["profile"])) == set()
    catalog = project / "locale/de/LC_MESSAGES/messages.po"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace('"Seite %(page)s von %(pages)s"', '"Seite %(page)s"'),
                       encoding="utf-8")
    assert catalog.read_text(encoding="utf-8") != text
    with pytest.raises(InputError) as raised:
        build(project, out, formats=["html"], reports=["profile"])
    assert "messages.po:218:" in str(raised.value.problems[0]) and "pages" in str(
        raised.value.problems[0])


def test_templates_are_compiled_once_and_again_when_their_source_changes(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jinja2

    from mgi_report import render

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    render._compiled_templates.cache_clear()
    monkeypatch.setattr(render, "_compiled_templates", render._compiled_templates.__wrapped__)
    compiled: list[str] = []
    compile_template = jinja2.Environment._compile

    def counted(self: jinja2.Environment, source: str, filename: str) -> Any:
        compiled.append(Path(filename).name)
        return compile_template(self, source, filename)

    monkeypatch.setattr(jinja2.Environment, "_compile", counted)
    options: dict[str, Any] = {"formats": ["html"], "reports": ["profile"], "locales": ["en"],
                               "jobs": 1, "force": True}
    out = tmp_path / "out"
    build(project, out, **options)
    assert "wheel.html.j2" in compiled
    compiled.clear()
    build(project, out, **options)
    assert compiled == []
    wheel = project / "templates/sections/profile/wheel.html.j2"
    wheel.write_text(wheel.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(project, out, **options)
    assert compiled == ["wheel.html.j2"]


def test_a_build_writes_its_manifest_once_with_the_site_pages_in_it(
        project: Path, tmp_path: Path, manifest_writes: list[str]) -> None:
    out = tmp_path / "out"
    build(project, out, formats=["html"], reports=["profile"], locales=["en", "de"], jobs=1)
    assert manifest_writes == ["manifest.json"]
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert "index.html" in recorded["site"]
    assert {entry["path"] for entry in recorded["outputs"]} == {
        "kaz/profile.en.html", "kaz/profile.de.html"}
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "kaz/profile.de.html" in index and "kaz/profile.en.html" in index


def test_a_hyphenation_dictionary_is_parsed_once_per_machine_and_breaks_words_as_pyphen_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyphen  # type: ignore[import-untyped]

    from mgi_report.hyphenation import use_kept_dictionaries

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    words = ["Migrationssteuerung", "Staatsangehörigkeitsgesetz", "Arbeitsmigration",
             "Rückübernahmeabkommen", "Bevölkerungsentwicklung"]
    kept = tmp_path / "cache/mgi-report"
    monkeypatch.setattr(pyphen, "hdcache", {})  # pyphen's own, as WeasyPrint alone has it
    expected = [pyphen.Pyphen(lang="de_DE", cache=False).inserted(word) for word in words]
    monkeypatch.setattr(pyphen, "hdcache", {})
    use_kept_dictionaries()
    assert not list(kept.glob("hyphenation-*/*.bin"))
    assert [pyphen.Pyphen(lang="de_DE").inserted(word) for word in words] == expected
    assert len(list(kept.glob("hyphenation-*/*.bin"))) == 1

    def parse(*_: object) -> None:
        raise AssertionError("the dictionary was parsed again")

    monkeypatch.setattr(pyphen, "hdcache", {})  # a new process: pyphen has parsed nothing
    use_kept_dictionaries()
    with monkeypatch.context() as patched:
        patched.setattr(pyphen.HyphDict, "__init__", parse)
        assert [pyphen.Pyphen(lang="de_DE").inserted(word) for word in words] == expected

    entry = next(kept.glob("hyphenation-*/*.bin"))
    entry.write_bytes(entry.read_bytes()[:-9])  # damaged: parsed again, not used
    monkeypatch.setattr(pyphen, "hdcache", {})
    use_kept_dictionaries()
    assert [pyphen.Pyphen(lang="de_DE").inserted(word) for word in words] == expected


@pytest.mark.parametrize("threads", [1, 2])
def test_a_first_build_works_out_the_faces_characters_in_parallel_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: int) -> None:
    """One forked process per core; none in a process with other threads running (serve),
    where a fork could deadlock: there the faces are worked out one after another."""
    import threading

    from mgi_report import fonts
    from mgi_report.paths import ProjectPaths

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(threading, "active_count", lambda: threads)
    fonts._coverage.cache_clear()
    decoded_by = tmp_path / "decoded-by"
    decode = fonts._decoded_coverage

    def recorded(data: bytes) -> frozenset[int] | str:
        with decoded_by.open("a", encoding="utf-8") as record:
            record.write(f"{os.getpid()}\n")
        return decode(data)

    monkeypatch.setattr(fonts, "_decoded_coverage", recorded)
    try:
        shipped = fonts.shipped_fonts(ProjectPaths(ROOT))
    finally:
        fonts._coverage.cache_clear()
    processes = decoded_by.read_text(encoding="utf-8").split()
    files = len({p.read_bytes() for p in (ROOT / "templates/fonts").glob("*.woff2")})
    assert len(processes) == files
    if threads == 1:
        assert str(os.getpid()) not in processes and len(set(processes)) <= 2
    else:
        assert set(processes) == {str(os.getpid())}
    assert len(list((tmp_path / "cache").glob("mgi-report/font-coverage-*/*.json"))) == files
    assert len(shipped.faces) >= files and all(face.coverage for face in shipped.faces)


def test_a_changed_manifest_is_put_back_as_a_clean_build_writes_it(project: Path,
                                                                   tmp_path: Path) -> None:
    """A manifest changed only in its spacing or in what a build writes anew is written
    again; a changed entry makes the editions again, since what it says of their files
    (pages, fallback messages) is not copied on."""
    out, clean = tmp_path / "out", tmp_path / "clean"
    options: dict[str, Any] = {"formats": ["html"], "reports": ["profile"],
                               "locales": ["en", "de"], "jobs": 1}
    build(project, clean, **options)
    build(project, out, **options)
    manifest = out / "manifest.json"

    def edited_entry(field: str, value: Any) -> Callable[[str], str]:
        def edit(text: str) -> str:
            document = json.loads(text)
            document["outputs"][0][field] = value  # kaz/profile.de.html
            return json.dumps(document)
        return edit

    for tamper, makes_again in (
            (lambda text: text + "  \n", False),
            (lambda text: text.replace('"generator": "mgi-report', '"generator": "x'), False),
            (edited_entry("fallback_keys", []), True),
            (edited_entry("pages", 99), True),
            (edited_entry("fallback_messages", ["Bogus message"]), True),
            (edited_entry("templates", ["report.html.j2"] * 2), True)):
        manifest.write_text(tamper(manifest.read_text(encoding="utf-8")), encoding="utf-8")
        assert manifest.read_bytes() != (clean / "manifest.json").read_bytes()
        assert bool(made(build(project, out, **options))) == makes_again
        assert files(out) == files(clean)
