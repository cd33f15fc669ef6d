"""Package exports loaded when first used, so a command that needs little starts quickly.

``mgi-report --version`` or a diff of two identical files should not pay for WeasyPrint,
jsonschema, pdfium and Pillow. A package names its exports and the module each comes
from; the module is imported the first time the name is read. A function named like its
module (``build`` in ``build.py``) stays the package's attribute after the module loads,
as it did when the package imported it eagerly.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> None:
    """Make ``exports`` (name → module relative to ``package``) load on first use."""

    class LazyPackage(types.ModuleType):
        def __getattr__(self, name: str) -> Any:
            if name not in exports:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            value = getattr(importlib.import_module(exports[name], package), name)
            types.ModuleType.__setattr__(self, name, value)
            return value

        def __setattr__(self, name: str, value: Any) -> None:
            if exports.get(name) == f".{name}" and isinstance(value, types.ModuleType):
                return  # the submodule loaded: the package keeps its function of that name
            types.ModuleType.__setattr__(self, name, value)

        def __dir__(self) -> list[str]:
            return sorted({*super().__dir__(), *exports})

    sys.modules[package].__class__ = LazyPackage
