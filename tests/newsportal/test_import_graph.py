"""No import cycle among the project's modules, counting every import (also those inside
functions, which would otherwise hide a cycle): a lower layer never imports a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("articles", "comments", "newsportal")


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Project modules that ``path`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` imports the module a.b when there is one, else a.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    visiting, done = [], set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for target in sorted(graph.get(node, ())):
            if cycle := visit(target):
                return cycle
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        if cycle := visit(node):
            return cycle
    return None


def test_the_project_has_no_import_cycle():
    modules = project_modules()
    graph = {name: imports_of(path, name, modules) for name, path in modules.items()}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function(tmp_path):
    source = tmp_path / "articles"
    source.mkdir()
    (source / "models.py").write_text("from articles import search\n")
    (source / "search.py").write_text("def f():\n    from articles.models import Article\n")
    modules = {"articles.models": source / "models.py", "articles.search": source / "search.py"}
    graph = {name: imports_of(path, name, modules) for name, path in modules.items()}
    assert find_cycle(graph) == ["articles.models", "articles.search", "articles.models"]


def test_the_caching_package_imports_no_model():
    modules = project_modules()
    for name, path in modules.items():
        if name.startswith("newsportal.caching"):
            for target in imports_of(path, name, modules):
                assert not target.startswith(("articles", "comments")), (name, target)
