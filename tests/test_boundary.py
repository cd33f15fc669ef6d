"""The project boundary holds and bad templates are bad input: exit 2, one line, no output."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import run_cli
from mgi_report.cli import main

Edit = Callable[[str, str, str], Path]
HTML_ONLY = ("--report", "snapshot", "--locale", "en", "--format", "html")


def build_status(capsys: pytest.CaptureFixture[str], root: Path,
                 *extra: str) -> tuple[int, list[str]]:
    return run_cli(capsys, "build", "--root", str(root), "--out", str(root / "out"),
                   *HTML_ONLY, *extra)


@pytest.mark.parametrize("relative", ["templates/sections/contents.html.j2",
                                      "templates/css/paged.css", "content/en/conventions.yaml",
                                      "locale/en/LC_MESSAGES/messages.po"])
def test_a_project_file_that_links_outside_the_project_is_refused(
        project_copy: Path, capsys: pytest.CaptureFixture[str], relative: str) -> None:
    link = project_copy / relative
    link.unlink()
    link.symlink_to("/etc/passwd")
    status, err = build_status(capsys, project_copy, "--format", "html,pdf")
    assert status == 2, err
    assert any(line.startswith(relative) and "outside the project" in line for line in err), err
    assert not (project_copy / "out").exists()


@pytest.mark.parametrize(("snippet", "message"), [
    ("{{ 1 // 0 }}", "ZeroDivisionError"),
    ("{% macro loop() %}{{ loop() }}{% endmacro %}{{ loop() }}", "without end"),
])
def test_a_template_that_fails_while_rendering_is_exit_2_at_its_line(
        project_copy: Path, edit: Edit, capsys: pytest.CaptureFixture[str], snippet: str,
        message: str) -> None:
    template = edit("templates/sections/contents.html.j2", '<li><a href="#introduction">',
                    f'{snippet}<li><a href="#introduction">')
    line = template.read_text(encoding="utf-8").splitlines().index(
        f'{snippet}<li><a href="#introduction">{{{{ _("Introduction") }}}}</a></li>') + 1
    status, err = build_status(capsys, project_copy)
    assert status == 2
    assert len(err) == 1 and err[0].startswith(f"templates/sections/contents.html.j2:{line}: ")
    assert message in err[0]


def test_a_template_that_is_not_utf8_is_exit_2(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = project_copy / "templates/sections/contents.html.j2"
    path.write_bytes(path.read_bytes() + b"\n\xff\xfe caf\xe9\n")
    bad_line = path.read_bytes().count(b"\n")
    status, err = build_status(capsys, project_copy)
    assert status == 2
    assert err == [f"templates/sections/contents.html.j2:{bad_line}: not valid UTF-8 text"]


def test_an_alias_bomb_in_mapping_keys_is_refused_at_once(
        project_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        bomb.append(f"{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, "
                    f"*{previous}, *{previous}, *{previous}, *{previous}, *{previous}]")
    bomb.append("? *i\n: boom")
    (project_copy / "content/en/conventions.yaml").write_text("\n".join(bomb) + "\n",
                                                             encoding="utf-8")
    started = time.perf_counter()
    capsys.readouterr()
    status = main(["check", "--root", str(project_copy)])
    err = capsys.readouterr().err.strip().splitlines()
    assert time.perf_counter() - started < 30
    assert status == 2
    assert any(line.startswith("content/en/conventions.yaml:") for line in err), err


@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/null"])
def test_diff_refuses_devices_and_fifos_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "pipe.pdf"
        os.mkfifo(path)
    regular = tmp_path / "a.pdf"
    regular.write_bytes(b"%PDF-1.7\n")
    for old, new in ((path, regular), (regular, path)):
        capsys.readouterr()
        started = time.perf_counter()
        status = main(["diff", str(old), str(new)])
        err = capsys.readouterr().err.strip().splitlines()
        assert time.perf_counter() - started < 10
        assert status == 2
        assert err == [f"{path}: not a regular file or folder (devices and FIFOs are not "
                       "compared)"]


@pytest.mark.parametrize("kind", ["file", "empty folder"])
def test_a_root_that_is_not_a_project_says_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    root = tmp_path / "elsewhere"
    if kind == "file":
        root.write_text("", encoding="utf-8")
    else:
        root.mkdir()
    capsys.readouterr()
    assert main(["check", "--root", str(root)]) == 2
    what = "not a folder" if kind == "file" else "no content/ folder in it"
    assert capsys.readouterr().err == (f"{root}: not a project: {what} (--root names the "
                                       "project folder)\n")


@pytest.mark.parametrize("where", ["--out", "--root"])
def test_a_symbolic_link_loop_is_bad_input(
        project_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        where: str) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    root, out = (project_copy, loop) if where == "--out" else (loop, tmp_path / "out")
    capsys.readouterr()
    status = main(["build", "--root", str(root), "--out", str(out), *HTML_ONLY])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith(str(loop)), err
