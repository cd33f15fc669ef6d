"""Live preview for editors (``mgi-report serve``): the HTML editions built into a serve
folder and served on a loopback address, built again as content, templates and catalogs
change, with the open pages reloaded and the problems of a failed build shown in them.

What a browser gets is changed on the way out only: the reload script and the problem
overlay are added to each HTML response, never to the files in the serve folder, which are
the bytes ``mgi-report build`` makes.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import logging
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from watchfiles import Change, DefaultFilter, watch

from .build import Progress, build
from .errors import MgiError, UsageError, internal_error
from .manifest import read_manifest
from .paths import refuse_project_output

log = logging.getLogger("mgi_report")

LOOPBACK = "127.0.0.1"
#: The folders a build reads; a change under them is built.
WATCHED = ("content", "templates", "locale")
#: The event stream an open page listens to for the moment to reload.
EVENTS = "/__mgi-report/events"
#: Changes closer together than STEP_MS are built together, unless they go on for
#: DEBOUNCE_MS (an editor's save is a few events within milliseconds).
STEP_MS, DEBOUNCE_MS = 100, 1000
#: How often the watcher looks whether a watched folder was replaced as a whole.
LOOK_MS = 250
#: Seconds between comments on an idle event stream: a closed page's stream ends there.
KEEPALIVE = 15.0

#: A request for a PDF edition: ``kaz/snapshot.en.pdf``.
EDITION_PDF = re.compile(r"(?P<country>[^/]+)/(?P<report>[^/]+)\.(?P<locale>[^/.]+)\.pdf")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".pdf": "application/pdf",
    ".xml": "application/xml", ".json": "application/json",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
    ".jpg": "image/jpeg", ".woff2": "font/woff2",
}

#: Reloads the page when the server says it changed (or the problems shown did). A hidden
#: tab holds no connection (a browser opens only a few to one server); it asks again, with
#: the generation it was served at, when it is shown. Without a server it only retries.
RELOAD_SCRIPT = """
(() => {
  const served = document.currentScript.dataset;
  const query = new URLSearchParams(
    {page: location.pathname, since: served.since, run: served.run});
  let events = null;
  const listen = () => {
    if (events || document.hidden || !window.EventSource) return;
    events = new EventSource("EVENTS?" + query);
    events.addEventListener("reload", () => { events.close(); location.reload(); });
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) {
      listen();
    } else if (events) {
      events.close();
      events = null;
    }
  });
  listen();
})();
""".replace("EVENTS", EVENTS)

OVERLAY_STYLE = ("all: initial; display: block; position: fixed; left: 0; right: 0; bottom: 0; "
                 "z-index: 2147483647; max-height: 50vh; overflow: auto; box-sizing: border-box; "
                 "margin: 0; padding: 1em; background: #fff0f0; color: #600; "
                 "border-top: 4px solid #c00; font: 14px/1.5 monospace; white-space: pre-wrap")


class EditFilter(DefaultFilter):
    """The changes that can change an edition: not an editor's swap, backup and lock files,
    nor what mgi-report stages in a working folder (``content/.de.mgi-report/``)."""

    ignore_entity_patterns = (*DefaultFilter.ignore_entity_patterns, r"\.part$", r"^4913$",
                              r"^\.goutputstream-", r"\.kate-swp$", r"^#.*#$")

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and not any(
            part.startswith(".") and part.endswith(".mgi-report") for part in Path(path).parts)


@dataclass(frozen=True)
class Response:
    status: HTTPStatus
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    location: str | None = None


class Preview:
    """A project's HTML editions built into a serve folder and served on ``host`` (a
    loopback address) at ``port`` (0: a free one; :attr:`port` tells which).

    The socket is bound here, so a port in use is found before anything is built;
    :meth:`start` builds, then serves and watches; :meth:`close` (or leaving the ``with``
    block) stops both and removes the temporary serve folder. ``out`` is a serve folder to
    keep; ``jobs`` is for the first build only, made before any thread runs: later builds
    are made in this process, since forking a process with threads can deadlock the child.
    """

    def __init__(self, root: Path | str, out: Path | str | None = None, *,
                 host: str = LOOPBACK, port: int = 8000, jobs: int | None = None) -> None:
        self.root = Path(root).resolve()
        if not _is_ipv4_loopback(host):
            raise UsageError(f"serve listens on a loopback address (127.0.0.1) only, not {host}")
        if out is not None:
            refuse_project_output(self.root, Path(out))
        if not any((self.root / name).is_dir() for name in WATCHED):
            raise UsageError(f"{root}: not a project (no content/, templates/ or locale/ "
                             "folder in it; --root names the project folder)")
        try:
            self._server = _Server((host, port), self)
        except OSError as exc:
            raise UsageError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None
        self.host, self.port = host, int(self._server.server_address[1])
        self.url = f"http://{host}:{self.port}/"
        self._temporary: Path | None = None
        if out is None:
            self._temporary = Path(tempfile.mkdtemp(prefix="mgi-report-serve-")).resolve()
            self.folder = self._temporary / "editions"
        else:
            self.folder = Path(out).resolve()
        #: Tells a page served by an earlier preview from one served by this one.
        self.run = secrets.token_hex(8)
        #: Builds made because files changed (the first build and catch-ups not counted).
        self.rebuilds = 0
        self._jobs = jobs
        self._building = threading.Lock()
        self._state = threading.Condition()
        self._generation = 0
        self._errors: tuple[str, ...] = ()
        self._errors_at = 0
        self._changed_at: dict[str, int] = {}
        self._closing = False
        self._stop = threading.Event()
        self._watching = threading.Event()
        self._threads: list[threading.Thread] = []
        self._fingerprints = _Fingerprints(self.folder)

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def start(self) -> None:
        """Build the editions, then serve them and watch the project; returns once the
        watcher is watching."""
        self.rebuild(jobs=self._jobs)
        for name, target in (("serve", self._serve), ("watch", self._watch)):
            thread = threading.Thread(target=target, name=f"mgi-report {name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        while not self._watching.wait(0.1):
            if not self._threads[-1].is_alive():
                break

    def wait(self) -> None:
        """Block until :meth:`close` (from another thread) or Ctrl-C."""
        while not self._stop.wait(0.5):
            pass

    def close(self) -> None:
        with self._state:
            if self._closing:
                return
            self._closing = True
            self._state.notify_all()
        self._stop.set()
        if self._threads:
            self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join()
        with self._building:
            if self._temporary is not None:
                shutil.rmtree(self._temporary, ignore_errors=True)

    @property
    def errors(self) -> tuple[str, ...]:
        """The problems of the last build, one line each (none when it succeeded)."""
        return self.state()[1]

    def state(self) -> tuple[int, tuple[str, ...]]:
        """The generation (one more for each build that changed a file or the problems
        shown) and the problems shown."""
        with self._state:
            return self._generation, self._errors

    def rebuild(self, *, jobs: int | None = 1, announce: bool = True) -> None:
        """Build the HTML editions (those whose inputs changed) and tell the open pages;
        a failure is kept, to be shown in every page, and the preview goes on."""
        with self._building:
            if self._closing:
                return
            started = time.perf_counter()
            before = self._fingerprints.take()
            made: list[Progress] = []
            try:
                build(self.root, self.folder, formats=["html"], jobs=jobs,
                      progress=lambda item: _log_made(item, made))
                errors: tuple[str, ...] = ()
            except Exception as error:  # anything a build raises is shown, not fatal
                errors = _problems(error)
            fixed = self._publish(self._fingerprints.take(), before, errors)
        for line in errors:
            log.error("%s", line)
        if errors:
            log.info("the pages show these problems until they are fixed")
            return
        if fixed:
            log.info("problems fixed")
        if announce or made or fixed:
            log.info("%d editions made (%.1f s)", len(made), time.perf_counter() - started)

    def make_pdf(self, country: str, report: str, locale: str) -> None:
        """Build one edition's PDF if it is missing or out of date. UsageError when the
        project has no such edition; a failure is raised, and kept out of the pages'
        problems (the HTML editions may well be fine)."""
        with self._building:
            if self._closing:
                raise UsageError("the preview is closing")
            before = self._fingerprints.take()
            try:
                build(self.root, self.folder, countries=[country], reports=[report],
                      locales=[locale], formats=["pdf"], jobs=1,
                      progress=lambda item: _log_made(item, []))
            except UsageError:
                raise
            except Exception as error:
                for line in _problems(error):
                    log.error("%s", line)
                raise
            finally:
                self._publish(self._fingerprints.take(), before, None)

    def stale(self, page: str, since: int, run: str) -> bool:
        """Whether a page (its URL path) served at generation ``since`` by the preview
        ``run`` is to be loaded again: it changed since, or the problems shown did. A page
        of an earlier preview is, when this one serves its path."""
        relative = request_path(page)
        if relative is None:
            return False
        key = _page_key(relative)
        if run != self.run:
            return (path := self.local(key)) is not None and path.is_file()
        with self._state:
            return self._errors_at > since or self._changed_at.get(key, 0) > since

    def news(self, page: str, since: int, run: str,
             keepalive: float = KEEPALIVE) -> Iterator[bool]:
        """For a page's event stream: True once the page is to reload (and then no more),
        False after each ``keepalive`` seconds without news; ends when the preview closes."""
        while True:
            with self._state:
                seen, closing = self._generation, self._closing
            if closing:
                return
            if self.stale(page, since, run):
                yield True
                return
            if not self._wait_past(seen, keepalive):
                yield False

    def _wait_past(self, seen: int, timeout: float) -> bool:
        """Wait until the generation is past ``seen`` or the preview closes; False after
        ``timeout`` seconds of neither."""
        with self._state:
            return self._state.wait_for(
                lambda: self._generation != seen or self._closing, timeout)

    def local(self, relative: str) -> Path | None:
        """The path ``relative`` names in the serve folder; None when it leads outside it
        (through a symbolic link)."""
        path = self.folder.joinpath(*relative.strip("/").split("/"))
        try:
            inside = path.resolve().is_relative_to(self.folder.resolve())
        except (OSError, RuntimeError):
            return None
        return path if inside else None

    def respond(self, target: str) -> Response:
        """The answer to a GET of ``target`` (a URL path, percent-encoded)."""
        generation, errors = self.state()  # before reading: a build after it reloads the page
        relative = request_path(target)
        if relative is None:
            return self._page(HTTPStatus.NOT_FOUND, "Not found", generation, errors)
        added = overlay(errors) + reload_script(generation, self.run)
        if match := EDITION_PDF.fullmatch(relative):
            try:
                self.make_pdf(**match.groupdict())
            except UsageError:
                return self._page(HTTPStatus.NOT_FOUND, "Not found", generation, errors)
            except Exception as error:
                return self._page(HTTPStatus.INTERNAL_SERVER_ERROR, f"{relative}: not made",
                                  generation, _problems(error))
        path = self.local(relative)
        if path is not None and path.is_dir():
            if relative and not relative.endswith("/"):
                return Response(HTTPStatus.MOVED_PERMANENTLY, location=f"/{quote(relative)}/")
            index = self.local(_page_key(relative))
            if index is None or not index.is_file():
                return Response(HTTPStatus.OK, body=listing(
                    path, relative, self._editions(), added).encode("utf-8"))
            path = index
        elif relative.endswith("/"):
            path = None  # a file named as a folder: its relative links would lead astray
        data = _read_file(path) if path is not None else None
        if data is None or path is None:
            return self._page(HTTPStatus.NOT_FOUND, "Not found", generation, errors)
        content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
        if path.suffix == ".html":
            data = inject(data.decode("utf-8", "replace"), added).encode("utf-8")
        return Response(HTTPStatus.OK, content_type, data)

    def _page(self, status: HTTPStatus, title: str, generation: int,
              errors: Sequence[str]) -> Response:
        added = overlay(errors) + reload_script(generation, self.run)
        shown = html.escape(title)
        return Response(status, body=document(shown, f"<h1>{shown}</h1>", added).encode("utf-8"))

    def _editions(self) -> set[str]:
        """The HTML editions the serve folder's manifest lists (their PDFs can be asked
        for)."""
        return {entry["path"] for entry in read_manifest(self.folder)["outputs"]
                if isinstance(entry, dict) and entry.get("format") == "html"
                and isinstance(entry.get("path"), str)}

    def _publish(self, after: dict[str, str], before: dict[str, str],
                 errors: tuple[str, ...] | None) -> bool:
        """Record what a build changed and tell the open pages; whether the problems shown
        went away. ``errors`` None leaves them as they are."""
        changed = {path for path in before.keys() | after.keys()
                   if before.get(path) != after.get(path)}
        with self._state:
            fixed = errors is not None and not errors and bool(self._errors)
            if not changed and (errors is None or errors == self._errors):
                return fixed
            self._generation += 1
            self._changed_at.update(dict.fromkeys(changed, self._generation))
            if errors is not None and errors != self._errors:
                self._errors, self._errors_at = errors, self._generation
            self._state.notify_all()
        return fixed

    def _serve(self) -> None:
        self._server.serve_forever(poll_interval=0.1)  # a shorter wait for close()

    def _watch(self) -> None:
        """Build after each burst of changes. When a watched folder is replaced as a whole
        (``i18n extract`` swaps ``locale/``) watching starts again, and each time it starts
        the project is built, for what changed while nothing watched."""
        while not self._stop.is_set():
            folders = self._watched()
            first = True
            try:
                for changes in watch(*folders, watch_filter=EditFilter(), debounce=DEBOUNCE_MS,
                                     step=STEP_MS, stop_event=self._stop,
                                     rust_timeout=LOOK_MS, yield_on_timeout=True):
                    if changes:
                        self.rebuilds += 1
                        log.info("changed: %s", ", ".join(sorted(
                            {_shown(self.root, path) for _, path in changes})))
                    if changes or first:
                        self.rebuild(announce=bool(changes))
                    first = False
                    self._watching.set()
                    if self._watched() != folders:
                        break
            except (OSError, RuntimeError) as error:  # a folder went as watching started
                log.debug("watching again: %s", error)
                self._stop.wait(LOOK_MS / 1000)

    def _watched(self) -> dict[str, tuple[int, int]]:
        """The watched folders that exist, each with its device and inode."""
        found = {}
        for name in WATCHED:
            try:
                status = (self.root / name).stat()
            except OSError:
                continue
            if stat.S_ISDIR(status.st_mode):
                found[str(self.root / name)] = (status.st_dev, status.st_ino)
        return found


class _Server(ThreadingHTTPServer):
    """Each request in a thread of its own; ``close`` waits for no connection (an idle one
    a browser opened ahead ends at its timeout)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], preview: Preview) -> None:
        self.preview = preview
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "mgi-report"
    timeout = 30

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def _answer(self, *, head: bool) -> None:
        preview = self.server.preview
        if not _allowed_host(self.headers.get("Host"), preview.host):
            self._send(Response(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8",
                                b"not a loopback host name\n"), head)
            return
        target, _, query = self.path.partition("#")[0].partition("?")
        if target == EVENTS and not head:
            self._events(parse_qs(query))
            return
        self._send(preview.respond(target), head)

    def _send(self, response: Response, head: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if response.location:
            self.send_header("Location", response.location)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _events(self, query: dict[str, list[str]]) -> None:
        page = query.get("page", ["/"])[0]
        run = query.get("run", [""])[0]
        since = query.get("since", ["0"])[0]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b"retry: 2000\n\n")
            self.wfile.flush()
            news = self.server.preview.news(page, int(since) if since.isdigit() else 0, run)
            for reload in news:
                self.wfile.write(b"event: reload\ndata: \n\n" if reload else b": idle\n\n")
                self.wfile.flush()
        except OSError:  # the page went away
            pass


class _Fingerprints:
    """The SHA-256 of each file in the serve folder, hashed again only when its inode,
    size or time changed (a build swaps in a copy of hard links: a file it did not make
    again keeps its inode)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._known: dict[str, tuple[tuple[int, int, int], str]] = {}

    def take(self) -> dict[str, str]:
        found: dict[str, tuple[tuple[int, int, int], str]] = {}
        for directory, _, names in os.walk(self.folder):
            for name in names:
                path = Path(directory, name)
                relative = path.relative_to(self.folder).as_posix()
                try:
                    status = path.stat()
                    key = (status.st_ino, status.st_size, status.st_mtime_ns)
                    known = self._known.get(relative)
                    digest = known[1] if known and known[0] == key else \
                        hashlib.sha256(path.read_bytes()).hexdigest()
                except OSError:
                    continue
                found[relative] = (key, digest)
        self._known = found
        return {relative: digest for relative, (_, digest) in found.items()}


def request_path(target: str) -> str | None:
    """The path under the serve folder a URL path names (``/kaz/`` → ``kaz/``), percent-
    decoded; None for anything that could lead elsewhere: a ``..`` or ``.`` segment, a
    hidden name, an empty segment, a NUL or backslash, bytes that are not UTF-8."""
    try:
        decoded = unquote(target, errors="strict")
    except UnicodeDecodeError:
        return None
    if not decoded.startswith("/"):
        return None
    *folders, name = decoded[1:].split("/")  # name is empty for a folder: ``kaz/``
    if not all(folders) or any(segment.startswith(".") or "\0" in segment or "\\" in segment
                               for segment in (*folders, name)):
        return None
    return decoded[1:]


def inject(page: str, added: str) -> str:
    """``added`` just before the page's last ``</body>``, or at its end."""
    at = page.lower().rfind("</body>")
    return page + added if at < 0 else page[:at] + added + page[at:]


