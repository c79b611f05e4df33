"""The document archive (tư liệu): ``archive/<item>/item.yml``, scans, transcriptions, films.

Each item is one primary source: a resolution, a decision, a letter, a newspaper
clipping, a certificate, a film. Its fields carry Dublin Core names where one fits
(title, type, identifier, date, creator, source, rights, description, subject,
relation), so the committee can export the records to any archive tool.
Everything is read and validated here, with Vietnamese findings naming file and
line; rendering (kyniem/archive_pages.py) only takes these objects.

Chapters cite an item with ``[[tu-lieu:ten-tu-lieu]]`` (or ``[[tu-lieu:ten|chữ hiện]]``);
a reference to an item that does not exist is an error at its line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .documents import ChapterLike, Document
from .problems import Report
from .text import fold, nfc, parse_date, slugify
from .yamlsrc import LineMap, load_yaml, read_text

if TYPE_CHECKING:
    from .config import KyniemConfig

ARCHIVE_URL = "tu-lieu"
ARCHIVE_INDEX = f"{ARCHIVE_URL}/index.md"
ITEM_FILE = "item.yml"
ITEM_KEYS = ("title", "type", "identifier", "date", "creator", "source", "rights", "description", "subjects",
             "chapters", "pages", "media", "sample")
PAGE_KEYS = ("file", "transcription", "label")
MEDIA_KEYS = ("file", "url", "title", "poster", "captions", "rights", "description")

# The kinds of document a committee holds; another word is accepted with a warning.
TYPES = ("nghị quyết", "quyết định", "chỉ thị", "kế hoạch", "công văn", "thông báo", "báo cáo", "biên bản",
         "tờ trình", "diễn văn", "thư", "báo", "tạp chí", "ảnh tư liệu", "bằng khen", "giấy chứng nhận",
         "hiện vật", "phim", "ghi âm", "tài liệu khác")
SCAN_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".opus": "audio/ogg"}

# [[tu-lieu:slug]] or [[tu-lieu:slug|text shown]]
REFERENCE = re.compile(r"\[\[tu-lieu:(?P<slug>[^\]|\n]*?)\s*(?:\|(?P<text>[^\]\n]*))?\]\]")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class ScanPage:
    """One scanned page of an item, with what an editor transcribed of it."""

    name: str
    path: Path
    label: str
    transcription: str  # Markdown, NFC; "" when none
    line: int


@dataclass
class Media:
    """A film or recording of an item: a local file or a link to where it is hosted."""

    kind: str  # "video" | "audio"
    title: str
    rights: str
    line: int
    path: Path | None = None
    url: str = ""
    mime: str = ""
    size: int = 0
    poster: Path | None = None
    captions: Path | None = None
    description: str = ""


@dataclass
class Item:
    """One primary source of the archive, from ``archive/<folder>/item.yml``."""

    folder: Path
    slug: str
    source: str  # "archive/<folder>/item.yml"
    title: str
    type: str
    identifier: str = ""
    date: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD
    creator: str = ""  # the issuing body
    holding: str = ""  # Dublin Core "source": archive, fonds, file where the original is kept
    rights: str = ""
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    chapters: list[str] = field(default_factory=list)  # chapter slugs (Dublin Core "relation")
    pages: list[ScanPage] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    sample: bool = False

    @property
    def url(self) -> str:
        return f"{ARCHIVE_URL}/{self.slug}/"

    @property
    def src_uri(self) -> str:
        return f"{ARCHIVE_URL}/{self.slug}.md"

    @property
    def year(self) -> int | None:
        parsed = parse_date(self.date) if self.date else None
        return parsed[0] if parsed else None

    @property
    def decade(self) -> str:
        """'1950' for 1952; '' when undated."""
        return str(self.year // 10 * 10) if self.year else ""

    @property
    def sort_key(self) -> tuple[int, str, str]:
        return (self.year or 9999, self.date, self.title)

    @property
    def label(self) -> str:
        """Short name used where a chapter cites the item: 'Kế hoạch số -KH/ĐUK ngày 20/9/2021'."""
        parts = [self.type[:1].upper() + self.type[1:]] if self.type else []
        if self.identifier:
            parts.append(f"số {self.identifier}")
        if self.date:
            parts.append(_date_phrase(self.date))
        return " ".join(parts) if self.identifier else self.title

    def citation(self) -> str:
        """A ready citation in the usual Vietnamese style for archival documents:

        Cơ quan ban hành, *Loại số ký hiệu ngày …* "Tên", lưu tại …
        """
        head = self.creator + ", " if self.creator else ""
        kind = self.type[:1].upper() + self.type[1:] if self.type else "Tài liệu"
        number = f" số {self.identifier}" if self.identifier else ""
        when = f" {_date_phrase(self.date)}" if self.date else ""
        text = f"{head}{kind}{number}{when}: “{self.title.rstrip('.')}”"
        if self.holding:
            text += f", lưu tại {self.holding}"
        return text + "."


@dataclass(frozen=True)
class Reference:
    """A ``[[tu-lieu:…]]`` written in a chapter or outline."""

    file: str
    line: int
    slug: str
    text: str


def _date_phrase(date: str) -> str:
    """'ngày 20/9/2021', 'tháng 9/2021' or 'năm 2021' (Vietnamese document style, no leading zeros)."""
    parsed = parse_date(date)
    if parsed is None:
        return date
    year, month, day = parsed
    if day is not None:
        return f"ngày {day}/{month}/{year}"
    if month is not None:
        return f"tháng {month}/{year}"
    return f"năm {year}"


def load_archive(root: Path, settings: "KyniemConfig", report: Report, chapters: list["ChapterLike"],
                 outlines: list["Document"]) -> list[Item]:
    """Every item under the archive folder, oldest first, and every reference to one checked."""
    folder = root / settings.archive_dir
    items: list[Item] = []
    present: set[str] = set()
    if folder.is_dir():
        reader = _ItemReader(root, settings, report, chapters)
        by_slug: dict[str, Item] = {}
        for item_dir in sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
            if (item_dir / ITEM_FILE).is_file():
                present.add(slugify(nfc(item_dir.name)))  # an item with errors is reported once, not by each reference
            item = reader.item(item_dir)
            if item is None:
                continue
            if item.slug in by_slug:
                report.error(item.source, 1, f"thư mục này cho cùng địa chỉ /{ARCHIVE_URL}/{item.slug}/ với "
                             f"{by_slug[item.slug].source}; hãy đổi tên một trong hai thư mục", "archive-duplicate")
                continue
            by_slug[item.slug] = item
            items.append(item)
    items.sort(key=lambda i: i.sort_key)
    known = {i.slug for i in items} | present
    report_missing(references(chapters, outlines), known, settings.archive_dir, report)
    return items


def report_missing(refs: list[Reference], known: set[str], archive_dir: str, report: Report) -> None:
    """An error at each reference to an item that does not exist, with the closest name that does."""
    for ref in refs:
        if ref.slug not in known:
            close = difflib.get_close_matches(ref.slug, sorted(known), n=1, cutoff=0.5)
            hint = f" Có phải ý bạn là [[tu-lieu:{close[0]}]]?" if close else ""
            report.error(ref.file, ref.line,
                         f"tham chiếu [[tu-lieu:{ref.slug}]] trỏ tới tư liệu không có (không có thư mục "
                         f"{archive_dir}/{ref.slug}/ với tệp {ITEM_FILE}).{hint} Hãy sửa tên cho đúng "
                         "tên thư mục của tư liệu, hoặc thêm tư liệu đó.", "archive-missing-item")


def text_references(source: str, text: str, first_line: int = 1) -> list[Reference]:
    """The ``[[tu-lieu:…]]`` of any Markdown text (a page in docs/), outside code."""
    return [Reference(source, first_line + index, slugify(match.group("slug")), (match.group("text") or "").strip())
            for index, line in outside_fences(text) for match in REFERENCE.finditer(line)]


def references(chapters: list["ChapterLike"], outlines: list["Document"]) -> list[Reference]:
    """Every ``[[tu-lieu:…]]`` outside code in chapters and outlines, with file and line."""
    return [ref for doc in [*chapters, *outlines] for ref in text_references(doc.source, doc.body, doc.body_line)]


def outside_fences(body: str) -> list[tuple[int, str]]:
    """(0-based line index, line) of the lines outside fenced code blocks."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
            continue
        if fence is None:
            out.append((index, line))
    return out


