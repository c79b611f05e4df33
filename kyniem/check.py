"""``kyniem check``: every finding about the content, without building the site.

The content model and the gallery already validate what the build needs
(YAML, schema, periods, dates, slugs, encodings of the files they read); this
module runs them and adds the checks that only matter to editors reading raw
files: text not in NFC, legacy TCVN3/VNI text pasted as Unicode, broken links
and missing images, photos without alt text, images too large to publish, and
files that are not UTF-8. What the build names when it publishes is named here from
the build's own functions, on the line it is written: raw HTML the policy removes and
links to the editor's computer (kyniem/htmlpolicy.py), images of docs/ that are not
published (kyniem/privacy.py), files and Word documents over the bounds (kyniem/limits.py,
yamlsrc.read_text). It must stay fast (well under a second for
the default site), so images are only opened to read their header.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import unquote

from . import htmlpolicy, limits, privacy
from .banners import check_settings, check_slogans
from .archive import report_missing, text_references
from .content import load_content
from .gallery import GALLERY_INDEX, load_albums
from .images import IMAGE_SUFFIXES
from . import people_pages
from .pages import DOWNLOADS, HISTORY_INDEX, OUTLINES_INDEX, SLOGANS, TIMELINE
from .people import check_posts
from .problems import Problem, Report
from .progress import track
from .scrub import check_git_photos
from .typeset import phrases_for
from .yamlsrc import read_text, report_legacy_text, split_front_matter

if TYPE_CHECKING:
    from .config import KyniemConfig


class Project(Protocol):
    """What checking needs of a project (``cli.Project`` has it; no import of the command here)."""

    root: Path
    docs_dir: Path
    settings: "KyniemConfig"
    markdown_extensions: frozenset[str]

TEXT_SUFFIXES = (".md", ".yml", ".yaml")
MAX_LINES_PER_FILE = 10  # repeated findings of one kind in one file are summarised after this

_LINK = re.compile(r'(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<target><[^>\n]+>|[^)\s]+)(?:\s+"[^"\n]*")?\)')
_REFERENCE = re.compile(r"^\s{0,3}\[(?P<label>[^\]^][^\]]*)\]:\s*(?P<target><[^>\n]+>|\S+)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"(`+).*?\1")


def check_project(project: Project) -> list[Problem]:
    """All findings for a project, errors and warnings, sorted by file and line."""
    root, settings = project.root, project.settings
    content = load_content(root, settings, include_drafts=True, docs_dir=project.docs_dir)
    report = content.report
    albums = load_albums(root, settings, report)
    docs_dir = project.docs_dir

    check_posts(content.people, docs_dir, report)
    files = _content_files(root, docs_dir, [settings.history_dir, settings.slogans_dir, settings.gallery_dir,
                                            settings.people_dir, settings.archive_dir,
                                            settings.quiz.dir])
    pages: dict[Path, str] = {c.path.resolve(): c.src_uri for c in content.chapters}
    pages.update({o.path.resolve(): o.src_uri for o in content.outlines})
    pages.update({p.path.resolve(): p.src_uri for p in content.people.profiles})
    targets = _site_paths(docs_dir) | {HISTORY_INDEX, TIMELINE, SLOGANS, OUTLINES_INDEX, DOWNLOADS, GALLERY_INDEX}
    targets |= {c.src_uri for c in content.chapters} | {o.src_uri for o in content.outlines}
    targets |= {a.src_uri for a in albums}
    targets |= set(people_pages.PAGES) | {p.src_uri for p in content.people.profiles}

    policy = htmlpolicy.policy(settings.html.iframe_hosts)
    max_bytes = int(settings.limits.chapter_kb) * 1024
    for path in track(files, "Kiểm tra", unit="tệp"):
        source = path.relative_to(root).as_posix()
        # The build's reader: same findings (encoding, size, control characters), deduplicated below.
        text = read_text(path, source, report, max_bytes if path.suffix == ".md" else None, normalize=False)
        if text is None:
            continue
        lines = text.split("\n")
        check_text_lines(source, lines, report)
        if path.suffix == ".md":
            # What the raw-HTML policy removes when the page is published, on the line it is written.
            report.problems.extend(policy.findings(as_html(text, project.markdown_extensions), source,
                                                   first_line=1))
            if path.resolve().is_relative_to(docs_dir.resolve()):
                page = path.relative_to(docs_dir).as_posix()
                # Chapters and outlines are checked by the content layer; pages in docs/ here.
                report_missing(text_references(source, text), {i.slug for i in content.archive},
                               settings.archive_dir, report)
            else:
                page = pages.get(path.resolve())
            check_links(source, path, lines, page, targets, report)

    unreadable = {p.file for p in report.problems if p.code in ("yaml", "encoding")}
    for album in albums:
        for photo in album.photos:
            if not photo.alt and (photo.line or album.source not in unreadable):
                where = photo.line if photo.line else None
                listed = "" if photo.line else " (ảnh chưa có tên trong album.yml)"
                report.warning(album.source, where, f"ảnh '{photo.name}' chưa có mô tả{listed}; thêm alt: với một câu "
                               "tả ngắn cho người không xem được ảnh, ví dụ alt: \"Lễ mít tinh kỷ niệm\"", "alt")
    check_docs_images(root, docs_dir, report)
    check_word_files(root, [docs_dir, *(root / f for f in (settings.history_dir, settings.archive_dir))], settings,
                     report)
    check_image_sizes(root, [docs_dir, *(root / d for d in (settings.history_dir, settings.gallery_dir))],
                      settings.gallery["max_file_mb"], settings.gallery["max_pixels"], report)
    folders = [p.relative_to(root).as_posix() for p in (docs_dir, root / settings.history_dir, root / settings.gallery_dir)
               if p.is_dir() and p.resolve().is_relative_to(root.resolve())]
    check_git_photos(root, folders, root / settings.cache_dir / "gps.json", report)
    # Banners: a size or dpi beyond the memory budget, letters below the floor (kyniem/banners.py).
    report.problems.extend(check_settings(settings.banners))
    report.problems.extend(check_slogans(content.slogans, settings.banners, f"{settings.slogans_dir}/slogans.yml",
                                         phrases_for(settings.organization, settings.keep_together)))
    return _sorted_unique(report.problems)


def _content_files(root: Path, docs_dir: Path, folders: list[str]) -> list[Path]:
    found: list[Path] = []
    for folder in [docs_dir, *(root / f for f in folders)]:
        if folder.is_dir():
            found.extend(p for p in folder.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.is_file()
                         and not any(part.startswith(".") for part in p.relative_to(root).parts))
    return sorted(set(found))


def _site_paths(docs_dir: Path) -> set[str]:
    """Every file under docs/, as the site path MkDocs gives it."""
    if not docs_dir.is_dir():
        return set()
    return {p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*") if p.is_file()}


def _summarised(source: str, code: str, hits: list[int], message: str, report: Report, severity: str) -> None:
    """One finding per line, up to a limit, then one line that counts the rest."""
    add = report.error if severity == "error" else report.warning
    for line in hits[:MAX_LINES_PER_FILE]:
        add(source, line, message, code)
    if len(hits) > MAX_LINES_PER_FILE:
        add(source, hits[MAX_LINES_PER_FILE], f"… và {len(hits) - MAX_LINES_PER_FILE} dòng khác giống như vậy", code)


def check_text_lines(source: str, lines: list[str], report: Report) -> None:
    """Lines not in NFC, and lines that are legacy TCVN3/VNI text read as Unicode."""
    not_nfc = [n for n, line in enumerate(lines, 1) if not unicodedata.is_normalized("NFC", line)]
    _summarised(source, "nfc", not_nfc, "chữ có dấu gõ thành các dấu rời (không ở dạng Unicode NFC); "
                "lưu lại tệp bằng trình soạn thảo ghi chữ dựng sẵn, ví dụ gõ bằng Unikey với bảng mã Unicode dựng sẵn", report, "warning")
    report_legacy_text(source, lines, report)


def _outside_code(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, text without code spans) of lines outside fenced code blocks."""
    out: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(lines, 1):
        match = _FENCE.match(line)
        if match:
            fence = None if fence == match.group(1) else (fence or match.group(1))
            continue
        if fence is None and not line.startswith("    "):
            out.append((number, _CODE_SPAN.sub("", line)))
    return out


