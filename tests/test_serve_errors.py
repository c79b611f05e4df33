"""Under a real ``mkdocs serve``, a content error is a Vietnamese page in the browser that reloads when fixed."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MKDOCS_YML = """site_name: Thử
theme: {name: material, language: vi, font: false}
plugins:
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
"""
GOOD = '---\ntitle: "Thành lập Đảng bộ"\nperiod: [1952, 1954]\n---\n\nNội dung chương.\n'
BROKEN = '---\ntitle: "Thành lập Đảng bộ\nperiod: [1952, 1954]\n---\n\nNội dung chương.\n'  # unclosed quote


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, predicate, deadline: float) -> str:  # type: ignore[no-untyped-def]
    """The first answer from ``url`` that satisfies ``predicate`` (a deadline, not a timed assertion)."""
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if predicate(last):
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"no such answer from {url}; last:\n{last[:2000]}")


def test_serve_shows_the_error_and_reloads_when_fixed(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (tmp_path / "history").mkdir()
    chapter = tmp_path / "history" / "01-thanh-lap.md"
    chapter.write_text(BROKEN, encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        page = _wait_for(base, lambda text: "<html" in text, deadline)
        assert "Nội dung có 1 lỗi" in page
        assert "history/01-thanh-lap.md, dòng 2" in page
        assert "dấu ngoặc mở ở dòng này chưa được đóng" in page
        # Every page of the site says so, and the live-reload script MkDocs injects is in it.
        assert "Nội dung có 1 lỗi" in _get(base + "lich-su/")
        epoch = int(re.search(r"livereload\((\d+),", page).group(1))

        chapter.write_text(GOOD, encoding="utf-8")
        # What the page's script asks: the server answers with a newer version once the fix is built.
        newer = _wait_for(f"{base}livereload/{epoch}/1", lambda text: int(text) > epoch, deadline)
        assert int(newer) > epoch
        fixed = _wait_for(base + "lich-su/thanh-lap/", lambda text: "Nội dung chương." in text, deadline)
        assert "Nội dung có 1 lỗi" not in fixed and "Thành lập Đảng bộ" in fixed
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr.decode("utf-8", errors="replace")


def test_serve_shows_a_page_that_is_not_utf8(tmp_path: Path) -> None:
    from kyniem.encoding import unicode_to_tcvn3

    (tmp_path / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_bytes(
        unicode_to_tcvn3("# Trang chủ\n\nlịch sử đảng bộ khối các cơ quan tỉnh hải dương\n").encode("latin-1"))
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "01-thanh-lap.md").write_text(GOOD, encoding="utf-8")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/", lambda text: "<html" in text, time.monotonic() + 120)
    finally:
        server.terminate()
        _, stderr = server.communicate(timeout=30)
    assert "docs/index.md, dòng 1" in page and "kyniem import --fix-encoding docs/index.md" in page
    assert "Traceback" not in stderr.decode("utf-8", errors="replace")
