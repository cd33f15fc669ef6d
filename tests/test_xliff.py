"""The XLIFF 2.1 round trip has the PO round trip's semantics, in the format CAT tools share.

Units are content keys; a segment's state says translated, outdated (initial, with the
English the translation was made from in a note) or still to do; notes carry the file, the
passage's place and its editions; footnote calls and links are inline codes with their
markup in originalData. The export is valid against OASIS's own XLIFF 2.1 core schema
(kept in tests/schemas, read offline), an export imported back changes no byte, and what
translate-toolkit or a segmenting, annotating CAT tool writes imports, or is refused in one
line at its unit, with nothing written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from lxml import etree
from translate.storage.xliff2 import Xliff2File

import mgi_report
from conftest import ROOT, copy_project, run_cli
from faults import snapshot
from mgi_report import load_project
from mgi_report.errors import InputError
from mgi_report.translate import (
    export_po,
    export_xliff,
    import_xliff,
    translation_status,
)
from mgi_report.translate.xliff import ExternalLoad, xml_parser

Edit = Callable[[str, str, str], Path]
XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
X = {"x": XLIFF}
SCHEMAS = Path(__file__).parent / "schemas"
#: SHA-256 of xliff_core_2.0.xsd as OASIS publishes it with XLIFF 2.1 (the OASIS Standard
#: of 13 February 2018, docs.oasis-open.org/xliff/xliff-core/v2.1/os/schemas/).
OASIS_CORE_SHA256 = "5686d2dbe9dac95e34d1b06a805e1e0f4999db5d5a67dc8bb8514c780592a84d"
LINK = "[MGI](https://www.iom.int/mgi)"


class Offline(etree.Resolver):  # type: ignore[misc]
    """Schemas are read from tests/schemas only: any other address is an error."""

    def resolve(self, url: str, public_id: str | None, context: object) -> object:
        path = Path(url.removeprefix("file://")).resolve()
        if not path.is_relative_to(SCHEMAS.resolve()):
            raise AssertionError(f"the schema asked for {url}, outside tests/schemas")
        return self.resolve_filename(str(path), context)


@cache
def oasis_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(Offline())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "xliff_core_2.0.xsd"), parser))


def units(data: bytes) -> dict[str, etree._Element]:
    return {unit.get("id"): unit for unit in etree.fromstring(data).iter(f"{{{XLIFF}}}unit")}


def notes(unit: etree._Element) -> dict[str, str]:
    return {note.get("category"): note.text for note in unit.iterfind("x:notes/x:note", X)}


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
                if text in line)


def written(tmp_path: Path, data: bytes, name: str = "de.xlf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def translated_as(data: bytes, key: str, target: str, state: str = "translated") -> bytes:
    """``data`` with the target of unit ``key`` replaced by ``target`` (XML) in ``state``."""
    root = etree.fromstring(data)
    segment = root.find(f".//x:unit[@id='{key}']/x:segment", X)
    segment.attrib.pop("subState", None)
    segment.set("state", state)
    for old in segment.findall("x:target", X):
        segment.remove(old)
    segment.append(etree.fromstring(f'<target xmlns="{XLIFF}">{target}</target>'))
    body: bytes = etree.tostring(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"


@pytest.fixture
def outdated(project_copy: Path, edit: Edit) -> Path:
    """The project, its English name of the partnerships domain changed since German's."""
    edit("content/en/domains.yaml", "  name: Partnerships", "  name: Partnerships for migration")
    return project_copy


@pytest.fixture
def linked(project_copy: Path, edit: Edit) -> Path:
    """The project with a link and emphasis in the first paragraph of the snapshot's
    introduction (which calls a footnote), the link in English and in German (Russian
    removed), the German recorded as made from that English."""
    shutil.rmtree(project_copy / "content/ru")
    english = "across six key policy domains."
    for file in ("content/en/kaz.yaml", "content/de/translated_from.yaml"):
        edit(file, english, f"across six key policy domains of the {LINK}.")
        edit(file, "to assist countries operationalize", "to *assist countries* operationalize")
    edit("content/de/kaz.yaml", "in sechs zentralen Politikdimensionen angewendet",
         f"in sechs zentralen Politikdimensionen der {LINK} angewendet")
    return project_copy


# What an export is.

def test_the_schema_is_oasis_own_xliff_2_1_core_schema_read_offline() -> None:
    core = (SCHEMAS / "xliff_core_2.0.xsd").read_bytes()
    assert hashlib.sha256(core).hexdigest() == OASIS_CORE_SHA256
    assert b"XLIFF Version 2.1\r\n     OASIS Standard" in core
    assert oasis_schema() is not None


@pytest.mark.parametrize("locale", ["de", "ru", "fr", "pt_BR"])
def test_an_xliff_export_is_valid_against_the_oasis_schema(locale: str) -> None:
    data = export_xliff(load_project(ROOT), locale)
    document = etree.fromstring(data)
    assert oasis_schema().validate(document), oasis_schema().error_log
    assert (document.get("version"), document.get("srcLang"), document.get("trgLang")) == \
        ("2.1", "en", locale.replace("_", "-"))


