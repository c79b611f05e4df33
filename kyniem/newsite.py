"""``kyniem init FOLDER``: a complete, buildable project for a new anniversary.

A committee preparing its own anniversary starts from its organization, its founding
date and the anniversary date; the anniversary number ("75 năm") is computed from the
dates. Everything written is marked sample content ("Nội dung mẫu") to be replaced,
except the facts given on the command line. Nothing that exists is overwritten.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem
from .scaffold import EditorError, q
from .text import format_date, nfc, parse_date

PACKAGE_DIR = Path(__file__).parent
GUIDES_DIR = PACKAGE_DIR.parent / "huong-dan"  # the repository's guides (kyniem is installed editable)
FONT = PACKAGE_DIR / "assets" / "fonts" / "BeVietnamPro-Bold.ttf"


@dataclass(frozen=True)
class NewSite:
    """What a new anniversary project is made of."""

    organization: str  # "Đảng bộ Khối các cơ quan tỉnh Hải Dương"
    committee: str  # "Đảng ủy Khối các cơ quan tỉnh Hải Dương"
    founded: dt.date
    anniversary: dt.date

    @property
    def years(self) -> int:
        """The anniversary number: whole years from the founding to the anniversary date."""
        before = (self.anniversary.month, self.anniversary.day) < (self.founded.month, self.founded.day)
        return self.anniversary.year - self.founded.year - before

    @property
    def name(self) -> str:
        return f"Kỷ niệm {self.years} năm Ngày thành lập {self.organization}"

    @property
    def dates(self) -> str:
        return f"{format_date(self.founded.isoformat())} – {format_date(self.anniversary.isoformat())}"


def parse_day(value: str) -> dt.date | None:
    """A full date written 1952-02-15 or 15/02/1952."""
    value = value.strip()
    parts = value.replace(".", "/").replace("-", "/").split("/")
    if len(parts) == 3 and len(parts[0]) <= 2 and len(parts[2]) == 4:  # 15/02/1952
        value = f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}" if all(p.isdigit() for p in parts) else value
    parsed = parse_date(value)
    if parsed is None or parsed[2] is None:
        return None
    return dt.date(parsed[0], parsed[1] or 1, parsed[2])


def committee_of(organization: str) -> str:
    """The executive committee's usual name: "Đảng bộ X" -> "Đảng ủy X"."""
    return organization.replace("Đảng bộ", "Đảng ủy", 1) if organization.startswith("Đảng bộ") else organization


def check_site(site: NewSite) -> list[Problem]:
    """What makes these answers unusable, in the editor's words."""
    problems = []
    if not site.organization.strip():
        problems.append(Problem("--organization", None, "chưa có tên tổ chức; ghi ví dụ --organization "
                                "\"Đảng bộ Khối các cơ quan tỉnh Hải Dương\"", code="init"))
    if site.years < 1:
        problems.append(Problem("--anniversary", None, f"ngày kỷ niệm {format_date(site.anniversary.isoformat())} "
                                f"phải sau ngày thành lập {format_date(site.founded.isoformat())} ít nhất một năm",
                                code="init"))
    return problems


