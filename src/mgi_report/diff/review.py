"""Stage 5: the review report, one self-contained HTML file a reviewer opens offline.

The template (``review.html.j2``, next to this module) is the tool's own interface, not
a report template, so it lives in the package. Images are embedded as data URIs; each
page picture is shown under the first change on that page, later changes link to it.
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, StrictUndefined

from .. import __version__
from ..publish import write_atomic
from .model import DiffResult, FileDiff, PageImage
from .report import DASH, page_label, page_notes, pages_label

TEMPLATE = "review.html.j2"


@dataclass
class Entry:
    kind: str
    section: str
    pages: str
    before: str = ""
    parts: tuple[tuple[str, str], ...] = ()
    after: str = ""
    note: str = ""
    lines: list[str] = field(default_factory=list)
    images: list[tuple[str, str, str]] = field(default_factory=list)  # id, data URI, caption
    links: list[tuple[str, str]] = field(default_factory=list)  # id, caption


@dataclass
class FileView:
    diff: FileDiff
    anchor: str
    differs: bool
    sections: list[tuple[str, int]]
    entries: list[Entry]
    notes: list[str]


def render_review(result: DiffResult) -> str:
    template = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True
                           ).from_string(files(__package__).joinpath(TEMPLATE)
                                         .read_text(encoding="utf-8"))
    views = [_view(index, diff, result.strict) for index, diff in enumerate(result.files)]
    return template.render(result=result, files=views, version=__version__,
                           changed=sum(v.differs for v in views))


def write_review(result: DiffResult, path: Path) -> Path:
    write_atomic(path, render_review(result).encode("utf-8"))
    return path


def _view(index: int, diff: FileDiff, strict: bool) -> FileView:
    anchor = f"file-{index + 1}"
    images = {(i.old_page, i.new_page): i for i in diff.images}
    shown: set[str] = set()
    entries = []
    for change in diff.text_changes:
        entry = Entry("text", change.section, pages_label(change.old_pages, change.new_pages),
                      change.before, change.parts, change.after)
        related = [i for key, i in images.items()
                   if key[0] in change.old_pages or key[1] in change.new_pages]
        _attach(entry, related, anchor, shown)
        entries.append(entry)
    for visual in diff.visual_changes:
        pages = page_label(visual.old_page, visual.new_page)
        entry = Entry("visual", visual.section, pages, note=visual.note, lines=[
            f"({x0:.0f}, {top:.0f}) {DASH} ({x1:.0f}, {bottom:.0f}) pt" for x0, top, x1, bottom
            in visual.boxes])
        image = images.get((visual.old_page, visual.new_page))
        _attach(entry, [image] if image else [], anchor, shown)
        entries.append(entry)
    entries.extend(Entry("moved", move.section, pages_label(move.old_pages, move.new_pages),
                         parts=(("=", move.old),)) for move in diff.moved_passages)
    entries.extend(Entry("structure", change.section, page_label(change.old_page, change.new_page),
        note=change.kind, parts=(("=", change.text), ("-", change.old), ("+", change.new)))
        for change in diff.structure_changes)
    entries.extend(Entry("markup", "", "", lines=hunk.splitlines())
                   for hunk in diff.markup_changes)
    sections = Counter([c.section for c in diff.text_changes]
                       + [v.section for v in diff.visual_changes]
                       + [m.section for m in diff.moved_passages]
                       + [s.section for s in diff.structure_changes])
    return FileView(diff, anchor, diff.differs(strict), sorted(sections.items()), entries,
                    _notes(diff))


def _attach(entry: Entry, images: list[PageImage], anchor: str, shown: set[str]) -> None:
    for image in images:
        ident = f"{anchor}-{image.name.rsplit('.page-', 1)[-1].removesuffix('.png')}"
        caption = page_label(image.old_page, image.new_page)
        if ident in shown:
            entry.links.append((ident, caption))
        else:
            shown.add(ident)
            data = base64.b64encode(image.png).decode("ascii")
            entry.images.append((ident, f"data:image/png;base64,{data}", caption))


def _notes(diff: FileDiff) -> list[str]:
    notes = [note[:1].upper() + note[1:] for note in page_notes(diff, lambda text: text)]
    notes.extend(f"Metadata {m.key}: {m.old or '(none)'} → {m.new or '(none)'}"
                 for m in diff.metadata_changes)
    if diff.bytes_only:
        notes.append("The files differ in their PDF structure only")
    return notes
