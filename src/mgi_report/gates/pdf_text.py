"""Gate: two independent readers (pypdf and poppler's pdftotext) find every sentence of the
edition's own wording in the PDF; in a right-to-left edition, pdftotext's lines put in
reading order by ICU's inverse bidi algorithm.

The sentences come from the content under the project root, merged for the edition as the
build merged them; the manifest's per-key hashes tell when the content changed since.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader

from ..build import content_hashes
from ..inspect import FURNITURE_BAND, pdf_text
from ..interface import text_direction
from ..markup import FOOTNOTE_REF, plain
from ..merge import merge
from ..model import Edition, EditionSpec
from ..render import typesettings
from .context import GateContext
from .model import Finding, Gate, Outcome, Target, each
from .tools import program, run, version

SENTENCE_END = re.compile(r"(?<=[.!?…؟])\s+")
#: Left out of the comparison: whitespace; hyphens, which a reader may drop where a hard
#: hyphen ends a line (poppler joins "Union-" + "funded" as "Unionfunded"); and the
#: invisible direction marks and embeddings poppler puts around right-to-left runs.
IGNORED = re.compile(r"[\s\u00ad\u2010\u2011\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069-]+")


def spec_of(target: Target) -> EditionSpec:
    """``kaz/snapshot.pt_BR`` as an edition spec."""
    country, rest = target.edition.split("/", 1)
    report, locale = rest.split(".", 1)
    return EditionSpec(country, report, locale)


def sentences(edition: Edition) -> Iterator[tuple[str, str]]:
    """(key, sentence) for the edition's title and every text of its report, typeset in the
    text's language as the edition sets it (its quotation marks).

    Footnote calls split a sentence: the PDF prints their number where the call is.
    """
    spec = edition.spec
    typesetting = typesettings(edition)
    prefix = f"{spec.country}.{spec.report}."
    for key, text in edition.texts.items():
        if not (key.startswith(prefix) or key == f"{spec.country}.titles.{spec.report}"):
            continue
        for piece in FOOTNOTE_REF.split(text.value)[::2]:
            for sentence in SENTENCE_END.split(plain(piece, typesetting(text.lang))):
                if sentence.strip():
                    yield key, sentence.strip()


def squashed(text: str) -> str:
    """Reading text without whitespace and hyphens: a PDF line may break a long address
    anywhere, and readers differ on hyphens at line ends."""
    return IGNORED.sub("", text)


def pypdf_text(path: Path) -> str:
    return pdf_text(path.read_bytes()).text


def pdftotext_text(path: Path) -> str:
    """Poppler's text of the page body: running headers and page numbers cropped away."""
    page = PdfReader(BytesIO(path.read_bytes())).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    band = FURNITURE_BAND * height
    done = run([program("pdftotext"), "-enc", "UTF-8", "-r", "72", "-x", "0",
                "-y", str(int(band) + 1), "-W", str(int(width) + 1),
                "-H", str(int(height - 2 * band) - 1), str(path), "-"], timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"pdftotext failed: {' / '.join(done.stderr.splitlines()[-2:])}")
    return done.stdout


