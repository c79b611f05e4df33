"""The repository is complete and its package well layered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sitebuild import PLAN, REPO, ReadOutsideRepository


def test_a_test_reading_beside_the_repository_fails() -> None:
    # The guard refuses a read beside the repository (the folder a fresh clone lacks).
    beside = REPO.parent.joinpath("shared", "source", "ke-hoach-ky-niem-70-nam.txt")
    with pytest.raises(ReadOutsideRepository):
        beside.read_text(encoding="utf-8")
    with pytest.raises(ReadOutsideRepository):
        open(REPO / ".." / "anything.txt", "rb")


def test_the_plan_the_tests_compare_with_is_in_the_repository() -> None:
    assert PLAN.is_relative_to(REPO)
    assert "Một số khẩu hiệu tuyên truyền:" in PLAN.read_text(encoding="utf-8")


def _imports(path: Path) -> set[str]:
    """kyniem modules a module imports, type-checking imports included (a cycle is a cycle)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kyniem."):
            found.add(node.module.split(".")[1])
    return found


def test_the_package_has_no_import_cycle() -> None:
    package = REPO / "kyniem"
    graph = {p.stem: _imports(p) & {q.stem for q in package.glob("*.py")} for p in package.glob("*.py")}
    graph.pop("__init__", None)
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycles.append(path[path.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, path + [nxt])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        visit(start, [start])
    assert cycles == []


def test_one_module_writes_files_atomically() -> None:
    """Temporary files, renames and cache deletion live in kyniem/store.py only.

    The importer may remove the image folder it has just created itself when writing the
    chapter fails (a rollback of new content files, not a cache cleanup)."""
    allowed = {"importer.py: shutil.rmtree"}
    offenders = []
    for path in (REPO / "kyniem").glob("*.py"):
        if path.name == "store.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("mkstemp", "os.replace(", ".replace(cached", "shutil.rmtree", "tempfile."):
            if needle in text and f"{path.name}: {needle}" not in allowed:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []
