"""Where things live under a project root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProjectPaths:
    root: Path

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def structure(self) -> Path:
        return self.content / "structure.yaml"

    @property
    def countries(self) -> Path:
        return self.content / "countries"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def locale(self) -> Path:
        return self.root / "locale"

    def bundle_dirs(self) -> list[Path]:
        """Locale folders: every folder under content/ except countries/."""
        if not self.content.is_dir():
            return []
        return sorted(p for p in self.content.iterdir()
                      if p.is_dir() and p.name != self.countries.name)

    def display(self, path: Path) -> str:
        """A path as users see it in messages: relative to the root when inside it."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)
