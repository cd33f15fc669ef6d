"""Shared fixtures: the real project is built once per session and every test reads it."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from mgi_report import build
from mgi_report.build import BuildResult
from mgi_report.cli import main
from mgi_report.inspect import PdfText, html_text, normalize, pdf_text

#: The suite's own user cache (mgi_report reads the variable when it uses the cache): a
#: test neither reads what earlier runs or the developer's builds left in ~/.cache (a stale
#: entry could hide a fault) nor fills it. Tests that need a cache of their own set one.
USER_CACHE = Path(tempfile.mkdtemp(prefix="mgi-report-tests-cache-"))
os.environ["XDG_CACHE_HOME"] = str(USER_CACHE)
ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "reference"
PROJECT_DIRS = ("content", "templates", "locale")


@dataclass(frozen=True)
class BuiltEdition:
    """One edition of the session build: its files and the text a reader sees."""

    name: str
    pdf: bytes
    html: str
    pdf_text: PdfText
    html_text: str


@dataclass(frozen=True)
class SessionBuild:
    out: Path
    result: BuildResult

    def edition(self, country: str, report: str, locale: str) -> BuiltEdition:
        base = self.out / country / f"{report}.{locale}"
        pdf = base.with_suffix(base.suffix + ".pdf").read_bytes()
        html = base.with_suffix(base.suffix + ".html").read_text(encoding="utf-8")
        return BuiltEdition(f"{country}/{report}.{locale}", pdf, html, pdf_text(pdf),
                            html_text(html))


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> SessionBuild:
    out = tmp_path_factory.mktemp("build")
    return SessionBuild(out, build(ROOT, out))


@pytest.fixture(scope="session")
def snapshot_en(built: SessionBuild) -> BuiltEdition:
    return built.edition("kaz", "snapshot", "en")


@pytest.fixture(scope="session")
def profile_en(built: SessionBuild) -> BuiltEdition:
    return built.edition("kaz", "profile", "en")


#: A style declaring the shipped regular face, for documents laid out outside a build (the
#: PDF writer knows no machine font); the fonts must be copied under the assets folder.
SHIPPED_FONT_STYLE = ('<style>@font-face { font-family: "Noto Sans"; '
                      "src: url(fonts/NotoSans-Regular.woff2) } "
                      'body { font-family: "Noto Sans" }</style>')


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    """Run the command line; its exit status and the lines it wrote to stderr."""
    capsys.readouterr()
    status = main(list(args))
    return status, capsys.readouterr().err.strip().splitlines()


#: The editions set quotes by their language's rules (“…”, „…“, «…», ’); content and the
#: published text mix straight and typographic ones. Text is compared with quotes folded.
FOLDED_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"',
                               "«": '"', "»": '"'})


def folded(text: str) -> str:
    """Normalized text with every quotation mark straight."""
    return normalize(text).translate(FOLDED_QUOTES)


def copy_project(target: Path) -> Path:
    """A copy of the project's content, templates and catalogs, to break on purpose."""
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name)
    return target


@pytest.fixture
def manifest_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the manifest module writes during a test, in order."""
    from mgi_report.publish import write_atomic

    written: list[str] = []

    def counted(path: Path, data: bytes) -> None:
        written.append(path.name)
        write_atomic(path, data)

    monkeypatch.setattr("mgi_report.manifest.write_atomic", counted)
    return written


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture
def edit(project_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace one exact snippet in a file of the project copy (the snippet must exist)."""

    def replace(relative: str, old: str, new: str) -> Path:
        path = project_copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return replace


def without_project_scripts(html: str) -> str:
    """The page without the scripts its templates put in it (templates/js, inline), so
    that a script left in it came from somewhere else."""
    from mgi_report.paths import ProjectPaths
    from mgi_report.render import inline_script

    for script in sorted((ROOT / "templates/js").glob("*.js")):
        code = inline_script(ProjectPaths(ROOT), f"js/{script.name}")
        html = html.replace(f"<script>\n{code}\n</script>", "")
    return html


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(USER_CACHE, ignore_errors=True)
