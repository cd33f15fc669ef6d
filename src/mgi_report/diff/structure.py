"""Stage 2b: what a reader meets but does not see: links, bookmarks, the document language.

A link whose words stayed but whose address changed looks the same on the page, and so
does a bookmark that now opens another heading; the text and pixel stages cannot see
them. Links are paired by their text, bookmarks by their titles, in document order. An
internal target is a place (page, height) and is compared by the word found there, carried
through the word diff, so a reflow that moves every heading to a later page changes no
target.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from .extract import Document, Link, Target
from .model import StructureChange, TextChange
from .textdiff import Block

#: A contents entry's dot leader (if any) and page number, which follow every reflow.
LEADER_NUMBER = re.compile(r"(?:\s*\.){2,}\s*\d+\s*$|\s+\d+\s*$")


def structure_changes(old: Document, new: Document, blocks: list[Block],
                      text: Sequence[TextChange]) -> list[StructureChange]:
    moved = _WordMap(old, new, blocks)
    found: list[StructureChange] = []
    if old.language != new.language:
        found.append(StructureChange("language", "", None, None, "", old.language or "(none)",
                                     new.language or "(none)"))
    found.extend(_links(old, new, moved, text))
    found.extend(_bookmarks(old, new, moved, text))
    return found


class _WordMap:
    """Old word index → new word index, for the words the word diff found equal."""

    def __init__(self, old: Document, new: Document, blocks: list[Block]) -> None:
        self.old, self.new = old, new
        self.forward = {a + k: b + k for a, b, n in blocks for k in range(n)}

    def same_target(self, before: Target, after: Target) -> bool:
        if before.uri or after.uri:
            return before.uri == after.uri
        if not (before.page and after.page):
            return before.page == after.page
        old_word = _word_at(self.old, before)
        new_word = _word_at(self.new, after)
        if old_word is None or new_word is None:
            return (old_word is None) == (new_word is None)
        if old_word in self.forward:
            return self.forward[old_word] == new_word
        return self.old.words[old_word].text == self.new.words[new_word].text

    def describe(self, doc: Document, target: Target) -> str:
        if target.uri:
            return target.uri
        if not target.page:
            return "(nowhere)"
        word = _word_at(doc, target)
        where = f"page {target.page}"
        if word is None:
            return where
        return f"{where}, at “{' '.join(w.text for w in doc.words[word:word + 6])}”"


def _word_at(doc: Document, target: Target) -> int | None:
    """The first word at or below a target's height on its page (or on the next pages)."""
    if not 0 < target.page <= len(doc.pages):
        return None
    page = doc.pages[target.page - 1]
    for index in range(page.start, len(doc.words)):
        word = doc.words[index]
        if word.page > target.page or (word.boxes and word.boxes[0][3] >= target.top - 2):
            return index
    return None


def _key(link: Link) -> str:
    """A link's text; for a link into the document, without a page number at its end."""
    return link.text if link.target.uri else LEADER_NUMBER.sub("", link.text).strip(" .")


def _explained(text: str, changes: Sequence[TextChange], side: str) -> bool:
    """A link or bookmark that came or went with the words of a text change."""
    return any(part and (part in text or text in part)
               for part in (getattr(change, side) for change in changes))


def _links(old: Document, new: Document, moved: _WordMap, text: Sequence[TextChange]
           ) -> list[StructureChange]:
    found = []
    matcher = SequenceMatcher(None, [_key(k) for k in old.links], [_key(k) for k in new.links],
                              autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for before, after in zip(old.links[a1:a2], new.links[b1:b2], strict=True):
                if not moved.same_target(before.target, after.target):
                    found.append(StructureChange(
                        "link", new.section_at(after.page, after.box[1]), before.page,
                        after.page, _key(after), moved.describe(old, before.target),
                        moved.describe(new, after.target)))
            continue
        found.extend(StructureChange("link", old.section_at(link.page, link.box[1]), link.page,
                                     None, _key(link), moved.describe(old, link.target),
                                     "(no link)")
                     for link in old.links[a1:a2] if not _explained(link.text, text, "old"))
        found.extend(StructureChange("link", new.section_at(link.page, link.box[1]), None,
                                     link.page, _key(link), "(no link)",
                                     moved.describe(new, link.target))
                     for link in new.links[b1:b2] if not _explained(link.text, text, "new"))
    return found


def _bookmarks(old: Document, new: Document, moved: _WordMap, text: Sequence[TextChange]
               ) -> list[StructureChange]:
    found = []
    matcher = SequenceMatcher(None, [(level, title) for level, title, _ in old.bookmarks],
                              [(level, title) for level, title, _ in new.bookmarks],
                              autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for (_, title, before), (_, _, after) in zip(old.bookmarks[a1:a2],
                                                         new.bookmarks[b1:b2], strict=True):
                if not moved.same_target(before, after):
                    found.append(StructureChange(
                        "bookmark", title, before.page, after.page, title,
                        moved.describe(old, before), moved.describe(new, after)))
            continue
        olds, news = old.bookmarks[a1:a2], new.bookmarks[b1:b2]
        if len(olds) == len(news):  # renamed in place
            found.extend(StructureChange("bookmark", after, b.page, a.page, after,
                                         f"title “{before}”", f"title “{after}”")
                         for (_, before, b), (_, after, a) in zip(olds, news, strict=True)
                         if not (_explained(before, text, "old")
                                 and _explained(after, text, "new")))
            continue
        found.extend(StructureChange("bookmark", title, target.page, None, title,
                                     moved.describe(old, target), "(no bookmark)")
                     for _, title, target in olds if not _explained(title, text, "old"))
        found.extend(StructureChange("bookmark", title, None, target.page, title,
                                     "(no bookmark)", moved.describe(new, target))
                     for _, title, target in news if not _explained(title, text, "new"))
    return found
