#!/usr/bin/env python3
"""How long ``kyniem check`` takes, as an editor meets it: the whole command, new process each run.

Measured on the default site and on a synthetic 300-chapter project
(scripts/make_big_site.py), each in a git repository with every file staged (so the
GPS check of photos in git's index runs, first without and then with its cache).
Side by side, in the same run, the baseline of reading the content alone
(``load_content``, what every build does anyway) in a new process.

    .venv/bin/python scripts/bench_check.py [--chapters 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from make_big_site import copy_parts, make_site  # noqa: E402

BASELINE = (
    "import sys; from pathlib import Path; from kyniem.cli import load_project; from kyniem.content import load_content;"
    "p = load_project(Path(sys.argv[1])); load_content(p.root, p.settings, include_drafts=True)"
)


def _seconds(command: list[str], runs: int) -> tuple[float, int]:
    """Median wall time of ``runs`` runs, and the exit status of the last."""
    times, status = [], 0
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    for _ in range(runs):
        started = time.perf_counter()
        status = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env).returncode
        times.append(time.perf_counter() - started)
    return statistics.median(times), status


def _git_staged(project: Path) -> None:
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    subprocess.run(["git", "-C", str(project), "add", "."], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapters", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as temp:
        default = copy_parts(Path(temp) / "mac-dinh")
        big = make_site(Path(temp) / f"{args.chapters}-chuong", args.chapters, 0)
        print(f"{'project':<22} {'baseline: read content':>24} {'kyniem check (1st)':>20} {'kyniem check':>14}")
        for name, project in (("default site", default), (f"{args.chapters} chapters", big)):
            _git_staged(project)
            baseline, _ = _seconds([python, "-c", BASELINE, str(project)], args.runs)
            first, _ = _seconds([python, "-m", "kyniem.cli", "check", str(project)], 1)
            again, status = _seconds([python, "-m", "kyniem.cli", "check", str(project)], args.runs)
            print(f"{name:<22} {baseline:>22.2f} s {first:>18.2f} s {again:>12.2f} s   (exit status {status})")


if __name__ == "__main__":
    main()
