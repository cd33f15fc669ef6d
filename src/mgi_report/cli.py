"""The command line: parse flags, call the library, print, set the exit status."""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import re
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .errors import MgiError, UsageError, internal_error
from .paths import refuse_project_output
from .publish import write_atomic

if TYPE_CHECKING:  # the stages load when a command needs them: --version and diff start fast
    from .build import Progress
    from .translate import LocaleStatus

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT = 0, 1, 2
#: What a shell reports for a program ended by SIGPIPE, as ``git log | head`` would give.
EXIT_PIPE_CLOSED = 128 + 13
SYMLINK_LOOP = re.compile(r"^Symlink loop from '(.*)'$")
#: The command's cyclic garbage collection: a layout makes millions of objects that live
#: for one edition, and Python's default (a collection every 700 new objects) rescanned
#: them for about a tenth of a build.
GC_THRESHOLDS = (50_000, 20, 100)


class _VariantsHelp(str):
    """The --pdf-variant help, with the registry's names read only when help is shown."""

    def __mod__(self, params: object) -> str:
        from .write import DEFAULT_PDF_VARIANT, PDF_VARIANTS

        return f"one of {', '.join(PDF_VARIANTS)} (default: {DEFAULT_PDF_VARIANT})"


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
    common.add_argument("-v", "--verbose", action="store_true",
                        help="also name the keys behind each count (fallback, outdated)")

    b = commands.add_parser("build", parents=[common], help="build PDF and HTML editions",
                            description="Build editions into OUT/<country>/<report>.<locale>."
                                        "<format> and record them in OUT/manifest.json.")
    b.add_argument("--country", type=_list, help="comma-separated country codes (default: all)")
    b.add_argument("--report", type=_list, help="comma-separated report types (default: all)")
    b.add_argument("--locale", type=_list, help="comma-separated locales (default: all)")
    b.add_argument("--format", type=_list, help="pdf,html (default: both)")
    b.add_argument("--out", type=Path, default=Path("build"), help="output folder (default: build)")
    b.add_argument("--pdf-variant", help=_VariantsHelp("a PDF variant"))
    b.add_argument("--mark-fallback", action="store_true",
                   help="highlight text shown in a fallback language (for review)")
    b.add_argument("--strict", action="store_true",
                   help="fail on outdated or stale translations (content or interface)")
    b.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="editions made at once, in worker processes (default: the number of "
                        "cores)")
    b.add_argument("--shard", type=_shard, default=None, metavar="I/N",
                   help="build only the I-th of N shares of the editions (one machine of a "
                        "split build; see `manifest merge`)")
    b.add_argument("--site-url", type=_site_url, default=None, metavar="URL",
                   help="where the folder is published: sitemap.xml's addresses start with it "
                        "(default: site_url in content/structure.yaml)")
    b.add_argument("--force", action="store_true",
                   help="make every edition again, also those whose inputs and files are "
                        "as the last build left them")

    i18n = commands.add_parser("i18n", help="translation tools: init, extract, status, "
                                            "export, import, confirm, prune, segment",
                               description="Tools for translators and their reviewers.")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True, metavar="ACTION")
    init = i18n_commands.add_parser(
        "init", parents=[common], help="start a locale: its content folder and catalog",
        description="Create content/<locale>/locale.yaml and locale/<locale>/LC_MESSAGES/"
                    "messages.po (every interface message untranslated, the locale's plural "
                    "forms); a locale that has one of them gets the other.")
    init.add_argument("--locale", required=True, help="e.g. fr, pt_BR, sr_Latn")
    init.add_argument("--fallback", type=_list, default=[],
                      help="comma-separated locales tried before the source language")
    extract = i18n_commands.add_parser(
        "extract", parents=[common], help="extract locale/messages.pot and update the .po files",
        description="Extract interface messages from templates/ into locale/messages.pot and "
                    "merge them into every locale/<locale>/LC_MESSAGES/messages.po.")
    extract.add_argument("--no-update", action="store_true", help="write the .pot only")
    status = i18n_commands.add_parser(
        "status", parents=[common], help="translated / outdated / missing per locale",
        description="Per locale, for content and interface strings: translated, outdated "
                    "(the source changed since), missing (falls back), and the percentage; "
                    "for content also the source words in each state. -v names the "
                    "outdated and missing keys.")
    status.add_argument("--locale", type=_list, help="comma-separated locales (default: all)")
    status.add_argument("--fail-under", type=float, metavar="PCT",
                        help="exit 1 when a locale is less than PCT %% translated")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    _scope_arguments(status)
    export = i18n_commands.add_parser(
        "export", parents=[common],
        help="write a locale's content strings as a PO or XLIFF 2.1 file",
        description="PO: msgctxt = content key, msgid = source wording, msgstr = translation; "
                    "outdated translations are marked fuzzy. XLIFF 2.1: one unit per content "
                    "key (its id), state translated, or initial (outdated: subState "
                    "mgi-report:outdated; missing: no target); footnote calls and links are "
                    "inline codes.")
    export.add_argument("--locale", required=True)
    export.add_argument("--out", type=Path, required=True,
                        help="the file to write (.po, or .xlf/.xliff for XLIFF)")
    export.add_argument("--format", choices=("po", "xliff"), dest="exchange_format",
                        help="po or xliff (default: xliff when --out ends in .xlf or .xliff, "
                             "else po)")
    _scope_arguments(export)
    imp = i18n_commands.add_parser(
        "import", parents=[common],
        help="write a PO or XLIFF file's translations into content/",
        description="Write translated, non-fuzzy messages (XLIFF: units translated, reviewed "
                    "or final) into content/<locale>/ and record the source each was "
                    "translated from. A file ending in .xlf or .xliff, or beginning with '<', "
                    "is read as XLIFF, any other as PO.")
    imp.add_argument("po_file", type=Path, metavar="FILE")
    imp.add_argument("--locale",
                     help="default: the PO file's Language header, the XLIFF file's trgLang")
    imp.add_argument("--force", action="store_true",
                     help="import even when the file's language (PO Language, XLIFF "
                          "trgLang) names another locale")
    confirm = i18n_commands.add_parser(
        "confirm", parents=[common], help="record hand-made translations as up to date",
        description="Record that a locale's translations match the current source wording.")
    confirm.add_argument("--locale", required=True)
    confirm.add_argument("--key", type=_list, help="comma-separated keys (default: all)")
    prune = i18n_commands.add_parser(
        "prune", parents=[common], help="remove translations the source no longer has",
        description="Remove a locale's translations of keys the source locale no longer has, "
                    "and the records of translations that are gone; the rest of its files "
                    "stays as it is.")
    prune.add_argument("--locale", required=True)
    prune.add_argument("--dry-run", action="store_true",
                       help="list what would be removed; change nothing")
    i18n_commands.add_parser(
        "segment", parents=[common], help="give content written as lists its paragraph ids",
        description="Upgrade content written before paragraph segments: every list of "
                    "paragraphs becomes p1: …, p2: … in every locale (the n-th paragraph of a "
                    "translation gets the id of the source's n-th), and its translation "
                    "records one per paragraph.")

    check = commands.add_parser("check", parents=[common],
                                help="validate content without building",
                                description="Load and validate every content file; list all "
                                            "problems. With --outputs, also run the quality "
                                            "gates on a build folder.")
    check.add_argument("--outputs", nargs="?", const=Path("build"), type=Path, metavar="DIR",
                       help="run the quality gates (HTML validator, axe-core, qpdf, PDF/UA …) "
                            "on the editions built into DIR (default: build) and print "
                            "editions by gates; exit 1 when a gate fails")
    check.add_argument("--strict", action="store_true",
                       help="also refuse what a strict build refuses: outdated and stale "
                            "translations, fuzzy interface messages")

    serve = commands.add_parser(
        "serve", parents=[common], help="preview the HTML editions in a browser while editing",
        description="Build the HTML editions into a serve folder and serve them on 127.0.0.1 "
                    "only. A change under content/, templates/ or locale/ is built again and "
                    "the open pages it changed reload; a failed build's problems show in "
                    "every page until they are fixed. A PDF edition is built when it is "
                    "asked for. Ctrl-C stops.")
    serve.add_argument("--port", type=_port, default=8000,
                       help="TCP port on 127.0.0.1 (default: 8000; 0: any free port)")
    serve.add_argument("--out", type=Path, metavar="DIR",
                       help="serve folder, kept (default: a temporary folder, removed on exit)")

    m = commands.add_parser("manifest", help="combine the builds of a split portfolio",
                            description="Work on build folders as a whole.")
    m_commands = m.add_subparsers(dest="manifest_command", required=True, metavar="ACTION")
    merge_shards_parser = m_commands.add_parser(
        "merge", parents=[common], help="gather the shards of a split build into one folder",
        description="Copy the files of each shard's build folder (checked against its "
                    "manifest) into OUT and write one manifest for them all.")
    merge_shards_parser.add_argument("shards", type=Path, nargs="+", metavar="SHARD",
                                     help="a build folder made with --shard")
    merge_shards_parser.add_argument("--out", type=Path, default=Path("build"),
                                     help="output folder (default: build)")
    merge_shards_parser.add_argument("--site-url", type=_site_url, default=None, metavar="URL",
                                     help="as for build")

    c = commands.add_parser(
        "cache", help="show or prune the user cache",
        description="The user cache ($XDG_CACHE_HOME/mgi-report, default ~/.cache/"
                    "mgi-report) keeps what a build works out once per machine. An entry not "
                    "used for 30 days is removed by the next build (builds prune at most once "
                    "a day).")
    c_commands = c.add_subparsers(dest="cache_command", required=True, metavar="ACTION")
    c_commands.add_parser("info", parents=[common], help="each folder's entries, size and "
                                                         "last use")
    c_prune = c_commands.add_parser(
        "prune", parents=[common], help="remove entries not used for a while",
        description="Remove the entries not used for DAYS days, and the folders that leaves "
                    "empty; --older-than 0 empties the cache.")
    c_prune.add_argument("--older-than", type=_days, default=30, metavar="DAYS",
                         help="days since an entry was last used (default: 30)")

    d = commands.add_parser(
        "diff", parents=[common], help="show what changed between two builds",
        usage="%(prog)s [options] OLD NEW | --base REV [NEW]",
        description="Compare two PDFs, two HTML files or two build folders: text word by word "
                    "(robust to reflow), every page pair as pictures, links, bookmarks and "
                    "language. With --base, the editions of a git revision against those of "
                    "the working tree (or of the build folder NEW). Exit status: 0 no "
                    "differences, 1 differences, 2 bad input.")
    d.add_argument("paths", type=Path, nargs="*", metavar="OLD NEW",
                   help="the approved build and the build to review: PDFs, HTML files or "
                        "folders")
    d.add_argument("--base", metavar="REV",
                   help="build the editions of git revision REV (cached by its tree hash) and "
                        "compare them with the working tree's (or with the folder NEW)")
    d.add_argument("--markdown", action="store_true",
                   help="print a Markdown summary for a pull-request comment")
    d.add_argument("--strict", action="store_true",
                   help="count differences in metadata alone (dates, /ID, producer)")
    d.add_argument("--json", action="store_true", help="print the result as JSON")
    d.add_argument("--out", type=Path, metavar="DIR",
                   help="write each changed page pair side by side, changes outlined (PNG)")
    d.add_argument("--html", type=Path, metavar="FILE",
                   help="write a self-contained HTML review report")
    d.add_argument("--format", type=_list,
                   help="for folders: pdf,html (default: both)")
    return main


