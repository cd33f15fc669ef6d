"""Stage 4: turn an edition into one self-contained HTML document through Jinja2."""

from __future__ import annotations

import base64
import logging
import math
import mimetypes
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from jinja2.loaders import split_template_path
from markupsafe import Markup

from .errors import ContentError, Problem, TemplateError
from .interface import (
    InterfaceWording,
    LanguageNames,
    direction_attr,
    text_direction,
    without_marks,
)
from .languages import Alternate
from .markup import Typesetting, address_breaks, inline, plain
from .model import Edition, Text, bcp47
from .paths import ProjectPaths
from .usercache import code_digest, mark_used, user_cache

log = logging.getLogger(__name__)

CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
ENTRY_TEMPLATE = "report.html.j2"


@dataclass(frozen=True)
class DomainView:
    id: str
    number: int
    name: Text
    #: The label of running heads: ``short_name`` where the content gives one, else ``name``.
    running: Text
    title: Text
    description: Text
    findings: Mapping[str, tuple[Text, ...]]


@dataclass(frozen=True)
class ConventionRow:
    id: str
    name: Text
    year: int
    ratified: int | None


@dataclass(frozen=True)
class RenderOptions:
    alternates: tuple[Alternate, ...] = ()
    mark_fallback: bool = False
    #: The site's index, relative to the edition (None: the edition is not in a site).
    site_index: str | None = None
    #: Stylesheets' ``url()`` assets (fonts) as paths under templates/, not embedded: for
    #: the PDF layout, which reads them from there (embedded, WeasyPrint would parse and
    #: decode a megabyte of base64 for every edition).
    linked_assets: bool = False


@dataclass(frozen=True)
class WheelSegment:
    number: int
    path: str
    label_x: float
    label_y: float
    #: Where the domain's icon goes: towards the rim, on the same spoke as the label.
    icon_x: float
    icon_y: float
    #: The width of the segment across its label (a chord of the ring there).
    label_chord: float


@dataclass(frozen=True)
class Rendered:
    """An edition's HTML and the templates it was made from (names under templates/, in
    the order they were loaded): what a rebuild must compare."""

    html: str
    templates: tuple[str, ...]
    #: Interface messages (msgids) shown in another language than the edition's.
    interface_fallbacks: tuple[str, ...] = ()
    #: The content keys whose text the edition shows (page or metadata), in source order.
    shown_keys: tuple[str, ...] = ()


def render_html(paths: ProjectPaths, edition: Edition,
                options: RenderOptions | None = None) -> str:
    """Render ``edition`` with the templates and catalog under ``paths``."""
    return render(paths, edition, options).html


def render(paths: ProjectPaths, edition: Edition,
           options: RenderOptions | None = None) -> Rendered:
    """:func:`render_html`, with the templates the edition included."""
    loader = ProjectLoader(paths)
    options = options or RenderOptions()
    wording = InterfaceWording(paths, edition.chain or (edition.spec.locale,))
    env = environment(paths, edition.spec.locale, typesettings(edition), loader, wording,
                      linked_assets=options.linked_assets)
    with template_errors(paths, ENTRY_TEMPLATE):
        template = env.get_template(ENTRY_TEMPLATE)
        values = context(edition, options)
        html = template.render(values)
        languages = set(wording.fallbacks.values()) | set(values["fallback_languages"].langs)
        if languages != set(values["fallback_languages"].langs):  # the notice names them all
            values["fallback_languages"] = LanguageNames(tuple(sorted(languages)),
                                                         edition.spec.locale)
            html = template.render(values)
        html = wording.finish(html, options.mark_fallback)
        shown_keys = tuple(key for key in edition.texts if key in values["shown_keys"])
    return Rendered(html, tuple(dict.fromkeys(loader.loaded)), tuple(wording.fallbacks),
                    shown_keys)


def render_page(paths: ProjectPaths, name: str, locale: str,
                values: Mapping[str, Any]) -> Rendered:
    """A page of the site that is not an edition (the index), in ``locale``'s interface
    wording, with the same filters, escaping and errors as an edition."""
    loader = ProjectLoader(paths)
    wording = InterfaceWording(paths, (locale,))
    env = environment(paths, locale, lambda lang: Typesetting(quotation_marks(lang), ()),
                      loader, wording)
    with template_errors(paths, name):
        html = env.get_template(name).render({"lang": bcp47(locale),
                                              "dir": text_direction(locale), "shown_keys": set(),
                                              "mark_fallback": False, **values})
    return Rendered(wording.finish(html, False), tuple(dict.fromkeys(loader.loaded)),
                    tuple(wording.fallbacks))


