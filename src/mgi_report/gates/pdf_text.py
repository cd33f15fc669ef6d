"""Gate: two independent readers (pypdf and poppler's pdftotext) find every sentence of the
edition's own wording in the PDF.

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


#: Brackets as one: a reader ordering a right-to-left line may mirror a bracket (PDFium
#: reads "(MGI)" in an Arabic line as ")MGI)").
MIRRORED = str.maketrans({")": "(", "]": "[", "}": "{", "\u00bb": "\u00ab", "\u203a": "\u2039"})


def squashed(text: str, mirrored: bool = False) -> str:
    """Reading text without whitespace and hyphens: a PDF line may break a long address
    anywhere, and readers differ on hyphens at line ends; ``mirrored``, brackets as one."""
    text = IGNORED.sub("", text)
    return text.translate(MIRRORED) if mirrored else text


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


def pdfium_text(path: Path) -> str:
    """PDFium's text of each page's body (Chromium's reader: what a reader copies there),
    running headers and page numbers cropped away."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path.read_bytes())
    try:
        texts = []
        for page in document:
            width, height = page.get_size()
            band = FURNITURE_BAND * height
            texts.append(page.get_textpage().get_text_bounded(0, band, width, height - band))
        return "\n".join(texts)
    finally:
        document.close()


READERS: dict[str, Callable[[Path], str]] = {"pypdf": pypdf_text, "pdftotext": pdftotext_text,
                                             "pdfium": pdfium_text}
#: Every edition is read by pypdf and pdftotext, which are independent of the renderer's
#: text layer. A right-to-left edition is read by PDFium alone: it orders right-to-left
#: text as it is read (pypdf keeps a right-to-left page's runs in drawing order, pdftotext
#: prints them in drawing order between embedding marks).
LEFT_TO_RIGHT_READERS = ("pypdf", "pdftotext")
RIGHT_TO_LEFT_READERS = ("pdfium",)


def readers_for(edition: Edition) -> dict[str, Callable[[Path], str]]:
    """Every reader for a left-to-right edition; those that order right-to-left text for a
    right-to-left one."""
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
        mirrored = text_direction(edition.lang) == "rtl"
        for reader, extract in readers.items():
            haystack = squashed(extract(target.path), mirrored)
            findings.extend(Finding(f"missing text ({reader})", key, sentence)
                            for key, sentence in wanted
                            if squashed(sentence, mirrored) not in haystack)
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
    import pypdf

    poppler = version("pdftotext", "-v")
    return f"pypdf {pypdf.__version__} and {poppler or 'pdftotext (unavailable)'}"


GATE = Gate("text", "pdf", "pypdf and pdftotext both find every sentence of the edition",
            check, tool)