def test_an_export_with_outdated_translations_links_and_footnotes_is_valid(
        linked: Path, edit: Edit) -> None:
    edit("content/en/domains.yaml", "  name: Partnerships", "  name: Partnerships for migration")
    document = etree.fromstring(export_xliff(load_project(linked), "de"))
    assert oasis_schema().validate(document), oasis_schema().error_log
    assert document.find(".//x:pc", X) is not None and document.find(".//x:ph", X) is not None
    assert document.find(".//x:segment[@subState='mgi-report:outdated']", X) is not None


def test_units_are_the_content_keys_of_the_po_export_in_its_order() -> None:
    project = load_project(ROOT)
    for scope in ({}, {"reports": ["profile"]}):
        po_keys = [m.context for m in read_po(BytesIO(export_po(project, "de", **scope)))
                   if m.context]
        assert list(units(export_xliff(project, "de", **scope))) == po_keys


def test_state_says_translated_outdated_or_still_to_do_and_notes_carry_the_place(
        outdated: Path) -> None:
    found = units(export_xliff(load_project(outdated), "de"))
    done = found["kaz.country"].find("x:segment", X)
    assert (done.get("state"), done.get("subState"), done.findtext("x:target", None, X)) == \
        ("translated", None, "Kasachstan")
    stale = found["domains.partnerships.name"]
    segment = stale.find("x:segment", X)
    assert (segment.get("state"), segment.get("subState")) == ("initial", "mgi-report:outdated")
    assert segment.findtext("x:source", None, X) == "Partnerships for migration"
    assert segment.findtext("x:target", None, X) == "Partnerschaften"
    assert notes(stale) == {"location": "content/en/domains.yaml:17",
                            "section": "domains > Partnerships for migration > name",
                            "shown-in": "shown in kaz/snapshot, kaz/profile",
                            "previous-source": "Partnerships"}
    todo = found["kaz.snapshot.findings.migrants-rights.well_developed.p1"]
    assert todo.find("x:segment", X).get("state") == "initial"
    assert todo.find("x:segment/x:target", X) is None
    assert notes(todo)["section"] == ("Kazakhstan > snapshot > findings > Migrants’ rights > "
                                      "well_developed > p1")


def test_footnote_calls_and_links_are_inline_codes_with_their_markup_kept_aside(
        linked: Path) -> None:
    unit = units(export_xliff(load_project(linked), "de"))["kaz.snapshot.introduction.p1"]
    data = {d.get("id"): d.text for d in unit.iterfind("x:originalData/x:data", X)}
    assert sorted(data.values()) == ["[", "[^mgi]", "](https://www.iom.int/mgi)"]
    source = unit.find("x:segment/x:source", X)
    (call,) = source.iterfind("x:ph", X)
    assert data[call.get("dataRef")] == "[^mgi]"
    assert (call.get("canDelete"), call.get("canCopy")) == ("no", "no")
    (link,) = source.iterfind("x:pc", X)
    assert (link.text, data[link.get("dataRefStart")], data[link.get("dataRefEnd")]) == \
        ("MGI", "[", "](https://www.iom.int/mgi)")
    assert (link.get("type"), link.get("canDelete"), link.get("canCopy")) == ("link", "no", "no")
    assert "to *assist countries* operationalize" in call.tail  # emphasis is text
    target = unit.find("x:segment/x:target", X)
    assert [(c.tag, c.get("id")) for c in target] == [(c.tag, c.get("id")) for c in source]
    assert "[^mgi]" not in "".join(source.itertext()) + "".join(target.itertext())


def test_an_xliff_export_is_the_same_bytes_whatever_the_clock(
        monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(ROOT)
    first = export_xliff(project, "ru")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert export_xliff(project, "ru") == first


# Back into the content.

@pytest.mark.parametrize("locale", ["de", "ru"])
def test_xliff_export_then_import_changes_no_byte(
        outdated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], locale: str) -> None:
    before = snapshot(outdated / "content")
    out = tmp_path / f"{locale}.xlf"
    assert run_cli(capsys, "i18n", "export", "--root", str(outdated), "--locale", locale,
                   "--out", str(out))[0] == 0
    assert out.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<xliff ')
    status, err = run_cli(capsys, "i18n", "import", "--root", str(outdated), str(out))
    assert (status, err) == (0, [])
    assert import_xliff(outdated, out).changed_keys == ()
    assert {k: v for k, v in snapshot(outdated / "content").items()
            if not k.startswith(".")} == before


def test_an_outdated_unit_is_imported_once_the_translator_marks_it_translated(
        outdated: Path, tmp_path: Path) -> None:
    data = export_xliff(load_project(outdated), "de")
    key = "domains.partnerships.name"
    assert import_xliff(outdated, written(tmp_path, translated_as(
        data, key, "Migrationspartnerschaften", "initial"))).changed_keys == ()
    result = import_xliff(outdated, written(tmp_path, translated_as(
        data, key, "Migrationspartnerschaften", "final")))
    assert result.changed_keys == (key,)
    assert "  name: Migrationspartnerschaften\n" in \
        (outdated / "content/de/domains.yaml").read_text(encoding="utf-8")
    (german,) = translation_status(load_project(outdated), ["de"])
    assert key not in german.outdated_keys


