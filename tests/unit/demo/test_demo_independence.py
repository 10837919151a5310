"""The generator knows names on its own: the matcher is evaluated on its output."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import kintrace.demo
from kintrace.demo.tables import load_tables

DEMO_DIR = Path(kintrace.demo.__file__).parent


def test_demo_code_never_imports_kintrace_names() -> None:
    for path in DEMO_DIR.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            assert not any(m.startswith("kintrace.names") for m in modules), path.name


def test_generating_loads_no_matcher_module() -> None:
    code = (
        "import sys; from kintrace.demo import generate; generate(children=50, seed=1); "
        "print(sorted(m for m in sys.modules "
        "if m.startswith(('kintrace.names', 'kintrace.linkage'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tables_are_hand_written_and_consistent() -> None:
    tables = load_tables()
    given = tables.boys.items + tables.girls.items
    assert len(given) >= 80
    assert all(g.ua and g.ru for g in given)
    assert {g.sex for g in tables.boys.items} == {"M"}
    assert {g.sex for g in tables.girls.items} == {"F"}
    assert len(tables.surnames.items) >= 100
    assert all(s.ua_female and s.ru_female for s in tables.surnames.items)
    assert all(p.kind in ("occupied", "crimea") for p in tables.birth_places.items), (
        "children are taken from occupied areas"
    )
    assert all(p.region for p in tables.russia_places.items)
