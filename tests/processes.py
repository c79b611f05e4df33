"""Processes of a build under test, read from /proc: its workers, whether they still live, and
Ctrl+C as a terminal delivers it."""
from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    """``pid`` runs (a zombie does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def ctrl_c_heard() -> None:
    """In the build's process: Ctrl+C as in a terminal, even when the tests run in the background
    (a background job inherits SIGINT ignored, and Python then never raises KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupted_build(command: list[str], cwd: Path, env: dict[str, str],
                      ready: Callable[[], bool]) -> tuple[set[int], str]:
    """Start a build, press Ctrl+C once ``ready()`` says it is in the stage under test, and return
    the worker processes it had then and what it printed on stderr; it must stop without a traceback."""
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=ctrl_c_heard)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and not ready():
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.2)
    workers = descendants(process.pid)
    assert workers, "the stage runs worker processes"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0
    assert "Traceback" not in stderr
    time.sleep(1)  # let the ended workers be reaped
    return workers, stderr