@contextmanager
def template_errors(paths: ProjectPaths, entry: str) -> Iterator[None]:
    """A template's mistakes as TemplateErrors naming its file and line."""
    try:
        yield
    except jinja2.TemplateNotFound as exc:
        where = paths.display(paths.templates / str(exc.name))
        raise TemplateError([Problem(where, 0, "", "template not found")]) from None
    except jinja2.TemplateSyntaxError as exc:
        where = paths.display(paths.templates / (exc.name or entry))
        raise TemplateError([Problem(where, exc.lineno, "", f"syntax error: {exc.message}")]) \
            from None
    except jinja2.UndefinedError as exc:
        raise TemplateError([_template_problem(paths, exc, f"undefined: {exc.message}",
                                               entry)]) from None
    except (ArithmeticError, LookupError, TypeError, ValueError, RecursionError) as exc:
        if not _in_template(paths, exc):
            raise
        message = "templates call themselves without end" if isinstance(exc, RecursionError) \
            else f"{type(exc).__name__}: {exc}"
        raise TemplateError([_template_problem(paths, exc, message, entry)]) from None


def _frames(paths: ProjectPaths, exc: BaseException) -> list[tuple[str, int]]:
    """The template files and lines an exception passed through, outermost first."""
    found, tb = [], exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(str(paths.templates)):
            found.append((paths.display(Path(filename)), tb.tb_lineno))
        tb = tb.tb_next
    return found


