#!/usr/bin/env python3
"""Generate the default site's sample album: abstract illustrations, never fake photos.

Each image is a deterministic pattern (same output on every run) with
"Ảnh minh họa" drawn on it in the bundled Be Vietnam Pro Bold, so nobody can take
it for a real photo of a real event. The album.yml says the same in every caption.

    python scripts/make_sample_album.py               # writes gallery/anh-minh-hoa/
    python scripts/make_sample_album.py --out DIR --count 40 --width 4000
"""

from __future__ import annotations

import argparse
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "kyniem" / "assets" / "fonts" / "BeVietnamPro-Bold.ttf"
LABEL = "Ảnh minh họa"
# Red and gold, with paper and ink tones, so the sample looks at home on the site.
PALETTE = [(183, 28, 28), (198, 40, 40), (249, 168, 37), (255, 214, 102), (245, 240, 230), (62, 39, 35)]

ALBUM_YML = """\
# Album mẫu: các ảnh dưới đây do scripts/make_sample_album.py vẽ tự động.
# Thay thư mục này bằng album ảnh thật (xem huong-dan/thu-vien-anh.md).
title: "Album mẫu: ảnh minh họa"
description: "Nội dung mẫu. Các hình trong album này là ảnh minh họa do phần mềm vẽ, không phải ảnh tư liệu; hãy thay bằng ảnh thật của Đảng bộ."
cover: minh-hoa-01.jpg
photos:
{entries}"""


def illustration(width: int, height: int, seed: int, label: str = LABEL) -> Image.Image:
    """An abstract pattern (bands, rings, a star) with ``label`` written across it."""
    rng = random.Random(seed)
    small = (max(1, width // 8), max(1, height // 8))
    base = Image.new("RGB", small)
    top, bottom = rng.sample(PALETTE, 2)
    pixels = base.load()
    angle = rng.uniform(0, math.pi)
    for y in range(small[1]):
        for x in range(small[0]):
            t = (x * math.cos(angle) + y * math.sin(angle)) / (small[0] + small[1])
            t = min(1.0, max(0.0, t + 0.5 * math.sin(t * 6 + seed)))
            pixels[x, y] = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom))
    image = base.resize((width, height), Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image, "RGBA")
    unit = min(width, height)
    for _ in range(rng.randint(3, 6)):
        cx, cy = rng.uniform(0, width), rng.uniform(0, height)
        colour = (*rng.choice(PALETTE), rng.randint(70, 150))
        for ring in range(rng.randint(2, 5)):
            r = unit * (0.08 + 0.07 * ring) * rng.uniform(0.6, 1.4)
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=colour, width=max(2, unit // 60))
    cx, cy, r = width * rng.uniform(0.2, 0.8), height * rng.uniform(0.25, 0.6), unit * 0.12
    star = [(cx + (r if i % 2 == 0 else r * 0.4) * math.sin(i * math.pi / 5),
             cy - (r if i % 2 == 0 else r * 0.4) * math.cos(i * math.pi / 5)) for i in range(10)]
    draw.polygon(star, fill=(255, 214, 102, 220))
    font = ImageFont.truetype(str(FONT), size=max(12, unit // 9))
    box = draw.textbbox((0, 0), label, font=font)
    tw, th = box[2] - box[0], box[3] - box[1]
    x, y = (width - tw) / 2, height - th * 2.2
    pad = th * 0.4
    draw.rectangle((x - pad, y - pad, x + tw + pad, y + th + pad * 1.6), fill=(0, 0, 0, 120))
    draw.text((x - box[0], y - box[1]), label, font=font, fill=(255, 255, 255, 255))
    return image


def write_album(out: Path, count: int, width: int, quality: int) -> list[Path]:
    """Write ``count`` illustrations (every third one portrait) and the album.yml."""
    out.mkdir(parents=True, exist_ok=True)
    written, entries = [], []
    for number in range(1, count + 1):
        portrait = number % 3 == 0
        size = (width * 2 // 3, width) if portrait else (width, width * 2 // 3)
        name = f"minh-hoa-{number:02d}.jpg"
        illustration(*size, seed=number).save(out / name, "JPEG", quality=quality, optimize=True)
        written.append(out / name)
        entries.append(
            f"  - file: {name}\n"
            f'    caption: "Ảnh minh họa số {number} (nội dung mẫu)"\n'
            f'    alt: "Hình minh họa trừu tượng màu đỏ và vàng, có dòng chữ Ảnh minh họa"\n'
            f'    credit: "kyniem (ảnh do phần mềm vẽ)"\n'
        )
    (out / "album.yml").write_text(ALBUM_YML.format(entries="".join(entries)), encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "gallery" / "anh-minh-hoa")
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--quality", type=int, default=72)
    args = parser.parse_args()
    files = write_album(args.out, args.count, args.width, args.quality)
    total = sum(f.stat().st_size for f in files)
    print(f"{len(files)} illustrations in {args.out} ({total / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
