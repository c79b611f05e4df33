"""Warm builds, kyniem against plain Material on the same pages, taken in turn (issue 14).

    python scripts/bench_warm.py                    # the default site and 30 chapters with 0 / 1,000 photos
    python scripts/bench_warm.py --sites default --runs 9
    git archive main | tar -x -C /tmp/kyniem-main        # an earlier kyniem, measured in the same turns:
    python scripts/bench_warm.py --sites 30x0,30x1000 --baseline /tmp/kyniem-main

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
SITES = {"default": (0, 0), "30x0": (30, 0), "30x1000": (30, 1000), "300x0": (300, 0)}


def build(project: Path, engine: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (this build and its workers) of one ``mkdocs build``; ``engine``: the
    kyniem checkout to import (default: this one, or what PYTHONPATH names)."""
    env = ENV if engine is None else {**ENV, "PYTHONPATH": str(engine)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env, check=True,
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
    parser.add_argument("--baseline", type=Path, help="another kyniem checkout (e.g. main, unpacked by git archive), "
                        "built in the same turns on its own copy of each site and printed as 'baseline'")
    args = parser.parse_args()
    names = [name.strip() for name in args.sites.split(",") if name.strip()]
    unknown = [name for name in names if name not in SITES]
    if unknown:
        parser.error(f"unknown site {', '.join(unknown)}")
    compile_kyniem()
    work = Path(tempfile.mkdtemp(prefix="kyniem-bench-warm-"))
    try:
        projects: dict[str, tuple[Path, Path, Path | None]] = {}
        for name in names:
            chapters, photos = SITES[name]
            project = make_project(work / name, chapters, photos)
            with_book(project, chapters == 0)  # the book as the default site ships; off for made sites
            build(project)
            plain = plain_project(project, work / name)
            baseline = None
            if args.baseline is not None:  # its own copy: the two engines' caches stay apart
                baseline = work / name / "baseline"
                shutil.copytree(project, baseline, symlinks=True, ignore=shutil.ignore_patterns(".cache", "site"))
                build(baseline, args.baseline)
            for _ in range(2):
                build(project)
                build(plain)
                if baseline is not None:
                    build(baseline, args.baseline)
            projects[name] = (project, plain, baseline)
        runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for name, (project, plain, baseline) in projects.items():
                runs.setdefault((name, "kyniem"), []).append(build(project))
                runs.setdefault((name, "plain"), []).append(build(plain))
                if baseline is not None:
                    runs.setdefault((name, "baseline"), []).append(build(baseline, args.baseline))
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"Warm builds, {args.runs} each taken in turn, medians (load average {load:.2f})\n")
        engines = ["kyniem", "plain", *(["baseline"] if args.baseline is not None else [])]
        print("| site | " + " | ".join(f"{engine} wall / CPU s" for engine in engines)
              + " | ×plain wall / CPU |" + (" baseline ×plain |" if args.baseline is not None else ""))
        print("|---" * (len(engines) + 2 + (args.baseline is not None)) + "|")
        for name in projects:
            got = {engine: medians(runs[(name, engine)]) for engine in engines}
            (kw, kc), (pw, pc) = got["kyniem"], got["plain"]
            line = f"| {name} | " + " | ".join(f"{w:.2f} / {c:.2f}" for w, c in got.values())
            line += f" | {kw / pw:.2f} / {kc / pc:.2f} |"
            if "baseline" in got:
                line += f" {got['baseline'][0] / pw:.2f} / {got['baseline'][1] / pc:.2f} |"
            print(line)
        if "30x0" in projects and "30x1000" in projects:
            added = {engine: [a - b for a, b in zip(medians(runs[("30x1000", engine)]), medians(runs[("30x0", engine)]))]
                     for engine in engines}
            print("\nAdded by 1,000 photos (target for kyniem: ≤ 1 s): " + "; ".join(
                f"{engine} {wall:+.2f} s wall, {cpu:+.2f} s CPU" for engine, (wall, cpu) in added.items()))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
