#!/usr/bin/env python3
"""Generate the default site's sample archive (archive/): drawn pages and a tiny film, never fakes.

* ke-hoach-ky-niem-70-nam: the plan of 20/9/2021 that asked for this site, a
  real document of the project. Its transcription is the repo's own copy
  (docs/ke-hoach.md); its "scans" are pages drawn from that text with
  "TƯ LIỆU MINH HỌA" across them, since the project holds no real scan.
* giay-khen-mau: a sample certificate drawn at 600 dpi on A4 (4960×7016 pixels,
  the size of a real archival scan) for placeholder names; it shows how a
  large scan opens on a phone.
* phim-tu-lieu-mau: a few seconds of moving pattern with the same label, made
  with PyAV, plus WebVTT captions.

Output is deterministic (fixed seeds). Run from the repository root:

    python scripts/make_sample_archive.py            # writes archive/
    python scripts/make_sample_archive.py --a4 DIR   # only a 600-dpi A4 scan into DIR (benchmarks, tests)
"""

from __future__ import annotations

import argparse
import html
import math
import random
import re
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "kyniem" / "assets" / "fonts"
LABEL = "TƯ LIỆU MINH HỌA"
FOOT = "Trang do phần mềm kyniem vẽ lại từ văn bản để minh họa, không phải bản quét văn bản gốc"
PAPER = (244, 238, 222)
INK = (38, 34, 30)
RED = (176, 30, 30)


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / f"{name}.ttf"), size)


def paper(width: int, height: int, seed: int) -> Image.Image:
    """Off-white paper with soft blotches (computed small, scaled up: cheap and compressible)."""
    rng = random.Random(seed)
    small = Image.new("RGB", (32, 45), PAPER)
    pixels = small.load()
    for x in range(32):
        for y in range(45):
            shade = rng.randint(-7, 4)
            pixels[x, y] = tuple(max(0, min(255, c + shade)) for c in PAPER)
    return small.resize((width, height), Image.Resampling.BICUBIC)


