"""Finding text a module writes on the spot instead of taking it from a templates module
(issue 17: each reason and refusal written once). Used by the registry's and the case rules'
tests."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path


def own_words(node: ast.AST) -> bool:
    """Whether `node` holds text written on the spot (`reason or "..."` too): an f-string, or a
    literal with a space (a column's or a limit's name is one word, and stays). A call's own
    arguments are its business (the values a template is filled in with)."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value
    if isinstance(node, ast.Call):
        return False
    return any(own_words(child) for child in ast.iter_child_nodes(node))


def called(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def carried_own_words(path: Path, carriers: frozenset[str]) -> Iterator[ast.Call]:
    """The calls to `carriers` in the module at `path` given text of their own."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and called(node) in carriers:
            values = [*node.args, *(k.value for k in node.keywords)]
            if any(own_words(value) for value in values):
                yield node
