#!/usr/bin/env python3
"""The history book at scale (issue 14): rendered part by part, side by side with one WeasyPrint call.

    python scripts/bench_book.py                  # 30 and 300 chapters
    python scripts/bench_book.py --chapters 30    # one size only
    python scripts/bench_book.py --builds 300     # whole `mkdocs build` runs instead: cold, warm, one edit

For each size, a site from scripts/make_big_site.py, both editions (screen and print shop) as a
build makes them, each step in its own process while this one samples the memory of that process
and its workers (resident memory summed over the process tree, from /proc, every 0.1 s):

* parts (kyniem now): cold (empty cache), warm (nothing changed), one edit (a word of one
  chapter), one longer chapter (a chapter grows, so every later page number moves);
* one call (the design before issue 14, measured in the same run): the same HTML, all parts in
  one document whose contents use WeasyPrint's target-counter, rendered in one call. It rendered
  the whole book again for any edit, so its cold time is also its one-edit time.

Also the size of the merged book against the one-call PDF (fonts are embedded once).

With --builds N: whole ``mkdocs build`` runs of an N-chapter site (cold, warm, one edit), each with
its peak memory summed over the build's processes, and the book stage's figures from build-report.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

EDITIONS = ("screen", "print")


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process below it."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(fields[21]) * 4096
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def measure(*args: str) -> tuple[float, float, dict]:
    """Run this script with ``args`` in a child process: (seconds, peak MiB of its tree, what it printed)."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True,
                               env={"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO),
                                    "SOURCE_DATE_EPOCH": "1644883200", "PATH": "/usr/bin:/bin"})
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    out, _ = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"step {args} failed")
    return time.perf_counter() - started, peak / 2**20, json.loads(out.strip().splitlines()[-1])


def step(site: Path, design: str) -> None:
    """In the child: build both editions with ``design`` and print what was made as JSON."""
    from kyniem import book
    from kyniem.cli import load_project
    from kyniem.content import load_content

    project = load_project(site)
    content = load_content(site, project.settings, include_drafts=False)
    made = {}
    for edition in EDITIONS:
        out = site / "out" / f"{edition}-{design}.pdf"
        if design == "parts":
            result = book.build_book(content, project.settings, out, edition)
            made[edition] = {"pages": result.pages, "rendered": result.chapters_rendered, "bytes": out.stat().st_size}
        else:
            made[edition] = one_call(content, project.settings, out, edition)
    print(json.dumps(made))


def one_call(content: object, settings: object, out: Path, edition: str) -> dict:
    """The baseline: every part of the book in one HTML document, rendered by one WeasyPrint call."""
    from kyniem import book, htmlpolicy, weasyprint_loader

    weasyprint = weasyprint_loader.load()

    cache = book.cache_root(content, settings)
    layout, _ = book.book_layout(content, settings, cache / "images", edition)
    front = layout.front({anchor: "" for anchor in layout.anchors})
    head, _, _ = front.partition("<body>")
    # The contents ask WeasyPrint for the numbers (as before issue 14); the folios are in the same document.
    folio_css = re.search(r"<style>(.*?)</style>", layout.digits, re.S).group(1).replace("string(folio)", "counter(page)")
    head = head.replace("</style>", folio_css + '.toc a::after { content: leader(". ") target-counter(attr(href), page); }'
                        "</style>")

    def inner(html: str) -> str:
        return html.partition("<body>")[2].rpartition("</body>")[0]

    toc = re.sub(r'<li id="[^"]*">', "<li>", inner(front))
    html = book.fill_dates(head + "<body>" + toc + "".join(inner(str(h)) for _, h in layout.body)
                           + inner(layout.colophon) + "</body></html>")
    readable = book._readable(content, settings, cache / "images")
    fetcher = htmlpolicy.confined_fetcher((*readable, book.FONTS.parent, book.TEMPLATES), [])
    document = weasyprint.HTML(string=html, base_url=str(content.root), url_fetcher=fetcher).render(output_intent="srgb")
    bleed = float(settings.book.bleed) if edition == "print" else 0.0
    finisher = book.print_boxes(bleed) if bleed else None
    out.parent.mkdir(parents=True, exist_ok=True)
    document.write_pdf(out, finisher=finisher, output_intent="srgb")
    return {"pages": len(document.pages), "bytes": out.stat().st_size}


def chapter_file(site: Path, index: int) -> Path:
    return sorted((site / "history").glob("*.md"))[index]


