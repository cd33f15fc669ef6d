"""Compare two documents that differ: their words, moved passages, pages, structure,
markup.

Each page pair is looked at once (``pages``); the text is diffed once for the whole
document (``textdiff``); links, bookmarks and the language are compared by ``structure``;
an HTML file's markup outside its text is compared here.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from ..errors import InputError, Problem
from .extract import Document, read_document
from .model import FileDiff, MetadataChange
from .pages import PdfPages
from .structure import structure_changes
from .textdiff import (
    CONTEXT,
    Block,
    change_spans,
    furniture_changes,
    match_words,
    moved_passage,
    moved_passages,
    moved_text,
    pagination_moves,
    pair_pages,
    text_change,
)

#: At most this many markup hunks are listed for an HTML file.
MARKUP_HUNKS = 20
MARKUP_LINE = 160
BARE_TAGS = re.compile(r"</?[a-z][a-z0-9]*>")


def compare_documents(base: FileDiff, old_file: tuple[str, bytes], new_file: tuple[str, bytes],
                      *, images: bool = False, context: int | None = None) -> FileDiff:
    """``base`` (the pair's names and content keys) with every difference of two files."""
    old, new = read_document(*old_file), read_document(*new_file)
    if old.kind != new.kind:
        raise InputError([Problem(new.path, 0, "", f"is {new.kind.upper()} but "
                                                   f"{old.path} is {old.kind.upper()}")])
    blocks = match_words(old, new)
    spans, moves = pagination_moves(old, new, change_spans(old, new, blocks))
    spans, passages = moved_passages(old, new, spans)
    shown = CONTEXT if context is None else context
    found = _with(base, text_changes=tuple(text_change(old, new, s, shown) for s in spans),
                  moved_text=tuple(moved_text(old, new, *move) for move in moves),
                  moved_passages=tuple(moved_passage(old, new, *move) for move in passages),
                  metadata_changes=_metadata(old, new))
    if old.kind == "pdf":
        pages = pair_pages(old, new, blocks)
        marked = spans + [span for move in passages for span in move]
        found = PdfPages(old, new, marked, images, base.edition, blocks).compare(found, pages)
        found = _with(found, text_changes=found.text_changes + tuple(
            furniture_changes(old, new, pages, list(found.text_changes))))
        found = _with(found, structure_changes=tuple(
            structure_changes(old, new, blocks, found.text_changes + found.moved_passages)))
    else:
        found = _with(found, markup_changes=emphasis_changes(old, new, blocks)
                      + _markup(old.data, new.data))
    if found.changes or found.added_pages or found.removed_pages:
        return _with(found, status="changed")
    return _with(found, bytes_only=not found.metadata_changes)


def _with(diff: FileDiff, **changes: object) -> FileDiff:
    return replace(diff, **changes)  # type: ignore[arg-type]


def _metadata(old: Document, new: Document) -> tuple[MetadataChange, ...]:
    keys = sorted(old.metadata.keys() | new.metadata.keys())
    return tuple(MetadataChange(k, old.metadata.get(k, ""), new.metadata.get(k, ""))
                 for k in keys if old.metadata.get(k) != new.metadata.get(k))


def emphasis_changes(old: Document, new: Document, blocks: list[Block]) -> tuple[str, ...]:
    """Runs of the same words set in other emphasis (``<em>``, ``<strong>`` …): a markup
    change the text diff cannot see and the bare-tag filter would hide."""
    runs: list[tuple[int, int, str, str]] = []  # first and last new index, emphasis before/after
    for a, b, n in blocks:
        for k in range(n):
            before, after = old.words[a + k].emphasis, new.words[b + k].emphasis
            if before == after:
                continue
            if runs and runs[-1][1] == b + k - 1 and runs[-1][2:] == (before, after):
                runs[-1] = (runs[-1][0], b + k, before, after)
            else:
                runs.append((b + k, b + k, before, after))
    return tuple(f"-{words} [{before or 'plain'}]\n+{words} [{after or 'plain'}]"
                 for first, last, before, after in runs
                 for words in [" ".join(w.text for w in new.words[first:last + 1])])


def _markup(old: bytes, new: bytes) -> tuple[str, ...]:
    """Differences in the HTML outside its visible text: styles, attributes, structure."""
    hunks: list[str] = []
    lines: list[str] = []
    diff = difflib.unified_diff(_skeleton(old), _skeleton(new), n=0, lineterm="")
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if lines:
                hunks.append("\n".join(lines))
            lines = []
        else:
            lines.append(line if len(line) <= MARKUP_LINE else line[:MARKUP_LINE] + " …")
    if lines:
        hunks.append("\n".join(lines))
    return tuple([h for h in hunks if not _bare(h)][:MARKUP_HUNKS])


def _bare(hunk: str) -> bool:
    """Only tags without attributes changed: the elements around inserted or deleted
    text (a new ``<p></p>``), which the text diff already reports."""
    return all(not BARE_TAGS.sub("", line[1:]).strip() for line in hunk.splitlines())


def _skeleton(html: bytes) -> list[str]:
    """The HTML with the body's text blanked and each tag on a line of its own, so text
    changes, already reported word by word, do not show up again, and a changed attribute
    is one line however the file is laid out."""
    head, tag, body = html.decode("utf-8", "replace").partition("<body")
    body = re.sub(r">[^<]*<", ">\n<", tag + body)
    return (head + body).splitlines()
