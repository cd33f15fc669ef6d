"""mgi-report serve: the HTML editions are served on 127.0.0.1 and built again as an editor
edits; open pages reload, a failed build's problems show in them, a PDF is made on request,
and nothing outside the serve folder is served.

Each test runs a preview in this process on a free port, over a copy of the project and a
copy of one HTML build of it (so the preview's first build has nothing to make).
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TypeVar

import pytest
from watchfiles import Change

from conftest import ROOT, run_cli
from mgi_report import build
from mgi_report.errors import UsageError
from mgi_report.gates.tools import chromium, program
from mgi_report.inspect import normalize, pdf_text
from mgi_report.publish import transaction
from mgi_report.serve import EditFilter, Preview, inject, request_path

LOOPBACK = "127.0.0.1"
#: How long a change may take to reach the page (it takes about a second).
DEADLINE = 15.0
SNAPSHOT_SENTENCE = "This country snapshot describes"
PROFILE_SENTENCE = "This country profile describes"
SERVED_SCRIPT = re.compile(r'<script data-mgi-report-serve data-since="(\d+)" '
                           r'data-run="([0-9a-f]+)">.*?</script>\n', re.DOTALL)
T = TypeVar("T")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A user cache of this module's own: its builds never race another process's."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def html_build(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    out = tmp_path_factory.mktemp("serve-build") / "editions"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(cache))
        build(ROOT, out, formats=["html"])
    return out


@pytest.fixture
def preview(project_copy: Path, html_build: Path, cache: Path, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Preview]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    out = tmp_path / "editions"
    shutil.copytree(html_build, out)
    with Preview(project_copy, out, port=0) as running:
        running.start()
        yield running


def fetch(preview: Preview, target: str, host: str | None = None,
          method: str = "GET") -> tuple[int, dict[str, str], str]:
    """Status, headers and body of one request, sent with ``target`` exactly as given."""
    connection = http.client.HTTPConnection(LOOPBACK, preview.port, timeout=DEADLINE)
    try:
        connection.request(method, target, headers={"Host": host} if host else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), \
            response.read().decode("utf-8", "replace")
    finally:
        connection.close()



def eventually(check: Callable[[], T | None], what: str) -> T:
    """The first true result of ``check``, asked until the deadline."""
    deadline = time.monotonic() + DEADLINE
    while True:
        if found := check():
            return found
        assert time.monotonic() < deadline, f"not within {DEADLINE:.0f} s: {what}"
        time.sleep(0.05)


def served_text(preview: Preview, target: str) -> Callable[[], str | None]:
    def check() -> str | None:
        return fetch(preview, target)[2]

    return check


class EventStream:
    """The event stream a page served now would listen to."""

    def __init__(self, preview: Preview, page: str) -> None:
        match = SERVED_SCRIPT.search(fetch(preview, page)[2])
        assert match, f"{page} has no reload script"
        self.connection = http.client.HTTPConnection(LOOPBACK, preview.port, timeout=DEADLINE)
        self.connection.request(
            "GET", f"/__mgi-report/events?page={page}&since={match[1]}&run={match[2]}")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream; charset=utf-8"
        assert self.response.getheader("Cache-Control") == "no-store"

    def reload(self) -> bool:
        """Whether the stream says to reload before the deadline."""
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            line = self.response.readline()
            if not line:
                return False
            if line == b"event: reload\n":
                return True
        return False

    def close(self) -> None:
        self.connection.close()


def without_script(page: str) -> str:
    return SERVED_SCRIPT.sub("", page, count=1)


def test_an_edition_is_served_with_the_reload_script_and_the_file_on_disk_has_none(
        preview: Preview) -> None:
    status, headers, page = fetch(preview, "/kaz/snapshot.en.html")
    on_disk = (preview.folder / "kaz/snapshot.en.html").read_text(encoding="utf-8")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert SERVED_SCRIPT.search(page) and page.index("data-mgi-report-serve") < \
        page.rindex("</body>")
    assert "<script" not in on_disk and "mgi-report-serve" not in on_disk
    assert without_script(page) == on_disk
    assert f"http://{LOOPBACK}:{preview.port}/" == preview.url


def test_the_root_serves_the_index_page_and_a_folder_without_one_is_listed(
        preview: Preview) -> None:
    index = "<!DOCTYPE html><html><body><p>The portfolio</p></body></html>"
    (preview.folder / "index.html").write_text(index, encoding="utf-8")
    status, _, page = fetch(preview, "/")
    assert status == 200 and without_script(page) == index
    status, headers, _ = fetch(preview, "/kaz")
    assert status == 301 and headers["Location"] == "/kaz/"
    status, _, listing = fetch(preview, "/kaz/")
    assert status == 200 and SERVED_SCRIPT.search(listing)
    assert '<a href="snapshot.en.html">' in listing
    assert '<a href="snapshot.en.pdf">' in listing, "a PDF edition is offered before it exists"


def test_an_edit_to_content_rebuilds_the_html_and_reloads_the_pages_it_changed(
        preview: Preview, edit: Callable[[str, str, str], Path]) -> None:
    page = "/kaz/snapshot.en.html"
    stream = EventStream(preview, page)
    _, _, before = fetch(preview, "/kaz/profile.en.html")
    since, run = SERVED_SCRIPT.findall(before)[0]
    try:
        edit("content/en/kaz.yaml", SNAPSHOT_SENTENCE, "This edited snapshot describes")
        assert stream.reload(), "no reload event"
    finally:
        stream.close()
    _, _, served = fetch(preview, page)
    on_disk = (preview.folder / "kaz/snapshot.en.html").read_text(encoding="utf-8")
    assert "This edited snapshot describes" in served and without_script(served) == on_disk
    assert not preview.stale("/kaz/profile.en.html", int(since), run), \
        "a page the edit did not change reloads"
    assert preview.rebuilds == 1


def test_a_burst_of_changes_with_an_editors_temporary_files_is_built_once(
        preview: Preview, project_copy: Path) -> None:
    path = project_copy / "content/en/kaz.yaml"
    text = path.read_text(encoding="utf-8")
    swap, backup = path.with_name(".kaz.yaml.swp"), path.with_name("kaz.yaml~")
    swap.write_text("swap", encoding="utf-8")
    backup.write_text(text, encoding="utf-8")
    for word in ("first", "second", "third"):
        path.write_text(text.replace(SNAPSHOT_SENTENCE, f"This {word} snapshot describes"),
                        encoding="utf-8")
    swap.unlink()
    backup.unlink()
    eventually(lambda: "This third snapshot" in fetch(preview, "/kaz/snapshot.en.html")[2],
               "the last save served")
    assert preview.rebuilds == 1


def test_a_file_renamed_away_and_back_is_built_each_time(preview: Preview,
                                                        project_copy: Path) -> None:
    german = project_copy / "content/de/kaz.yaml"
    away = german.with_name("kaz.yaml.off")
    german.rename(away)
    eventually(lambda: PROFILE_SENTENCE in fetch(preview, "/kaz/profile.de.html")[2],
               "the German profile falls back to English")
    away.rename(german)
    eventually(lambda: PROFILE_SENTENCE not in fetch(preview, "/kaz/profile.de.html")[2],
               "the German profile in German again")


def test_editor_temporary_files_and_mgi_reports_working_folders_are_not_edits() -> None:
    watching = EditFilter()
    content = ROOT / "content"
    assert watching(Change.modified, str(content / "en/kaz.yaml"))
    assert watching(Change.deleted, str(content / "en/kaz.yaml"))
    for ignored in ("en/.kaz.yaml.swp", "en/kaz.yaml~", "en/4913", "en/.#kaz.yaml",
                    "en/#kaz.yaml#", "en/.kaz.yaml.x1y2.part", ".de.mgi-report/lock",
                    ".de.mgi-report/new-x1y2/kaz.yaml"):
        assert not watching(Change.added, str(content / ignored)), ignored


def test_a_failed_build_shows_its_problems_in_every_page_until_an_edit_fixes_them(
        preview: Preview, edit: Callable[[str, str, str], Path],
        caplog: pytest.LogCaptureFixture) -> None:
    page = "/kaz/profile.ru.html"
    good = fetch(preview, page)[2]
    stream = EventStream(preview, page)
    try:
        edit("content/en/kaz.yaml", "country: Kazakhstan\n",
             'country: Kazakhstan\n"<b>bold</b>": x\n')
        assert stream.reload(), "a page the failure did not change still reloads to show it"
    finally:
        stream.close()
    problem = "content/en/kaz.yaml:6: &lt;b&gt;bold&lt;/b&gt;: unknown key"
    for target, status in ((page, 200), ("/kaz/snapshot.en.html", 200), ("/kaz/", 200),
                           ("/kaz/nothing.en.html", 404)):
        answer, _, body = fetch(preview, target)
        assert answer == status and problem in body, target
        assert "<b>bold</b>" not in body, "a problem is shown as text, not markup"
    assert SERVED_SCRIPT.sub("", fetch(preview, page)[2]).startswith(
        SERVED_SCRIPT.sub("", good).split("</body>")[0]), "the last good edition is served"
    assert any(record.getMessage().startswith("content/en/kaz.yaml:6: <b>bold</b>: unknown key")
               for record in caplog.records if record.levelno == logging.ERROR)
    stream = EventStream(preview, page)
    try:
        edit("content/en/kaz.yaml", '"<b>bold</b>": x\n', "")
        assert stream.reload(), "the fix does not reload the page"
    finally:
        stream.close()
    assert preview.errors == ()
    assert "mgi-report-problems" not in fetch(preview, page)[2]


def test_a_catalog_folder_replaced_as_a_whole_is_watched_again(
        preview: Preview, project_copy: Path) -> None:
    catalog = project_copy / "locale/de/LC_MESSAGES/messages.po"
    old = 'msgstr "Über die Indikatoren der Migrationspolitik"'
    text = catalog.read_text(encoding="utf-8")
    assert old in text
    with transaction(project_copy / "locale") as staging:  # as `i18n extract` writes it
        staging.write("de/LC_MESSAGES/messages.po",
                      text.replace(old, 'msgstr "Über die neuen Indikatoren"').encode())
    eventually(lambda: "Über die neuen Indikatoren" in fetch(preview, "/kaz/profile.de.html")[2],
               "the replaced catalog built")
    catalog.write_text(text.replace(old, 'msgstr "Über die zweiten Indikatoren"'),
                       encoding="utf-8")
    eventually(lambda: "Über die zweiten Indikatoren" in
               fetch(preview, "/kaz/profile.de.html")[2], "an edit in the new folder built")


def test_a_pdf_edition_is_made_when_asked_for_and_made_again_once_it_is_out_of_date(
        preview: Preview, edit: Callable[[str, str, str], Path]) -> None:
    target = "/kaz/profile.en.pdf"
    connection = http.client.HTTPConnection(LOOPBACK, preview.port, timeout=60)
    connection.request("GET", target)
    response = connection.getresponse()
    pdf = response.read()
    connection.close()
    assert response.status == 200 and response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Cache-Control") == "no-store"
    assert pdf.startswith(b"%PDF-") and (preview.folder / "kaz/profile.en.pdf").read_bytes() == pdf
    assert PROFILE_SENTENCE in normalize(pdf_text(pdf).text)
    edit("content/en/kaz.yaml", PROFILE_SENTENCE, "This edited profile describes")
    connection = http.client.HTTPConnection(LOOPBACK, preview.port, timeout=60)
    connection.request("GET", target)
    again = connection.getresponse().read()
    connection.close()
    assert "This edited profile describes" in normalize(pdf_text(again).text)
    for unknown in ("/kaz/profile.xx.pdf", "/xyz/profile.en.pdf", "/kaz/nothing.en.pdf"):
        assert fetch(preview, unknown)[0] == 404, unknown


def test_nothing_outside_the_serve_folder_is_served(preview: Preview, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("unpublished", encoding="utf-8")
    (preview.folder / "kaz/link").symlink_to(tmp_path)
    (preview.folder / "kaz/linked.html").symlink_to(secret)
    for target in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
                   "/kaz/..%2f..%2f..%2fetc/passwd", "/kaz/%2E%2E/%2E%2E/etc/passwd",
                   "/%252e%252e/etc/passwd", "/..%5c..%5cetc/passwd", "//etc/passwd",
                   "/kaz/link/secret.txt", "/kaz/linked.html", "/kaz/%00.html",
                   "/%ff.html", f"/{'../' * 8}{secret}", "/kaz/snapshot.en.html/"):
        status, _, body = fetch(preview, target)
        assert status == 404, target
        assert "root:" not in body and "unpublished" not in body, target


def test_a_request_naming_another_host_is_refused(preview: Preview) -> None:
    """A page of another site that has renamed itself to 127.0.0.1 (DNS rebinding) reads
    nothing."""
    status, _, body = fetch(preview, "/kaz/snapshot.en.html", host="attacker.example")
    assert status == 403 and SNAPSHOT_SENTENCE not in body
    assert fetch(preview, "/kaz/snapshot.en.html", host=f"localhost:{preview.port}")[0] == 200


def test_each_kind_of_file_is_served_with_its_content_type_and_never_cached(
        preview: Preview) -> None:
    (preview.folder / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    for target, kind in (("/kaz/profile.en.html", "text/html; charset=utf-8"),
                         ("/manifest.json", "application/json"),
                         ("/sitemap.xml", "application/xml"),
                         ("/missing.html", "text/html; charset=utf-8")):
        _, headers, _ = fetch(preview, target)
        assert headers["Content-Type"] == kind, target
        assert headers["Cache-Control"] == "no-store", target
    status, headers, body = fetch(preview, "/manifest.json", method="HEAD")
    assert status == 200 and body == "" and int(headers["Content-Length"]) > 0


def test_request_paths_are_taken_apart_before_any_file_is_looked_for() -> None:
    assert request_path("/kaz/snapshot.en.html") == "kaz/snapshot.en.html"
    assert request_path("/kaz/") == "kaz/"
    assert request_path("/") == ""
    assert request_path("/k%61z/snapshot.en.html") == "kaz/snapshot.en.html"
    for refused in ("/../x", "/kaz/../x", "/%2e%2e/x", "/./x", "/.hidden", "/kaz//x",
                    "/a%5cb", "/a%00b", "/%ff", "kaz/x", ""):
        assert request_path(refused) is None, refused


def test_the_additions_go_just_before_the_end_of_the_body() -> None:
    assert inject("<html><body><p>x</p></BODY></html>", "+") == \
        "<html><body><p>x</p>+</BODY></html>"
    assert inject("<p>no body end</p>", "+") == "<p>no body end</p>+"


def test_serve_listens_on_a_loopback_address_only(project_copy: Path) -> None:
    with pytest.raises(UsageError, match="loopback"):
        Preview(project_copy, host="0.0.0.0", port=0)


def test_the_command_line_refuses_a_folder_that_is_not_a_project(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = run_cli(capsys, "serve", "--root", str(tmp_path), "--port", "0")
    assert status == 2 and len(lines) == 1 and "not a project" in lines[0], lines


def test_the_command_line_refuses_a_port_in_use_in_one_line_with_exit_status_2(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, lines = run_cli(capsys, "serve", "--root", str(project_copy), "--port",
                                str(port))
    assert status == 2
    assert lines == [f"mgi-report: cannot serve on {LOOPBACK}:{port}: Address already in use"]


def read_line(stream: IO[str], seconds: float) -> str:
    """The next line of a child's output, waited for at most ``seconds``."""
    ready, _, _ = select.select([stream], [], [], seconds)
    assert ready, f"no output within {seconds:.0f} s"
    return stream.readline()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "kill"])
