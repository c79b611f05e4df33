#!/usr/bin/env python3
"""Benchmark the gallery image pipeline against a naive Pillow pipeline, on the same photos.

    python scripts/bench_gallery.py                 # N=24 photos, plus the 100-photo page transfer
    python scripts/bench_gallery.py -n 60 --no-page
    python scripts/bench_gallery.py -n 48 --no-page --no-naive --repeat 3   # kyniem vs libvips

It generates N deterministic 12-megapixel camera-like JPEGs (4000×3000, sensor
noise, about a third turned by EXIF orientation, about a third GPS-tagged), then
in one run measures:

  (a) naive: open → exif_transpose → LANCZOS resize from full size to each width →
      save WebP and JPEG (Pillow defaults otherwise), one process;
  (b) kyniem cold: ImagePipeline with an empty cache, all cores;
  (c) kyniem warm: the same photos again, nothing changed;
  (d) libvips: a tuned libvips pipeline (scripts/bench_vips.py) making the same
      derivatives (same widths, formats, quality and WebP effort), all cores;

and prints photos per second and the ratios (targets: cold ≥ 2.5× naive, warm ≤ 2 %
of cold, kyniem cold ≥ libvips). Cold runs of kyniem and libvips alternate --repeat
times and the best of each is kept: the machine is shared, and the best run is the
one least disturbed by others. Then the quality: PSNR of every derivative of the
first --psnr-photos photos, kyniem's and libvips', against a reference resize of the
same source (full decode, EXIF orientation, one Lanczos resize from full size, no
compression), per width and format (target: kyniem within 0.1 dB of libvips or above).
libvips runs from its own virtual environment (.cache/bench-vips/venv, made on first
use from scripts/bench-vips-requirements.txt); --no-vips skips it. With the page measurement on, it also builds a small site with a
100-photo album and loads that page in Chromium at the Lighthouse mobile viewport
(412×823 CSS px, DPR 1.75), adding up every byte the first load transfers (HTML,
CSS, JS, fonts and the images the viewport loads). Target: ≤ 1.5 MB.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageOps, ImageStat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kyniem.images import WEBP_METHOD, ImagePipeline, PipelineSettings  # noqa: E402

WIDTHS = PipelineSettings().widths


@functools.lru_cache(maxsize=4)
def _texture(size: tuple[int, int], scale: int) -> Image.Image:
    """Noise upscaled from 1/scale: detail at one spatial frequency (computed once per size)."""
    small = Image.effect_noise((size[0] * 5 // 4 // scale, size[1] * 5 // 4 // scale), 64).convert("RGB")
    return small.resize((small.width * scale, small.height * scale), Image.Resampling.BICUBIC)


def camera_photo(seed: int, size: tuple[int, int] = (4000, 3000)) -> Image.Image:
    """A deterministic, photo-like picture: a scene of shapes, texture at several scales, sensor noise."""
    rng = random.Random(seed)
    small = Image.new("RGB", (size[0] // 16, size[1] // 16))
    draw = ImageDraw.Draw(small)
    sky = (rng.randint(90, 200), rng.randint(120, 210), rng.randint(170, 250))
    ground = (rng.randint(40, 120), rng.randint(60, 130), rng.randint(20, 80))
    horizon = small.height * rng.uniform(0.35, 0.65)
    for y in range(small.height):
        t = y / small.height
        base = sky if y < horizon else ground
        draw.line([(0, y), (small.width, y)], fill=tuple(int(c * (0.75 + 0.5 * t)) % 256 for c in base))
    for _ in range(rng.randint(8, 16)):
        x, y = rng.uniform(0, small.width), rng.uniform(horizon * 0.6, small.height)
        w, h = rng.uniform(8, 60), rng.uniform(10, 80)
        draw.rectangle((x, y - h, x + w, y), fill=tuple(rng.randint(30, 230) for _ in range(3)))
    scene = small.resize(size, Image.Resampling.BICUBIC)
    # Texture at several scales (foliage, fabric, faces), so downscaled derivatives keep
    # detail the way real photos do; each photo takes its own crop of it.
    for scale, weight in ((16, 0.22), (4, 0.18), (1, 0.08)):
        texture = _texture(size, scale)
        left, top = rng.randrange(texture.width - size[0]), rng.randrange(texture.height - size[1])
        scene = Image.blend(scene, texture.crop((left, top, left + size[0], top + size[1])), weight)
    return scene


def write_photos(folder: Path, count: int, size: tuple[int, int] = (4000, 3000), prefix: str = "anh") -> list[Path]:
    """``count`` JPEGs: every third turned by EXIF (6 or 8), every third GPS-tagged."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        exif = Image.Exif()
        exif[0x010F] = "BenchCam"
        exif.get_ifd(0x8769)[0x9003] = f"2021:{1 + n % 12:02d}:{1 + n % 28:02d} 09:{n % 60:02d}:00"
        if n % 3 == 1:
            exif[0x0112] = 6 if n % 2 else 8
        if n % 3 == 2:
            exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 56.0, float(n)), 3: "E", 4: (106.0, 18.0, 59.0)})
        path = folder / f"{prefix}-{n:03d}.jpg"
        camera_photo(n, size).save(path, "JPEG", quality=92, exif=exif)
        paths.append(path)
    return paths


