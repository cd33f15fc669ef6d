"""Stage 2: compare the two documents' words once, and pair their pages by those words.

The whole text is diffed as one sequence of words, never page by page: a paragraph that
grows moves the words after it onto later pages, but they still match, so the growth is
one change. Page numbers come back afterwards from the words themselves, and pages are
paired by the words they share, so a page that only moved is paired with its new place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from .extract import Document, Word
from .model import TextChange

#: Changes separated by this many unchanged words or fewer are one change: a rewritten
#: sentence keeps its "the" and "of", and a reviewer reads it as one edit.
MERGE_GAP = 3
#: Unchanged words shown on each side of a change.
CONTEXT = 8
#: What running headers and footers are reported under.
FURNITURE = "(running header and footer)"
DIGITS = re.compile(r"\d+")
#: Text moved by pagination (see ``pagination_moves``) is at least this many words.
MOVE_MIN = 3
#: Footnotes are set at most this share of the body text's size.
FOOTNOTE_SHARE = 0.9

Block = tuple[int, int, int]  # old start, new start, length of a run of equal words
PagePair = tuple[int | None, int | None]


@dataclass(frozen=True)
class Span:
    """A change as word index ranges [start, end) in the old and the new document."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


def match_words(old: Document, new: Document) -> list[Block]:
    """Runs of equal words, in order. Autojunk is off: in prose the frequent words are
    exactly the ones that must still match."""
    matcher = SequenceMatcher(None, [w.text for w in old.words], [w.text for w in new.words],
                              autojunk=False)
    return [(a, b, n) for a, b, n in matcher.get_matching_blocks() if n]


def change_spans(old: Document, new: Document, blocks: list[Block],
                 gap: int = MERGE_GAP) -> list[Span]:
    """The stretches between equal runs, with short equal runs folded into the changes."""
    spans: list[Span] = []
    a_end = b_end = 0
    for a, b, n in [*blocks, (len(old.words), len(new.words), 0)]:
        if a > a_end or b > b_end:
            previous = spans[-1] if spans else None
            if previous and a_end - previous.old_end <= gap and b_end - previous.new_end <= gap:
                spans[-1] = Span(previous.old_start, a, previous.new_start, b)
            else:
                spans.append(Span(a_end, a, b_end, b))
        a_end, b_end = a + n, b + n
    return spans


def pagination_moves(old: Document, new: Document, spans: list[Span]
                     ) -> tuple[list[Span], list[tuple[Span, Span]]]:
    """Split off text deleted on one page and inserted, word for word, on another, where
    it is a footnote following its call as the text reflows: set smaller than the body
    text on both sides (matched by what it is, wherever it lands among the page's
    footnotes), or ending the page on both sides. An editor's move rarely ends exactly at
    a page's last word on both sides, so that stays a change."""
    old_body, new_body = _body_size(old), _body_size(new)

    def footnote(gone: Span, came: Span) -> bool:
        return (_smaller(old.words[gone.old_start:gone.old_end], old_body)
                and _smaller(new.words[came.new_start:came.new_end], new_body))

    return _moves(old, new, spans, lambda gone, came: footnote(gone, came) or (
        _ends_page(old, gone.old_end) and _ends_page(new, came.new_end)))


def _body_size(doc: Document) -> float:
    """The font size most of the document's words are set in (0 without sizes: HTML)."""
    sizes = Counter(round(w.size, 1) for w in doc.words if w.size)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _smaller(words: tuple[Word, ...], body: float) -> bool:
    return bool(body) and all(0 < w.size < FOOTNOTE_SHARE * body for w in words)


def moved_passages(old: Document, new: Document, spans: list[Span]
                   ) -> tuple[list[Span], list[tuple[Span, Span]]]:
    """Split off text deleted in one place and inserted, word for word, in another: a
    passage an editor moved, one change rather than a deletion and an insertion."""
    return _moves(old, new, spans, lambda gone, came: True)


