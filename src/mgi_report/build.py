"""The pipeline: load → validate → merge → render → write → manifest."""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import os
import posixpath
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .engine import load_engine
from .errors import BuildError, InputError, Problem, UsageError
from .fonts import (
    ShippedFonts,
    as_read,
    check_wording,
    coverage_message,
    foreign_fonts,
    shipped_fonts,
)
from .languages import Alternate, language_label
from .layout import LAYOUT_PASSES, keep_whole, remember_words, remembered_words
from .load import load_raw
from .manifest import (
    MANIFEST,
    OutputRecord,
    Portfolio,
    Share,
    merge_shards,
    previous_records,
    records_after,
    sha256,
    update_manifest,
)
from .merge import merge
from .model import Edition, EditionSpec, Project, bcp47
from .paths import (
    TEMPLATE_SUFFIX,
    ProjectPaths,
    catalog_path,
    hash_files,
    refuse_project_output,
)
from .publish import Staging, transaction
from .site import INDEX, publish_site
from .usercache import code_digest, has_record, prune_when_due, user_cache, write_record
from .validate import validate
from .workers import forked_pool
from .write import (
    DEFAULT_PDF_VARIANT,
    FORMATS,
    lay_out,
    pdf_variant,
    release_fonts,
    shared_fonts,
)

if TYPE_CHECKING:  # Jinja, Babel's catalogs: loaded only when something is rendered
    from .render import Rendered, RenderOptions

log = logging.getLogger("mgi_report")


@dataclass(frozen=True)
class Progress:
    """One edition done, as a progress line tells it: its place in the build, what was made
    (nothing when the edition was unchanged), how long that took, and the keys it shows in
    a fallback language or from an outdated translation."""

    done: int
    total: int
    edition: str
    made: tuple[str, ...]
    seconds: float
    fallback_keys: tuple[str, ...] = ()
    outdated_keys: tuple[str, ...] = ()
    #: Interface messages (msgids) shown in a fallback language.
    fallback_messages: tuple[str, ...] = ()

    @property
    def unchanged(self) -> bool:
        return not self.made

    def line(self) -> str:
        """``[3/6] kaz/snapshot.ru  html, pdf (14 pages)  3.4 s``"""
        what = "unchanged" if self.unchanged else f"{', '.join(self.made)}  {self.seconds:.1f} s"
        counts = [counted(len(found), name) for name, found in (
            ("fallback passage", self.fallback_keys),
            ("fallback interface message", self.fallback_messages),
            ("outdated passage", self.outdated_keys)) if found]
        shown = f"  ({', '.join(counts)})" if counts else ""
        return f"[{self.done:>{len(str(self.total))}}/{self.total}] {self.edition}  {what}{shown}"

    def details(self) -> Iterator[str]:
        """The keys behind the counts, one line each kind."""
        if self.fallback_keys:
            yield (f"  {self.edition}: {counted(len(self.fallback_keys), 'key')} in a fallback "
                   "language: " + ", ".join(self.fallback_keys))
        if self.fallback_messages:
            yield (f"  {self.edition}: {counted(len(self.fallback_messages), 'interface message')}"
                   " in a fallback language: " + ", ".join(map(repr, self.fallback_messages)))
        if self.outdated_keys:
            yield (f"  {self.edition}: {counted(len(self.outdated_keys), 'outdated translation')}"
                   ": " + ", ".join(self.outdated_keys))