def bench(chapters: int, work: Path) -> dict[str, tuple[float, float, dict]]:
    from make_big_site import make_site

    site = make_site(work / f"site-{chapters}", chapters, 0)
    runs = {}
    runs["one call"] = measure("--step", str(site), "one-call")
    runs["cold"] = measure("--step", str(site), "parts")
    runs["warm"] = measure("--step", str(site), "parts")
    middle = chapter_file(site, chapters // 2)
    text = middle.read_text(encoding="utf-8")
    middle.write_text(re.sub(r"\n\n([^\n#-][^\n]*?)\.", r"\n\n\1 đã sửa.", text, count=1), encoding="utf-8")
    runs["one edit"] = measure("--step", str(site), "parts")
    first = chapter_file(site, 0)
    first.write_text(first.read_text(encoding="utf-8") + "\n\n" + "\n\n".join(
        "Đoạn thêm vào để chương dài ra và các số trang sau đó đều dịch đi. " * 6 for _ in range(12)) + "\n",
        encoding="utf-8")
    runs["longer chapter"] = measure("--step", str(site), "parts")
    return runs


def whole_builds(chapters: int, work: Path) -> None:
    """``mkdocs build`` cold, warm and after a one-word edit, with the book stage from build-report.json."""
    from make_big_site import make_site

    site = make_site(work / f"build-{chapters}", chapters, 0)
    command = ["--mkdocs", str(site)]
    rows = []
    for name in ("cold", "warm", "one edit"):
        if name == "one edit":
            middle = chapter_file(site, chapters // 2)
            text = middle.read_text(encoding="utf-8")
            middle.write_text(re.sub(r"\n\n([^\n#-][^\n]*?)\.", r"\n\n\1 đã sửa.", text, count=1), encoding="utf-8")
        seconds, peak, _ = measure(*command)
        report = json.loads((site / ".cache" / "kyniem" / "build-report.json").read_text(encoding="utf-8"))
        stage = next((s for s in report["stages"] if s["name"] == "book"), {"seconds": 0.0, "detail": {}})
        rows.append((name, seconds, peak, stage))
    print(f"\nWhole builds, {chapters} chapters (seconds / peak MiB summed over the build's processes)\n")
    print("| build | seconds | peak MiB | book stage s | book detail |")
    print("|---|---|---|---|---|")
    for name, seconds, peak, stage in rows:
        print(f"| {name} | {seconds:.1f} | {peak:.0f} | {stage['seconds']:.1f} | {stage['detail']} |")
    print(f"\none edit / warm: {rows[2][1] / rows[1][1]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", type=int, action="append", help="chapters of the site (30 and 300 by default)")
    parser.add_argument("--builds", type=int, help="whole mkdocs builds of a site of this many chapters")
    parser.add_argument("--step", nargs=2, metavar=("SITE", "DESIGN"), help=argparse.SUPPRESS)
    parser.add_argument("--mkdocs", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(Path(args.step[0]), args.step[1])
        return
    if args.mkdocs:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=args.mkdocs, check=True)
        print("{}")
        return
    if args.builds:
        work = Path(tempfile.mkdtemp(prefix="kyniem-bench-book-"))
        try:
            whole_builds(args.builds, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    sizes = args.chapters or [30, 300]
    work = Path(tempfile.mkdtemp(prefix="kyniem-bench-book-"))
    try:
        results = {n: bench(n, work) for n in sizes}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("\nBook, both editions (screen + print shop), seconds / peak MiB (process tree) / chapters rendered\n")
    print("| chapters | pages | one call (before; any edit) | parts cold | warm | one edit | longer chapter "
          "| one edit ×warm | cold ×one call |")
    print("|---|---|---|---|---|---|---|---|---|")
    for n, runs in results.items():
        def cell(name: str) -> str:
            seconds, peak, made = runs[name]
            rendered = sum(m.get("rendered", 0) for m in made.values())
            return f"{seconds:.1f} s / {peak:.0f} MiB" + (f" / {rendered}" if name != "one call" else "")
        pages = runs["cold"][2]["screen"]["pages"]
        print(f"| {n} | {pages} | {cell('one call')} | {cell('cold')} | {cell('warm')} | {cell('one edit')} | "
              f"{cell('longer chapter')} | {runs['one edit'][0] / runs['warm'][0]:.2f} | "
              f"{runs['cold'][0] / runs['one call'][0]:.2f} |")
    print("\nPDF size, screen edition: merged parts vs one call\n")
    for n, runs in results.items():
        merged, single = runs["cold"][2]["screen"]["bytes"], runs["one call"][2]["screen"]["bytes"]
        print(f"  {n} chapters: {merged / 2**20:.2f} MiB vs {single / 2**20:.2f} MiB ({merged / single:.2f}×)")


if __name__ == "__main__":
    main()
