"""Editing content files as people wrote them: ruamel.yaml's round trip keeps key order,
comments and quoting, so a tool's change to a file is only the change it made."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML


def round_trip() -> YAML:
    """The project's YAML style: two-space mappings, list items indented under their key,
    long lines kept whole."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(path: Path) -> Any:
    return round_trip().load(path.read_text(encoding="utf-8"))


def dump(document: Any) -> bytes:
    buffer = StringIO()
    round_trip().dump(document, buffer)
    return buffer.getvalue().encode("utf-8")
