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
    if not isinstance(data, dict):
        return {"outputs": []}
    if not isinstance(data.get("outputs"), list) or \
            data.get("outputs_sha256") != _digest(data["outputs"]):
        data["outputs"] = []  # changed since a build wrote it: its editions are made again
    return data


def _digest(outputs: list[Any]) -> str:
    """What the manifest records of its outputs list: a build trusts no entry of a list
    changed since (what it says of a file, its pages or fallback messages, is then made
    again, not copied on)."""
    return sha256(json.dumps(outputs, ensure_ascii=False, sort_keys=True).encode("utf-8"))


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


@dataclass(frozen=True)
class Portfolio:
    """What a whole build is of, before it is split into shards: every shard of it records
    this, so that ``manifest merge`` refuses shards of different builds."""

    editions: tuple[str, ...]
    formats: tuple[str, ...]
    variant: str
    mark_fallback: bool

    def describe(self) -> str:
        marked = ", fallback marked" if self.mark_fallback else ""
        return (f"{len(self.editions)} editions, {'+'.join(self.formats)}, "
                f"{self.variant}{marked}")


def update_manifest(out: Path, records: Iterable[OutputRecord], generator: str,
                    shard: tuple[int, int] | None = None,
                    site: Mapping[str, Mapping[str, str]] | None = None,
                    portfolio: Portfolio | None = None) -> Path:
    """Replace the entries of the files just built; keep those of other files still present.
    ``shard`` (i, n) records that the folder is the i-th of n shares of ``portfolio``, so
    that ``manifest merge`` can tell a whole set of shards from an incomplete one or a mix;
    ``site``, the site's pages as they are now (by default as they were)."""
    previous = read_manifest(out)
    pages = previous.get("site", {}) if site is None else \
        {path: dict(entry) for path, entry in sorted(site.items())}
    document: dict[str, Any] = {"generator": generator,
                                "outputs": _outputs(previous, out, records),
                                "site": pages}
    if shard is not None:
        document["shard"] = {"index": shard[0], "count": shard[1]}
        if portfolio is not None:
            document["shard"]["of"] = asdict(portfolio)
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


@dataclass(frozen=True)
class Share:
    """What a build folder's manifest says of the share it holds."""

    index: int
    count: int
    of: Portfolio | None


def _shard_of(manifest: Mapping[str, Any]) -> Share | None:
    shard = manifest.get("shard")
    if not (isinstance(shard, dict) and all(isinstance(shard.get(k), int) and
                                            not isinstance(shard.get(k), bool)
                                            for k in ("index", "count"))):
        return None
    return Share(shard["index"], shard["count"], _portfolio(shard.get("of")))


def _portfolio(entry: Any) -> Portfolio | None:
    try:
        portfolio = Portfolio(**entry)
    except TypeError:
        return None
    lists = (portfolio.editions, portfolio.formats)
    if not (all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in lists)
            and isinstance(portfolio.variant, str)
            and isinstance(portfolio.mark_fallback, bool)):
        return None
    return Portfolio(tuple(portfolio.editions), tuple(portfolio.formats), portfolio.variant,
                     portfolio.mark_fallback)


