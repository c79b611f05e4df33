"""Warm builds, kyniem against plain Material on the same pages, taken in turn (issue 14).

    python scripts/bench_warm.py                    # the default site and 30 chapters with 0 / 1,000 photos
    python scripts/bench_warm.py --sites default --runs 9

A warm build takes one or two seconds, and on a shared machine one run of it varies by more
than the targets allow (1.3× plain Material for the default site; 1 s added by 1,000 photos).
So each site's kyniem and plain Material builds are taken in turn, after two builds each
to warm the caches, and the medians of wall time and of CPU time (the build and its
workers) are printed side by side, with their ratio, and what 1,000 photos add to each.
The sites and plain Material's copy of them are made as scripts/bench_scale.py makes them.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import compile_kyniem, make_project, plain_project, with_book  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
SITES = {"default": (0, 0), "30x0": (30, 0), "30x1000": (30, 1000)}


def build(project: Path) -> tuple[float, float]:
    """Wall and CPU seconds (this build and its workers) of one ``mkdocs build``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=ENV, check=True,
                   capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(run[0] for run in runs), statistics.median(run[1] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", default="default,30x0,30x1000", help=f"comma-separated, of {', '.join(SITES)}")
    parser.add_argument("--runs", type=int, default=5, help="warm builds of each, taken in turn (default 5)")
    args = parser.parse_args()
    names = [name.strip() for name in args.sites.split(",") if name.strip()]
    unknown = [name for name in names if name not in SITES]
    if unknown:
        parser.error(f"unknown site {', '.join(unknown)}")
    compile_kyniem()
    work = Path(tempfile.mkdtemp(prefix="kyniem-bench-warm-"))
    try:
        projects: dict[str, tuple[Path, Path]] = {}
        for name in names:
            chapters, photos = SITES[name]
            project = make_project(work / name, chapters, photos)
            with_book(project, chapters == 0)  # the book as the default site ships; off for made sites
            build(project)
            plain = plain_project(project, work / name)
            for _ in range(2):
                build(project)
                build(plain)
            projects[name] = (project, plain)
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for name, (project, plain) in projects.items():
                runs.setdefault((name, "kyniem"), []).append(build(project))
                runs.setdefault((name, "plain"), []).append(build(plain))
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"Warm builds, {args.runs} each taken in turn, medians (load average {load:.2f})\n")
        print("| site | kyniem wall / CPU s | plain wall / CPU s | ×plain wall / CPU |")
        print("|---|---|---|---|")
        for name in projects:
            (kw, kc), (pw, pc) = medians(runs[(name, "kyniem")]), medians(runs[(name, "plain")])
            print(f"| {name} | {kw:.2f} / {kc:.2f} | {pw:.2f} / {pc:.2f} | {kw / pw:.2f} / {kc / pc:.2f} |")
        if "30x0" in projects and "30x1000" in projects:
            added = {engine: [a - b for a, b in zip(medians(runs[("30x1000", engine)]), medians(runs[("30x0", engine)]))]
                     for engine in ("kyniem", "plain")}
            print(f"\nAdded by 1,000 photos (target for kyniem: ≤ 1 s): kyniem {added['kyniem'][0]:+.2f} s wall, "
                  f"{added['kyniem'][1]:+.2f} s CPU; plain Material {added['plain'][0]:+.2f} s wall, "
                  f"{added['plain'][1]:+.2f} s CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