def naive(paths: list[Path], out: Path, settings: PipelineSettings) -> None:
    """The pipeline the issue describes as naive: full decode, resize each width from full size."""
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image).convert("RGB")
        for width in settings.widths:
            height = round(width * upright.height / upright.width)
            small = upright.resize((width, height), Image.Resampling.LANCZOS)
            small.save(out / f"{path.stem}-{width}.webp", "WEBP", quality=settings.webp_quality)
            small.save(out / f"{path.stem}-{width}.jpg", "JPEG", quality=settings.jpeg_quality)


def timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


VIPS_VENV = ROOT / ".cache" / "bench-vips" / "venv"


def vips_python() -> Path:
    """The libvips baseline's interpreter: its own venv, made once from the pinned requirements."""
    python = VIPS_VENV / "bin" / "python"
    if not python.exists():
        print(f"Installing the libvips baseline into {VIPS_VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VIPS_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r",
                        str(ROOT / "scripts" / "bench-vips-requirements.txt")], check=True)
    return python


@dataclass
class Measure:
    """One cold run: wall seconds, and CPU seconds of its whole process tree (workers included)."""

    wall: float
    cpu: float


def measured(command: list[str]) -> Measure:
    """Run a measured child, which prints its CPU seconds (with its workers') then its wall seconds."""
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode:
        raise SystemExit(f"{command[1]} failed:\n{result.stderr[-3000:]}")
    cpu, wall = (float(line) for line in result.stdout.split()[-2:])
    return Measure(wall, cpu)


def vips_run(python: Path, paths: list[Path], out: Path, settings: PipelineSettings, workers: int) -> Measure:
    """The libvips pipeline on ``paths``."""
    shutil.rmtree(out, ignore_errors=True)
    return measured([str(python), str(ROOT / "scripts" / "bench_vips.py"), str(out),
                     ",".join(map(str, settings.widths)), str(settings.jpeg_quality), str(settings.webp_quality),
                     str(WEBP_METHOD), str(workers), *map(str, paths)])


def kyniem_run(paths: list[Path], cache: Path) -> Measure:
    """kyniem's pipeline, cold, in a fresh process as in a build (its workers' start-up included)."""
    shutil.rmtree(cache, ignore_errors=True)
    return measured([sys.executable, __file__, "--kyniem-cold", str(cache), *map(str, paths)])


def kyniem_cold_main(cache: Path, paths: list[Path]) -> None:
    """The measured child of :func:`kyniem_run`."""
    import multiprocessing.forkserver
    import resource

    started = time.perf_counter()
    pipeline = ImagePipeline(cache, PipelineSettings())
    results = pipeline.process([(p, False) for p in paths])
    pipeline.finish()
    wall = time.perf_counter() - started
    # The workers are children of the forkserver, which reaps them; stopping it and waiting for it
    # adds their CPU time to this process's children (a private call, for this measure only).
    multiprocessing.forkserver._forkserver._stop()  # type: ignore[attr-defined]
    failed = [f"{path.name}: {result.reason}" for (path, _), result in results.items() if not result.ok]
    if failed:
        raise SystemExit("kyniem could not render: " + "; ".join(failed))
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime)
    print(wall)


def kyniem_results(paths: list[Path], cache: Path, settings: PipelineSettings) -> dict:
    """The results of the last cold run, read back from the cache (nothing is rendered again)."""
    pipeline = ImagePipeline(cache, settings)
    return {path: result for (path, _), result in pipeline.process([(p, False) for p in paths]).items()}


def psnr(mse: float) -> float:
    return float("inf") if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def mse(a: Image.Image, b: Image.Image) -> float:
    """Mean squared error over the RGB channels of two images of one size."""
    stat = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")))
    return sum(r * r for r in stat.rms) / 3