class _ItemReader:
    def __init__(self, root: Path, settings: "KyniemConfig", report: Report, chapters: list["ChapterLike"]) -> None:
        self.root = root
        self.report = report
        self.max_media = settings.archive["max_media_mb"] * 1024 * 1024
        self.chapters = chapters

    def item(self, folder: Path) -> Item | None:
        path = folder / ITEM_FILE
        source = path.relative_to(self.root).as_posix()
        if not path.is_file():
            self.report.warning(folder.relative_to(self.root).as_posix(), None,
                                f"thư mục tư liệu chưa có tệp {ITEM_FILE} nên bị bỏ qua; tạo tệp đó với ít nhất "
                                'title: "…" và type: "quyết định"', "archive-no-item")
            return None
        text = read_text(path, source, self.report)
        if text is None:
            return None
        errors_before = len(self.report.errors)
        data, lines = load_yaml(text, source, self.report)
        if len(self.report.errors) > errors_before:
            return None
        if not isinstance(data, dict):
            self.report.error(source, 1, "tệp phải gồm các dòng 'tên: giá trị', ví dụ title: \"Quyết định …\"",
                              "archive-type")
            return None
        self._unknown(source, data, ITEM_KEYS, lines, ())
        item = Item(
            folder=folder,
            slug=slugify(nfc(folder.name)),
            source=source,
            title=self._text(source, data, "title", lines, required=True),
            type=self._type(source, data, lines),
            identifier=self._text(source, data, "identifier", lines),
            date=self._date(source, data, lines),
            creator=self._text(source, data, "creator", lines),
            holding=self._text(source, data, "source", lines),
            rights=self._text(source, data, "rights", lines),
            description=self._text(source, data, "description", lines),
            subjects=self._list(source, data, "subjects", lines),
            chapters=self._chapters(source, data, lines),
            sample=data.get("sample") is True,
        )
        if "sample" in data and not isinstance(data["sample"], bool):
            self.report.error(source, lines.line(("sample",)), "sample: chỉ ghi true (tư liệu minh họa) hoặc false",
                              "archive-type")
        item.pages = self._pages(source, folder, data, lines)
        item.media = self._media(source, folder, data, lines, item.rights)
        if not item.pages and not item.media and "pages" not in data:
            self.report.error(source, 1, "tư liệu chưa có trang quét hay tệp phim, ghi âm nào; đặt ảnh quét "
                              "(JPEG, PNG, TIFF) vào thư mục này hoặc liệt kê dưới pages:", "archive-empty")
        return item if len(self.report.errors) == errors_before else None

    # -- fields -------------------------------------------------------------------------

    def _unknown(self, source: str, data: dict, keys: tuple[str, ...], lines: LineMap, path: tuple) -> None:
        for key in data:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
                hint = f"có phải ý bạn là '{close[0]}'?" if close else f"các tên dùng được: {', '.join(keys)}"
                self.report.error(source, lines.line((*path, key)), f"không hiểu tên '{key}'; {hint}",
                                  "archive-unknown-key")

    def _text(self, source: str, data: dict, key: str, lines: LineMap, path: tuple = (),
              required: bool = False) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.report.error(source, lines.line((*path, key)) if key in data else lines.line(path),
                                  f"thiếu '{key}'; thêm một dòng {key}: \"…\"", "archive-missing")
            return ""
        if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.report.error(source, lines.line((*path, key)), f"'{key}' phải là một dòng chữ", "archive-type")
            return ""
        return nfc(value).strip()

    def _list(self, source: str, data: dict, key: str, lines: LineMap) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
            self.report.error(source, lines.line((key,)), f"'{key}' phải là danh sách các dòng '- …'", "archive-type")
            return []
        return [nfc(str(v)).strip() for v in value if str(v).strip()]

    def _type(self, source: str, data: dict, lines: LineMap) -> str:
        kind = self._text(source, data, "type", lines, required=True)
        if kind and kind.lower() not in TYPES:
            folded = {fold(t): t for t in TYPES}
            if fold(kind) in folded:
                return folded[fold(kind)]
            close = difflib.get_close_matches(fold(kind), list(folded), n=1, cutoff=0.6)
            hint = f"có phải ý bạn là '{folded[close[0]]}'? " if close else ""
            self.report.warning(source, lines.line(("type",)), f"type: '{kind}' không phải loại tư liệu quen dùng; "
                                f"{hint}các loại: {', '.join(TYPES)}", "archive-type-unknown")
        return kind.lower()

    def _date(self, source: str, data: dict, lines: LineMap) -> str:
        raw = data.get("date")
        if raw is None:
            return ""
        date = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
        if parse_date(date) is None:
            match = re.match(r"^\s*(?:(\d{1,2})[/.-])?(\d{1,2})[/.-](\d{4})\s*$", date)
            hint = "viết năm-tháng-ngày, ví dụ date: 1952-02-15, hoặc chỉ năm-tháng (1952-02) hay năm (1952)"
            if match:
                day, month, year = match.groups()
                hint = f"viết date: {year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
            self.report.error(source, lines.line(("date",)), f'date: "{date}" không phải ngày tháng; {hint}',
                              "archive-date")
            return ""
        return date

    def _chapters(self, source: str, data: dict, lines: LineMap) -> list[str]:
        wanted = self._list(source, data, "chapters", lines)
        by_name = {Path(c.source).name: c.slug for c in self.chapters}
        slugs = {c.slug for c in self.chapters}
        found: list[str] = []
        for index, value in enumerate(wanted):
            slug = by_name.get(value) or (slugify(value) if slugify(value) in slugs else None)
            if slug is None:
                self.report.error(source, lines.line(("chapters", index)),
                                  f"chapters: không có chương '{value}'; ghi tên tệp chương (ví dụ "
                                  f"01-thanh-lap-1952-1954.md) hoặc địa chỉ của nó", "archive-chapter")
            elif slug not in found:
                found.append(slug)
        return found

    def _local_file(self, source: str, folder: Path, name: object, line: int, what: str) -> Path | None:
        if not isinstance(name, str) or not name.strip():
            self.report.error(source, line, f"{what}: ghi tên một tệp trong thư mục này", "archive-file")
            return None
        name = nfc(name.strip())
        path = (folder / name).resolve()
        if not path.is_relative_to(folder.resolve()) or "/" in name or "\\" in name:
            self.report.error(source, line, f"{what} '{name}': chỉ ghi tên tệp nằm ngay trong thư mục "
                              f"{folder.relative_to(self.root).as_posix()}/", "archive-file")
            return None
        if not path.is_file():
            self.report.error(source, line, f"{what} '{name}': không có tệp này trong thư mục "
                              f"{folder.relative_to(self.root).as_posix()}/ (kiểm tra chính tả, chữ hoa chữ thường)",
                              "archive-file")
            return None
        return path

    def _pages(self, source: str, folder: Path, data: dict, lines: LineMap) -> list[ScanPage]:
        value = data.get("pages")
        if value is None:  # unlisted: every scan in the folder, by name
            scans = sorted(p for p in folder.iterdir() if p.suffix.lower() in SCAN_SUFFIXES and p.is_file()
                           and not p.name.startswith(".") and not self._is_poster(data, p.name))
            value = [p.name for p in scans]
            auto = True
        else:
            auto = False
        if not isinstance(value, list):
            self.report.error(source, lines.line(("pages",)), "pages phải là danh sách '- file: trang-1.jpg'",
                              "archive-type")
            return []
        pages: list[ScanPage] = []
        for index, entry in enumerate(value):
            where = ("pages", index)
            line = lines.line(where) if not auto else 1
            if isinstance(entry, str):
                entry = {"file": entry}
            if not isinstance(entry, dict):
                self.report.error(source, line, f"pages[{index}] phải có dạng '- file: trang-1.jpg'", "archive-type")
                continue
            self._unknown(source, entry, PAGE_KEYS, lines, where)
            path = self._local_file(source, folder, entry.get("file"), lines.line((*where, "file")) if not auto
                                    else line, "trang quét")
            if path is None:
                continue
            if path.suffix.lower() not in SCAN_SUFFIXES:
                self.report.error(source, line, f"trang quét '{path.name}' phải là ảnh JPEG, PNG, TIFF hoặc WebP",
                                  "archive-file")
                continue
            transcription = ""
            name = entry.get("transcription")
            text_path = (self._local_file(source, folder, name, lines.line((*where, "transcription")), "bản chép")
                         if name is not None else path.with_suffix(".md") if path.with_suffix(".md").is_file()
                         else None)
            if text_path is not None:
                text = read_text(text_path, text_path.relative_to(self.root).as_posix(), self.report)
                transcription = (text or "").strip()
            label = self._text(source, entry, "label", lines, where) or f"Trang {len(pages) + 1}"
            pages.append(ScanPage(path.name, path, label, transcription, line))
        return pages

    @staticmethod
    def _is_poster(data: dict, name: str) -> bool:
        media = data.get("media")
        return isinstance(media, list) and any(isinstance(m, dict) and m.get("poster") == name for m in media)

    def _media(self, source: str, folder: Path, data: dict, lines: LineMap, item_rights: str,
               key: str = "media") -> list[Media]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.report.error(source, lines.line((key,)), f"{key} phải là danh sách '- file: phim.mp4'",
                              "archive-type")
            return []
        found: list[Media] = []
        for index, entry in enumerate(value):
            where = (key, index)
            line = lines.line(where)
            if isinstance(entry, str):
                entry = {"file": entry}
            if not isinstance(entry, dict):
                self.report.error(source, line, f"{key}[{index}] phải có dạng '- file: phim.mp4'", "archive-type")
                continue
            self._unknown(source, entry, MEDIA_KEYS, lines, where)
            media = self._one_media(source, folder, entry, lines, where, item_rights)
            if media is not None:
                found.append(media)
        return found

    def _one_media(self, source: str, folder: Path, entry: dict, lines: LineMap, where: tuple,
                   item_rights: str) -> Media | None:
        line = lines.line(where)
        title = self._text(source, entry, "title", lines, where)
        rights = self._text(source, entry, "rights", lines, where) or item_rights
        url = self._text(source, entry, "url", lines, where)
        if url:
            if not re.match(r"^https?://", url):
                self.report.error(source, lines.line((*where, "url")), f"url: '{url}' phải là địa chỉ web đầy đủ, "
                                  "bắt đầu bằng https://", "archive-media-url")
                return None
            kind = "audio" if Path(url.split("?")[0]).suffix.lower() in AUDIO_TYPES else "video"
            return Media(kind, title or "Phim tư liệu", rights, line, url=url,
                         description=self._text(source, entry, "description", lines, where))
        path = self._local_file(source, folder, entry.get("file"), lines.line((*where, "file")), "tệp phim, ghi âm")
        if path is None:
            return None
        suffix = path.suffix.lower()
        if suffix not in VIDEO_TYPES and suffix not in AUDIO_TYPES:
            self.report.error(source, line, f"'{path.name}': chỉ đăng được phim MP4, WebM và ghi âm MP3, M4A, Opus; "
                              "hãy chuyển tệp sang một trong các định dạng đó", "archive-media-format")
            return None
        kind = "video" if suffix in VIDEO_TYPES else "audio"
        size = path.stat().st_size
        if size > self.max_media:
            megabytes = f"{size / 1048576:.1f}".replace(".", ",")
            self.report.error(
                source, line,
                f"tệp '{path.name}' nặng {megabytes} MB, quá giới hạn {self.max_media // 1048576} MB "
                "(archive.max_media_mb) nên không được đăng: trang web được chép nguyên vào bản ngoại tuyến và "
                "máy chủ thường không phát được tệp lớn. Hãy đăng tệp lên nơi khác (kênh video của cơ quan, "
                "kho lưu trữ số), xóa tệp khỏi thư mục này, rồi ghi địa chỉ thay cho file:, ví dụ "
                "url: https://www.youtube.com/watch?v=…", "archive-media-too-large")
            return None
        if not rights:
            self.report.error(source, line, f"'{path.name}': ghi rõ ai giữ bản quyền phim, ghi âm này, ví dụ "
                              "rights: \"Đài Phát thanh và Truyền hình tỉnh Hải Dương\"", "archive-media-rights")
            return None
        poster = None
        if entry.get("poster") is not None:
            poster = self._local_file(source, folder, entry.get("poster"), lines.line((*where, "poster")), "ảnh bìa")
        captions = None
        if entry.get("captions") is not None:
            captions = self._local_file(source, folder, entry.get("captions"), lines.line((*where, "captions")),
                                        "phụ đề")
            if captions is not None and not _is_webvtt(captions):
                self.report.error(source, lines.line((*where, "captions")), f"phụ đề '{captions.name}' phải là tệp "
                                  "WebVTT (.vtt, dòng đầu là WEBVTT); chuyển tệp .srt bằng một trình sửa phụ đề",
                                  "archive-captions")
                captions = None
        mime = VIDEO_TYPES.get(suffix) or AUDIO_TYPES[suffix]
        return Media(kind, title or path.stem, rights, line, path=path, mime=mime, size=size, poster=poster,
                     captions=captions, description=self._text(source, entry, "description", lines, where))


