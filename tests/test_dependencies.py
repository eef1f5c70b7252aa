"""Dependencies point one way: coaching, cohorts, checkpoint and notifications build on courses, never
the reverse. Every import in courses/ is checked, including those inside functions."""

import ast
from pathlib import Path

from django.conf import settings

COURSES = Path(settings.BASE_DIR) / "courses"
APPS_ABOVE_COURSES = ("coaching", "cohorts", "checkpoint", "notifications")


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):  # every node: module level, functions, methods, conditionals
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and _is_dynamic_import(node):
            found.append((node.lineno, node.args[0].value))
    return found


def _is_dynamic_import(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return (
        name in ("import_module", "__import__")
        and bool(call.args)
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    )


def _is_above_courses(module: str) -> bool:
    return module.split(".")[0] in APPS_ABOVE_COURSES


def test_courses_imports_none_of_the_apps_built_on_it():
    offending = []
    files = sorted(COURSES.rglob("*.py"))
    assert len(files) > 20  # the walk found the app
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            if _is_above_courses(module):
                offending.append(f"{path.relative_to(settings.BASE_DIR)}:{line} imports {module}")
    assert not offending, "courses must not depend on the apps built on it:\n" + "\n".join(offending)


def test_the_check_sees_imports_inside_functions():
    source = "def f():\n    from cohorts import services\n    import checkpoint.models\n"
    source += "import importlib\nimportlib.import_module('coaching.selectors')\n"
    modules = [module for _, module in _imported_modules(ast.parse(source))]
    assert sorted(m for m in modules if _is_above_courses(m)) == ["checkpoint.models", "coaching.selectors", "cohorts"]


WEB_AND_API_MODULES = ("views.py", "api.py", "scorer_views.py")
APPS = ("accounts", "courses", "coaching", "cohorts", "checkpoint", "notifications", "outcomes")


def test_views_and_api_views_fetch_records_through_access_helpers():
    """Fetch-and-authorise has one style: an `access_*` helper in the app's access module, never a
    bare get_object_or_404 in a view, so no view can fetch a record without deciding who may see it."""
    offending = []
    for app in APPS:
        for name in WEB_AND_API_MODULES:
            path = Path(settings.BASE_DIR) / app / name
            if not path.exists():
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "get_object_or_404":
                    offending.append(f"{app}/{name}:{node.lineno}")
    assert not offending, "fetch through an access_* helper instead:\n" + "\n".join(offending)
