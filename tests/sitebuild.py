"""Helpers for tests: real projects copied into temp folders and built with real MkDocs.

A plain module (not conftest) so test files in any folder can import it by one name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("mkdocs.yml", "docs", "history", "gallery", "slogans", "people", "quiz")
PLAN = REPO.parent / "shared" / "source" / "ke-hoach-ky-niem-70-nam.txt"


def copy_project(target: Path) -> Path:
    """Copy the default site's project files (not the engine) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


def mkdocs(project: Path, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real ``mkdocs`` command in ``project``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return mkdocs(project, "build", "-d", str(project / "site"), *args)


