#!/usr/bin/env python3
"""Benchmark the archive's Deep Zoom pyramids on 600-dpi A4 scans, and an item page's first load.

    python scripts/bench_archive.py             # pyramids + first load of an item page in Chromium
    python scripts/bench_archive.py --no-page

Two deterministic 600-dpi A4 scans (4960×7016, 35 megapixels): the sample
certificate of the default site (flat colours, a small JPEG) and the same page
with paper grain, as a real scanner gives (a JPEG several times larger). For
each, in one run:

  (a) baseline: the gallery's image pipeline (kyniem.images) on the same file,
      cold: what publishing the scan as an album photo costs (largest 1600 px);
  (b) pyramid cold: kyniem.deepzoom with an empty cache (every tile of every level);
  (c) pyramid warm: the same scan again (content hash + metadata only);

and prints tile counts, seconds, and bytes: the scan, the whole pyramid, and
the tiles a phone needs to show the whole page. With the page measurement on, it
builds a small site with the grainy scan as an archive item and loads the item
page in Chromium at the Lighthouse mobile viewport (412×823 CSS px, DPR 1.75),
scrolls the scan into view, waits for its tiles, and adds up every byte
transferred. Target: ≤ 1.5 MB, the gallery's first-load budget.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from kyniem.deepzoom import PyramidMaker, max_level, tile_count  # noqa: E402
from kyniem.images import ImagePipeline, PipelineSettings  # noqa: E402
from make_sample_archive import certificate  # noqa: E402

BUDGET = 1_500_000


def grainy(image: Image.Image, seed: int = 7) -> Image.Image:
    """Paper grain and scanner noise over the page (what makes real scans large)."""
    random.seed(seed)
    noise = Image.effect_noise(image.size, 18).convert("RGB")
    return Image.blend(image, noise, 0.12)


def pyramid_figures(work: Path) -> Path:
    flat = certificate()
    scans = {"sample (flat)": work / "a4-flat.jpg", "grainy scan": work / "a4-grain.jpg"}
    flat.save(scans["sample (flat)"], quality=80, optimize=True)
    grainy(flat).save(scans["grainy scan"], quality=85)
    print(f"600-dpi A4: 4960×7016 px, {max_level(4960, 7016) + 1} levels, {tile_count(4960, 7016)} tiles of "
          "254 px (1 px overlap)\n")
    print(f"{'scan':<15} {'file':>8} {'gallery cold':>13} {'pyramid cold':>13} {'warm':>8} {'pyramid':>9} "
          f"{'phone view':>11}")
    for name, path in scans.items():
        cache = work / f"cache-{path.stem}"
        gallery = ImagePipeline(cache, PipelineSettings(), workers=1)
        started = time.perf_counter()
        result = gallery.process([(path, False)])[(path, False)]
        gallery_s = time.perf_counter() - started
        assert result.ok, result.reason
        maker = PyramidMaker(cache, workers=1)
        started = time.perf_counter()
        pyramid = maker.make([path])[path]
        cold = time.perf_counter() - started
        assert pyramid.ok and maker.rendered == 1, pyramid.reason
        again = PyramidMaker(cache, workers=1)
        started = time.perf_counter()
        again.make([path])
        warm = time.perf_counter() - started
        assert again.rendered == 0
        total = sum(p.stat().st_size for _, p in pyramid.files())
        # A phone shows the whole page first: levels 10 and 11 (620 and 1240 px wide).
        view = sum(p.stat().st_size for rel, p in pyramid.files() if rel.split("/")[0] in ("10", "11"))
        print(f"{name:<15} {path.stat().st_size / 1e6:>6.2f}MB {gallery_s:>12.2f}s {cold:>12.2f}s "
              f"{warm * 1000:>6.1f}ms {total / 1e6:>7.2f}MB {view / 1e3:>9.0f}KB   ({pyramid.tiles} tiles)")
    print("\ngallery cold = the image pipeline's derivatives of the same file (320–1600 px, WebP + JPEG), "
          "one process; pyramid cold/warm = kyniem.deepzoom, one process")
    return scans["grainy scan"]


SITE_YML = """site_name: Bench
theme: {name: material, language: vi, font: false}
plugins:
  - search
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
markdown_extensions: [attr_list, md_in_html, admonition, footnotes, {toc: {permalink: true}}]
"""

ITEM_YML = """title: "Bản quét 600 dpi khổ A4 (đo thử)"
type: bằng khen
date: 2022-02
creator: "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Hải Dương"
sample: true
pages: [a4.jpg]
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def page_first_load(work: Path, scan: Path) -> None:
    from playwright.sync_api import sync_playwright

    project = work / "site-project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (project / "slogans").mkdir()
    (project / "slogans" / "slogans.yml").write_text("slogans:\n  - text: Nội dung mẫu\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
    item = project / "archive" / "ban-quet-a4"
    item.mkdir(parents=True)
    os.link(scan, item / "a4.jpg")
    (item / "item.yml").write_text(ITEM_YML, encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    print(f"\nsite with the grainy scan built in {time.perf_counter() - started:.1f} s")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(project / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/tu-lieu/ban-quet-a4/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75,
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        loaded: list[tuple[str, int]] = []
        page.on("requestfinished", lambda r: loaded.append((r.url, r.sizes()["responseBodySize"])))
        page.goto(url)
        page.locator("#kn-viewer-1").scroll_into_view_if_needed()
        page.wait_for_selector("#kn-viewer-1[data-loaded='1']", timeout=30_000)
        page.wait_for_load_state("networkidle")
        browser.close()
    server.shutdown()
    total = sum(size for _, size in loaded)
    tiles = [(u, s) for u, s in loaded if "_files/" in u]
    viewer = sum(s for u, s in loaded if "openseadragon" in u)
    print(f"first load of the item page at 412×823 DPR 1.75: {len(loaded)} requests, {total / 1e6:.2f} MB "
          f"(target ≤ {BUDGET / 1e6:.1f} MB): {len(tiles)} tiles {sum(s for _, s in tiles) / 1e3:.0f} KB, "
          f"viewer script {viewer / 1e3:.0f} KB; the scan itself is {scan.stat().st_size / 1e6:.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-page", action="store_true", help="skip the first-load measurement in Chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kyniem-bench-archive-") as tmp:
        work = Path(tmp)
        scan = pyramid_figures(work)
        if not args.no_page:
            page_first_load(work, scan)


if __name__ == "__main__":
    main()
