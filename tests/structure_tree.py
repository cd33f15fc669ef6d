"""The structure tree of a tagged PDF, read for tests: each element with the language it
is in (its own /Lang, else its parent's, else the document's)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pikepdf


@dataclass
class Element:
    obj: pikepdf.Dictionary
    parent: Element | None
    lang: str
    kids: list[Element]

    @property
    def role(self) -> str:
        return str(self.obj.get("/S"))


def kids(obj: pikepdf.Object) -> list[pikepdf.Object]:
    k = obj.get("/K") if isinstance(obj, pikepdf.Dictionary) else None
    return list(k) if isinstance(k, pikepdf.Array) else [] if k is None else [k]


def tree(pdf: pikepdf.Pdf) -> Element:
    """The structure tree from /Document down, with each element's effective language."""
    def read(obj: pikepdf.Dictionary, parent: Element | None, lang: str) -> Element:
        lang = str(obj.get("/Lang", lang))
        element = Element(obj, parent, lang, [])
        element.kids = [read(k, element, lang) for k in kids(obj)
                        if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        return element

    document = kids(pdf.Root.StructTreeRoot)[0]
    assert isinstance(document, pikepdf.Dictionary)
    return read(document, None, str(pdf.Root.Lang))


def walk(element: Element) -> Iterator[Element]:
    yield element
    for kid in element.kids:
        yield from walk(kid)
