"""Peak memory of the size bounds (issue 10), each beside a baseline measured in the same run.

    .venv/bin/python scripts/bench_limits.py [--skip-build]

Prints two figures in MB for each measure: the peak of the *sum* of resident memory over the
whole process tree (the command and every worker it starts, sampled from /proc every 20 ms:
what the machine must hold), and the largest single process (ru_maxrss, as /usr/bin/time
reports it). Measured:
* one photo at the ``gallery.max_pixels`` bound (an RGBA PNG: no reduced-size decoding) through the
  image pipeline, beside a 1-megapixel photo;
* the largest Word file the ``limits`` allow (``word_text_mb`` of document text) through
  ``kyniem import``, beside a one-page Word file;
* the default site's ``mkdocs build`` (cold cache), beside ``mkdocs --version``;
and the per-pixel figure behind ``kyniem.limits.BYTES_PER_PIXEL``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))
from treemem import TreeSampler  # noqa: E402

_CHILD = r"""
import json, sys
from pathlib import Path
kind, arg, out = sys.argv[1], sys.argv[2], sys.argv[3]
if kind == "photo":
    from kyniem.images import ImagePipeline, PipelineSettings
    pipeline = ImagePipeline(Path(out), PipelineSettings(max_pixels=10**9, max_file_bytes=10**11), workers=1)
    result = pipeline.process([(Path(arg), False)])
    ok = all(r.ok for r in result.values()) or [r.reason for r in result.values()]
elif kind == "word":
    from kyniem.config import KyniemConfig
    from kyniem.importer import ImportFailed, import_docx
    config = KyniemConfig(); config.load_dict({}); config.validate()
    try:
        import_docx(Path(arg), Path(out), config)
        ok = True
    except ImportFailed as exc:
        ok = str(exc)
print(json.dumps({"ok": ok}))
"""


@dataclass
class Peak:
    """Peak memory of one command: the whole process tree at once, and its largest process."""

    tree_mb: float
    single_mb: float
    stdout: str
    stderr: str
    returncode: int

    def text(self) -> str:
        return f"tree {self.tree_mb:6.0f} MB (largest process {self.single_mb:5.0f} MB)"


def measure(command: list[str], cwd: Path | None = None) -> Peak:
    """Run ``command`` under /usr/bin/time and sample its process tree's memory until it ends."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # /usr/bin/time itself (a few hundred KB) is in the tree: counted, as it is on the machine.
    sampler = TreeSampler(process.pid)
    stdout, stderr = process.communicate()
    tree_mib = sampler.stop()
    lines = stderr.strip().splitlines()
    single = int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else 0.0
    # Sampling can miss a short spike; the tree's true peak is at least its largest process's.
    return Peak(max(tree_mib, single), single, stdout, "\n".join(lines[:-1]), process.returncode)


def child(kind: str, arg: Path, out: Path) -> tuple[Peak, object]:
    run = measure([sys.executable, "-c", _CHILD, kind, str(arg), str(out)])
    assert run.returncode == 0, run.stderr[-2000:]
    return run, json.loads(run.stdout.strip().splitlines()[-1])["ok"]


_MAKE_PHOTO = r"""
import sys
from PIL import Image
path, width, height = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
# RGBA: the heaviest common case (the transparency is flattened over white: one more copy).
grey = Image.effect_noise((width // 8, height // 8), 60).resize((width, height))
Image.merge("RGBA", (grey, grey, grey, grey.point(lambda v: 255 - v // 4))).save(path, "PNG", compress_level=1)
"""


def photo(path: Path, megapixels: float) -> Path:
    """Made in its own process: Linux keeps a process's peak memory across fork and exec, so
    the measuring children must start from a parent that never held a large picture."""
    side = int((megapixels * 1_000_000 / 1.5) ** 0.5)
    subprocess.run([sys.executable, "-c", _MAKE_PHOTO, str(path), str(int(side * 1.5)), str(side)], check=True)
    return path


def word(path: Path, text_mb: float) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Lịch sử Đảng bộ 1952 – 1954", level=1)
    document.add_paragraph("Đoạn văn mẫu.")
    document.save(path)
    if text_mb <= 0.01:
        return path
    paragraph = ("<w:p><w:r><w:t>Ngày 15/02/1952, Đảng bộ Khối các cơ quan tỉnh Hải Dương được thành lập; "
                 "đoạn văn lặp lại để đo bộ nhớ.</w:t></w:r></w:p>")
    count = int(text_mb * 1024 * 1024 / len(paragraph.encode()))
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    xml = parts["word/document.xml"].decode()
    head, tail = xml.split("<w:body>", 1)
    parts["word/document.xml"] = (head + "<w:body>" + paragraph * count + tail).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def build_peak(project: Path, args: list[str]) -> Peak:
    run = measure([sys.executable, "-m", "mkdocs", *args], cwd=project)
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-build", action="store_true", help="leave out the default site build")
    args = parser.parse_args()
    from kyniem import limits
    from kyniem.config import KyniemConfig

    config = KyniemConfig()
    config.load_dict({})
    config.validate()
    max_mp = config.gallery.max_pixels / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        small, small_ok = child("photo", photo(work / "small.png", 1), work / "c1")
        large, large_ok = child("photo", photo(work / "large.png", max_mp), work / "c2")
        assert small_ok is True and large_ok is True, (small_ok, large_ok)
        per_pixel = (large.single_mb - small.single_mb) * 1024 * 1024 / ((max_mp - 1) * 1e6)
        print(f"photo {max_mp:.0f} MP (gallery.max_pixels)   {large.text()}   "
              f"baseline 1 MP {small.text()}   ≈ {per_pixel:.1f} B/pixel in the worker "
              f"(limits.BYTES_PER_PIXEL = {limits.BYTES_PER_PIXEL})")
        workers = limits.photo_workers(config.limits, config.gallery.max_pixels)
        print(f"workers allowed here: {workers} (limits.memory_mb = {config.limits.memory_mb}) → photos at most "
              f"{workers} × {large.single_mb:.0f} MB")
        (work / "p1").mkdir()
        (work / "p2").mkdir()
        one_page, _ = child("word", word(work / "mot-trang.docx", 0), work / "p1")
        text_mb = config.limits.word_text_mb - 1.5  # the rest of the package's XML (styles, numbering) counts too
        big = word(work / "lon-nhat.docx", text_mb)
        result, outcome = child("word", big, work / "p2")
        print(f"Word {big.stat().st_size / 1048576:.1f} MB file, {text_mb:.1f} MB of text (limits.word_text_mb)   "
              f"{result.text()}   baseline one page {one_page.text()}   "
              f"outcome: {'written' if outcome is True else repr(str(outcome)[:90])}")
        if not args.skip_build:
            project = work / "site"
            project.mkdir()
            for part in ("mkdocs.yml", "docs", "history", "gallery", "slogans", "people", "archive", "quiz"):
                source = REPO / part
                if source.exists():
                    (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / part)
            version = build_peak(project, ["--version"])
            peak = build_peak(project, ["build", "-q"])
            print(f"default site build (cold cache, {os.cpu_count()} CPUs)   {peak.text()}   "
                  f"baseline mkdocs --version {version.text()}   "
                  f"bound 400 MiB summed (issue 14): {'met' if peak.tree_mb <= 400 else 'NOT met'}")

if __name__ == "__main__":
    main()
