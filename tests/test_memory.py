"""Peak memory of a real cold build, book and all, measured as the machine must hold it: the sum of resident
memory over the build and every process it starts (workers, fork server), sampled from /proc every 20 ms
(scripts/treemem.py). Issue 14 asks for at most 400 MiB for any build; the floor here holds that line at a
size a test can afford. scripts/bench_scale.py measures 300 and 1,000 chapters the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from make_big_site import make_site  # noqa: E402
from treemem import TreeSampler  # noqa: E402

LIMIT_MIB = 400
CHAPTERS = 120


def test_a_cold_build_of_a_long_history_with_its_book_and_photos_stays_under_400_mib(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", CHAPTERS, photos=60, photo_width=2400, per_album=30)
    build = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    sampler = TreeSampler(build.pid)
    _, errors = build.communicate(timeout=900)
    peak = sampler.stop()
    assert build.returncode == 0, errors[-3000:]
    book = next((site / "site" / "tai-ve").glob("lich-su-*-in-an.pdf"))
    assert book.stat().st_size > 0, "the book was made, both editions"
    assert peak <= LIMIT_MIB, f"peak {peak:.0f} MiB over the build's process tree"
