#!/usr/bin/env python3
"""Benchmark kyniem at scale, side by side with plain Material on the same Markdown.

    python scripts/bench_scale.py                       # every row below (long: run it once)
    python scripts/bench_scale.py --rows 30x0,300x0     # chosen rows, CHAPTERSxPHOTOS
    python scripts/bench_scale.py --rows default        # the default site only
    python scripts/bench_scale.py --from-json out.json  # the tables of a run saved with --json out.json
    python scripts/bench_scale.py --rows 30x0,30x1000,30x3000 --book-up-to 0 --warm-runs 3   # the photo rows

Rows: the default site, then sites made by scripts/make_big_site.py with 30, 300 and
1,000 chapters and no photos, and 30 chapters with 1,000 and 3,000 small photos (only
their count matters here; scripts/bench_gallery.py measures full-size photos).

For each row, in one run and on the same machine:

* kyniem: cold build (empty cache), warm build (nothing changed), one-edit build (one
  chapter's text changed), each with peak memory (the peak of the sum over the build's whole
  process tree, sampled from /proc: scripts/treemem.py; and its largest single process) and its
  stages (from kyniem's timing record, .cache/kyniem/build-report.json);
* plain Material: the same Markdown pages (dumped from the kyniem build by a hook),
  the same theme, plugins and extensions without kyniem, cold and warm;
* bytes: the whole site, its HTML, the HTML of one chapter page, the offline zip;
* with --serve (rows of chapters only): the editor's loop under ``mkdocs serve --dirty`` (kyniem) and
  ``mkdocs serve`` (plain Material): seconds from saving a chapter to the served page
  showing the change (a marker new in each run), for a new chapter until its page is
  served, for a renamed chapter until its new address is served, and until every other
  page's menu lists the new chapter ("all menus": kyniem's second pass).

Then the growth per chapter and per photo between rows, to check it stays linear.
The book is rendered in every row up to --book-up-to chapters (default 1,000, every row): it is
rendered part by part in workers (kyniem/book.py), so 1,000 chapters (4,380 pages) take minutes,
not gigabytes; --book-up-to 0 leaves it out, to measure the site alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_big_site import copy_parts, make_site  # noqa: E402
from treemem import TreeSampler  # noqa: E402

DEFAULT_ROWS = "default,30x0,300x0,1000x0,30x1000,30x3000"
PHOTO_WIDTH = 320
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}

# A hook run after every plugin's on_files: writes each page's Markdown where plain Material reads it.
DUMP_HOOK = '''
import os
from pathlib import Path
from mkdocs.plugins import event_priority

@event_priority(-1000)
def on_files(files, config):
    out = Path(os.environ["KYNIEM_BENCH_DUMP"])
    for file in files.documentation_pages():
        target = out / file.src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(file.content_string, encoding="utf-8")
    return files
'''


@dataclass
class Run:
    seconds: float
    peak_mib: float  # the largest single process (ru_maxrss)
    stages: dict[str, float] = field(default_factory=dict)
    tree_mib: float = 0.0  # the peak of the sum over the build and its workers (what the machine holds)
    cpu_seconds: float = 0.0  # CPU time of the build and its workers: steadier than wall time on a shared machine


@dataclass
class Row:
    name: str
    chapters: int
    photos: int
    runs: dict[str, Run] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    serve: dict[str, float] = field(default_factory=dict)


def run_build(project: Path, *args: str) -> Run:
    """``mkdocs build`` in ``project``: wall time and peak memory (largest process, and summed over its workers)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q", *args], cwd=project, env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(process.pid)
    stderr = process.stderr.read() if process.stderr else ""
    tree_mib = sampler.stop()  # stderr closes when the build ends, before it is reaped (the tree is still there)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"build failed in {project}:\n{stderr[-3000:]}")
    report = project / ".cache" / "kyniem" / "build-report.json"
    stages = ({s["name"]: s["seconds"] for s in json.loads(report.read_text(encoding="utf-8"))["stages"]}
              if report.is_file() else {})
    single = usage.ru_maxrss / 1024
    # Sampling every 20 ms can miss a short spike; the sum is at least the largest process.
    return Run(seconds, single, stages, max(tree_mib, single), sampler.cpu_seconds)


