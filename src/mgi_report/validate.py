"""Stage 2: check the raw files against the schemas and each other, then build the model.

Every problem of a run is collected before anything is raised, so an editor fixes them all
in one pass.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from babel import Locale, UnknownLocaleError

from .errors import ContentError, Problem
from .load import RawProject
from .markup import bidi_problem, link_problems, reference_problem
from .model import (
    Bundle,
    Convention,
    Country,
    Entry,
    Project,
    ReportType,
    SourceEntry,
    SourceGroup,
    Structure,
    TitlePart,
    bcp47,
)
from .usercache import code_digest, has_record, user_cache, write_record
from .yamlfile import KeyPath, YamlDocument, dotted

if TYPE_CHECKING:
    import jsonschema

FOOTNOTE_REF = re.compile(r"\[\^([a-z0-9-]+)\]")
SPECIAL_BUNDLE_FILES = {"domains", "conventions"}
LOCALE_SETTINGS = "locale"
#: The record of the source wording each translation was made from (not wording to show).
TRANSLATED_FROM = "translated_from"
COUNTRY_WORDING = {"country", "titles", "partner", "author", "subject"}


def validate(raw: RawProject) -> Project:
    """Return the validated project, or raise ContentError listing every problem."""
    problems = list(raw.problems)
    structure = _structure(raw.structure, problems) if raw.structure else None
    if structure is None:
        problems.extend(_shape_problems(raw))
        raise ContentError(problems)
    named_countries = {path.stem for path in raw.files if path.parent == raw.paths.countries}
    countries = {
        stem: country
        for stem, doc in raw.countries.items()
        if (country := _country(stem, doc, structure, problems)) is not None
    }
    bundles = {
        locale: _bundle(locale, files, structure, named_countries, problems)
        for locale, files in raw.bundles.items()
    }
    _check_completeness(raw, structure, countries, problems)
    warnings: dict[str, list[Problem]] = {}
    withheld = _check_bundles(raw, structure, bundles, problems, warnings)
    if problems:
        raise ContentError(problems)
    bundles = {locale: replace(bundle, withheld=withheld.get(locale, frozenset()))
               for locale, bundle in bundles.items()}
    return Project(raw.paths.root, structure, countries, bundles, tuple(raw.files),
                   {locale: tuple(sorted(found)) for locale, found in warnings.items() if found})


@cache
def _schema(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"schemas/{name}.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def text_problem(text: str) -> str | None:
    """Why ``text`` is not accepted as one wording string (or paragraph) of a bundle, by the
    bundle schema's "text" rule; None when it is. For wording that does not come from YAML
    (a PO import), checked before it is written."""
    import jsonschema

    rule = _schema("bundle")["$defs"]["text"]
    for error in jsonschema.Draft202012Validator(rule).iter_errors(text):
        if error.validator == "pattern":
            bad = next(c for c in text if not re.fullmatch(rule["pattern"], c))
            return f"character U+{ord(bad):04X} is not allowed in wording"
        if error.validator == "minLength":
            return "an empty paragraph"
        if error.validator == "maxLength":
            return f"longer than {rule['maxLength']} characters"
        return str(error.message)
    return None


@cache
def _relaxed(name: str) -> dict[str, Any]:
    """The schema without 'required': translations may leave any key to the fallback."""
    schema = copy.deepcopy(_schema(name))

    def strip(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("required", None)
            for value in node.values():
                strip(value)
        elif isinstance(node, list):
            for value in node:
                strip(value)

    strip(schema)
    return schema


def _schema_problems(doc: YamlDocument, schema: Mapping[str, Any]) -> list[Problem]:
    """What is wrong with ``doc`` by ``schema``. A document that passed the same schema
    before, with the same data, is known to pass (kept in the user cache): a build with
    nothing changed does not load jsonschema."""
    digest = hashlib.sha256(f"mgi-report {code_digest()}\0".encode())
    digest.update(json.dumps(schema, sort_keys=True).encode() + b"\0")
    digest.update(repr(doc.data).encode())
    passed = user_cache("validated", "jsonschema") / f"{digest.hexdigest()}.passed"
    if has_record(passed):
        return []
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    problems: list[Problem] = []
    for error in validator.iter_errors(doc.data):
        path: KeyPath = tuple(error.absolute_path)
        problems.extend(_explain(doc, path, error))
    if not problems:
        write_record(passed, True)
    return problems


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'title'?)`` when a known name is close to a misspelt ``name``."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown(what: str, name: str, known: list[str]) -> str:
    """``unknown domain 'crisis' (did you mean 'crises'?) (structure.yaml has: …)``: the
    structure names them, and may be the file that is misspelt."""
    return (f"unknown {what} {name!r}{did_you_mean(name, known)} (structure.yaml has: "
            f"{', '.join(known)})")


def _explain(doc: YamlDocument, path: KeyPath,
             error: jsonschema.ValidationError) -> Iterator[Problem]:
    kind, instance = error.validator, error.instance
    schema: Any = error.schema
    expected: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = set(schema.get("properties", {}))
        patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
        for key in instance:
            if key not in allowed and not any(p.search(key) for p in patterns):
                known = ", ".join(sorted(allowed))
                hint = f" (expected one of: {known})" if known else ""
                yield doc.problem((*path, key),
                                  f"unknown key {key!r}{did_you_mean(str(key), allowed)}{hint}")
    elif kind == "required" and isinstance(instance, dict):
        for key in expected:
            if key not in instance:
                yield doc.problem(path, f"missing key {key!r}")
    elif kind == "type" and isinstance(instance, list) and \
            schema == _schema("bundle")["$defs"]["paragraphs"]:
        yield doc.problem(path, "expected paragraphs each under an id (p1: …, p2: …), got a "
                                "list; 'mgi-report i18n segment' gives every list of a "
                                "project its ids")
    elif kind == "type" and isinstance(instance, list) and \
            doc.file.endswith(f"/{TRANSLATED_FROM}.yaml"):
        yield doc.problem(path, "expected the source text a translation was made from, got a "
                                "list (a record written before paragraph ids); 'mgi-report "
                                "i18n segment' gives every paragraph its own")
    elif kind == "type":
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        yield doc.problem(path, f"expected {_article(expected)}, got {_typename(instance)}")
    elif kind == "format":
        yield doc.problem(path, f"{instance!r} is not a valid {expected} "
                                "(write it as YYYY-MM-DD)")
    elif kind == "pattern" and isinstance(instance, str):
        yield doc.problem(path, f"{_short(instance)} is not allowed here "
                                f"(control characters, spaces or characters outside "
                                f"the pattern {expected})")
    elif kind == "propertyNames":
        yield doc.problem(path, f"{_short(instance)} is not a valid id "
                                "(lower-case letters, digits and '-')")
    elif kind in {"oneOf", "anyOf"} and (fitting := _fitting_branch(error)) is not None:
        for sub in fitting:
            yield from _explain(doc, tuple(sub.absolute_path), sub)
    elif kind == "minItems" and isinstance(instance, list):
        yield doc.problem(path, "empty list" if expected == 1
                          else f"a list of at least {expected} items")
    elif kind in {"maxLength", "minLength"}:
        limit = expected
        yield doc.problem(path, "empty text" if limit == 1 and kind == "minLength"
                          else f"text longer than {limit} characters")
    else:
        yield doc.problem(path, error.message)


def _fitting_branch(error: jsonschema.ValidationError) -> list[jsonschema.ValidationError] | None:
    """Of a value that fits none of several shapes (a title as text, or as a list of
    parts), the errors of the one shape whose type it has: what is wrong with it there."""
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [subs for subs in branches.values()
               if not any(sub.validator == "type" and not sub.relative_path for sub in subs)]
    return fitting[0] if len(fitting) == 1 else None


def _article(name: str) -> str:
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _typename(value: Any) -> str:
    names = {dict: "a mapping", list: "a list", str: "text", bool: "true/false",
             int: "a number", float: "a number", type(None): "nothing"}
    return names.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…'"


def _structure(doc: YamlDocument, problems: list[Problem]) -> Structure | None:
    found = _schema_problems(doc, _schema("structure"))
    problems.extend(found)
    if found:
        return None
    data = doc.data
    seen: set[str] = set()
    for i, item in enumerate(data["conventions"]):
        if item["id"] in seen:
            problems.append(doc.problem(("conventions", i, "id"),
                                        f"convention {item['id']!r} listed twice"))
        seen.add(item["id"])
    try:
        Locale.parse(data["source_locale"])
    except (ValueError, UnknownLocaleError):
        problems.append(doc.problem(("source_locale",), "not a locale Babel knows"))
    return Structure(
        source_locale=data["source_locale"],
        domains=tuple(data["domains"]),
        reports={rid: ReportType(rid, tuple(r["sections"])) for rid, r in data["reports"].items()},
        conventions=tuple(Convention(c["id"], c["year"]) for c in data["conventions"]),
        site_url=data.get("site_url"),
    )


def _shape_problems(raw: RawProject) -> Iterator[Problem]:
    """Without a valid structure nothing can be cross-checked, but every file's own shape
    can: the problems a run reports do not depend on which file broke first."""
    declared = raw.structure.data.get("source_locale") if raw.structure and isinstance(
        raw.structure.data, dict) else None
    for doc in raw.countries.values():
        yield from _schema_problems(doc, _schema("country"))
    for locale, files in raw.bundles.items():
        for stem, doc in files.items():
            yield from _schema_problems(doc, _bundle_schema(stem, locale == declared))


def _items(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The mappings in the list ``data[key]``, with their index; what has another shape is
    left to the schema's report."""
    value = data.get(key) if isinstance(data, dict) else None
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, dict))