def test_a_file_exported_before_the_english_changed_stays_outdated_after_import(
        project_copy: Path, tmp_path: Path, edit: Edit) -> None:
    data = export_xliff(load_project(project_copy), "de")
    edit("content/en/domains.yaml", "  name: Partnerships", "  name: Partnerships for migration")
    key = "domains.partnerships.name"
    import_xliff(project_copy, written(tmp_path, translated_as(data, key, "Partnerschaften")))
    (german,) = translation_status(load_project(project_copy), ["de"])
    assert key in german.outdated_keys


def test_a_translation_may_move_its_codes_and_keeps_their_markup(
        linked: Path, tmp_path: Path) -> None:
    data = export_xliff(load_project(linked), "de")
    unit = units(data)["kaz.snapshot.introduction.p1"]
    call, link = unit.find(".//x:source/x:ph", X), unit.find(".//x:source/x:pc", X)
    target = (f'Die <pc id="{link.get("id")}" dataRefStart="{link.get("dataRefStart")}" '
              f'dataRefEnd="{link.get("dataRefEnd")}">MGI-Indikatoren</pc> '
              f'<ph id="{call.get("id")}" dataRef="{call.get("dataRef")}"/>helfen.')
    result = import_xliff(linked, written(tmp_path, translated_as(
        data, "kaz.snapshot.introduction.p1", target)))
    assert result.changed_keys == ("kaz.snapshot.introduction.p1",)
    assert load_project(linked).bundles["de"].entries["kaz.snapshot.introduction.p1"].value == \
        "Die [MGI-Indikatoren](https://www.iom.int/mgi) [^mgi]helfen."


@pytest.mark.parametrize(("target", "message"), [
    ("Ohne Fußnote und <pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI</pc>.",
     "the translation lacks inline code '1' ([^mgi])"),
    ("Zweimal<ph id='1' dataRef='d1'/><ph id='1' dataRef='d1'/> "
     "<pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI</pc>.",
     "the translation has inline code '1' ([^mgi]) 2 times, its source 1"),
    ("Neu<ph id='1' dataRef='d1'/> <pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI</pc>"
     "<ph id='7' dataRef='d1'/>.",
     "the translation adds inline code '7', which its source does not have"),
    ("Verloren<ph id='1' dataRef='d9'/> <pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI</pc>.",
     "inline code '1' refers to data 'd9', which the unit's originalData does not hold"),
    ("Getippt [^mgi] <pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI</pc>.",
     "the translation lacks inline code '1' ([^mgi])"),
    ("Drinnen <pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI<ph id='1' dataRef='d1'/></pc>.",
     "footnote call [^mgi] inside a link (its text, title or address): put it after the link"),
    ("Steuerzeichen<cp hex='0007'/><ph id='1' dataRef='d1'/> "
     "<pc id='2' dataRefStart='d2' dataRefEnd='d3'>MGI</pc>.",
     "translation not accepted: character U+0007 is not allowed in wording"),
])
def test_a_translation_that_loses_repeats_or_adds_a_code_is_refused_naming_its_unit(
        linked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str,
        message: str) -> None:
    data = export_xliff(load_project(linked), "de")
    ids = {d.get("id"): d.text for d in units(data)["kaz.snapshot.introduction.p1"].iterfind(
        "x:originalData/x:data", X)}
    assert ids == {"d1": "[^mgi]", "d2": "[", "d3": "](https://www.iom.int/mgi)"}
    path = written(tmp_path, translated_as(data, "kaz.snapshot.introduction.p1", target))
    before = snapshot(linked / "content")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(linked), str(path))
    line = line_of(path, 'unit id="kaz.snapshot.introduction.p1"')
    assert (status, err) == (2, [f"{path}:{line}: kaz.snapshot.introduction.p1: {message}"])
    assert snapshot(linked / "content") == before


# Files other tools wrote.

def test_translate_toolkit_reads_the_units_ids_states_and_targets(outdated: Path) -> None:
    store = Xliff2File(export_xliff(load_project(outdated), "de"))
    by_id = {unit.getid(): unit for unit in store.units}
    assert list(by_id) == list(load_project(outdated).bundles["en"].entries)
    assert (store.sourcelanguage, store.targetlanguage) == ("en", "de")
    assert by_id["kaz.country"].target == "Kasachstan"
    assert by_id["kaz.country"].istranslated() and not by_id["kaz.country"].isfuzzy()
    assert by_id["domains.partnerships.name"].isfuzzy()
    assert not by_id["kaz.snapshot.findings.migrants-rights.well_developed.p1"].istranslated()
    introduction = by_id["kaz.snapshot.introduction.p1"]
    assert [type(e).__name__ for e in introduction.rich_source[0].sub][1] == "UnknownXML"
    assert "(MGI)" in introduction.source and "[^mgi]" not in introduction.source


def test_a_file_translate_toolkit_wrote_imports(project_copy: Path, tmp_path: Path) -> None:
    store = Xliff2File(export_xliff(load_project(project_copy), "de"))
    by_id = {unit.getid(): unit for unit in store.units}
    todo = by_id["kaz.snapshot.findings.migrants-rights.well_developed.p1"]
    todo.target = "Erster Absatz."
    todo.marktranslated()
    introduction = by_id["kaz.snapshot.introduction.p1"]
    rich = introduction.rich_source
    rich[0].sub[0].sub, rich[0].sub[2].sub = ["Die MGI"], [" helfen."]
    introduction.rich_target = rich
    introduction.markapproved()
    path = written(tmp_path, bytes(store))
    result = import_xliff(project_copy, path)
    assert set(result.changed_keys) == {todo.getid(), introduction.getid()}
    german = load_project(project_copy).bundles["de"].entries
    assert german[todo.getid()].value == "Erster Absatz."
    assert german["kaz.snapshot.introduction.p1"].value == "Die MGI[^mgi] helfen."