@dataclass(frozen=True)
class BuildResult:
    outputs: tuple[OutputRecord, ...]
    manifest: Path
    editions: tuple[Progress, ...] = ()
    #: Whether the manifest was written (a build that changed nothing leaves it as it was).
    manifest_written: bool = True

    @property
    def unchanged(self) -> tuple[str, ...]:
        """Editions left as they were: their inputs and files had not changed."""
        return tuple(e.edition for e in self.editions if e.unchanged)

    @property
    def written(self) -> tuple[OutputRecord, ...]:
        """The files this build made (the others were left as they were)."""
        return tuple(r for r in self.outputs if r.edition not in self.unchanged)

    def summary(self) -> str:
        """One line: editions made and unchanged, and how many show fallback or outdated
        text."""
        made = sum(not e.unchanged for e in self.editions)
        fallback = [e for e in self.editions if e.fallback_keys or e.fallback_messages]
        outdated = sum(len(e.outdated_keys) for e in self.editions)
        passages = sum(len(e.fallback_keys) for e in fallback)
        messages = sum(len(e.fallback_messages) for e in fallback)
        return (f"{counted(len(self.editions), 'edition')}: {made} made, "
                f"{len(self.unchanged)} unchanged; {len(fallback)} with text in a fallback "
                f"language ({counted(passages, 'passage')}, "
                f"{counted(messages, 'interface message')}), "
                f"{counted(outdated, 'outdated passage')} shown")


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``1 edition``, ``2 editions``."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"


def load_project(root: Path) -> Project:
    """Read and validate everything under ``root``; raise ContentError listing all problems."""
    return validate(load_raw(Path(root)))


def check_project(root: Path | str, *, strict: bool = False) -> Project:
    """Everything a build would refuse before layout, found without writing anything: the
    content, every locale's interface catalog (syntax, language, placeholders), the fonts,
    and every edition rendered to HTML; ``strict``, what a strict build refuses too."""
    project, checked_fonts = _checked(Path(root), strict)
    paths = ProjectPaths(project.root)
    fonts = checked_fonts or shipped_fonts(paths)
    editions = [merge(project, spec) for spec in select(project)]
    if strict:
        _refuse_outdated(project, editions)
    for edition in editions:
        _render(project, paths, fonts, edition, mark_fallback=False)
    return project


def _checked(root: Path, strict: bool = False) -> tuple[Project, ShippedFonts | None]:
    """The project, once the catalogs and every piece of wording passed their checks, and
    the shipped fonts those checks read (None when they passed before, unchanged: who
    renders reads the fonts then)."""
    raw = load_raw(root)
    project = validate(raw)
    if not strict:  # a strict run refuses them, with everything else it refuses
        for problem in sorted(p for found in project.warnings.values() for p in found):
            log.warning("%s", problem)
    paths = ProjectPaths(project.root)
    passed = _checked_before(paths, project)
    if has_record(passed):
        return project, None
    from .catalogs import read_catalog

    problems: list[Problem] = []
    catalogs = []
    for locale in project.locales:
        try:
            catalogs.append((paths.display(catalog_path(paths, locale)),
                             read_catalog(paths, locale)))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    names = [(paths.display(paths.content / alternate.locale), 0, "language name",
              alternate.name) for alternate in alternates(project, None)]
    fonts = check_wording(paths, raw.documents(), catalogs, names)
    write_record(passed, True)
    return project, fonts


def _checked_before(paths: ProjectPaths, project: Project) -> Path:
    """Where the user cache keeps that the catalogs and every piece of wording passed their
    checks (strict PO reading, placeholders, font coverage) with exactly these content
    files, catalogs and templates: a build with nothing changed need not check them
    again."""
    digest = hashlib.sha256(f"mgi-report {code_digest()}\0".encode())
    files = [*project.input_files, *(catalog_path(paths, locale) for locale in project.locales),
             *sorted(p for p in paths.templates.rglob("*") if p.is_file())]
    hash_files(digest, paths, files)
    return user_cache("checked", "babel", "fonttools") / f"{digest.hexdigest()}.passed"


def select(project: Project, countries: Sequence[str] | None = None,
           reports: Sequence[str] | None = None,
           locales: Sequence[str] | None = None) -> list[EditionSpec]:
    """The editions asked for; each list defaults to everything the project has."""
    chosen_countries = _choose("country", countries, sorted(project.countries))
    chosen_reports = _choose("report", reports, list(project.structure.reports))
    chosen_locales = _choose("locale", locales, list(project.locales))
    return [EditionSpec(c, r, loc) for c in chosen_countries for r in chosen_reports
            for loc in chosen_locales]


