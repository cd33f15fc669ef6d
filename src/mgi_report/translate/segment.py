"""Upgrading content written before paragraph segments: a list of paragraphs under one key
becomes a mapping ``p1: …, p2: …`` in every locale, and each translation record of a list
one record per paragraph, so a translation keeps every paragraph and none becomes outdated.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError, Problem
from ..paths import ProjectPaths
from ..publish import transaction
from ..validate import LOCALE_SETTINGS, TRANSLATED_FROM
from . import yamledit


@dataclass(frozen=True)
class SegmentResult:
    #: The files rewritten, and the blocks given paragraph ids (dotted keys).
    written: tuple[Path, ...]
    blocks: tuple[str, ...]


def paragraph_ids(count: int) -> list[str]:
    return [f"p{number}" for number in range(1, count + 1)]


def segment_paragraphs(root: Path) -> SegmentResult:
    """Give every list of paragraphs under ``root/content`` its paragraph ids; the n-th
    paragraph of a translation gets the id of the source's n-th. Nothing else of a file
    changes (comments, order, quoting); nothing is written unless every translation's list
    has as many paragraphs as the source's."""
    paths = ProjectPaths(Path(root))
    source = str(yamledit.load(paths.structure)["source_locale"])
    with transaction(paths.content) as staging:
        content = staging.path
        folders = [content / source, *sorted(
            p for p in content.iterdir()
            if p.is_dir() and p.name not in {source, paths.countries.name})]
        source_lists: dict[str, int] = {}
        problems: list[Problem] = []
        changed: dict[str, Any] = {}
        blocks: list[str] = []
        for folder in folders:
            for path in sorted(folder.glob("*.yaml")):
                if path.stem == LOCALE_SETTINGS:
                    continue
                document = yamledit.load(path)
                lists: dict[str, tuple[int, int]] = {}
                if path.stem == TRANSLATED_FROM:
                    document = _segment_records(document, lists)
                else:
                    _segment(document, path.stem, lists)
                where = paths.display(paths.content / path.relative_to(content))
                if folder.name == source:
                    source_lists.update({key: count for key, (count, _) in lists.items()})
                    blocks.extend(lists)
                problems.extend(
                    Problem(where, line, key, f"{count} paragraphs, the source has "
                                              f"{source_lists.get(key, 'none')}: the n-th "
                                              "paragraph of each gets the same id")
                    for key, (count, line) in lists.items()
                    if source_lists.get(key) != count)
                if lists:
                    changed[str(path.relative_to(content))] = document
        if problems:
            raise InputError(problems)
        for relative, document in changed.items():
            staging.write(relative, yamledit.dump(document))
    return SegmentResult(tuple(paths.content / relative for relative in changed),
                         tuple(blocks))


def _segment(node: Any, path: str, lists: dict[str, tuple[int, int]]) -> None:
    """Turn each list of strings under ``node`` into a mapping of paragraph ids, recording
    the list's length and line by its dotted key."""
    if not isinstance(node, CommentedMap):
        return
    for key in list(node):
        value, here = node[key], f"{path}.{key}"
        if isinstance(value, CommentedSeq) and all(isinstance(v, str) for v in value):
            lists[here] = (len(value), node.lc.key(key)[0] + 1)
            node[key] = CommentedMap(zip(paragraph_ids(len(value)), value, strict=True))
        else:
            _segment(value, here, lists)


def _segment_records(records: Any, lists: dict[str, tuple[int, int]]) -> CommentedMap:
    segmented = CommentedMap()
    for key, value in records.items():
        if isinstance(value, list):
            lists[key] = (len(value), records.lc.key(key)[0] + 1)
            for paragraph_id, text in zip(paragraph_ids(len(value)), value, strict=True):
                segmented[f"{key}.{paragraph_id}"] = text
        else:
            segmented[key] = value
    if records.ca.comment:
        segmented.ca.comment = records.ca.comment
    return segmented
