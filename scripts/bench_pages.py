#!/usr/bin/env python3
"""Lighthouse (mobile, simulated throttling) on kyniem's site and on plain Material, in one run.

    python scripts/bench_pages.py                   # 3 runs per page type and site
    python scripts/bench_pages.py --runs 5 --pages home,album

It builds the default site twice from a temp copy of the project: once as kyniem builds
it, once as a plain Material for MkDocs site of the same Markdown (the pages kyniem
generates, written out as Markdown files, with the same docs/, blog and photos; Material's
defaults otherwise, with ``font: false`` since Google Fonts is not reachable here). Both are
served by the same local server (tests/webserver.py: precompressed copies when present,
gzip on the fly otherwise, as the README's nginx setup does), and Lighthouse runs against
each page type, alternating the two sites so a busy machine slows both alike.

Lighthouse is the npm package, pinned below, installed by this script under
.cache/kyniem/bench/; it drives Debian's /usr/bin/chromium (CHROME_PATH). The table gives
medians and spreads (min–max) of the Performance score, LCP, CLS, total bytes, and the
lowest Accessibility / Best Practices / SEO scores seen. Targets (issue 11): Performance
≥ 95, LCP ≤ 1.8 s, CLS 0, the other three categories 100.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The builds run `mkdocs` in subprocesses: they must import this checkout's kyniem too.
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
sys.path.insert(0, str(ROOT / "tests"))

from sitebuild import build, copy_project  # noqa: E402
from webserver import serve  # noqa: E402

LIGHTHOUSE = "lighthouse@12.8.2"
CHROME = "/usr/bin/chromium"
TOOLS = ROOT / ".cache" / "kyniem" / "bench" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")

PLAIN_MKDOCS = """\
site_name: {site_name}
site_description: {site_description}
site_url: https://kyniem.example/
theme:
  name: material
  language: vi
  font: false
  features:
    - navigation.indexes
    - navigation.footer
    - navigation.top
    - search.highlight
plugins:
  - search:
      lang: vi
  - blog:
      blog_dir: tin-tuc
      blog_toc: true
      post_url_format: "{{slug}}"
      post_date_format: dd/MM/yyyy
      archive_url_format: "luu-tru/{{date}}"
      categories_url_format: "chuyen-muc/{{slug}}"
markdown_extensions:
  - toc:
      permalink: true
  - admonition
  - attr_list
  - md_in_html
  - footnotes
  - tables
  - def_list
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
"""


def ensure_lighthouse() -> Path:
    """The pinned Lighthouse CLI, installed once with npm into .cache/."""
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    marker = TOOLS / "installed.txt"
    if not (binary.is_file() and marker.is_file() and marker.read_text() == LIGHTHOUSE):
        TOOLS.mkdir(parents=True, exist_ok=True)
        print(f"Installing {LIGHTHOUSE} with npm into {TOOLS} …", flush=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), LIGHTHOUSE],
                       check=True, stdout=subprocess.DEVNULL)
        marker.write_text(LIGHTHOUSE)
    return binary


def plain_project(project: Path, target: Path) -> Path:
    """A plain Material project of the same Markdown: kyniem's generated pages written out as files."""
    import yaml
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    os.chdir(project)
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    config = config.plugins.on_config(config)
    files = config.plugins.on_files(get_files(config), config=config)
    docs = target / "docs"
    shutil.copytree(project / "docs", docs)
    for file in files:
        dest = docs / file.src_uri
        if file.generated_by != "kyniem" or file.src_uri.startswith("assets/kyniem/"):
            continue  # kyniem's own stylesheets, scripts and fonts are what plain Material lacks
        dest.parent.mkdir(parents=True, exist_ok=True)
        if file.is_documentation_page():
            dest.write_text(file.content_string, encoding="utf-8")
        else:
            dest.write_bytes(file.content_bytes)
    raw = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8").split("\nplugins:")[0])
    (target / "mkdocs.yml").write_text(
        PLAIN_MKDOCS.format(site_name=json.dumps(raw["site_name"], ensure_ascii=False),
                            site_description=json.dumps(raw["site_description"], ensure_ascii=False)),
        encoding="utf-8",
    )
    os.chdir(ROOT)
    return target


