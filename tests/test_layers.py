"""Rules of the house that import-linter cannot state: names, not modules."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _private_imports(module: str, root: Path = ROOT / "bot") -> list[str]:
    """Where a module below ``root`` imports a private name of ``module``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == module:
                found += [f"{path.relative_to(root)}: {alias.name}" for alias in node.names
                          if alias.name.startswith("_")]
            elif isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                    and isinstance(node.value, ast.Name) and node.value.id == "dispatcher":
                found.append(f"{path.relative_to(root)}: dispatcher.{node.attr}")
    return found


def test_nothing_in_bot_uses_a_private_name_of_the_dispatcher() -> None:
    assert _private_imports("commands.dispatcher") == []


def test_the_check_sees_a_private_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from commands.dispatcher import Dispatcher, _kind\n")
    (tmp_path / "b.py").write_text("from commands import dispatcher\ndispatcher._log_inbound\n")
    assert _private_imports("commands.dispatcher", tmp_path) == [
        "a.py: _kind", "b.py: dispatcher._log_inbound"]
