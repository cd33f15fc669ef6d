"""The plain data the diff stages pass to each other and hand to the reports.

Every stage returns frozen dataclasses of built-in types so the terminal, JSON and HTML
reports are three views of one result and cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: A rectangle on a page in PDF points, measured from the page's top-left corner
#: (x0, top, x1, bottom), the way a reader and an image see it.
Box = tuple[float, float, float, float]

Status = Literal["unchanged", "changed", "added", "removed"]


@dataclass(frozen=True)
class TextChange:
    """One run of changed words, found once in the whole document's text."""

    section: str
    old_pages: tuple[int, ...]
    new_pages: tuple[int, ...]
    old: str
    new: str
    before: str
    after: str
    #: The redline inside the change: ("=", kept), ("-", deleted), ("+", inserted) words.
    parts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class VisualChange:
    """A page pair whose text is the same but whose rendering is not."""

    section: str
    old_page: int | None
    new_page: int | None
    boxes: tuple[Box, ...]
    note: str = ""


@dataclass(frozen=True)
class StructureChange:
    """A difference a reader meets but does not see on the page: where a link or bookmark
    leads, a bookmark's title, the document's language (/Lang)."""

    kind: Literal["link", "bookmark", "language"]
    section: str
    old_page: int | None
    new_page: int | None
    #: The link's text or the bookmark's title; empty for the language.
    text: str
    old: str
    new: str


@dataclass(frozen=True)
class MetadataChange:
    key: str
    old: str
    new: str


@dataclass(frozen=True)
class KeyChange:
    """A content key whose value hash differs between the two builds' manifests."""

    key: str
    change: Literal["changed", "added", "removed"]
    #: The edition shows the key in a fallback language: the wording changed elsewhere.
    fallback: bool = False


@dataclass(frozen=True)
class Passage:
    """One content key whose wording changed, once for every output that shows it."""

    key: str
    change: Literal["changed", "added", "removed"]
    #: The locales whose own wording changed (not those showing it in a fallback language).
    locales: tuple[str, ...]
    #: The output files that show the change (paths under the folder).
    outputs: tuple[str, ...]


@dataclass(frozen=True)
class PageImage:
    """An old/new page pair side by side with the changed regions outlined (PNG)."""

    name: str
    old_page: int | None
    new_page: int | None
    png: bytes = field(repr=False)


@dataclass(frozen=True)
class FileDiff:
    """Everything that differs between the two versions of one output file."""

    path: str
    edition: str
    format: str
    locale: str
    status: Status
    text_changes: tuple[TextChange, ...] = ()
    visual_changes: tuple[VisualChange, ...] = ()
    markup_changes: tuple[str, ...] = ()
    structure_changes: tuple[StructureChange, ...] = ()
    metadata_changes: tuple[MetadataChange, ...] = ()
    #: Text that followed its page (a footnote after its call): not a change.
    moved_text: tuple[TextChange, ...] = ()
    #: Passages an editor moved: one change each, not a deletion and an insertion.
    moved_passages: tuple[TextChange, ...] = ()
    moved_pages: tuple[tuple[int, int], ...] = ()
    reflowed_pages: tuple[tuple[int, int], ...] = ()
    added_pages: tuple[int, ...] = ()
    removed_pages: tuple[int, ...] = ()
    bytes_only: bool = False
    content_keys: tuple[KeyChange, ...] = ()
    images: tuple[PageImage, ...] = ()

    @property
    def changes(self) -> int:
        """Differences a reviewer must look at; metadata and byte layout are not counted."""
        return (len(self.text_changes) + len(self.moved_passages) + len(self.visual_changes)
                + len(self.markup_changes) + len(self.structure_changes))

    def differs(self, strict: bool = False) -> bool:
        if self.status in ("added", "removed") or self.changes:
            return True
        return strict and (bool(self.metadata_changes) or self.bytes_only)


@dataclass(frozen=True)
class DiffResult:
    """The comparison of two PDFs, two HTML files or two build folders."""

    old: str
    new: str
    strict: bool
    files: tuple[FileDiff, ...]

    @property
    def differs(self) -> bool:
        return any(f.differs(self.strict) for f in self.files)

    @property
    def passages(self) -> tuple[Passage, ...]:
        """The changed content keys across editions and formats: "changed in en; affects 6
        outputs" rather than the same edit listed once per file."""
        found: dict[str, tuple[KeyChange, set[str], list[str]]] = {}
        for f in self.files:
            for change in f.content_keys:
                _, locales, outputs = found.setdefault(change.key, (change, set(), []))
                if not change.fallback:
                    locales.add(f.locale)
                if f.differs(self.strict):
                    outputs.append(f.path)
        return tuple(Passage(key, change.change, tuple(sorted(locales)), tuple(outputs))
                     for key, (change, locales, outputs) in sorted(found.items()))

    @property
    def content_keys(self) -> dict[str, list[tuple[str, KeyChange]]]:
        """Changed content keys per locale, each with its edition, listed once per edition."""
        seen: set[tuple[str, str]] = set()
        by_locale: dict[str, list[tuple[str, KeyChange]]] = {}
        for f in self.files:
            for change in f.content_keys:
                if (f.edition, change.key) not in seen:
                    seen.add((f.edition, change.key))
                    by_locale.setdefault(f.locale, []).append((f.edition, change))
        return dict(sorted(by_locale.items()))
