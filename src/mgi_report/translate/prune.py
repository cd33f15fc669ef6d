"""Removing what removals upstream left behind: translations of keys the source no longer
has, and records of translations that are gone (stale, among ``Project.warnings``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
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
        bundle, wording = project.bundles[locale], project.bundles[source].entries
        stale = [entry for key, entry in bundle.entries.items() if key not in wording]
        kept = {key for key in bundle.entries if key in wording}
        records = [key for key in bundle.translated_from if key not in kept]
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
    """Remove the value at ``path``, and the mappings it leaves empty."""
    parents = [document]
    for part in path[:-1]:
        parents.append(parents[-1][part])
    del parents[-1][path[-1]]
    for parent, part in zip(reversed(parents[:-1]), reversed(path[:-1]), strict=True):
        if parent[part]:
            break
        del parent[part]
