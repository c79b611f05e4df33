#!/usr/bin/env python3
"""A tuned libvips pipeline making the same derivatives as kyniem (run by scripts/bench_gallery.py).

    VENV/bin/python scripts/bench_vips.py OUT_DIR WIDTHS JPEG_Q WEBP_Q WEBP_EFFORT WORKERS PHOTO...

It runs in its own virtual environment (pyvips and pyvips-binary, pinned in
scripts/bench-vips-requirements.txt): libvips is the baseline kyniem is measured
against, not one of kyniem's dependencies. For each photo, the way the libvips
documentation recommends for thumbnails: ``thumbnail`` (shrink-on-load, EXIF
orientation, import of the embedded ICC profile into sRGB) to the largest size,
alpha flattened on white, then each smaller width by ``thumbnail_image`` of the
previous one, saved as WebP and JPEG with no metadata. Photos are spread over
WORKERS processes, each with one libvips thread (the fastest split measured on 2 cores).
Prints two lines: the CPU seconds of the run (its workers included), then its wall seconds.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("VIPS_CONCURRENCY", "1")
import pyvips  # noqa: E402

pyvips.cache_set_max(0)


def render(args: tuple[str, str, tuple[int, ...], int, int, int]) -> None:
    path, out_dir, widths, jpeg_q, webp_q, effort = args
    bound = max(widths)
    image = pyvips.Image.thumbnail(path, bound, height=bound, size="down", import_profile="srgb",
                                   export_profile="srgb")
    if image.hasalpha():
        image = image.flatten(background=[255, 255, 255])
    if image.bands == 1:
        image = image.colourspace("srgb")
    largest = image.width
    height_of = lambda w: max(1, round(w * image.height / largest))  # noqa: E731
    targets = sorted({w for w in widths if w < largest} | {largest}, reverse=True)
    stem = Path(path).stem
    current = image
    for width in targets:
        if current.width != width:
            current = current.resize(width / current.width, vscale=height_of(width) / current.height,
                                     kernel="lanczos3")
        current = current.copy_memory()
        current.webpsave(f"{out_dir}/{stem}-w{width}.webp", Q=webp_q, effort=effort, keep="none")
        current.jpegsave(f"{out_dir}/{stem}-w{width}.jpg", Q=jpeg_q, optimize_coding=True, keep="none")


def main() -> None:
    out_dir, widths, jpeg_q, webp_q, effort, workers, *paths = sys.argv[1:]
    ws = tuple(int(w) for w in widths.split(","))
    jobs = [(p, out_dir, ws, int(jpeg_q), int(webp_q), int(effort)) for p in paths]
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    if int(workers) > 1:
        with ProcessPoolExecutor(int(workers)) as pool:
            list(pool.map(render, jobs, chunksize=1))
    else:
        for job in jobs:
            render(job)
    wall = time.perf_counter() - started
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime)
    print(f"{wall:.3f}")


if __name__ == "__main__":
    main()
