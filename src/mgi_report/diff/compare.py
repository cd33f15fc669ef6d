"""The diff pipeline: pair inputs → read words → diff text → pair pages → compare pixels.

This module is the front door and stays light: two files whose manifest hashes or bytes
are the same are decided here, before pdfium, Pillow or the text diff are imported.
Files that differ go to ``documents`` (text, moves, structure, markup) and ``pages``
(every page pair, pixel by pixel).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .inputs import FilePair, pair_inputs
from .model import DiffResult, FileDiff

log = logging.getLogger(__name__)


def compare(old: Path | str, new: Path | str, *, strict: bool = False,
            formats: Sequence[str] | None = None, images: bool = False,
            context: int | None = None) -> DiffResult:
    """Compare two PDFs, two HTML files or two build folders.

    ``images`` makes side-by-side pictures of the changed page pairs (for ``--out`` and
    the HTML review); ``strict`` counts metadata-only differences as differences;
    ``context`` is the number of unchanged words shown around a change.
    """
    pairs = pair_inputs(Path(old), Path(new), formats)
    files = tuple(compare_pair(pair, images=images, context=context) for pair in pairs)
    return DiffResult(str(old), str(new), strict, files)


def compare_pair(pair: FilePair, *, images: bool = False,
                 context: int | None = None) -> FileDiff:
    base = FileDiff(pair.name, pair.edition, pair.format, pair.locale, "unchanged",
                    content_keys=pair.key_changes())
    if pair.old is None or pair.new is None:
        return replace(base, status="added" if pair.old is None else "removed")
    if pair.same_by_manifest():
        log.debug("%s: same hash in both manifests", pair.name)
        return base
    old_data, new_data = pair.old.read(), pair.new.read()
    if old_data == new_data:
        return base
    from .documents import compare_documents  # pdfium, Pillow: only for files that differ

    return compare_documents(base, (str(pair.old.path), old_data),
                             (str(pair.new.path), new_data), images=images, context=context)
