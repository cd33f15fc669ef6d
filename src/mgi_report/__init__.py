"""mgi-report: multilingual PDF and HTML editions of MGI country reports.

The public API is what this module exports; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"

from .build import BuildResult, build, check_project, load_project, select
from .errors import (
    BuildError,
    ContentError,
    InputError,
    MgiError,
    Problem,
    TemplateError,
    UsageError,
)
from .merge import merge
from .model import Edition, EditionSpec, Project
from .render import render_html
from .write import PDF_VARIANTS

__all__ = [
    "PDF_VARIANTS",
    "BuildError",
    "BuildResult",
    "ContentError",
    "Edition",
    "EditionSpec",
    "InputError",
    "MgiError",
    "Problem",
    "Project",
    "TemplateError",
    "UsageError",
    "__version__",
    "build",
    "check_project",
    "load_project",
    "merge",
    "render_html",
    "select",
]