def _resolves(target: str, path: Path, page: str | None, targets: set[str]) -> bool:
    """Whether a relative link from ``path`` (published as ``page``) reaches something."""
    if target.startswith("/"):
        candidates = [target.lstrip("/")]
    else:
        if (path.parent / target).exists():
            return True
        candidates = [posixpath.normpath(posixpath.join(posixpath.dirname(page), target))] if page else []
    for candidate in candidates:
        bare = candidate.rstrip("/")
        if bare.startswith("tai-ve/") or bare == "tai-ve":
            return True  # downloads are made by the build
        options = {bare, f"{bare}.md", f"{bare}/index.md", "index.md" if bare in (".", "") else bare}
        if options & targets:
            return True
    return False


def check_links(source: str, path: Path, lines: list[str], page: str | None, targets: set[str], report: Report) -> None:
    """Broken links between pages, missing images, and images without alt text."""
    for number, line in _outside_code(lines):
        found = [(m.group("bang") == "!", m.group("text"), m.group("target")) for m in _LINK.finditer(line)]
        reference = _REFERENCE.match(line)
        if reference:
            found.append((False, "", reference.group("target")))
        for is_image, text, raw in found:
            target = unquote(raw[1:-1] if raw.startswith("<") else raw)
            if is_image and not text.strip():
                report.warning(source, number, f"ảnh '{target}' chưa có mô tả; viết một câu tả ngắn "
                               "giữa hai dấu ngoặc vuông: ![Lễ mít tinh kỷ niệm](…)", "alt")
            if _SCHEME.match(target) or target.startswith(("#", "//")):
                continue
            path_part = target.split("#", 1)[0].split("?", 1)[0]
            if not path_part or _resolves(path_part, path, page, targets):
                continue
            if is_image:
                report.error(source, number, f"không tìm thấy ảnh '{path_part}' (đường dẫn tính từ thư mục của tệp này); "
                             "kiểm tra tên tệp ảnh, ví dụ ![Mô tả](anh/le-ky-niem.jpg)", "missing-image")
            else:
                report.error(source, number, f"liên kết hỏng: '{path_part}' không phải là trang hay tệp nào của trang web; "
                             "sửa đường dẫn, ví dụ [Chương 1](01-thanh-lap-1952-1954.md)", "broken-link")


