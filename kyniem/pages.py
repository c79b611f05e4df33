"""Markdown of the pages kyniem generates from the content model.

Pages are Markdown (not HTML) so MkDocs and Material treat them like any
hand-written page: table of contents, search, link validation, minification.
Text that comes from editors' YAML is escaped, since it is meant as plain text.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .content import HISTORY_URL, OUTLINES_URL, Chapter, Content, Event, Outline
from .text import escape_markdown, format_date

HISTORY_INDEX = f"{HISTORY_URL}/index.md"
OUTLINES_INDEX = f"{OUTLINES_URL}/index.md"
TIMELINE = "bien-nien-su-kien.md"
SLOGANS = "khau-hieu.md"
DOWNLOADS = "tai-ve/index.md"

DRAFT_NOTE = (
    '!!! warning "Bản nháp"\n'
    "    Trang này đang là bản nháp: chỉ hiện khi xem trước bằng `mkdocs serve`, "
    "không được xuất bản khi dựng trang (`mkdocs build`).\n"
)

# Inline Markdown links (not images): [text](target "title")
_LINK = re.compile(r'(?<!!)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)(?P<title>\s+"[^"]*")?\)')


@dataclass(frozen=True)
class Download:
    """A file the build publishes under ``tai-ve/`` and lists on the downloads page."""

    title: str
    href: str  # relative to tai-ve/
    description: str
    group: str


def esc(text: str) -> str:
    """Escape editor text meant as plain text, so markup in it shows as typed (HTML and Markdown)."""
    return escape_markdown(text)


def front_matter(title: str, description: str) -> str:
    """Page meta; MkDocs puts both into the HTML head unescaped, so escape them here."""
    meta = {"title": html.escape(title), "description": html.escape(description)}
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.split("\n"))


class LinkRewriter:
    """Turns links written relative to a content file into links valid on its generated page.

    An editor links chapters by file (``02-khang-chien.md``) and pages in docs/ by
    path (``../docs/ke-hoach.md``); the page is published somewhere else, so each
    link is resolved against the source file, then made relative to the page.
    """

    def __init__(self, content: Content, docs_dir: Path):
        self.docs_dir = docs_dir.resolve()
        self.generated = {c.path.resolve(): c.src_uri for c in content.chapters}
        self.generated.update({o.path.resolve(): o.src_uri for o in content.outlines})

    def rewrite(self, markdown: str, source: Path, src_uri: str) -> str:
        page_dir = os.path.dirname(src_uri)

        def replace(match: re.Match[str]) -> str:
            target = match.group("target")
            if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^#", target):
                return match.group(0)
            path_part, sep, anchor = target.partition("#")
            if not path_part.endswith(".md"):
                return match.group(0)
            resolved = (source.parent / path_part).resolve()
            if resolved in self.generated:
                uri = self.generated[resolved]
            elif resolved.is_relative_to(self.docs_dir):
                uri = resolved.relative_to(self.docs_dir).as_posix()
            else:
                return match.group(0)
            new_target = os.path.relpath(uri, page_dir or ".").replace(os.sep, "/") + sep + anchor
            return f"[{match.group('text')}]({new_target}{match.group('title') or ''})"

        return _LINK.sub(replace, markdown)


def chapter_page(chapter: Chapter, previous: Chapter | None, following: Chapter | None, links: LinkRewriter,
                 updated: str | None = None, related: str = "") -> str:
    """A chapter: title, period, summary, the editor's text, events, sources, previous/next.

    ``updated`` is the "Cập nhật lần cuối: …" line from git history (kyniem.gitinfo), if any;
    ``related`` is Markdown about the period from other content (the congresses held in it).
    """
    parts = [
        front_matter(title=chapter.title, description=chapter.summary or chapter.title),
        f"# {esc(chapter.title)}\n",
        f"Giai đoạn **{chapter.period_label}**\n{{ .ky-period }}\n",
    ]
    if chapter.is_draft:
        parts.append(DRAFT_NOTE)
    if chapter.summary:
        parts.append(f'!!! abstract "Tóm tắt"\n{_indent(esc(chapter.summary))}\n')
    parts.append(links.rewrite(chapter.body, chapter.path, chapter.src_uri).strip() + "\n")
    if chapter.events:
        parts.append("## Sự kiện trong giai đoạn\n")
        parts.append("\n".join(_event_line(e.display, esc(e.title), esc(e.text)) for e in chapter.events) + "\n")
    if related:
        parts.append(related)
    if chapter.sources:
        parts.append("## Nguồn tư liệu\n")
        parts.append("\n".join(f"{n}. {esc(s)}" for n, s in enumerate(chapter.sources, 1)) + "\n")
    if updated:
        parts.append(f"{esc(updated)}\n{{ .ky-updated }}\n")
    pager = []
    if previous:
        pager.append(f"[:material-arrow-left: {esc(previous.title)} ({previous.period_label})]({previous.slug}.md){{ .ky-prev }}")
    if following:
        pager.append(f"[{esc(following.title)} ({following.period_label}) :material-arrow-right:]({following.slug}.md){{ .ky-next }}")
    if pager:
        parts.append('<nav class="ky-pager" aria-label="Chương trước và chương sau" markdown>\n\n'
                     + "\n".join(pager) + "\n\n</nav>\n")
    return "\n".join(parts)


def _event_line(date: str, title: str, text: str, link: str | None = None) -> str:
    label = f"[{title}]({link})" if link else title
    return f"- **{date}** — {label}" + (f". {text}" if text else "")


def history_index(content: Content) -> str:
    lines = [
        front_matter(title="Lịch sử", description="Các chương lịch sử theo từng giai đoạn"),
        "# Lịch sử Đảng bộ\n",
        f"Lịch sử được chia thành {len(content.chapters)} chương theo từng giai đoạn. "
        "Xem thêm [Biên niên sự kiện](../bien-nien-su-kien.md).\n",
    ]
    for chapter in content.chapters:
        draft = " *(bản nháp)*" if chapter.is_draft else ""
        lines.append(f"## [{esc(chapter.title)}]({chapter.slug}.md){draft}\n")
        lines.append(f"Giai đoạn **{chapter.period_label}**\n{{ .ky-period }}\n")
        if chapter.summary:
            lines.append(esc(chapter.summary) + "\n")
    return "\n".join(lines)


def timeline(content: Content, extra: list[tuple[Event, Chapter | None, str]] = ()) -> str:
    """Every event in date order, grouped by the period of its chapter.

    ``extra`` are events from other content (congresses) as (event, chapter of its period, link).
    """
    lines = [
        front_matter(title="Biên niên sự kiện", description="Các sự kiện theo thứ tự thời gian"),
        "# Biên niên sự kiện\n",
        "Các sự kiện của mọi chương, theo thứ tự thời gian; mỗi sự kiện dẫn tới chương của nó.\n",
    ]
    entries = [(e, c, c.src_uri) for e, c in content.events] + list(extra)
    entries.sort(key=lambda entry: entry[0].sort_key)
    current: Chapter | None | bool = False
    for event, chapter, link in entries:
        if chapter is not current:
            current = chapter
            heading = f"{chapter.period_label}: {esc(chapter.title)}" if chapter else "Sự kiện khác"
            lines.append(f"\n## {heading}\n")
        lines.append(_event_line(event.display, esc(event.title), esc(event.text), link))
    if not entries:
        lines.append("Chưa có sự kiện nào.")
    return "\n".join(lines) + "\n"


def slogans_page(content: Content, plan_page: str | None, previews: dict[int, str] | None = None) -> str:
    """The slogans, exactly as written; ``previews`` maps a slogan's index to its banner preview."""
    source = f" theo [Kế hoạch tổ chức các hoạt động kỷ niệm]({plan_page})" if plan_page else ""
    lines = [
        front_matter(title="Khẩu hiệu", description="Khẩu hiệu tuyên truyền kỷ niệm"),
        "# Khẩu hiệu tuyên truyền\n",
        f"Các khẩu hiệu tuyên truyền{source}.\n",
        '<ol class="ky-slogans">',
    ]
    for index, slogan in enumerate(content.slogans):
        occasion = f'<span class="ky-occasion">{html.escape(slogan.occasion)}</span>' if slogan.occasion else ""
        preview = (previews or {}).get(index, "")
        lines.append(f'<li><p class="ky-slogan">{html.escape(slogan.text)}</p>{occasion}{preview}</li>')
    lines.append("</ol>\n")
    return "\n".join(lines)