def in_shard(spec: EditionSpec, index: int, count: int) -> bool:
    """Whether the edition is in the ``index``-th (1-based) of ``count`` shares: chosen by a
    hash of its name, so each machine of a split build makes the same share every time, and
    adding a country or a locale moves no other edition to another share."""
    if not 1 <= index <= count:
        raise UsageError(f"shard {index}/{count}: the first number must be 1 to {count}")
    digest = hashlib.sha256(spec.name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count == index - 1


def _choose(what: str, asked: Sequence[str] | None, known: list[str]) -> list[str]:
    if not asked:
        return known
    unknown = [name for name in asked if name not in known]
    if unknown:
        raise UsageError(f"unknown {what} {', '.join(map(repr, unknown))} "
                         f"(known: {', '.join(known)})")
    return list(dict.fromkeys(asked))


def inputs_hash(project: Project, edition: Edition, variant: str,
                templates: Iterable[str]) -> str:
    """A hash of what the edition is made from, and nothing else: its merged content (the
    keys it shows, each through the fallback chain, the structure and country data it
    uses, the words kept whole in any language it may quote), its language siblings, its
    locale's interface catalog, the templates it included, the stylesheets and fonts, and
    the options (``variant``). An edit elsewhere leaves the hash, and the edition, as it
    was."""
    paths = ProjectPaths(project.root)
    spec = edition.spec
    digest = hashlib.sha256(f"mgi-report {__version__}\0{spec.name}\0{variant}\0".encode())
    digest.update(repr(edition).encode() + b"\0")
    digest.update(repr(alternates(project, spec)).encode() + b"\0")
    files = [*(catalog_path(paths, locale) for locale in edition.chain or (spec.locale,)),
             *(paths.templates.joinpath(*name.split("/")) for name in sorted(set(templates))),
             *sorted(p for p in paths.templates.rglob("*")
                     if p.is_file() and not p.name.endswith(TEMPLATE_SUFFIX))]
    hash_files(digest, paths, files)
    return digest.hexdigest()


def content_hashes(edition: Edition) -> dict[str, str]:
    """A short hash per content key, so reviews can tell which wording changed."""
    return {key: sha256(repr(text.value).encode())[:16] for key, text in edition.texts.items()}


def build(root: Path | str = ".", out: Path | str = "build", *,
          countries: Sequence[str] | None = None, reports: Sequence[str] | None = None,
          locales: Sequence[str] | None = None, formats: Sequence[str] | None = None,
          variant: str = DEFAULT_PDF_VARIANT, mark_fallback: bool = False,
          strict: bool = False, force: bool = False, jobs: int | None = None,
          shard: tuple[int, int] | None = None, site_url: str | None = None,
          progress: Callable[[Progress], None] | None = None) -> BuildResult:
    """Build the chosen editions into ``out``; nothing is written unless all succeed.

    An edition whose inputs (:func:`inputs_hash`, in the manifest) and files in ``out``
    are as the last build left them is not made again, unless ``force``.
    ``mark_fallback`` highlights text shown in a fallback language (for review);
    ``strict`` refuses to build with outdated translations. ``jobs`` editions are made at
    once, in worker processes (default: the machine's cores); the output does not depend
    on it. ``shard`` ``(i, n)`` builds only the i-th of n shares of the chosen editions
    (:func:`in_shard`), for a portfolio split over machines. ``progress`` is told of each
    edition as it is done (default: :func:`log_progress`). The folder is a site: an
    ``index.html`` of every edition it holds and, with a ``site_url`` (default: the
    structure's), a ``sitemap.xml`` (:mod:`mgi_report.site`).
    """
    root, out = Path(root).resolve(), Path(out)
    refuse_project_output(root, out)
    project, checked_fonts = _checked(root, strict)
    chosen = select(project, countries, reports, locales)
    specs = [spec for spec in chosen if shard is None or in_shard(spec, *shard)]
    chosen_formats = _choose("format", formats, list(FORMATS))
    pdf_variant(variant)
    paths = ProjectPaths(root)
    editions = [merge(project, spec) for spec in specs]
    if strict:
        _refuse_outdated(project, editions)
    records: dict[int, list[OutputRecord]] = {}
    done: dict[int, Progress] = {}
    options = _hashed_options(variant, mark_fallback)

    def finished(index: int, files: list[tuple[OutputRecord, bytes]], seconds: float) -> None:
        for record, data in files:
            staging.write(record.path, data)
        records.setdefault(index, []).extend(record for record, _ in files)
        edition = editions[index]
        made = tuple(f"{r.format} ({counted(r.pages, 'page')})" if r.pages else r.format
                     for r, _ in files)
        done[index] = Progress(len(done) + 1, len(editions), edition.spec.name, made, seconds,
                               edition.fallback_keys, edition.outdated_keys,
                               records[index][0].fallback_messages if records[index] else ())
        (progress or log_progress)(done[index])

    with transaction(out) as staging:
        previous = {} if force else previous_records(staging.path)
        to_make = []
        for index, edition in enumerate(editions):
            kept = _unchanged(project, _as_hashed(edition, mark_fallback), staging,
                              chosen_formats, options, previous)
            if kept:  # what its translations' state is now (only a review build shows it)
                records[index] = [replace(record, outdated_keys=edition.outdated_keys)
                                  for record in kept]
                finished(index, [], 0.0)
            else:
                to_make.append(index)
        if to_make:
            work = _Work(project, paths, checked_fonts or shipped_fonts(paths),
                         tuple(editions), tuple(chosen_formats), variant, mark_fallback)
            with shared_fonts():
                _make_all(work, to_make, jobs or os.cpu_count() or 1, finished)
        made = tuple(record for index in sorted(records) for record in records[index])
        pages = publish_site(project, paths, staging, site_url or project.structure.site_url,
                             records_after(staging.path, made))
        portfolio = Portfolio(tuple(sorted(spec.name for spec in chosen)),
                              tuple(sorted(chosen_formats)), variant, mark_fallback)
        update_manifest(staging.path, made, f"mgi-report {__version__}", shard, pages,
                        portfolio)
        manifest_written = staging.count_if_changed(MANIFEST)
    prune_when_due()
    return BuildResult(made, out / MANIFEST, tuple(done[index] for index in sorted(done)),
                       manifest_written)


def merge_portfolio(root: Path | str, out: Path | str, shards: Sequence[Path | str], *,
                    site_url: str | None = None) -> list[OutputRecord]:
    """Gather the build folders of a split portfolio into ``out`` (see
    :func:`mgi_report.manifest.merge_shards`), with the index and sitemap of the whole."""
    root = Path(root).resolve()
    project = load_project(root)

    def finish(staging: Staging,
               records: list[OutputRecord]) -> Mapping[str, Mapping[str, str]]:
        return publish_site(project, ProjectPaths(root), staging,
                            site_url or project.structure.site_url, records)

    def made_from_this_project(
            shares: Mapping[Path, tuple[Share | None, Mapping[str, OutputRecord]]],
    ) -> list[Problem]:
        """Each shard's editions are made from what the project holds now, as a build of
        it would make them (not shards of another commit)."""
        editions = {spec.name: merge(project, spec) for spec in select(project)}
        problems = []
        for shard, (share, records) in shares.items():
            if share is None or share.of is None:
                continue
            options = _hashed_options(share.of.variant, share.of.mark_fallback)
            stale, strays = [], []
            for record in records.values():
                edition = editions.get(record.edition)
                if record.edition not in share.of.editions or (
                        edition and not in_shard(edition.spec, share.index, share.count)):
                    strays.append(record.path)
                elif edition is None or record.inputs_sha256 != inputs_hash(
                        project, _as_hashed(edition, share.of.mark_fallback), options,
                        record.templates):
                    stale.append(record.path)
            if strays:
                problems.append(Problem(str(shard / MANIFEST), 0, "outputs", (
                    f"{_listed(strays)} not of share {share.index}/{share.count} of the "
                    "build it records: left by an earlier build into the folder?")))
            if stale:
                problems.append(Problem(str(shard / MANIFEST), 0, "outputs", (
                    f"{_listed(stale)} not made from the project at {root} as it is now: a "
                    "shard of another commit?")))
        return problems

    return merge_shards(Path(out), [Path(shard) for shard in shards],
                        f"mgi-report {__version__}", finish, made_from_this_project)


def _listed(paths: list[str]) -> str:
    """``3 files (a, b, c)``, the first three named."""
    shown = ", ".join(sorted(paths)[:3]) + (", …" if len(paths) > 3 else "")
    return f"{counted(len(paths), 'file')} ({shown})"


#: The process that made an edition last (a forked worker starts with its parent's value).
_MADE_IN: int | None = None


@dataclass(frozen=True)
class _Work:
    """What every edition of one build is made with (a worker process inherits it)."""

    project: Project
    paths: ProjectPaths
    fonts: ShippedFonts
    editions: tuple[Edition, ...]
    formats: tuple[str, ...]
    variant: str
    mark_fallback: bool

    def make(self, index: int) -> tuple[int, list[tuple[OutputRecord, bytes]], float]:
        """One edition's files. The reference cycles the layout of the edition this
        process made before left (box trees) are collected first, so its memory stays that
        of one edition (a process that makes one edition does not pay for it)."""
        global _MADE_IN
        started = time.perf_counter()
        if os.getpid() == _MADE_IN:
            gc.collect()
        _MADE_IN = os.getpid()
        files = _make_edition(self.project, self.paths, self.fonts, self.editions[index],
                              list(self.formats), self.variant, self.mark_fallback)
        return index, files, time.perf_counter() - started


#: The build a forked worker process makes editions of (set in the parent before the fork).
_WORK: _Work | None = None


def _make_in_worker(index: int) -> tuple[int, list[tuple[OutputRecord, bytes]], float]:
    assert _WORK is not None
    return _WORK.make(index)


#: Editions a worker process makes before a new one takes its place: the layout libraries
#: keep caches that grow with what they laid out, so a long build's memory stays that of a
#: few editions, not of all of them.
EDITIONS_PER_WORKER = 6


def _make_all(work: _Work, indexes: list[int], jobs: int,
              finished: Callable[[int, list[tuple[OutputRecord, bytes]], float], None]) -> None:
    """Make the editions, in ``jobs`` forked worker processes when there is more than one
    to make (each edition's bytes do not depend on where it is made); files are written,
    and progress told, in the parent, as each edition is done. What the process holds
    before (the project, the libraries) outlives the build, so it is frozen out of the
    garbage collections that follow each edition, and forked workers share its memory
    pages instead of copying them (unless the caller froze objects of its own)."""
    if "pdf" in work.formats and indexes:
        load_engine()  # once, before the forks, not by every worker
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    try:
        _make_each(work, indexes, jobs, finished)
    finally:
        if freezing:
            gc.unfreeze()


def _make_each(work: _Work, indexes: list[int], jobs: int,
               finished: Callable[[int, list[tuple[OutputRecord, bytes]], float], None]) -> None:
    global _WORK
    if jobs <= 1 or len(indexes) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for index in indexes:
            finished(*work.make(index))
        return
    _WORK = work
    workers: list[tuple[ProcessPoolExecutor, int]] = []
    pending: dict[Future[tuple[int, list[tuple[OutputRecord, bytes]], float]], int] = {}
    queue = iter(indexes)

    def start_worker() -> ProcessPoolExecutor:
        return forked_pool(1, cleanup=release_fonts)

    def hand_out(slot: int) -> None:
        """The next edition to the worker in ``slot``; a worker that has made its share is
        replaced first."""
        index = next(queue, None)
        if index is None:
            return
        worker, made = workers[slot]
        if made == EDITIONS_PER_WORKER:
            retire(worker)
            worker, made = start_worker(), 0
        pending[worker.submit(_make_in_worker, index)] = slot
        workers[slot] = (worker, made + 1)

    def retire(worker: ProcessPoolExecutor) -> None:
        """The worker ends once the files its layouts left are removed."""
        with suppress(RuntimeError):  # a broken pool has no process left to ask
            worker.submit(release_fonts)
        worker.shutdown()

    try:
        for slot in range(min(jobs, len(indexes))):
            workers.append((start_worker(), 0))
            hand_out(slot)
        while pending:  # a future done with is dropped, and the bytes it holds with it
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                slot = pending.pop(future)
                finished(*future.result())
                hand_out(slot)
    finally:
        for future in pending:
            future.cancel()
        for worker, _ in workers:
            retire(worker)
        _WORK = None


def _as_hashed(edition: Edition, mark_fallback: bool) -> Edition:
    """The edition as its bytes depend on it: which translations are outdated shows only in
    a review build (an edited English sentence leaves the German edition's bytes as they
    were, and its manifest entry is brought up to date)."""
    return edition if mark_fallback else replace(edition, outdated_keys=())


def _hashed_options(variant: str, mark_fallback: bool) -> str:
    """The build options an edition's bytes depend on, as :func:`inputs_hash` takes them."""
    return f"{variant}\0{mark_fallback}"


def log_progress(item: Progress, note: str = "") -> None:
    """The progress line of an edition (with ``note`` after it), and at debug level the
    keys behind its counts."""
    log.info("%s%s", item.line(), note)
    for line in item.details():
        log.debug("%s", line)


def _unchanged(project: Project, edition: Edition, staging: Staging, formats: list[str],
               options: str, previous: Mapping[str, OutputRecord]) -> list[OutputRecord]:
    """The records of the edition's files when a build would make them as they are: each
    was made from the inputs it would be made from now (hashed with the templates it
    included then), and is in the output folder with the bytes it was written with."""
    found = []
    hashes: dict[tuple[str, ...], str] = {}  # the edition's files share their templates
    for fmt in formats:
        record = previous.get(output_path(edition.spec, fmt))
        if record is None:
            return []
        if record.templates not in hashes:
            hashes[record.templates] = inputs_hash(project, edition, options, record.templates)
        if record.inputs_sha256 != hashes[record.templates]:
            return []
        written = staging.path / record.path
        if not written.is_file() or sha256(written.read_bytes()) != record.sha256:
            return []
        found.append(record)
    return found


def output_path(spec: EditionSpec, fmt: str) -> str:
    return f"{spec.country}/{spec.report}.{spec.locale}.{fmt}"


def _make_edition(project: Project, paths: ProjectPaths, fonts: ShippedFonts, edition: Edition,
                  formats: list[str], variant: str,
                  mark_fallback: bool) -> list[tuple[OutputRecord, bytes]]:
    """Render one edition: its files' records and bytes."""
    spec = edition.spec
    rendered = _render(project, paths, fonts, edition, mark_fallback,
                       linked_assets="html" not in formats)
    html = rendered.html
    identity = inputs_hash(project, _as_hashed(edition, mark_fallback),
                           _hashed_options(variant, mark_fallback), rendered.templates)
    records = []
    for fmt in formats:
        pages = None
        if fmt == "pdf":
            data, pages, embedded = _lay_out(project, paths, edition, mark_fallback,
                                             variant, identity)
            if foreign := foreign_fonts(embedded, fonts):
                raise InputError([Problem(f"{spec.name}.pdf", 0, "", "set in a font the "
                                          f"project does not ship: {', '.join(foreign)} (a "
                                          "font-family without @font-face under "
                                          "templates/css?)")])
        else:
            data = _make(fmt, html, paths, variant, identity, spec)
        relative = output_path(spec, fmt)
        records.append((OutputRecord(
            edition=spec.name, country=spec.country, report=spec.report,
            locale=spec.locale, format=fmt, path=relative, inputs_sha256=identity,
            sha256=sha256(data), bytes=len(data), pages=pages,
            fallback_keys=edition.fallback_keys, content=content_hashes(edition),
            templates=rendered.templates,
            fallback_messages=rendered.interface_fallbacks,
            outdated_keys=edition.outdated_keys), data))
    return records


def _render(project: Project, paths: ProjectPaths, fonts: ShippedFonts, edition: Edition,
            mark_fallback: bool, linked_assets: bool = False) -> Rendered:
    """The edition's HTML, once every character a reader will see is in the shipped fonts
    (the wording was checked at its source; this catches what Babel's locale data adds).
    With ``linked_assets`` its fonts are linked, not embedded: the same text, checked
    without a megabyte of base64 when no HTML edition is written."""
    from .render import render

    spec = edition.spec
    rendered = render(paths, edition, _render_options(project, spec, mark_fallback,
                                                      linked_assets))
    if missing := fonts.missing(as_read(rendered.html)):
        raise InputError([Problem(f"{spec.name}.html", 0, "", "text from locale data (a date, "
                                  "a number): " + coverage_message(missing))])
    return rendered


def _render_options(project: Project, spec: EditionSpec, mark_fallback: bool,
                    linked_assets: bool = False) -> RenderOptions:
    from .render import RenderOptions

    site_index = posixpath.relpath(INDEX, posixpath.dirname(output_path(spec, "html")))
    return RenderOptions(alternates(project, spec), mark_fallback, site_index, linked_assets)


def alternates(project: Project, spec: EditionSpec | None) -> tuple[Alternate, ...]:
    """The same report in every locale of the project, named in its own language
    (:func:`~mgi_report.languages.language_label`)."""
    report = spec.report if spec else ""
    return tuple(Alternate(locale, bcp47(locale), language_label(locale),
                           f"{report}.{locale}.html",
                           spec is not None and locale == spec.locale)
                 for locale in project.locales)


def _refuse_outdated(project: Project, editions: list[Edition]) -> None:
    """What a strict build refuses: outdated and stale translations, fuzzy interface
    messages."""
    from .catalogs import read_catalog

    paths = ProjectPaths(project.root)
    built = {edition.spec.locale for edition in editions}
    problems = [problem for locale in built for problem in project.warnings.get(locale, ())]
    for edition in editions:
        for key in edition.outdated_keys:
            entry = project.bundles[edition.texts[key].lang.replace("-", "_")].entries[key]
            problems.append(Problem(entry.file, entry.line, key,
                                    "outdated translation: the source wording changed "
                                    "since it was translated (--strict)"))
        catalog = read_catalog(paths, edition.spec.locale)
        for message in catalog:
            if message.id and message.fuzzy:
                problems.append(Problem(paths.display(catalog_path(paths, edition.spec.locale)),
                                        message.lineno or 0, f"msgid {message.id!r}",
                                        "fuzzy (outdated) interface translation (--strict)"))
    if problems:
        raise InputError(problems)


def _lay_out(project: Project, paths: ProjectPaths, edition: Edition, mark_fallback: bool,
             variant: str, identity: str) -> tuple[bytes, int, list[str]]:
    """The edition's PDF, its page count and the fonts it embeds. Its HTML is the HTML
    edition's (whose characters were checked) with the fonts linked, not embedded; it is
    laid out again, with the words that make a ladder of hyphenated lines kept whole, until
    there is none (a few passes at most), and only the last layout is written. The words
    the last layout kept whole are remembered by ``identity``, and a build of the same
    inputs lays out once with them. The HTML edition is not affected: browsers break lines
    their own way."""
    from .render import render

    remembered = remembered_words(identity)
    kept = remembered or frozenset()
    options = _render_options(project, edition.spec, mark_fallback, linked_assets=True)
    for attempt in range(1, LAYOUT_PASSES + 1):
        html = render(paths, keep_whole(edition, kept) if kept else edition, options).html
        with _failing_as(edition.spec, "pdf"):
            pages = lay_out(html, paths.templates, variant, identity)
            if remembered is not None or attempt == LAYOUT_PASSES or \
                    not (more := pages.ladders - kept):
                break
        kept |= more
    with _failing_as(edition.spec, "pdf"):
        pdf = pages.pdf()
    if remembered is None:
        remember_words(identity, kept)
    return pdf, pages.page_count, pages.font_names()


def _make(fmt: str, html: str, paths: ProjectPaths, variant: str, identity: str,
          spec: EditionSpec) -> bytes:
    with _failing_as(spec, fmt):
        return FORMATS[fmt](html, paths.templates, variant, identity)


@contextmanager
def _failing_as(spec: EditionSpec, fmt: str) -> Iterator[None]:
    """A writer's failure as a build error naming the output."""
    try:
        yield
    except Exception as exc:
        raise BuildError(f"{spec.name}.{fmt}: {type(exc).__name__}: {exc}") from exc