_AUTOLINK = re.compile(r"<((?:[a-zA-Z][a-zA-Z0-9+.-]*:|www\.)[^<>\s]*|[^<>\s@]+@[^<>\s@]+)>")
# md_in_html's switch (<div markdown>): read by Markdown, never published.
_MARKDOWN_ATTRIBUTE = re.compile(r"""(<[a-zA-Z][^<>]*?)\s+markdown(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?(?=[\s/>])""")
# attr_list's { .class #id key=value }: published as attributes of the element before it.
_ATTR_LIST = re.compile(r"\{:?((?:\s*[^\s{}]+)+)\s*\}")
_ATTR_PAIR = re.compile(r"""([^\s=.#][^\s=]*)=("[^"]*"|'[^']*'|\S+)""")


def as_html(text: str, extensions: frozenset[str] = frozenset({"attr_list", "md_in_html"})) -> str:
    """A Markdown file as the HTML tags it will publish, line for line: raw HTML as written, links
    and images as ``<a href>``/``<img src>``; front matter, code and autolinks blanked. It is what
    ``kyniem check`` gives the raw-HTML policy (kyniem/htmlpolicy.py), so a finding keeps its line.
    With ``attr_list`` among the site's Markdown ``extensions``, ``{ key=value }`` is an attribute too."""
    lines = text.split("\n")
    _front, _body, body_line = split_front_matter(text)
    out = [""] * len(lines)
    for number, line in _outside_code(lines):
        if number < body_line:
            continue
        line = _MARKDOWN_ATTRIBUTE.sub(r"\1", _AUTOLINK.sub("", line))
        if "attr_list" in extensions or "markdown.extensions.attr_list" in extensions:
            line = _ATTR_LIST.sub(lambda m: "".join(f"<p {k}={v}>" for k, v in _ATTR_PAIR.findall(m.group(1))), line)

        def tag(match: re.Match[str]) -> str:
            raw = match.group("target")
            target = html.escape(raw[1:-1] if raw.startswith("<") else raw, quote=True)
            if match.group("bang"):
                return f'<img src="{target}">'
            return f'<a href="{target}">'

        reference = _REFERENCE.match(line)
        if reference:  # [label]: target
            target = reference.group("target")
            line = f'<a href="{html.escape(target[1:-1] if target.startswith("<") else target, quote=True)}">'
        out[number - 1] = _LINK.sub(tag, line)
    return "\n".join(out)


