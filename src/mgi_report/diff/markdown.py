"""Stage 4b: the result as a Markdown comment a CI job posts on a pull request.

The same ``DiffResult`` as the terminal view, shortened for a review thread: the summary
line, a table of the files that differ with their counts and sections, the passages
(content keys) that changed, and the first changes as redlines (~~deleted~~, **inserted**).
"""

from __future__ import annotations

import re
from collections import Counter

from .model import DiffResult, FileDiff
from .report import KINDS, file_groups, page_label, pages_label, passage_line, summary

#: Changes shown as redlines; the rest are counted in the table.
FIRST_CHANGES = 10
#: Words shown of a long run in a redline.
LONGEST = 40
SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def deleted(text: str) -> str:
    return f"~~{text}~~" if text.strip() else text


def inserted(text: str) -> str:
    return f"**{text}**" if text.strip() else text


def escape(text: str) -> str:
    return SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _short(text: str) -> str:
    words = text.split()
    if len(words) <= LONGEST:
        return escape(text)
    return (f"{escape(' '.join(words[:LONGEST * 2 // 3]))} … "
            f"{escape(' '.join(words[-LONGEST // 3:]))}")


def format_markdown(result: DiffResult) -> str:
    groups = file_groups(result)
    if not groups:
        return "### mgi-report diff: no differences\n"
    lines = [f"### mgi-report diff: {escape(summary(result, groups))}", "",
             "| File | Status | " + " | ".join(noun.capitalize() + "s" for _, noun in KINDS)
             + " | Sections |",
             "|---|---|" + "---:|" * len(KINDS) + "---|"]
    for group in groups:
        diff = group[0]
        name = f"`{diff.path}`" + (f" and {len(group) - 1} more" if len(group) > 1 else "")
        numbers = " | ".join(str(len(getattr(diff, field))) for field, _ in KINDS)
        lines.append(f"| {name} | {diff.status} | {numbers} | "
                     f"{'; '.join(f'{escape(s)}: {n}' for s, n in _sections(diff))} |")
    passages = result.passages
    if passages and len(result.files) > 1:
        lines += ["", "**Passages changed**", ""]
        lines += [f"- `{p.key}`: {escape(passage_line(p).split(': ', 1)[1])}"
                  for p in passages]
    first = _first_changes(groups)
    if first:
        lines += ["", "**First changes**", ""]
        lines += first
    return "\n".join(lines) + "\n"


def _sections(diff: FileDiff) -> list[tuple[str, int]]:
    return sorted(Counter([c.section for c in diff.text_changes + diff.moved_passages]
                          + [v.section for v in diff.visual_changes]
                          + [s.section for s in diff.structure_changes]).items())


def _first_changes(groups: list[list[FileDiff]]) -> list[str]:
    shown: list[str] = []
    for group in groups:
        diff = group[0]
        if diff.status in ("added", "removed"):
            shown.append(f"- `{diff.path}`: {diff.status}")
        for change in diff.text_changes:
            parts = [deleted(_short(t)) if op == "-" else inserted(_short(t))
                     if op == "+" else _short(t) for op, t in change.parts]
            where = " · ".join(filter(None, [escape(change.section), pages_label(
                change.old_pages, change.new_pages)]))
            context = [f"… {_short(change.before)}" if change.before else "", *parts,
                       f"{_short(change.after)} …" if change.after else ""]
            shown.append(f"- `{diff.path}` · {where}: {' '.join(p for p in context if p)}")
        for move in diff.moved_passages:
            shown.append(f"- `{diff.path}` · moved · {escape(move.section)}: {_short(move.old)}")
        for visual in diff.visual_changes:
            pages = page_label(visual.old_page, visual.new_page)
            shown.append(f"- `{diff.path}` · visual · {escape(visual.section)} · {pages}"
                         + (f": {escape(visual.note)}" if visual.note else ""))
        for structure in diff.structure_changes:
            what = f"“{escape(structure.text)}”: " if structure.text else ""
            shown.append(f"- `{diff.path}` · {structure.kind} · {escape(structure.section)}: "
                         f"{what}{deleted(escape(structure.old))} → "
                         f"{inserted(escape(structure.new))}")
        for hunk in diff.markup_changes:
            shown.append(f"- `{diff.path}` · markup: `{hunk.splitlines()[0][:100]}` …")
    return shown[:FIRST_CHANGES] + (
        [f"- … and {len(shown) - FIRST_CHANGES} more"] if len(shown) > FIRST_CHANGES else [])
