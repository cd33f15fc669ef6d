"""Stage 4: the result for people (terminal text) and for machines (JSON), and the images.

Both views are made from the same ``DiffResult``; the terminal view marks words like
``git diff --word-diff`` ([-old-]{+new+}) and uses colour instead when it is a terminal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..publish import write_atomic
from .model import (
    DiffResult,
    FileDiff,
    Passage,
    StructureChange,
    TextChange,
    VisualChange,
)

RESET, BOLD, DIM, RED, GREEN, CYAN = "\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", \
    "\x1b[36m"
STRIKE = "\x1b[9m"
DASH = "\u2013"  # en dash, for page ranges
#: Changed runs longer than this many words are shortened in the terminal.
LONGEST = 60


class _Style:
    def __init__(self, colour: bool) -> None:
        self.colour = colour

    def __call__(self, code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if self.colour and text else text

    def deleted(self, text: str) -> str:
        return self(RED + STRIKE, text) if self.colour else f"[-{text}-]"

    def inserted(self, text: str) -> str:
        return self(GREEN, text) if self.colour else f"{{+{text}+}}"


def format_text(result: DiffResult, *, colour: bool = False) -> str:
    """The terminal report: the changed passages (content keys) across the outputs, one
    block per edit (the outputs showing the same edit share it), then a summary line."""
    style = _Style(colour)
    groups = file_groups(result)
    quiet_meta = [f for f in result.files if not f.differs(result.strict)
                  and (f.metadata_changes or f.bytes_only)]
    if not groups:
        if quiet_meta:
            return (f"no differences (metadata or file layout differs in {len(quiet_meta)} "
                    "file(s); --strict counts it)")
        return "no differences"
    lines = [style(BOLD, f"content changed: {_count(len(passages), 'passage')}"),
             *(f"  {passage_line(p)}" for p in passages)] \
        if (passages := result.passages) and len(result.files) > 1 else []
    lines.extend(_file_block(group, style, result.strict) for group in groups)
    return "\n".join([*lines, summary(result, groups)])


def summary(result: DiffResult, groups: Sequence[Sequence[FileDiff]]) -> str:
    """"12 of 13 files differ: 2 text changes, 0 visual changes; 2 passages changed in en,
    affecting 12 outputs": an edit shown by several outputs is counted once."""
    line = (f"{sum(len(g) for g in groups)} of {len(result.files)} files differ: "
            f"{counts([g[0] for g in groups])}")
    passages = result.passages
    if passages and len(result.files) > 1:
        locales = sorted({locale for p in passages for locale in p.locales})
        outputs = {o for p in passages for o in p.outputs}
        line += (f"; {_count(len(passages), 'passage')} changed"
                 f"{' in ' + ', '.join(locales) if locales else ''}, affecting "
                 f"{_count(len(outputs), 'output')}")
    return line


def passage_line(passage: Passage) -> str:
    where = f" in {', '.join(passage.locales)}" if passage.locales else ""
    return (f"{passage.key}: {passage.change}{where}; affects "
            f"{_count(len(passage.outputs), 'output')}")


def file_groups(result: DiffResult) -> list[list[FileDiff]]:
    """The files that differ; those whose only differences are the same text changes of
    the same content keys (one edit in several editions and formats) as one group, led by
    an output that shows the edit in its own language."""
    groups: dict[object, list[FileDiff]] = {}
    for index, diff in enumerate(result.files):
        if diff.differs(result.strict):
            groups.setdefault(_signature(diff) or index, []).append(diff)
    return [sorted(group, key=lambda f: (any(k.fallback for k in f.content_keys),
                                         f.format != "pdf", f.path))
            for group in groups.values()]


def _signature(diff: FileDiff) -> object:
    if diff.status != "changed" or not diff.content_keys or not diff.text_changes or any(
            (diff.visual_changes, diff.structure_changes, diff.markup_changes,
             diff.moved_passages)):
        return None
    return (tuple(k.key for k in diff.content_keys), tuple(c.parts for c in diff.text_changes))