def run() -> NoReturn:
    """The ``mgi-report`` command (the console script, ``python -m mgi_report``): what
    :func:`main` does, with the collector tuned for one run of it, and no last collection
    of everything when the process ends (its memory goes back with the process)."""
    gc.set_threshold(*GC_THRESHOLDS)
    status = main()
    gc.freeze()
    sys.exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _configure_logging(quiet=args.quiet, debug=args.debug, verbose=args.verbose)
    try:
        status = _run(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:  # the reader stopped reading (| head): not an error to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_PIPE_CLOSED
    except MgiError as exc:
        if args.debug:
            traceback.print_exc()
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # the machine, not mgi-report: a full disk, a folder given as file
        if args.debug:
            traceback.print_exc()
        where = os.fsdecode(exc.filename) if exc.filename else "mgi-report"
        print(f"{where}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:
        if args.debug:
            raise
        if loop := SYMLINK_LOOP.match(str(exc)):  # Python 3.11's Path.resolve(); later ELOOP
            print(f"{loop.group(1)}: symbolic link loop", file=sys.stderr)
            return EXIT_INPUT
        print(internal_error(exc), file=sys.stderr)
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    if args.command == "diff":
        return _diff(args)
    if args.command == "cache":
        return _cache(args)
    from .build import build, check_project, merge_portfolio
    if args.command == "check":
        project = check_project(args.root, strict=args.strict)
        logging.getLogger("mgi_report").info(
            "content OK: %d countries, %d locales, %d report types", len(project.countries),
            len(project.locales), len(project.structure.reports))
        if args.outputs is not None:
            from .gates import failed, format_table, run_gates

            results = run_gates(args.root, args.outputs)
            print(format_table(results))
            return EXIT_INTERNAL if failed(results) else EXIT_OK
        return EXIT_OK
    if args.command == "i18n":
        return _i18n(args)
    if args.command == "serve":
        return _serve(args)
    if args.command == "manifest":
        merged = merge_portfolio(args.root, args.out, args.shards, site_url=args.site_url)
        logging.getLogger("mgi_report").info("gathered %d files from %d shards into %s",
                                             len(merged), len(args.shards), args.out)
        return EXIT_OK
    from .write import DEFAULT_PDF_VARIANT

    result = build(args.root, args.out, countries=args.country, reports=args.report,
                   locales=args.locale, formats=args.format,
                   variant=args.pdf_variant or DEFAULT_PDF_VARIANT,
                   mark_fallback=args.mark_fallback, strict=args.strict, force=args.force,
                   jobs=args.jobs, shard=args.shard, site_url=args.site_url,
                   progress=ProgressLines(sys.stderr.isatty()))
    from .build import counted

    manifest = (f" and {result.manifest}" if result.manifest_written
                else f"; {result.manifest} as it was")
    logging.getLogger("mgi_report").info("%s; wrote %s%s", result.summary(),
                                         counted(len(result.written), "file"), manifest)
    return EXIT_OK


def _cache(args: argparse.Namespace) -> int:
    from .usercache import DAY, cache_folders, cache_root, prune

    if args.cache_command == "prune":
        from .build import counted

        pruned = prune(older_than=args.older_than * DAY)
        logging.getLogger("mgi_report").info(
            "removed %s (%s) not used for %s from %s",
            counted(pruned.entries, "entry", "entries"), _bytes(pruned.size),
            f"{args.older_than:g} day" + ("" if args.older_than == 1 else "s"), cache_root())
        return EXIT_OK
    from .build import counted

    folders = cache_folders()
    print(f"{cache_root()}: {counted(len(folders), 'folder')}, "
          f"{counted(sum(f.entries for f in folders), 'entry', 'entries')}, "
          f"{_bytes(sum(f.size for f in folders))}")
    for folder in folders:
        used = (time.strftime("%Y-%m-%d", time.gmtime(folder.last_used))
                if folder.last_used is not None else "-")
        print(f"  {folder.path.name:60} {folder.entries:6} {_bytes(folder.size):>10}  "
              f"last used {used}")
    return EXIT_OK


def _bytes(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 ** 2:
        return f"{size / 1024:.1f} KiB"
    return f"{size / 1024 ** 2:.1f} MiB"


def _days(value: str) -> float:
    """0 (every entry), or a day or more: an entry is marked used at most once a day, so
    less than a day since its last use cannot be told."""
    try:
        days = abs(float(value)) if float(value) == 0 else float(value)
    except ValueError:
        days = -1.0
    if not (days == 0 or 1 <= days < float("inf")):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days: 0 (every "
                                         "entry), or 1 or more")
    return days


def _diff(args: argparse.Namespace) -> int:
    if len(args.paths) not in ((0, 1) if args.base else (2,)):
        raise UsageError("diff takes OLD NEW, or --base REV and at most NEW")
    with tempfile.TemporaryDirectory(prefix="mgi-report-diff-") as temporary:
        old, new = _diff_inputs(args, Path(temporary))
        from . import diff  # pdfium and Pillow are loaded only when comparing

        found = diff.compare(old, new, strict=args.strict, formats=args.format,
                             images=bool(args.out or args.html))
    log = logging.getLogger("mgi_report")
    if args.out:
        log.info("wrote %d images to %s", len(diff.write_images(found, args.out)), args.out)
    if args.html:
        log.info("wrote %s", diff.write_review(found, args.html))
    if args.json:
        print(diff.format_json(found))
    elif args.markdown:
        print(diff.format_markdown(found), end="")
    elif not args.quiet:
        print(diff.format_text(found, colour=sys.stdout.isatty()))
    return 1 if found.differs else EXIT_OK  # 1: differences, as diff(1) says


def _diff_inputs(args: argparse.Namespace, temporary: Path) -> tuple[Path, Path]:
    """OLD and NEW as given, or the base revision's build and the working tree's."""
    if not args.base:
        return args.paths[0], args.paths[1]
    from .diff.revision import build_folder, revision_build  # git only for --base
    from .usercache import user_cache

    old = revision_build(args.root, args.base, user_cache("diff-base", "weasyprint"),
                         args.format)
    if args.paths:
        return old, args.paths[0]
    return old, build_folder(args.root, temporary / "working-tree", args.format)


class ProgressLines:
    """A build's progress as log lines; on a terminal each also tells the time since the
    start and about how long the rest will take (at the pace of the editions made so far)."""

    def __init__(self, terminal: bool) -> None:
        self.terminal = terminal
        self.started = time.monotonic()
        self.making = 0.0
        self.made = 0

    def __call__(self, item: Progress) -> None:
        from .build import log_progress

        if not item.unchanged:
            self.making += item.seconds
            self.made += 1
        note = ""
        if self.terminal:
            left = self.making / self.made * (item.total - item.done) if self.made else 0.0
            note = f"  ({_clock(time.monotonic() - self.started)} elapsed"
            note += f", about {_clock(left)} left)" if item.done < item.total else ")"
        log_progress(item, note)


def _serve(args: argparse.Namespace) -> int:
    from .serve import Preview  # the file watcher loads only for it

    main_thread = threading.current_thread() is threading.main_thread()
    # `kill` stops it as Ctrl-C does, its temporary folder removed
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        with Preview(args.root, args.out, port=args.port) as preview:
            preview.start()
            print(f"serving {preview.url} from {preview.folder} (Ctrl-C stops)", flush=True)
            preview.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (0 to 65535)")
    return int(value)


def _shard(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)/(\d+)", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise argparse.ArgumentTypeError(f"{value!r} is not a shard: write I/N, 1 <= I <= N")
    return int(match.group(1)), int(match.group(2))


def _site_url(value: str) -> str:
    """An http(s) address, as the folder's address: ending in "/"."""
    from .site import SITE_URL

    address = value if value.endswith("/") else value + "/"
    port = re.search(r"^https?://[^/]*:([0-9]+)/", address)
    if not SITE_URL.fullmatch(address) or (port and not 0 < int(port.group(1)) < 65536):
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an http:// or https:// address of a host (no user, ?query, "
            "#fragment or ../)")
    return address


def _jobs(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of processes (1 or more)")
    return int(value)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is when a message is logged, not when main() ran."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _configure_logging(*, quiet: bool, debug: bool, verbose: bool = False) -> None:
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    logging.getLogger("mgi_report").setLevel(
        logging.DEBUG if debug or verbose else logging.ERROR if quiet else logging.INFO)
    logging.getLogger("weasyprint").setLevel(logging.ERROR if quiet else logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.ERROR)



def _i18n(args: argparse.Namespace) -> int:
    from .build import load_project
    from .translate import (  # the translators' tools (lxml, ruamel) load only for them
        XLIFF_SUFFIXES,
        confirm_translations,
        export_po,
        export_xliff,
        extract_messages,
        import_po,
        import_xliff,
        init_locale,
        is_xliff,
        prune_translations,
        segment_paragraphs,
        translation_status,
    )

    action = args.i18n_command
    if action == "init":
        started = init_locale(args.root, args.locale, args.fallback)
        print(f"{started.locale}: started; plural forms: {started.plural_forms}")
        return EXIT_OK
    if action == "extract":
        result = extract_messages(args.root, update=not args.no_update)
        print(f"{result.template}: {result.messages} messages; updated: "
              f"{', '.join(map(str, result.updated)) or 'nothing'}")
        return EXIT_OK
    if action == "export":
        suffix = args.out.suffix.lower()
        xliff = args.exchange_format == "xliff" or (
            args.exchange_format is None and suffix in XLIFF_SUFFIXES)
        data = (export_xliff if xliff else export_po)(load_project(args.root), args.locale,
                                                      args.country, args.report)
        refuse_project_output(args.root, args.out)
        write_atomic(args.out, data)
        print(f"wrote {args.out}")
        if suffix in (*XLIFF_SUFFIXES, ".po", ".pot") and xliff != (suffix in XLIFF_SUFFIXES):
            written, read = ("XLIFF", "PO") if xliff else ("PO", "XLIFF")
            logging.getLogger("mgi_report").warning(
                "%s: written as %s (--format %s), but i18n import reads a file ending in %s as "
                "%s: name it %s", args.out, written, args.exchange_format, suffix, read,
                ".xlf" if xliff else ".po")
        return EXIT_OK
    if action == "import":
        reader = import_xliff if is_xliff(args.po_file) else import_po
        imported = reader(args.root, args.po_file, args.locale, force=args.force)
        print(f"{imported.locale}: {len(imported.changed_keys)} translations changed")
        return EXIT_OK
    if action == "confirm":
        confirmed = confirm_translations(args.root, args.locale, args.key)
        print(f"{confirmed.locale}: {len(confirmed.changed_keys)} translations confirmed")
        return EXIT_OK
    if action == "segment":
        segmented = segment_paragraphs(args.root)
        for path in segmented.written:
            print(f"segmented {path}")
        print(f"{len(segmented.blocks)} blocks given paragraph ids")
        return EXIT_OK
    if action == "prune":
        pruned = prune_translations(args.root, args.locale, dry_run=args.dry_run)
        verb = "would remove" if args.dry_run else "removed"
        for key, where in pruned.translations:
            print(f"{where}: {key}: {verb} (not in the source)")
        print(f"{pruned.locale}: {verb} {len(pruned.translations)} stale translations and "
              f"{len(pruned.records)} stale records")
        return EXIT_OK
    statuses = translation_status(load_project(args.root), args.locale, args.country,
                                  args.report)
    if args.json:
        print(json.dumps([s.as_dict() for s in statuses], indent=2, ensure_ascii=False))
    else:
        print(_status_table(statuses))
        for status in statuses:
            if status.stale_keys:
                print(f"{status.locale}: {len(status.stale_keys)} stale (translations of keys "
                      f"the source no longer has); 'mgi-report i18n prune --locale "
                      f"{status.locale}' removes them")
        if args.verbose:
            for status in statuses:
                for state, keys in (("outdated", status.outdated_keys),
                                    ("missing", status.missing_keys),
                                    ("stale", status.stale_keys)):
                    for key in keys:
                        print(f"{status.locale} {state}: {key}")
    below = [s for s in statuses if args.fail_under is not None and s.percent < args.fail_under]
    for status in below:
        print(f"mgi-report: {status.locale} is {status.percent:.1f}% translated, under "
              f"{args.fail_under:g}%", file=sys.stderr)
    return EXIT_INTERNAL if below else EXIT_OK


def _scope_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--country", type=_list,
                        help="comma-separated country codes: only what their editions show")
    parser.add_argument("--report", type=_list,
                        help="comma-separated report types: only what their editions show")


def _status_table(statuses: list[LocaleStatus]) -> str:
    header = (f"{'locale':<8} {'content: done':>13} {'outdated':>9} {'missing':>8} {'%':>6}  "
              f"{'words: done':>11} {'outdated':>9} {'missing':>8}  "
              f"{'ui: done':>8} {'outdated':>9} {'missing':>8} {'%':>6}  {'total %':>7}")
    rows = [header]
    for s in statuses:
        c, w, u = s.content, s.words, s.ui
        rows.append(f"{s.locale:<8} {c.translated:>13} {c.outdated:>9} {c.missing:>8} "
                    f"{c.percent:>6.1f}  {w.translated:>11} {w.outdated:>9} {w.missing:>8}  "
                    f"{u.translated:>8} {u.outdated:>9} {u.missing:>8} "
                    f"{u.percent:>6.1f}  {s.percent:>7.1f}")
    return "\n".join(rows)

if __name__ == "__main__":
    sys.exit(main())
