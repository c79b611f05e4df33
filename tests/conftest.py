"""Shared fixtures: the default site, built once per session."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sitebuild import REPO, build, copy_project

# A fresh clone has nothing beside the repository: a test that opens a file in a folder next to
# it (../shared, another checkout) fails here instead of passing only on the author's machine.
_BESIDE = os.path.realpath(REPO.parent)
_INSIDE = os.path.realpath(REPO)


class ReadOutsideRepository(PermissionError):
    """A test opened a file beside the repository."""


def _refuse_reads_beside_the_repository(event: str, args: tuple) -> None:
    if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.realpath(os.fsdecode(args[0]))
    if path.startswith(_BESIDE + os.sep) and path != _INSIDE and not path.startswith(_INSIDE + os.sep):
        raise ReadOutsideRepository(f"tests must not read outside the repository: {path}")


sys.addaudithook(_refuse_reads_beside_the_repository)


@pytest.fixture(scope="session")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site, built once per test session with --strict; returns its site/ folder."""
    project = copy_project(tmp_path_factory.mktemp("default") / "project")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    return project / "site"