#: The kinds of change counted, in the order they are listed: (FileDiff field, noun).
KINDS = (("text_changes", "text change"), ("visual_changes", "visual change"),
         ("moved_passages", "moved passage"), ("structure_changes", "structure change"),
         ("markup_changes", "markup change"))


def counts(files: Sequence[FileDiff]) -> str:
    """"2 text changes, 0 visual changes, 1 structure change": text and visual always,
    moved passages, structure and markup when there are any."""
    totals = [(noun, sum(len(getattr(f, name)) for f in files)) for name, noun in KINDS]
    return ", ".join(_count(total, noun) for index, (noun, total) in enumerate(totals)
                     if index < 2 or total)


def _file_block(group: Sequence[FileDiff], style: _Style, strict: bool) -> str:
    diff = group[0]
    if diff.status in ("added", "removed"):
        return style(BOLD, f"{diff.path}: {diff.status}")
    more = f" (and {_count(len(group) - 1, 'more output')})" if len(group) > 1 else ""
    lines = [style(BOLD, f"{diff.path}{more}: {counts([diff])}")]
    if more:
        lines.append(f"  the same edit in: {', '.join(f.path for f in group[1:])}")
    if diff.content_keys:
        keys = ", ".join(f"{k.key} ({k.change})" if k.change != "changed" else k.key
                         for k in diff.content_keys)
        lines.append(f"  content keys changed ({diff.locale}): {keys}")
    for change in diff.text_changes:
        lines.append(_heading(style, "text", change.section,
                              pages_label(change.old_pages, change.new_pages)))
        lines.append(f"    {redline(change, style)}")
    for visual in diff.visual_changes:
        lines.append(_heading(style, "visual", visual.section,
                              page_label(visual.old_page, visual.new_page),
                              _count(len(visual.boxes), "region")))
        lines.append(f"    {_boxes(visual)}" + (f"; {visual.note}" if visual.note else ""))
    for move in diff.moved_passages:
        lines.append(_heading(style, "moved", move.section,
                              pages_label(move.old_pages, move.new_pages)))
        lines.append(f"    {_shorten(move.old, 24)}")
    for structure in diff.structure_changes:
        lines.append(_heading(style, f"structure · {structure.kind}", structure.section,
                              page_label(structure.old_page, structure.new_page)))
        lines.append(f"    {structure_line(structure, style)}")
    for hunk in diff.markup_changes:
        lines.append(_heading(style, "markup"))
        lines.extend("    " + (style(RED, line) if line.startswith("-") else style(GREEN, line))
                     for line in hunk.splitlines())
    lines.extend(f"  {note}" for note in page_notes(diff, lambda text: _shorten(text, 12)))
    if strict:
        lines.extend(f"  metadata · {m.key}: {_clip(m.old)} → {_clip(m.new)}"
                     for m in diff.metadata_changes)
        if diff.bytes_only and not diff.metadata_changes:
            lines.append("  the files differ in their PDF structure only")
    return "\n".join(lines)


def _heading(style: _Style, *parts: str) -> str:
    """A change's heading line: its kind, section, pages and more, those it has."""
    return "  " + style(CYAN, " · ".join(filter(None, parts)))


def page_notes(diff: FileDiff, excerpt: Callable[[str], str]) -> list[str]:
    """How pages moved, were added or removed: shared by the terminal and the HTML review."""
    notes = []
    if diff.reflowed_pages:
        notes.append(f"reflowed (text moved, unchanged): pages {ranges(diff.reflowed_pages)}")
    if diff.moved_pages:
        notes.append(f"moved (unchanged): pages {ranges(diff.moved_pages)}")
    notes.extend(f"moved with pagination (a footnote follows its call): "
                 f"{pages_label(m.old_pages, m.new_pages)}: {excerpt(m.old)}"
                 for m in diff.moved_text)
    if diff.added_pages:
        notes.append(f"pages added: {', '.join(map(str, diff.added_pages))}")
    if diff.removed_pages:
        notes.append(f"pages removed: {', '.join(map(str, diff.removed_pages))}")
    return notes


