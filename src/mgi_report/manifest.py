"""Stage 6: manifest.json, the record of what each edition was built from and what it is."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Problem
from .publish import write_atomic

if TYPE_CHECKING:
    from .publish import Staging

MANIFEST = "manifest.json"
_LISTS = ("fallback_keys", "templates", "fallback_messages", "outdated_keys")


@dataclass(frozen=True)
class OutputRecord:
    """One written file of one edition."""

    edition: str
    country: str
    report: str
    locale: str
    format: str
    path: str
    inputs_sha256: str
    sha256: str
    bytes: int
    pages: int | None
    fallback_keys: tuple[str, ...]
    content: Mapping[str, str]
    #: The templates the edition included (names under templates/).
    templates: tuple[str, ...] = ()
    #: Interface messages (msgids) it shows in a fallback language.
    fallback_messages: tuple[str, ...] = ()
    #: Keys it shows from a translation made before the source last changed.
    outdated_keys: tuple[str, ...] = ()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST
    if not path.is_file():
        return {"outputs": []}
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {"outputs": []}
    return data if isinstance(data.get("outputs"), list) else {"outputs": []}


def previous_records(out: Path) -> dict[str, OutputRecord]:
    """The records of the last build's files, by path; an entry this version would not
    write (another shape, another version's fields) is left out, and its file rebuilt."""
    return _records(read_manifest(out)["outputs"])


def records_after(out: Path, records: Iterable[OutputRecord]) -> list[OutputRecord]:
    """The records the folder's manifest holds once ``records`` are written to it: theirs,
    and those of the other files still there."""
    return list(_records(_outputs(read_manifest(out), out, records)).values())


def _records(outputs: Iterable[Any]) -> dict[str, OutputRecord]:
    found = {}
    names = {f.name for f in fields(OutputRecord)}
    for entry in outputs:
        if not isinstance(entry, dict) or set(entry) != names:
            continue
        try:
            record = OutputRecord(**{**entry, **{name: tuple(entry[name]) for name in _LISTS}})
        except TypeError:
            continue
        if all(isinstance(getattr(record, name), str) for name in
               ("path", "inputs_sha256", "sha256")) and \
                all(isinstance(item, str) for name in _LISTS for item in getattr(record, name)):
            found[record.path] = record
    return found


def update_manifest(out: Path, records: Iterable[OutputRecord], generator: str,
                    shard: tuple[int, int] | None = None,
                    site: Mapping[str, Mapping[str, str]] | None = None) -> Path:
    """Replace the entries of the files just built; keep those of other files still present.
    ``shard`` (i, n) records that the folder is the i-th of n shares of a portfolio, so that
    ``manifest merge`` can tell a whole set of shards from an incomplete one; ``site``, the
    site's pages as they are now (by default as they were)."""
    previous = read_manifest(out)
    pages = previous.get("site", {}) if site is None else \
        {path: dict(entry) for path, entry in sorted(site.items())}
    document: dict[str, Any] = {"generator": generator,
                                "outputs": _outputs(previous, out, records),
                                "site": pages}
    if shard is not None:
        document["shard"] = {"index": shard[0], "count": shard[1]}
    return _write(out, document)


def _outputs(manifest: Mapping[str, Any], out: Path,
             records: Iterable[OutputRecord]) -> list[Any]:
    """The entries of ``manifest`` (the folder's, as read) once ``records`` replace theirs,
    those of files no longer in ``out`` left out."""
    fresh = {r.path: asdict(r) for r in records}
    kept = {
        entry["path"]: entry for entry in manifest["outputs"]
        if isinstance(entry, dict) and isinstance(entry.get("path"), str)
        and entry["path"] not in fresh and (out / entry["path"]).is_file()
    }
    return [value for _, value in sorted({**kept, **fresh}.items())]


def _shard_of(manifest: Mapping[str, Any]) -> tuple[int, int] | None:
    shard = manifest.get("shard")
    if isinstance(shard, dict) and all(isinstance(shard.get(k), int) and
                                       not isinstance(shard.get(k), bool)
                                       for k in ("index", "count")):
        return shard["index"], shard["count"]
    return None


def _incomplete(shards: list[tuple[Path, tuple[int, int] | None]]) -> list[Problem]:
    """Why ``shards`` are not one whole portfolio: shares of different splits, a share given
    twice, a share missing. Folders none of which was made with ``--shard`` are merged as
    they are."""
    split = [(path, shard) for path, shard in shards if shard is not None]
    if not split:
        return []
    problems = [Problem(str(path / MANIFEST), 0, "shard", "not a shard (built without "
                        "--shard), merged with shards")
                for path, shard in shards if shard is None]
    if len({count for _, (_, count) in split}) > 1:
        return [*problems, *(Problem(str(path / MANIFEST), 0, "shard",
                                     f"shard {index}/{count}: the shards come from "
                                     "different splits")
                             for path, (index, count) in split)]
    count = split[0][1][1]
    seen: dict[int, Path] = {}
    for path, (index, _) in split:
        if index in seen:
            problems.append(Problem(str(path / MANIFEST), 0, "shard",
                                    f"shard {index}/{count} again (also {seen[index]})"))
        seen[index] = path
    problems.extend(Problem("", 0, "shard", f"shard {index}/{count} is missing: the merge "
                            "would not be the whole portfolio")
                    for index in range(1, count + 1) if index not in seen)
    return problems


def site_records(out: Path) -> dict[str, dict[str, str]]:
    """The site's pages (index, sitemap) by path: what each was made from and its
    digest."""
    site = read_manifest(out).get("site")
    return {path: entry for path, entry in site.items()
            if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())} \
        if isinstance(site, dict) else {}


