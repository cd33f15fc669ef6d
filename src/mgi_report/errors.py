"""The few exceptions the library raises; each knows its exit status and one-line form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    file: str
    line: int
    key: str
    message: str
    #: 1-based, when the input says where in the line (a YAML syntax error).
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:" if self.line else f"{self.file}:"
        if self.line and self.column:
            where += f"{self.column}:"
        key = f" {self.key}:" if self.key else ""
        return f"{where}{key} {self.message}"


class MgiError(Exception):
    """Base of every error the library reports to a user rather than crashing."""

    exit_code = 1

    def lines(self) -> list[str]:
        return [str(self)]


class InputError(MgiError):
    """Bad input (content, templates, catalogs, usage): exit status 2, all problems listed."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class and problems (a build's worker process reports it to the
        parent); every subclass keeps its own lines()."""
        return _input_error, (type(self), self.problems)


def _input_error(cls: type[InputError], problems: tuple[Problem, ...]) -> InputError:
    error = cls.__new__(cls)
    InputError.__init__(error, problems)
    return error


class ContentError(InputError):
    """Content under content/ does not load or validate."""


class TemplateError(InputError):
    """A template is missing, does not parse, or uses an undefined variable."""


class UsageError(InputError):
    """A command-line or API argument names something that does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("mgi-report", 0, "", message)])

    def lines(self) -> list[str]:
        return [f"mgi-report: {self.problems[0].message}"]


class BuildError(MgiError):
    """Rendering or writing failed for a reason that is not the input's fault."""


def internal_error(exc: BaseException) -> str:
    """The one line that reports a failure no input explains (a bug, a broken machine)."""
    return (f"mgi-report: internal error: {type(exc).__name__}: {exc} (run with --debug for "
            "the traceback)")
