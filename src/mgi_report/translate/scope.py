"""Which passages a translator's file covers, and where each one is shown: the keys the
editions of some countries and reports show, in the source bundle's order, each with those
editions and its place in them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..markup import plain
from ..merge import merge
from ..model import Project
from ..paths import ProjectPaths
from ..render import render


@dataclass(frozen=True)
class Passage:
    """A source key, the editions that show it (``kaz/snapshot``), and its place in them
    with the source wording's names (``the Republic of Kazakhstan > snapshot > findings >
    Migrants’ rights > well_developed``)."""

    key: str
    shown_in: tuple[str, ...]
    section: str


def passages(project: Project, countries: Sequence[str] | None = None,
             reports: Sequence[str] | None = None) -> list[Passage]:
    """The source locale's passages. Scoped by ``countries`` or ``reports``: only those the
    chosen editions show; otherwise every one, shown anywhere or not. What an edition shows
    is what its templates put on the page or in its metadata (its source edition is
    rendered, not laid out)."""
    from ..build import select

    source = project.structure.source_locale
    paths = ProjectPaths(project.root)
    shown: dict[str, list[str]] = {}
    for spec in select(project, countries, reports, [source]):
        for key in render(paths, merge(project, spec)).shown_keys:
            shown.setdefault(key, []).append(f"{spec.country}/{spec.report}")
    scoped = countries is not None or reports is not None
    return [Passage(key, tuple(shown.get(key, ())), section_path(project, key))
            for key in project.bundles[source].entries if key in shown or not scoped]


def keys_in_scope(project: Project, countries: Sequence[str] | None = None,
                  reports: Sequence[str] | None = None) -> list[str]:
    """The source keys :func:`passages` covers (unscoped: all, without rendering)."""
    if countries is None and reports is None:
        return list(project.bundles[project.structure.source_locale].entries)
    return [passage.key for passage in passages(project, countries, reports)]


def section_path(project: Project, key: str) -> str:
    """The key's parts, a country and a domain named as the source wording names them."""
    entries = project.bundles[project.structure.source_locale].entries
    parts = key.split(".")
    named = []
    for index, part in enumerate(parts):
        name_key = (f"{part}.country" if index == 0 and part in project.countries else
                    f"domains.{part}.name" if index > 0 and part in project.structure.domains
                    else None)
        entry = entries.get(name_key) if name_key else None
        named.append(plain(entry.value) if entry else part)
    return " > ".join(named)


def words(value: str) -> int:
    """Source words as translation tools count them: the reading text split at spaces."""
    return len(plain(value).split())
