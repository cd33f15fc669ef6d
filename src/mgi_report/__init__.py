"""mgi-report: multilingual PDF and HTML editions of MGI country reports.

The public API is what this module exports; the CLI is a thin layer over it.
"""

__version__ = "0.1.0"

from .build import BuildResult, build, load_project, select  # noqa: E402
from .errors import (  # noqa: E402
    BuildError,
    ContentError,
    InputError,
    MgiError,
    Problem,
    TemplateError,
    UsageError,
)
from .merge import merge  # noqa: E402
from .model import Edition, EditionSpec, Project  # noqa: E402
from .render import render_html  # noqa: E402
from .write import PDF_VARIANTS  # noqa: E402

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
    "load_project",
    "merge",
    "render_html",
    "select",
]
