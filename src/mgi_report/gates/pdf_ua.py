"""Gate: the PDF/UA-1 rules a machine can check, by the PyPI checker ``pdfua`` plus checks of
the Matterhorn Protocol conditions it does not cover, written here on pikepdf.

Applies to PDFs that claim PDF/UA-1 in their XMP metadata (the default variant); other
variants are ``n/a``. Every pdfua finding, of any severity, fails the gate, as does a rule
it could not evaluate: nothing is exempted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from .context import GateContext
from .model import Finding, Gate, Outcome, Target, each

HEADING = re.compile(r"^/H([1-6])$")


@dataclass
class Element:
    """A structure element in document order, with its standard role and page."""

    obj: pikepdf.Dictionary
    role: str
    page: int | None
    parent: Element | None
    kids: list[Element] = field(default_factory=list)
    marks_content: bool = False

    def where(self) -> str:
        return f"page {self.page} {self.role}" if self.page else self.role


def check(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    return each(targets, check_file)


def check_file(target: Target) -> Outcome:
    import pdfua

    with pikepdf.open(target.path) as pdf:
        if claimed_part(pdf) != "1":
            return Outcome("n/a", note="does not claim PDF/UA-1 in its XMP metadata")
        ours = list(own_checks(pdf))
    report = pdfua.validate(str(target.path))
    findings = [Finding(f.rule_id, f.location.describe(), f.message) for f in report.findings]
    findings.extend(Finding(f"{o.rule_id} not evaluated", "", o.skipped_reason or "")
                    for o in report.skipped)
    return Outcome.of([*findings, *ours])


def claimed_part(pdf: pikepdf.Pdf) -> str | None:
    with pdf.open_metadata() as xmp:
        part = xmp.get("pdfuaid:part")
    return str(part) if part is not None else None


def own_checks(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    yield from _metadata(pdf)
    elements = list(_elements(pdf))
    yield from _headings(elements)
    yield from _tables(elements)
    yield from _annotation_tab_order(pdf)


def _metadata(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    """Matterhorn 06-003: the XMP metadata has a dc:title."""
    with pdf.open_metadata() as xmp:
        title = xmp.get("dc:title")
    if not title or not str(title).strip():
        yield Finding("dc:title", "XMP metadata", "no dc:title (Matterhorn 06-003)")


def _elements(pdf: pikepdf.Pdf) -> Iterator[Element]:
    """Every structure element, depth first in document (logical reading) order."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    role_map = root.get("/RoleMap")
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    seen: set[tuple[int, int]] = set()

    def visit(node: pikepdf.Object, parent: Element | None,
              page: int | None) -> Iterator[Element]:
        if isinstance(node, pikepdf.Array):
            for item in node:
                yield from visit(item, parent, page)
            return
        if not isinstance(node, pikepdf.Dictionary):
            if parent is not None and _is_number(node):
                _mark(parent)
            return
        if node.objgen != (0, 0):
            if node.objgen in seen:
                return
            seen.add(node.objgen)
        kind = str(node.get("/Type", ""))
        if kind in ("/MCR", "/OBJR"):
            if parent is not None:
                _mark(parent)
            return
        if "/S" not in node:
            yield from visit(node.get("/K", pikepdf.Array()), parent, page)
            return
        page_ref = node.get("/Pg")
        if isinstance(page_ref, pikepdf.Dictionary):
            page = pages.get(page_ref.objgen, page)
        element = Element(node, _role(str(node.get("/S")), role_map), page, parent)
        if parent is not None:
            parent.kids.append(element)
        yield element
        yield from visit(node.get("/K", pikepdf.Array()), element, page)

    yield from visit(root.get("/K", pikepdf.Array()), None, None)


def _is_number(node: object) -> bool:
    return isinstance(node, int) and not isinstance(node, bool)


def _mark(element: Element) -> None:
    current: Element | None = element
    while current is not None and not current.marks_content:
        current.marks_content = True
        current = current.parent


def _role(role: str, role_map: object) -> str:
    """A custom structure type mapped to its standard one through the /RoleMap."""
    for _ in range(10):
        if not isinstance(role_map, pikepdf.Dictionary) or role not in role_map:
            break
        role = str(role_map[role])
    return role


def _headings(elements: Sequence[Element]) -> Iterator[Finding]:
    """Matterhorn 14-002 and 14-003: numbered headings start at H1 and never skip a level
    going down; and no heading is empty."""
    previous = 0
    for element in elements:
        match = HEADING.match(element.role)
        if not match:
            continue
        level = int(match[1])
        if not element.marks_content:
            yield Finding("empty heading", element.where(), "the heading marks no content")
        if previous == 0 and level != 1:
            yield Finding("heading order", element.where(),
                          f"the first heading is H{level}, not H1 (Matterhorn 14-002)")
        elif level > previous + 1 and previous:
            yield Finding("heading order", element.where(),
                          f"H{level} follows H{previous} (Matterhorn 14-003)")
        previous = level


def _tables(elements: Sequence[Element]) -> Iterator[Finding]:
    """ISO 14289-1 §7.5: every data cell's headers are determinable, by /Headers naming
    header cells of the same table or, failing that, by /Scope on its header cells."""
    for table in (e for e in elements if e.role == "/Table"):
        cells = [e for e in _descendants(table) if e.role in ("/TH", "/TD")]
        header_ids = {str(c.obj["/ID"]) for c in cells if c.role == "/TH" and "/ID" in c.obj}
        scoped = any(c.role == "/TH" and _attribute(c.obj, "/Scope") is not None
                     for c in cells)
        if not any(c.role == "/TH" for c in cells):
            yield Finding("table headers", table.where(), "the table has no header cell")
            continue
        for cell in (c for c in cells if c.role == "/TD"):
            headers = _attribute(cell.obj, "/Headers")
            names = [str(h) for h in headers] if isinstance(headers, pikepdf.Array) else []
            unknown = [name for name in names if name not in header_ids]
            if unknown:
                yield Finding("table headers", cell.where(),
                              f"/Headers names {', '.join(unknown)}, not a header of this table")
            elif not names and not scoped:
                yield Finding("table headers", cell.where(),
                              "a data cell with no /Headers in a table without /Scope")


def _descendants(element: Element) -> Iterator[Element]:
    for kid in element.kids:
        yield kid
        yield from _descendants(kid)


def _attribute(obj: pikepdf.Dictionary, name: str) -> pikepdf.Object | None:
    attributes = obj.get("/A")
    for entry in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
        if isinstance(entry, pikepdf.Dictionary) and name in entry:
            return entry[name]
    return None


def _annotation_tab_order(pdf: pikepdf.Pdf) -> Iterator[Finding]:
    """Matterhorn 28-008: a page with annotations sets /Tabs /S (structure order)."""
    for number, page in enumerate(pdf.pages, start=1):
        if len(page.obj.get("/Annots", pikepdf.Array())) and \
                str(page.obj.get("/Tabs", "")) != "/S":
            yield Finding("tab order", f"page {number}",
                          "a page with annotations has no /Tabs /S (Matterhorn 28-008)")


def tool(context: GateContext) -> str:
    import pdfua

    return f"pdfua {pdfua.__version__} on pikepdf {pikepdf.__version__} " \
           "(+ Matterhorn checks of mgi-report)"


GATE = Gate("pdf-ua", "pdf", "PDF/UA-1 machine-checkable rules (pdfua + Matterhorn checks)",
            check, tool)
