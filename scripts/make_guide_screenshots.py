#!/usr/bin/env python3
"""Screenshots for huong-dan/xuat-ban.md, taken from the real thing.

A new project is made with ``kyniem init`` in a temp folder and previewed with the real
``mkdocs serve``; Debian's Chromium (headless, through Playwright) photographs the
preview as an editor sees it, then the error page the preview shows after a typing
mistake in a chapter, then the page again once the mistake is fixed.

    .venv/bin/python scripts/make_guide_screenshots.py            # writes huong-dan/anh/
    .venv/bin/python scripts/make_guide_screenshots.py --out DIR
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
SIZE = {"width": 1280, "height": 760}


def _wait(url: str, text: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if text in urllib.request.urlopen(url, timeout=10).read().decode("utf-8"):
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not show {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "huong-dan" / "anh")
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as temp:
        project = Path(temp) / "trang-ky-niem"
        subprocess.run([sys.executable, "-m", "kyniem.cli", "init", str(project), "--organization",
                        "Đảng bộ Khối các cơ quan tỉnh Hải Dương", "--founded", "1952-02-15",
                        "--anniversary", "2027-02-15"], check=True, env=env, stdout=subprocess.DEVNULL)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=project,
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/"
        chapter = next((project / "history").glob("*.md"))
        good = chapter.read_text(encoding="utf-8")
        try:
            _wait(base, "75 năm", time.monotonic() + 180)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport=SIZE, locale="vi-VN")
                page.goto(base)
                page.screenshot(path=str(out / "xem-truoc.png"))
                # A typing mistake: the closing quote of the title is missing.
                chapter.write_text(good.replace('title: "Thành lập', 'title: "Thành lập ', 1).replace(
                    'Dương"\n', "Dương\n", 1), encoding="utf-8")
                # The open page reloads by itself, first into the error page, then (below) into the fixed page.
                page.wait_for_function("document.title.includes('lỗi')", timeout=120_000)
                page.screenshot(path=str(out / "loi-khi-xem-truoc.png"))
                chapter.write_text(good, encoding="utf-8")
                page.wait_for_function("!document.title.includes('lỗi')", timeout=120_000)  # it reloads by itself
                page.screenshot(path=str(out / "da-sua-xong.png"))
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    for name in ("xem-truoc.png", "loi-khi-xem-truoc.png", "da-sua-xong.png"):
        print(out / name)


if __name__ == "__main__":
    main()