# Warm builds of each row, kyniem's and plain Material's, and one-chapter edits, the fastest kept (--warm-runs):
# on a shared machine a build of a few seconds varies by more than the second the photo target allows, and by
# more than the 1.3× an edit may take over a warm build.
WARM_RUNS = 1


def best_of(runs: int, build: Callable[[], Run]) -> Run:
    return min((build() for _ in range(max(1, runs))), key=lambda run: run.seconds)


def make_project(work: Path, chapters: int, photos: int) -> Path:
    project = work / "kyniem"
    if chapters or photos:
        make_site(project, chapters, photos, PHOTO_WIDTH)
    else:  # the default site, as the repository holds it
        copy_parts(project)
    return project


def plain_project(project: Path, work: Path) -> Path:
    """The same Markdown and mkdocs.yml without kyniem: dump the pages with a hook, then strip the plugin."""
    dump = work / "plain" / "docs"
    settings = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "bench_dump.py").write_text(DUMP_HOOK, encoding="utf-8")
    (project / "mkdocs-dump.yml").write_text(
        settings + "\nhooks:\n  - bench_dump.py\n", encoding="utf-8")
    env = {**ENV, "KYNIEM_BENCH_DUMP": str(dump)}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-dump.yml", "-d", str(work / "dump")],
                   cwd=project, env=env, check=True, capture_output=True)
    shutil.rmtree(work / "dump")
    for name in ("bench_dump.py", "mkdocs-dump.yml"):
        (project / name).unlink()
    plain = re.sub(r"\n  - kyniem:\n(?:      .*\n)+", "\n", settings)
    plain = re.sub(r"\n  (logo|favicon): assets/kyniem/.*", "", plain)
    (work / "plain" / "mkdocs.yml").write_text(plain, encoding="utf-8")
    return work / "plain"


def with_book(project: Path, book: bool) -> None:
    """Turn the book off for rows beyond --book-up-to (kept on otherwise, as the site ships)."""
    if not book:
        path = project / "mkdocs.yml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("  - kyniem:\n", "  - kyniem:\n      book:\n        enabled: false\n", 1),
                        encoding="utf-8")


def chapter_files(project: Path) -> list[Path]:
    """The chapters' source files: history/ for kyniem, the dumped pages for plain Material."""
    history = sorted((project / "history").glob("*.md"))
    return history or sorted(p for p in (project / "docs" / "lich-su").glob("*.md") if p.name != "index.md")


def edit_chapter(project: Path, marker: str) -> str:
    """Change one chapter's text (the middle one); return the URL path of its page."""
    chapters = chapter_files(project)
    chapter = chapters[len(chapters) // 2]
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.rstrip("\n") + f"\n\nĐoạn sửa để đo {marker}.\n", encoding="utf-8")
    slug = re.sub(r"^\d+-", "", chapter.stem)
    return f"lich-su/{slug}/"


def add_chapter(project: Path) -> tuple[Path, str]:
    """A new first chapter, a year before the first one (periods may not overlap); returns its file and URL path.

    It becomes the first page of the first part, the costliest place for kyniem's menu:
    every page links to that part through its first page, so every page is rendered again.
    """
    first = chapter_files(project)[0]
    name = "0000-chuong-moi-them.md" if first.parent.name == "history" else "chuong-moi-them.md"
    new = first.parent / name
    text = first.read_text(encoding="utf-8")
    year = re.search(r"period: \[(\d+)", text)
    if year:
        text = text.replace(year.group(1), str(int(year.group(1)) - 1))
    new.write_text(re.sub(r"^(title: ['\"]?)", r"\1Chương mới thêm – ", text, count=1, flags=re.M), encoding="utf-8")
    return new, "lich-su/chuong-moi-them/"


