"""Seconds spent in each stage of a build, kept in ``<cache_dir>/timings.json``.

A small internal record: scripts/bench_scale.py reads it to show where a build's time
goes (content, photos, pages, share images, book, banners, zip). Stages add up when
entered more than once (share images are drawn page by page).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import store

FILE = "timings.json"


class Timings:
    """Stage name -> seconds, for one build."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def save(self, cache_dir: Path) -> None:
        """Write the record, with the time since the build started as ``total``."""
        record = {name: round(value, 3) for name, value in self.seconds.items()}
        record["total"] = round(time.perf_counter() - self.started, 3)
        store.write_text(cache_dir / FILE, json.dumps(record, sort_keys=True))
