#!/usr/bin/env python3
"""Measure the quiz as readers and editors meet it, side by side with a baseline from the same run.

    python scripts/bench_quiz.py            # copies the default site to a temp folder and builds it

Prints:
  * kyniem check time on the default project with the quiz folder, and without it (baseline);
  * first-load transfer of /tim-hieu/ in Chromium at a 360-px phone viewport (every byte: HTML, CSS, JS,
    fonts), beside the timeline page /bien-nien-su-kien/ (baseline: a generated text page);
  * the printed set: pages, cold render and cached render time;
  * the number of published and sample questions.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sitebuild import copy_project  # noqa: E402

from kyniem import quiz_print  # noqa: E402
from kyniem.check import check_project  # noqa: E402
from kyniem.cli import load_project  # noqa: E402
from kyniem.content import load_content  # noqa: E402
from kyniem.quiz import published  # noqa: E402


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No request log between the figures."""


def check_seconds(project: Path, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        check_project(load_project(project))
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def first_load(url: str) -> tuple[int, int]:
    """(bytes, requests) of a first load at a 360-px phone viewport."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
        responses: list = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        sizes = [len(response.body()) for response in responses if response.ok]
        browser.close()
    return sum(sizes), len(sizes)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp) / "project")
        with_quiz = check_seconds(project)
        content = load_content(project, load_project(project).settings, include_drafts=False)
        pool = published(content.questions)
        settings = load_project(project).settings
        started = time.perf_counter()
        built = quiz_print.build_set(content, settings, settings.quiz.seed, settings.quiz.print_count)
        cold = time.perf_counter() - started
        started = time.perf_counter()
        quiz_print.build_set(content, settings, settings.quiz.seed, settings.quiz.print_count)
        warm = time.perf_counter() - started
        assert built is not None
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], cwd=project,
                                capture_output=True, text=True)
        if result.returncode:
            sys.exit(result.stderr)
        site = project / "site"
        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        quiz_bytes, quiz_requests = first_load(base + "tim-hieu/")
        timeline_bytes, timeline_requests = first_load(base + "bien-nien-su-kien/")
        server.shutdown()
        html = (site / "tim-hieu" / "index.html").read_bytes()
        script = (site / "assets" / "kyniem" / "js" / "quiz.js").read_bytes()
        shutil.rmtree(project / "quiz")
        without_quiz = check_seconds(project)

    print(f"{'measure':46} {'quiz':>12} {'baseline':>12}")
    print(f"{'kyniem check, median of 5 (s)':46} {with_quiz:12.3f} {without_quiz:12.3f}   (baseline: no quiz/)")
    print(f"{'first load at 360 px (bytes)':46} {quiz_bytes:12,} {timeline_bytes:12,}   (baseline: timeline page)")
    print(f"{'first load at 360 px (requests)':46} {quiz_requests:12} {timeline_requests:12}")
    print(f"{'quiz page HTML, gzip (bytes)':46} {len(gzip.compress(html)):12,}")
    print(f"{'quiz.js as published, gzip (bytes)':46} {len(gzip.compress(script)):12,}")
    print(f"{'printed set: pages':46} {built[1].pages:12}")
    print(f"{'printed set: render cold / cached (s)':46} {cold:12.2f} {warm:12.3f}")
    print(f"{'published questions / sample questions':46} {len(pool):12} {sum(q.sample for q in pool):12}")


if __name__ == "__main__":
    main()