CAT_TOOL_FILE = """<?xml version="1.0" encoding="utf-8"?>
<xlf:xliff xmlns:xlf="urn:oasis:names:tc:xliff:document:2.0"
    xmlns:mda="urn:oasis:names:tc:xliff:metadata:2.0" version="2.0" srcLang="en-US"
    trgLang="de-DE">
 <xlf:file id="f1" original="kaz.yaml">
  <xlf:group id="g1" name="snapshot">
   <xlf:unit id="kaz.snapshot.introduction.p1">
    <mda:metadata><mda:metaGroup><mda:meta type="tool">segmenter</mda:meta></mda:metaGroup>
    </mda:metadata>
    <xlf:originalData>
     <xlf:data id="d1">[^mgi]</xlf:data><xlf:data id="d2">[</xlf:data>
     <xlf:data id="d3">](https://www.iom.int/mgi)</xlf:data>
    </xlf:originalData>
    <xlf:segment id="s1" state="final">
     <xlf:source>One (MGI)<xlf:ph id="1" dataRef="d1"/>.</xlf:source>
     <xlf:target order="3">Eins (<xlf:mrk id="m1" type="term" ref="#t1">MGI</xlf:mrk>)<xlf:ph
      id="1" dataRef="d1"/>.</xlf:target>
    </xlf:segment>
    <xlf:ignorable><xlf:source> </xlf:source></xlf:ignorable>
    <xlf:segment id="s2" state="reviewed">
     <xlf:source>Two.</xlf:source><xlf:target order="1">Zwei.</xlf:target>
    </xlf:segment>
    <xlf:ignorable><xlf:source> </xlf:source><xlf:target> </xlf:target></xlf:ignorable>
    <xlf:segment id="s3" state="translated">
     <xlf:source>Three <xlf:sc id="2" dataRef="d2"/>MGI</xlf:source>
     <xlf:target>Drei <xlf:sc id="2" dataRef="d2"/>MGI</xlf:target>
    </xlf:segment>
    <xlf:ignorable><xlf:source> </xlf:source></xlf:ignorable>
    <xlf:segment id="s4" state="translated">
     <xlf:source>four<xlf:ec startRef="2" dataRef="d3"/>.</xlf:source>
     <xlf:target><xlf:sm id="c1" type="comment" value="checked"/>vier<xlf:ec startRef="2"
      dataRef="d3"/><xlf:em startRef="c1"/>.</xlf:target>
    </xlf:segment>
   </xlf:unit>
  </xlf:group>
 </xlf:file>
</xlf:xliff>
"""


def test_a_file_segmented_and_annotated_as_cat_tools_write_it_imports(
        linked: Path, tmp_path: Path) -> None:
    """Sentences as segments, ignorables between them (one without target: its source
    stands), targets reordered, a link's code split into a start and an end, a term and a
    comment marked, a module's metadata, a group, another prefix, version 2.0, regional
    language tags: the translation is the targets in their order, and the source the
    translator saw is recorded."""
    path = written(tmp_path, CAT_TOOL_FILE.encode("utf-8"), "cat.xlf")
    result = import_xliff(linked, path, "de", force=True)
    assert result.changed_keys == ("kaz.snapshot.introduction.p1",)
    project = load_project(linked)
    assert project.bundles["de"].entries["kaz.snapshot.introduction.p1"].value == \
        "Zwei. Eins (MGI)[^mgi]. Drei [MGI vier](https://www.iom.int/mgi)."
    assert project.bundles["de"].translated_from["kaz.snapshot.introduction.p1"] == \
        "One (MGI)[^mgi]. Two. Three [MGI four](https://www.iom.int/mgi)."


# Refused.

def xliff_file(body: str = "", *, root: str = "", file: str = "") -> str:
    root = root or f'xmlns="{XLIFF}" version="2.1" srcLang="en" trgLang="de"'
    unit = ('<unit id="kaz.country"><segment state="translated"><source>Kazakhstan</source>'
            '<target>Kasachstan</target></segment></unit>')
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff {root}>\n'
            f'<file id="f1">\n{file or unit}\n{body}</file>\n</xliff>\n')


def one_unit(target: str) -> str:
    """The unit for kaz.country, final, with ``target``."""
    return (f'<unit id="kaz.country"><segment state="final"><source>Kazakhstan</source>'
            f'{target}</segment></unit>')


