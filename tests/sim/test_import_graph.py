"""The simulator's modules and parts import one way: none imports one that imports it back."""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle_inside_the_simulator() -> None:
    graph = grimp.build_graph("btse_tui")
    modules = {"btse_tui.sim", *graph.find_descendants("btse_tui.sim")}
    assert len(modules) > 30
    assert _cycles(graph, modules) == []


def test_no_import_cycle_between_the_simulators_parts() -> None:
    """Folded to its parts (engine/, wire/, hub, context …), the simulator still has no cycle."""
    graph = grimp.build_graph("btse_tui")
    modules = graph.find_descendants("btse_tui.sim")
    parts = grimp.ImportGraph()
    for module in modules:
        parts.add_module(_part(module))
    for module in modules:
        for imported in graph.find_modules_directly_imported_by(module) & modules:
            if _part(imported) != _part(module):
                parts.add_import(importer=_part(module), imported=_part(imported))
    names = parts.modules
    assert {"engine", "wire", "http", "ws", "market", "access", "hub", "context"} <= names
    assert _cycles(parts, names) == []


def _part(module: str) -> str:
    """`btse_tui.sim.engine.book` → `engine`; `btse_tui.sim.hub` → `hub`."""
    return module.split(".")[2]


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "b", "c"):
        graph.add_module(module)
    graph.add_import(importer="a", imported="b")
    graph.add_import(importer="b", imported="a")
    graph.add_import(importer="b", imported="c")
    assert _cycles(graph, {"a", "b", "c"}) == [["a", "b"]]
