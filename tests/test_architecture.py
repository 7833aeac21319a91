"""The house as docs/architecture.md draws it: packages in layers, imports only downwards, no circle.

Read from the code's own import statements (those inside functions and ``TYPE_CHECKING`` blocks
included: a lazy import is still a dependency), so a new arrow that runs back up, or two modules
that import each other, fails here with the names of the files.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "quizgen"

#: Each package of quizgen/ and the layer it sits on: a module may import its own package and
#: the packages of lower layers, never a higher one. The same table is in docs/architecture.md.
LAYERS = {
    "kernel": 0,
    "maths": 1,
    "generation": 2,
    "export": 3,
    "grading": 4,
    "practice": 5,
    "checking": 5,
    "web": 6,
    "commands": 7,
}
#: Modules at the top of quizgen/: the package face (``__version__``) and the command-line entry.
TOP = {"quizgen": -1, "quizgen.__main__": 8, "quizgen.cli": 8}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """The quizgen modules ``path`` imports (``from a import b`` counts as ``a.b`` when that is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "quizgen":
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "quizgen"}
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _layer(module: str) -> int:
    if module in TOP:
        return TOP[module]
    return LAYERS[module.split(".")[1]]


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS), "a package was added or removed: give it a layer here and in docs/architecture.md"
    assert {m for m in MODULES if m.count(".") == 1 and not (PACKAGE / m.split(".")[1] / "__init__.py").is_file()} \
        == {"quizgen.__main__", "quizgen.cli"}, "a module at the top of quizgen/: put it in the package of its stage"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down(module: str) -> None:
    up = sorted(t for t in GRAPH[module] if t in MODULES and _layer(t) > _layer(module))
    assert not up, f"{module} (layer {_layer(module)}) imports {up}, which sit higher: move the shared piece down"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_two_modules_import_each_other_even_through_others() -> None:
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_the_layer_check_sees_a_lazy_import_inside_a_function(tmp_path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from quizgen.web import app\n    import quizgen.grading.item\n", encoding="utf-8")
    assert _imports(source) == {"quizgen.web.app", "quizgen.grading.item"}