REFUSED = {
    "not well-formed": (xliff_file("<unit id='x'><segment>\n</unit>"),
                        "6:8: not well-formed XML: Opening and ending tag mismatch: segment "
                        "line 5 and unit"),
    "XLIFF 1.2": (xliff_file(root='xmlns="urn:oasis:names:tc:xliff:document:1.2" '
                                  'version="1.2"'),
                  "2: not an XLIFF 2 document: the root is <xliff> in namespace "
                  "'urn:oasis:names:tc:xliff:document:1.2' (XLIFF 1.2), not <xliff> in "
                  "'urn:oasis:names:tc:xliff:document:2.0'"),
    "another version": (xliff_file(root=f'xmlns="{XLIFF}" version="3.0" srcLang="en" '
                                        'trgLang="de"'),
                        "2: version: '3.0' is not an XLIFF version read here (2.0, 2.1)"),
    "another source language": (xliff_file(root=f'xmlns="{XLIFF}" version="2.1" '
                                                'srcLang="fr" trgLang="de"'),
                                "2: srcLang: 'fr' is not the project's source language 'en'"),
    "no trgLang": (xliff_file(root=f'xmlns="{XLIFF}" version="2.1" srcLang="en"'),
                   "2: trgLang: no trgLang: pass --locale"),
    "a trgLang Babel does not know": (
        xliff_file(root=f'xmlns="{XLIFF}" version="2.1" srcLang="en" trgLang="xx"'),
        "2: trgLang: 'xx' is not a locale Babel knows; pass --locale"),
    "an undetermined trgLang": (
        xliff_file(root=f'xmlns="{XLIFF}" version="2.1" srcLang="en" trgLang="und"'),
        "2: trgLang: 'und' is read by Babel as 'en_US', another language; pass --locale"),
    "a trgLang with a deprecated language subtag": (
        xliff_file(root=f'xmlns="{XLIFF}" version="2.1" srcLang="en" trgLang="iw"'),
        "2: trgLang: 'iw' is read by Babel as 'he_IL', another language; pass --locale"),
    "a regional trgLang where the project has the language": (
        xliff_file(root=f'xmlns="{XLIFF}" version="2.1" srcLang="en" trgLang="de-DE"'),
        "2: trgLang: this XLIFF file is for 'de_DE' (its trgLang); the project has 'de': "
        "pass --locale de"),
    "two units for one key": (
        xliff_file('<unit id="kaz.country"><segment><source>Kazakhstan</source></segment>'
                   '</unit>\n'),
        "5: kaz.country: a second unit for this key (the first is at line 4): one unit per "
        "content key"),
    "an encoding other than UTF-8 and UTF-16": (
        xliff_file().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'),
        "1: encoding 'ISO-8859-1': XLIFF files are read as UTF-8 or UTF-16"),
    "UTF-16 declared, UTF-8 written": (
        xliff_file().replace('encoding="UTF-8"', "encoding='utf-16'"),
        "1: encoding 'utf-16' declared, but the file is UTF-8"),
    "an entity": ('<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY boom "boom">]>\n'
                  + xliff_file().split("\n", 1)[1].replace("Kasachstan", "&boom;"),
                  "2: a DOCTYPE: XLIFF has none, and no DTD or entity is read"),
    "an external parameter entity": (
        '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY % p SYSTEM "file:///nowhere/p.dtd"> '
        '%p;]>\n' + xliff_file().split("\n", 1)[1],
        "2: a DOCTYPE: XLIFF has none, and no DTD or entity is read"),
    "a DOCTYPE after a comment": (
        xliff_file().replace("\n", '\n<!-- a note -->\n<!DOCTYPE xliff SYSTEM "x.dtd">\n', 1),
        "3: a DOCTYPE: XLIFF has none, and no DTD or entity is read"),
    "targets in one place": (
        xliff_file(file='<unit id="kaz.country"><segment state="final"><source>Kazakh</source>'
                        '<target order="2">Kasach</target></segment><segment state="final">'
                        '<source>stan</source><target>stan</target></segment></unit>'),
        "4: kaz.country: target order '2' is not a free position among the unit's segments"),
    "a surrogate as a code point": (
        xliff_file(file=one_unit('<target>Kasachstan<cp hex="D800"/></target>')),
        "4: kaz.country: <cp hex='D800'> is not a character"),
    "a code point beyond U+10FFFF": (
        xliff_file(file=one_unit('<target>Kasachstan<cp hex="110000"/></target>')),
        "4: kaz.country: <cp hex='110000'> is not a character"),
    "a code point not in hexadecimal digits": (
        xliff_file(file=one_unit('<target>Kasachstan<cp hex="0x41"/></target>')),
        "4: kaz.country: <cp hex='0x41'> is not a character"),
    "an order in superscript digits": (
        xliff_file(file=one_unit('<target order="²">Kasachstan</target>')),
        "4: kaz.country: target order '²' is not a free position among the unit's segments"),
    "an order in Arabic-Indic digits": (
        xliff_file(file=one_unit('<target order="\u0661">Kasachstan</target>')),
        "4: kaz.country: target order '\u0661' is not a free position among the unit's segments"),
    "an order of 5000 digits": (
        xliff_file(file=one_unit(f'<target order="{"1" * 5000}">Kasachstan</target>')),
        "4: kaz.country: target order '11111111111111111111…' is not a free position among "
        "the unit's segments"),
    "a unit outside a file": (
        xliff_file().replace("</file>\n", "</file>\n<unit id='kaz.elsewhere'><segment state="
                             "'final'><source>x</source><target>y</target></segment></unit>\n"),
        "6: kaz.elsewhere: <unit> outside a <file>"),
    "a unit inside a unit": (
        xliff_file(file=one_unit("<target>Kasachstan</target>").replace(
            "</unit>", "<unit id='kaz.inner'><segment><source>x</source></segment></unit></unit>")),
        "4: kaz.inner: <unit> inside <unit>: a unit stands in a <file> or a <group>"),
    "a unit inside an extension": (
        xliff_file(file=f'<x:group xmlns:x="urn:example">{one_unit("")}</x:group>'),
        "4: kaz.country: <unit> inside <x:group>: a unit stands in a <file> or a <group>"),
    "a unit with an empty id": (
        xliff_file(file=one_unit("<target>Kasachstan</target>").replace('id="kaz.country"',
                                                                        'id=""')),
        "4: a <unit> with no id: a unit's id is its content key"),
    "a segment without source": (
        xliff_file(file='<unit id="kaz.country"><segment state="final"><target>Kasachstan'
                        '</target></segment></unit>'),
        "4: kaz.country: a <segment> without <source>"),
    "a segment with two targets": (
        xliff_file(file=one_unit("<target>Kasachstan</target><target>Kasachien</target>")),
        "4: kaz.country: a <segment> with 2 <target>s"),
    "a unit without segment": (
        xliff_file(file='<unit id="kaz.country"><notes><note>Kazakhstan</note></notes></unit>'),
        "4: kaz.country: a <unit> without <segment>"),
    "an unknown inline element": (
        xliff_file(file='<unit id="kaz.country"><segment state="final"><source>Kazakhstan'
                        '</source><target>Kasachstan<b xmlns="">!</b></target></segment>'
                        '</unit>'),
        "4: kaz.country: <b> is not an inline element of XLIFF 2"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_broken_or_foreign_xliff_file_is_refused_in_one_line_at_its_line(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        case: str) -> None:
    text, message = REFUSED[case]
    path = written(tmp_path, text.encode("utf-8"), "upload.xlf")
    before = snapshot(project_copy / "content")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(path))
    assert (status, err) == (2, [f"{path}:{message}"])
    assert snapshot(project_copy / "content") == before


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_a_file_in_utf_16_or_with_a_byte_order_mark_imports_as_in_utf_8(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        codec: str) -> None:
    """As XLIFF tools write them: UTF-16 declared, with a byte order mark (utf-16) or
    without (then ``<?xml`` says the byte order); UTF-8 with a byte order mark."""
    data = translated_as(export_xliff(load_project(project_copy), "de"), "kaz.country",
                         "Kasachstan (Қазақстан)")
    if codec.startswith("utf-16"):
        data = data.replace(b'encoding="UTF-8"', b'encoding="UTF-16"')
    path = written(tmp_path, data.decode("utf-8").encode(codec), "upload.xml")
    assert run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(path)) == \
        (0, ["wrote content/de/kaz.yaml", "wrote content/de/translated_from.yaml"])
    assert load_project(project_copy).bundles["de"].entries["kaz.country"].value == \
        "Kasachstan (Қазақстан)"


