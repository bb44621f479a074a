"""The shape of the code, read from the source with `ast` (nothing is imported): the packages are layers,
no module import cycle, no long function.

The layers, lowest first, and why each sits where it does:

    ingest < indicators < index < retriever < answer < service < eval < api < cli

- ingest: plan files to parsed plans, chunks and the clause tree; also the domain vocabulary that every
  stage reads.
- indicators: the quantitative targets read from chunks. Below index, because the index extracts and
  persists them with the chunks (and the indicator names read their word lists from the vocabulary).
- index: the stores (FAISS + BM25, or Milvus) and the embedding model.
- retriever, then answer: the question pipeline over an index.
- service: the composition layer: settings, the runtime assembled from them, the live library.
- eval: measures the runtime that service assembles; it never goes through HTTP.
- api: the HTTP service over the live library.
- cli: the command line, on top of everything (it starts the API, runs the evaluation).

A module may import its own package and the packages below it, never one above: with a strict order
there is no import cycle between packages either. Lazy imports inside functions count like the others.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

REPO_DIR = Path(__file__).resolve().parents[1]
LAYERS = ["ingest", "indicators", "index", "retriever", "answer", "service", "eval", "api", "cli"]
MAX_FUNCTION_LINES = 80


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_DIR).with_suffix("").parts
    return ".".join(("carbonqa", *parts)).removesuffix(".__init__")


def source_files() -> dict[str, Path]:
    """Every module of the layered packages, by its installed name (carbonqa.index.store)."""
    files = {module_name(path): path for layer in LAYERS for path in (REPO_DIR / layer).rglob("*.py")}
    files["carbonqa"] = REPO_DIR / "__init__.py"
    return files


def imported_modules(name: str, path: Path, modules: set[str]) -> set[str]:
    """The carbonqa modules (or packages) a module imports, anywhere in its body."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..index import y
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from carbonqa.index import store` imports the module carbonqa.index.store
            found.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                         for alias in node.names)
    return {module for module in found if module == "carbonqa" or module.startswith("carbonqa.")}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    files = source_files()
    return {name: imported_modules(name, path, set(files)) - {name} for name, path in files.items()}


def layer(module: str) -> str:
    """The package a module belongs to; "" for the carbonqa package itself (the version)."""
    return module.split(".")[1] if "." in module else ""


def test_every_package_has_its_layer():
    packages = {path.parent.name for path in REPO_DIR.glob("*/__init__.py")} - {"tests"}
    assert packages == set(LAYERS), "place a new package in LAYERS (and say why in the docstring)"


def test_no_module_imports_a_package_above_its_own(graph):
    rank = {name: index for index, name in enumerate(LAYERS)} | {"": -1}
    upward = sorted(f"{module} imports {target}" for module, targets in graph.items() for target in targets
                    if rank[layer(target)] > rank[layer(module)])
    assert upward == []


def import_cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next((c for c in children if c in graph), None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(component)
    return cycles


def test_import_cycles_are_found():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert import_cycles(graph) == [{"a", "b", "c"}]


def test_no_module_import_cycle(graph):
    assert import_cycles(graph) == []


def test_no_function_is_over_80_lines():
    long = []
    for name, path in source_files().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
                lines = node.end_lineno - first + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []
