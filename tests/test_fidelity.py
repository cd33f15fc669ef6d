"""The English editions carry every sentence of the published sources (after errata)."""

from __future__ import annotations

import re

import pytest

from conftest import BuiltEdition, folded
from mgi_report.inspect import normalize
from seeds import profile_findings, snapshot_passages

WEB_ONLY = {"Click the icons on the wheel to explore the key findings."}


def squashed(text: str) -> str:
    """Text without any whitespace: long addresses may break anywhere in a PDF line."""
    return re.sub(r"\s+", "", folded(text))


def missing(passages: list[str], text: str, compare: str) -> list[str]:
    if compare == "pdf":
        haystack = squashed(text)
        return [p for p in passages if squashed(p) not in haystack]
    haystack = folded(text)
    return [p for p in passages if folded(p) not in haystack]


def test_seed_passages_are_found_by_the_parser() -> None:
    assert len(snapshot_passages()) > 150
    assert len(profile_findings()) > 40


@pytest.mark.parametrize("compare", ["pdf", "html"])
def test_english_snapshot_contains_every_sentence_of_the_published_snapshot(
        snapshot_en: BuiltEdition, compare: str) -> None:
    text = snapshot_en.pdf_text.text if compare == "pdf" else snapshot_en.html_text
    assert missing(snapshot_passages(), text, compare) == []


@pytest.mark.parametrize("compare", ["pdf", "html"])
def test_english_profile_contains_every_finding_of_the_published_profile(
        profile_en: BuiltEdition, compare: str) -> None:
    passages = profile_findings()
    if compare == "pdf":
        passages = [p for p in passages if p not in WEB_ONLY]
    text = profile_en.pdf_text.text if compare == "pdf" else profile_en.html_text
    assert missing(passages, text, compare) == []


def test_click_instruction_is_on_the_web_page_but_not_in_print(
        profile_en: BuiltEdition) -> None:
    instruction = next(iter(WEB_ONLY))
    assert instruction in normalize(profile_en.html_text)
    assert squashed(instruction) not in squashed(profile_en.pdf_text.text)


def test_a_missing_sentence_would_be_reported(snapshot_en: BuiltEdition) -> None:
    text = snapshot_en.pdf_text.text.replace("Kazakh citizens living abroad", "Citizens")
    assert missing(snapshot_passages(), text, "pdf") != []
