"""The print editions are navigable, tagged, self-describing and embed their fonts."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any, cast

import pikepdf
import yaml
from pypdf import PdfReader

from conftest import ROOT, BuiltEdition
from mgi_report.inspect import normalize, outline
from mgi_report.markup import Typesetting, plain
from mgi_report.render import quotation_marks

STRUCTURE = yaml.safe_load((ROOT / "content/structure.yaml").read_text(encoding="utf-8"))
DOMAINS_EN = yaml.safe_load((ROOT / "content/en/domains.yaml").read_text(encoding="utf-8"))


def typeset(text: str) -> str:
    """Content wording as the English editions set it (typographic quotes)."""
    return plain(text, Typesetting(quotation_marks("en")))


def domain_titles() -> list[str]:
    return [f"{n}. {typeset(DOMAINS_EN[d]['title'])}"
            for n, d in enumerate(STRUCTURE["domains"], 1)]


def test_snapshot_bookmarks_list_every_section_and_the_six_domains_in_order(
        snapshot_en: BuiltEdition) -> None:
    items = outline(snapshot_en.pdf)
    titles = [item.title for item in items]
    assert titles[:4] == ["Migration Governance Snapshot: the Republic of Kazakhstan",
                          "Contents", "Introduction", "Key findings"]
    assert [i.title for i in items if i.level == 2] == domain_titles()
    assert titles[-1] == "Key sources"


def test_profile_bookmarks_list_about_introduction_and_findings_per_domain(
        profile_en: BuiltEdition) -> None:
    items = outline(profile_en.pdf)
    assert [i.title for i in items if i.level == 1][1:] == [
        "About the Migration Governance Indicators", "Introduction", "Key findings"]
    assert [i.title for i in items if i.level == 2] == [
        f"Domain {n}: {typeset(DOMAINS_EN[d]['name'])}"
        for n, d in enumerate(STRUCTURE["domains"], 1)]


def test_table_of_contents_page_numbers_are_the_pages_sections_start_on(
        snapshot_en: BuiltEdition) -> None:
    starts = {item.title: item.page for item in outline(snapshot_en.pdf)}
    contents_page = starts["Contents"]
    lines = snapshot_en.pdf_text.page(contents_page).splitlines()
    listed = {}
    wrapped = ""  # an entry's lines before the one with its leader and page number
    for line in lines:
        for text in (line.strip(), f"{wrapped} {line.strip()}"):
            match = re.match(r"^(.*?)[ .]*?(\d+)$", text)
            if match and (title := match.group(1).rstrip(" .")) in starts:
                listed[title] = int(match.group(2))
                break
        wrapped = "" if match else line.strip()
    expected = ["Introduction", "Key findings", *domain_titles(), "Key sources"]
    assert sorted(listed) == sorted(expected)
    assert listed == {title: starts[title] for title in expected}
    for title, page in listed.items():
        heading = title.split(". ", 1)[-1] if title[0].isdigit() else title
        assert heading in normalize(snapshot_en.pdf_text.page(page)), title


def test_the_foot_names_the_report_and_counts_pages(snapshot_en: BuiltEdition) -> None:
    """(Which section each head names is measured in test_print.py.)"""
    furniture = snapshot_en.pdf_text.furniture
    pages = len(furniture)
    assert furniture[0] == ""
    starts = {item.title: item.page for item in outline(snapshot_en.pdf)}
    for title in domain_titles():
        margins = normalize(furniture[starts[title] - 1])
        assert margins.endswith("Migration Governance Snapshot: the Republic of Kazakhstan "
                                f"Page {starts[title]} of {pages}"), margins


def fonts(pdf: bytes) -> list[dict[str, Any]]:
    """Every font of every page, including those inside form XObjects (the SVG wheel)."""
    reader = PdfReader(BytesIO(pdf))
    found: dict[str, dict[str, Any]] = {}

    def walk(resources: Any, seen: set[int]) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            found[str(font["/BaseFont"])] = dict(descriptor.get_object()) if descriptor else {}
        for xobject in resources.get("/XObject", {}).values():
            if id(xobject.get_object()) not in seen and "/Resources" in xobject.get_object():
                seen.add(id(xobject.get_object()))
                walk(xobject.get_object()["/Resources"], seen)

    for page in reader.pages:
        walk(page.get("/Resources"), set())
    return [{"name": name, **descriptor} for name, descriptor in found.items()]


def test_every_font_is_the_shipped_noto_sans_and_is_embedded(
        snapshot_en: BuiltEdition, profile_en: BuiltEdition) -> None:
    for edition in (snapshot_en, profile_en):
        used = fonts(edition.pdf)
        assert used
        for font in used:
            assert re.search(r"\+Noto-?Sans", font["name"]), font["name"]
            assert any(k in font for k in ("/FontFile", "/FontFile2", "/FontFile3")), font


def test_metadata_comes_from_content_and_the_date_is_the_publication_date(
        snapshot_en: BuiltEdition) -> None:
    reader = PdfReader(BytesIO(snapshot_en.pdf))
    info = reader.metadata
    assert info is not None
    assert info.title == "Migration Governance Snapshot: the Republic of Kazakhstan"
    assert info.author == "International Organization for Migration (IOM)"
    assert info.subject == "Migration Governance Indicators (MGI)"
    assert "Kazakhstan" in str(info["/Keywords"]) and "Partnerships" in str(info["/Keywords"])
    assert str(info["/CreationDate"]).startswith("D:20180501")
    assert cast(Any, reader.trailer)["/Root"]["/Lang"] == "en"


def test_default_pdf_is_tagged_and_declares_pdf_ua_1(snapshot_en: BuiltEdition) -> None:
    reader = PdfReader(BytesIO(snapshot_en.pdf))
    root = cast(Any, reader.trailer)["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp or 'pdfuaid:part="1"' in xmp
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_every_stream_but_the_xmp_packet_is_compressed_and_objects_are_in_streams(
        snapshot_en: BuiltEdition, profile_en: BuiltEdition) -> None:
    """WeasyPrint writes the tagged PDF uncompressed and the finish compresses it: nothing
    may be left as WeasyPrint wrote it (the XMP packet stays readable, as PDF/A asks)."""
    for edition in (snapshot_en, profile_en):
        with pikepdf.open(BytesIO(edition.pdf)) as pdf:
            streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
            assert [str(stream.get("/Type")) for stream in streams
                    if "/Filter" not in stream] == ["/Metadata"]
            assert any(stream.get("/Type") == "/ObjStm" for stream in streams)


def test_conventions_table_lists_each_convention_with_its_ratification(
        snapshot_en: BuiltEdition) -> None:
    text = normalize(snapshot_en.pdf_text.text)
    assert "Convention Relating to the Status of Refugees, 1951 Yes (1999)" in text
    assert "Convention on the Rights of the Child (CRC), 1989 Yes (1994)" in text
    assert "Convention on the Reduction of Statelessness, 1961 No" in text


def test_source_addresses_are_clickable_links(snapshot_en: BuiltEdition) -> None:
    reader = PdfReader(BytesIO(snapshot_en.pdf))
    uris = {
        str(annot.get_object()["/A"]["/URI"])
        for page in reader.pages for annot in page.get("/Annots", [])
        if "/A" in annot.get_object() and "/URI" in annot.get_object()["/A"]
    }
    assert "https://www.state.gov/documents/organization/271343.pdf" in uris
    assert "https://www.iom.int/rcps-region" in uris


def test_footnote_1_is_a_page_footnote_on_the_introduction_page(
        snapshot_en: BuiltEdition) -> None:
    starts = {item.title: item.page for item in outline(snapshot_en.pdf)}
    page = normalize(snapshot_en.pdf_text.page(starts["Introduction"]))
    assert "Indicators (MGI)1 were developed" in page
    assert page.index("1. The Migration Governance Indicators (MGI) initiative") > \
        page.index("Indicators (MGI)1 were developed")