def _moves(old: Document, new: Document, spans: list[Span],
           where: Callable[[Span, Span], bool]) -> tuple[list[Span], list[tuple[Span, Span]]]:
    deleted = [s for s in spans
               if s.new_start == s.new_end and s.old_end - s.old_start >= MOVE_MIN]
    inserted = [s for s in spans
                if s.old_start == s.old_end and s.new_end - s.new_start >= MOVE_MIN]
    moves: list[tuple[Span, Span]] = []
    for gone in deleted:
        words = [w.text for w in old.words[gone.old_start:gone.old_end]]
        for came in inserted:
            if where(gone, came) and [w.text for w in new.words[came.new_start:came.new_end]] \
                    == words:
                moves.append((gone, came))
                inserted.remove(came)
                break
    moved = {span for pair in moves for span in pair}
    return [s for s in spans if s not in moved], moves


def _ends_page(doc: Document, end: int) -> bool:
    return end == len(doc.words) or doc.words[end - 1].page != doc.words[end].page


def moved_passage(old: Document, new: Document, gone: Span, came: Span) -> TextChange:
    """A passage moved by an editor, under the section it was in and the one it went to
    (those of the words before it)."""
    before = old.section_title(old.words[gone.old_start - 1].section if gone.old_start else -1)
    after = new.section_title(new.words[came.new_start - 1].section if came.new_start else -1)
    return replace(moved_text(old, new, gone, came),
                   section=before if before == after else f"{before} → {after}")


def moved_text(old: Document, new: Document, gone: Span, came: Span) -> TextChange:
    words = old.words[gone.old_start:gone.old_end]
    return TextChange(section=old.section_title(words[0].section),
                      old_pages=_pages(old.words, gone.old_start, gone.old_end),
                      new_pages=_pages(new.words, came.new_start, came.new_end),
                      old=_join(words), new=_join(words), before="", after="")


def text_change(old: Document, new: Document, span: Span, context: int = CONTEXT
                ) -> TextChange:
    old_words = old.words[span.old_start:span.old_end]
    new_words = new.words[span.new_start:span.new_end]
    first = new_words[0] if new_words else old_words[0]
    section = (new if new_words else old).section_title(first.section)
    return TextChange(
        section=section,
        old_pages=_pages(old.words, span.old_start, span.old_end),
        new_pages=_pages(new.words, span.new_start, span.new_end),
        old=_join(old_words), new=_join(new_words), parts=_parts(old_words, new_words),
        before=_join(_same_section(new.words[max(0, span.new_start - context):span.new_start],
                                   _anchor(new, span, last=False), keep_end=True)),
        after=_join(_same_section(new.words[span.new_end:span.new_end + context],
                                  _anchor(new, span, last=True), keep_end=False)))