def check_docs_images(root: Path, docs_dir: Path, report: Report) -> None:
    """Images in docs/ that the build refuses to publish (TIFF, HEIC, SVG with scripts, broken files),
    decided by the build's own function (kyniem/privacy.py)."""
    if not docs_dir.is_dir():
        return
    for path in sorted(docs_dir.rglob("*")):
        if not path.name.lower().endswith(privacy.IMAGE_SUFFIXES) or not path.is_file():
            continue
        if any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            continue
        source = f"{docs_dir.name}/{path.relative_to(docs_dir).as_posix()}"
        refusal = privacy.refused(source, privacy.clean_image(path.read_bytes()))
        if refusal is not None:
            report.problems.append(refusal)


def check_word_files(root: Path, folders: list[Path], settings: "KyniemConfig", report: Report) -> None:
    """Word files waiting in the project (for ``kyniem import``, or as downloads) over the import's bounds."""
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.docx")):
            if path.is_file() and not any(part.startswith(".") for part in path.relative_to(root).parts):
                problem = limits.word_file_problem(path, settings, path.relative_to(root).as_posix())
                if problem is not None:
                    report.problems.append(problem)


def check_image_sizes(root: Path, folders: list[Path], max_file_mb: int, max_pixels: int, report: Report) -> None:
    """Images over the size limits (file size, then pixels from the header only)."""
    from PIL import Image, UnidentifiedImageError

    seen: set[Path] = set()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file() or path.resolve() in seen:
                continue
            if any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            seen.add(path.resolve())
            source = path.relative_to(root).as_posix()
            too_heavy = limits.photo_bytes_reason(path.stat().st_size, max_file_mb * 1024 * 1024)
            if too_heavy is not None:
                report.error(source, None, f"ảnh {too_heavy}; ví dụ xuất ảnh rộng 3000 điểm ảnh, dạng JPEG",
                             "image-too-large")
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    with Image.open(path) as image:
                        width, height = image.size
            except Image.DecompressionBombError:
                width, height = max_pixels + 1, 1
            except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
                report.warning(source, None, "không đọc được tệp ảnh này; mở ảnh và lưu lại dưới dạng JPEG",
                               "image-unreadable")
                continue
            too_big = limits.photo_pixels_reason(width, height, max_pixels)
            if too_big is not None:
                report.error(source, None, f"ảnh {too_big}; ví dụ xuất ảnh rộng 3000 điểm ảnh", "image-too-large")


def _sorted_unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, int | None, str]] = set()
    unique = []
    for p in problems:
        key = (p.file, p.line, p.message)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return sorted(unique, key=lambda p: (p.file, p.line or 0))


def summary_line(problems: list[Problem]) -> str:
    """The last line of the report: how many errors and warnings."""
    errors = sum(1 for p in problems if p.severity == "error")
    warnings_ = len(problems) - errors
    if not problems:
        return "kyniem check: không có lỗi"
    return f"kyniem check: {errors} lỗi, {warnings_} cảnh báo"
