"""mgi-report: multilingual PDF and HTML editions of MGI country reports.

The public API is what this module exports; the CLI is a thin layer over it. Each export
is imported when first used (``lazy``), so the command line starts without WeasyPrint.
"""

from typing import TYPE_CHECKING

from .lazy import lazy_exports

__version__ = "0.1.0"

if TYPE_CHECKING:
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

lazy_exports(__name__, {
    **dict.fromkeys(["BuildResult", "build", "check_project", "load_project", "select"],
                    ".build"),
    **dict.fromkeys(["BuildError", "ContentError", "InputError", "MgiError", "Problem",
                     "TemplateError", "UsageError"], ".errors"),
    "merge": ".merge",
    **dict.fromkeys(["Edition", "EditionSpec", "Project"], ".model"),
    "render_html": ".render",
    "PDF_VARIANTS": ".write",
})
