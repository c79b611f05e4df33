"""Shared fixtures: the default site, built once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sitebuild import build, copy_project, refuse_reads_beside_the_repository

sys.addaudithook(refuse_reads_beside_the_repository)


@pytest.fixture(scope="session")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default site, built once per test session with --strict; returns its site/ folder."""
    project = copy_project(tmp_path_factory.mktemp("default") / "project")
    result = build(project, "--strict")
    assert result.returncode == 0, result.stderr
    return project / "site"
