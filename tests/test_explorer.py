"""The web profile's wheel is an explorer: choosing a domain by click or keyboard shows its
findings under the wheel, the choice is in the address, and without JavaScript the wheel is
the links it always was. Walked through in Chromium (tools/explorer_walk.mjs)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SessionBuild
from mgi_report.build import load_project
from mgi_report.gates.tools import chromium, npm_file, program
from mgi_report.merge import merge
from mgi_report.model import EditionSpec

WALK = "tools/explorer_walk.mjs"
PHONE, DESKTOP = 390, 1280


def relative_luminance(colour: str) -> float:
    channels = [int(part) / 255 for part in re.findall(r"\d+", colour)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)),
                             reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture(scope="module")
def walked(built: SessionBuild) -> dict[str, Any]:
    npm_file("node_modules/playwright-core/package.json", ROOT)
    done = subprocess.run(
        [program("node"), str(ROOT / WALK), json.dumps({
            "file": str(built.out / "kaz/profile.en.html"), "domain": "crises",
            "chromium": chromium()})],
        capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def walk(walked: dict[str, Any], width: int) -> dict[str, Any]:
    found: dict[str, Any] = next(w for w in walked["walks"] if w["width"] == width)
    return found


def domain_headings() -> list[tuple[str, str]]:
    """(id, "Domain N: name") of each domain, from the content, in wheel order."""
    project = load_project(ROOT)
    edition = merge(project, EditionSpec("kaz", "profile", "en"))
    return [(domain, f"Domain {number}: {edition.texts[f'domains.{domain}.name'].value}")
            for number, domain in enumerate(project.structure.domains, start=1)]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_each_segment_is_a_tab_named_by_its_domain_with_one_tab_stop(
        walked: dict[str, Any], width: int) -> None:
    tabs = walk(walked, width)["tabs"]
    assert [(tab["domain"], tab["name"]) for tab in tabs] == domain_headings()
    assert [tab["tabindex"] for tab in tabs].count("0") == 1
    assert walk(walked, width)["errors"] == []


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_first_domain_is_shown_until_another_is_chosen(
        walked: dict[str, Any], width: int) -> None:
    first, heading = domain_headings()[0]
    initial = walk(walked, width)["steps"]["initial"]
    assert (initial["selected"], initial["panel"], initial["hash"]) == (first, heading, "")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_arrow_keys_home_and_end_choose_a_domain_and_show_its_findings_in_the_address(
        walked: dict[str, Any], width: int) -> None:
    headings = dict(domain_headings())
    order = list(headings)
    steps = walk(walked, width)["steps"]
    keyed = [step for name, step in steps.items() if name.startswith("key ")]
    expected = [1, 2, 5, 0, 5, 0, 5, 0]  # → → End → ← Home ↑ ↓, wrapping around
    assert [step["selected"] for step in keyed] == [order[i] for i in expected]
    for step in keyed:
        assert step["focused"] == step["selected"]
        assert step["panel"] == headings[step["selected"]]
        assert step["hash"] == f"#explore-{step['selected']}"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_click_chooses_the_segment_and_one_tab_leaves_the_wheel(
        walked: dict[str, Any], width: int) -> None:
    fourth = domain_headings()[3]
    steps = walk(walked, width)["steps"]
    assert (steps["clickedFourth"]["selected"], steps["clickedFourth"]["panel"]) == fourth
    assert steps["tabbedOut"]["focused"] is None


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_focus_ring_follows_the_segment_at_three_to_one(
        walked: dict[str, Any], width: int) -> None:
    result = walk(walked, width)
    focused = result["steps"]["tabbedIn"]
    assert focused["focusStrokeWidth"] >= 6
    assert contrast(focused["focusStroke"], result["unfocusedStroke"]) >= 3
    assert contrast(focused["focusStroke"], "rgb(255, 255, 255)") >= 3


def test_labels_are_at_least_12_px_and_the_wheel_is_within_two_phone_screens(
        walked: dict[str, Any]) -> None:
    phone, desktop = walk(walked, PHONE)["sizes"], walk(walked, DESKTOP)["sizes"]
    assert phone["smallestText"] >= 12 and desktop["smallestText"] >= 12
    assert phone["legendShown"] and not desktop["legendShown"]
    assert phone["wheelTop"] < 2 * phone["screen"]


def test_the_address_chooses_the_domain_it_names(walked: dict[str, Any]) -> None:
    assert walked["addressed"]["selected"] == "crises"
    assert walked["addressed"]["panel"] == dict(domain_headings())["crises"]


def test_a_later_address_chooses_its_domain_and_a_malformed_one_the_first(
        walked: dict[str, Any]) -> None:
    assert walked["hashChanged"]["selected"] == "partnerships"
    assert walked["malformed"]["selected"] == domain_headings()[0][0]
    assert walked["malformed"]["panel"] == domain_headings()[0][1]


def test_without_javascript_the_segments_are_links_to_the_findings(
        walked: dict[str, Any]) -> None:
    still = walked["noScript"]
    assert still["panelHidden"] and still["roles"] == 0
    assert still["links"] == [f"#findings-{domain}" for domain, _ in domain_headings()]
    assert still["hashAfterClick"] == "#findings-partnerships"


def test_every_domain_has_a_way_back_to_the_wheel(built: SessionBuild) -> None:
    html = (built.out / "kaz/profile.en.html").read_text(encoding="utf-8")
    starts = [match.start() for match in re.finditer(r'<section class="domain" id="findings-',
                                                     html)]
    sections = [html[start:end] for start, end in zip(starts, [*starts[1:], len(html)],
                                                      strict=True)]
    assert len(sections) == len(domain_headings())
    assert all('<a href="#explorer">Back to the wheel</a>' in s for s in sections)


def test_the_page_has_one_main_landmark_and_the_wheel_is_named_once(
        built: SessionBuild) -> None:
    html = (built.out / "kaz/profile.en.html").read_text(encoding="utf-8")
    assert html.count("<main>") == 1
    explorer = html[html.index('<section class="explorer'):html.index("</section>",
                                                                       html.index("explorer"))]
    outside_segments = re.sub(r"<a .*?</a>", "", explorer, flags=re.DOTALL)
    assert "<title" not in outside_segments and "<figure" not in explorer
    assert explorer.count("<title>") == len(domain_headings())
    assert explorer.count('aria-labelledby="explorer-heading"') == 2


def test_each_domain_has_an_icon_the_project_draws() -> None:
    icons = Path(ROOT / "templates/icons")
    for domain in load_project(ROOT).structure.domains:
        assert "<path" in (icons / f"{domain}.svg.j2").read_text(encoding="utf-8") or \
            "<circle" in (icons / f"{domain}.svg.j2").read_text(encoding="utf-8")


def test_the_pdf_wheel_links_each_segment_to_its_domains_findings(built: SessionBuild) -> None:
    import math
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO((built.out / "kaz/profile.en.pdf").read_bytes()))
    named = reader.named_destinations
    links = [(annotation.get_object()["/Rect"], str(annotation.get_object().get("/Dest")))
             for page in reader.pages for annotation in page.get("/Annots") or []
             if str(annotation.get_object().get("/Dest", "")).startswith("findings-")]
    domains = domain_headings()
    assert [dest for _, dest in links] == [f"findings-{domain}" for domain, _ in domains]
    centres = [((float(r[0]) + float(r[2])) / 2, (float(r[1]) + float(r[3])) / 2)
               for r, _ in links]
    middle_x = sum(x for x, _ in centres) / len(centres)
    middle_y = sum(y for _, y in centres) / len(centres)
    step = 360 / len(domains)
    for index, ((x, y), (domain, heading)) in enumerate(zip(centres, domains, strict=True)):
        clockwise_from_top = math.degrees(math.atan2(x - middle_x, y - middle_y)) % 360
        assert index * step < clockwise_from_top < (index + 1) * step, domain
        target = reader.get_destination_page_number(named[f"findings-{domain}"])
        assert target is not None
        assert heading in " ".join(reader.pages[target].extract_text().split())