@pytest.mark.parametrize(("codec", "declared", "message"), [
    ("utf-8", "ISO-8859-1", "encoding 'ISO-8859-1': XLIFF files are read as UTF-8 or UTF-16"),
    ("utf-32", "UTF-32", "the file is UTF-32: XLIFF files are read as UTF-8 or UTF-16"),
    ("utf-16-be", "UTF-8", "encoding 'UTF-8' declared, but the file is UTF-16 (big-endian)"),
])
def test_an_export_in_another_encoding_is_refused_not_imported_garbled(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], codec: str,
        declared: str, message: str) -> None:
    """Read as its declaration says, a UTF-8 export declared ISO-8859-1 would import every
    translation with a non-ASCII letter as mojibake."""
    data = export_xliff(load_project(project_copy), "de").replace(
        b'encoding="UTF-8"', f'encoding="{declared}"'.encode())
    path = written(tmp_path, data.decode("utf-8").encode(codec))
    before = snapshot(project_copy / "content")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(path))
    assert (status, err) == (2, [f"{path}:1: {message}"])
    assert snapshot(project_copy / "content") == before


SECRET = "mgi-secret-7f3a"


@pytest.mark.parametrize(("entity", "codec"), [
    ("/dev/zero", "utf-8"), ("/dev/zero", "utf-16"), ("a FIFO", "utf-8"),
    ("a readable file", "utf-8"), ("a readable file", "utf-16"), ("a missing file", "utf-8")])
