"""Stage 5, PDF: finish the tagged PDF WeasyPrint writes so that an accessibility auditor
accepts it (PDF/UA-1 and the Matterhorn Protocol), for tagged variants only.

WeasyPrint 70 (``weasyprint/pdf/tags.py``) builds the structure tree page by page from its
layout boxes. What it leaves undone, and what this stage does about it:

- a box cut by a page break gives one structure element per page (a section is several
  ``/Sect``): the pieces of one HTML element are joined into one element, in order; a table
  header group repeated on a continuation page is marked as an artifact instead;
- the running heads and page numbers (CSS margin boxes) are marked content whose elements
  are left out of the tree: they become ``/Artifact /Pagination`` with ``/Subtype /Header``
  or ``/Footer``;
- generated content inside a link (the contents' ``a::after`` with its ``leader()``) is a
  link nested in a link: its text joins the outer link, its extra annotations are dropped,
  and the leader dots become ``/Artifact /Layout``;
- a footnote is a ``/Span`` in a page-level block: it becomes a ``/Note`` with an ``/ID``,
  placed in the structure right after the link that calls it;
- no element carries ``/Lang``: every element whose language is not the document's gets
  it (from the HTML ``lang`` of the box it was made for);
- ``TH`` cells get ``/Scope`` (``Row`` for ``scope="row"``, else ``Column``), besides the
  ``/Headers`` WeasyPrint writes on the data cells;
- a link's ``/Contents`` is its target's name in the edition's language (the heading of the
  section it leads to, the text of a note, the text of an external link), not an HTML id;
- a heading's text is one marked-content sequence (WeasyPrint writes one per line and per
  run of text), so each heading holds one marked-content id;
- the hyphen that hyphenation adds at a line end is wrapped in a ``/Span`` whose
  ``/ActualText`` is a soft hyphen (U+00AD, ISO 32000-1 §14.9.4): text extraction, search
  and copy see one word;
- content hidden from assistive technology (``aria-hidden``: decoration) is tagged like
  visible content: it becomes ``/Artifact /Layout``;
- the document opens with the outline (``/PageMode /UseOutlines``).

Approach: a small hook on WeasyPrint's tag writer, plus post-processing with pikepdf. The
PDF alone does not say which HTML element a structure element was made for, so nothing in
it tells a section continued on the next page from a new one, a passage marked
``lang="en"`` from its neighbours, a contents entry from its generated leader, which note a
call refers to, or a hyphen that hyphenation inserted from one written in the text;
matching the PDF's text back to the HTML would only guess. The hook (:func:`recording`)
wraps ``weasyprint.pdf.tags._build_box_tree`` for the duration of one ``write_pdf`` call and
only *records*: for each structure element WeasyPrint creates (by its PDF object number),
the box it was made for, and per page which marked-content ids end in a hyphenation hyphen.
It changes nothing WeasyPrint writes. Everything else is done on the finished file by
:func:`finish` with pikepdf, in document order and without anything random or timed, so the
same input gives the same bytes.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator, String

from .layout import collapse_spaces, hyphen_of
from .textmaps import drawing_order

#: ActualText of the hyphenation hyphen: U+00AD SOFT HYPHEN, in UTF-16BE with its BOM.
SOFT_HYPHEN = String(b"\xfe\xff\x00\xad")
HEADING = re.compile(r"^/H[1-6]?$")
_patching = threading.Lock()


@dataclass(frozen=True)
class Made:
    """The box a structure element was made for: its HTML element and what it was."""

    element: Any
    tag: str | None
    lang: str | None
    leader: bool
    note: bool


@dataclass
class Record:
    """What the hook saw while WeasyPrint wrote one PDF."""

    root: Any
    made: dict[int, Made] = field(default_factory=dict)
    hyphens: dict[tuple[int, int], str] = field(default_factory=dict)
    #: Marked content of a top or bottom margin box: running head or page number.
    margins: dict[tuple[int, int], str] = field(default_factory=dict)


@contextmanager
def recording(root: Any) -> Iterator[Record]:
    """Record, while WeasyPrint writes a tagged PDF in this block, the box behind every
    structure element. ``root`` is the HTML document's ElementTree root."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import tags

    record = Record(root)
    notes: set[Any] = set()
    original = tags._build_box_tree

    def build(box: Any, parent: Any, pdf: Any, page: int, nums: Any, annotations: Any,
              marked: Any) -> Iterator[Any]:
        if isinstance(box, boxes.MarginBox) and box.at_keyword.startswith(("@top", "@bottom")):
            subtype = "Header" if box.at_keyword.startswith("@top") else "Footer"
            record.margins.update({(page, marked[b]["mcid"]): subtype
                                   for b in box.descendants() if b in marked})
        if isinstance(box, boxes.PageBox):
            record.hyphens.update(_hyphenated_runs(box, page, marked, boxes))
        if isinstance(box, boxes.FootnoteAreaBox):
            notes.update(box.children)
        for element in original(box, parent, pdf, page, nums, annotations, marked):
            if element.number not in record.made:
                record.made[element.number] = Made(
                    box.element, box.element_tag, box.style["lang"],
                    bool(getattr(box, "is_leader", False)), box in notes)
            yield element

    with _patching:
        tags._build_box_tree = build
        try:
            yield record
        finally:
            tags._build_box_tree = original


