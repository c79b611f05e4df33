"""The content model: chapters, events, slogans and outlines read from plain files.

Every later stage (pages, book, banners, check) works from these objects, never
from the files, so validation happens once and every finding names file and line.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .archive import Item, load_archive
from .people import People, load_people
from .problems import Report
from .quiz import Question, load_questions
from .text import format_date, parse_date, slug_from_filename
from .yamlsrc import LineMap, load_yaml, nesting_problem, read_text, split_front_matter

if TYPE_CHECKING:
    from .config import KyniemConfig

CHAPTER_KEYS = ("title", "period", "order", "summary", "status", "events", "sources")
EVENT_KEYS = ("date", "title", "text")
OUTLINE_KEYS = ("title", "summary", "date", "status", "number")
SLOGAN_KEYS = ("text", "occasion", "width_m", "height_m", "lines")
# A banner's own size (issue 13): what a print shop can make, from a table sign to a street banner.
SLOGAN_SIZE_M = (0.1, 50.0)
SLOGAN_LINES = (1, 4)
STATUSES = ("published", "draft")

HISTORY_URL = "lich-su"
_KIND_VI = {"chapter": "chương", "outline": "đề cương"}  # kinds as editors read them
OUTLINES_URL = "de-cuong-tuyen-truyen"

_PERIOD_TEXT = re.compile(r"^\s*(\d{4})\s*(?:[-–—]|đến)\s*(\d{4})\s*$")


@dataclass(frozen=True)
class Event:
    """A dated event of a chapter, shown on the chapter and on the timeline."""

    date: str
    title: str
    text: str
    line: int

    @property
    def display(self) -> str:
        return format_date(self.date)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        year, month, day = parse_date(self.date) or (0, None, None)
        return year, month or 0, day or 0


@dataclass
class Chapter:
    """One chapter of the history, from one ``history/*.md`` file."""

    source: str
    path: Path
    slug: str
    title: str
    start: int
    end: int
    order: int | None
    summary: str
    status: str
    events: list[Event]
    sources: list[str]
    body: str
    body_line: int
    period_line: int = 1

    @property
    def url(self) -> str:
        return f"{HISTORY_URL}/{self.slug}/"

    @property
    def src_uri(self) -> str:
        return f"{HISTORY_URL}/{self.slug}.md"

    @property
    def period_label(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start} – {self.end}"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class Slogan:
    text: str
    occasion: str
    line: int
    # The banner of this slogan, when it differs from the banners settings (None: use the settings).
    width_m: float | None = None
    height_m: float | None = None
    lines: int | None = None


@dataclass
class Outline:
    """A propaganda outline (đề cương tuyên truyền) for party-cell meetings."""

    source: str
    path: Path
    slug: str
    title: str
    summary: str
    date: str | None
    status: str
    body: str
    body_line: int
    number: str = ""  # số và ký hiệu, e.g. "45-ĐC/ĐUK", printed on the handout when given

    @property
    def url(self) -> str:
        return f"{OUTLINES_URL}/{self.slug}/"

    @property
    def src_uri(self) -> str:
        return f"{OUTLINES_URL}/{self.slug}.md"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass
class Content:
    """Everything the site is made of, validated."""

    root: Path
    chapters: list[Chapter] = field(default_factory=list)
    slogans: list[Slogan] = field(default_factory=list)
    outlines: list[Outline] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)  # kyniem/quiz.py; drafts included
    people: People = field(default_factory=People)
    archive: list[Item] = field(default_factory=list)
    report: Report = field(default_factory=Report)

    @property
    def published(self) -> list[Chapter]:
        return [c for c in self.chapters if not c.is_draft]

    @property
    def events(self) -> list[tuple[Event, Chapter]]:
        """Every event of every chapter, in date order."""
        pairs = [(e, c) for c in self.chapters for e in c.events]
        return sorted(pairs, key=lambda pair: pair[0].sort_key)


def load_content(root: Path, settings: "KyniemConfig", *, include_drafts: bool, docs_dir: Path | None = None) -> Content:
    """Read and validate all content under ``root``; findings go to ``Content.report``.

    Drafts are validated always but kept only when ``include_drafts`` (``mkdocs serve``).
    ``docs_dir`` (default ``root/docs``) is where quiz questions may link to hand-written pages.
    """
    content = Content(root=root)
    reader = _Reader(root, settings, content.report)
    chapters = [
        chapter
        for path in sorted((root / settings.history_dir).glob("*.md"))
        if (chapter := reader.chapter(path)) is not None
    ]
    content.chapters = sorted(
        (c for c in chapters if include_drafts or not c.is_draft),
        key=lambda c: (c.start, c.end, c.order if c.order is not None else 0, c.title),
    )
    _check_unique(content.chapters, "chương", HISTORY_URL, content.report)
    _check_periods(content.published, content.report)
    content.slogans = reader.slogans(root / settings.slogans_dir / "slogans.yml")
    outlines = [
        outline
        for path in sorted((root / settings.slogans_dir / "outlines").glob("*.md"))
        if (outline := reader.outline(path)) is not None
    ]
    content.outlines = [o for o in outlines if include_drafts or not o.is_draft]
    _check_unique(content.outlines, "đề cương", OUTLINES_URL, content.report)
    content.people = load_people(root / settings.people_dir, reader, include_drafts)
    content.archive = load_archive(root, settings, content.report, content.chapters, content.outlines)
    content.questions = load_questions(
        root, settings, content.chapters, content.outlines, docs_dir or root / "docs", content.report, content.archive
    )
    return content


def _check_unique(items: list[Chapter] | list[Outline], kind: str, prefix: str, report: Report) -> None:
    """Two files must never publish to one address: one would silently replace the other."""
    seen: dict[str, str] = {}
    for item in items:
        if item.slug in ("index", ""):
            report.error(item.source, 1, f"tên tệp không cho {kind} này một địa chỉ trang dùng được; đổi tên tệp, có chữ hoặc số, ví dụ 08-giai-doan-moi.md", "slug")
        elif item.slug in seen:
            report.error(
                item.source,
                1,
                f"{kind} này và {seen[item.slug]} cùng được đăng ở địa chỉ /{prefix}/{item.slug}/; "
                "đổi tên một trong hai tệp",
                "duplicate-slug",
            )
        else:
            seen[item.slug] = item.source


def _check_periods(chapters: list[Chapter], report: Report) -> None:
    """Published chapters tell consecutive periods: one that repeats or overlaps another
    would tell the same years twice (in the history and in the book's contents).
    Sharing a boundary year (1954–1975, then 1975–1986) is fine, and so are parts
    of one period that say so with distinct ``order:`` numbers."""
    by_file = sorted(chapters, key=lambda c: c.source)  # the later file is the one named
    for index, chapter in enumerate(by_file):
        for other in by_file[:index]:
            same = (other.start, other.end) == (chapter.start, chapter.end)
            if same and chapter.order is not None and other.order is not None and chapter.order != other.order:
                continue
            if same or (other.start < chapter.end and chapter.start < other.end):
                how = "trùng" if same else "chồng lên"
                report.error(
                    chapter.source, chapter.period_line,
                    f"period: {chapter.period_label} {how} giai đoạn {other.period_label} của {other.source}; "
                    "các chương kể những giai đoạn nối tiếp nhau, ví dụ [1952, 1954] rồi [1955, 1967]. Sửa period: "
                    "của một trong hai chương (nếu là hai phần của cùng một giai đoạn, ghi order: 1 và order: 2)",
                    "period-overlap",
                )
                break


class _Reader:
    """Reads one kind of file at a time, reporting into one report."""

    def __init__(self, root: Path, settings: "KyniemConfig", report: Report):
        self.root = root
        self.report = report
        self.first_year = int(settings.founded[:4])
        self.last_year = dt.date.today().year
        self.max_bytes = int(settings.limits.chapter_kb) * 1024

    def _source(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _markdown(self, path: Path, keys: tuple[str, ...], kind: str) -> tuple[dict, LineMap, str, int] | None:
        source = self._source(path)
        text = read_text(path, source, self.report, self.max_bytes)
        if text is None:
            return None
        front, body, body_line = split_front_matter(text)
        if nesting_problem(body, source, self.report, body_line):
            return None
        if front is None:
            return self._without_front_matter(path, source, body, kind)
        errors_before = len(self.report.errors)
        data, lines = load_yaml(front, source, self.report, first_line=2)
        if len(self.report.errors) > errors_before:
            return None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.report.error(source, 2, "phần khai báo phải là các dòng 'khóa: giá trị', ví dụ title: \"Tên chương\"", "type")
            return None
        self._unknown_keys(source, data, keys, lines, ())
        return data, lines, body, body_line

    def _without_front_matter(self, path: Path, source: str, body: str, kind: str) -> tuple[dict, LineMap, str, int] | None:
        """A file with no front matter: when its title (first '# ' line) and, for a chapter, its period
        (years in the file name) are clear, build it with a warning; otherwise stop with an error."""
        lines_ = body.split("\n")
        heading = next((i for i, line in enumerate(lines_) if re.match(r"^#\s+\S", line)), None)
        years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", path.stem)]
        if heading is None or (kind == "chapter" and not years):
            need = "một dòng tiêu đề '# …' và các năm trong tên tệp (ví dụ 01-thanh-lap-1952-1954.md)" \
                if kind == "chapter" else "một dòng tiêu đề '# …'"
            self.report.error(
                source, 1, f"tệp {_KIND_VI.get(kind, kind)} phải bắt đầu bằng phần khai báo (front matter) nằm giữa "
                f"hai dòng '---', hoặc có {need} để kyniem tự lấy tiêu đề", "front-matter"
            )
            return None
        data: dict[str, object] = {"title": lines_[heading].lstrip("#").strip()}
        found = f"tiêu đề '{data['title']}' từ dòng {heading + 1}"
        if kind == "chapter":
            data["period"] = [min(years), max(years)]
            found += f" và giai đoạn {min(years)} – {max(years)} từ tên tệp"
        self.report.warning(source, 1, f"tệp chưa có phần đầu (front matter giữa hai dòng ---); kyniem lấy {found}. "
                            "Hãy thêm phần đầu, ví dụ:\n---\ntitle: \"…\"\nperiod: [1952, 1954]\n---",
                            "front-matter-missing")
        lines_[heading] = ""  # the page shows the title itself; line numbers stay as written
        return data, LineMap(first_line=1), "\n".join(lines_), 1

    def _unknown_keys(self, source: str, data: dict, keys: tuple[str, ...], lines: LineMap, path: tuple) -> None:
        for key in data:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
                hint = f"có phải ý bạn là '{close[0]}'?" if close else f"các khóa dùng được: {', '.join(keys)}"
                where = _dotted((*path, key))
                self.report.error(source, lines.line((*path, key)), f"khóa '{where}' không có trong mẫu; {hint}", "unknown-key")

    def _text(self, source: str, data: dict, key: str, lines: LineMap, path: tuple = (), required: bool = False) -> str:
        value = data.get(key)
        name = _dotted((*path, key))
        if value is None:
            if required:
                self.report.error(source, lines.line(path), f"thiếu '{name}'; thêm dòng {key}: \"…\"", "missing")
            return ""
        if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, str):
            self.report.error(source, lines.line((*path, key)), f"'{name}' phải là chữ, ví dụ {key}: \"…\"", "type")
            return ""
        if required and not value.strip():
            self.report.error(source, lines.line((*path, key)), f"'{name}' đang để trống; ghi nội dung, ví dụ {key}: \"…\"", "missing")
        return value.strip()

    def _status(self, source: str, data: dict, lines: LineMap) -> str:
        status = data.get("status", "published")
        if status not in STATUSES:
            self.report.error(
                source, lines.line(("status",)), f"status: '{status}' không hợp lệ; ghi status: published (xuất bản) "
                "hoặc status: draft (bản nháp)", "status"
            )
            return "draft"
        return status

    def chapter(self, path: Path) -> Chapter | None:
        parsed = self._markdown(path, CHAPTER_KEYS, "chapter")
        if parsed is None:
            return None
        data, lines, body, body_line = parsed
        source = self._source(path)
        errors_before = len(self.report.errors)
        title = self._text(source, data, "title", lines, required=True)
        period = self._period(source, data, lines)
        order = data.get("order")
        if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
            self.report.error(source, lines.line(("order",)), f"order: '{order}' phải là số nguyên, ví dụ order: 3", "type")
            order = None
        chapter = Chapter(
            source=source,
            path=path,
            slug=slug_from_filename(path),
            title=title,
            start=period[0] if period else 0,
            end=period[1] if period else 0,
            order=order,
            summary=self._text(source, data, "summary", lines),
            status=self._status(source, data, lines),
            events=self._events(source, data, lines, period),
            sources=self._sources(source, data, lines),
            body=body,
            body_line=body_line,
            period_line=lines.line(("period",)),
        )
        return chapter if len(self.report.errors) == errors_before else None

    def _period(self, source: str, data: dict, lines: LineMap) -> tuple[int, int] | None:
        value = data.get("period")
        line = lines.line(("period",))
        if value is None:
            self.report.error(source, lines.line(), "thiếu 'period' (giai đoạn); thêm dòng period: [1952, 1954]", "missing")
            return None
        years: list[object]
        if isinstance(value, list):
            years = value
        elif isinstance(value, int) and not isinstance(value, bool):
            years = [value, value]
        elif isinstance(value, str) and (match := _PERIOD_TEXT.match(value)):
            years = [int(match.group(1)), int(match.group(2))]
        else:
            years = []
        if len(years) != 2 or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
            self.report.error(
                source, line, f"period: '{value}' không phải là giai đoạn; ghi năm đầu và năm cuối: period: [1952, 1954]",
                "type",
            )
            return None
        start, end = years  # type: ignore[misc]
        if end < start:
            self.report.error(
                source, line, f"period: năm cuối {end} đứng trước năm đầu {start}; có phải là [{end}, {start}]?",
                "period",
            )
            return None
        if start < self.first_year or end > self.last_year:
            self.report.warning(
                source,
                line,
                f"period: {start}–{end} nằm ngoài khoảng {self.first_year} (năm thành lập) – {self.last_year} (năm nay); "
                "kiểm tra lại các năm",
                "period-range",
            )
        return start, end

    def _events(self, source: str, data: dict, lines: LineMap, period: tuple[int, int] | None) -> list[Event]:
        value = data.get("events")
        if value is None:
            return []
        if not isinstance(value, list):
            self.report.error(source, lines.line(("events",)), "events: phải là danh sách, mỗi mục dạng '- date: 1952-02-15' và 'title: …'", "type")
            return []
        events: list[Event] = []
        for index, item in enumerate(value):
            path = ("events", index)
            if not isinstance(item, dict):
                self.report.error(source, lines.line(path), f"events[{index}] phải có 'date:' và 'title:', ví dụ - date: 1952-02-15", "type")
                continue
            self._unknown_keys(source, item, EVENT_KEYS, lines, path)
            raw = item.get("date")
            date = raw.isoformat() if isinstance(raw, dt.date) else str(raw) if raw is not None else ""
            line = lines.line((*path, "date"))
            if raw is None:
                self.report.error(source, lines.line(path), f"events[{index}] thiếu ngày; thêm date: 1952-02-15", "missing")
                continue
            parsed = parse_date(date)
            if parsed is None:
                self.report.error(
                    source, line, f'events[{index}].date: "{date}" không phải là ngày; {_date_hint(date)}', "date"
                )
                continue
            if period and not period[0] <= parsed[0] <= period[1]:
                self.report.warning(
                    source,
                    line,
                    f"events[{index}].date: {format_date(date)} nằm ngoài giai đoạn {period[0]}–{period[1]} của "
                    "chương; kiểm tra ngày, hoặc chuyển sự kiện sang chương đúng giai đoạn",
                    "event-period",
                )
            title = self._text(source, item, "title", lines, path, required=True)
            events.append(Event(date=date, title=title, text=self._text(source, item, "text", lines, path), line=line))
        return events

    def _sources(self, source: str, data: dict, lines: LineMap) -> list[str]:
        value = data.get("sources")
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            self.report.error(source, lines.line(("sources",)), "sources: phải là danh sách, mỗi nguồn một dòng '- …'", "type")
            return []
        return [s.strip() for s in value if s.strip()]

    def slogans(self, path: Path) -> list[Slogan]:
        source = self._source(path)
        if not path.is_file():
            self.report.error(
                source, None, "thiếu tệp khẩu hiệu; tạo tệp này với danh sách dưới dòng 'slogans:', ví dụ - text: \"…\"", "missing-file"
            )
            return []
        text = read_text(path, source, self.report)
        if text is None:
            return []
        errors_before = len(self.report.errors)
        data, lines = load_yaml(text, source, self.report)
        if len(self.report.errors) > errors_before:
            return []
        if data is None or (isinstance(data, dict) and set(data) == {"slogans"} and not data["slogans"]):
            self.report.warning(source, 1, "tệp khẩu hiệu chưa có khẩu hiệu nào; trang Khẩu hiệu để trống và không "
                                "có băng rôn. Thêm khẩu hiệu dưới 'slogans:', ví dụ:\nslogans:\n  - text: \"…\"",
                                "slogans-empty")
            return []
        if not isinstance(data, dict) or not isinstance(data.get("slogans"), list):
            self.report.error(source, 1, "tệp phải có danh sách dưới dòng 'slogans:', mỗi mục dạng '- text: …'", "type")
            return []
        self._unknown_keys(source, data, ("slogans",), lines, ())
        slogans: list[Slogan] = []
        for index, item in enumerate(data["slogans"]):
            path_ = ("slogans", index)
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict):
                self.report.error(source, lines.line(path_), f"slogans[{index}] phải có dạng '- text: …'", "type")
                continue
            self._unknown_keys(source, item, SLOGAN_KEYS, lines, path_)
            text_ = self._text(source, item, "text", lines, path_, required=True)
            if text_:
                occasion = self._text(source, item, "occasion", lines, path_)
                width, height = (self._banner_size(source, item, key, lines, path_) for key in ("width_m", "height_m"))
                slogans.append(Slogan(text_, occasion, lines.line(path_), width, height,
                                      self._banner_lines(source, item, lines, path_)))
        return slogans

    def _banner_size(self, source: str, item: dict, key: str, lines: LineMap, path: tuple) -> float | None:
        value = item.get(key)
        low, high = SLOGAN_SIZE_M
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            self.report.error(source, lines.line((*path, key)),
                              f"{key}: '{value}' không phải một kích thước băng rôn (tính bằng mét, từ {low:g} đến "
                              f"{high:g}); ví dụ: {key}: {'6.5' if key == 'width_m' else '0.9'}", "banner-size")
            return None
        return float(value)

    def _banner_lines(self, source: str, item: dict, lines: LineMap, path: tuple) -> int | None:
        value = item.get("lines")
        low, high = SLOGAN_LINES
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.report.error(source, lines.line((*path, "lines")),
                              f"lines: '{value}' phải là số dòng chữ trên băng rôn, từ {low} đến {high}; ví dụ: lines: 2",
                              "banner-lines")
            return None
        return value

    def outline(self, path: Path) -> Outline | None:
        parsed = self._markdown(path, OUTLINE_KEYS, "outline")
        if parsed is None:
            return None
        data, lines, body, body_line = parsed
        source = self._source(path)
        errors_before = len(self.report.errors)
        date = data.get("date")
        date_text = date.isoformat() if isinstance(date, dt.date) else str(date) if date is not None else None
        if date_text is not None and parse_date(date_text) is None:
            self.report.error(
                source, lines.line(("date",)), f'date: "{date_text}" không phải là ngày; {_date_hint(date_text)}', "date"
            )
        outline = Outline(
            source=source,
            path=path,
            slug=slug_from_filename(path),
            title=self._text(source, data, "title", lines, required=True),
            summary=self._text(source, data, "summary", lines),
            date=date_text,
            status=self._status(source, data, lines),
            body=body,
            body_line=body_line,
            number=self._text(source, data, "number", lines),
        )
        return outline if len(self.report.errors) == errors_before else None


def _dotted(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))


def _date_hint(value: str) -> str:
    """Suggest the ISO form of a date written the Vietnamese way (15/02/1952)."""
    match = re.match(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$", value)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return f"ghi {year}-{month:02d}-{day:02d} (năm-tháng-ngày)"
    match = re.match(r"^\s*(\d{1,2})[/.-](\d{4})\s*$", value)
    if match:
        return f"ghi {match.group(2)}-{int(match.group(1)):02d} (năm-tháng)"
    return "ghi theo dạng năm, năm-tháng hoặc năm-tháng-ngày, ví dụ 1952-02-15"