def _country(stem: str, doc: YamlDocument, structure: Structure,
             problems: list[Problem]) -> Country | None:
    """The country, or None when its file has problems; the checks that need only
    well-formed parts run either way, so all of its problems are told in one run."""
    found = _schema_problems(doc, _schema("country"))
    shape_told = {problem.key for problem in found}
    data = doc.data if isinstance(doc.data, dict) else {}
    if isinstance(code := data.get("code"), str) and code != stem and "code" not in shape_told:
        found.append(doc.problem(("code",), f"code {code!r} does not match the "
                                            f"file name {stem!r}"))
    for g, group in _items(data, "sources"):
        for e, entry in _items(group, "entries"):
            url = entry.get("url")
            if isinstance(url, str) and (differs := bidi_problem(url)):
                found.append(doc.problem(("sources", g, "entries", e, "url"), differs))
    for path, text in doc.strings():
        found.extend(doc.problem(path, message) for message in link_problems(text))
        found.extend(doc.problem(path, message) for message in _stray_footnotes(text))
    known = {c.id for c in structure.conventions}
    ratifications = data.get("ratifications")
    for conv in ratifications if isinstance(ratifications, dict) else ():
        if conv not in known:
            found.append(doc.problem(("ratifications", conv),
                                     f"unknown convention {conv!r}"
                                     f"{did_you_mean(str(conv), known)} "
                                     "(see structure.yaml)"))
    for path, locale in _languages(data):
        if dotted(path) in shape_told:
            continue
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError, TypeError):
            found.append(doc.problem(path, f"{locale!r} is not a locale Babel knows"))
    problems.extend(found)
    if found:
        return None
    cited_in = data.get("language", structure.source_locale)
    sources = tuple(
        SourceGroup(group["publisher"], tuple(_source_entry(e, cited_in)
                                              for e in group["entries"]), bcp47(cited_in))
        for group in data["sources"])
    return Country(stem, date.fromisoformat(data["published"]), dict(data["ratifications"]),
                   sources)


