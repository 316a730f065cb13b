"""The rules core is pure Python: it imports nothing from Django, and it keeps its policy
values in one module."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import decisions.rules

RULES_DIR = Path(decisions.rules.__file__).parent
MODULES = sorted(RULES_DIR.glob("*.py"))
REPO = RULES_DIR.parent.parent


def test_rules_modules_import_no_django() -> None:
    """Import every module of decisions/rules in a fresh interpreter (pytest-django has already
    loaded Django in this one) and check no django module came with them."""
    names = [f"decisions.rules.{m.stem}" for m in MODULES if m.stem != "__init__"]
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "import decisions.rules\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
        "print(len(decisions.rules.__all__))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


def test_rules_source_names_no_django() -> None:
    for module in MODULES:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                roots = [(node.module or "").split(".")[0]] if node.level == 0 else []
            else:
                continue
            allowed = {"__future__", "calendar", "collections", "dataclasses", "datetime"}
            # holidays: the Norwegian public holidays calendar (F2 deadlines), plain Python.
            allowed |= {"enum", "typing", "holidays"}
            assert set(roots) <= allowed, f"{module.name} imports {roots}"


def test_public_api_is_exported() -> None:
    for name in decisions.rules.__all__:
        assert hasattr(decisions.rules, name), name