def quality(paths: list[Path], kyniem: dict, vips_dir: Path | None) -> None:
    """PSNR (dB) of each derivative against a reference resize of its source, kyniem and libvips."""
    errors: dict[tuple[str, int, str], list[float]] = {}
    for path in paths:
        with Image.open(path) as image:
            full = ImageOps.exif_transpose(image).convert("RGB")
        for variant in kyniem[path].variants:
            with Image.open(variant.path) as out:
                reference = full.resize(out.size, Image.Resampling.LANCZOS)
                errors.setdefault((variant.format, variant.width, "kyniem"), []).append(mse(out, reference))
            other = vips_dir / f"{path.stem}-w{variant.width}{variant.suffix}" if vips_dir else None
            if other is not None and other.exists():
                with Image.open(other) as out:
                    if out.size != reference.size:
                        reference = full.resize(out.size, Image.Resampling.LANCZOS)
                    errors.setdefault((variant.format, variant.width, "vips"), []).append(mse(out, reference))
    print(f"\nPSNR against a reference Lanczos resize from full size, {len(paths)} photos (dB, higher is better):")
    print(f"{'format':<8}{'width':>6}{'kyniem':>9}{'libvips':>9}{'kyniem − libvips':>18}")
    worst = float("inf")
    for fmt, width in sorted({(f, w) for f, w, _ in errors}):
        ours = psnr(sum(errors[(fmt, width, "kyniem")]) / len(errors[(fmt, width, "kyniem")]))
        theirs_errors = errors.get((fmt, width, "vips"))
        theirs = psnr(sum(theirs_errors) / len(theirs_errors)) if theirs_errors else float("nan")
        worst = min(worst, ours - theirs) if theirs_errors else worst
        print(f"{fmt:<8}{width:>6}{ours:>9.2f}{theirs:>9.2f}{ours - theirs:>+18.2f}")
    if worst != float("inf"):
        print(f"smallest difference: {worst:+.2f} dB (target ≥ −0.10 dB)")


def pipeline_figures(n: int, work: Path, repeat: int, vips: bool, psnr_photos: int, naive_too: bool) -> None:
    settings = PipelineSettings()
    workers = os.cpu_count() or 1
    print(f"Generating {n} camera-like 12 MP JPEGs …", flush=True)
    paths = write_photos(work / "photos", n)
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    print(f"  {megabytes:.0f} MB of JPEG, widths {list(settings.widths)}, {workers} cores, "
          f"load average {os.getloadavg()[0]:.1f}\n", flush=True)
    t_naive = timed(lambda: naive(paths, work / "naive", settings)) if naive_too else float("nan")
    python = vips_python() if vips else None
    colds: list[Measure] = []
    vipses: list[Measure] = []
    for _ in range(repeat):
        colds.append(kyniem_run(paths, work / "cache"))
        if python is not None:
            vipses.append(vips_run(python, paths, work / "vips", settings, workers))
    kyniem = kyniem_results(paths, work / "cache", settings)
    warm = ImagePipeline(work / "cache", settings)
    t_warm = timed(lambda: warm.process([(p, False) for p in paths]))
    warm.finish()
    print("Wall seconds depend on what else the machine runs; CPU seconds (every process of the run)")
    print(f"much less: 'CPU photos/s' is {workers} cores divided by the CPU seconds per photo, the")
    print(f"throughput on {workers} free cores. Best of {repeat} runs (each run's wall/CPU after |).\n")
    print(f"{'run':<22}{'wall s':>8}{'photos/s':>10}{'CPU s':>8}{'CPU photos/s':>14}   | runs")
    t_cold = min(m.wall for m in colds)
    rows = [("(a) naive Pillow, 1 core", Measure(t_naive, t_naive), [])] if naive_too else []
    rows += [("(b) kyniem cold", Measure(t_cold, min(m.cpu for m in colds)), colds),
             ("(c) kyniem warm", Measure(t_warm, t_warm), [])]
    if vipses:
        rows.append(("(d) libvips (tuned)", Measure(min(m.wall for m in vipses), min(m.cpu for m in vipses)),
                     vipses))
    for name, best, runs in rows:
        spread = "–" if name.startswith("(a)") else f"{workers * n / best.cpu:.2f}"  # naive uses one core
        print(f"{name:<22}{best.wall:>8.2f}{n / best.wall:>10.2f}{best.cpu:>8.2f}{spread:>14}"
              f"   | {' '.join(f'{m.wall:.1f}/{m.cpu:.1f}' for m in runs)}")
    if naive_too:
        print(f"\ncold vs naive: {t_naive / t_cold:.2f}× faster (target ≥ 2.5×)")
    print(f"warm / cold:   {100 * t_warm / t_cold:.2f} % (target ≤ 2 %)")
    if vipses:
        v_wall, v_cpu = min(m.wall for m in vipses), min(m.cpu for m in vipses)
        print(f"kyniem cold vs libvips, throughput: {v_wall / t_cold:.2f}× by wall time, "
              f"{v_cpu / min(m.cpu for m in colds):.2f}× by CPU time (target ≥ 1.00)")
    print(f"stats: warm {warm.stats}")
    kyniem_bytes = sum(p.stat().st_size for p in (work / "cache").rglob("w*.*"))
    sizes = [f"kyniem {kyniem_bytes / 1e6:.1f} MB"]
    if naive_too:
        sizes.insert(0, f"naive {sum(p.stat().st_size for p in (work / 'naive').iterdir()) / 1e6:.1f} MB")
    if vipses:
        sizes.append(f"libvips {sum(p.stat().st_size for p in (work / 'vips').iterdir()) / 1e6:.1f} MB")
    print(f"output size: {', '.join(sizes)}")
    if psnr_photos:
        quality(paths[:psnr_photos], kyniem, work / "vips" if vipses else None)
    print()