def _mkdocs_yml(site: NewSite) -> str:
    return f"""# Trang {site.name}.
# Dựng trang: mkdocs build   ·   Xem trước: mkdocs serve   ·   Kiểm tra: kyniem check
site_name: {q(f"Kỷ niệm {site.years} năm {site.organization}")}
site_description: {q(f"{site.name} ({site.dates}): lịch sử, biên niên sự kiện, khẩu hiệu, "
                     "đề cương tuyên truyền, tin tức và thư viện ảnh.")}
site_author: {q(site.committee)}
# Thay bằng địa chỉ thật của trang khi xuất bản (xem huong-dan/xuat-ban.md).
site_url: https://kyniem.example/
copyright: {q(site.committee)}

theme:
  name: material
  language: vi
  font: false
  logo: assets/kyniem/logo.svg
  favicon: assets/kyniem/favicon.svg
  palette:
    scheme: default
    primary: custom
    accent: custom
  features:
    - navigation.indexes
    - navigation.footer
    - navigation.top
    - navigation.tracking
    - search.highlight
    - content.tooltips

plugins:
  - search:
      lang: vi
  - kyniem:
      organization: {q(site.organization)}
      committee: {q(site.committee)}
      founded: {site.founded.isoformat()}
      anniversary: {site.anniversary.isoformat()}
  - blog:
      blog_dir: tin-tuc
      blog_toc: true
      post_url_format: "{{slug}}"
      post_date_format: dd/MM/yyyy
      post_slugify: !!python/name:kyniem.text.slugify
      categories_slugify: !!python/name:kyniem.text.slugify
      archive_name: Lưu trữ
      categories_name: Chuyên mục
      archive_url_format: "luu-tru/{{date}}"
      categories_url_format: "chuyen-muc/{{slug}}"
  - glightbox

markdown_extensions:
  - toc:
      permalink: true
      permalink_title: Liên kết tới mục này
      slugify: !!python/name:kyniem.text.slugify
  - admonition
  - attr_list
  - md_in_html
  - footnotes
  - tables
  - def_list
  - pymdownx.details
  - pymdownx.superfences

extra:
  generator: false
"""


_SAMPLE = '!!! note "Nội dung mẫu"\n    {text}\n'


def _files(site: NewSite) -> dict[str, str]:
    """Every text file of the new project, by its path."""
    start = site.founded.year
    end = min(site.founded.year + 4, site.anniversary.year)
    founded = site.founded.isoformat()
    return {
        "mkdocs.yml": _mkdocs_yml(site),
        ".gitignore": "/site/\n/.venv/\n/.cache/\n__pycache__/\n",
        "docs/index.md": f"""---
title: Trang chủ
---

# {site.name} ({site.dates})

{site.organization} được thành lập ngày {format_date(founded)}. Trang này giới thiệu truyền thống lịch sử,
các tài liệu tuyên truyền và hoạt động hướng tới {site.name[0].lower() + site.name[1:]}.

- [Lịch sử](lich-su/index.md) · [Biên niên sự kiện](bien-nien-su-kien.md) · [Khẩu hiệu](khau-hieu.md)
- [Đề cương tuyên truyền](de-cuong-tuyen-truyen/index.md) · [Thư viện ảnh](thu-vien-anh/index.md)
- [Tài liệu tải về](tai-ve/index.md)

{_SAMPLE.format(text="Thay đoạn giới thiệu này bằng lời giới thiệu của " + site.committee + ".")}""",
        "docs/gioi-thieu.md": f"""# Giới thiệu

{_SAMPLE.format(text=f"Giới thiệu ngắn về {site.organization}: chức năng, nhiệm vụ, các tổ chức đảng trực thuộc.")}""",
        "docs/tin-tuc/index.md": f"# Tin tức\n\nTin, bài hướng tới {site.name[0].lower() + site.name[1:]}.\n",
        "docs/tin-tuc/.authors.yml": f"""authors:
  ban-bien-tap:
    name: Ban biên tập
    description: {q(f"Ban biên tập trang {site.name[0].lower() + site.name[1:]}")}
    avatar: assets/kyniem/logo.svg
""",
        f"docs/tin-tuc/posts/{site.anniversary.year}-bat-dau.md": f"""---
date:
  created: {min(dt.date.today(), site.anniversary).isoformat()}
authors:
  - ban-bien-tap
slug: ra-mat-trang-ky-niem
---

# Ra mắt trang {site.name[0].lower() + site.name[1:]}

{_SAMPLE.format(text="Tin mẫu: thay bằng tin thật, hoặc xóa tệp này. Tạo tin mới bằng lệnh kyniem new post “Tiêu đề”.")}""",
        f"history/01-thanh-lap-{start}-{end}.md": f"""---
# Tên chương, hiện trên trang và trong mục lục.
title: {q(f"Thành lập {site.organization}")}
# Giai đoạn của chương: [năm bắt đầu, năm kết thúc]; các chương nối tiếp nhau, không chồng lên nhau.
period: [{start}, {end}]
order: 1
summary: {q(f"{site.organization} được thành lập ngày {format_date(founded)}.")}
# draft = bản nháp; published = xuất bản.
status: published
events:
  - date: {founded}
    title: {q(f"Thành lập {site.organization}")}
sources: []
#  - "Tên tài liệu, nơi lưu, năm"
---

## Bối cảnh

{_SAMPLE.format(text="Chương mẫu: thay bằng nội dung lịch sử thật, theo tư liệu của " + site.committee
                + ". Tạo chương mới bằng lệnh kyniem new chapter “Tên chương” --period 1955-1960.")}""",
        "slogans/slogans.yml": f"""# Khẩu hiệu tuyên truyền, mỗi khẩu hiệu một mục '- text: …'.
slogans:
  - text: {q(f"Nhiệt liệt chào mừng {site.years} năm Ngày thành lập {site.organization} ({site.dates})!")}
    occasion: {q(site.name)}
""",
        "slogans/outlines/de-cuong-tuyen-truyen.md": f"""---
title: {q(f"Đề cương tuyên truyền {site.name} ({site.dates})")}
summary: "Nội dung mẫu: tài liệu dùng trong các kỳ sinh hoạt chi bộ."
status: published
---

## I. Mục đích, yêu cầu

{_SAMPLE.format(text="Thay bằng đề cương tuyên truyền được duyệt.")}
## II. Nội dung tuyên truyền

### 1. Truyền thống lịch sử

- {site.organization} được thành lập ngày {format_date(founded)}; năm {site.anniversary.year} là năm kỷ niệm {site.years} năm Ngày thành lập ({site.dates}).
""",
        "gallery/anh-minh-hoa/album.yml": f"""# Album mẫu: ảnh dưới đây do kyniem vẽ; thay bằng album ảnh thật (xem huong-dan/thu-vien-anh.md).
title: "Album mẫu: ảnh minh họa"
date: {site.anniversary.isoformat()}
description: "Nội dung mẫu. Hình trong album là ảnh minh họa do phần mềm vẽ, không phải ảnh tư liệu."
photos:
  - file: minh-hoa-01.jpg
    caption: "Ảnh minh họa (nội dung mẫu)"
    alt: "Hình minh họa màu đỏ và vàng, có dòng chữ Ảnh minh họa"
    credit: "kyniem (ảnh do phần mềm vẽ)"
""",
    }


