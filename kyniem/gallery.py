"""Photo albums (``gallery/<album>/album.yml``), gallery pages and ``<picture>`` HTML.

An album is a folder of photos plus an ``album.yml`` that editors write by hand.
Everything here is forgiving on purpose: a bad photo or a bad entry is a warning
naming file and line, the photo is left out, and the rest of the site builds.
Chapter images (``![Chú thích](anh/x.jpg)`` in ``history/*.md``) go through the
same pipeline and come out as the same ``<picture>`` markup.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence
from urllib.parse import unquote

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from . import limits
from .htmlpolicy import TrustedMarkup
from .archive import VIDEO_TYPES, Media, album_films
from .images import HEIC_REASON, HEIF_SUFFIXES, IMAGE_SUFFIXES, ImagePipeline, ImageResult, PipelineSettings
from .pages import esc, front_matter
from .problems import Problem, Report
from .text import format_date, nfc, parse_date, slugify
from .yamlsrc import LineMap, load_yaml, read_text

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Chapter

GALLERY_URL = "thu-vien-anh"
GALLERY_INDEX = f"{GALLERY_URL}/index.md"
IMAGES_DIR = "_anh"
ALBUM_FILE = "album.yml"
ALBUM_KEYS = ("title", "date", "description", "cover", "originals", "photos", "films")
PHOTO_KEYS = ("file", "caption", "alt", "credit", "date")

# How wide an image is drawn, per layout (must match assets/css/gallery.css).
# Phones: two columns inside Material's side margins (a tile is 50vw - 21px). The
# value is stated ~6 % smaller on purpose, so a 412 px phone at DPR 1.75 takes the
# 320 file instead of the 480 one (2.3× the bytes) for an invisible 6 % upscale.
GRID_SIZES = "(max-width: 599px) calc(50vw - 32px), (max-width: 1219px) 30vw, 280px"
CARD_SIZES = "(max-width: 599px) 100vw, (max-width: 1219px) 50vw, 400px"
FIGURE_SIZES = "(max-width: 959px) 100vw, 760px"
# Sizes of each photo in the offline zip besides the largest: grids and cards on a laptop.
OFFLINE_WIDTHS = (640,)
LIGHTBOX_SIZES = "100vw"
# The first row of the widest grid is loaded at once; everything below is lazy.
EAGER_TILES = 4

_IMAGE = re.compile(
    r'!\[(?P<alt>[^\]]*)\]\((?P<target><[^>\n]+>|[^)\s]+)(?:\s+"(?P<title>[^"\n]*)")?\)'
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass
class Photo:
    """One photo of an album, as the editor described it (or found unlisted)."""

    name: str  # file name in the album folder, NFC
    path: Path
    caption: str = ""
    alt: str = ""
    credit: str = ""
    date: str = ""  # ISO (partial) date from album.yml
    line: int | None = None  # line of its entry in album.yml; None when unlisted
    image: ImageResult | None = None

    @property
    def listed(self) -> bool:
        return self.line is not None


@dataclass
class Album:
    """One folder under ``gallery/`` with its photos in display order."""

    folder: str
    slug: str
    source: str  # album.yml path relative to the project, e.g. "gallery/dai-hoi/album.yml"
    title: str
    date: str = ""
    description: str = ""
    cover: str = ""
    originals: bool = False
    photos: list[Photo] = field(default_factory=list)
    films: list[Media] = field(default_factory=list)  # published by kyniem/archive_pages.py

    @property
    def src_uri(self) -> str:
        return f"{GALLERY_URL}/{self.slug}.md"

    @property
    def cover_photo(self) -> Photo | None:
        usable = [p for p in self.photos if p.image is not None and p.image.ok]
        chosen = [p for p in usable if p.name == self.cover]
        return (chosen or usable or [None])[0]

    @property
    def sort_key(self) -> tuple[int, int, int]:
        year, month, day = parse_date(self.date) or (0, None, None)
        return year, month or 0, day or 0


@dataclass(frozen=True)
class _ImageRef:
    """An image a chapter references, where it is written and the file it names."""

    chapter: "Chapter"
    line: int
    target: str
    path: Path | None


def _text(value: object) -> str:
    return nfc(str(value)).strip() if value is not None else ""


def _date_text(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else _text(value)


def _unsafe_name(name: str) -> str | None:
    """Why ``name`` may not be used as a photo file name, or None when it is safe."""
    if not name:
        return "đang để trống; ghi tên tệp ảnh, ví dụ file: anh-01.jpg"
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return "là đường dẫn tuyệt đối; chỉ ghi tên tệp ảnh trong thư mục album, ví dụ file: anh-01.jpg"
    if "/" in name or "\\" in name or name in (".", ".."):
        return "trỏ ra ngoài thư mục album; chỉ ghi tên tệp của một ảnh trong thư mục này, ví dụ file: anh-01.jpg"
    return None


def load_albums(root: Path, settings: "KyniemConfig", report: Report) -> list[Album]:
    """Every album under the gallery folder, newest first; findings are warnings."""
    gallery_dir = root / settings.gallery_dir
    if not gallery_dir.is_dir():
        return []
    albums: list[Album] = []
    by_slug: dict[str, Album] = {}
    real_gallery = gallery_dir.resolve()
    for folder in sorted(p for p in gallery_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if not folder.resolve().is_relative_to(real_gallery):
            report.warning(folder.relative_to(root).as_posix(), None, "thư mục album là liên kết tới thư mục "
                           f"nằm ngoài {settings.gallery_dir}/ nên bị bỏ qua; hãy chép ảnh vào thư mục album", "gallery-path")
            continue
        album = _load_album(root, folder, settings, report)
        if album is None:
            continue
        if album.slug in by_slug:
            report.warning(album.source, None, f"tên thư mục album cho cùng địa chỉ "
                           f"'{GALLERY_URL}/{album.slug}/' với {by_slug[album.slug].source}; đổi tên một thư mục",
                           "gallery-duplicate")
            continue
        by_slug[album.slug] = album
        albums.append(album)
    albums.sort(key=lambda a: (a.sort_key, a.title), reverse=True)
    return albums


def _load_album(root: Path, folder: Path, settings: "KyniemConfig", report: Report) -> Album | None:
    folder_name = nfc(folder.name)
    rel = (folder / ALBUM_FILE).relative_to(root).as_posix()
    slug = slugify(folder_name)
    if not slug:
        report.warning(rel, None, "tên thư mục album không có chữ hay số nào; đổi tên thư mục, ví dụ le-ky-niem-2022",
                       "gallery-name")
        return None
    album = Album(folder=folder_name, slug=slug, source=rel, title=folder_name,
                  originals=bool(settings.gallery["originals"]))
    on_disk = _scan_folder(root, folder, report)
    data: object = None
    lines = LineMap()
    yml = folder / ALBUM_FILE
    if yml.is_file() and not yml.resolve().is_relative_to(folder.resolve()):
        report.warning(rel, None, f"{ALBUM_FILE} là liên kết tới tệp nằm ngoài thư mục album nên không được đọc; chép tệp vào thư mục album",
                       "gallery-path")
    elif yml.is_file():
        scratch = Report()
        text = read_text(yml, rel, scratch)
        if text is not None:
            data, lines = load_yaml(text, rel, scratch)
        # In a gallery every finding is a warning: the rest of the site still builds.
        for p in scratch.problems:
            report.warning(p.file, p.line, p.message, p.code)
    else:
        report.warning(rel, None, f"album chưa có {ALBUM_FILE}; tạo bằng lệnh kyniem new album \"Tên album\" --folder THƯ_MỤC, "
                       "hoặc xem huong-dan/thu-vien-anh.md", "gallery-no-album-yml")
    if data is not None and not isinstance(data, dict):
        report.warning(rel, lines.line(), "album.yml phải là các dòng 'khóa: giá trị' (title:, date:, photos:, …), ví dụ title: \"Lễ kỷ niệm\"",
                       "gallery-yaml")
        data = None
    listed: list[Photo] = []
    if isinstance(data, dict):
        listed = _read_album_keys(album, data, lines, on_disk, report)
    seen = {p.name for p in listed}
    unlisted = [Photo(name=name, path=path) for name, path in on_disk.items() if name not in seen]
    album.photos = listed + unlisted
    album.films = album_films(root, settings, folder, rel, data, lines, report)
    if album.cover and album.cover not in on_disk:
        report.warning(rel, lines.line(("cover",)), f"cover: '{album.cover}' không phải là ảnh trong album này nên "
                       "ảnh đầu tiên được dùng làm bìa; ghi tên một ảnh trong thư mục, ví dụ cover: anh-01.jpg", "gallery-cover")
    return album


def _read_album_keys(album: Album, data: dict[Any, Any], lines: LineMap, on_disk: dict[str, Path],
                     report: Report) -> list[Photo]:
    rel = album.source
    for key in data:
        if key not in ALBUM_KEYS:
            report.warning(rel, lines.line((key,)), f"khóa '{key}' không có trong mẫu; các khóa dùng được: {', '.join(ALBUM_KEYS)}",
                           "gallery-key")
    title = _text(data.get("title"))
    if title:
        album.title = title
    else:
        report.warning(rel, lines.line(("title",)), "album chưa có title: nên tên thư mục được hiện thay; thêm ví dụ title: \"Lễ kỷ niệm\"",
                       "gallery-title")
    if data.get("date") is not None:
        album.date = _date_text(data["date"])
        if parse_date(album.date) is None:
            report.warning(rel, lines.line(("date",)), f"date: '{album.date}' không phải là ngày; ghi dạng năm-tháng-ngày "
                           "như 2022-02-15 (hoặc 2022-02, hoặc 2022)", "gallery-date")
            album.date = ""
    album.description = _text(data.get("description"))
    album.cover = _text(data.get("cover"))
    if "originals" in data:
        if isinstance(data["originals"], bool):
            album.originals = data["originals"]
        else:
            report.warning(rel, lines.line(("originals",)), "originals: phải là true (cho tải ảnh gốc) hoặc false", "gallery-key")
    photos = data.get("photos")
    if photos is None:
        return []
    if not isinstance(photos, list):
        report.warning(rel, lines.line(("photos",)), "photos: phải là danh sách, mỗi ảnh một mục '- file: …'",
                       "gallery-yaml")
        return []
    listed: list[Photo] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(photos):
        line = lines.line(("photos", index))
        photo = _read_photo(rel, entry, index, lines, on_disk, report)
        if photo is None:
            continue
        if photo.name in seen:
            report.warning(rel, line, f"'{photo.name}' được ghi hai lần (lần đầu ở dòng {seen[photo.name]}); "
                           "xóa một mục", "gallery-duplicate")
            continue
        seen[photo.name] = line
        listed.append(photo)
    return listed


def _read_photo(rel: str, entry: object, index: int, lines: LineMap, on_disk: dict[str, Path],
                report: Report) -> Photo | None:
    line = lines.line(("photos", index))
    if isinstance(entry, str):
        entry = {"file": entry}
    if not isinstance(entry, dict):
        report.warning(rel, line, "mỗi mục ảnh cần có 'file:' (có thể thêm caption:, alt:, credit:, date:), ví dụ - file: anh-01.jpg",
                       "gallery-yaml")
        return None
    for key in entry:
        if key not in PHOTO_KEYS:
            report.warning(rel, lines.line(("photos", index, key)),
                           f"khóa '{key}' không có trong mẫu; một ảnh có các khóa {', '.join(PHOTO_KEYS)}", "gallery-key")
    name = _text(entry.get("file"))
    file_line = lines.line(("photos", index, "file"))
    why = _unsafe_name(name)
    if why:
        report.warning(rel, file_line, f"file: '{name}' {why}", "gallery-path")
        return None
    if name not in on_disk:
        folded = {n.casefold(): n for n in on_disk}
        hint = (f"; có phải ý bạn là '{folded[name.casefold()]}'?" if name.casefold() in folded else
                "; chép ảnh vào thư mục album, sửa tên tệp cho đúng, hoặc xóa mục này")
        report.warning(rel, file_line, f"file: '{name}': không có ảnh này trong thư mục album{hint}",
                       "gallery-missing")
        return None
    date = _date_text(entry["date"]) if entry.get("date") is not None else ""
    if date and parse_date(date) is None:
        report.warning(rel, lines.line(("photos", index, "date")),
                       f"date: '{date}' không phải là ngày; ghi dạng 2022-02-15 (hoặc 2022-02, hoặc 2022)", "gallery-date")
        date = ""
    return Photo(name=name, path=on_disk[name], caption=_text(entry.get("caption")), alt=_text(entry.get("alt")),
                 credit=_text(entry.get("credit")), date=date, line=line)


def _scan_folder(root: Path, folder: Path, report: Report) -> dict[str, Path]:
    """Image files of an album by NFC name; unsafe links and clashing names are reported and left out."""
    found: dict[str, Path] = {}
    clashes: dict[str, str] = {}
    real_folder = folder.resolve()
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith("."):
            continue
        rel = path.relative_to(root).as_posix()
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            _left_out(root, path, report)
            continue
        name = nfc(path.name)
        # Only a link can lead outside (the folder itself is resolved): no resolve() per photo.
        if path.is_symlink() and not path.resolve().is_relative_to(real_folder):
            report.warning(rel, None, "là liên kết tới tệp nằm ngoài thư mục album; hãy chép ảnh vào thư mục album",
                           "gallery-path")
            continue
        if not path.is_file():
            report.warning(rel, None, "là thư mục hoặc liên kết hỏng, không phải tệp ảnh", "gallery-path")
            continue
        key = name.casefold()
        if key in clashes:
            report.warning(rel, None, f"tên này chỉ khác '{clashes[key]}' ở chữ hoa/chữ thường hoặc cách "
                           "mã hóa dấu; đổi tên một trong hai ảnh (ảnh này bị bỏ qua)",
                           "gallery-name-clash")
            continue
        clashes[key] = name
        found[name] = path
    return found


_VIDEO_SUFFIXES = {".mp4", ".mov", ".avi", ".mkv", ".webm", ".3gp", ".m4v", ".wmv", ".mpg", ".mpeg"}


def _left_out(root: Path, path: Path, report: Report) -> None:
    """Name what an album folder holds but the album does not show: sub-folders and videos."""
    rel = nfc(path.relative_to(root).as_posix())
    if path.is_dir() and not path.name.startswith("_"):
        photos = sum(1 for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        report.warning(rel, None, f"thư mục con '{nfc(path.name)}' (có {photos} ảnh) không được đưa vào album: "
                       "album chỉ lấy ảnh nằm ngay trong thư mục của nó. Chuyển ảnh ra thư mục album, hoặc "
                       "chuyển thư mục con thành một album riêng trong gallery/", "gallery-subfolder")
    elif path.suffix.lower() in _VIDEO_SUFFIXES - set(VIDEO_TYPES):  # MP4 and WebM: album_films names them
        report.warning(rel, None, "là tệp video; album ảnh chưa đăng video nên tệp này bị bỏ qua. Đưa video lên "
                       "trang chia sẻ video rồi dẫn liên kết trong một bài viết", "gallery-video")


def _outside_code(text: str) -> Iterator[tuple[int, str]]:
    """(index, line) of every line not inside a fenced code block."""
    fence: str | None = None
    for index, line in enumerate(text.split("\n")):
        match = _FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
            continue
        if fence is None:
            yield index, line


def _target_path(target: str) -> str:
    return unquote(target[1:-1] if target.startswith("<") else target)


def _is_local(target: str) -> bool:
    return not (_URL_SCHEME.match(target) or target.startswith(("//", "#", "data:")))


def attr(value: str) -> str:
    """Escape for an HTML attribute value."""
    return html.escape(value, quote=True)


def lightbox_text(value: str) -> str:
    """Escape for GLightbox's data-title/data-description: it inserts them as HTML,
    and treats a description starting with "." as a CSS selector."""
    inner = html.escape(value, quote=True)
    if inner.startswith("."):
        inner = "&#46;" + inner[1:]
    return attr(inner)


class Gallery:
    """Albums and chapter images of one build: read, rendered through the pipeline, published."""

    def __init__(self, root: Path, settings: "KyniemConfig", *, use_directory_urls: bool = True,
                 workers: int | None = None, trusted: TrustedMarkup | None = None) -> None:
        self.root = root
        # The photo grids skip Markdown and the raw-HTML policy: kyniem's own markup, every value escaped.
        self.trusted = trusted if trusted is not None else TrustedMarkup()
        self.settings = settings
        self.use_directory_urls = use_directory_urls
        self.report = Report()
        self.pipeline = ImagePipeline(root / settings.cache_dir, PipelineSettings.from_config(settings.gallery),
                                      workers,
                                      # Memory bound: workers × largest photo of the build within limits.memory_mb.
                                      bound_workers=lambda pixels, wanted: limits.photo_workers(settings.limits,
                                                                                                pixels, wanted))
        self.albums: list[Album] = []
        self.assets: dict[str, Path] = {}  # site path -> cached derivative
        self._chapter_images: dict[tuple[Path, str], ImageResult] = {}
        self._published: dict[str, dict[tuple[str, int], str]] = {}  # base site path -> its derivatives
        self._folders: dict[tuple[str, str], str] = {}  # (folder, page URL) -> the folder's relative URL

    def build(self, chapters: Sequence["Chapter"] = ()) -> None:
        """Read albums and chapter images, and make (or reuse) every derivative."""
        self.albums = load_albums(self.root, self.settings, self.report)
        refs = [ref for chapter in chapters for ref in self._chapter_refs(chapter)]
        requests = [(p.path, album.originals) for album in self.albums for p in album.photos]
        requests += [(ref.path, False) for ref in refs if ref.path is not None]
        results = self.pipeline.process(requests)
        for album in self.albums:
            kept = []
            for photo in album.photos:
                result = results[(photo.path, album.originals)]
                rel = photo.path.relative_to(self.root).as_posix()
                if not result.ok:
                    self.report.warning(rel, None, f"ảnh bị bỏ khỏi album: {result.reason}",
                                        f"image-{result.code}")
                    continue
                self._warn_format(rel, None, result)
                photo.image = result
                kept.append(photo)
            album.photos = _ordered(kept)
            _dates_from_capture_times(album)
        self.albums.sort(key=lambda a: (a.sort_key, a.title), reverse=True)
        for ref in refs:
            if ref.path is None:
                continue
            result = results[(ref.path, False)]
            if not result.ok:
                self.report.warning(ref.chapter.source, ref.line,
                                    f"ảnh '{ref.target}': {result.reason}", f"image-{result.code}")
                continue
            self._warn_format(ref.chapter.source, ref.line, result)
            self._chapter_images[(ref.chapter.path.parent, ref.target)] = result

    def _warn_format(self, rel: str, line: int | None, result: ImageResult) -> None:
        if result.animated:
            what = ("là tệp nhiều trang; chỉ trang đầu được đăng. Tách mỗi trang thành một ảnh nếu cần đăng cả"
                    if result.format == "TIFF" else
                    "là ảnh động; chỉ khung hình đầu được đăng (ảnh tĩnh). Muốn đăng chuyển động, hãy đưa lên "
                    "trang chia sẻ video")
            self.report.warning(rel, line, f"ảnh '{result.source.name}' {what}", "image-frames-dropped")
        if result.suffix_mismatch():
            self.report.warning(rel, line, f"tệp là ảnh {result.format} nhưng tên lại có đuôi "
                                f"'{result.source.suffix}'; đổi đuôi tên tệp cho khớp, ví dụ .jpg cho ảnh JPEG", "image-wrong-extension")

    def _chapter_refs(self, chapter: "Chapter") -> Iterator[_ImageRef]:
        root = self.root.resolve()
        for index, line in _outside_code(chapter.body):
            for match in _IMAGE.finditer(line):
                target = match.group("target")
                if not _is_local(target):
                    continue
                number = chapter.body_line + index
                name = _target_path(target)
                path = (chapter.path.parent / name).resolve() if not os.path.isabs(name) else None
                if path is None or not path.is_relative_to(root):
                    self.report.warning(chapter.source, number, f"ảnh '{name}' nằm ngoài thư mục dự án; "
                                        "chép ảnh vào cạnh chương (ví dụ history/anh/) và dẫn tới nó: ![Mô tả](anh/a.jpg)",
                                        "image-path")
                    path = None
                elif not path.is_file():
                    self.report.warning(chapter.source, number, f"không tìm thấy ảnh '{name}'; kiểm tra tên tệp và đường dẫn, tính từ thư mục của chương", "image-missing")
                    path = None
                elif path.suffix.lower() not in IMAGE_SUFFIXES:
                    self.report.warning(chapter.source, number, f"ảnh '{name}' không phải là tệp JPEG, PNG, WebP, GIF, "
                                        "TIFF hay BMP; lưu lại dưới dạng JPEG", "image-not-image")
                    path = None
                yield _ImageRef(chapter, number, target, path)

    # -- URLs and files ---------------------------------------------------------------

    def page_url(self, src_uri: str) -> str:
        """The URL MkDocs gives the page ``src_uri`` (depends on use_directory_urls)."""
        return File(src_uri, None, "", self.use_directory_urls).url

    def _publish(self, result: ImageResult, prefix: str, stem: str) -> dict[tuple[str, int], str]:
        """Register the derivatives of one image under ``prefix``; return (format, width) -> site path."""
        base = f"{prefix}/{slugify(stem) or 'anh'}-{result.key[:10]}"
        paths: dict[tuple[str, int], str] = {}
        for variant in result.variants:
            uri = f"{base}-{variant.width}{variant.suffix}"
            self.assets[uri] = variant.path
            paths[(variant.format, variant.width)] = uri
        if result.original is not None:
            uri = f"{base}-goc.jpg"
            self.assets[uri] = result.original.path
            paths[("original", 0)] = uri
        self._published[base] = paths
        return paths

    def offline_replacements(self) -> dict[str, tuple[str, int]]:
        """Derivatives the offline zip leaves out, each with the one it shows instead (site path, width).

        A laptop browser reading the zip takes WebP; it needs one size for grids and cards
        (OFFLINE_WIDTHS) and the largest for figures and the lightbox, so each photo is
        stored at those sizes only, not at every size a phone may ask the web server for.
        """
        replaced = {}
        for paths in self._published.values():
            webps = sorted(width for fmt, width in paths if fmt == "webp")
            if not webps:
                continue
            keep = {webps[-1], *(min((w for w in webps if w >= want), default=webps[-1]) for want in OFFLINE_WIDTHS)}
            for (fmt, width), uri in paths.items():
                if fmt == "original" or (fmt == "webp" and width in keep):
                    continue
                instead = min((w for w in keep if w >= width), default=max(keep))
                replaced[uri] = (paths[("webp", instead)], instead)
        return replaced

    def _relative(self, uri: str, page_url: str) -> str:
        """``get_relative_url(uri, page_url)``, with the folder's part worked out once per page: an
        album page links thousands of files from one folder (MkDocs' function splits and
        normalises both paths on every call)."""
        folder, _, name = uri.rpartition("/")
        if f"/{name}/" in f"/{page_url}":  # the page inside a folder of the file's name: the general rule
            return get_relative_url(uri, page_url)
        prefix = self._folders.get((folder, page_url))
        if prefix is None:
            prefix = get_relative_url(f"{folder}/", page_url)
            prefix = self._folders[(folder, page_url)] = "" if prefix == "./" else prefix
        return prefix + name

    def picture(self, result: ImageResult, paths: dict[tuple[str, int], str], page_url: str, alt: str,
                sizes: str, *, lazy: bool) -> str:
        """``<picture>``: WebP sources, JPEG fallback, srcset/sizes, intrinsic size, alt."""
        def srcset(fmt: str) -> str:
            return ", ".join(f"{self._relative(paths[(fmt, v.width)], page_url)} {v.width}w"
                             for v in result.of_format(fmt))

        jpegs = result.of_format("jpeg")
        fallback = next((v for v in jpegs if v.width >= 640), jpegs[-1])
        largest = jpegs[-1]
        loading = "lazy" if lazy else "eager"
        return (
            f'<picture><source type="image/webp" srcset="{attr(srcset("webp"))}" sizes="{sizes}">'
            f'<img class="off-glb" src="{attr(self._relative(paths[("jpeg", fallback.width)], page_url))}" '
            f'srcset="{attr(srcset("jpeg"))}" sizes="{sizes}" width="{largest.width}" height="{largest.height}" '
            f'alt="{attr(alt)}" loading="{loading}" decoding="async"></picture>'
        )

    def _lightbox(self, result: ImageResult, paths: dict[tuple[str, int], str], page_url: str, group: str,
                  title: str, description: str, alt: str) -> str:
        webps = result.of_format("webp")
        href = self._relative(paths[("webp", webps[-1].width)], page_url)
        srcset = ", ".join(f"{self._relative(paths[('webp', v.width)], page_url)} {v.width}w" for v in webps)
        parts = [f'<a class="glightbox" href="{attr(href)}" data-type="image" data-gallery="{attr(group)}"',
                 f' data-srcset="{attr(srcset)}" data-sizes="{LIGHTBOX_SIZES}" data-alt="{attr(alt)}"']
        if title:
            parts.append(f' data-title="{lightbox_text(title)}"')
        if description:
            parts.append(f' data-description="{lightbox_text(description)}"')
        parts.append(">")
        return "".join(parts)

    # -- pages --------------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        """Markdown of the gallery index and of each album page."""
        generated = {album.src_uri: self._album_page(album) for album in self.albums}
        generated[GALLERY_INDEX] = self._index_page()
        return generated

    def _index_page(self) -> str:
        page_url = self.page_url(GALLERY_INDEX)
        out = ["---", "title: Thư viện ảnh", "---", "", "# Thư viện ảnh", ""]
        albums = [a for a in self.albums if a.photos]
        if not albums:
            out.append("Chưa có album ảnh nào.")
            return "\n".join(out) + "\n"
        out.append(f"{len(albums)} album, mới nhất ở trên cùng. Bấm vào một album để xem ảnh.")
        out.append("")
        cards = []
        for number, album in enumerate(albums):
            cover = album.cover_photo
            assert cover is not None and cover.image is not None
            paths = self._publish(cover.image, f"{GALLERY_URL}/{IMAGES_DIR}/{album.slug}", Path(cover.name).stem)
            href = get_relative_url(self.page_url(album.src_uri), page_url)
            meta = " · ".join(x for x in (format_date(album.date) if album.date else "",
                                          f"{len(album.photos)} ảnh") if x)
            picture = self.picture(cover.image, paths, page_url, cover.alt or cover.caption or album.title,
                                   CARD_SIZES, lazy=number >= 2)
            cards.append(
                f'<a class="kn-album-card" href="{attr(href)}">{picture}'
                f'<span class="kn-album-title">{html.escape(album.title)}</span>'
                f'<span class="kn-album-meta">{html.escape(meta)}</span></a>'
            )
        out.append(self.trusted.keep(GALLERY_INDEX, '<div class="kn-albums">' + "".join(cards) + "</div>"))
        return "\n".join(out) + "\n"

    def _album_page(self, album: Album) -> str:
        page_url = self.page_url(album.src_uri)
        prefix = f"{GALLERY_URL}/{IMAGES_DIR}/{album.slug}"
        meta = " · ".join(x for x in (format_date(album.date) if album.date else "", f"{len(album.photos)} ảnh") if x)
        description = album.description or album.title
        out = [front_matter(title=album.title, description=description),
               f"# {esc(album.title)}", "", f'<p class="kn-album-meta">{html.escape(meta)}</p>', ""]
        if album.description:
            out += [f'<p class="kn-album-description">{html.escape(album.description)}</p>', ""]
        tiles = []
        for number, photo in enumerate(album.photos):
            image = photo.image
            assert image is not None
            paths = self._publish(image, prefix, Path(photo.name).stem)
            alt = photo.alt or photo.caption or f"{album.title} – ảnh {number + 1}"
            details = " · ".join(x for x in (f"Ảnh: {photo.credit}" if photo.credit else "",
                                             format_date(photo.date) if photo.date else "") if x)
            link = self._lightbox(image, paths, page_url, album.slug, photo.caption, details, alt)
            picture = self.picture(image, paths, page_url, alt, GRID_SIZES, lazy=number >= EAGER_TILES)
            caption = ""
            if photo.caption or album.originals:
                caption_parts = [html.escape(photo.caption)] if photo.caption else []
                if ("original", 0) in paths:
                    caption_parts.append(
                        f'<a class="kn-original" href="{attr(self._relative(paths[("original", 0)], page_url))}" '
                        f'download>Tải ảnh gốc</a>')
                caption = f"<figcaption>{' '.join(caption_parts)}</figcaption>"
            tiles.append(f'<figure class="kn-photo">{link}{picture}</a>{caption}</figure>')
        if tiles:
            out.append(self.trusted.keep(album.src_uri, '<div class="kn-gallery">' + "".join(tiles) + "</div>"))
        else:
            out.append("<p>Album này chưa có ảnh.</p>")
        out += ["", f'<p class="kn-back"><a href="{attr(get_relative_url(self.page_url(GALLERY_INDEX), page_url))}">'
                "← Tất cả album</a></p>"]
        return "\n".join(out) + "\n"

    def rewrite_chapter(self, markdown: str, chapter: "Chapter") -> str:
        """Replace the chapter's local Markdown images with ``<picture>`` figures (lightbox per chapter)."""
        page_url = self.page_url(chapter.src_uri)
        prefix = f"{chapter.src_uri.rsplit('/', 1)[0]}/{IMAGES_DIR}"
        group = f"chuong-{chapter.slug}"
        lines = markdown.split("\n")
        for index, line in list(_outside_code(markdown)):
            stripped = line.strip()

            def replace(match: re.Match[str]) -> str:
                target = match.group("target")
                if not _is_local(target):
                    return match.group(0)
                result = self._chapter_images.get((chapter.path.parent, target))
                alt = nfc(match.group("alt")).strip()
                caption = nfc(match.group("title") or "").strip() or alt
                if result is None:
                    return f'<span class="kn-missing-image">{html.escape(alt)}</span>'
                paths = self._publish(result, prefix, Path(_target_path(target)).stem)
                link = self._lightbox(result, paths, page_url, group, caption, "", alt or caption)
                picture = self.picture(result, paths, page_url, alt or caption, FIGURE_SIZES, lazy=True)
                if match.group(0) == stripped:
                    figcaption = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
                    return f'\n<figure class="kn-figure">{link}{picture}</a>{figcaption}</figure>\n'
                return f"{link}{picture}</a>"

            lines[index] = _IMAGE.sub(replace, line)
        return "\n".join(lines)

    def finish(self) -> list[Problem]:
        """Drop cached derivatives nothing used; return every finding of this build, sorted."""
        self.pipeline.finish()
        return sorted(self.report.problems, key=lambda p: (p.file, p.line or 0, p.message))


def _dates_from_capture_times(album: Album) -> None:
    """Dates the editor left out come from the cameras: a photo's from its capture
    time, the album's from its earliest photo (so the album list is in date order)."""
    for photo in album.photos:
        if not photo.date and photo.image is not None and photo.image.taken:
            photo.date = photo.image.taken[:10]
    if not album.date:
        taken = sorted(p.image.taken[:10] for p in album.photos if p.image is not None and p.image.taken)
        album.date = taken[0] if taken else ""


def _ordered(photos: list[Photo]) -> list[Photo]:
    """Listed photos in album.yml order, then unlisted ones by EXIF date, then name."""
    listed = [p for p in photos if p.listed]
    unlisted = [p for p in photos if not p.listed]
    unlisted.sort(key=lambda p: (p.image is None or p.image.taken is None,
                                 p.image.taken if p.image and p.image.taken else "", p.name))
    return listed + unlisted