def watermark(image: Image.Image, scale: float) -> None:
    """The label across the page and the explanation at its foot, so no one takes it for a scan."""
    width, height = image.size
    layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    big = font("BeVietnamPro-Bold", int(230 * scale))
    box = draw.textbbox((0, 0), LABEL, font=big)
    stamp = Image.new("RGBA", (box[2] + 40, box[3] + 40), (0, 0, 0, 0))
    ImageDraw.Draw(stamp).text((20, 20), LABEL, font=big, fill=(*RED, 70))
    stamp = stamp.rotate(math.degrees(math.atan2(height, width)), expand=True, resample=Image.Resampling.BICUBIC)
    layer.alpha_composite(stamp, ((width - stamp.width) // 2, (height - stamp.height) // 2))
    small = font("BeVietnamPro-Bold", int(26 * scale))
    text_w = draw.textlength(FOOT, font=small)
    draw.text(((width - text_w) / 2, height - 80 * scale), FOOT, font=small, fill=(*RED, 255))
    image.paste(layer, (0, 0), layer)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words, line = paragraph.split(), ""
        for word in words:
            trial = f"{line} {word}".strip()
            if draw.textlength(trial, font=face) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def plan_blocks() -> tuple[list[str], list[str]]:
    """(header lines, Markdown blocks of the body) of the plan, from the repo's docs/ke-hoach.md."""
    text = (ROOT / "docs" / "ke-hoach.md").read_text(encoding="utf-8")
    body = text.split("---", 2)[2]
    tables = re.findall(r"<table.*?</table>", body, flags=re.S)
    body = re.sub(r"<table.*?</table>", "", body, flags=re.S)

    def table_text(table: str) -> str:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", table, flags=re.S)
        out = []
        for cell in cells:
            cell = re.sub(r"<br\s*/?>", "\n", cell)
            out.append(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip())
        return "\n".join(out)

    header = table_text(tables[0]).split("\n")
    blocks = [b.strip() for b in body.split("\n\n") if b.strip() and b.strip() != "---"]
    blocks.append(table_text(tables[1]))
    return header, blocks


def plain(block: str) -> tuple[str, bool]:
    """Markdown block -> (text to draw, is a heading)."""
    heading = block.startswith("#")
    text = re.sub(r"^#+\s*", "", block)
    text = text.replace("**", "").replace("*", "").replace("_", "")
    return text, heading


def make_plan(out: Path) -> None:
    dpi = 150
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    margin_x, top, bottom = 150, 150, 190
    regular, bold = font("NotoSerif-Regular", 23), font("NotoSerif-Bold", 24)
    header, blocks = plan_blocks()
    pages: list[tuple[Image.Image, list[str]]] = []

    def new_page() -> tuple[Image.Image, ImageDraw.ImageDraw, list[str]]:
        image = paper(width, height, len(pages) + 1)
        pages.append((image, []))
        return image, ImageDraw.Draw(image), pages[-1][1]

    image, draw, texts = new_page()
    # The document head: issuing body on the left, the Party's name and date on the right.
    left, right = header[:4], header[4:]
    for index, line in enumerate(left):
        w = draw.textlength(line, font=bold if index == 1 else regular)
        draw.text((margin_x + 230 - w / 2, top + index * 34), line, font=bold if index == 1 else regular, fill=INK)
    for index, line in enumerate(l for l in right if l):
        w = draw.textlength(line, font=bold)
        draw.text((width - margin_x - 260 - w / 2, top + index * 52), line, font=bold, fill=INK)
    texts.append("\n".join(f"{line}  " for line in header if line))
    y = top + 200
    line_h = 34
    for block in blocks:
        text, heading = plain(block)
        face = bold if heading or text.isupper() else regular
        lines = wrap(draw, text, face, width - 2 * margin_x)
        if y + line_h * min(len(lines), 3) > height - bottom:
            watermark(image, dpi / 300)
            image, draw, texts = new_page()
            y = top
        texts.append(block if not block.startswith("Nơi nhận") else "\n".join(f"{l}  " for l in block.split("\n")))
        for line in lines:
            if y + line_h > height - bottom:
                watermark(image, dpi / 300)
                image, draw, texts = new_page()
                y = top
            x = margin_x + (width - 2 * margin_x - draw.textlength(line, font=face)) / 2 if text.isupper() else margin_x
            draw.text((x, y), line, font=face, fill=INK)
            y += line_h
        y += 14
    watermark(image, dpi / 300)
    entries = []
    for number, (page, page_texts) in enumerate(pages, 1):
        page.save(out / f"trang-{number}.jpg", quality=80, optimize=True)
        (out / f"trang-{number}.md").write_text("\n\n".join(page_texts) + "\n", encoding="utf-8")
        entries.append(f"  - file: trang-{number}.jpg\n    transcription: trang-{number}.md\n")
    (out / "item.yml").write_text(PLAN_YML.format(pages="".join(entries)), encoding="utf-8")


PLAN_YML = """\
# Tư liệu mẫu do scripts/make_sample_archive.py tạo. Nội dung bản chép là văn bản thật
# (docs/ke-hoach.md); hình các trang do phần mềm vẽ lại, nên ghi sample: true.
title: "Kế hoạch tổ chức các hoạt động Kỷ niệm 70 năm Ngày thành lập Đảng bộ Khối các cơ quan tỉnh Hải Dương (15/02/1952 – 15/02/2022)"
type: kế hoạch
identifier: "-KH/ĐUK"
date: 2021-09-20
creator: "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Hải Dương"
rights: "Văn bản của Đảng ủy Khối các cơ quan tỉnh Hải Dương"
description: "Kế hoạch đề ra các hoạt động kỷ niệm: tuyên truyền, thi đua, tái bản sách lịch sử, Lễ kỷ niệm và khẩu hiệu tuyên truyền. Bản chép lại là văn bản thật; hình các trang là tư liệu minh họa do phần mềm vẽ lại từ văn bản (số văn bản để trống như trên bản gốc)."
subjects:
  - kỷ niệm 70 năm
  - tuyên truyền
  - thi đua
chapters:
  - 01-thanh-lap-1952-1954.md
sample: true
pages:
{pages}"""


def certificate(width: int = 4960, height: int = 7016) -> Image.Image:
    """A sample certificate (giấy khen) for placeholder names, drawn at any size (600 dpi A4 by default)."""
    scale = width / 2480
    image = paper(width, height, 99)
    draw = ImageDraw.Draw(image)
    for inset, thickness in ((90, 18), (140, 5)):
        box = [int(inset * scale), int(inset * scale), width - int(inset * scale), height - int(inset * scale)]
        draw.rectangle(box, outline=RED, width=max(1, int(thickness * scale)))

    def centred(y: float, text: str, face: ImageFont.FreeTypeFont, fill: tuple[int, int, int] = INK) -> None:
        draw.text(((width - draw.textlength(text, font=face)) / 2, y * scale), text, font=face, fill=fill)

    s = lambda size: int(size * scale)  # noqa: E731
    centred(330, "ĐẢNG BỘ TỈNH HẢI DƯƠNG", font("NotoSerif-Regular", s(44)))
    centred(390, "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", font("NotoSerif-Bold", s(48)))
    centred(700, "GIẤY KHEN", font("NotoSerif-Bold", s(150)), RED)
    centred(950, "(MẪU – NỘI DUNG MINH HỌA)", font("NotoSerif-Bold", s(50)), RED)
    lines = ["Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh", "tặng", "Đồng chí NGUYỄN VĂN A",
             "Chi bộ mẫu, Đảng bộ Khối các cơ quan tỉnh Hải Dương",
             "Đã có thành tích tiêu biểu trong phong trào thi đua",
             "chào mừng Kỷ niệm 70 năm Ngày thành lập Đảng bộ Khối",
             "(15/02/1952 – 15/02/2022)"]
    for index, line in enumerate(lines):
        face = font("NotoSerif-Bold" if index == 2 else "NotoSerif-Regular", s(64 if index == 2 else 52))
        centred(1350 + index * 130, line, face)
    centred(2500, "Hải Dương, tháng 02 năm 2022", font("NotoSerif-Italic", s(50)))
    centred(2600, "T/M BAN THƯỜNG VỤ", font("NotoSerif-Bold", s(50)))
    centred(3150, "Trần Thị B", font("NotoSerif-Bold", s(52)))
    seal = int(230 * scale)
    cx, cy = width // 2, int(2880 * scale)
    for r in (seal, seal - s(16)):
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(*RED,), width=s(8))
    draw.text((cx - draw.textlength("MẪU", font=font("BeVietnamPro-Bold", s(90))) / 2, cy - s(55)), "MẪU",
              font=font("BeVietnamPro-Bold", s(90)), fill=RED)
    watermark(image, scale)
    return image


CERT_YML = """\
# Tư liệu mẫu do scripts/make_sample_archive.py vẽ, cỡ bản quét 600 dpi khổ A4 (4960×7016 điểm ảnh).
# Tên người, chữ ký, con dấu đều là mẫu; thay thư mục này bằng tư liệu thật.
title: "Giấy khen mẫu của Ban Thường vụ Đảng ủy Khối (tư liệu minh họa)"
type: bằng khen
identifier: "(mẫu)"
date: 2022-02
creator: "Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh Hải Dương"
source: "Nội dung mẫu: ghi kho lưu trữ, phông, hồ sơ nơi giữ bản gốc, ví dụ Lưu trữ Văn phòng Đảng ủy Khối, Phông số …, Hồ sơ số …"
rights: "kyniem (hình do phần mềm vẽ)"
description: "Nội dung mẫu. Giấy khen vẽ bằng phần mềm với tên người giả định (Nguyễn Văn A, Trần Thị B), cỡ bằng một bản quét 600 dpi khổ A4, để thử phóng to tư liệu trên điện thoại."
subjects:
  - thi đua
  - khen thưởng
sample: true
pages:
  - file: giay-khen.jpg
    transcription: giay-khen.md
"""

CERT_MD = """\
ĐẢNG BỘ TỈNH HẢI DƯƠNG  
ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH

# GIẤY KHEN

(Mẫu – nội dung minh họa)

Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh tặng **Đồng chí Nguyễn Văn A**, Chi bộ mẫu, Đảng bộ Khối các cơ
quan tỉnh Hải Dương, đã có thành tích tiêu biểu trong phong trào thi đua chào mừng Kỷ niệm 70 năm Ngày thành lập
Đảng bộ Khối (15/02/1952 – 15/02/2022).

Hải Dương, tháng 02 năm 2022. T/M Ban Thường vụ: Trần Thị B.
"""


def make_film(out: Path, seconds: int = 4) -> None:
    """A few seconds of VP9 WebM: a moving gold band on red, with the label (well under 300 KB)."""
    import av

    width, height, fps = 480, 270, 12
    label_font = font("BeVietnamPro-Bold", 34)
    small = font("BeVietnamPro-Regular", 18)
    with av.open(str(out / "phim-mau.webm"), "w") as container:
        stream = container.add_stream("libvpx-vp9", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"crf": "40", "b:v": "0", "deadline": "good", "cpu-used": "4"}
        for index in range(seconds * fps):
            image = Image.new("RGB", (width, height), (183, 28, 28))
            draw = ImageDraw.Draw(image)
            x = int((index / (seconds * fps)) * (width + 160)) - 160
            draw.rectangle([x, 0, x + 120, height], fill=(249, 168, 37))
            text_w = draw.textlength(LABEL, font=label_font)
            draw.text(((width - text_w) / 2, 100), LABEL, font=label_font, fill=(255, 255, 255))
            note = "Phim mẫu do phần mềm tạo"
            draw.text(((width - draw.textlength(note, font=small)) / 2, 150), note, font=small, fill=(255, 255, 255))
            frame = av.VideoFrame.from_image(image)
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    (out / "phim-mau.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nTư liệu minh họa: phim mẫu do phần mềm tạo.\n\n"
        "00:00:02.000 --> 00:00:04.000\nHãy thay bằng phim tư liệu thật của Đảng bộ.\n", encoding="utf-8")
    (out / "item.yml").write_text(FILM_YML, encoding="utf-8")


FILM_YML = """\
# Phim mẫu do scripts/make_sample_archive.py tạo bằng PyAV; thay bằng phim tư liệu thật.
# Phim lớn hơn giới hạn (archive.max_media_mb) thì đăng ở nơi khác và ghi url: thay cho file:.
title: "Phim tư liệu mẫu (tư liệu minh họa)"
type: phim
date: 2022-02
creator: "kyniem"
rights: "kyniem (phim do phần mềm tạo)"
description: "Nội dung mẫu. Vài giây hình chuyển động do phần mềm tạo, có phụ đề, để thử cách đăng phim tư liệu: ảnh bìa lấy từ phim, phụ đề WebVTT, chỉ tải phim khi bấm xem."
sample: true
media:
  - file: phim-mau.webm
    title: "Phim mẫu"
    captions: phim-mau.vtt
    rights: "kyniem (phim do phần mềm tạo)"
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "archive")
    parser.add_argument("--a4", type=Path, help="only write a 600-dpi A4 sample scan (a4-600dpi.jpg) into this folder")
    args = parser.parse_args()
    if args.a4:
        args.a4.mkdir(parents=True, exist_ok=True)
        certificate().save(args.a4 / "a4-600dpi.jpg", quality=80, optimize=True)
        return
    plan = args.out / "ke-hoach-ky-niem-70-nam"
    cert = args.out / "giay-khen-mau"
    film = args.out / "phim-tu-lieu-mau"
    for folder in (plan, cert, film):
        folder.mkdir(parents=True, exist_ok=True)
    make_plan(plan)
    certificate().save(cert / "giay-khen.jpg", quality=80, optimize=True)
    (cert / "giay-khen.md").write_text(CERT_MD, encoding="utf-8")
    (cert / "item.yml").write_text(CERT_YML, encoding="utf-8")
    make_film(film)


if __name__ == "__main__":
    main()