def test_an_external_entity_is_never_read_and_the_import_returns_at_once(
        project_copy: Path, tmp_path: Path, entity: str, codec: str) -> None:
    """A DOCTYPE is refused before libxml2 reads the file: an external parameter entity
    naming a device, a FIFO or a file is never opened (the import would read /dev/zero
    for ever, wait on the FIFO for ever, load the file), and the answer is the same
    whether the file exists or not."""
    target = {"/dev/zero": Path("/dev/zero"), "a FIFO": tmp_path / "pipe",
              "a readable file": tmp_path / "secret.txt",
              "a missing file": tmp_path / "missing.txt"}[entity]
    if entity == "a FIFO":
        os.mkfifo(target)
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    head, body = export_xliff(load_project(project_copy), "de").decode("utf-8").split("\n", 1)
    text = f"{head}\n<!DOCTYPE xliff [<!ENTITY % p SYSTEM \"{target.as_uri()}\"> %p;]>\n{body}"
    if codec == "utf-16":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = written(tmp_path, text.encode(codec))
    before = snapshot(project_copy / "content")
    environment = {**os.environ, "PYTHONPATH": str(Path(mgi_report.__file__).parents[1])}
    done = subprocess.run([sys.executable, "-m", "mgi_report", "i18n", "import", "--root",
                           str(project_copy), str(path)], capture_output=True, text=True,
                          timeout=60, env=environment, stdin=subprocess.DEVNULL, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (
        2, "", f"{path}:2: a DOCTYPE: XLIFF has none, and no DTD or entity is read\n")
    assert SECRET not in done.stderr
    assert snapshot(project_copy / "content") == before


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE xliff [<!ENTITY % p SYSTEM "{uri}"> %p;]>',
    '<!DOCTYPE xliff SYSTEM "{uri}">',
    '<!DOCTYPE xliff [<!ENTITY e SYSTEM "{uri}">]>',
])
@pytest.mark.parametrize("exists", [True, False])
def test_the_xliff_parser_itself_refuses_every_external_load(
        tmp_path: Path, doctype: str, exists: bool) -> None:
    """Behind the refusal of any DOCTYPE: were one parsed, its resolver would refuse to open
    the parameter entity or external subset it names, existing or not (an external general
    entity is not even asked for: it stays a reference), and nothing of it is read."""
    dtd = tmp_path / "secret.dtd"
    if exists:
        dtd.write_text(f'<!ENTITY e "{SECRET}">\n', encoding="utf-8")
    data = (f'<?xml version="1.0"?>\n{doctype.format(uri=dtd.as_uri())}\n'
            '<xliff>&e;</xliff>').encode()
    if "ENTITY e" in doctype:
        root = etree.fromstring(data, xml_parser())
        assert etree.tostring(root) == b"<xliff>&e;</xliff>"
        return
    with pytest.raises(ExternalLoad) as refused:
        etree.fromstring(data, xml_parser())
    assert str(refused.value) == dtd.as_uri()


PRETTY_PRINTED = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.1" srcLang="en" trgLang="de">
  <file id="f1"{space}>
    <unit id="kaz.country">
      <segment state="final">
        <source>
          Kazakhstan
        </source>
        <target>
          Kasachstan (neu)
        </target>
      </segment>
    </unit>
  </file>
</xliff>
"""


@pytest.mark.parametrize(("space", "translation", "source"), [
    ("", "Kasachstan (neu)", "Kazakhstan"),
    (' xml:space="default"', "Kasachstan (neu)", "Kazakhstan"),
    (' xml:space="preserve"', "\n          Kasachstan (neu)\n        ",
     "\n          Kazakhstan\n        "),
])
def test_a_pretty_printed_segment_loses_its_layout_unless_white_space_is_preserved(
        project_copy: Path, tmp_path: Path, space: str, translation: str, source: str) -> None:
    """Under xml:space="default" (XLIFF's default, as a CAT tool may write a file), the
    line break and indentation at the start and end of a segment's source and target are
    layout: the YAML gets the text, and the English it was made from is today's (not
    outdated). xml:space="preserve" (the export's) keeps every character."""
    path = written(tmp_path, PRETTY_PRINTED.format(space=space).encode("utf-8"))
    assert import_xliff(project_copy, path).changed_keys == ("kaz.country",)
    german = load_project(project_copy).bundles["de"]
    assert german.entries["kaz.country"].value == translation
    assert german.translated_from["kaz.country"] == source


def test_a_unit_for_a_key_the_source_no_longer_has_is_skipped_with_a_warning(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written(tmp_path, xliff_file(
        '<unit id="kaz.nowhere"><segment state="final"><source>x</source><target>y</target>'
        '</segment></unit>\n').encode("utf-8"), "upload.xlf")
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(path))
    assert status == 0
    assert err == [f"{path}:5: kaz.nowhere: skipped: not a content key of the source locale "
                   "(any more)"]
    assert load_project(project_copy).bundles["de"].entries["kaz.country"].value == "Kasachstan"


def test_a_file_for_another_language_is_refused_unless_forced(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = written(tmp_path, export_xliff(load_project(project_copy), "de"))
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), "--locale",
                          "ru", str(path))
    assert (status, err) == (2, [f"{path}:2: trgLang: this XLIFF file is for 'de' (its "
                                 "trgLang), not 'ru'; pass --force to import it anyway"])
    assert run_cli(capsys, "i18n", "import", "--root", str(project_copy), "--locale", "ru",
                   "--force", str(path))[0] == 0
    assert load_project(project_copy).bundles["ru"].entries["kaz.country"].value == "Kasachstan"


def test_a_regional_trglang_goes_to_the_locale_of_that_name_or_else_of_its_language(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """CAT tools write de-AT or de-DE where the project has de: named with --locale de, the
    file imports there without --force; once the project has de_AT, a de-AT file goes to
    de_AT by itself, and into de only with --force."""
    path = written(tmp_path, xliff_file(
        root=f'xmlns="{XLIFF}" version="2.1" srcLang="en" trgLang="de-AT"',
        file=one_unit("<target>Kasachstan (AT)</target>")).encode("utf-8"))
    assert run_cli(capsys, "i18n", "import", "--root", str(project_copy), "--locale", "de",
                   str(path))[0] == 0
    assert load_project(project_copy).bundles["de"].entries["kaz.country"].value == \
        "Kasachstan (AT)"
    assert not (project_copy / "content/de_AT").exists()
    assert run_cli(capsys, "i18n", "init", "--root", str(project_copy), "--locale",
                   "de_AT")[0] == 0
    assert run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(path))[0] == 0
    assert load_project(project_copy).bundles["de_AT"].entries["kaz.country"].value == \
        "Kasachstan (AT)"
    status, err = run_cli(capsys, "i18n", "import", "--root", str(project_copy), "--locale",
                          "de", str(path))
    assert (status, err) == (2, [f"{path}:2: trgLang: this XLIFF file is for 'de_AT' (its "
                                 "trgLang), not 'de'; pass --force to import it anyway"])


