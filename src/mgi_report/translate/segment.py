"""Upgrading content written before paragraph segments: a list of paragraphs under one key
becomes a mapping ``p1: …, p2: …`` in every locale, and each translation record of a list
one record per paragraph, so a translation keeps every paragraph and none becomes outdated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..errors import InputError, Problem
from ..paths import ProjectPaths
from ..publish import transaction
from ..validate import LOCALE_SETTINGS, TRANSLATED_FROM
from ..yamlfile import load_yaml
from . import yamledit

#: The ids a block's paragraphs get, by the block's dotted key and its number of paragraphs;
#: None when a translation's list cannot be matched with its source's paragraphs.
IdsFor = Callable[[str, int], list[str] | None]


@dataclass(frozen=True)
class SegmentResult:
    #: The files rewritten, and the blocks given paragraph ids (dotted keys).
    written: tuple[Path, ...]
    blocks: tuple[str, ...]


def paragraph_ids(count: int) -> list[str]:
    return [f"p{number}" for number in range(1, count + 1)]


def segment_paragraphs(root: Path) -> SegmentResult:
    """Give every list of paragraphs under ``root/content`` its paragraph ids; the n-th
    paragraph of a translation gets the id of the source's n-th, whether the source is a
    list too or was given its ids before. Comments, order and quoting stay as they were;
    nothing is written unless every file reads and every translation's list has as many
    paragraphs as the source's."""
    paths = ProjectPaths(Path(root))
    structure = _readable(paths, paths.structure)
    source = str(structure.get("source_locale", "")) if isinstance(structure, dict) else ""
    if not (paths.content / source).is_dir():
        raise InputError([Problem(paths.display(paths.structure), 0, "source_locale",
                                  f"no content folder for the source locale {source!r}")])
    with transaction(paths.content) as staging:
        content = staging.path
        folders = [content / source, *sorted(
            p for p in content.iterdir()
            if p.is_dir() and p.name not in {source, paths.countries.name})]
        source_ids: dict[str, list[str]] = {}
        problems: list[Problem] = []
        changed: dict[str, Any] = {}
        blocks: list[str] = []
        for folder in folders:
            is_source = folder.name == source
            for path in sorted(folder.glob("*.yaml")):
                where = paths.display(paths.content / path.relative_to(content))
                if path.stem == LOCALE_SETTINGS or _readable(paths, path, where) is None:
                    continue
                document = yamledit.load(path)
                found: dict[str, tuple[int, int]] = {}
                ids_for = _ids_for(source_ids, is_source)
                if path.stem == TRANSLATED_FROM:
                    document = _segment_records(document, ids_for, found)
                else:
                    _segment(document, path.stem, ids_for, found)
                if is_source:
                    source_ids.update(_blocks(document, path.stem))
                    blocks.extend(key for key in found)
                problems.extend(
                    Problem(where, line, key, f"{count} paragraphs, the source has "
                                              f"{_count(source_ids.get(key))}: the n-th "
                                              "paragraph of each gets the same id")
                    for key, (count, line) in found.items() if ids_for(key, count) is None)
                if found:
                    changed[str(path.relative_to(content))] = document
        if problems:
            raise InputError(problems)
        for relative, document in changed.items():
            staging.write(relative, yamledit.dump(document))
    return SegmentResult(tuple(paths.content / relative for relative in changed),
                         tuple(blocks))


def _ids_for(source_ids: dict[str, list[str]], is_source: bool) -> IdsFor:
    def ids_for(key: str, count: int) -> list[str] | None:
        if is_source:
            return paragraph_ids(count)
        ids = source_ids.get(key)
        return ids if ids is not None and len(ids) == count else None

    return ids_for


def _readable(paths: ProjectPaths, path: Path, where: str | None = None) -> Any:
    """The data of ``path``, read as the project reads it (refused at its line when it
    cannot be read: nothing is segmented then)."""
    document, problems = load_yaml(path.read_bytes(), where or paths.display(path))
    if problems:
        raise InputError(problems)
    return document.data if document is not None else None


def _count(ids: list[str] | None) -> str:
    return "none" if ids is None else str(len(ids))


def _blocks(node: Any, path: str) -> dict[str, list[str]]:
    """The ids of every block of the source (a mapping whose values are all text), by its
    dotted key: a translation's list is matched with them."""
    found: dict[str, list[str]] = {}
    if isinstance(node, dict):
        if node and all(isinstance(value, str) for value in node.values()):
            found[path] = [str(key) for key in node]
        for key, value in node.items():
            found.update(_blocks(value, f"{path}.{key}"))
    return found


def _segment(node: Any, path: str, ids_for: IdsFor, found: dict[str, tuple[int, int]]) -> None:
    """Turn each list of strings under ``node`` into a mapping of paragraph ids (its
    comments with it), recording the list's length and line by its dotted key."""
    if not isinstance(node, CommentedMap):
        return
    for key in list(node):
        value, here = node[key], f"{path}.{key}"
        if isinstance(value, CommentedSeq) and all(isinstance(v, str) for v in value):
            found[here] = (len(value), node.lc.key(key)[0] + 1)
            if (ids := ids_for(here, len(value))) is not None:
                node[key] = _as_mapping(value, ids)
        else:
            _segment(value, here, ids_for, found)


def _as_mapping(paragraphs: CommentedSeq, ids: list[str]) -> CommentedMap:
    mapping = CommentedMap(zip(ids, paragraphs, strict=True))
    for index, slots in paragraphs.ca.items.items():
        mapping.ca.items[ids[index]] = [None, None, slots[0], None]
    if paragraphs.ca.comment:
        mapping.ca.comment = paragraphs.ca.comment
    return mapping


def _segment_records(records: Any, ids_for: IdsFor,
                     found: dict[str, tuple[int, int]]) -> Any:
    if not isinstance(records, CommentedMap):
        return records
    segmented = CommentedMap()
    for key, value in records.items():
        if isinstance(value, list):
            found[key] = (len(value), records.lc.key(key)[0] + 1)
            for paragraph_id, text in zip(ids_for(key, len(value)) or [], value, strict=False):
                segmented[f"{key}.{paragraph_id}"] = text
        else:
            segmented[key] = value
    if records.ca.comment:
        segmented.ca.comment = records.ca.comment
    return segmented
