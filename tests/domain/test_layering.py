"""app/domain is pure Python: it never imports Flask (nor the web or storage layers)."""

import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
FORBIDDEN = ("flask", "flask_wtf", "flask_babel", "flask_login", "werkzeug", "sqlalchemy", "app.web", "app.persistence")


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against app.domain
                base = "app.domain" if node.level == 1 else "app"
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module


def test_domain_never_imports_the_framework():
    offenders = [
        f"{path.name}: {module}"
        for path in sorted(DOMAIN.glob("*.py"))
        for module in imported_modules(path)
        if any(module == f or module.startswith(f + ".") for f in FORBIDDEN)
    ]
    assert list(DOMAIN.glob("*.py")), "the domain package is empty"
    assert offenders == []
