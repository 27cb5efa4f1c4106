"""YAML as a dataset file may be: PyYAML's safe loader, with limits on what it builds.

An imported file comes from anyone: the safe constructor builds only plain values, and
the mixin here (_Limits) adds what it lacks where PyYAML composes and builds: a limit on
nesting, on what aliases repeat, on numbers; dates and tags it cannot build refused. A
hostile file ends in one line naming its line and column instead of a recursion, a
blown-up alias or a traceback. libyaml parses when PyYAML has it; the limits are ours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from bot.model.codec import DatasetError, quoted

MAX_DEPTH = 20
"""Nesting levels; a dataset file needs 5 (sections, records, fields, texts, values)."""
MAX_ALIASED_NODES = 10_000
"""Values that aliases (`*name`) may repeat in all: enough to share a title or a list,
far too few for a "billion laughs" file, where a few lines repeat a value a billion times."""
MAX_NUMBER_CHARS = 30
"""A whole number longer than this is no count, position or year (and Python refuses
to read one of more than 4,300 digits)."""


def load(text: str, *, libyaml: bool = True) -> Any:
    """The single document in `text`, or a DatasetError naming the line and column.
    `libyaml`: read with libyaml where PyYAML has it (a 2.7 MiB file in 4 s instead of
    11 s on a busy 2-core machine), else with PyYAML's Python parser."""
    bad = Reader.NON_PRINTABLE.search(text)  # the reader's own test, once for both parsers
    if bad is not None:
        raise DatasetError(
            _where(text, bad.start()), f"character U+{ord(bad.group()):04X} is not allowed in YAML"
        )
    loader: Any = (_FAST if libyaml else _PYTHON)(text)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = exc.problem or exc.context or "not valid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        if mark and _at(text, mark.line, mark.column) == "\t":
            problem += ": a tab; YAML indents with spaces"
        raise DatasetError(where, f"{problem}{context}") from exc
    finally:
        loader.dispose()


def _where(text: str, index: int) -> str:
    line_start = text.rfind("\n", 0, index) + 1
    return f"line {text.count(chr(10), 0, index) + 1}, column {index - line_start + 1}"


def _at(text: str, line: int, column: int) -> str:
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
    return text[start + column : start + column + 1]


_STANDARD = "tag:yaml.org,2002:"


class _Limits(Composer, SafeConstructor):
    """Counts nesting and what aliases repeat while composing, before anything is built;
    refuses what the safe constructor would build wrongly or not at all."""

    if TYPE_CHECKING:  # from the parser it is mixed with (_loader)

        def peek_event(self) -> Any: ...
        def check_event(self, *choices: type) -> bool: ...

    def start_counting(self) -> None:
        self._depth = 0
        self._aliased = 0
        self._sizes: dict[int, int] = {}  # anchored node (by id) → values it holds
        self._counts: list[int] = [0]  # values composed so far, per open collection

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()
        if self.check_event(AliasEvent):
            node = super().compose_node(parent, index)
            assert node is not None
            size = self._sizes.get(id(node))
            if size is None:
                raise ConstructorError(
                    None, None, "an alias may not refer to a value it is inside", event.start_mark
                )
            self._aliased += size
            if self._aliased > MAX_ALIASED_NODES:
                raise ConstructorError(
                    None,
                    None,
                    f"aliases repeat more than {MAX_ALIASED_NODES:,} values in all",
                    event.start_mark,
                )
            self._counts[-1] += size
            return node
        if getattr(event, "tag", None) not in (None, "!"):  # !!float, !!set, !!python/...
            raise ConstructorError(
                None,
                None,
                f"the tag {quoted(event.tag.replace(_STANDARD, '!!', 1))} is not allowed: "
                "write plain values, quoted where needed",
                event.start_mark,
            )
        if self._depth >= MAX_DEPTH:
            raise ConstructorError(
                None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
            )
        self._depth += 1
        self._counts.append(0)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
            inner = self._counts.pop()
        size = 1 + inner
        self._counts[-1] += size
        if getattr(event, "anchor", None) is not None and node is not None:
            self._sizes[id(node)] = size
        return node

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key, _value in node.value:  # YAML would keep the last silently
            if isinstance(key, ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if (key.tag, key.value) in seen:
                    raise ConstructorError(
                        None, None, f"the key {quoted(key.value)} is given twice", key.start_mark
                    )
                seen.add((key.tag, key.value))
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:  # PyYAML's resolver takes "1e400, Bolivia" for a float, and float() fails
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            what = node.tag.replace(_STANDARD, "", 1)
            raise ConstructorError(
                None, None, f"{quoted(node.value)} is no {what} ({exc})", node.start_mark
            ) from exc

    def construct_yaml_int(self, node: ScalarNode) -> int:
        if len(node.value) > MAX_NUMBER_CHARS:
            raise ConstructorError(
                None, None, f"a number longer than {MAX_NUMBER_CHARS} characters", node.start_mark
            )
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: ScalarNode) -> Any:
        try:  # an unquoted 2024-13-45 looks like a date to YAML and fails in datetime
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise ConstructorError(
                None, None, f"{quoted(node.value)} is not a date ({exc})", node.start_mark
            ) from exc

    def construct_undefined(self, node: Node) -> Any:
        raise ConstructorError(
            None,
            None,
            f"the tag {quoted(node.tag.replace(_STANDARD, '!!', 1))} is not allowed: "
            "a dataset file holds plain values",
            node.start_mark,
        )


class _PyParser(Reader, Scanner, Parser):
    """yaml.SafeLoader's own reading parts."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)


def _loader(parsing: Any) -> Any:
    """A loader: `parsing` reads events, _Limits composes and builds."""

    class Loader(_Limits, parsing, Resolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            parsing.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            self.start_counting()

    own: Any = Loader  # the stubs allow constructors for yaml's own loaders only
    own.add_constructor(f"{_STANDARD}int", Loader.construct_yaml_int)
    own.add_constructor(f"{_STANDARD}timestamp", Loader.construct_yaml_timestamp)
    own.add_constructor(None, Loader.construct_undefined)
    own.add_constructor(f"{_STANDARD}value", SafeConstructor.construct_yaml_str)  # a lone "="
    return Loader


def _fast_parsing() -> type:
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return _PyParser
    return CParser


_PYTHON = _loader(_PyParser)
_FAST = _loader(_fast_parsing())