def test_serve_stops_with_exit_status_0_and_removes_its_temporary_folder(
        stop: signal.Signals, project_copy: Path, cache: Path) -> None:
    environment = {**os.environ, "XDG_CACHE_HOME": str(cache),
                   "PYTHONPATH": os.pathsep.join(filter(None, [
                       str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen(
        [sys.executable, "-m", "mgi_report", "serve", "--root", str(project_copy), "--port",
         "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment)
    try:
        assert child.stdout is not None
        line = read_line(child.stdout, 120)
        ready = re.fullmatch(r"serving (http://127\.0\.0\.1:(\d+)/) from (\S+) \(Ctrl-C stops\)\n",
                             line)
        assert ready, line
        folder = Path(ready[3])
        assert (folder / "kaz/snapshot.en.html").is_file()
        connection = http.client.HTTPConnection(LOOPBACK, int(ready[2]), timeout=DEADLINE)
        connection.request("GET", "/kaz/snapshot.en.html")
        assert connection.getresponse().status == 200
        connection.close()
        child.send_signal(stop)
        _, errors = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, errors
    assert "Traceback" not in errors and "KeyboardInterrupt" not in errors
    assert not folder.exists() and not folder.parent.exists()


def test_an_open_page_reloads_in_a_browser_after_an_edit_and_stays_when_the_server_stops(
        preview: Preview, edit: Callable[[str, str, str], Path]) -> None:
    options = {"url": f"{preview.url}kaz/snapshot.en.html", "chromium": chromium(),
               "expect": "This edited snapshot describes", "timeout": DEADLINE * 1000,
               "linger": 2500}
    child = subprocess.Popen([program("node"), str(ROOT / "tests/serve_reload.mjs"),
                              json.dumps(options)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdin is not None
        assert read_line(child.stdout, 120) == "loaded\n"
        edit("content/en/kaz.yaml", SNAPSHOT_SENTENCE, "This edited snapshot describes")
        assert read_line(child.stdout, DEADLINE + 5) == "reloaded\n"
        preview.close()
        child.stdin.write("stopped\n")
        child.stdin.flush()
        seen = json.loads(read_line(child.stdout, 60))
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
        _, errors = child.communicate()
    assert child.returncode == 0, errors
    assert seen["loads"] == 2, "the edit reloaded the page once"
    assert seen["loadsAfterStop"] == 0 and seen["shown"], "the page stays when the server goes"
    assert seen["url"] == options["url"]
    assert (preview.folder / "kaz/snapshot.en.html").is_file(), "a serve folder given is kept"
    assert seen["errors"] == [] and seen["others"] == [], "the page requests nothing else"