def _hyphenated_runs(page: Any, page_number: int, marked: Any,
                     boxes: Any) -> Iterator[tuple[tuple[int, int], str]]:
    """The marked-content ids of the page whose text run ends a line with a hyphen that
    hyphenation inserted (not one written in the text)."""
    for line in page.descendants():
        if isinstance(line, boxes.LineBox) and (ending := hyphen_of(line)) is not None:
            last, hyphen = ending
            if last in marked:
                yield (page_number, marked[last]["mcid"]), hyphen


# --- the finished PDF -------------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """A marked-content sequence of a page (0-based page index)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Annotation:
    obj: pikepdf.Dictionary
    page: int


@dataclass(eq=False)
class Node:
    """A structure element, its kids in order."""

    obj: pikepdf.Dictionary
    page: int | None
    made: Made | None
    parent: Node | None
    kids: list[Node | Mark | Annotation] = field(default_factory=list)
    #: The structure type (``/S``), read once: it is asked for thousands of times.
    role: str = field(init=False)

    def __post_init__(self) -> None:
        self.role = str(self.obj.get("/S", ""))

    def retype(self, role: pikepdf.Name) -> None:
        self.obj.S = role
        self.role = str(role)

    def nodes(self) -> Iterator[Node]:
        """This node and every node below it, in document order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.nodes()

    def marks(self) -> Iterator[Mark]:
        for node in self.nodes():
            yield from (kid for kid in node.kids if isinstance(kid, Mark))

    def adopt(self, kids: list[Node | Mark | Annotation], at: int | None = None) -> None:
        for kid in kids:
            if isinstance(kid, Node):
                kid.parent = self
        if at is None:
            self.kids.extend(kids)
        else:
            self.kids[at:at] = kids

    def detach(self) -> None:
        if self.parent is not None:
            self.parent.kids.remove(self)
            self.parent = None

    def is_below(self, other: Node) -> bool:
        current = self.parent
        while current is not None:
            if current is other:
                return True
            current = current.parent
        return False


def finish(data: bytes, record: Record) -> bytes:
    """The PDF ``data`` WeasyPrint wrote while ``record`` was taken, finished (see the
    module's docstring)."""
    with pikepdf.open(BytesIO(data)) as pdf:
        Finisher(pdf, record).run()
        drawing_order(pdf)
        pdf.Root.PageMode = Name.UseOutlines
        out = BytesIO()
        pdf.save(out, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


class Finisher:
    def __init__(self, pdf: pikepdf.Pdf, record: Record) -> None:
        self.pdf = pdf
        self.record = record
        self.pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        self.ids = {str(e.get("id")): e for e in record.root.iter() if e.get("id")}
        #: Marked content that becomes an artifact: layout (leader dots), or pagination
        #: (anything left out of the tree: margin boxes, repeated table headers).
        self.layout: set[Mark] = set()
        self.reachable: set[Mark] = set()
        #: Marked-content sequences joined to the one before them in the content stream.
        self.joined: dict[Mark, Mark] = {}
        self.unicode: dict[tuple[int, int], dict[bytes, str]] = {}
        #: Annotations to remove, by page: those of links nested in links.
        self.dropped: dict[int, set[tuple[int, int]]] = {}
        self.streams = [Stream(pikepdf.parse_content_stream(page)) for page in pdf.pages]
        tree = pdf.Root.StructTreeRoot
        documents = tree.K if isinstance(tree.K, Array) else Array([tree.K])
        document = documents[0]
        assert isinstance(document, Dictionary)
        self.document = self.read(document, None, None)
        self.lang = str(pdf.Root.get("/Lang", ""))

    def read(self, obj: pikepdf.Dictionary, parent: Node | None, page: int | None) -> Node:
        pg = obj.get("/Pg")
        page = self.pages.get(pg.objgen, page) if isinstance(pg, Dictionary) else page
        node = Node(obj, page, self.record.made.get(obj.objgen[0]), parent)
        k = obj.get("/K", Array())
        for kid in (k if isinstance(k, Array) else [k]):
            if isinstance(kid, int):
                if page is not None:
                    node.kids.append(Mark(page, int(kid)))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                kid_page = self.pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                if kid_page is not None:
                    node.kids.append(Mark(kid_page, int(kid.MCID)))
            elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                kid_page = self.pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                annotation = kid.Obj
                assert isinstance(annotation, Dictionary)
                node.kids.append(Annotation(annotation, kid_page or 0))
            elif isinstance(kid, Dictionary) and "/S" in kid:
                node.kids.append(self.read(kid, node, page))
        return node

    def run(self) -> None:
        self.join_continued()
        self.join_nested_links()
        self.place_notes()
        self.scope_header_cells()
        self.decorations_as_artifacts()
        self.drop_empty(self.document)
        self.one_mark_per_heading()
        self.languages(self.document, self.lang)
        self.describe_links()
        self.write_annotations()
        self.write_tree()
        self.write_content()

    # --- structure ---------------------------------------------------------------------

    def join_continued(self) -> None:
        """One element per HTML element: the piece a page break (or a line break, for an
        inline element) cut off joins the piece before it, under the same parent."""
        last: dict[tuple[int, tuple[int, str | None, str]], Node] = {}
        for node in list(self.document.nodes()):
            made, parent = node.made, node.parent
            if made is None or made.element is None or parent is None:
                continue
            key = (id(parent), (id(made.element), made.tag, node.role))
            before = last.get(key)
            last[key] = node if before is None else before
            if before is None or before.parent is not parent or node.is_below(before):
                continue
            later_page = (node.page or 0) > (before.page or 0)
            next_to = parent.kids.index(node) == parent.kids.index(before) + 1
            if node.role in ("/THead", "/TFoot") and later_page:
                self.layout_artifacts(node, pagination=True)   # a repeated header group
                node.detach()
            elif later_page or next_to:
                kids, node.kids = node.kids, []
                node.detach()
                before.adopt(kids)

    def join_nested_links(self) -> None:
        """A link inside a link is part of it (generated content of an ``a``, such as the
        contents' leader and page number): its text joins the outer link, its annotation
        goes, and a leader's dots are layout artifacts."""
        for node in list(self.document.nodes()):
            outer = node.parent
            while outer is not None and outer.role != "/Link":
                outer = outer.parent
            if outer is None or node.parent is None:
                continue
            if node.role != "/Link":   # an inline element inside a link, as <sup> in <a>
                for extra in [k for k in node.kids if isinstance(k, Annotation)]:
                    self.drop_annotation(extra)
                    node.kids.remove(extra)
                continue
            parent = node.parent
            kept: list[Node | Mark | Annotation] = []
            for kid in node.kids:
                if isinstance(kid, Annotation):
                    self.drop_annotation(kid)
                elif isinstance(kid, Mark) and node.made is not None and node.made.leader:
                    self.layout.add(kid)
                else:
                    kept.append(kid)
            at = parent.kids.index(node)
            node.detach()
            parent.adopt(kept, at)

    def place_notes(self) -> None:
        """Footnotes are ``/Note`` elements with an ``/ID``, right after the link that calls
        them (where the note stands in the HTML)."""
        links = {str(n.made.element.get("href")): n for n in self.document.nodes()
                 if n.role == "/Link" and n.made is not None and n.made.element is not None
                 and n.made.element.get("href")}
        for number, node in enumerate(list(self.document.nodes()), start=1):
            if node.made is None or not node.made.note:
                continue
            node.retype(Name.Note)
            ident = node.made.element.get("id") if node.made.element is not None else None
            node.obj.ID = String(ident or f"note-{number}")
            call = links.get(f"#{ident}") if ident else None
            if call is not None and call.parent is not None:
                node.detach()
                call.parent.adopt([node], call.parent.kids.index(call) + 1)

    def scope_header_cells(self) -> None:
        for node in self.document.nodes():
            if node.role != "/TH":
                continue
            scope = node.made.element.get("scope") if node.made and node.made.element is not None \
                else None
            attributes = node.obj.get("/A")
            if not isinstance(attributes, Dictionary):
                attributes = node.obj.A = Dictionary(O=Name.Table)
            attributes.Scope = Name.Row if scope in ("row", "rowgroup") else Name.Column

    def decorations_as_artifacts(self) -> None:
        """What the HTML hides from assistive technology (``aria-hidden="true"``: the
        cover's wheel mark and colour band) is decoration, not a figure without
        alternative text: its elements leave the tree and their content is a layout
        artifact."""
        hidden = {id(inner) for element in self.record.root.iter()
                  if element.get("aria-hidden") == "true" for inner in element.iter()}
        for node in list(self.document.nodes()):
            if node.made is not None and id(node.made.element) in hidden and node.parent:
                self.layout_artifacts(node, pagination=False)
                node.detach()

    def drop_empty(self, node: Node) -> None:
        """Grouping elements left without content (a page's footnote area whose notes moved
        to their calls) go."""
        for kid in [k for k in node.kids if isinstance(k, Node)]:
            self.drop_empty(kid)
            if not kid.kids and kid.role in ("/NonStruct", "/Div", "/Span"):
                kid.detach()

    def one_mark_per_heading(self) -> None:
        """A heading's text is one marked-content sequence: WeasyPrint marks each line and
        run of text on its own; the runs of a heading follow one another in the content
        stream, so they are joined there, and the heading holds one id. Spans inside it
        that say nothing to assistive technology (no other language: a word kept whole, a
        phrase of a title set as a line) go with them."""
        for node in self.document.nodes():
            if not HEADING.match(node.role):
                continue
            inner = [n for n in node.nodes() if n is not node]
            marks = list(node.marks())
            lang = node.made.lang if node.made is not None else None
            if len(marks) < 2 or len({m.page for m in marks}) != 1 or any(
                    isinstance(k, Annotation) for n in node.nodes() for k in n.kids) or any(
                    n.role not in ("/Span", "/NonStruct") or
                    (n.made is not None and n.made.lang != lang) for n in inner):
                continue
            stream = self.streams[marks[0].page]
            if stream.joinable([m.mcid for m in marks]):
                self.joined.update(zip(marks[1:], marks, strict=False))
                node.kids = [marks[0]]

    def languages(self, node: Node, inherited: str) -> None:
        """``/Lang`` on every element whose language is not the document's (and, inside
        such an element, on one that is the document's again)."""
        lang = node.made.lang if node.made is not None and node.made.lang else inherited
        if node is not self.document and (_same(lang, inherited) and _same(lang, self.lang)):
            if "/Lang" in node.obj:
                del node.obj.Lang
        elif node is not self.document:
            node.obj.Lang = String(lang)
        for kid in node.kids:
            if isinstance(kid, Node):
                self.languages(kid, lang)

    def describe_links(self) -> None:
        """A link annotation's ``/Contents`` names its target in the edition's language: the
        link's ``title`` if it has one, else the target's name (:meth:`name_of`), else, for
        an address, the link's text."""
        for node in self.document.nodes():
            if node.role != "/Link":
                continue
            source = node.made.element if node.made is not None else None
            for kid in node.kids:
                if isinstance(kid, Annotation):
                    description = self.description(kid.obj, source)
                    if description:
                        kid.obj.Contents = String(description)

    def description(self, annotation: pikepdf.Dictionary, source: Any) -> str:
        if source is not None and source.get("title"):
            return collapse_spaces(str(source.get("title")))
        dest = annotation.get("/Dest")
        if isinstance(dest, String):
            target = self.ids.get(str(dest))
            if target is not None:
                back = f"#{source.get('id')}" if source is not None and source.get("id") \
                    else None
                return self.name_of(target, back)
        return _text(source) if source is not None else ""

    def name_of(self, target: Any, back: str | None) -> str:
        """A section by its heading, a heading or any other element by its text (leaving
        out a link back to where the reader came from)."""
        if _local(target.tag) in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return _text(target)
        labels = [self.ids[i] for i in str(target.get("aria-labelledby", "")).split()
                  if i in self.ids]
        if labels:
            return " ".join(_text(label) for label in labels)
        for element in target.iter():
            if _local(element.tag) in ("h1", "h2", "h3", "h4", "h5", "h6"):
                return _text(element)
        return _text(target, skip=back)

    def layout_artifacts(self, node: Node, pagination: bool) -> None:
        for mark in node.marks():
            if not pagination:
                self.layout.add(mark)

    def drop_annotation(self, annotation: Annotation) -> None:
        self.dropped.setdefault(annotation.page, set()).add(annotation.obj.objgen)

    def write_annotations(self) -> None:
        """Each page's annotations without those dropped."""
        for index, dropped in self.dropped.items():
            page = self.pdf.pages[index].obj
            annots = page.get("/Annots")
            if isinstance(annots, Array):
                page.Annots = Array([a for a in annots if a.objgen not in dropped])

    # --- writing ------------------------------------------------------------------------

    def write_tree(self) -> None:
        """Write every element's kids, parent and page, and a new parent tree."""
        pages = [page.obj for page in self.pdf.pages]
        marks: dict[int, dict[int, pikepdf.Dictionary]] = {}
        annotations: list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]] = []

        def write(node: Node) -> None:
            items: list[Any] = []
            for kid in node.kids:
                if isinstance(kid, Node):
                    kid.obj.P = node.obj
                    write(kid)
                    items.append(kid.obj)
                elif isinstance(kid, Mark):
                    marks.setdefault(kid.page, {})[kid.mcid] = node.obj
                    items.append(kid.mcid if kid.page == node.page else
                                 Dictionary(Type=Name.MCR, Pg=pages[kid.page], MCID=kid.mcid))
                else:
                    annotations.append((kid.obj, node.obj))
                    items.append(Dictionary(Type=Name.OBJR, Obj=kid.obj, Pg=pages[kid.page]))
            node.obj.K = items[0] if len(items) == 1 and node.role != "/Document" \
                else Array(items)

        write(self.document)
        self.reachable = {Mark(page, mcid) for page, found in marks.items() for mcid in found}
        nums: list[Any] = []
        for index, page in enumerate(pages):
            page.StructParents = index
            found = marks.get(index, {})
            nums += [index, Array([found.get(m) for m in range(max(found, default=-1) + 1)])]
        for number, (annotation, element) in enumerate(annotations, start=len(pages)):
            annotation.StructParent = number
            nums += [number, element]
        self.pdf.Root.StructTreeRoot.ParentTree = self.pdf.make_indirect(
            Dictionary(Nums=Array(nums)))
        self.pdf.Root.StructTreeRoot.ParentTreeNextKey = len(pages) + len(annotations)

    def write_content(self) -> None:
        """Artifacts, joined heading runs and marked hyphenation hyphens, in each page's
        content stream."""
        for index, (page, stream) in enumerate(zip(self.pdf.pages, self.streams, strict=True)):
            edits: dict[int, list[Any]] = {}
            fonts = page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary())
            for run in stream.runs:
                mark = Mark(index, run.mcid)
                if mark in self.joined:
                    edits[run.begin] = []
                    edits[stream.by_id[self.joined[mark].mcid].end] = []
                elif mark not in self.reachable:
                    kind = Name.Layout if mark in self.layout else Name.Pagination
                    properties = Dictionary(Type=kind)
                    if (index, run.mcid) in self.record.margins:
                        properties.Subtype = Name("/" + self.record.margins[(index, run.mcid)])
                    edits[run.begin] = [_operation("BDC", Name.Artifact, properties)]
                hyphen = self.record.hyphens.get((index, run.mcid))
                if hyphen and (mark in self.reachable or mark in self.joined):
                    edits.update(stream.mark_last_glyph(run, hyphen, fonts, self.unicode))
            if edits:
                operations: list[Any] = []
                for position, operation in enumerate(stream.operations):
                    operations.extend(edits.get(position, [operation]))
                page.obj.Contents = self.pdf.make_stream(
                    pikepdf.unparse_content_stream(operations))


