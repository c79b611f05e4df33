"""Native Windows, in principle: the guide's commands are PowerShell and Python only, and kyniem
imports and keeps its cache without the Unix-only modules Windows lacks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "huong-dan" / "xuat-ban-windows.md"


def _commands() -> list[str]:
    blocks = re.findall(r"```powershell\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_windows_guide_uses_no_bash_step() -> None:
    commands = _commands()
    assert commands, "the guide shows its commands in powershell blocks"
    for command in commands:
        assert not re.search(r"\.sh\b|\bsource\b|\.venv/bin|\bsudo\b|\bapt\b|\bexport\b", command), command
    # The Python-only equivalent of scripts/setup.sh: a venv and the pinned install.
    setup = (REPO / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "pip install -q -c constraints.txt -e" in setup
    assert "python -m pip install -c constraints.txt -e ." in commands
    assert "py -3.11 -m venv .venv" in commands and ".venv\\Scripts\\activate" in commands
    for step in ("kyniem check", "mkdocs serve", "git pull", "git push"):
        assert step in commands, step
    assert any(c.startswith("git commit -m") for c in commands) and any(c.startswith("git add") for c in commands)
    assert "xuat-ban-windows.md" in (REPO / "huong-dan" / "xuat-ban.md").read_text(encoding="utf-8")


_WITHOUT_UNIX = r"""
import sys
sys.modules["fcntl"] = None  # as on Windows: "import fcntl" raises ImportError
from pathlib import Path
import kyniem.cli, kyniem.plugin, kyniem.check  # the commands an editor runs
from kyniem import store
root = Path(sys.argv[1])
first = store.CacheSession(root).open()
second = store.CacheSession(root).open()  # mkdocs serve and kyniem book side by side
(root / "old").mkdir()
first.retain(root, {"kept"})
print(first.close(clean=True), second.close(clean=True), (root / "old").is_dir(), store.worker_context() is not None)
"""


def test_kyniem_imports_and_keeps_its_cache_without_fcntl(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-c", _WITHOUT_UNIX, str(tmp_path / "cache")], capture_output=True,
                         text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert run.returncode == 0, run.stderr
    # Without a lock to tell whether it is alone, no build prunes an entry another may use.
    assert run.stdout.split() == ["False", "False", "True", "True"]