def overlay(errors: Sequence[str]) -> str:
    """The problems of the last build, as text, over the bottom of the page."""
    if not errors:
        return ""
    lines = "\n".join(html.escape(line) for line in errors)
    return (f'<div id="mgi-report-problems" role="alert" style="{OVERLAY_STYLE}">'
            "mgi-report serve: the last build failed; the editions are those of the build "
            f"before it.\n\n{lines}</div>\n")


def listing(folder: Path, relative: str, editions: set[str], added: str) -> str:
    """A folder's files and folders as links (``relative`` is its path, ``kaz/``); beside
    each HTML edition its PDF, made when it is asked for."""
    entries: set[str] = set()
    for path in folder.iterdir() if folder.is_dir() else ():
        if not path.name.startswith("."):
            entries.add(path.name + "/" if path.is_dir() else path.name)
            if relative + path.name in editions:
                entries.add(path.name.removesuffix(".html") + ".pdf")
    items = "".join(f'<li><a href="{quote(name)}">{html.escape(name)}</a></li>'
                    for name in sorted(entries))
    title = html.escape(f"/{relative}")
    return document(title, f"<h1>{title}</h1><ul>{items}</ul>", added)


def document(title: str, body: str, added: str) -> str:
    """A page of the preview's own (a listing, an error): ``title`` is HTML."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}'
            f"</title></head><body>{body}{added}</body></html>\n")


def reload_script(since: int, run: str) -> str:
    """The reload script of a page served at generation ``since`` by the preview ``run``."""
    return (f'<script data-mgi-report-serve data-since="{since}" data-run="{run}">'
            f"{RELOAD_SCRIPT}</script>\n")


def _page_key(relative: str) -> str:
    """The file a page is served from: a folder's ``index.html``."""
    return f"{relative}index.html" if not relative or relative.endswith("/") else relative


def _read_file(path: Path) -> bytes | None:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None
        return path.read_bytes()
    except OSError:
        return None


def _problems(error: Exception) -> tuple[str, ...]:
    """A failed build's problems, one line each, as the command line prints them."""
    if isinstance(error, MgiError):
        return tuple(error.lines())
    log.debug("the build failed", exc_info=error)
    return (internal_error(error),)


def _log_made(item: Progress, made: list[Progress]) -> None:
    """A progress line for each edition made; unchanged ones are not news in a preview."""
    if not item.unchanged:
        made.append(item)
        log.info("%s", item.line())


def _shown(root: Path, path: str) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def _is_ipv4_loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 4 and address.is_loopback


def _allowed_host(header: str | None, host: str) -> bool:
    """Whether a request's Host names this machine: a page of another site that renamed
    itself to 127.0.0.1 (DNS rebinding) must not read unpublished editions."""
    if header is None:
        return True
    name = header.rsplit(":", 1)[0] if header.count(":") == 1 else header
    return name.lower() in {"127.0.0.1", "localhost", host}