def _source_entry(data: Mapping[str, Any], cited_in: str) -> SourceEntry:
    lang = data.get("language", cited_in)
    title = data["title"]
    parts = (TitlePart(title, bcp47(lang)),) if isinstance(title, str) else tuple(
        TitlePart(part["text"], bcp47(part["language"])) for part in title)
    return SourceEntry(data["year"], parts, data.get("details"), data.get("available", "from"),
                       data["url"], bcp47(lang))


def _languages(data: Mapping[str, Any]) -> Iterator[tuple[KeyPath, str]]:
    """Every language a country file names, with its path."""
    if isinstance(data.get("language"), str):
        yield ("language",), data["language"]
    for g, group in _items(data, "sources"):
        for e, entry in _items(group, "entries"):
            here: KeyPath = ("sources", g, "entries", e)
            if isinstance(entry.get("language"), str):
                yield (*here, "language"), entry["language"]
            for t, part in _items(entry, "title"):
                if isinstance(part.get("language"), str):
                    yield (*here, "title", t, "language"), part["language"]


def _bundle(locale: str, files: Mapping[str, YamlDocument], structure: Structure,
            countries: set[str], problems: list[Problem]) -> Bundle:
    entries: dict[str, Entry] = {}
    records: dict[str, dict[str, Any]] = {}  # locale.yaml and translated_from.yaml, if valid
    is_source = locale == structure.source_locale
    for stem, doc in files.items():
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            problems.append(doc.problem((), f"folder {locale!r} is not a locale Babel knows"))
            continue
        if stem in (LOCALE_SETTINGS, TRANSLATED_FROM):
            found = _schema_problems(doc, _bundle_schema(stem, is_source))
            problems.extend(found)
            if not found and isinstance(doc.data, dict):
                records[stem] = doc.data
            continue
        kind = stem if stem in SPECIAL_BUNDLE_FILES else "country"
        if kind == "country" and stem not in countries:
            problems.append(doc.problem((), f"no country {stem!r} in content/countries/"))
            continue
        problems.extend(_schema_problems(doc, _bundle_schema(stem, is_source)))
        if not isinstance(doc.data, dict):
            continue
        problems.extend(_references(kind, doc, structure, is_source))
        for path, value in _leaves(doc.data, (stem,)):
            key = dotted(path)
            entries[key] = Entry(key, value, doc.file, doc.line_of(path[1:]))
            problems.extend(Problem(doc.file, doc.line_of(path[1:]), key, message)
                            for message in link_problems(value))
    settings = records.get(LOCALE_SETTINGS, {})
    return Bundle(locale, entries, tuple(settings.get("fallback", ())),
                  dict(records.get(TRANSLATED_FROM, {})),
                  tuple(settings.get("never_hyphenate", ())))


