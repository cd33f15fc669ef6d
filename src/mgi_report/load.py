"""Stage 1: read every YAML file of a project, keeping line numbers, without judging it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Problem
from .paths import ProjectPaths
from .yamlfile import YamlDocument, load_yaml


@dataclass
class RawProject:
    """The parsed but unvalidated files of a project."""

    paths: ProjectPaths
    structure: YamlDocument | None = None
    countries: dict[str, YamlDocument] = field(default_factory=dict)
    bundles: dict[str, dict[str, YamlDocument]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def read(self, path: Path) -> YamlDocument | None:
        self.files.append(path)
        try:
            data = self.paths.read(path)
        except InputError as error:
            self.problems.extend(error.problems)
            return None
        document, problems = load_yaml(data, self.paths.display(path))
        self.problems.extend(problems)
        return document

    def documents(self) -> Iterator[YamlDocument]:
        """Every file that parsed, the structure first."""
        if self.structure is not None:
            yield self.structure
        yield from self.countries.values()
        for files in self.bundles.values():
            yield from files.values()


def load_raw(root: Path) -> RawProject:
    """Parse structure.yaml, countries/*.yaml and <locale>/*.yaml under ``root/content``."""
    paths = ProjectPaths(root)
    raw = RawProject(paths)
    if not paths.content.is_dir():
        what = "not a folder" if not root.is_dir() else "no content/ folder in it"
        raw.problems.append(Problem(str(root), 0, "", f"not a project: {what} "
                                                      "(--root names the project folder)"))
        return raw
    if paths.structure.is_file():
        raw.structure = raw.read(paths.structure)
    else:
        raw.problems.append(Problem(paths.display(paths.structure), 0, "", "file not found"))
    for path in _yaml_files(paths.countries):
        if (document := raw.read(path)) is not None:
            raw.countries[path.stem] = document
    for folder in paths.bundle_dirs():
        files = raw.bundles.setdefault(folder.name, {})
        for path in _yaml_files(folder):
            if (document := raw.read(path)) is not None:
                files[path.stem] = document
    return raw


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file())