def test_a_file_larger_than_8_mib_is_refused_before_it_is_parsed(
        project_copy: Path, tmp_path: Path) -> None:
    path = written(tmp_path, xliff_file("<!--" + "x" * 8 * 2**20 + "-->").encode("utf-8"))
    with pytest.raises(InputError) as refused:
        import_xliff(project_copy, path)
    assert refused.value.lines() == [f"{path}: larger than 8 MiB"]


# Choosing the format.

def test_export_writes_xliff_for_an_xlf_name_or_format_xliff_and_po_otherwise(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, options, start in (("de.xlf", (), b"<?xml"), ("de.xliff", (), b"<?xml"),
                                 ("de.po", (), b"# "), ("de.txt", ("--format", "xliff"), b"<?xml"),
                                 ("de2.xlf", ("--format", "po"), b"# ")):
        out = tmp_path / name
        assert run_cli(capsys, "i18n", "export", "--root", str(ROOT), "--locale", "de",
                       "--out", str(out), *options)[0] == 0
        assert out.read_bytes().startswith(start), name


@pytest.mark.parametrize(("name", "format_", "warning"), [
    ("de.po", "xliff", "de.po: written as XLIFF (--format xliff), but i18n import reads a file "
                       "ending in .po as PO: name it .xlf"),
    ("de.xlf", "po", "de.xlf: written as PO (--format po), but i18n import reads a file "
                     "ending in .xlf as XLIFF: name it .po"),
    ("de.xliff", "xliff", None), ("de.txt", "xliff", None), ("de.pot", "po", None)])
def test_export_warns_when_the_format_is_not_the_one_its_name_says(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        name: str, format_: str, warning: str | None) -> None:
    """The file is written as --format says, and a line on stderr says the mismatch: the
    import chooses the format by the name."""
    monkeypatch.chdir(tmp_path)
    status, err = run_cli(capsys, "i18n", "export", "--root", str(ROOT), "--locale", "de",
                          "--out", name, "--format", format_)
    assert (status, err) == (0, [warning] if warning else [])
    assert (tmp_path / name).read_bytes().startswith(b"<?xml" if format_ == "xliff" else b"# ")


def test_import_reads_xliff_by_its_extension_or_its_first_character(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = load_project(project_copy)
    for name, data in (("upload.xml", export_xliff(project, "de")),
                       ("upload.txt", export_po(project, "de")),
                       ("upload.XLIFF", export_xliff(project, "de"))):
        path = written(tmp_path, data, name)
        assert run_cli(capsys, "i18n", "import", "--root", str(project_copy), str(path)) == \
            (0, []), name


# Anything else: imported, or refused leaving the locale as it was.

@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, bytes]]:
    root = copy_project(tmp_path_factory.mktemp("xliff") / "project")
    yield root, export_xliff(load_project(root), "de")


PAYLOADS = st.sampled_from(["", " ", "<ph id='1' dataRef='d1'/>", "<ph id='1'/>", "&amp;",
                            "<pc id='9'>x</pc>", "<mrk id='m'>y</mrk>", "<cp hex='zz'/>",
                            "<cp hex='0085'/>", "<cp hex='D800'/>", "Nein", "12:30", "\u202e",
                            "[^mgi]", "[a](javascript:x)", "<sc id='2' dataRef='d1'/>"])


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), payload=st.lists(PAYLOADS, max_size=4).map("".join))
def test_a_mutated_xliff_import_succeeds_or_is_bad_input_leaving_the_locale_as_it_was(
        sandbox: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory,
        data: st.DataObject, payload: str) -> None:
    root, exported = sandbox
    lines = exported.decode("utf-8").split("\n")
    at = data.draw(st.integers(0, len(lines) - 1), label="line")
    how = data.draw(st.sampled_from(["drop line", "payload into line", "state final"]),
                    label="mutation")
    if how == "drop line":
        lines = lines[:at] + lines[at + 1:]
    elif how == "payload into line":
        lines[at] = lines[at].replace("</target>", payload + "</target>").replace(
            "<source>", "<source>" + payload)
    else:
        lines = [line.replace('state="initial"', 'state="final"') for line in lines]
    path = tmp_path_factory.mktemp("upload") / "upload.xlf"
    path.write_text("\n".join(lines), encoding="utf-8")
    german = root / "content/de"
    pristine = snapshot(german)
    try:
        result = import_xliff(root, path)
    except InputError as exc:
        event(f"{how}: bad input")
        assert snapshot(german) == pristine
        assert all("\n" not in line for line in exc.lines())
        return
    event(f"{how}: imported {len(result.changed_keys)}")
    shutil.rmtree(german)
    for relative, content in pristine.items():
        (german / relative).parent.mkdir(parents=True, exist_ok=True)
        (german / relative).write_bytes(content)
