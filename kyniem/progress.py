"""What a build is doing: progress of long work, and where the time went.

An editor must tell a slow build from a stuck one. Long loops (photos, PDFs, banners,
share images, the offline zip, imports) report through :func:`track`: a live bar when
the output is a terminal, a plain line at most every few seconds when it is a log (CI),
nothing with ``-q``. Every stage of a build is timed by :class:`Timings`; at the end one
short table is logged and the same figures are written as JSON (``build-report.json``
in the cache folder) for CI and the benchmark scripts.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from . import store

T = TypeVar("T")

log = logging.getLogger("mkdocs.plugins.kyniem")

REPORT_FILE = "build-report.json"
# A plain progress line at most this often (seconds), so CI logs stay short.
LINE_EVERY = 5.0
# Work shorter than this says nothing: a progress bar that flashes by is noise.
QUIET_BELOW = 1.0


def _duration(seconds: float) -> str:
    """'42 giây', '3 phút 05 giây': how an editor reads a remaining time."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} giây"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} phút {rest:02d} giây"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} giờ {minutes:02d} phút"


class Progress:
    """Counts of one piece of long work, shown as a bar (terminal) or sparse lines (log)."""

    def __init__(self, label: str, total: int, *, unit: str = "mục", stream: object = None) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.perf_counter()
        self._stream = stream if stream is not None else sys.stderr
        self._last_line = self.started
        self._bar = None
        self._quiet = not log.isEnabledFor(logging.INFO) or total <= 0
        self._live = not self._quiet and hasattr(self._stream, "isatty") and self._stream.isatty()

    def advance(self, count: int = 1) -> None:
        self.done += count
        if self._quiet:
            return
        now = time.perf_counter()
        if self._live:
            if self._bar is None and now - self.started >= QUIET_BELOW / 4:
                self._open_bar()
            if self._bar is not None:
                self._bar.update(self.done - self._bar.n)
        elif now - self._last_line >= LINE_EVERY and self.done < self.total:
            self._last_line = now
            log.info("kyniem: %s", self.line(now))

    def _open_bar(self) -> None:
        from tqdm import tqdm  # only a terminal needs it

        # A terminal that reports no width (a bare pseudo-terminal) gets 80 columns, not an empty bar.
        width = shutil.get_terminal_size((80, 24)).columns
        self._bar = tqdm(total=self.total, initial=0, desc=self.label, unit=f" {self.unit}", file=self._stream,
                         ncols=width, leave=False, mininterval=0.2,
                         bar_format="{desc}: {percentage:3.0f}% |{bar}| {n_fmt}/{total_fmt}{unit} "
                                    "[{elapsed}, còn {remaining}]")
        self._bar.update(self.done)

    def line(self, now: float | None = None) -> str:
        """'ảnh: 120/1000 (12 %), còn khoảng 3 phút 05 giây'."""
        now = now if now is not None else time.perf_counter()
        share = self.done / self.total if self.total else 1.0
        text = f"{self.label}: {self.done}/{self.total} {self.unit} ({share * 100:.0f} %)"
        if 0 < self.done < self.total:
            left = (now - self.started) / self.done * (self.total - self.done)
            text += f", còn khoảng {_duration(left)}"
        return text

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self.total - self._bar.n)
            self._bar.refresh()
            self._bar.close()
            self._bar = None


def track(items: Iterable[T], label: str, total: int | None = None, *, unit: str = "mục") -> Iterator[T]:
    """Iterate ``items`` while showing progress; ``total`` defaults to ``len(items)``."""
    if total is None:
        total = len(items)  # type: ignore[arg-type]
    progress = Progress(label, total, unit=unit)
    try:
        for item in items:
            yield item
            progress.advance()
    finally:
        progress.close()


# What each stage of a build is called in the end-of-build table.
LABELS = {
    "startup": "Khởi động (Python, MkDocs, cấu hình)",
    "content": "Đọc nội dung",
    "images": "Ảnh (thư viện ảnh, ảnh trong chương, tư liệu)",
    "pages": "Tạo trang từ nội dung",
    "banners": "Băng rôn (ảnh xem trước, bản in cỡ thật)",
    "handouts": "Đề cương khổ A4 (PDF)",
    "print": "Chương trình lễ, bộ đề trắc nghiệm (PDF)",
    "share": "Ảnh chia sẻ (mạng xã hội)",
    "search": "Chỉ mục tìm kiếm",
    "fonts": "Phông chữ web (cắt theo chữ của trang)",
    "book": "Sách lịch sử (PDF)",
    "offline": "Bản ngoại tuyến (ZIP)",
    "compress": "Nén sẵn cho máy chủ (.gz, .br)",
    "cache": "Dọn bộ đệm ảnh",
    "mkdocs": "MkDocs và giao diện (Markdown, trang HTML, thu gọn)",
}


@dataclass
class Stage:
    """One timed stage of a build; ``detail`` holds counts such as rendered/cached."""

    name: str
    seconds: float = 0.0
    detail: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name)


def process_age() -> float:
    """Seconds since this process started (Linux /proc); 0 where that cannot be read.

    The report starts its clock there, so Python's and MkDocs' own start-up count too
    and the stages add up to the time an editor waited."""
    try:
        start_ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


class Timings:
    """The stages of one build, in the order they first ran; a stage may run several times."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, Stage] = {}

    def add(self, name: str, seconds: float, **detail: object) -> Stage:
        stage = self.stages.setdefault(name, Stage(name))
        stage.seconds += seconds
        for key, value in detail.items():
            if isinstance(value, (int, float)) and isinstance(stage.detail.get(key), (int, float)):
                stage.detail[key] = stage.detail[key] + value  # type: ignore[operator]
            else:
                stage.detail[key] = value
        return stage

    @contextmanager
    def stage(self, name: str, **detail: object) -> Iterator[Stage]:
        started = time.perf_counter()
        stage = self.add(name, 0.0, **detail)
        try:
            yield stage
        finally:
            stage.seconds += time.perf_counter() - started

    def finish(self, startup: float) -> dict[str, object]:
        """The report: every stage, start-up first and MkDocs' own work (the remainder) last."""
        total = startup + time.perf_counter() - self.started
        stages = [Stage("startup", startup), *self.stages.values()]
        measured = sum(s.seconds for s in stages)
        stages.append(Stage("mkdocs", max(0.0, total - measured)))
        return {"total_seconds": round(total, 3), "stages": [
            {**asdict(s), "label": s.label, "seconds": round(s.seconds, 3)} for s in stages]}


def table(report: dict[str, object]) -> str:
    """The end-of-build table an editor reads: one line per stage with its time and cache use."""
    stages = report["stages"]
    assert isinstance(stages, list)
    width = max(len(s["label"]) for s in stages)
    lines = ["Thời gian dựng trang theo từng bước:"]
    for s in stages:
        detail = s["detail"]
        extra = ", ".join(f"{value} {key}" for key, value in detail.items()) if detail else ""
        lines.append(f"  {s['label']:<{width}}  {s['seconds']:7.1f} giây" + (f"  ({extra})" if extra else ""))
    lines.append(f"  {'Tổng cộng':<{width}}  {report['total_seconds']:7.1f} giây")
    return "\n".join(lines)


def write_report(report: dict[str, object], cache_dir: Path) -> Path:
    """``build-report.json`` in the cache folder, written whole or not at all."""
    path = cache_dir / REPORT_FILE
    store.write_text(path, json.dumps(report, ensure_ascii=False, indent=1))
    return path