def outlines_index(content: Content) -> str:
    lines = [
        front_matter(title="Đề cương tuyên truyền", description="Đề cương tuyên truyền cho sinh hoạt chi bộ"),
        "# Đề cương tuyên truyền\n",
        "Đề cương dùng trong sinh hoạt cấp ủy, chi bộ; mỗi đề cương có bản PDF khổ A4 để in "
        "(xem [Tài liệu tải về](../tai-ve/index.md)).\n",
    ]
    for outline in content.outlines:
        draft = " *(bản nháp)*" if outline.is_draft else ""
        lines.append(f"## [{esc(outline.title)}]({outline.slug}.md){draft}\n")
        if outline.summary:
            lines.append(esc(outline.summary) + "\n")
    return "\n".join(lines)


def outline_page(outline: Outline, links: LinkRewriter, handout: str | None = None) -> str:
    parts = [
        front_matter(title=outline.title, description=outline.summary or outline.title),
        f"# {esc(outline.title)}\n",
    ]
    if outline.date:
        parts.append(f"Ngày {format_date(outline.date)}\n{{ .ky-period }}\n")
    if outline.is_draft:
        parts.append(DRAFT_NOTE)
    if handout:
        parts.append(f'[:material-printer: Bản in khổ A4 (PDF)](../tai-ve/{handout}){{ .md-button }}\n')
    parts.append(links.rewrite(outline.body, outline.path, outline.src_uri).strip() + "\n")
    return "\n".join(parts)


