"""The layering of the code, checked: every import points down, so no two packages depend
on each other, and what ships never imports what only tests and benchmarks use.

Read from the source with `ast`, imports inside functions included (a late import is still
a dependency). docs/architecture.md explains the layers.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path

from tests.conftest import ROOT

# Top first; a module may import its own layer's modules and any layer below.
LAYERS: tuple[frozenset[str], ...] = tuple(
    frozenset(layer)
    for layer in (
        {"bot.__main__", "bot.cli", "bot.audit_report"},
        {"bot.console"},
        {"bot.app"},
        {"handlers"},
        {"bot.schedule"},
        {"bot.views"},
        {"bot.telegram"},
        {"storage"},
        {"bot.text"},
        {"bot.model"},
        {"bot.config", "bot.logs", "bot"},  # bot: the package's empty __init__.py
    )
)
SHIPPED = ("bot", "handlers", "storage")


def unit(module: str) -> str:
    """The package a module belongs to: bot.views.partners -> bot.views; a module directly
    in bot/ is its own unit (bot.app); handlers.* -> handlers."""
    parts = module.split(".")
    if parts[0] == "bot" and len(parts) > 1:
        return ".".join(parts[:2])
    return parts[0]


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


@cache
def imports(path: Path) -> frozenset[str]:
    """Every module of ours `path` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError(f"{path}: a relative import, which this checker does not read")
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # `from bot.views import partners` imports the module bot.views.partners
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    ours = ("bot", "handlers", "storage", "harness", "tests", "bench")
    return frozenset(name for name in found if name.split(".")[0] in ours and _exists(name))


def _exists(module: str) -> bool:
    base = ROOT.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def graph(top: str) -> dict[str, set[str]]:
    """unit -> units it imports, over the modules under `top`."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in sorted((ROOT / top).rglob("*.py")):
        mine = unit(module_name(path))
        edges[mine].update(unit(other) for other in imports(path) if unit(other) != mine)
    return edges


def layer_of(name: str) -> int:
    return next(i for i, layer in enumerate(LAYERS) if name in layer)


def shipped_graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for top in SHIPPED:
        for source, targets in graph(top).items():
            edges[source] |= targets
    return edges


def test_every_unit_of_the_shipped_code_has_a_layer() -> None:
    edges = shipped_graph()
    units = set(edges) | {t for targets in edges.values() for t in targets}
    assert units <= set().union(*LAYERS)
    assert set().union(*LAYERS) <= units  # no layer names a unit that is gone


def upward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted(
        (a, b) for a, targets in edges.items() for b in targets if layer_of(b) < layer_of(a)
    )


def both_ways(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in edges.items() for b in targets if a in edges.get(b, ()))


def test_every_import_points_down_so_no_two_packages_depend_on_each_other() -> None:
    edges = shipped_graph()
    assert upward(edges) == []
    assert both_ways(edges) == []


def test_storage_reads_only_the_model_and_text() -> None:
    assert graph("storage")["storage"] <= {"bot.model", "bot.text"}


def test_the_views_know_nothing_of_storage_or_the_scheduler() -> None:
    assert graph("bot/views")["bot.views"] <= {"bot.model", "bot.text", "bot.telegram"}


def test_what_ships_imports_no_test_code_and_benchmarks_import_no_tests() -> None:
    dev_only = {"harness", "tests", "bench"}
    shipped = shipped_graph()
    assert not any(targets & dev_only for targets in shipped.values())
    assert "tests" not in graph("bench")["bench"]
    assert "bench" not in graph("tests")["tests"]
    assert not graph("harness")["harness"] & {"tests", "bench"}


def test_the_checker_sees_late_imports_and_catches_a_wrong_edge(tmp_path: Path) -> None:
    """The checker itself: the CLI's late import of the app counts; a late import of
    storage in a model module is read, and is caught as upward and as both ways."""
    assert "bot.app" in graph("bot")["bot.cli"]
    planted = tmp_path / "planted.py"
    planted.write_text("def f() -> None:\n    from storage.store import Storage\n")
    assert imports(planted) == {"storage.store"}
    edges = {**shipped_graph(), "bot.model": {"storage"}}
    assert upward(edges) == [("bot.model", "storage")]
    assert ("bot.model", "storage") in both_ways(edges)