def _write(out: Path, document: Mapping[str, Any]) -> Path:
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = out / MANIFEST
    write_atomic(path, text.encode("utf-8"))
    return path


#: What a merge adds to the whole, given the staged folder and the records its manifest
#: will hold: the site's pages, returned for the manifest.
SiteMaker = Callable[["Staging", list["OutputRecord"]], Mapping[str, Mapping[str, str]]]


def merge_shards(out: Path, shards: Iterable[Path], generator: str,
                 finish: SiteMaker | None = None) -> list[OutputRecord]:
    """Gather the builds of a portfolio's shards (each a build folder with its manifest)
    into ``out``, as one transaction: every file each manifest lists is read once, checked
    against its recorded SHA-256 and staged, and one manifest lists them all. Two shards
    that made the same file differently, a file missing or changed, or a manifest of another
    version of mgi-report leave ``out`` as it was. ``finish`` adds what the whole needs
    (the site's index) to the staged folder before it is swapped in; the manifest is
    written once, with its pages."""
    from .errors import InputError
    from .publish import transaction

    found: dict[str, tuple[OutputRecord, Path]] = {}
    problems = []
    shards = list(shards)
    problems.extend(_incomplete([(shard, _shard_of(read_manifest(shard))) for shard in shards]))
    with transaction(out) as staging:
        for shard in shards:
            listed = shard / MANIFEST
            if not listed.is_file():
                problems.append(Problem(str(listed), 0, "", "no manifest: not a build folder"))
                continue
            manifest = read_manifest(shard)
            if manifest.get("generator") != generator:
                problems.append(Problem(str(listed), 0, "generator", f"made by "
                                        f"{manifest.get('generator')!r}, not {generator!r}"))
                continue
            records = previous_records(shard)
            if len(records) != len(manifest["outputs"]):
                problems.append(Problem(str(listed), 0, "outputs", "an entry is not readable"))
            for path, record in records.items():
                source = shard / path
                data = source.read_bytes() if source.is_file() else None
                if data is None or sha256(data) != record.sha256:
                    problems.append(Problem(str(source), 0, "", "missing, or not the file the "
                                                               "manifest lists"))
                elif path in found and found[path][0].sha256 != record.sha256:
                    problems.append(Problem(str(source), 0, "", f"also made by "
                                                               f"{found[path][1]}, with other "
                                                               "bytes"))
                elif path not in found:
                    found[path] = (record, shard)
                    staging.write(path, data)
        if problems:
            raise InputError(problems)
        merged = [record for record, _ in found.values()]
        pages = finish(staging, records_after(staging.path, merged)) if finish else None
        update_manifest(staging.path, merged, generator, site=pages)
    return [record for _, (record, _) in sorted(found.items())]