def _illustration(path: Path) -> None:
    """A sample picture nobody can take for a real photo: flat colours and the words "Ảnh minh họa"."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1200, 800), (183, 28, 28))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, 1200, 800), fill=(249, 168, 37))
    draw.ellipse((460, 160, 740, 440), fill=(255, 214, 102))
    draw.text((600, 660), "Ảnh minh họa", fill=(62, 39, 35), font=ImageFont.truetype(str(FONT), 72), anchor="mm")
    image.save(path, "JPEG", quality=85)


def write_site(folder: Path, site: NewSite) -> list[Path]:
    """Write the project into ``folder`` (new or empty); returns the files written."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise EditorError(Problem(folder.as_posix(), None, "thư mục đã có và không trống nên không ghi gì; chọn một "
                                  "thư mục mới, ví dụ kyniem init trang-ky-niem-75-nam", code="init"))
    written: list[Path] = []
    for name, text in _files(site).items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(nfc(text), encoding="utf-8", newline="\n")
        written.append(path)
    picture = folder / "gallery" / "anh-minh-hoa" / "minh-hoa-01.jpg"
    _illustration(picture)
    written.append(picture)
    if GUIDES_DIR.is_dir():
        shutil.copytree(GUIDES_DIR, folder / "huong-dan")
        written.extend(p for p in sorted((folder / "huong-dan").rglob("*")) if p.is_file())
    return written