def album_films(root: Path, settings: "KyniemConfig", folder: Path, source: str, data: object, lines: LineMap,
                report: Report) -> list[Media]:
    """Films and recordings of a photo album (``films:`` in album.yml), checked like an item's media.

    In a gallery every finding is a warning (the rest of the site builds); a film
    file in the folder that album.yml does not list is named, never dropped silently.
    """
    scratch = Report()
    films: list[Media] = []
    listed: set[str] = set()
    if isinstance(data, dict):
        reader = _ItemReader(root, settings, scratch, [])
        films = reader._media(source, folder, data, lines, "", key="films")
        entries = data.get("films") if isinstance(data.get("films"), list) else []
        listed = {nfc(str(e.get("file") if isinstance(e, dict) else e)).strip() for e in entries}
    for path in sorted(folder.iterdir()):
        name = nfc(path.name)
        if path.suffix.lower() in {**VIDEO_TYPES, **AUDIO_TYPES} and name not in listed:
            scratch.warning(source, None, f"'{name}' là phim hoặc ghi âm nhưng chưa được đăng: thêm vào {source} "
                            f"các dòng films: / - file: {name} / rights: \"tên người giữ bản quyền\"",
                            "gallery-film-unlisted")
    for problem in scratch.problems:
        report.warning(problem.file, problem.line, problem.message, problem.code)
    return films


def _is_webvtt(path: Path) -> bool:
    head = path.read_bytes()[:16].lstrip(b"\xef\xbb\xbf")
    return head.startswith(b"WEBVTT")