def _bundle_schema(stem: str, is_source: bool) -> dict[str, Any]:
    """The schema of a bundle file: the source must have every key, a translation any."""
    kind = stem if stem in SPECIAL_BUNDLE_FILES | {LOCALE_SETTINGS, TRANSLATED_FROM} \
        else "country"
    if kind in {LOCALE_SETTINGS, TRANSLATED_FROM}:
        return _schema(kind)
    defs = (_schema if is_source else _relaxed)("bundle")["$defs"]
    return {"$ref": f"#/$defs/{kind}", "$defs": defs}


def _check_bundles(raw: RawProject, structure: Structure, bundles: Mapping[str, Bundle],
                   problems: list[Problem],
                   warnings: dict[str, list[Problem]]) -> dict[str, frozenset[str]]:
    """Translations must keep the source's footnotes and links, and fall back to known
    locales. Editing or removing wording in one language must not stop the others: a
    translation of a key the source no longer has, a record of a translation that is gone
    (stale), and an outdated translation that keeps the footnote calls and links of the
    source it was made from when the source's have changed since (withheld: its key's
    wording is shown in the source language) are ``warnings``, by locale. Returns the keys
    withheld, per locale.

    A file with problems of its own may not have given all of its keys: what its keys
    would be compared with is not reported missing (the file's own problems are told)."""
    source = bundles.get(structure.source_locale)
    withheld: dict[str, frozenset[str]] = {}
    if source is None:
        return withheld
    troubled = {problem.file for problem in problems}

    def wording(locale: str, key: str) -> str:
        return raw.paths.display(raw.paths.content / locale / f"{key.split('.', 1)[0]}.yaml")

    prune = "'mgi-report i18n prune --locale {}' removes it"
    for locale, bundle in bundles.items():
        if locale == structure.source_locale:
            continue
        kept_back = set()
        told = warnings.setdefault(locale, [])
        untranslated = [key for key in source.entries if key not in bundle.entries]
        for key, entry in bundle.entries.items():
            if key not in source.entries:
                if wording(structure.source_locale, key) not in troubled:
                    told.append(Problem(
                        entry.file, entry.line, key,
                        f"stale translation: the source locale {structure.source_locale!r} "
                        f"has no such key{did_you_mean(key, untranslated)}; "
                        + prune.format(locale)))
            elif differs := reference_problem(source.entries[key].value, entry.value):
                made_from = bundle.translated_from.get(key)
                if made_from is None or made_from == source.entries[key].value or \
                        reference_problem(made_from, entry.value):
                    problems.append(Problem(entry.file, entry.line, key, differs))
                else:  # the source's calls or links changed since: not the translation's fault
                    kept_back.add(key)
                    told.append(Problem(
                        entry.file, entry.line, key,
                        f"outdated translation withheld (shown in {structure.source_locale!r} "
                        f"until translated again): the source's footnote calls or links "
                        f"changed since; {differs}"))
        withheld[locale] = frozenset(kept_back)
        documents = raw.bundles.get(locale, {})
        if (settings := documents.get(LOCALE_SETTINGS)) is not None:
            for index, other in enumerate(bundle.fallback):
                if other == locale or other not in bundles:
                    problems.append(settings.problem(
                        ("fallback", index), f"no content for fallback locale {other!r}"))
        if (record := documents.get(TRANSLATED_FROM)) is not None:
            for key in bundle.translated_from:
                if key not in bundle.entries and wording(locale, key) not in troubled:
                    told.append(record.problem(
                        (key,), "stale record: this locale has no translation of the key; "
                                + prune.format(locale)))
    return withheld


