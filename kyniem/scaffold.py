"""``kyniem new …``: commented skeletons that are valid from the first save.

An editor starts from a file that already builds, with every key explained in
Vietnamese, instead of copying an old chapter and carrying its mistakes along.
Nothing is ever overwritten: an existing file is a finding, not a target.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .content import HISTORY_URL
from .problems import Problem, Report
from .text import escape_markdown, nfc, slug_from_filename, slugify
from .yamlsrc import load_yaml, read_text

if TYPE_CHECKING:
    from .config import KyniemConfig

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-–—/]|đến)\s*(\d{4})\s*$")
_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)")
_NUMBER = re.compile(r"^(\d+)")


class EditorError(Exception):
    """A command of the editors' desk could not do its job; carries the finding to show."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML), safe for any title."""
    return json.dumps(nfc(text), ensure_ascii=False)


def parse_period(value: str) -> tuple[int, int] | None:
    """Read "1986-2000", "1986 – 2000" or "1986" as (start, end)."""
    match = _PERIOD.match(value)
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        return (start, end) if start <= end else None
    if re.fullmatch(r"\s*\d{4}\s*", value):
        return int(value), int(value)
    return None


def guess_period(title: str) -> tuple[int, int] | None:
    """The period named by the years in a title ("… giai đoạn 1986 – 2000")."""
    years = [int(y) for y in _YEAR.findall(title)]
    return (min(years), max(years)) if years else None


