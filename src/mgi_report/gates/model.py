"""Plain records of the quality gates: what is checked, and what each gate found."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .tools import ToolMissing

if TYPE_CHECKING:
    from .context import GateContext

log = logging.getLogger(__name__)

#: ``pass``: the tool ran and found nothing; ``fail``: it found something; ``error``: it
#: could not run (missing tool, crash) — a failure too; ``n/a``: the gate does not apply.
Status = Literal["pass", "fail", "error", "n/a"]
FAILING: frozenset[str] = frozenset({"fail", "error"})
#: Characters of a finding's message shown on its line (the record keeps it whole).
MESSAGE_LIMIT = 400


@dataclass(frozen=True)
class Finding:
    """One problem: the tool's rule, where it is (element, line or page), and what it is."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        message = " ".join(self.message.split())
        if len(message) > MESSAGE_LIMIT:
            message = message[:MESSAGE_LIMIT] + " …"
        return f"[{self.rule}]{where} {message}"


@dataclass(frozen=True)
class Target:
    """One built file of one edition."""

    edition: str
    format: str
    path: Path


@dataclass(frozen=True)
class Outcome:
    """What a gate says about one file."""

    status: Status
    findings: tuple[Finding, ...] = ()
    note: str = ""

    @classmethod
    def of(cls, findings: Sequence[Finding], note: str = "") -> Outcome:
        return cls("fail" if findings else "pass", tuple(findings), note)


def each(targets: Sequence[Target],
         check_one: Callable[[Target], Outcome]) -> dict[Path, Outcome]:
    """Check file by file: a file the checker chokes on is an error for that file alone."""
    outcomes = {}
    for target in targets:
        try:
            outcomes[target.path] = check_one(target)
        except ToolMissing:
            raise
        except Exception as exc:
            log.debug("%s: check failed", target.path, exc_info=True)
            outcomes[target.path] = Outcome("error", note=f"{type(exc).__name__}: {exc}")
    return outcomes


GateCheck = Callable[["GateContext", Sequence[Target]], Mapping[Path, Outcome]]
ToolVersion = Callable[["GateContext"], str]


@dataclass(frozen=True)
class Gate:
    """A check that a tool nobody here wrote makes on every file of one format."""

    name: str
    format: str
    summary: str
    check: GateCheck = field(repr=False)
    tool: ToolVersion = field(repr=False)


@dataclass(frozen=True)
class GateResult:
    """One gate's verdict on one file."""

    edition: str
    format: str
    path: str
    gate: str
    status: Status
    findings: tuple[Finding, ...]
    tool: str
    note: str = ""

    @property
    def failed(self) -> bool:
        return self.status in FAILING

    def lines(self) -> list[str]:
        """The result as lines that name the edition, the gate, the rule and the place."""
        head = f"{self.edition} {self.format} {self.gate}: {self.status.upper()}"
        if self.note:
            note = " ".join(self.note.split())
            head += f" ({note[:MESSAGE_LIMIT]}{' …' if len(note) > MESSAGE_LIMIT else ''})"
        return [head, *(f"  {finding}" for finding in self.findings)]