def rename_chapter(project: Path) -> tuple[Path, Path, str]:
    """Rename the chapter a third of the way in (its URL changes); returns its old and new file, new URL path."""
    chapters = chapter_files(project)
    chapter = chapters[len(chapters) // 3]
    renamed = chapter.with_name(f"{chapter.stem}-doi-ten.md")
    chapter.rename(renamed)
    slug = re.sub(r"^\d+-", "", renamed.stem)
    return chapter, renamed, f"lich-su/{slug}/"


def sizes(site: Path) -> dict[str, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    chapters = sorted((site / "lich-su").glob("*/index.html"))
    middle = chapters[len(chapters) // 2] if chapters else None
    zips = list(site.glob("tai-ve/*.zip"))
    return {
        "site": sum(p.stat().st_size for p in files),
        "html": sum(p.stat().st_size for p in html),
        "chapter_html": middle.stat().st_size if middle else 0,
        "zip": zips[0].stat().st_size if zips else 0,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return None


def wait_for(url: str, needle: str, limit: float) -> float | None:
    """Seconds until ``url`` serves a page containing ``needle`` (None after ``limit``)."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        body = fetch(url)
        if body is not None and needle in body:
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


def serve_latency(project: Path, dirty: bool) -> dict[str, float]:
    """Save a chapter / add a chapter under a running ``mkdocs serve``; seconds until each shows."""
    port = free_port()
    args = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", *(["--dirty"] if dirty else [])]
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(args, cwd=project, env=ENV, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    result: dict[str, float] = {}
    try:
        started = time.perf_counter()
        if wait_for(base, "</html>", 900) is None:
            log.seek(0)
            raise SystemExit(f"mkdocs serve did not start:\n{log.read().decode()[-3000:]}")
        result["first"] = time.perf_counter() - started
        time.sleep(1.0)
        marker = f"phục vụ {time.time_ns()}"  # new in each run: the page cannot hold it before the save
        url = base + edit_chapter(project, marker)
        result["edit"] = wait_for(url, f"Đoạn sửa để đo {marker}", 300) or float("nan")
        time.sleep(1.0)
        new, path = add_chapter(project)
        result["new"] = wait_for(base + path, "Chương mới thêm", 300) or float("nan")
        # Every other page's menu now links to the new chapter (the first of its part): kyniem
        # brings those pages up to date in a second pass, after the browser got the new page.
        result["menus"] = result["new"] + (wait_for(url, "chuong-moi-them/", 300) or float("nan"))
        time.sleep(1.0)
        original, renamed, path = rename_chapter(project)
        result["renamed"] = wait_for(base + path, "</html>", 300) or float("nan")
        new.unlink()
        renamed.rename(original)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
    return result


def logged(row: Row, kind: str, run: Run) -> Run:
    """Print each build as it ends: a long row (1,000 chapters with the book) keeps its figures if cut short."""
    stages = ", ".join(f"{k} {v:.1f}" for k, v in sorted(run.stages.items(), key=lambda kv: -kv[1])[:6])
    print(f"{row.name}, {kind}: {run.seconds:.1f} s (CPU {run.cpu_seconds:.1f}), peak {run.tree_mib:.0f} MiB summed "
          f"({run.peak_mib:.0f} largest){'; ' + stages if stages else ''}", file=sys.stderr, flush=True)
    return run


def measure(row: Row, work: Path, book: bool, serve: bool) -> None:
    project = make_project(work, row.chapters, row.photos)
    with_book(project, book)
    row.runs["cold"] = logged(row, "cold", run_build(project))
    row.runs["warm"] = logged(row, "warm", best_of(WARM_RUNS, lambda: run_build(project)))
    row.sizes = sizes(project / "site")
    edits = iter(range(1, max(1, WARM_RUNS) + 1))  # each run a new edit, measured as the warm runs are (the best)

    def edited() -> Run:
        edit_chapter(project, f"lần {next(edits)}")
        return run_build(project)

    row.runs["edit"] = logged(row, "one edit", best_of(WARM_RUNS, edited))
    plain = plain_project(project, work)
    row.runs["plain cold"] = logged(row, "plain cold", run_build(plain))
    row.runs["plain warm"] = logged(row, "plain warm", best_of(WARM_RUNS, lambda: run_build(plain)))
    row.sizes["plain_chapter_html"] = sizes(plain / "site")["chapter_html"]
    if serve and row.chapters and not row.photos:
        row.serve.update({f"kyniem {k}": v for k, v in serve_latency(project, True).items()})
        row.serve.update({f"plain {k}": v for k, v in serve_latency(plain, False).items()})
    shutil.rmtree(work, ignore_errors=True)  # a replaced site may still be going (kyniem/store.py)


def compile_kyniem() -> None:
    """kyniem's bytecode, as an installed package has it (pip compiles it at install).

    Plain Material's modules come compiled from site-packages; kyniem is imported from
    this checkout, where Python writes no bytecode when PYTHONDONTWRITEBYTECODE is set
    (as on CI machines and here): every build would compile 15,000 lines again and count
    it as kyniem's start-up."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kyniem")], check=True,
                   stdout=subprocess.DEVNULL)


def parse_rows(text: str) -> list[Row]:
    rows = []
    for item in text.split(","):
        if item == "default":
            rows.append(Row("default site", 0, 0))
        else:
            chapters, photos = (int(x) for x in item.split("x"))
            rows.append(Row(f"{chapters} ch, {photos} photos", chapters, photos))
    return rows


def _tree(run: Run) -> float:
    return run.tree_mib or run.peak_mib  # runs saved before the summed peak was measured have none


def _peak(run: Run) -> str:
    return f"{_tree(run):.0f} ({run.peak_mib:.0f})"


def mib(value: int) -> str:
    return f"{value / 1048576:.1f}"


def report(rows: list[Row]) -> None:
    print("\n## Builds (seconds; peak MiB)\n")
    print("Peak memory is the peak of the sum over the build's whole process tree (the build, its workers,"
          " the fork server), then in brackets the largest single process.\n")
    print("| site | kyniem cold (CPU s, build and workers) | warm | one edit | plain cold | plain warm | warm ×plain | "
          "peak MiB summed (largest process): cold / warm / edit / plain cold | cold ≤ 400 MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        r = row.runs
        ratio = r["warm"].seconds / r["plain warm"].seconds
        print(f"| {row.name} | {r['cold'].seconds:.1f} (CPU {r['cold'].cpu_seconds:.1f}) | {r['warm'].seconds:.1f} | {r['edit'].seconds:.1f} | "
              f"{r['plain cold'].seconds:.1f} | {r['plain warm'].seconds:.1f} | {ratio:.2f} | "
              f"{' / '.join(_peak(r[k]) for k in ('cold', 'warm', 'edit', 'plain cold'))} | "
              f"{'yes' if _tree(r['cold']) <= 400 else 'NO'} |")
    print("\n## Bytes (MiB unless said)\n")
    print("| site | whole site | all HTML | one chapter page KB (plain) | offline zip |")
    print("|---|---|---|---|---|")
    for row in rows:
        s = row.sizes
        print(f"| {row.name} | {mib(s['site'])} | {mib(s['html'])} | {s['chapter_html'] / 1024:.0f} "
              f"({s['plain_chapter_html'] / 1024:.0f}) | {mib(s['zip'])} |")
    stages = sorted({name for row in rows for run in row.runs.values() for name in run.stages})
    if stages:
        print("\n## kyniem stages, cold / warm / one edit (seconds, from .cache/kyniem/build-report.json)\n")
        print("| site | " + " | ".join(stages) + " |")
        print("|---|" + "---|" * len(stages))
        for row in rows:
            cells = [" / ".join(f"{row.runs[k].stages.get(s, 0):.2f}" for k in ("cold", "warm", "edit"))
                     for s in stages]
            print(f"| {row.name} | " + " | ".join(cells) + " |")
    served = [row for row in rows if row.serve]
    if served:
        print("\n## Editor's loop (seconds from saving to the page served)\n")
        print("Each figure is the time from writing the file until the server returns HTML with the change "
              "(the server holds requests while it rebuilds, as the browser's reload waits for it); "
              "'all menus' until a page of another part lists the new chapter.\n")
        kinds = ("first", "edit", "new", "renamed", "menus")
        print("| site | kyniem serve --dirty: first build / saved chapter / new chapter / renamed chapter / all menus | "
              "plain Material serve: first / saved / new / renamed / all menus |")
        print("|---|---|---|")
        for row in served:
            k = " / ".join(f"{row.serve.get(f'kyniem {x}', float('nan')):.2f}" for x in kinds)
            p = " / ".join(f"{row.serve.get(f'plain {x}', float('nan')):.2f}" for x in kinds)
            print(f"| {row.name} | {k} | {p} |")
    growth(rows)
    photo_table(rows)


def photo_table(rows: list[Row]) -> None:
    """The photo rows side by side with plain Material: what photos add to a build, and per photo.

    Targets (issue 14): a warm build with 1,000 photos adds at most 1 s to the same site without
    photos, and the warm cost per photo is the same at 1,000 and 3,000 photos (linear growth)."""
    by_photos = sorted((r for r in rows if r.chapters == 30), key=lambda r: r.photos)
    if len(by_photos) < 2 or by_photos[0].photos != 0:
        return
    base = by_photos[0].runs
    print("\n## Photos (30 chapters; seconds, and added over the same site without photos)\n")
    print("| photos | kyniem cold | warm | warm added | warm ms/photo | plain cold | plain warm | plain warm added | "
          "plain warm ms/photo | warm added ≤ 1 s per 1,000 | cold ms/photo added | cold peak MiB summed |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for row in by_photos[1:]:
        r = row.runs
        added = r["warm"].seconds - base["warm"].seconds
        plain_added = r["plain warm"].seconds - base["plain warm"].seconds
        ok = "yes" if added <= row.photos / 1000 else "NO"
        print(f"| {row.photos} | {r['cold'].seconds:.1f} | {r['warm'].seconds:.1f} | {added:+.2f} | "
              f"{added / row.photos * 1000:.2f} | {r['plain cold'].seconds:.1f} | {r['plain warm'].seconds:.1f} | "
              f"{plain_added:+.2f} | {plain_added / row.photos * 1000:.2f} | {ok} | "
              f"{(r['cold'].seconds - base['cold'].seconds) / row.photos * 1000:.1f} | {_tree(r['cold']):.0f} |")


def growth(rows: list[Row]) -> None:
    """Seconds and bytes added per chapter (photos 0) and per photo (same chapters), between rows."""
    lines = []
    by_chapters = sorted((r for r in rows if r.photos == 0 and r.chapters), key=lambda r: r.chapters)
    for a, b in zip(by_chapters, by_chapters[1:]):
        n = b.chapters - a.chapters
        lines.append(_growth_line(f"per chapter, {a.chapters} → {b.chapters}", a, b, n, "ms"))
    by_photos = sorted((r for r in rows if r.chapters == 30), key=lambda r: r.photos)
    for a, b in zip(by_photos, by_photos[1:]):
        n = b.photos - a.photos
        lines.append(_growth_line(f"per photo, {a.photos} → {b.photos}", a, b, n, "ms"))
    if lines:
        print("\n## Growth (linear when the figures of one column agree)\n")
        print("| step | cold ms | cold CPU ms | warm ms | one edit ms | plain warm ms | HTML KB | one chapter page bytes |")
        print("|---|---|---|---|---|---|---|---|")
        print("\n".join(lines))


def _growth_line(name: str, a: Row, b: Row, n: int, unit: str) -> str:
    def per(kind: str) -> str:
        return f"{(b.runs[kind].seconds - a.runs[kind].seconds) / n * 1000:.1f}"

    html = (b.sizes["html"] - a.sizes["html"]) / n / 1024
    page = (b.sizes["chapter_html"] - a.sizes["chapter_html"]) / n
    cpu = (b.runs["cold"].cpu_seconds - a.runs["cold"].cpu_seconds) / n * 1000
    return (f"| {name} | {per('cold')} | {cpu:.1f} | {per('warm')} | {per('edit')} | {per('plain warm')} | {html:.1f} | "
            f"{page:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default=DEFAULT_ROWS, help=f"comma-separated, default {DEFAULT_ROWS}")
    parser.add_argument("--book-up-to", type=int, default=1000, help="render the book only up to this many chapters")
    parser.add_argument("--serve", action="store_true", help="also measure the editor's loop under mkdocs serve")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temp folder)")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures to this file")
    parser.add_argument("--warm-runs", type=int, default=1, help="warm builds and one-chapter edits per row, the fastest of each kept (default 1)")
    parser.add_argument("--from-json", type=Path, default=None, help="print the tables of an earlier --json file")
    args = parser.parse_args()
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        report([Row(r["name"], r["chapters"], r["photos"], {k: Run(**v) for k, v in r["runs"].items()}, r["sizes"],
                    r["serve"]) for r in saved])
        return
    rows = parse_rows(args.rows)
    global WARM_RUNS
    WARM_RUNS = args.warm_runs
    base = args.work or Path(tempfile.mkdtemp(prefix="kyniem-bench-"))
    compile_kyniem()
    for index, row in enumerate(rows):
        started = time.perf_counter()
        measure(row, base / f"row{index}", row.chapters <= args.book_up_to, args.serve)
        print(f"{row.name}: measured in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
        if args.json:  # each row as soon as it is measured, so a long run keeps what it got
            args.json.write_text(json.dumps([asdict(r) for r in rows[: index + 1]], indent=1), encoding="utf-8")
    report(rows)


if __name__ == "__main__":
    main()
