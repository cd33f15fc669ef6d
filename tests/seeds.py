"""The source documents as lists of passages the editions must contain.

Each seed is corrected with content/errata.yaml first (the corrections are the reviewed
exceptions), its Markdown is reduced to reading text, and its paragraphs are cut into
sentences, so a failure names the exact sentence that went missing.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import REFERENCE, ROOT

SNAPSHOT_SEED = "000_2745045bb1d25991.txt"
PROFILE_SEED = "003_09fea3ac92f70759.txt"

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
HEADING_NUMBER = re.compile(r"^(?:[IVX]+|\d+)\.\s+")


def corrected(seed: str, locale: str = "en") -> str:
    text = (REFERENCE / seed).read_text(encoding="utf-8")
    errata = yaml.safe_load((ROOT / "content" / "errata.yaml").read_text(encoding="utf-8"))
    for entry in errata:
        if entry["source"] == seed and entry["locale"] == locale:
            assert entry["original"] in text, f"erratum no longer matches {seed}: {entry}"
            text = text.replace(entry["original"], entry["corrected"])
    return text


def reading_text(line: str) -> str:
    """A Markdown line as a reader sees it: no marks, links reduced to their text."""
    line = re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", line)
    line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
    line = line.replace("\\\\_", "_")
    line = re.sub(r"\\(.)", r"\1", line)
    line = line.replace("**", "").replace("*", "")
    line = re.sub(r"^#+\s*", "", line)
    line = re.sub(r"^-\s+", "", line)
    line = re.sub(r"\s+([.,])(?=\s|$)", r"\1", line)
    return line.strip()


def sentences(paragraph: str) -> list[str]:
    return [s for s in SENTENCE_END.split(paragraph) if s]


def snapshot_passages() -> list[str]:
    """Every heading, table cell and sentence of the English snapshot."""
    passages: list[str] = []
    for raw in corrected(SNAPSHOT_SEED).splitlines():
        if not raw.strip() or raw.strip() == "---":
            continue
        if "\t" in raw:
            passages.extend(cell.strip() for cell in raw.split("\t"))
            continue
        heading = raw.lstrip().startswith("#")
        for fragment in re.split(r"<sup>\d+</sup>", raw):
            text = reading_text(fragment)
            text = re.sub(r"^\d+\s+(?=The Migration Governance Indicators)", "", text)
            if heading:
                passages.append(HEADING_NUMBER.sub("", text))
            else:
                passages.extend(sentences(text))
    return [p for p in passages if p]


def profile_findings() -> list[str]:
    """The English part of the profile: from the first "Key findings" to the date line."""
    lines = corrected(PROFILE_SEED).splitlines()
    start = lines.index("Key findings")
    end = next(i for i, line in enumerate(lines) if re.match(r"^\d{4} \w+$", line))
    passages = []
    for raw in lines[start:end]:
        text = raw.strip().lstrip("•").strip().removesuffix(":").strip()
        if text and text not in {"Key findings", "Introduction"}:
            passages.extend(sentences(text))
    return passages


def profile_german_descriptions() -> list[str]:
    """The German domain descriptions (the paragraphs before the first "Key findings")."""
    lines = corrected(PROFILE_SEED, "de").splitlines()
    head = lines[: lines.index("Key findings")]
    return [line.strip() for line in head if len(line) > 200]


def seed_path(name: str) -> Path:
    return REFERENCE / name