def page_types(site: Path) -> dict[str, str]:
    def first(section: str) -> str:
        return f"{section}/{sorted(p.parent.name for p in (site / section).glob('*/index.html'))[0]}/"

    return {
        "home": "",
        "chapter": first("lich-su"),
        "timeline": "bien-nien-su-kien/",
        "slogans": "khau-hieu/",
        "album": first("thu-vien-anh"),
        "news": "tin-tuc/",
        "plan": "ke-hoach/",
    }


@dataclass
class Figures:
    """Every run of one page type on one site."""

    performance: list[float] = field(default_factory=list)
    lcp: list[float] = field(default_factory=list)
    cls: list[float] = field(default_factory=list)
    bytes: list[float] = field(default_factory=list)
    others: list[float] = field(default_factory=list)  # lowest of a11y / best practices / SEO per run

    def add(self, report: dict) -> None:
        scores = {name: report["categories"][name]["score"] * 100 for name in CATEGORIES}
        audits = report["audits"]
        self.performance.append(scores["performance"])
        self.lcp.append(audits["largest-contentful-paint"]["numericValue"] / 1000)
        self.cls.append(audits["cumulative-layout-shift"]["numericValue"])
        self.bytes.append(audits["total-byte-weight"]["numericValue"] / 1000)
        self.others.append(min(scores["accessibility"], scores["best-practices"], scores["seo"]))


def lighthouse(binary: Path, url: str) -> dict:
    env = {**os.environ, "CHROME_PATH": CHROME}
    result = subprocess.run(
        [str(binary), url, "--quiet", "--output=json", "--output-path=stdout",
         f"--only-categories={','.join(CATEGORIES)}", "--max-wait-for-load=60000",
         "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"],
        capture_output=True, text=True, env=env, timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout)


def spread(values: list[float], fmt: str) -> str:
    return f"{format(statistics.median(values), fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default="", help="comma-separated page types (default: all)")
    parser.add_argument("--save", type=Path, help="folder to keep every Lighthouse report in (JSON)")
    args = parser.parse_args()
    binary = ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="kyniem-bench-") as tmp:
        work = Path(tmp)
        project = copy_project(work / "kyniem")
        print("Building kyniem's site and the plain Material site of the same Markdown …", flush=True)
        done = build(project)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        plain = plain_project(project, work / "plain")
        done = build(plain)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        sites = {"kyniem": project / "site", "plain": plain / "site"}
        kinds = page_types(sites["kyniem"])
        wanted = [k for k in kinds if not args.pages or k in args.pages.split(",")]
        figures = {(kind, name): Figures() for kind in wanted for name in sites}
        with serve(sites["kyniem"]) as kyniem_url, serve(sites["plain"]) as plain_url:
            urls = {"kyniem": kyniem_url, "plain": plain_url}
            for run in range(args.runs):
                for kind in wanted:
                    for name in sites:
                        print(f"  run {run + 1}/{args.runs}: {kind} on {name}", flush=True)
                        report = lighthouse(binary, urls[name] + kinds[kind])
                        figures[(kind, name)].add(report)
                        if args.save:
                            args.save.mkdir(parents=True, exist_ok=True)
                            (args.save / f"{kind}-{name}-{run + 1}.json").write_text(json.dumps(report), encoding="utf-8")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nLighthouse {LIGHTHOUSE.split('@')[1]}, mobile, simulated throttling; median (min–max) of "
          f"{args.runs} runs; 'A11y/BP/SEO' is the lowest of the three seen. Machine load average at the "
          f"end: {load} on {os.cpu_count()} CPUs (Lighthouse scales the main-thread time it observes, so a "
          "busy machine lowers both sites' scores).\n")
    header = f"{'page':9} | {'site':6} | {'Performance':15} | {'LCP s':15} | {'CLS':17} | {'KB moved':15} | A11y/BP/SEO"
    print(header)
    print("-" * len(header))
    for kind in wanted:
        for name in sites:
            f = figures[(kind, name)]
            print(f"{kind:9} | {name:6} | {spread(f.performance, '.0f'):15} | {spread(f.lcp, '.2f'):15} | "
                  f"{spread(f.cls, '.3f'):17} | {spread(f.bytes, '.0f'):15} | {min(f.others):.0f}")


if __name__ == "__main__":
    main()
