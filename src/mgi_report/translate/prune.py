"""Removing what removals upstream left behind: translations of keys the source no longer
has, and records of translations that are gone (stale, among ``Project.warnings``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from ..errors import UsageError
from ..merge import stale_keys
from ..paths import ProjectPaths
from ..publish import transaction
from ..validate import TRANSLATED_FROM
from . import yamledit


@dataclass(frozen=True)
class PruneResult:
    locale: str
    #: Translations removed, each with the file and line it was at.
    translations: tuple[tuple[str, str], ...]
    #: Keys whose translation record was removed.
    records: tuple[str, ...]
    written: tuple[Path, ...]
    removed: tuple[Path, ...]


def prune_translations(root: Path, locale: str, *, dry_run: bool = False) -> PruneResult:
    """Remove ``locale``'s stale translations and records, keeping everything else of its
    files (order, comments, quoting); a file left empty is removed. ``dry_run`` says what
    would go and changes nothing."""
    from ..build import load_project

    project = load_project(root)
    source = project.structure.source_locale
    if locale == source or locale not in project.bundles:
        raise UsageError(f"no translated content for locale {locale!r}")
    with transaction(ProjectPaths(project.root).content / locale) as staging:
        project = load_project(root)  # again, under the lock: what is replaced is what is read
        translations, records = stale_keys(project, locale)
        stale = [project.bundles[locale].entries[key] for key in translations]
        folder = staging.path
        documents: dict[str, Any] = {}
        for entry in stale:
            stem, *path = entry.key.split(".")
            _delete(_loaded(documents, folder, stem), path)
        for key in records:
            _delete(_loaded(documents, folder, TRANSLATED_FROM), [key])
        written, removed = [], []
        for stem, document in ({} if dry_run else documents).items():
            if document:
                staging.write(f"{stem}.yaml", yamledit.dump(document))
                written.append(staging.target / f"{stem}.yaml")
            else:
                staging.remove(f"{stem}.yaml")
                removed.append(staging.target / f"{stem}.yaml")
    return PruneResult(locale, tuple((e.key, f"{e.file}:{e.line}") for e in stale),
                       tuple(records), tuple(written), tuple(removed))


def _loaded(documents: dict[str, Any], folder: Path, stem: str) -> Any:
    if stem not in documents:
        documents[stem] = yamledit.load(folder / f"{stem}.yaml")
    return documents[stem]


def _delete(document: Any, path: list[str]) -> None:
    """Remove the value at ``path``, and the mappings it leaves empty. The comment lines
    after it stay, after what now comes before them: in YAML a comment goes before what it
    describes, and ruamel keeps such lines with the value above them."""
    parents = [document]
    for part in path[:-1]:
        parents.append(parents[-1][part])
    level = len(path) - 1
    comment = _comment_after(parents[level], path[level])
    while level > 0 and len(parents[level]) == 1:  # its only key: it goes too
        level -= 1
        comment = comment or _comment_after(parents[level], path[level])
    mapping, key = parents[level], path[level]
    keys = list(mapping)
    before = keys[keys.index(key) - 1] if keys.index(key) > 0 else None
    del mapping[key]
    if comment is not None and before is not None:
        _attach_after(mapping, before, comment)


def _comment_after(mapping: Any, key: str) -> Any:
    """The comment lines ruamel keeps after ``mapping[key]``'s value, if any."""
    slots = mapping.ca.items.get(key) if isinstance(mapping, CommentedMap) else None
    return slots[2] if slots and len(slots) > 2 else None


def _attach_after(mapping: CommentedMap, key: str, comment: Any) -> None:
    value = mapping[key]
    if isinstance(value, CommentedMap) and value:
        _attach_after(value, list(value)[-1], comment)
    else:
        mapping.ca.items.setdefault(key, [None, None, None, None])[2] = comment