def _same(a: str, b: str) -> bool:
    return a.lower() == b.lower()


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _text(element: Any, skip: str | None = None) -> str:
    """The element's text, whitespace collapsed, without links whose address is ``skip``."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if skip and _local(node.tag) == "a" and node.get("href") == skip:
            return
        parts.append(node.text or "")
        for child in node:
            walk(child)
            parts.append(child.tail or "")

    walk(element)
    return collapse_spaces("".join(parts))


@dataclass(frozen=True)
class Run:
    """A marked-content sequence with an id: its BDC and EMC positions in the stream."""

    mcid: int
    begin: int
    end: int


#: Operators that may stand between two runs of one heading joined into one: graphics
#: state only (nothing drawn, nothing marked).
BETWEEN = frozenset({"q", "Q", "cm", "gs", "rg", "RG", "g", "G", "k", "K", "cs", "CS", "sc",
                     "scn", "SC", "SCN", "w", "J", "j", "d", "M", "i", "ri"})


class Stream:
    """A page's content stream, parsed once, with its marked-content runs."""

    def __init__(self, operations: list[Any]) -> None:
        self.operations = operations
        self.runs: list[Run] = []
        open_runs: list[tuple[int, int | None]] = []
        for position, instruction in enumerate(operations):
            name = str(instruction.operator)
            if name in ("BDC", "BMC"):
                operands = instruction.operands if name == "BDC" else []
                properties = operands[1] if len(operands) > 1 else None
                found = properties.get("/MCID") if isinstance(properties, Dictionary) else None
                open_runs.append((position, int(found) if found is not None else None))
            elif name == "EMC" and open_runs:
                begin, mcid = open_runs.pop()
                if mcid is not None:
                    self.runs.append(Run(mcid, begin, position))
        self.runs.sort(key=lambda run: run.begin)
        self.by_id = {run.mcid: run for run in self.runs}

    def joinable(self, mcids: list[int]) -> bool:
        """Whether the runs follow one another in this order, with nothing drawn or marked
        and the graphics state balanced between them."""
        if any(m not in self.by_id for m in mcids):
            return False
        runs = [self.by_id[m] for m in mcids]
        for before, after in itertools.pairwise(runs):
            depth = 0
            for instruction in self.operations[before.end + 1:after.begin]:
                name = str(instruction.operator)
                depth += {"q": 1, "Q": -1}.get(name, 0)
                if name not in BETWEEN or depth < 0:
                    return False
            if depth:
                return False
        return True

    def mark_last_glyph(self, run: Run, hyphen: str, fonts: pikepdf.Object,
                        cache: dict[tuple[int, int], dict[bytes, str]]) -> dict[int, list[Any]]:
        """Wrap the run's last glyph, if it is ``hyphen``, in a ``/Span`` whose
        ``/ActualText`` is a soft hyphen."""
        font: Any = None
        shown: int | None = None
        for position in range(run.begin, run.end):
            instruction = self.operations[position]
            operator = str(instruction.operator)
            if operator == "Tf":
                font = fonts.get(instruction.operands[0]) if isinstance(fonts, Dictionary) \
                    else None
            elif operator == "TJ":
                shown, shown_font = position, font
        if shown is None:
            return {}
        items = list(self.operations[shown].operands[0])
        strings = [i for i, item in enumerate(items) if isinstance(item, String)]
        width = 2 if shown_font is not None and shown_font.get("/Subtype") == Name.Type0 else 1
        if not strings or shown_font is None:
            return {}
        last = strings[-1]
        code = bytes(items[last])
        if len(code) < width or _unicode(shown_font, cache).get(code[-width:]) != hyphen:
            return {}
        head = items[:last] + ([String(code[:-width])] if len(code) > width else [])
        tail = [String(code[-width:]), *items[last + 1:]]
        replacement = [_operation("TJ", Array(head))] if head else []
        replacement += [_operation("BDC", Name.Span, Dictionary(ActualText=SOFT_HYPHEN)),
                        _operation("TJ", Array(tail)), _operation("EMC")]
        return {shown: replacement}


def _operation(operator: str, *operands: Any) -> pikepdf.ContentStreamInstruction:
    return pikepdf.ContentStreamInstruction(list(operands), Operator(operator))


_CMAP_PAIR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
_CMAP_RANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
def _unicode(font: Any, cache: dict[tuple[int, int], dict[bytes, str]]) -> dict[bytes, str]:
    """A font's ``/ToUnicode`` character codes (bfchar and bfrange entries)."""
    cmap = font.get("/ToUnicode")
    if not isinstance(cmap, pikepdf.Stream):
        return {}
    key = cmap.objgen
    if key not in cache or key == (0, 0):
        data = cmap.read_bytes()
        found: dict[bytes, str] = {}
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
            for low, high, start in _CMAP_RANGE.findall(block):
                first = int(start, 16)
                for offset in range(int(high, 16) - int(low, 16) + 1):
                    code = (int(low, 16) + offset).to_bytes(len(low) // 2, "big")
                    found[code] = chr(first + offset)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
            for code, text in _CMAP_PAIR.findall(block):
                found[bytes.fromhex(code.decode())] = bytes.fromhex(text.decode()).decode(
                    "utf-16-be", "replace")
        cache[key] = found
    return cache[key]
