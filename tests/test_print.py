"""Print typography measured from the PDFs themselves (issue: publication-grade print).

The measuring is the ``typography`` gate's (``mgi_report.gates.typography``): positions
come from PDFium's glyph boxes; a page's running head is the text above the body area.
"""

from __future__ import annotations

import pytest

from conftest import ROOT, SessionBuild
from mgi_report.gates.typography import (
    NUMBERED,
    Document,
    heads,
    load,
    measure,
    running_head_findings,
    sections,
    sections_at_top,
)


def document(built: SessionBuild, report: str, locale: str) -> Document:
    edition = built.edition("kaz", report, locale)
    found, has_margins = load(edition.pdf, edition.name, ROOT)
    assert has_margins, "no @page margins in templates/css"
    return found


@pytest.mark.parametrize("report", ["snapshot", "profile"])
@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_running_heads_fit_one_line_an_em_apart_and_name_the_section_at_the_top(
        built: SessionBuild, report: str, locale: str) -> None:
    found = document(built, report, locale)
    assert heads(found), "no running heads"
    assert [str(finding) for finding in running_head_findings(found)] == []


@pytest.mark.parametrize("report", ["snapshot", "profile"])
@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_a_domain_is_headed_by_its_short_label_not_its_long_title(
        built: SessionBuild, report: str, locale: str) -> None:
    """A domain is named by its number and short label (from content), never its long
    title (the snapshot's domain headings are long; the profile's are the label)."""
    found = document(built, report, locale)
    expected = sections_at_top(found)
    for head in heads(found):
        mark = expected.get(head.page)
        number = NUMBERED.match(mark.title) if mark else None
        if mark and mark.level > 0 and number and f" {number.group(1)}: " not in mark.title:
            assert mark.title not in head.text, (head.page, head.text)


@pytest.mark.parametrize("report", ["snapshot", "profile"])
@pytest.mark.parametrize("locale", ["en", "de", "ru"])
def test_a_heading_keeps_at_least_three_lines_of_what_follows_on_its_page(
        built: SessionBuild, report: str, locale: str) -> None:
    """Lines of body text size below a section's heading on the page it starts on (the
    heading's own lines are larger)."""
    found = document(built, report, locale)
    body = measure(found)
    assert body is not None
    for mark in sections(found):
        page = found.pages[mark.page - 1]
        following = [line for line in page.lines
                     if line.box.top < mark.y + 0.5 and line.size <= body.size]
        assert len(following) >= 3, (mark.page, mark.title, [line.text for line in following])
