"""`make test` must run every app's tests: pytest only collects the folders in testpaths, and
an app added without them would have its tests silently skipped in CI."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_folder_with_tests_is_in_testpaths():
    testpaths = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"][
            "testpaths"
        ]
    )
    with_tests = {
        path.parent.parent.name
        for path in ROOT.glob("*/tests/__init__.py")
        if not path.parent.parent.name.startswith(".") and path.parent.parent.name != "node_modules"
    }
    assert with_tests - testpaths == set()