def downloads_page(downloads: list[Download]) -> str:
    """Everything the build publishes for printing and offline use."""
    lines = [
        front_matter(title="Tài liệu tải về", description="Sách, đề cương, băng rôn và bản ngoại tuyến"),
        "# Tài liệu tải về\n",
    ]
    groups: dict[str, dict[str, list[Download]]] = {}
    for item in downloads:
        groups.setdefault(item.group, {}).setdefault(item.title, []).append(item)
    for group, titles in groups.items():
        lines.append(f"## {group}\n")
        for title, items in titles.items():
            # Raw HTML: these files are written after the pages, so MkDocs cannot validate them.
            if len(items) == 1:
                item = items[0]
                lines.append(
                    f"- {_download_link(item, item.title)}"
                    + (f" — {esc(item.description)}" if item.description else "")
                )
            else:  # one thing in several formats (a banner as PDF and PNG): one line, a link each
                links = " · ".join(_download_link(item, item.description or item.href) for item in items)
                lines.append(f"- {esc(title)} — {links}")
        lines.append("")
    if not downloads:
        lines.append("Chưa có tài liệu nào.")
    return "\n".join(lines) + "\n"


def _download_link(item: Download, text: str) -> str:
    # The size is filled in once the file exists (add_sizes), after the pages are written.
    href = html.escape(item.href)
    return f'<a href="{href}" download>{esc(text)}</a> <span class="ky-size" data-ky-file="{href}"></span>'


_SIZE_SLOT = re.compile(r'<span class="?ky-size"? data-ky-file="?([^">\s]+)"?></span>')


def format_size(size: int) -> str:
    """Bytes as a reader reads them, Vietnamese style: "83 KB", "6,2 MB"."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def add_sizes(page_html: str, folder: Path) -> str:
    """Write each listed file's size into the downloads page; files not made yet keep their slot."""

    def fill(match: re.Match[str]) -> str:
        path = folder / html.unescape(match.group(1))
        if not path.is_file():
            return match.group(0)
        kind = path.suffix.lstrip(".").upper()
        return f'<span class="ky-size">({kind}, {format_size(path.stat().st_size)})</span>'

    return _SIZE_SLOT.sub(fill, page_html)