def _in_template(paths: ProjectPaths, exc: BaseException) -> bool:
    """Whether the error was raised by template code itself, not by mgi-report's filters."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return (tb is not None and tb.tb_frame.f_code.co_filename.startswith(str(paths.templates))) \
        or isinstance(exc, RecursionError)


def _template_problem(paths: ProjectPaths, exc: BaseException, message: str,
                      entry: str = ENTRY_TEMPLATE) -> Problem:
    """Locate an error at the innermost template line Jinja was rendering."""
    frames = _frames(paths, exc) or [(paths.display(paths.templates / entry), 0)]
    where, line = frames[-1]
    return Problem(where, line, "", message)


class ProjectLoader(jinja2.BaseLoader):
    """Templates are project files: under templates/ (links followed), regular, bounded,
    UTF-8; anything else is a TemplateError naming the file."""

    def __init__(self, paths: ProjectPaths) -> None:
        self.paths = paths
        self.loaded: list[str] = []

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.paths.templates.joinpath(*split_template_path(template))
        if not path.is_file() and not path.is_symlink():
            raise jinja2.TemplateNotFound(template)
        data = self.paths.read(path)
        self.loaded.append("/".join(split_template_path(template)))
        filename, mtime = str(path), path.stat().st_mtime
        if not path.resolve().is_relative_to(self.paths.templates.resolve()):
            raise TemplateError([Problem(self.paths.display(path), 0, "",
                                         "refused: it leads outside templates/")])
        try:
            return data.decode("utf-8"), filename, lambda: path.stat().st_mtime == mtime
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise TemplateError([Problem(self.paths.display(path), line, "",
                                         "not valid UTF-8 text")]) from None


def typesettings(edition: Edition) -> Callable[[str], Typesetting]:
    """How text is set in any language of the edition (its own, a fallback's, a source
    title's): quotation marks from CLDR (through ICU), words kept whole from content."""
    return lambda lang: Typesetting(quotation_marks(lang), edition.never_hyphenate.get(lang, ()))


@cache
def quotation_marks(lang: str) -> str:
    """CLDR's quotation marks for ``lang``: primary open and close, secondary open and close
    (“”‘’ in English, „“‚‘ in German, «»„“ in Russian)."""
    import icu

    data = icu.LocaleData(lang.replace("-", "_"))
    kinds = icu.ULocaleDataDelimiterType
    return "".join(data.getDelimiter(kind) for kind in (
        kinds.QUOTATION_START, kinds.QUOTATION_END,
        kinds.ALT_QUOTATION_START, kinds.ALT_QUOTATION_END))


@cache
def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates, in the user cache (a template is compiled
    again when its source changes, and all of them when mgi-report's code, which sets the
    environment they are compiled for, changes): a process that renders does not compile
    every template again. None when the folder cannot be made."""
    folder = user_cache(f"templates-{code_digest()[:16]}", "jinja2")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(str(folder))


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, as the rest of the user cache: an entry read is marked used (so
    that pruning keeps it), and one that cannot be written only costs time."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        super().load_bytecode(bucket)
        if bucket.code is not None:
            mark_used(Path(self.directory) / (self.pattern % bucket.key))

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def environment(paths: ProjectPaths, locale: str,
                typesetting: Callable[[str], Typesetting] | None = None,
                loader: ProjectLoader | None = None,
                wording: InterfaceWording | None = None, *,
                linked_assets: bool = False) -> jinja2.Environment:
    """Jinja for ``locale``; interface wording looked up along ``wording``'s chain (by
    default the locale's catalog alone)."""
    env = jinja2.Environment(
        loader=loader or ProjectLoader(paths),
        bytecode_cache=_compiled_templates(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    (wording or InterfaceWording(paths, (locale,))).install(env)
    env.globals["typesetting"] = typesetting
    env.filters.update(
        md=_md,
        text=_text,
        address=address_breaks,
        phrases=phrases,
        lang_attr=_lang_attr,
        direction=text_direction,
        date=lambda value, skeleton: format_skeleton(skeleton, value, locale=locale),
        number=lambda value: format_decimal(value, locale=locale, numbering_system="default"),
        percent=lambda value: format_percent(value, locale=locale,
                                             numbering_system="default"),
        css_string=css_string,
        css_label=css_label,
        wrap=lambda value, width: textwrap.wrap(str(value), width, break_long_words=False,
                                                break_on_hyphens=True),
    )
    env.globals.update(
        stylesheet=lambda name: Markup(inline_stylesheet(paths, name, linked_assets)),
        script=lambda name: Markup(inline_script(paths, name)),
        wheel=wheel,
    )
    return env


def context(edition: Edition, options: RenderOptions) -> dict[str, Any]:
    texts = edition.texts
    spec = edition.spec
    prefix = f"{spec.country}.{spec.report}"

    def text(key: str) -> Text:
        if key not in texts:
            raise ContentError([Problem(f"content/{spec.locale}", 0, key,
                                        "missing in every locale of the fallback chain")])
        return texts[key]

    def optional(key: str) -> Text | None:
        return texts.get(key)

    def block(key: str) -> tuple[Text, ...]:
        """A block's paragraphs in the source's order, each in the language it is shown in."""
        inside = f"{key}."
        return tuple(text for name, text in texts.items()
                     if name.startswith(inside) and "." not in name[len(inside):])

    domains = [
        DomainView(
            id=domain, number=number,
            name=text(f"domains.{domain}.name"),
            running=optional(f"domains.{domain}.short_name") or text(f"domains.{domain}.name"),
            title=text(f"domains.{domain}.title"),
            description=text(f"domains.{domain}.description"),
            findings={kind: found for kind in ("well_developed", "further_development")
                      if (found := block(f"{prefix}.findings.{domain}.{kind}"))},
        )
        for number, domain in enumerate(edition.structure.domains, start=1)
    ]
    conventions = [
        ConventionRow(c.id, text(f"conventions.{c.id}"), c.year,
                      edition.country.ratifications.get(c.id))
        for c in edition.structure.conventions
    ]
    footnotes = {
        key.rsplit(".", 1)[1]: value for key, value in texts.items()
        if key.startswith(f"{prefix}.footnotes.")
    }
    return {
        "edition": edition,
        "lang": edition.lang,
        "dir": text_direction(edition.lang),
        "report": edition.structure.reports[spec.report],
        "title": text(f"{spec.country}.titles.{spec.report}"),
        "country_name": text(f"{spec.country}.country"),
        "partner": text(f"{spec.country}.partner"),
        "author": text(f"{spec.country}.author"),
        "subject": text(f"{spec.country}.subject"),
        "published": edition.country.published,
        "introduction": block(f"{prefix}.introduction"),
        "disclaimer": block(f"{prefix}.disclaimer"),
        "notes": block(f"{prefix}.notes"),
        "footnotes": footnotes,
        "footnote_numbers": {name: i for i, name in enumerate(footnotes, start=1)},
        "domains": domains,
        "conventions": conventions,
        "sources": edition.country.sources,
        "iso_date": edition.country.published.isoformat(),
        "alternates": options.alternates,
        "site_index": options.site_index,
        "mark_fallback": options.mark_fallback,
        "fallback_languages": LanguageNames(
            tuple(sorted({t.lang for t in texts.values()} - {edition.lang})), spec.locale),
        #: Filled as the templates turn a Text into output (``md``, ``text``, ``lang_attr``).
        "shown_keys": set(),
    }


def _defined(value: Any) -> Any:
    """Filters raise Jinja's own error for undefined input, so it is reported as such."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


def _raw(value: Any) -> str:
    value = _defined(value)
    raw = value.value if isinstance(value, Text) else value
    return raw if isinstance(raw, str) else str(raw)


@jinja2.pass_context
def _md(ctx: jinja2.runtime.Context, value: Text | str, lang: str | None = None) -> Markup:
    """Content text as HTML, set by the rules of its language (``lang``, else the text's,
    else the page's); footnote calls go through the template's ``footnote`` macro."""
    raw = _raw(_shown(ctx, value))
    macro = ctx.get("footnote")
    return inline(raw, (lambda name: Markup(macro(name))) if macro else None,
                  _typesetting(ctx, value, lang))


@jinja2.pass_context
def _text(ctx: jinja2.runtime.Context, value: Text | str, lang: str | None = None) -> str:
    """Content text as plain text, for headings, attributes and metadata."""
    return plain(_raw(_shown(ctx, value)), _typesetting(ctx, value, lang))


def _shown(ctx: jinja2.runtime.Context, value: Any) -> Any:
    """``value``, its key recorded as shown when it is a content Text."""
    if isinstance(value, Text) and isinstance(shown := ctx.get("shown_keys"), set):
        shown.add(value.key)
    return value


def _typesetting(ctx: jinja2.runtime.Context, value: Text | str,
                 lang: str | None) -> Typesetting | None:
    lang = lang or (value.lang if isinstance(value, Text) else ctx.get("lang"))
    typesetting = ctx.environment.globals["typesetting"]
    return typesetting(lang) if lang and callable(typesetting) else None


@jinja2.pass_context
def _lang_attr(ctx: jinja2.runtime.Context, value: Text | str, bidi: bool = True) -> Markup:
    """` lang="en"` on text in another language than the page's (a fallback, a source title),
    and ` dir="ltr"` where that language runs the other way (English in an Arabic page; not
    with ``bidi=False``, in SVG, whose text takes a ``direction`` attribute instead);
    ``value`` is a Text or a BCP 47 tag. In a review build (``--mark-fallback``) a Text's
    element also names its key (as its title, shown on hover) and its state: ``fallback``
    (in another language) or ``outdated`` (translated before the source last changed)."""
    lang = _defined(_shown(ctx, value)).lang if isinstance(value, Text) else _defined(value)
    direction = direction_attr(lang, ctx["lang"]) if bidi else ""
    attributes = Markup("") if lang == ctx["lang"] else \
        Markup(' lang="{}"').format(lang) + Markup(direction)
    if isinstance(value, Text) and ctx.get("mark_fallback"):
        state = "fallback" if lang != ctx["lang"] else \
            "outdated" if value.key in ctx["edition"].outdated_keys else ""
        attributes += Markup(' title="{}"').format(value.key)
        if state:
            attributes += Markup(' data-state="{}"').format(state)
    return attributes


def phrases(title: str) -> list[str]:
    """A title's phrases, where a line may break: after a colon (``Snapshot:`` / ``the
    Republic of Kazakhstan``)."""
    return [part for part in re.split(r"(?<=:)\s+", title) if part]


def css_string(value: str) -> Markup:
    """A CSS string literal that is safe inside a <style> element."""
    value = without_marks(value.unescape() if isinstance(value, Markup) else value)
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '\\"<>&' or not ch.isprintable() else ch for ch in value)
    return Markup(f'"{escaped}"')


def css_label(template: str, **counters: str) -> Markup:
    """``"Page {page} of {pages}"`` as CSS ``content``: strings and ``counter()`` calls."""
    template = template.unescape() if isinstance(template, Markup) else template
    names = "|".join(re.escape(name) for name in counters)
    out = []
    for index, part in enumerate(re.split(r"\{(" + names + r")\}", template)):
        if index % 2:
            out.append(Markup(f"counter({counters[part]})"))
        elif part:
            out.append(css_string(part))
    return Markup(" ").join(out)


def inline_script(paths: ProjectPaths, name: str) -> str:
    """A script from templates/, to put inside ``<script>``: a ``</`` in it is written
    ``<\\/`` (the same to JavaScript), so nothing in the file can end the element."""
    return _template_text(paths, name, "script").replace("</", "<\\/")


def _template_text(paths: ProjectPaths, name: str, kind: str) -> str:
    path = (paths.templates / name).resolve()
    if not path.is_relative_to(paths.templates.resolve()) or not path.is_file():
        raise TemplateError([Problem(paths.display(paths.templates / name), 0, "",
                                     f"{kind} not found in templates/")])
    try:
        return paths.read(path).decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise TemplateError([Problem(paths.display(path), 0, "", "not valid UTF-8 text")]) \
            from exc


def inline_stylesheet(paths: ProjectPaths, name: str, linked_assets: bool = False) -> str:
    """A stylesheet from templates/ with its ``url()`` assets embedded as data: URIs, or
    (``linked_assets``) as their paths under templates/, which a page whose base is that
    folder loads."""
    path = (paths.templates / name).resolve()
    css = _template_text(paths, name, "stylesheet")

    def embed(match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith(("data:", "#")):
            return match.group(0)
        asset = paths.template_asset(path, url)
        if asset is None or not asset.is_file():
            line = css.count("\n", 0, match.start()) + 1
            refused.append(Problem(paths.display(path), line, "url()",
                                   f"asset {url!r} is not a file under templates/"))
            return match.group(0)
        if linked_assets:
            under = asset.resolve().relative_to(paths.templates.resolve()).as_posix()
            return f'url("{quote(under)}")'
        mime = mimetypes.guess_type(asset.name)[0] or _FONT_TYPES.get(asset.suffix,
                                                                     "application/octet-stream")
        data = base64.b64encode(paths.read(asset)).decode("ascii")
        return f'url("data:{mime};base64,{data}")'

    refused: list[Problem] = []
    embedded = CSS_URL.sub(embed, css)
    if refused:
        raise TemplateError(refused)
    return embedded


_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}


def wheel(count: int, outer: float, inner: float, gap: float = 1.5,
          mirrored: bool = False) -> list[WheelSegment]:
    """Annular sectors of the domain wheel, clockwise from the top (counter-clockwise when
    ``mirrored``, for a right-to-left page, whose reader starts at the right), each with
    where its label (a little inside the middle of the ring) and its icon (near the rim) go."""
    segments = []
    step = 2 * math.pi / count
    side = -1 if mirrored else 1
    for index in range(count):
        start = -math.pi / 2 + index * step + math.radians(gap / 2)
        end = start + step - math.radians(gap)
        middle = (start + end) / 2
        mid_radius = inner + (outer - inner) * 0.45

        def point(radius: float, angle: float) -> str:
            return f"{side * radius * math.cos(angle):.2f} {radius * math.sin(angle):.2f}"

        outward, inward = (0, 1) if mirrored else (1, 0)
        path = (f"M {point(outer, start)} A {outer} {outer} 0 0 {outward} {point(outer, end)} "
                f"L {point(inner, end)} A {inner} {inner} 0 0 {inward} {point(inner, start)} Z")
        icon_radius = outer - (outer - inner) * 0.14
        segments.append(WheelSegment(index + 1, path,
                                     round(side * mid_radius * math.cos(middle), 2),
                                     round(mid_radius * math.sin(middle), 2),
                                     round(side * icon_radius * math.cos(middle), 2),
                                     round(icon_radius * math.sin(middle), 2),
                                     round(2 * mid_radius * math.sin(step / 2), 2)))
    return segments
