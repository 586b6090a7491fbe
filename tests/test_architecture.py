"""The tree is the architecture: which folder may import which, and the reading twins in Python and the page."""

from __future__ import annotations

import ast
import re
from itertools import combinations

from conftest import ROOT

PACKAGE = ROOT / "pipeline"
FOLDERS = ("data", "model", "export", "read", "bench")
# The top: the build, the command line, the shared config and options, and the errors.
TOP = {"__init__", "__main__", "build", "cli", "quiet", "settings", "config", "errors"}
# Each folder and what it may import besides the top's leaves (config, errors, settings). Nothing imports bench
# but the command line, which offers `python -m pipeline bench`.
ALLOWED = {
    "data": set(),
    "read": set(),
    "model": {"data", "read"},
    "export": {"model", "read"},
    "bench": {"data", "model", "export", "read", "build"},
}
LEAVES = {"config", "errors", "settings"}


def _module(path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def _imports(path) -> set[str]:
    """Every pipeline module `path` imports, at the top or inside a function, resolved to its dotted name."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [f"{target}.{alias.name}" for alias in node.names]
            found |= {target, *names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name.startswith("pipeline.")}


def _part(name: str) -> str | None:
    """The folder or top-level module a dotted name belongs to (a name inside a module counts as that module)."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and (parts[1] in FOLDERS or parts[1] in TOP) else None


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        source = _part(_module(path)) or "__init__"
        edges.setdefault(source, set()).update(p for p in map(_part, _imports(path)) if p and p != source)
    return edges


def test_the_top_holds_only_the_build_the_command_line_the_config_and_the_errors():
    top = {path.stem for path in PACKAGE.glob("*.py")}
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and path.name != "__pycache__"}
    assert top <= TOP, f"modules at the top that belong in a folder: {sorted(top - TOP)}"
    assert folders == set(FOLDERS)


def test_each_folder_imports_only_what_comes_before_it():
    graph = _graph()
    for folder, allowed in ALLOWED.items():
        extra = graph.get(folder, set()) - allowed - LEAVES
        assert not extra, f"pipeline/{folder}/ imports {sorted(extra)}"
    for leaf in LEAVES:
        assert not graph.get(leaf, set()) - LEAVES, f"pipeline/{leaf}.py must import no folder"


def test_nothing_in_the_product_imports_the_benchmark():
    importers = {source for source, targets in _graph().items() if "bench" in targets and source != "bench"}
    assert importers == {"cli"}


def test_no_two_folders_import_each_other():
    graph = _graph()
    both_ways = [(a, b) for a, b in combinations(graph, 2) if b in graph[a] and a in graph.get(b, set())]
    assert not both_ways


def test_the_checker_sees_lazy_and_relative_imports():
    assert "pipeline.read.segment" in _imports(PACKAGE / "read" / "predict.py")
    assert "pipeline.bench.runner" in _imports(PACKAGE / "cli.py")  # imported inside a function


def test_reading_is_twinned_by_name_in_the_page():
    python = {path.stem for path in (PACKAGE / "read").glob("*.py")} - {"__init__"}
    page = {path.stem for path in (ROOT / "web" / "src" / "read").glob("*.js")}
    assert python == page


def test_the_pages_reading_imports_nothing_of_the_page():
    for path in (ROOT / "web" / "src" / "read").glob("*.js"):
        imported = re.findall(r"""(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]""", path.read_text())
        assert all(name.startswith(("./", "../backends/")) for name in imported), f"{path.name}: {imported}"