def _write_new(path: Path, text: str, root: Path) -> Path:
    """Create ``path`` with ``text``; refuse when it exists."""
    source = path.relative_to(root).as_posix()
    if path.exists():
        raise EditorError(Problem(source, None, "tệp đã có nên không ghi gì (chọn tiêu đề khác)", "error", "exists"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(nfc(text))
    return path


def next_chapter_number(history: Path) -> int:
    """One more than the highest leading number of the chapter files (01-…, 02-…)."""
    numbers = [int(m.group(1)) for p in history.glob("*.md") if (m := _NUMBER.match(p.name))]
    return max(numbers, default=0) + 1


def chapter_text(title: str, period: tuple[int, int], order: int) -> str:
    start, end = period
    return f"""---
# Tên chương, hiện trên trang và trong mục lục.
title: {q(title)}
# Giai đoạn của chương: [năm bắt đầu, năm kết thúc].
period: [{start}, {end}]
# Thứ tự khi hai chương cùng giai đoạn (không bắt buộc).
order: {order}
# Tóm tắt một hai câu, hiện ở trang Lịch sử.
summary: ""
# draft = bản nháp (chưa xuất bản); đổi thành published khi đã duyệt.
status: draft
# Các sự kiện của chương, hiện cả trên trang Biên niên sự kiện.
# Ngày viết theo dạng năm-tháng-ngày: 1952-02-15 (hoặc 1952-02, hoặc 1952).
events: []
#  - date: {start}-01-01
#    title: "Tên sự kiện"
#    text: "Một câu mô tả sự kiện."
# Nguồn tư liệu (sách, văn bản, hồ sơ lưu trữ).
sources: []
#  - "Tên tài liệu, nơi lưu, năm"
---

<!-- Viết nội dung chương ở đây, dưới dòng ---. Mỗi đề mục bắt đầu bằng ##. -->
"""


def new_chapter(root: Path, settings: "KyniemConfig", title: str, period: tuple[int, int] | None) -> Path:
    """Write ``history/NN-slug.md``; the period comes from ``period`` or the title."""
    title = nfc(title).strip()
    history = root / settings.history_dir
    period = period or guess_period(title)
    if period is None:
        raise EditorError(Problem(settings.history_dir, None, 'hãy ghi giai đoạn của chương, ví dụ --period 1986-2000', "error", "period"))
    path = new_chapter_path(root, history, title, period)
    number = int(path.name.split("-", 1)[0])
    return _write_new(path, chapter_text(title, period, number), root)


def new_chapter_path(root: Path, history: Path, title: str, period: tuple[int, int]) -> Path:
    """``history/NN-slug.md`` for a new chapter; refuse a slug (address) another chapter has."""
    slug = slugify(title) or "chuong"
    years = f"{period[0]}-{period[1]}" if period[0] != period[1] else str(period[0])
    if years not in slug:
        slug = f"{slug}-{years}"
    for existing in sorted(history.glob("*.md")):
        if slug_from_filename(existing) == slug:
            raise EditorError(Problem(
                existing.relative_to(root).as_posix(), None,
                f"chương này đã có địa chỉ /{HISTORY_URL}/{slug}/ nên không ghi gì "
                "(đặt tiêu đề khác cho chương mới)", "error", "exists"))
    return history / f"{next_chapter_number(history):02d}-{slug}.md"


def new_outline(root: Path, settings: "KyniemConfig", title: str, today: dt.date | None = None) -> Path:
    """Write ``slogans/outlines/slug.md``, dated today."""
    title = nfc(title).strip()
    date = (today or dt.date.today()).isoformat()
    text = f"""---
# Tên đề cương tuyên truyền.
title: {q(title)}
# Tóm tắt một hai câu, hiện ở danh sách đề cương.
summary: ""
# Ngày ban hành đề cương: năm-tháng-ngày.
date: {date}
# draft = bản nháp (chưa xuất bản); đổi thành published khi đã duyệt.
status: draft
---

<!-- Viết nội dung đề cương ở đây: ## I. MỤC ĐÍCH, YÊU CẦU … -->
"""
    path = root / settings.slogans_dir / "outlines" / f"{slugify(title) or 'de-cuong'}.md"
    return _write_new(path, text, root)


def new_post(root: Path, posts_dir: Path, title: str, today: dt.date | None = None) -> Path:
    """Write a news post for the Material blog in ``posts_dir`` (``docs/tin-tuc/posts/`` by default)."""
    title = nfc(title).strip()
    date = (today or dt.date.today()).isoformat()
    text = f"""---
# Ngày đăng tin: năm-tháng-ngày.
date: {date}
# draft: true = bản nháp, chưa đăng; xóa dòng này khi tin đã được duyệt.
draft: true
---

# {escape_markdown(title)}

<!-- Đoạn mở đầu của tin, hiện ở trang Tin tức. -->

<!-- more -->

<!-- Phần còn lại của tin. -->
"""
    path = posts_dir / f"{date}-{slugify(title) or 'tin'}.md"
    return _write_new(path, text, root)


@dataclass(frozen=True)
class Photo:
    """A photo found in an album folder, with the date its camera recorded."""

    file: str
    date: str | None


def exif_date(path: Path) -> str | None:
    """The day a photo was taken (EXIF DateTimeOriginal, else DateTime), or None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            exif = image.getexif()
    except (OSError, UnidentifiedImageError, ValueError):
        return None
    raw = exif.get_ifd(0x8769).get(36867) or exif.get(306)
    if not isinstance(raw, str):
        return None
    match = re.match(r"^(\d{4}):(\d{2}):(\d{2})", raw.strip())
    if not match or match.group(1) == "0000":
        return None
    return "-".join(match.groups())


def album_photos(folder: Path) -> list[Photo]:
    """The photos of an album folder, in file-name order."""
    return [
        Photo(p.name, exif_date(p))
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES
    ]


def _photo_entry(photo: Photo) -> str:
    lines = [f"  - file: {q(photo.file)}", '    caption: ""', '    alt: ""']
    if photo.date:
        lines.append(f"    date: {photo.date}")
    return "\n".join(lines) + "\n"


def new_album(root: Path, settings: "KyniemConfig", title: str, folder: Path | None = None) -> tuple[Path, list[str]]:
    """Write ``album.yml`` for an album folder, or add the photos it lacks.

    Returns the file and the names of the photos added. An existing album.yml is
    only ever appended to: captions, comments and order the editor wrote stay.
    """
    title = nfc(title).strip()
    gallery = root / settings.gallery_dir
    folder = folder or gallery / (slugify(title) or "album")
    if folder.resolve().parent != gallery.resolve():
        raise EditorError(Problem(str(folder), None, f"album là một thư mục nằm ngay trong {settings.gallery_dir}/ "
                                  f"của trang; chép ảnh vào {settings.gallery_dir}/<ten-album>/ trước, ví dụ "
                                  f"{settings.gallery_dir}/le-ky-niem-2022/",
                                  "error", "album"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "album.yml"
    source = path.relative_to(root).as_posix()
    photos = album_photos(folder)
    if not path.exists():
        dates = sorted(p.date for p in photos if p.date)
        text = (
            "# Tên album, hiện trên trang Thư viện ảnh.\n"
            f"title: {q(title)}\n"
            "# Ngày của sự kiện trong album: năm-tháng-ngày.\n"
            f"date: {dates[0] if dates else dt.date.today().isoformat()}\n"
            "# Vài câu giới thiệu album.\n"
            'description: ""\n'
            "# Ảnh đại diện của album (tên tệp trong thư mục này).\n"
            f"cover: {q(photos[0].file) if photos else q('')}\n"
            "# Mỗi ảnh: file (tên tệp), caption (chú thích), alt (mô tả ảnh cho người không xem được ảnh),\n"
            "# credit (người chụp / nguồn, không bắt buộc), date (ngày chụp, lấy từ máy ảnh nếu có).\n"
            "# Ảnh do dự án tạo ra để minh họa phải ghi rõ trong chú thích: \"Ảnh minh họa\".\n"
            + ("photos:\n" + "".join(_photo_entry(p) for p in photos) if photos else "photos: []\n")
        )
        _write_new(path, text, root)
        return path, [p.file for p in photos]
    report = Report()
    text = read_text(path, source, report)
    data, _ = load_yaml(text, source, report) if text is not None else (None, None)
    if report.errors:
        raise EditorError(report.errors[0])
    listed = data.get("photos") if isinstance(data, dict) else None
    known = {str(item.get("file")) for item in listed or [] if isinstance(item, dict)}
    missing = [p for p in photos if p.file not in known]
    if not missing:
        return path, []
    assert text is not None
    last_key = [line for line in text.split("\n") if re.match(r"^[A-Za-z_]", line)]
    if not last_key or not re.match(r"^photos:\s*(\[\s*\])?\s*(#.*)?$", last_key[-1]):
        raise EditorError(
            Problem(source, None, "'photos:' phải là khóa cuối cùng của album.yml để thêm ảnh mới bên dưới; "
                    f"hãy thêm tay: {', '.join(p.file for p in missing)}", "error", "album")
        )
    if not listed:
        text = re.sub(r"(?m)^photos:\s*(\[\s*\])?", "photos:", text, count=1)
    addition = "".join(_photo_entry(p) for p in missing)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(text.rstrip("\n") + "\n" + addition)
    return path, [p.file for p in missing]
