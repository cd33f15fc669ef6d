"""Read YAML keeping the line of every key, so problems can point at file:line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .errors import Problem

KeyPath = tuple[str | int, ...]
MAX_DEPTH = 64
#: Values a file may hold once aliases are expanded: stops "billion laughs" documents.
MAX_VALUES = 100_000


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file: its data, and the line where each key path starts."""

    file: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line_of(self, path: KeyPath) -> int:
        """The line of the deepest part of ``path`` that exists in the file."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def problem(self, path: KeyPath, message: str) -> Problem:
        return Problem(self.file, self.line_of(path), dotted(path), message)

    def strings(self) -> Iterator[tuple[KeyPath, str]]:
        """Every text value with its key path, in file order."""
        def walk(value: Any, path: KeyPath) -> Iterator[tuple[KeyPath, str]]:
            if isinstance(value, dict):
                for key, item in value.items():
                    yield from walk(item, (*path, key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    yield from walk(item, (*path, index))
            elif isinstance(value, str):
                yield path, value

        return walk(self.data, ())


def dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


if TYPE_CHECKING:
    _Loader = yaml.SafeLoader
else:  # LibYAML's parser where PyYAML has it: ten times as fast, the same nodes and marks
    _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Constructor(_Loader):
    """SafeLoader whose timestamps stay strings: dates are checked by the schema."""


_Constructor.add_constructor(  # type: ignore[type-var]
    "tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_str)


def load_yaml(data: bytes, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse ``data``; return the document, or None and the problems that stopped it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(display, line, "", "not valid UTF-8 text")]
    try:
        loader = _Constructor(text)
    except yaml.reader.ReaderError as exc:
        return None, [_unreadable(display, text, exc)]
    try:
        node = loader.get_single_node()
        lines: dict[KeyPath, int] = {}
        value = _construct(loader, node, (), lines, [0]) if node is not None else None
    except yaml.reader.ReaderError as exc:  # LibYAML reads the text as it parses
        return None, [_unreadable(display, text, exc)]
    except RecursionError:
        return None, [Problem(display, 1, "", f"nested deeper than {MAX_DEPTH} levels")]
    except _BadValue as exc:
        return None, [Problem(display, exc.line, "", exc.message)]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 0)
        if "nesting depth" in str(exc.problem):  # LibYAML 0.2.6 and later stop at their own limit
            return None, [Problem(display, line, "", f"nested deeper than {MAX_DEPTH} levels")]
        return None, [Problem(display, line, "", f"YAML syntax error: {exc.problem}", column)]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, "", f"YAML error: {exc}")]
    except _TooDeep as exc:
        return None, [Problem(display, exc.line, "", f"nested deeper than {MAX_DEPTH} levels")]
    finally:
        loader.dispose()
    return YamlDocument(display, value, lines), []


def _unreadable(display: str, text: str, error: yaml.reader.ReaderError) -> Problem:
    """A character YAML does not allow (a control character), at its line."""
    line = text[: error.position].count("\n") + 1
    character = error.character if isinstance(error.character, int) else ord(
        text[error.position]) if error.position < len(text) else 0
    return Problem(display, line, "", f"character U+{character:04X} is not allowed in a "
                                      "YAML file")


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _BadValue(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def _scalar(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A scalar's value; one that Python refuses (an integer of 5,000 digits) is a problem."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        raise _BadValue(node.start_mark.line + 1, f"value not accepted: {exc}") from None


def _construct(loader: yaml.SafeLoader, node: yaml.Node, path: KeyPath,
               lines: dict[KeyPath, int], count: list[int]) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if len(path) > MAX_DEPTH:
        raise _TooDeep(node.start_mark.line + 1)
    count[0] += 1
    if count[0] > MAX_VALUES:
        raise _BadValue(node.start_mark.line + 1,
                        f"more than {MAX_VALUES} values (aliases expanding too far?)")
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _BadValue(key_node.start_mark.line + 1,
                                "a key must be plain text, not a list or mapping")
            key = _scalar(loader, key_node)
            if not isinstance(key, str):
                raise _BadValue(key_node.start_mark.line + 1,
                                f"the key {key_node.value!r} is read by YAML as {key!r}, not "
                                f"as text: quote it ('{key_node.value}') or give it a name "
                                "that begins with a letter")
            if key in result:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark)
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(loader, value_node, (*path, key), lines, count)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, (*path, i), lines, count)
                for i, item in enumerate(node.value)]
    return _scalar(loader, node)
