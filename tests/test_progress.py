"""The build says what it is doing: progress bars, sparse log lines, the stage table and
build-report.json, and a clean stop on Ctrl+C. Real builds of a project with many photos."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from PIL import Image

from kyniem.progress import REPORT_FILE, Progress, _duration, table
from processes import alive, interrupted_build

MKDOCS = """site_name: Thử nghiệm tiến độ
plugins:
  - kyniem:
      book:
        enabled: false
      banners:
        enabled: false
      offline:
        enabled: false
"""


def _project(root: Path, photos: int, width: int = 1600) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    (root / "history").mkdir()
    (root / "history" / "01-mot.md").write_text('---\ntitle: "Một"\nperiod: [1952, 1954]\n---\n\nChữ.\n',
                                                 encoding="utf-8")
    (root / "slogans").mkdir()
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - "Khẩu hiệu"\n', encoding="utf-8")
    album = root / "gallery" / "album"
    album.mkdir(parents=True)
    entries = []
    for number in range(photos):
        noise = Image.effect_noise((width, width * 3 // 4), 60 + number % 50).convert("RGB")
        noise.save(album / f"anh-{number:03d}.jpg", quality=90)
        entries.append(f'  - file: anh-{number:03d}.jpg\n    caption: "Ảnh {number}"\n    alt: "Ảnh {number}"\n')
    (album / "album.yml").write_text('title: "Album"\nphotos:\n' + "".join(entries), encoding="utf-8")
    return root


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", *args]


def _env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}




def test_duration_and_line_in_vietnamese() -> None:
    assert _duration(42) == "42 giây"
    assert _duration(185) == "3 phút 05 giây"
    progress = Progress("Ảnh", 1000, unit="ảnh")
    progress.done, progress.started = 120, time.perf_counter() - 12
    assert re.fullmatch(r"Ảnh: 120/1000 ảnh \(12 %\), còn khoảng 1 phút 2\d giây", progress.line())


def test_progress_bar_in_a_terminal_reaches_100(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", photos=40, width=1200)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a 100-column terminal
    process = subprocess.Popen(_command("-d", str(root / "site")), cwd=root, env=_env(),
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the build is over
                break
            if not chunk:
                break
            output += chunk
        elif process.poll() is not None:
            break
    process.wait(timeout=60)
    os.close(leader)
    text = output.decode("utf-8", "replace")
    assert process.returncode == 0, text[-3000:]
    assert "Ảnh:" in text and "100%" in text and "40/40" in text, text[-3000:]
    assert "còn" in text  # the time left is estimated


def test_log_lines_are_bounded_and_report_adds_up(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", photos=60)
    started = time.perf_counter()
    result = subprocess.run(_command("-d", str(root / "site")), cwd=root, env=_env(), capture_output=True,
                            text=True, timeout=900)
    wall = time.perf_counter() - started
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "kyniem: Ảnh:" in line]
    # At most one line every 5 s (plus one), and never a bar's carriage returns in a log.
    assert len(lines) <= wall / 5 + 1
    assert "\r" not in result.stderr
    assert "Thời gian dựng trang theo từng bước:" in result.stderr
    assert "60 ảnh tạo mới" in result.stderr

    report = json.loads((root / ".cache" / "kyniem" / REPORT_FILE).read_text(encoding="utf-8"))
    names = [s["name"] for s in report["stages"]]
    for name in ("startup", "content", "images", "pages", "share", "search", "mkdocs"):
        assert name in names
    images = next(s for s in report["stages"] if s["name"] == "images")
    assert images["detail"] == {"ảnh tạo mới": 60, "ảnh lấy từ bộ đệm": 0}
    total = sum(s["seconds"] for s in report["stages"])
    assert abs(total - report["total_seconds"]) < 0.01
    assert abs(report["total_seconds"] - wall) / wall < 0.10, (report["total_seconds"], wall)
    assert table(report).endswith("giây")

    again = subprocess.run(_command("-d", str(root / "site"), "-q"), cwd=root, env=_env(), capture_output=True,
                           text=True, timeout=900)
    assert again.returncode == 0
    assert again.stderr.strip() == ""  # -q: nothing extra
    report = json.loads((root / ".cache" / "kyniem" / REPORT_FILE).read_text(encoding="utf-8"))
    images = next(s for s in report["stages"] if s["name"] == "images")
    assert images["detail"] == {"ảnh tạo mới": 0, "ảnh lấy từ bộ đệm": 60}


def test_verbose_names_the_slowest_photos(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", photos=3, width=800)
    result = subprocess.run(_command("-d", str(root / "site"), "-v"), cwd=root, env=_env(), capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert re.search(r"ảnh chậm nhất: .*anh-00\d\.jpg, \d+\.\d\d giây", result.stderr)


def test_ctrl_c_in_the_image_stage_stops_workers_and_keeps_the_cache(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", photos=120, width=2400)
    objects = root / ".cache" / "kyniem" / "images" / "objects"
    workers, stderr = interrupted_build(_command("-d", str(root / "site")), root, _env(),
                                        lambda: len(list(objects.glob("*/*/meta.json"))) >= 4)
    match = re.search(r"đã dừng theo yêu cầu \(Ctrl\+C\): (\d+)/120 ảnh", stderr)
    assert match, stderr[-2000:]
    kept = int(match.group(1))
    assert 0 < kept < 120
    assert not [pid for pid in workers if alive(pid)], "worker processes outlived the build"
    assert not list(objects.glob("*/*/.*.tmp*")), "temporary files left in the cache"

    result = subprocess.run(_command("-d", str(root / "site")), cwd=root, env=_env(), capture_output=True,
                            text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    report = json.loads((root / ".cache" / "kyniem" / REPORT_FILE).read_text(encoding="utf-8"))
    images = next(s for s in report["stages"] if s["name"] == "images")
    assert images["detail"]["ảnh lấy từ bộ đệm"] >= kept
    assert images["detail"]["ảnh tạo mới"] == 120 - images["detail"]["ảnh lấy từ bộ đệm"]


def test_check_shows_no_progress_with_quiet(tmp_path: Path) -> None:
    root = _project(tmp_path / "project", photos=1, width=200)
    result = subprocess.run([sys.executable, "-m", "kyniem.cli", "-q", "check"], cwd=root, env=_env(),
                            capture_output=True, text=True, timeout=300)
    assert result.stderr == ""


@pytest.mark.parametrize("done", [0, 5])
def test_quiet_progress_prints_nothing(done: int, capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress("Ảnh", 10)
    for _ in range(done):
        progress.advance()
    progress.close()
    assert capsys.readouterr().err == ""
