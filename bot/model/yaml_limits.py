"""YAML as a dataset file may be: PyYAML's safe loader, with limits on what it builds.

An imported file comes from anyone: the safe loader builds only plain values, and the
subclass here adds what it lacks, where it builds them, so a hostile file ends in one
line naming where it went wrong instead of a recursion, a blown-up alias or a traceback.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode
from yaml.reader import ReaderError

from bot.model.codec import DatasetError, quoted

MAX_DEPTH = 20
"""Nesting levels; a dataset file needs 5 (sections, records, fields, texts, values)."""
MAX_ALIASED_NODES = 10_000
"""Values that aliases (`*name`) may repeat in all: enough to share a title or a list,
far too few for a "billion laughs" file, where a few lines repeat a value a billion times."""
MAX_NUMBER_CHARS = 30
"""A whole number longer than this is no count, position or year (and Python refuses
to read one of more than 4,300 digits)."""


def load(text: str) -> Any:
    """The single document in `text`, or a DatasetError naming the line and column."""
    try:
        loader = _Loader(text)  # the reader checks every character here
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = exc.problem or exc.context or "not valid YAML"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise DatasetError(where, f"{_explained(problem)}{context}") from exc
    except ReaderError as exc:  # a character YAML does not allow (e.g. NUL)
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else 0
        raise DatasetError(
            f"line {line}, column {column}", f"character U+{code:04X} is not allowed in YAML"
        ) from exc


def _explained(problem: str) -> str:
    if "'\\t'" in problem:
        return f"{problem}: YAML indents with spaces, not tabs"
    return problem


_STANDARD = "tag:yaml.org,2002:"


class _Loader(yaml.SafeLoader):
    """Counts nesting and what aliases repeat while composing, before anything is built."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliased = 0
        self._sizes: dict[int, int] = {}  # anchored node (by id) → values it holds
        self._counts: list[int] = [0]  # values composed so far, per open collection

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
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


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor(None, _Loader.construct_undefined)
