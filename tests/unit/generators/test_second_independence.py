"""The second generator must stay independent of the matcher it checks.

It may import the standard library, numpy and itself; never kintrace (nor the demo generator),
so that no name rule of Kintrace can leak into the data it is checked on. import-linter does not
see bench/ (its root package is kintrace), hence this check on the source itself.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from support.generators import BENCH

PACKAGE = BENCH / "generators"
ALLOWED_THIRD_PARTY = {"numpy"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module":
            found.add("<dynamic import>")
    return found


def test_the_generator_imports_only_the_standard_library_and_itself() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 10, f"expected the generator's modules under {PACKAGE}"
    offending = {}
    for path in files:
        for module in _imports(path):
            top = module.split(".")[0]
            if top in ("generators", "__future__") or top in ALLOWED_THIRD_PARTY:
                continue
            if top in sys.stdlib_module_names:
                continue
            offending.setdefault(str(path.relative_to(BENCH)), []).append(module)
    assert not offending, f"imports outside the standard library / the generator: {offending}"


def test_the_generator_never_names_kintrace_in_an_import() -> None:
    for path in PACKAGE.rglob("*.py"):
        modules = _imports(path)
        assert not any(m.split(".")[0] == "kintrace" for m in modules), path
        assert "<dynamic import>" not in modules, path


def test_the_check_catches_a_kintrace_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from kintrace.names import compare\nimport json\n", encoding="utf-8")
    assert _imports(sample) == {"kintrace.names", "json"}
