"""No input crashes the tool, and hostile content stays text.

Property-based (hypothesis): random YAML documents, random bytes and random mutations of the
real bundles go through ``mgi-report check`` and ``mgi-report build``; every run ends with
status 0 or 2 and never a traceback, and a status-2 build leaves the output folder as it was.
Bounded so that the file runs in well under two minutes: builds are HTML-only, one edition,
except a few PDF builds. tests/test_safety.py covers the basic hostile-content cases; the
tests at the end add links, more places in the templates, and the PDF's link annotations.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pikepdf
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import copy_project, folded, without_project_scripts
from mgi_report import build
from mgi_report.cli import main
from mgi_report.gates import run_gates
from mgi_report.inspect import html_text, pdf_text

SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
BUILD_ARGS = ("--report", "profile", "--locale", "en")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """main() points the root logger at the stderr of its call; put it back afterwards."""
    root, ours = logging.getLogger(), logging.getLogger("mgi_report")
    handlers, level, our_level = root.handlers[:], root.level, ours.level
    yield
    root.handlers[:], root.level = handlers, level
    ours.setLevel(our_level)


@dataclass
class Run:
    status: int
    err: str


def run(*args: str) -> Run:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main(list(args))
    return Run(status, err.getvalue())


def assert_clean_end(result: Run) -> None:
    assert result.status in (0, 2), result.err
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class Sandbox:
    """A project copy whose files are replaced per example and restored after it."""

    root: Path
    out: Path
    files: list[str]

    @contextlib.contextmanager
    def replaced(self, relative: str, data: bytes) -> Iterator[Path]:
        path = self.root / relative
        original = path.read_bytes()
        path.write_bytes(data)
        try:
            yield path
        finally:
            path.write_bytes(original)

    def original(self, relative: str) -> Any:
        return yaml.safe_load((self.root / relative).read_text(encoding="utf-8"))

    def check(self) -> Run:
        return run("check", "--root", str(self.root))

    def build(self, *extra: str, fmt: str = "html") -> Run:
        """Build into an output folder holding an earlier build; status 2 must leave it."""
        before = snapshot(self.out)
        result = run("build", "--root", str(self.root), "--out", str(self.out),
                     "--format", fmt, *BUILD_ARGS, *extra)
        assert_clean_end(result)
        if result.status == 2:
            assert snapshot(self.out) == before, result.err
        else:
            shutil.rmtree(self.out)
            shutil.copytree(self.root.parent / "earlier", self.out)
        return result


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    base = tmp_path_factory.mktemp("fuzz")
    root = copy_project(base / "project")
    earlier = base / "earlier"
    assert run("build", "--root", str(root), "--out", str(earlier), "--format", "html",
               *BUILD_ARGS, "--quiet").status == 0
    (earlier / "keep.txt").write_text("not ours", encoding="utf-8")
    shutil.copytree(earlier, base / "out")
    files = sorted(p.relative_to(root).as_posix() for p in (root / "content").rglob("*.yaml"))
    return Sandbox(root, base / "out", files)


# Strategies.

TRICKY_TEXT = [
    "\u202eemordnilap \u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "e\u0301\u0301\u0301\u0301 Z\u0351\u0357\u036b\u0300 \u200d\u200b\ufeff",
    "\U0001f600 \U0001d54f \u0000 \u0007 \u001b[31m \u007f \u0085 \u2028 \ud7ff",
    "<script>alert(1)</script> {{ 7*7 }} {% raw %} {# c #} <!-- x --> ]]> </style>",
    "[x](javascript:alert(1)) [^missing] **unclosed *emphasis [^] `code`",
    "---\n...\n%YAML 1.1\n&anchor *alias !!python/object:os.system",
]

scalars = (st.none() | st.booleans() | st.integers() | st.floats()
           | st.text(max_size=40) | st.sampled_from(TRICKY_TEXT) | st.dates())
yaml_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12) | st.sampled_from(["code", "country", "snapshot",
                                                               "profile", "findings", "name"]),
                      children, max_size=4),
    max_leaves=25)
yaml_like_text = st.lists(
    st.sampled_from([*"[]{}:-&*!|>'\"#%@`,?~ \n\t\r", "a", "é", "key: ", "- ", "\u202e",
                     "\x00", "\x1b", "\ufeff", "12", "null", "<<", "!!binary ", "*a", "&a "]),
    max_size=80).map("".join)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


def value_at(document: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        document = document[part]
    return document


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


def mutated(document: Any, path: tuple[Any, ...], how: str, payload: Any) -> Any:
    """``document`` with the value at ``path`` deleted or replaced."""
    if not path:
        return payload if how != "delete" else None
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if how == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = payload
    return document


MUTATIONS: dict[str, Callable[[st.DataObject], Any]] = {
    "delete": lambda data: None,
    "wrong type": lambda data: data.draw(yaml_values),
    "huge string": lambda data: data.draw(st.sampled_from(["x", "word ", "\u0434\u0430 "]))
    * data.draw(st.integers(10_000, 200_000)),
    "control characters": lambda data: data.draw(st.text(
        alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=20)),
    "deep nesting": lambda data: nested(data.draw(st.integers(10, 300))),
    "rtl and combining": lambda data: data.draw(st.sampled_from(TRICKY_TEXT)),
}


TEXT_MUTATIONS = {"huge string", "control characters", "rtl and combining"}


def draw_mutation(data: st.DataObject, sandbox: Sandbox, files: list[str]) -> tuple[str, bytes]:
    relative = data.draw(st.sampled_from(files), label="file")
    document = sandbox.original(relative)
    how = data.draw(st.sampled_from(sorted(MUTATIONS)), label="mutation")
    where = list(paths(document))
    if how in TEXT_MUTATIONS:  # wording changes go where wording is, so builds get made
        where = [path for path in where if isinstance(value_at(document, path), str)] or where
    path = where[data.draw(st.integers(0, len(where) - 1), label="path index")]
    changed = mutated(document, path, how, MUTATIONS[how](data))
    text = yaml.safe_dump(changed, allow_unicode=True, sort_keys=False).encode("utf-8")
    if data.draw(st.integers(0, 4), label="invalid UTF-8") == 0:
        at = data.draw(st.integers(0, len(text)), label="at")
        text = text[:at] + data.draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80",
                                                      b"\xf4\x90\x80\x80"])) + text[at:]
    return relative, text


# The properties.

@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), document=yaml_values)
def test_any_yaml_document_in_any_content_file_is_checked_without_a_crash(
        sandbox: Sandbox, data: st.DataObject, document: Any) -> None:
    relative = data.draw(st.sampled_from(sandbox.files), label="file")
    text = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    with sandbox.replaced(relative, text):
        assert_clean_end(sandbox.check())


@settings(max_examples=60, deadline=None, suppress_health_check=SLOW)
@given(data=st.data(), raw=st.binary(max_size=300) | yaml_like_text.map(str.encode))
def test_any_bytes_in_any_content_file_are_checked_without_a_crash(
        sandbox: Sandbox, data: st.DataObject, raw: bytes) -> None:
    relative = data.draw(st.sampled_from(sandbox.files), label="file")
    with sandbox.replaced(relative, raw):
        assert_clean_end(sandbox.check())


@settings(max_examples=80, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_mutated_bundles_check_and_build_without_a_crash_or_a_half_written_output(
        sandbox: Sandbox, data: st.DataObject) -> None:
    relative, text = draw_mutation(data, sandbox, sandbox.files)
    with sandbox.replaced(relative, text):
        checked = sandbox.check()
        assert_clean_end(checked)
        built = sandbox.build()
        event(f"check {checked.status}, build {built.status}")
        if checked.status == 0:  # check finds everything a build refuses before layout
            assert built.status == 0, built.err


@settings(max_examples=4, deadline=None, suppress_health_check=SLOW)
@given(data=st.data())
def test_mutated_wording_builds_a_pdf_without_a_crash(sandbox: Sandbox,
                                                      data: st.DataObject) -> None:
    document = sandbox.original("content/en/kaz.yaml")
    where = [p for p in paths(document) if p[:1] == ("profile",) and len(p) > 1]
    path = where[data.draw(st.integers(0, len(where) - 1), label="path index")]
    payload = data.draw(st.sampled_from(TRICKY_TEXT) | st.text(min_size=1, max_size=300)
                        | st.just("unbroken" * 250))
    changed = mutated(document, path, "replace", payload)
    text = yaml.safe_dump(changed, allow_unicode=True, sort_keys=False).encode("utf-8")
    with sandbox.replaced("content/en/kaz.yaml", text):
        event(f"pdf build {sandbox.build(fmt='pdf').status}")


def test_known_crashers_are_reported_as_bad_input(sandbox: Sandbox) -> None:
    """Inputs fuzzing found: alias bombs, deep flow nesting, huge integers."""
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True))
    for text, message in [(laughs, "more than 100000 values"),
                          ("[" * 5000 + "]" * 5000, "nested deeper than 64 levels"),
                          ("{a: " * 3000 + "1" + "}" * 3000, "nested deeper than 64 levels"),
                          ("country: " + "9" * 5000, "value not accepted"),
                          ("&a [*a]", "nested deeper than 64 levels")]:
        with sandbox.replaced("content/en/kaz.yaml", text.encode()):
            result = sandbox.check()
        assert result.status == 2, result.err
        assert result.err.startswith("content/en/kaz.yaml:") and message in result.err


# Hostile content is shown as text, and links stay http(s) and mailto.

#: Markdown links with schemes other than http(s) and mailto: shown as typed, never linked.
LINKS = ("[scripted](javascript:alert(1))", "[shouting](JaVaScRiPt:alert(2))",
         "[spaced]( javascript:alert(3))", "[data](data:text/html;base64,PHNjcmlwdD4=)",
         "[vb](vbscript:msgbox(4))", "[local](file:///etc/passwd)",
         "[relative](//evil.example/x)", "<javascript:alert(5)>")
HOSTILE = {
    "title": "<script>alert('title')</script> {{ 7*7 }}",
    "finding": "<img src=x onerror=alert(1)> {% if true %}jinja{% endif %} <!-- hidden -->",
    "domain": "</style><style>body{display:none}</style> {{ config }}",
    "footnote": "url(javascript:alert(1)) @import 'http://evil.example/x.css';",
    "publisher": "<b>bold</b> & <a href=\"javascript:alert(1)\">click</a>",
}
GOOD_LINKS = ("https://example.org/ok?a=1&b=2", "mailto:editor@example.org")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("hostile") / "project")
    bundle = root / "content/en/kaz.yaml"
    data = yaml.safe_load(bundle.read_text(encoding="utf-8"))
    data["titles"]["profile"] = HOSTILE["title"]
    data["titles"]["snapshot"] = HOSTILE["title"]
    found = data["profile"]["findings"]["migrants-rights"]
    found["well_developed"] = {
        "hostile": HOSTILE["finding"],
        "links": "Links: " + " ".join(LINKS) + f" [good]({GOOD_LINKS[0]}) "
                 f"[mail]({GOOD_LINKS[1]}).",
        **found["well_developed"]}
    data["snapshot"]["footnotes"]["mgi"] += " " + HOSTILE["footnote"]
    bundle.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    domains = root / "content/en/domains.yaml"
    names = yaml.safe_load(domains.read_text(encoding="utf-8"))
    names["partnerships"]["name"] = HOSTILE["domain"]
    domains.write_text(yaml.safe_dump(names, allow_unicode=True), encoding="utf-8")
    country = root / "content/countries/kaz.yaml"
    facts = yaml.safe_load(country.read_text(encoding="utf-8"))
    facts["sources"][0]["publisher"] = HOSTILE["publisher"]
    country.write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    out = root.parent / "out"
    build(root, out, locales=["en"])
    return out


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs.extend(value or "" for name, value in attrs
                          if name in {"href", "src", "xlink:href", "action", "formaction"})


@pytest.mark.parametrize("report", ["snapshot", "profile"])
def test_hostile_content_is_text_in_html_and_links_are_http_or_mailto(
        hostile: Path, report: str) -> None:
    html = without_project_scripts((hostile / f"kaz/{report}.en.html").read_text(encoding="utf-8"))
    parsed = Hrefs()
    parsed.feed(html)
    assert not parsed.tags & {"script", "img", "iframe", "object", "embed", "b", "form"}
    for href in parsed.hrefs:
        scheme = urlparse(href).scheme
        assert scheme in {"", "http", "https", "mailto"}, href
        assert scheme or not href.startswith("//"), href
    visible = folded(html_text(html))
    assert HOSTILE["title"] in visible
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("&lt;script&gt;") and folded(unescape(title)) == HOSTILE["title"]
    if report == "profile":
        assert HOSTILE["finding"] in visible and HOSTILE["domain"] in visible
        for link in LINKS:
            assert link in visible, link
        assert set(GOOD_LINKS) <= set(parsed.hrefs)
    else:
        assert HOSTILE["publisher"] in visible and HOSTILE["footnote"] in visible


@pytest.mark.parametrize("report", ["snapshot", "profile"])
def test_hostile_content_is_text_in_pdf_and_annotations_only_link_http_or_mailto(
        hostile: Path, report: str) -> None:
    pdf = (hostile / f"kaz/{report}.en.pdf").read_bytes()
    text = folded(pdf_text(pdf).text)
    if report == "profile":
        assert HOSTILE["finding"] in text
        assert "[scripted](javascript:alert(1))" in text
    else:
        assert HOSTILE["publisher"] in text
    with pikepdf.open(hostile / f"kaz/{report}.en.pdf") as document:
        assert "/Names" not in document.Root or "/JavaScript" not in document.Root.Names
        assert "/OpenAction" not in document.Root and "/AA" not in document.Root
        uris = []
        for page in document.pages:
            for annotation in page.obj.get("/Annots", pikepdf.Array()):
                action = annotation.get("/A")
                if action is None:
                    continue
                assert action.S in (pikepdf.Name.URI, pikepdf.Name.GoTo), action.S
                if action.S == pikepdf.Name.URI:
                    uris.append(str(action.URI))
    assert uris and all(urlparse(u).scheme in {"http", "https", "mailto"} for u in uris), uris
    if report == "profile":
        assert set(GOOD_LINKS) <= set(uris)


def test_hostile_editions_still_pass_the_html_validator_and_the_text_gate(
        hostile: Path) -> None:
    results = run_gates(hostile.parent / "project", hostile, ["html-valid", "text"])
    failures = [line for r in results if r.failed for line in r.lines()]
    assert not failures, "\n".join(failures)