def structure_line(change: StructureChange, style: _Style) -> str:
    """“link text”: old target → new target (the language: old → new)."""
    what = f"“{change.text}”: " if change.text else ""
    return f"{what}{style.deleted(change.old)} → {style.inserted(change.new)}"


def redline(change: TextChange, style: _Style) -> str:
    marks = {"=": lambda text: text, "-": style.deleted, "+": style.inserted}
    words = [style(DIM, f"… {change.before}") if change.before else "",
             *(marks[op](_shorten(text)) for op, text in change.parts),
             style(DIM, f"{change.after} …") if change.after else ""]
    return " ".join(w for w in words if w)


def _shorten(text: str, most: int = LONGEST) -> str:
    """A long run of words in a terminal: its start and end; JSON and HTML keep it all."""
    words = text.split()
    if len(words) <= most:
        return text
    return (f"{' '.join(words[:most * 2 // 3])} … ({len(words) - most} more words) … "
            f"{' '.join(words[-most // 3:])}")


def pages_label(old: Iterable[int], new: Iterable[int]) -> str:
    old, new = tuple(old), tuple(new)
    if not old and not new:
        return ""
    if old == new:
        return _pages(new)
    return f"{_pages(old) or '(no page)'} → {_pages(new) or '(no page)'}"


def _pages(pages: tuple[int, ...]) -> str:
    if not pages:
        return ""
    if len(pages) == 1:
        return f"page {pages[0]}"
    return f"pages {pages[0]}{DASH}{pages[-1]}"


def page_label(old: int | None, new: int | None) -> str:
    """:func:`pages_label` of a change on at most one page on each side."""
    return pages_label((old,) if old else (), (new,) if new else ())


def ranges(pairs: Iterable[tuple[int, int]]) -> str:
    """(4, 5), (5, 6), (6, 7) → "4-6 → 5-7" (en dashes): runs of pages that moved
    together."""
    runs: list[list[tuple[int, int]]] = []
    for o, n in pairs:
        if runs and (o, n) == (runs[-1][-1][0] + 1, runs[-1][-1][1] + 1):
            runs[-1].append((o, n))
        else:
            runs.append([(o, n)])
    out = []
    for run in runs:
        (o1, n1), (o2, n2) = run[0], run[-1]
        old, new = (f"{o1}", f"{n1}") if o1 == o2 else (f"{o1}{DASH}{o2}", f"{n1}{DASH}{n2}")
        out.append(old if old == new else f"{old} → {new}")
    return ", ".join(out)


def _boxes(visual: VisualChange) -> str:
    shown = [f"({x0:.0f},{top:.0f}){DASH}({x1:.0f},{bottom:.0f})"
             for x0, top, x1, bottom in visual.boxes[:4]]
    more = f" and {len(visual.boxes) - 4} more" if len(visual.boxes) > 4 else ""
    return "regions at " + ", ".join(shown) + more + " pt from the top left"


def _clip(value: str, most: int = 40) -> str:
    return "(none)" if not value else value if len(value) <= most else value[:most] + "…"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def to_json(result: DiffResult) -> dict[str, Any]:
    """The same result for machines: every change, box (points from the top left) and
    image name, and the changed content keys per locale."""
    files = []
    for diff in result.files:
        entry = asdict(diff)
        entry["images"] = [image.name for image in diff.images]
        entry["differs"] = diff.differs(result.strict)
        files.append(entry)
    return {
        "old": result.old, "new": result.new, "strict": result.strict,
        "differs": result.differs, "files": files,
        "passages": [asdict(passage) for passage in result.passages],
        "content_keys": {locale: [{"edition": edition, **asdict(change)}
                                  for edition, change in changes]
                         for locale, changes in result.content_keys.items()},
    }


def format_json(result: DiffResult) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False)


def write_images(result: DiffResult, out: Path) -> list[Path]:
    """Write each side-by-side picture under ``out``, named after its file and pages."""
    written = []
    for diff in result.files:
        for image in diff.images:
            path = out / image.name
            write_atomic(path, image.png)
            written.append(path)
    return written
