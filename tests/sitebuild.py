"""Helpers for tests: real projects copied into temp folders and built with real MkDocs.

A plain module (not conftest) so test files in any folder can import it by one name."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from make_big_site import copy_parts  # noqa: E402
# The plan the default site publishes, as it was given (a copy: tests read nothing outside the repository).
PLAN = REPO / "tests" / "data" / "ke-hoach-ky-niem-70-nam.txt"


def copy_project(target: Path) -> Path:
    """Copy the default site's project files (not the engine) into ``target``, as the benchmarks do."""
    return copy_parts(target)


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




@contextlib.contextmanager
def mkdocs_serve(project: Path) -> Iterator[str]:
    """The real ``mkdocs serve`` of ``project`` on a free port; yields its base URL once it answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError("mkdocs serve did not answer") from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


# conftest.py installs refuse_reads_beside_the_repository as an audit hook. A fresh clone has
# nothing beside the repository: a test that opens a file in a folder next to it (the plan's
# source folder, another checkout) fails here instead of passing only on the author's machine.
_BESIDE = os.path.realpath(REPO.parent)
_INSIDE = os.path.realpath(REPO)


class ReadOutsideRepository(PermissionError):
    """A test opened a file beside the repository."""


def refuse_reads_beside_the_repository(event: str, args: tuple) -> None:
    if event != "open" or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = os.path.realpath(os.fsdecode(args[0]))
    if path.startswith(_BESIDE + os.sep) and path != _INSIDE and not path.startswith(_INSIDE + os.sep):
        raise ReadOutsideRepository(f"tests must not read outside the repository: {path}")