SITE_YML = """\
site_name: Đo thư viện ảnh
site_url: https://example.org/
theme:
  name: material
  language: vi
  font: false
plugins:
  - search:
      lang: vi
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
  - glightbox
  - minify:
      minify_html: true
      minify_js: true
      minify_css: true
markdown_extensions: [attr_list, md_in_html, admonition]
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def page_transfer(work: Path) -> None:
    project = work / "site-project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (project / "slogans").mkdir()
    (project / "slogans" / "slogans.yml").write_text("slogans:\n  - text: Nội dung mẫu\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(SITE_YML, encoding="utf-8")
    print("Generating a 100-photo album (2400×1800 camera-like JPEGs) and building the site …", flush=True)
    album = project / "gallery" / "do-tai"
    write_photos(album, 100, size=(2400, 1800))
    (album / "album.yml").write_text('title: "Album 100 ảnh"\ndate: 2022-02-15\n', encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project,
                            capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if result.returncode != 0:
        print(result.stderr)
        raise SystemExit("site build failed")
    print(f"  built in {time.perf_counter() - started:.1f} s")
    handler = functools.partial(_Quiet, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/thu-vien-anh/do-tai/"
    print("\nFirst load of the 100-photo album page at 412×823 CSS px, DPR 1.75 (Lighthouse mobile):")
    # Chrome loads lazy images within a distance that depends on its estimate of the
    # network (1250 px on 4G, 2500 px on 3G, more when it cannot tell); force the
    # estimate so the figures are reproducible.
    for network in ("4G", "3G", "Unknown"):
        loaded = first_load(url, network)
        images = [r for r in loaded if r[1].startswith("image/") and "/_anh/" in r[0]]
        raw, packed = sum(r[2] for r in loaded), sum(r[3] for r in loaded)
        widths = sorted({r[0].rsplit("-", 1)[-1] for r in images})
        print(f"  network {network}: {len(loaded)} requests, {len(images)} album images "
              f"({sum(r[2] for r in images) / 1e3:.0f} KB, files {', '.join(widths)}); total "
              f"{raw / 1e6:.2f} MB uncompressed, {packed / 1e6:.2f} MB with gzip on text (target ≤ 1.5 MB)")
    server.shutdown()


def first_load(url: str, network: str) -> list[tuple[str, str, int, int]]:
    """(url, content type, bytes, bytes gzipped if text) of every response of one page load."""
    from playwright.sync_api import sync_playwright

    loaded: list[tuple[str, str, int, int]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", f"--force-effective-connection-type={network}"])
        context = browser.new_context(viewport={"width": 412, "height": 823}, device_scale_factor=1.75,
                                      is_mobile=True, has_touch=True)
        page = context.new_page()
        responses = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(1500)
        for response in responses:
            try:
                body = response.body()
            except Exception:  # a response without a body (redirect, aborted)
                continue
            kind = response.headers.get("content-type", "")
            text = kind.startswith(("text/", "application/javascript", "application/json", "image/svg"))
            loaded.append((response.url, kind, len(body), len(gzip.compress(body, 6)) if text else len(body)))
        browser.close()
    return loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=24, help="number of 12 MP photos (default 24)")
    parser.add_argument("--no-page", action="store_true", help="skip the 100-photo page transfer measurement")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive one-process Pillow pipeline")
    parser.add_argument("--no-vips", action="store_true", help="skip the libvips baseline")
    parser.add_argument("--repeat", type=int, default=2, help="cold runs of kyniem and libvips, best kept (default 2)")
    parser.add_argument("--kyniem-cold", nargs="+", type=Path, help=argparse.SUPPRESS)  # CACHE PHOTO...: one run
    parser.add_argument("--psnr-photos", type=int, default=6, help="photos whose PSNR is measured (default 6)")
    args = parser.parse_args()
    if args.kyniem_cold:
        kyniem_cold_main(args.kyniem_cold[0], args.kyniem_cold[1:])
        return
    with tempfile.TemporaryDirectory(prefix="kyniem-bench-") as tmp:
        work = Path(os.environ.get("KYNIEM_BENCH_DIR") or tmp)
        pipeline_figures(args.n, work, max(1, args.repeat), not args.no_vips, args.psnr_photos,
                         not args.no_naive)
        if not args.no_page:
            page_transfer(work)


if __name__ == "__main__":
    main()