def _references(kind: str, doc: YamlDocument, structure: Structure,
                is_source: bool) -> Iterator[Problem]:
    """Ids a bundle uses must exist in the structure; the source bundle must cover them all."""
    data = doc.data
    for path, text in doc.strings():
        if kind != "country" or path[0] in COUNTRY_WORDING:
            yield from (doc.problem(path, message) for message in _stray_footnotes(text))
    if kind == "domains":
        yield from _ids(doc, (), data, structure.domains, "domain", is_source)
    elif kind == "conventions":
        yield from _ids(doc, (), data, [c.id for c in structure.conventions], "convention",
                        is_source)
    else:
        reports = list(structure.reports)
        yield from _ids(doc, ("titles",), data.get("titles", {}), reports, "report", is_source)
        present = [k for k in data if k not in COUNTRY_WORDING]
        for rid in present:
            if rid not in structure.reports:
                if is_source:  # a translation's is stale (told with its keys)
                    yield doc.problem((rid,), unknown("report type", str(rid), reports))
                continue
            report = data[rid]
            if not isinstance(report, dict):
                continue
            if "findings" in report:  # else the schema tells it missing, once
                yield from _ids(doc, (rid, "findings"), report["findings"],
                                structure.domains, "domain", is_source)
            notes = report.get("footnotes", {})
            if not isinstance(notes, dict):
                continue  # which calls it defines is not known
            defined = set(notes)
            for path, text in _leaves(report, (rid,)):
                for ref in FOOTNOTE_REF.findall(text):
                    if ref not in defined and is_source:
                        yield doc.problem(path, f"footnote [^{ref}] is not defined under "
                                                f"{rid}.footnotes")
        if is_source:
            for rid in reports:
                if rid not in data:
                    yield doc.problem((), f"missing key {rid!r} (wording for report {rid!r})")


def _stray_footnotes(text: str) -> Iterator[str]:
    """Footnotes belong to a report's wording (``<report>.footnotes``); a call anywhere
    else has no note to show."""
    for ref in FOOTNOTE_REF.findall(text):
        yield f"footnote [^{ref}] outside a report's wording: only text under a report " \
              "(with its footnotes) can call a footnote"


def _ids(doc: YamlDocument, path: KeyPath, mapping: Mapping[str, Any], known: Any,
         what: str, is_source: bool) -> Iterator[Problem]:
    """The source's ids must be the structure's, all of them; a translation's that are not
    are stale (its keys are told as such, and removed by prune)."""
    if not isinstance(mapping, Mapping) or not is_source:
        return
    known = list(known)
    for key in mapping:
        if key not in known:
            yield doc.problem((*path, key), unknown(what, str(key), known))
    for key in known:
        if key not in mapping:
            yield doc.problem(path, f"missing {what} {key!r}")


def _leaves(data: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Translatable units: every string, a block's paragraphs each on its own (what has
    another shape is the schema's to report)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, str):
        yield path, data


def _check_completeness(raw: RawProject, structure: Structure,
                        countries: Mapping[str, Country], problems: list[Problem]) -> None:
    source = structure.source_locale
    source_files = raw.bundles.get(source)
    where = raw.paths.display(raw.paths.content / source)
    if source_files is None:
        problems.append(Problem(where, 0, "", f"the source locale {source!r} has no bundle"))
        return
    folder = raw.paths.content / source
    for name in [*sorted(SPECIAL_BUNDLE_FILES), *countries]:
        if not (folder / f"{name}.yaml").is_file():
            problems.append(Problem(f"{where}/{name}.yaml", 0, "", "file not found: the source "
                                    "locale must have every piece of wording"))
