"""When each content file last changed, from git history ("Cập nhật lần cuối").

One ``git log`` call covers a whole folder, so a site with a hundred chapters
costs one process, not a hundred. Without git, outside a repository, or for an
untracked file there is simply no date: the page then shows none.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .text import parse_date

_MARK = "\x1e"  # starts each commit's date line in our log format


def last_updated(root: Path, folder: str) -> dict[str, str]:
    """Map each file under ``root/folder`` (posix path relative to ``root``) to the
    ISO date (YYYY-MM-DD) of the last commit that touched it; {} without git."""
    try:
        result = subprocess.run(
            [
                "git", "-c", "core.quotepath=off", "log", "--relative", "--no-renames",
                f"--format={_MARK}%cs", "--name-only", "--", folder,
            ],
            cwd=root,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    if result.returncode != 0:
        return {}
    dates: dict[str, str] = {}
    current = ""
    for line in result.stdout.split("\n"):
        if line.startswith(_MARK):
            current = line[len(_MARK):].strip()
        elif line and current:
            dates.setdefault(line, current)
    return dates


def vi_long_date(iso: str) -> str:
    """A full date the way Vietnamese prose writes it: "27 tháng 11 năm 2026"."""
    parsed = parse_date(iso)
    if parsed is None or parsed[2] is None:
        return iso
    year, month, day = parsed
    return f"{day} tháng {month} năm {year}"


def updated_line(dates: dict[str, str], source: str) -> str | None:
    """The "Cập nhật lần cuối: …" line for a content file, or None without a date."""
    iso = dates.get(source)
    return f"Cập nhật lần cuối: {vi_long_date(iso)}" if iso else None
