"""The command line: parse flags, call the library, print, set the exit status."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import build, load_project
from .errors import MgiError
from .write import DEFAULT_PDF_VARIANT, PDF_VARIANTS

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="mgi-report", description="Build multilingual MGI report editions (PDF, HTML).")
    main.add_argument("--version", action="version", version=f"mgi-report {__version__}")
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path(),
                        help="folder holding content/, templates/ and locale/ (default: .)")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    common.add_argument("--quiet", action="store_true", help="print errors only")

    b = commands.add_parser("build", parents=[common], help="build PDF and HTML editions",
                            description="Build editions into OUT/<country>/<report>.<locale>."
                                        "<format> and record them in OUT/manifest.json.")
    b.add_argument("--country", type=_list, help="comma-separated country codes (default: all)")
    b.add_argument("--report", type=_list, help="comma-separated report types (default: all)")
    b.add_argument("--locale", type=_list, help="comma-separated locales (default: all)")
    b.add_argument("--format", type=_list, help="pdf,html (default: both)")
    b.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    b.add_argument("--pdf-variant", default=DEFAULT_PDF_VARIANT,
                   help=f"one of {', '.join(PDF_VARIANTS)} (default: {DEFAULT_PDF_VARIANT})")

    commands.add_parser("check", parents=[common], help="validate content without building",
                        description="Load and validate every content file; list all problems.")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _configure_logging(quiet=args.quiet, debug=args.debug)
    try:
        return _run(args)
    except MgiError as exc:
        if args.debug:
            traceback.print_exc()
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"mgi-report: internal error: {type(exc).__name__}: {exc} "
              "(run with --debug for the traceback)", file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    if args.command == "check":
        project = load_project(args.root)
        logging.getLogger("mgi_report").info(
            "content OK: %d countries, %d locales, %d report types", len(project.countries),
            len(project.locales), len(project.structure.reports))
        return EXIT_OK
    result = build(args.root, args.out, countries=args.country, reports=args.report,
                   locales=args.locale, formats=args.format, variant=args.pdf_variant)
    logging.getLogger("mgi_report").info("wrote %d files and %s", len(result.outputs),
                                         result.manifest)
    return EXIT_OK


def _configure_logging(*, quiet: bool, debug: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("mgi_report").setLevel(
        logging.DEBUG if debug else logging.ERROR if quiet else logging.INFO)
    logging.getLogger("weasyprint").setLevel(logging.ERROR if quiet else logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


if __name__ == "__main__":
    sys.exit(main())
