"""Stage 5, feedback: hyphenation runs read back from the laid-out pages.

CSS can limit hyphenation by word length (``hyphenate-limit-chars``) but WeasyPrint has
neither ``hyphenate-limit-lines`` nor ``hyphenate-limit-last``. So after an edition is laid
out, its line boxes are read (the hyphen a line ends with is hyphenation's when the
element's own text does not have it); where more than ``MAX_HYPHENATED_LINES`` follow one
another, the word that makes the run too long is kept whole, as is a word the last line of
a page would cut, and the edition is laid out again. The words found are plain data: the
render stage keeps them whole like the country's name.

Like LaTeX's ``.aux`` file, the words an edition ended with are remembered (in the user's
cache, by the hash of everything the edition is made from), so that the next build of the
same inputs lays it out once, with them, and makes the same bytes as a build that searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .model import Edition
from .usercache import read_record, user_cache, write_record

#: Layouts of one edition at most: the first, and new ones while ladders remain.
LAYOUT_PASSES = 5
#: At most this many hyphenated lines in a row (a ladder beyond it catches the eye).
MAX_HYPHENATED_LINES = 2
WORD_START = re.compile(r"^\w[\w-]*")
FRAGMENT = re.compile(r"\w[\w-]*$")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class HyphenatedLine:
    """A line that ends inside a word: the page, the line's text, the whole word, and
    whether the word goes on on the next page."""

    page: int
    text: str
    word: str
    across_pages: bool = False


def hyphen_of(line: Any) -> tuple[Any, str] | None:
    """The last text box of a WeasyPrint line box and the hyphen it ends with, when
    hyphenation put it there (the element's own text does not have it)."""
    from weasyprint.formatting_structure import boxes

    texts = [b for b in line.descendants() if isinstance(b, boxes.TextBox) and b.text]
    if not texts:
        return None
    last = texts[-1]
    hyphen = last.style["hyphenate_character"]
    if hyphen and last.text.endswith(hyphen) and not _written(last.text, last.element):
        return last, hyphen
    return None


def _written(text: str, element: Any) -> bool:
    """Whether ``text`` stands as it is in the element's own text (so its last hyphen is
    the author's, not hyphenation's)."""
    return element is not None and \
        collapse_spaces(text) in collapse_spaces("".join(element.itertext()))


def collapse_spaces(text: str) -> str:
    """Text with each run of whitespace one space, as a line of it reads."""
    return SPACES.sub(" ", text).strip()


def _body_lines(pages: Sequence[Any]) -> Iterator[tuple[int, Any]]:
    """The line boxes of the body of each page (1-based), in order: the running heads and
    page numbers (margin boxes) and the footnote area are left out, so a paragraph's lines
    follow one another across a page break; the lines inside an inline block (a source's
    year) are part of the line that holds it."""
    from weasyprint.formatting_structure import boxes

    def lines_in(box: Any) -> Iterator[Any]:
        if isinstance(box, boxes.LineBox):
            yield box
        elif not isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
            for child in getattr(box, "children", ()):
                yield from lines_in(child)

    for number, page in enumerate(pages, start=1):
        for line in lines_in(page._page_box):
            yield number, line


def _line_text(line: Any) -> str:
    from weasyprint.formatting_structure import boxes

    return "".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox))


def hyphenated_runs(pages: Sequence[Any]) -> list[list[HyphenatedLine]]:
    """Runs of consecutive lines that end in a hyphenation break, in WeasyPrint's laid-out
    ``pages`` (``Document.pages``)."""
    runs: list[list[HyphenatedLine]] = []
    current: list[HyphenatedLine] = []
    lines = list(_body_lines(pages))
    for position, (page, line) in enumerate(lines):
        ending = hyphen_of(line)
        if ending is None:
            if current:
                runs.append(current)
            current = []
            continue
        text = _line_text(line)
        next_page, next_line = lines[position + 1] if position + 1 < len(lines) else (page, None)
        following = _line_text(next_line) if next_line is not None else ""
        before = FRAGMENT.search(text.rstrip()[:-len(ending[1])])
        after = WORD_START.match(following.lstrip())
        word = (before.group() if before else "") + (after.group() if after else "")
        current.append(HyphenatedLine(page, text, word, next_page != page))
    if current:
        runs.append(current)
    return runs


def words_to_keep_whole(pages: Sequence[Any]) -> set[str]:
    """The words that make a run longer than ``MAX_HYPHENATED_LINES`` (in a run, every
    line after the first ``MAX_HYPHENATED_LINES`` of each group of them, so that keeping
    them whole breaks the ladder), and a word that a page break would cut in two (the
    reader would turn the page inside it)."""
    words = set()
    for run in hyphenated_runs(pages):
        for index, line in enumerate(run):
            ladder = index % (MAX_HYPHENATED_LINES + 1) == MAX_HYPHENATED_LINES
            if (ladder or line.across_pages) and line.word:
                words.add(line.word)
    return words


def keep_whole(edition: Edition, words: Set[str]) -> Edition:
    """The edition with ``words`` added to every language's never-hyphenated words."""
    extra = tuple(sorted(words))
    langs = {edition.lang, *edition.never_hyphenate, *(t.lang for t in edition.texts.values())}
    return replace(edition, never_hyphenate={
        lang: (*edition.never_hyphenate.get(lang, ()), *extra) for lang in sorted(langs)})


def remembered_words(identity: str) -> frozenset[str] | None:
    """The words kept whole in the last layout of the edition whose inputs hash to
    ``identity``, when a build on this machine laid it out before."""
    record = read_record(_decisions_file(identity))
    words = record.get("kept_whole") if isinstance(record, dict) else None
    if isinstance(words, list) and all(isinstance(word, str) for word in words):
        return frozenset(words)
    return None


def remember_words(identity: str, words: frozenset[str]) -> None:
    write_record(_decisions_file(identity), {"kept_whole": sorted(words)})


def _decisions_file(identity: str) -> Path:
    return user_cache("layout", "weasyprint", "pyphen", "fonttools") / f"{identity}.json"