def _parts(old: tuple[Word, ...], new: tuple[Word, ...]) -> tuple[tuple[str, str], ...]:
    """The words a merged change kept, so "and {+written+} input" reads as an insertion."""
    matcher = SequenceMatcher(None, [w.text for w in old], [w.text for w in new],
                              autojunk=False)
    parts: list[tuple[str, str]] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(("=", _join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("-", _join(old[a1:a2])))
        if b2 > b1:
            parts.append(("+", _join(new[b1:b2])))
    return tuple(parts)


def _anchor(new: Document, span: Span, *, last: bool) -> int:
    """The section (in the new document) the context around a change must stay in."""
    if span.new_end > span.new_start:
        return new.words[span.new_end - 1 if last else span.new_start].section
    index = span.new_start if last else span.new_start - 1  # the words around a deletion
    return new.words[index].section if 0 <= index < len(new.words) else -1


def _same_section(words: tuple[Word, ...], section: int, *, keep_end: bool
                  ) -> tuple[Word, ...]:
    """Context stops at a section boundary: the contents page or the previous domain say
    nothing about where a change sits."""
    if keep_end:
        start = len(words)
        while start and words[start - 1].section == section:
            start -= 1
        return words[start:]
    end = 0
    while end < len(words) and words[end].section == section:
        end += 1
    return words[:end]


def _pages(words: tuple[Word, ...], start: int, end: int) -> tuple[int, ...]:
    """Pages of the changed words; for an insertion or deletion, the page of its place."""
    if start == end:
        near = words[start - 1:start + 1] if start else words[:1]
        return tuple(sorted({near[0].page})) if near and near[0].page else ()
    return tuple(sorted({w.page for w in words[start:end] if w.page}))


def _join(words: tuple[Word, ...]) -> str:
    return " ".join(w.text for w in words)


def pair_pages(old: Document, new: Document, blocks: list[Block]) -> list[PagePair]:
    """Pair each old page with the new page holding most of its words (and vice versa);
    pages without shared words are paired in order between their neighbours' pairs, and
    what is left over was added or removed."""
    shared: Counter[tuple[int, int]] = Counter()
    for a, b, n in blocks:
        for k in range(n):
            shared[old.words[a + k].page, new.words[b + k].page] += 1
    best_new = _best(shared)
    best_old = _best(Counter({(n, o): c for (o, n), c in shared.items()}))
    mutual = sorted((o, n) for o, n in best_new.items() if best_old.get(n) == o)
    anchors: list[tuple[int, int]] = []
    for o, n in mutual:  # keep pairs in order on both sides
        if not anchors or n > anchors[-1][1]:
            anchors.append((o, n))
    pairs: list[PagePair] = []
    previous = (0, 0)
    for o, n in [*anchors, (len(old.pages) + 1, len(new.pages) + 1)]:
        old_gap = list(range(previous[0] + 1, o))
        new_gap = list(range(previous[1] + 1, n))
        for index in range(max(len(old_gap), len(new_gap))):
            pairs.append((old_gap[index] if index < len(old_gap) else None,
                          new_gap[index] if index < len(new_gap) else None))
        if o <= len(old.pages):
            pairs.append((o, n))
        previous = (o, n)
    return pairs


def _best(shared: Counter[tuple[int, int]]) -> dict[int, int]:
    """For each page on the left of the key, the page on the right sharing most words."""
    best: dict[int, tuple[int, int]] = {}
    for (page, other), count in sorted(shared.items()):
        if page not in best or count > best[page][1]:
            best[page] = (other, count)
    return {page: other for page, (other, _) in best.items()}


def furniture_changes(old: Document, new: Document, pairs: list[PagePair],
                      body: list[TextChange]) -> list[TextChange]:
    """Wording changes in running headers and footers, each reported once with every page
    it is on. Numbers are ignored (page numbers move with every reflow), and so is a header
    that repeats a changed heading, which the body change already shows, and one that a
    reflow moved to another page (what it lost is still on some page of the new build, and
    what it gained was on some page of the old)."""
    found: dict[tuple[str, str], tuple[set[int], set[int]]] = {}
    old_heads = [f" {' '.join(DIGITS.sub('#', page.furniture).split())} " for page in old.pages]
    new_heads = [f" {' '.join(DIGITS.sub('#', page.furniture).split())} " for page in new.pages]

    def moved(gone: str, came: str) -> bool:
        return (not gone or any(f" {gone} " in head for head in new_heads)) and \
            (not came or any(f" {came} " in head for head in old_heads))

    for o, n in pairs:
        if not (o and n):
            continue
        before = old_heads[o - 1].split()
        after = new_heads[n - 1].split()
        if before == after:
            continue
        matcher = SequenceMatcher(None, before, after, autojunk=False)
        for tag, a1, a2, b1, b2 in matcher.get_opcodes():
            if tag != "equal":
                pages = found.setdefault((" ".join(before[a1:a2]), " ".join(after[b1:b2])),
                                         (set(), set()))
                pages[0].add(o)
                pages[1].add(n)
    return [TextChange(FURNITURE, tuple(sorted(o)), tuple(sorted(n)), gone, came, "", "",
                       tuple((op, text) for op, text in (("-", gone), ("+", came)) if text))
            for (gone, came), (o, n) in found.items()
            if not moved(gone, came)
            and not any(gone in change.old and came in change.new for change in body)]
