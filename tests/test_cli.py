"""The command line is a thin layer: help for every command, progress, quiet, variants."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from typing import Any, cast

import pytest
from pypdf import PdfReader

from conftest import ROOT
from mgi_report.cli import main, parser


@pytest.mark.parametrize("command", ["build", "check"])
def test_every_command_has_help_and_accepts_root(command: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--root" in out and "--debug" in out


def test_commands_are_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in parser()._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"mgi-report {name}" in readme


def test_build_reports_progress_per_edition_and_quiet_silences_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["build", "--root", str(ROOT), "--report", "profile", "--locale", "en",
            "--format", "html", "--out", str(tmp_path)]
    assert main(args) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert re.fullmatch(r"\[1/1\] kaz/profile\.en  html  \d+\.\d s", lines[0]), lines
    assert lines[-1].startswith("1 edition: 1 made, 0 unchanged; 0 with text in a fallback "
                                "language (0 passages, 0 interface messages), 0 outdated "
                                "passages shown; wrote 1 file and "), lines
    assert (tmp_path / "kaz/profile.en.html").is_file()
    assert not (tmp_path / "kaz/profile.en.pdf").exists()
    assert main([*args, "--quiet"]) == 0
    assert capsys.readouterr().err == ""
    assert main(args) == 0
    assert capsys.readouterr().err.strip().splitlines()[-1].endswith(
        f"1 unchanged; 0 with text in a fallback language (0 passages, 0 interface "
        f"messages), 0 outdated passages shown; wrote 0 files; {tmp_path / 'manifest.json'} "
        "as it was")


def test_a_pdf_build_says_nothing_but_its_progress_and_summary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The layout engine's remarks on rules meant for screens are not the reader's to see."""
    args = ["build", "--root", str(ROOT), "--report", "profile", "--locale", "de",
            "--format", "pdf", "--out", str(tmp_path), "--jobs", "1"]
    assert main(args) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("[1/1] kaz/profile.de  pdf (") and "1 edition:" in lines[1]


def test_pdf_variant_option_chooses_pdf_a(tmp_path: Path) -> None:
    assert main(["build", "--root", str(ROOT), "--report", "profile", "--format", "pdf",
                 "--pdf-variant", "pdf/a-3u", "--out", str(tmp_path), "--quiet"]) == 0
    reader = PdfReader(BytesIO((tmp_path / "kaz/profile.en.pdf").read_bytes()))
    xmp = cast(Any, reader.trailer)["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfaid" in xmp and "3" in xmp.split("pdfaid:part")[1][:4]


def test_unknown_pdf_variant_is_a_usage_error(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["build", "--root", str(ROOT), "--pdf-variant", "pdf/z", "--out",
                   str(tmp_path)])
    assert status == 2
    assert "unknown PDF variant 'pdf/z'" in capsys.readouterr().err


def test_progress_counts_the_editions_and_verbose_names_the_fallback_keys(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["build", "--root", str(ROOT), "--report", "profile", "--format", "html",
            "--out", str(tmp_path)]
    assert main(args) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert [line.split()[0] for line in lines[:-1]] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert not any("fallback language:" in line for line in lines)
    fallback = re.search(r"; (\d) with text in a fallback language \((\d+) passages, ",
                         lines[-1])
    assert re.search(r"kaz/profile\.de  html  \d+\.\d s  \(\d+ fallback passages",
                     "\n".join(lines))
    assert fallback and int(fallback.group(1)) >= 1 and int(fallback.group(2)) >= 1
    assert main([*args, "-v", "--force"]) == 0
    verbose = capsys.readouterr().err
    assert "kaz/profile.ru: " in verbose and " keys in a fallback language: kaz.profile." \
        in verbose


def test_on_a_terminal_progress_tells_the_time_elapsed_and_left(
        caplog: pytest.LogCaptureFixture) -> None:
    from mgi_report.build import Progress
    from mgi_report.cli import ProgressLines

    lines = ProgressLines(terminal=True)
    with caplog.at_level("INFO", logger="mgi_report"):
        lines(Progress(1, 3, "kaz/snapshot.en", ("html",), 2.0))
        lines(Progress(2, 3, "kaz/snapshot.de", (), 0.0))
        lines(Progress(3, 3, "kaz/snapshot.ru", ("html",), 2.0))
    shown = [record.getMessage() for record in caplog.records]
    assert re.fullmatch(r"\[1/3\] kaz/snapshot\.en  html  2\.0 s  \(0:00 elapsed, about 0:04 "
                        r"left\)", shown[0]), shown
    assert shown[1].startswith("[2/3] kaz/snapshot.de  unchanged  (") and "about 0:02" in shown[1]
    assert shown[2].endswith("elapsed)")