def _incomplete(out: Path, shards: list[tuple[Path, Share | None]]) -> list[Problem]:
    """Why ``shards`` are not one whole portfolio: a folder built without ``--shard`` among
    them, shares of different splits or of different builds, a share given twice, a share
    missing. Folders none of which was made with ``--shard`` are merged as they are."""
    split = [(path, shard) for path, shard in shards if shard is not None]
    if not split:
        return []
    problems = [Problem(str(path / MANIFEST), 0, "shard", "not a shard (built without "
                        "--shard), merged with shards")
                for path, shard in shards if shard is None]
    problems.extend(Problem(str(path / MANIFEST), 0, "shard.of", "does not record the "
                            "build it is a share of: made by an earlier mgi-report, or "
                            "changed; build it again")
                    for path, shard in split if shard.of is None)
    if problems:
        return problems
    first_path, first = split[0]
    for path, shard in split[1:]:
        if shard.count != first.count:
            problems.append(Problem(str(path / MANIFEST), 0, "shard",
                                    f"shard {shard.index}/{shard.count}, of another split "
                                    f"than {first_path} ({first.index}/{first.count})"))
        elif shard.of != first.of:
            theirs = shard.of.describe() if shard.of else "unknown"
            ours = first.of.describe() if first.of else "unknown"
            problems.append(Problem(str(path / MANIFEST), 0, "shard.of",
                                    f"a shard of another build ({theirs}) than {first_path} "
                                    f"({ours})"))
    if problems:
        return problems
    seen: dict[int, Path] = {}
    for path, shard in split:
        if shard.index in seen:
            problems.append(Problem(str(path / MANIFEST), 0, "shard",
                                    f"shard {shard.index}/{shard.count} again (also "
                                    f"{seen[shard.index]})"))
        seen[shard.index] = path
    missing = [str(index) for index in range(1, first.count + 1) if index not in seen]
    if missing:
        problems.append(Problem(str(out), 0, "shard", f"shard {', '.join(missing)} of "
                                f"{first.count} missing: the merge would not be the whole "
                                "portfolio"))
    return problems


def site_records(out: Path) -> dict[str, dict[str, str]]:
    """The site's pages (index, sitemap) by path: what each was made from and its
    digest."""
    site = read_manifest(out).get("site")
    return {path: entry for path, entry in site.items()
            if isinstance(entry, dict) and all(isinstance(v, str) for v in entry.values())} \
        if isinstance(site, dict) else {}


def _write(out: Path, document: Mapping[str, Any]) -> Path:
    document = {**document, "outputs_sha256": _digest(document["outputs"])}
    text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = out / MANIFEST
    write_atomic(path, text.encode("utf-8"))
    return path


#: What a merge adds to the whole, given the staged folder and the records its manifest
#: will hold: the site's pages, returned for the manifest.
SiteMaker = Callable[["Staging", list["OutputRecord"]], Mapping[str, Mapping[str, str]]]


#: What a merge checks of the shards beyond their manifests' agreement (that their editions
#: are the project's as it is now), given each shard's share and records.
ShardCheck = Callable[[Mapping[Path, tuple["Share | None", Mapping[str, "OutputRecord"]]]],
                      list[Problem]]


def merge_shards(out: Path, shards: Iterable[Path], generator: str,
                 finish: SiteMaker | None = None,
                 check: ShardCheck | None = None) -> list[OutputRecord]:
    """Gather the builds of a portfolio's shards (each a build folder with its manifest)
    into ``out``, as one transaction: every file each manifest lists is read once, checked
    against its recorded SHA-256 and staged, and one manifest lists them all. Two shards
    that made the same file differently, a file missing or changed, a manifest of another
    version of mgi-report, shares that are not one whole portfolio, or what ``check`` finds
    leave ``out`` as it was (and are found before it is locked). ``finish`` adds what the
    whole needs (the site's index) to the staged folder before it is swapped in; the
    manifest is written once, with its pages."""
    from .errors import InputError
    from .publish import transaction

    found: dict[str, tuple[OutputRecord, Path]] = {}
    shards = list(shards)
    problems = [Problem(str(shard / MANIFEST), 0, "", "no manifest: not a build folder")
                for shard in shards if not (shard / MANIFEST).is_file()]
    manifests = {shard: read_manifest(shard) for shard in shards}
    shares = {shard: _shard_of(manifest) for shard, manifest in manifests.items()}
    listed_records = {shard: _records(manifest["outputs"])
                      for shard, manifest in manifests.items()}
    if not problems:
        problems = [Problem(str(shard / MANIFEST), 0, "generator",
                            f"made by {manifest.get('generator')!r}, not {generator!r}")
                    for shard, manifest in manifests.items()
                    if manifest.get("generator") != generator]
    if not problems:
        problems = _incomplete(out, [(shard, shares[shard]) for shard in shards])
    if not problems and check is not None:
        problems = check({shard: (shares[shard], listed_records[shard]) for shard in shards})
    if problems:
        raise InputError(problems)
    with transaction(out) as staging:
        for shard in shards:
            listed = shard / MANIFEST
            manifest = manifests[shard]
            records = listed_records[shard]
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