#: Poppler's marks around a run it turned for display: right-to-left embedding (the run's
#: characters reversed), left-to-right embedding (kept), pop.
EMBEDDING = re.compile("([\u202a\u202b\u202c])")
RIGHT_TO_LEFT_LETTER = re.compile(
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
LEFT_TO_RIGHT_LETTER = re.compile("[A-Za-z\u00c0-\u024f\u0370-\u052f]")


def visual_line(line: str) -> str:
    """A pdftotext line as drawn, left to right: poppler prints each right-to-left run
    reversed between embedding marks; the runs are turned back and the marks dropped."""
    stack: list[tuple[str, list[str]]] = [("", [])]
    for piece in EMBEDDING.split(line):
        if piece in ("\u202a", "\u202b"):
            stack.append((piece, []))
        elif piece == "\u202c":
            if len(stack) > 1:
                mark, items = stack.pop()
                stack[-1][1].append("".join(reversed(items)) if mark == "\u202b"
                                    else "".join(items))
        else:
            mark = stack[-1][0]
            stack[-1][1].extend(piece if mark == "\u202b" else [piece])
    while len(stack) > 1:
        mark, items = stack.pop()
        stack[-1][1].append("".join(reversed(items)) if mark == "\u202b" else "".join(items))
    return "".join(stack[0][1])


def logical_line(visual: str, right_to_left: bool) -> str:
    """A line as drawn put back in reading order by ICU's inverse bidi algorithm, with the
    line's base direction given; a bracket in a right-to-left run turned back (its glyph
    shows the mirror image)."""
    import icu

    bidi = icu.Bidi()
    bidi.setReorderingMode(icu.UBiDiReorderingMode.INVERSE_LIKE_DIRECT)
    bidi.setPara(icu.UnicodeString(visual), 1 if right_to_left else 0)
    return str(bidi.writeReordered(icu.Bidi.DO_MIRRORING))


def reading_order_text(path: Path, right_to_left: bool = True) -> str:
    """Poppler's text of the page body in reading order: each line as drawn, then ICU's
    inverse bidi algorithm. A line is read in the edition's direction unless it has no
    letter of that direction (an English paragraph in an Arabic page)."""
    own, other = (RIGHT_TO_LEFT_LETTER, LEFT_TO_RIGHT_LETTER) if right_to_left \
        else (LEFT_TO_RIGHT_LETTER, RIGHT_TO_LEFT_LETTER)
    lines = []
    for line in pdftotext_text(path).splitlines():
        visual = visual_line(line)
        line_own = bool(own.search(visual)) or not other.search(visual)
        lines.append(logical_line(visual, right_to_left == line_own))
    return "\n".join(lines)


READERS: dict[str, Callable[[Path], str]] = {
    "pypdf": pypdf_text, "pdftotext": pdftotext_text, "pdftotext+ICU": reading_order_text}
#: A left-to-right edition is read by pypdf and pdftotext, independent of each other and of
#: the renderer. Neither gives a right-to-left page in reading order (pypdf keeps a line's
#: runs as drawn; pdftotext prints them as drawn, each right-to-left run reversed between
#: embedding marks; PDFium keeps the runs of a mixed line as drawn), so a right-to-left
#: edition is read by pdftotext with the runs put in reading order by ICU's inverse bidi
#: algorithm.
LEFT_TO_RIGHT_READERS = ("pypdf", "pdftotext")
RIGHT_TO_LEFT_READERS = ("pdftotext+ICU",)


def readers_for(edition: Edition) -> dict[str, Callable[[Path], str]]:
    """Every reader for a left-to-right edition; the one that reads right-to-left text in
    reading order for a right-to-left one."""
    chosen = LEFT_TO_RIGHT_READERS if text_direction(edition.lang) == "ltr" \
        else RIGHT_TO_LEFT_READERS
    return {name: READERS[name] for name in chosen}


def check(context: GateContext, targets: Sequence[Target]) -> Mapping[Path, Outcome]:
    project = context.project

    def one(target: Target) -> Outcome:
        spec = spec_of(target)
        if spec.country not in project.countries or spec.locale not in project.locales \
                or spec.report not in project.structure.reports:
            return Outcome("error", note=f"{target.edition} is not an edition of {context.root}")
        edition = merge(project, spec)
        findings = _stale(context, target, edition)
        wanted = list(sentences(edition))
        readers = readers_for(edition)
        for reader, extract in readers.items():
            haystack = squashed(extract(target.path))
            findings.extend(Finding(f"missing text ({reader})", key, sentence)
                            for key, sentence in wanted if squashed(sentence) not in haystack)
        return Outcome.of(findings, f"{len(wanted)} sentences, read by {', '.join(readers)}")

    return each(targets, one)


def _stale(context: GateContext, target: Target, edition: Edition) -> list[Finding]:
    """A finding per key whose content changed since the file was built."""
    entry = context.manifest_entry(target.path)
    if entry is None or not isinstance(entry.get("content"), dict):
        return []
    built, now = entry["content"], content_hashes(edition)
    return [Finding("stale build", key, "the content changed since this file was built; "
                                        "rebuild before checking")
            for key in sorted(set(built) | set(now)) if built.get(key) != now.get(key)]


def tool(context: GateContext) -> str:
    import icu
    import pypdf

    poppler = version("pdftotext", "-v") or "pdftotext (unavailable)"
    return f"pypdf {pypdf.__version__} and {poppler}; right to left: {poppler} " \
           f"with ICU {icu.ICU_VERSION} (inverse bidi)"


GATE = Gate("text", "pdf", "pypdf and pdftotext both find every sentence of the edition "
            "(a right-to-left one: pdftotext in reading order by ICU)",
            check, tool)
