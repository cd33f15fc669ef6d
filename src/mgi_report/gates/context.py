"""What every gate of one run shares: the project, the build folder, cached tool output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build import load_project
from ..manifest import read_manifest
from ..model import Project


@dataclass
class GateContext:
    """The project root (for the content the text gates compare with) and the build folder."""

    root: Path
    out: Path
    cache: dict[str, Any] = field(default_factory=dict)
    _project: Project | None = None

    @property
    def project(self) -> Project:
        """The project under ``root``, loaded once (ContentError when it does not load)."""
        if self._project is None:
            self._project = load_project(self.root)
        return self._project

    def manifest_entry(self, target_path: Path) -> dict[str, Any] | None:
        """The manifest record of a built file, if the build folder has one."""
        entries = self.cache.get("manifest")
        if entries is None:
            entries = {str(entry.get("path")): entry
                       for entry in read_manifest(self.out)["outputs"] if isinstance(entry, dict)}
            self.cache["manifest"] = entries
        relative = target_path.relative_to(self.out).as_posix() \
            if target_path.is_relative_to(self.out) else target_path.name
        entry = entries.get(relative)
        return dict(entry) if isinstance(entry, dict) else None
