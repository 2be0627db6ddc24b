"""The shape of app/: pure modules stay pure, and no module imports itself in a circle.

Both are read from the source (the AST), not from what happens to be imported.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app"

# The rules, statistics and parsing of each feature: plain Python, testable
# without a request or a database.
PURE = {
    "core": ("languages.py", "clock.py", "http/rate_limits.py", "yaml_documents.py", "workbooks.py"),
    "questionnaires": (
        "questionnaires/model.py",
        "questionnaires/answers.py",
        "questionnaires/xlsform.py",
        "questionnaires/workbook.py",
        "questionnaires/builder/document.py",
        "questionnaires/builder/entries.py",
        "questionnaires/translations/texts.py",
        "questionnaires/translations/xlsx.py",
    ),
    "meetings": ("meetings/codes.py", "meetings/plausibility.py", "meetings/topics/rule.py"),
    "participation": ("participation/pages.py",),
    "evaluation": (
        "evaluation/stats.py",
        "evaluation/indicators.py",
        "evaluation/priorities.py",
        "evaluation/anonymise.py",
        "evaluation/release.py",
        "evaluation/export/rows.py",
        "evaluation/export/formats.py",
        "evaluation/report/charts.py",
        "evaluation/api/openapi.py",
        "evaluation/report/plain.py",
        "evaluation/change.py",
    ),
    "accounts": ("accounts/login_limit.py", "accounts/passwords.py"),
    "network": ("network/rules.py", "network/strategy/model.py"),
}
FRAMEWORKS = ("flask", "flask_wtf", "flask_babel", "flask_login", "werkzeug", "wtforms", "sqlalchemy", "alembic")


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved; ``from a import b``
    counts as ``a.b`` when that is a module of the app, else as ``a``."""
    modules = _module_names()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return found


def app_modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py")}


def _module_names() -> set[str]:
    return set(app_modules())


def import_graph() -> dict[str, set[str]]:
    modules = app_modules()
    return {
        name: {imported for imported in imports_of(path) if imported in modules and imported != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each a cycle or several."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_pure_modules_import_no_framework_and_only_pure_modules_of_the_app():
    pure = {module_name(APP / relative) for files in PURE.values() for relative in files}
    offenders = []
    for files in PURE.values():
        for relative in files:
            path = APP / relative
            assert path.exists(), f"{relative} is named pure but does not exist"
            for module in imports_of(path):
                framework = module.split(".")[0] in FRAMEWORKS
                impure_app_module = module in app_modules() and module not in pure and module != "app"
                if framework or impure_app_module:
                    offenders.append(f"{relative}: {module}")
    assert offenders == []


def test_the_import_graph_of_app_has_no_cycle():
    graph = import_graph()
    assert len(graph) > 30  # the whole app was read
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_package_root_only_builds_the_app():
    """Features get the database session from app.db, never from the package root."""
    tree = ast.parse((APP / "__init__.py").read_text("utf-8"))
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert defined <= {"create_app", "_register_features", "_require_secret_key", "_trust_only_our_hosts"}
    users_of_root = [name for name, imported in import_graph().items() if "app" in imported and name != "app"]
    assert users_of_root == []
