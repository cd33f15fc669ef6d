"""Every PDF edition is a tagged PDF an accessibility auditor accepts (issue #10, items 8 and
9): see src/mgi_report/tagging.py for what is done to WeasyPrint's tags and why."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest
import yaml

from conftest import ROOT, SessionBuild
from mgi_report.gates import pdf_ua
from mgi_report.inspect import normalize, outline
from structure_tree import Element, kids, tree, walk

EDITIONS = [(report, locale) for report in ("snapshot", "profile") for locale in ("en", "de", "ru")]
STRUCTURE = yaml.safe_load((ROOT / "content/structure.yaml").read_text(encoding="utf-8"))


def open_pdf(built: SessionBuild, report: str, locale: str) -> pikepdf.Pdf:
    return pikepdf.open(built.out / "kaz" / f"{report}.{locale}.pdf")


def link_annotations(element: Element) -> list[pikepdf.Object]:
    return [k.Obj for k in kids(element.obj)
            if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]


def test_the_pdf_opens_with_the_outline(built: SessionBuild) -> None:
    for report, locale in EDITIONS:
        with open_pdf(built, report, locale) as pdf:
            assert pdf.Root.PageMode == pikepdf.Name.UseOutlines, (report, locale)


def test_pdfua_reports_no_findings_and_nothing_is_exempted(built: SessionBuild) -> None:
    import pdfua

    assert not hasattr(pdf_ua, "REPLACED")
    for report, locale in EDITIONS:
        result = pdfua.validate(str(built.out / "kaz" / f"{report}.{locale}.pdf"))
        assert [(f.rule_id, f.message) for f in result.findings] == [], (report, locale)
        assert [(s.rule_id, s.skipped_reason) for s in result.skipped] == [], (report, locale)


def test_english_findings_in_the_german_profile_carry_lang_en(built: SessionBuild) -> None:
    """The German and Russian profiles fall back to English findings (a fuller test of
    fallback is in test_editions_de_ru.py); a screen reader must read them in English."""
    for locale in ("de", "ru"):
        with open_pdf(built, "profile", locale) as pdf:
            elements = list(walk(tree(pdf)))
            english = [e for e in elements if e.lang == "en"]
            assert any(e.role == "/LI" for e in english), locale
            for element in elements:
                # /Lang on every element whose language is not the document's
                if element.lang != locale:
                    assert str(element.obj.get("/Lang")) == element.lang, element.role
            assert "/Lang" not in elements[0].obj


def test_every_element_in_the_document_language_needs_no_lang(built: SessionBuild) -> None:
    with open_pdf(built, "profile", "en") as pdf:
        assert not [e.role for e in walk(tree(pdf)) if "/Lang" in e.obj]


def test_every_th_has_a_scope(built: SessionBuild) -> None:
    for locale in ("en", "de", "ru"):
        with open_pdf(built, "snapshot", locale) as pdf:
            cells = [e for e in walk(tree(pdf)) if e.role == "/TH"]
            assert cells
            for cell in cells:
                assert cell.obj.A.Scope in (pikepdf.Name.Row, pikepdf.Name.Column)
            assert {str(c.obj.A.Scope) for c in cells} == {"/Row", "/Column"}


def content_marks(page: pikepdf.Page) -> Iterator[tuple[str, pikepdf.Object]]:
    for instruction in pikepdf.parse_content_stream(page):
        if isinstance(instruction, pikepdf.ContentStreamInstruction) and \
                str(instruction.operator) == "BDC":
            yield str(instruction.operands[0]), instruction.operands[1]


def test_running_heads_and_page_numbers_are_artifacts_and_all_else_is_in_the_tree(
        built: SessionBuild) -> None:
    for report, locale in EDITIONS:
        with open_pdf(built, report, locale) as pdf:
            nums = pdf.Root.StructTreeRoot.ParentTree.Nums
            parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
            reachable = {e.obj.objgen for e in walk(tree(pdf))}
            for number, page in enumerate(pdf.pages, start=1):
                marks = list(content_marks(page))
                pagination = [p for tag, p in marks if tag == "/Artifact"
                              and p.get("/Type") == pikepdf.Name.Pagination]
                if number > 1:   # the cover has neither head nor page number
                    assert pagination, (report, locale, number)
                for _, properties in marks:
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                        owner = parents[int(page.StructParents)][int(properties.MCID)]
                        assert owner.objgen in reachable, (report, locale, number)


def test_one_sect_per_section_not_cut_at_page_breaks(built: SessionBuild) -> None:
    for report, locale in EDITIONS:
        with open_pdf(built, report, locale) as pdf:
            html = (built.out / "kaz" / f"{report}.{locale}.html").read_text(encoding="utf-8")
            document = tree(pdf)
            sections = [e for e in walk(document) if e.role == "/Sect"]
            printed = re.findall(r'<section (?![^>]*screen-only)', html)
            assert len(sections) == len(printed), (report, locale)
            top = [e for e in sections if e.parent and e.parent.role in {"/Document", "/Part"}]
            findings = top[-1 if report == "profile" else -2]
            pages = {page.objgen for e in walk(findings) for page in [e.obj.get("/Pg")]
                     if isinstance(page, pikepdf.Dictionary)}
            assert len(pages) > 1, "the findings run over several pages in one /Sect"


def test_each_contents_entry_is_one_link_and_the_leader_dots_are_artifacts(
        built: SessionBuild) -> None:
    with open_pdf(built, "snapshot", "en") as pdf:
        edition = built.edition("kaz", "snapshot", "en")
        contents = {i.title: i.page for i in outline(edition.pdf)}["Contents"]
        page = pdf.pages[contents - 1]
        links = [e for e in walk(tree(pdf)) if e.role == "/Link"
                 and any(a.objgen in {x.objgen for x in page.Annots} for a in link_annotations(e))]
        entries = 3 + len(STRUCTURE["domains"])   # introduction, key findings, key sources
        assert len(links) == entries
        # An entry set on two lines is one link with an annotation per line.
        assert {a.objgen for e in links for a in link_annotations(e)} == \
            {a.objgen for a in page.Annots}
        assert not [e for e in links if any(k.role == "/Link" for k in walk(e) if k is not e)]
        layout = [p for tag, p in content_marks(page)
                  if tag == "/Artifact" and p.get("/Type") == pikepdf.Name.Layout]
        assert len(layout) >= entries
        assert [str(a.Contents) for e in links for a in link_annotations(e)][:2] == \
            ["Introduction", "Key findings"]


def test_link_descriptions_name_their_target_in_the_editions_language(
        built: SessionBuild) -> None:
    for locale in ("en", "de", "ru"):
        edition = built.edition("kaz", "snapshot", locale)
        titles = {normalize(i.title) for i in outline(edition.pdf)}
        with open_pdf(built, "snapshot", locale) as pdf:
            internal = [a for p in pdf.pages for a in p.get("/Annots", [])
                        if "/Dest" in a and not str(a.Dest).startswith(("note-", "call-"))]
            assert internal
            for annotation in internal:
                assert str(annotation.Contents) != str(annotation.Dest)
                # "1. Title" in the contents, "Title" as the bookmark
                assert re.sub(r"^\d+\. ", "", str(annotation.Contents)) in \
                    {re.sub(r"^\d+\. ", "", t) for t in titles}, str(annotation.Contents)


def test_the_footnote_is_a_note_linked_both_ways(built: SessionBuild) -> None:
    for locale in ("en", "de", "ru"):
        with open_pdf(built, "snapshot", locale) as pdf:
            elements = list(walk(tree(pdf)))
            notes = [e for e in elements if e.role == "/Note"]
            assert len(notes) == 1
            note = notes[0]
            assert note.parent is not None and note.parent.role == "/P"
            siblings = note.parent.kids
            call = siblings[siblings.index(note) - 1]
            assert call.role == "/Link"
            (forward,) = link_annotations(call)
            assert str(forward.Dest) == str(note.obj.ID)
            back_links = [e for e in walk(note) if e.role == "/Link"]
            (back,) = [a for e in back_links for a in link_annotations(e)]
            names = pdf.Root.Names.Dests.Names
            anchors = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
            assert str(forward.Dest) in anchors and str(back.Dest) in anchors
            # the note's anchor is on the page of its call, the call's on the page of the note
            assert anchors[str(back.Dest)][0].objgen == anchors[str(forward.Dest)][0].objgen
            assert str(back.Contents) and str(back.Contents) != str(back.Dest)


def test_the_wheel_alt_names_the_six_domains_in_the_editions_language(
        built: SessionBuild) -> None:
    for locale in ("en", "de", "ru"):
        names = yaml.safe_load((ROOT / f"content/{locale}/domains.yaml").read_text("utf-8"))
        with open_pdf(built, "profile", locale) as pdf:
            (figure,) = [e for e in walk(tree(pdf)) if e.role == "/Figure"]
            alt = str(figure.obj.Alt)
            for domain in STRUCTURE["domains"]:
                assert names[domain]["name"] in alt, (locale, domain)


def poppler_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_a_hyphenated_word_extracts_whole(built: SessionBuild) -> None:
    """The hyphen hyphenation draws at a line end (U+2010) is marked as a soft hyphen
    (U+00AD, a break inside a word): PDFium extracts the word as one, without a line break
    (its U+FFFE marks where the line-end hyphen was); poppler gives the soft hyphen before
    the line break, where it used to give a hyphen. (PDFium's search does not match a word
    across a line end, and poppler joins lines only at U+002D: their limits.)"""
    import pypdfium2 as pdfium

    path = built.out / "kaz/snapshot.en.pdf"
    html = normalize(built.edition("kaz", "snapshot", "en").html_text)
    text = poppler_text(path)
    words = re.findall(r"(\w+)\u00ad\n(\w+)", text)
    assert len(words) > 5
    assert not re.search(r"\w\u2010\n", text)
    document = pdfium.PdfDocument(str(path))
    try:
        pdfium_text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    for head, tail in words:
        assert re.search(rf"\b{head}{tail}\b", html), head + tail
        assert f"{head}\ufffe{tail}" in pdfium_text, head + tail


def test_only_the_hyphenation_hyphen_is_marked(built: SessionBuild) -> None:
    """A hyphen written in the text ("non-nationals", "1967-protocol") stays a hyphen: every
    soft hyphen poppler extracts joins the parts of one word of the HTML, and there is one
    per marked hyphen."""
    path = built.out / "kaz/snapshot.en.pdf"
    with open_pdf(built, "snapshot", "en") as pdf:
        spans = sum(1 for page in pdf.pages for tag, p in content_marks(page)
                    if tag == "/Span" and "/ActualText" in p)
    text = poppler_text(path)
    assert spans == text.count("\u00ad") > 0
    assert "non-\nnationals" in built.edition("kaz", "snapshot", "en").pdf_text.text or \
        "non-nationals" in normalize(built.edition("kaz", "snapshot", "en").pdf_text.text)


@pytest.mark.parametrize("variant", ["pdf/a-3b", "plain"])
def test_untagged_variants_are_left_as_weasyprint_writes_them(variant: str,
                                                              tmp_path: Path) -> None:
    from mgi_report import build

    build(ROOT, tmp_path, locales=["en"], reports=["profile"], formats=["pdf"],
          variant=variant)
    with pikepdf.open(BytesIO((tmp_path / "kaz/profile.en.pdf").read_bytes())) as pdf:
        assert "/StructTreeRoot" not in pdf.Root and "/PageMode" not in pdf.Root
