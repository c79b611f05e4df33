"""Quiz questions for "Tìm hiểu lịch sử": read from ``quiz/*.yml`` and validated.

Editors write multiple-choice questions in YAML; each one names the chapter,
event or page that answers it, so a reader can go and read it and an editor can
check the answer. Every finding names file and line in Vietnamese, because a
wrong key in a contest question is worse than none: a question whose stated
number of correct answers does not match, a duplicate or empty choice, or a link
to nothing stops the build. The web page (kyniem/quiz_pages.py) and the printed
set (kyniem/quiz_print.py) take these objects, never the files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .documents import ChapterLike, Cited, Document
from .problems import Report
from .text import fold, parse_date, slugify
from .yamlsrc import LineMap, load_yaml, read_text, split_front_matter

if TYPE_CHECKING:
    from .config import KyniemConfig

QUIZ_URL = "tim-hieu"
FILE_KEYS = ("questions", "topic", "sample", "status")
QUESTION_KEYS = (
    "id", "question", "choices", "correct", "answers", "explanation", "link", "difficulty", "topic", "status", "sample",
)
LETTERS = "ABCDEF"
MIN_CHOICES, MAX_CHOICES = 2, 6
# Editors may write the level in English or in Vietnamese; the page shows the Vietnamese.
DIFFICULTIES = {"easy": "Dễ", "medium": "Trung bình", "hard": "Khó"}
_DIFFICULTY_ALIASES = {"de": "easy", "trung binh": "medium", "kho": "hard"}
STATUSES = ("published", "draft")
GENERAL_TOPIC = "Tìm hiểu chung"
# Anchor of the "Sự kiện trong giai đoạn" heading of a chapter page (kyniem/pages.py).
EVENTS_ANCHOR = slugify("Sự kiện trong giai đoạn")

_SPACES = re.compile(r"\s+")
# Why a link to an existing chapter does not resolve when that chapter is not published.
DRAFT_CHAPTER = ("chương này là bản nháp (status: draft) hoặc đang có lỗi nên không được xuất bản; "
                 "hãy xuất bản chương hoặc dẫn tới chương khác")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
# A link to an archive item, as chapters cite one ([[tu-lieu:slug]]): link: tu-lieu:slug
ARCHIVE_LINK = re.compile(r"^tu-lieu:\s*(?P<slug>[^#\s]+)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    """One multiple-choice question with its key, explanation and where to read more."""

    id: str
    source: str
    line: int
    text: str
    choices: tuple[str, ...]
    correct: tuple[int, ...]  # 0-based, ascending
    explanation: str
    link: str  # as the editor wrote it
    page: str  # the page that answers it, as a path in the site's docs ("lich-su/thanh-lap-1952-1954.md")
    anchor: str  # the heading on that page ("" for the top)
    link_title: str  # what the "read more" link says
    topic: str
    difficulty: str | None  # a key of DIFFICULTIES
    status: str
    sample: bool

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def address(self) -> str:
        """Where to read more, as a path of the site ("/tu-lieu/giay-khen-mau/"), for paper."""
        stem = self.page[: -len(".md")]
        stem = stem[: -len("index")] if stem == "index" or stem.endswith("/index") else f"{stem}/"
        return f"/{stem}" + (f"#{self.anchor}" if self.anchor else "")

    @property
    def letters(self) -> str:
        """The key as a cell-meeting secretary reads it out: "B" or "A, C"."""
        return ", ".join(LETTERS[i] for i in self.correct)


@dataclass(frozen=True)
class _Target:
    page: str
    anchor: str
    title: str


class _Links:
    """Where a question's ``link:`` may point: chapters (and their events), outlines, pages in docs/."""

    def __init__(self, root: Path, docs_dir: Path, history_dir: Path,
                 chapters: list["ChapterLike"], outlines: list["Document"], archive: list["Cited"],
                 archive_dir: str) -> None:
        self.root = root.resolve()
        self.archive = {item.slug: item for item in archive}
        self.archive_dir = archive_dir
        self.docs_dir = docs_dir.resolve()
        self.history_dir = history_dir.resolve()
        self.chapters = {c.path.resolve(): c for c in chapters}
        self.outlines = {o.path.resolve(): o for o in outlines}
        self.by_url = {c.url: c.path.resolve() for c in chapters}
        self.by_url.update({o.url: o.path.resolve() for o in outlines})
        self._docs: dict[Path, tuple[str, str, str]] = {}  # path -> (page, title, body): a page is read once
        self._anchors: dict[str, set[str]] = {}  # page -> heading anchors

    def resolve(self, link: str, quiz_file: Path) -> tuple[_Target | None, str]:
        """(target, "") or (None, the reason in Vietnamese)."""
        path_part, _, anchor = link.partition("#")
        path_part = path_part.strip()
        if (cited := ARCHIVE_LINK.match(path_part)) is not None:
            return self._archive_item(slugify(cited.group("slug")))
        if re.match(r"^[a-z][a-z0-9+.-]*:", path_part, re.IGNORECASE):
            return None, "liên kết phải dẫn tới một trang của chính trang web này, không ra trang ngoài"
        candidates = [(quiz_file.parent / path_part).resolve(), (self.root / path_part.lstrip("/")).resolve()]
        if not path_part.endswith(".md"):
            url = path_part.strip("/") + "/"
            if url in self.by_url:
                candidates.insert(0, self.by_url[url])
            elif (self.docs_dir / url / "index.md").is_file():
                candidates.insert(0, self.docs_dir / url / "index.md")
            elif (self.docs_dir / f"{url.rstrip('/')}.md").is_file():
                candidates.insert(0, self.docs_dir / f"{url.rstrip('/')}.md")
        for path in candidates:
            if path in self.chapters:
                return self._chapter(self.chapters[path], anchor)
            if path in self.outlines:
                outline = self.outlines[path]
                return self._page(outline.src_uri, outline.title, outline.body, anchor)
            if path.suffix == ".md" and path.is_file() and path.is_relative_to(self.docs_dir):
                return self._docs_page(path, anchor)
        for path in candidates:
            if path.suffix == ".md" and path.is_file() and path.is_relative_to(self.history_dir):
                return None, DRAFT_CHAPTER
        return None, ("không có chương, sự kiện hay trang nào ở địa chỉ này; viết đường dẫn tới tệp tính từ thư mục "
                      "của trang, ví dụ link: history/01-thanh-lap-1952-1954.md#1952-02-15 (một sự kiện) hoặc "
                      "link: docs/ke-hoach.md")

    def _archive_item(self, slug: str) -> tuple[_Target | None, str]:
        item = self.archive.get(slug)
        if item is not None:
            return _Target(item.src_uri, "", item.title), ""
        close = difflib.get_close_matches(slug, sorted(self.archive), n=1, cutoff=0.5)
        hint = f" Có phải ý bạn là tu-lieu:{close[0]}?" if close else ""
        return None, (f"không có tư liệu “{slug}” (không có thư mục {self.archive_dir}/{slug}/ với tệp item.yml). "
                      f"Viết tên thư mục của tư liệu, ví dụ link: tu-lieu:ke-hoach-ky-niem-70-nam.{hint}")

    def _chapter(self, chapter: "ChapterLike", anchor: str) -> tuple[_Target | None, str]:
        if anchor and parse_date(anchor) is not None:
            event = next((e for e in chapter.events if e.date == anchor), None)
            if event is None:
                dates = ", ".join(e.date for e in chapter.events) or "chương chưa có sự kiện nào"
                return None, f"chương “{chapter.title}” không có sự kiện ngày {anchor} (các sự kiện: {dates})"
            return _Target(chapter.src_uri, EVENTS_ANCHOR, f"{event.title} ({event.display})"), ""
        return self._page(chapter.src_uri, chapter.title, chapter.body, anchor, extra=(EVENTS_ANCHOR,))

    def _docs_page(self, path: Path, anchor: str) -> tuple[_Target | None, str]:
        if path not in self._docs:
            rel = path.relative_to(self.docs_dir).as_posix()
            text = read_text(path, rel, Report()) or ""  # its own findings are kyniem check's, not the quiz's
            front, body, _ = split_front_matter(text)
            title = ""
            if front:
                data, _lines = load_yaml(front, rel, Report())
                if isinstance(data, dict) and isinstance(data.get("title"), str):
                    title = data["title"]
            heading = next((m.group(1) for line in body.split("\n") if (m := re.match(r"^#\s+(.+)$", line))), "")
            self._docs[path] = (rel, title or heading or path.stem, body)
        page, title, body = self._docs[path]
        return self._page(page, title, body, anchor)

    def _page(self, page: str, title: str, body: str, anchor: str,
              extra: tuple[str, ...] = ()) -> tuple[_Target | None, str]:
        if anchor:
            if page not in self._anchors:
                self._anchors[page] = {slugify(m.group(1)) for line in body.split("\n") if (m := _HEADING.match(line))}
            anchors = self._anchors[page] | set(extra)
            if anchor not in anchors:
                known = ", ".join(sorted(anchors)) or "trang không có đề mục nào"
                return None, f"trang “{title}” không có đề mục #{anchor} (các đề mục: {known})"
        return _Target(page, anchor, title), ""


def load_questions(root: Path, settings: "KyniemConfig", chapters: list["ChapterLike"], outlines: list["Document"],
                   docs_dir: Path, report: Report, archive: Sequence["Cited"] = ()) -> list[Question]:
    """Every question of ``quiz/*.yml`` (drafts included: they are validated too), in file order."""
    folder = root / settings.quiz.dir
    if not settings.quiz.enabled or not folder.is_dir():
        return []
    links = _Links(root, docs_dir, root / settings.history_dir, chapters, outlines, list(archive), settings.archive_dir)
    questions: list[Question] = []
    for path in sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")]):
        questions.extend(_QuizFile(root, path, links, report).read())
    seen: dict[str, Question] = {}
    for question in questions:
        if question.id in seen:
            first = seen[question.id]
            report.error(question.source, question.line,
                         f"mã câu hỏi “{question.id}” đã dùng ở {first.source}:{first.line}; mỗi câu hỏi cần một id "
                         "riêng (sửa hoặc xóa dòng id:)", "quiz-duplicate-id")
        else:
            seen[question.id] = question
    return questions


def _same(text: str) -> str:
    """Two choices are the same when they differ only by case, spacing or final punctuation."""
    return _SPACES.sub(" ", text).strip().rstrip(".;").casefold()


class _QuizFile:
    """Reads one quiz file into questions, reporting every finding with its line."""

    def __init__(self, root: Path, path: Path, links: _Links, report: Report) -> None:
        self.path = path
        self.source = path.relative_to(root).as_posix()
        self.links = links
        self.report = report

    def error(self, line: int, message: str, code: str) -> None:
        self.report.error(self.source, line, message, code)

    def read(self) -> list[Question]:
        text = read_text(self.path, self.source, self.report)
        if text is None:
            return []
        errors_before = len(self.report.errors)
        data, lines = load_yaml(text, self.source, self.report)
        if len(self.report.errors) > errors_before:
            return []
        if data is None:
            return []
        if isinstance(data, list):
            data = {"questions": data}
        if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
            self.error(1, "tệp câu hỏi phải có danh sách câu hỏi dưới khóa questions:, mỗi câu bắt đầu bằng "
                       "'- question: …'", "quiz-type")
            return []
        self._unknown(data, FILE_KEYS, lines, ())
        defaults = {
            "topic": self._text(data, "topic", lines, ()),
            "sample": self._flag(data, "sample", lines, (), False),
            "status": self._status(data, lines, (), "published"),
        }
        questions = []
        for index, item in enumerate(data["questions"]):
            path = ("questions", index)
            if not isinstance(item, dict):
                self.error(lines.line(path), f"câu hỏi thứ {index + 1} phải gồm các dòng 'question: …', 'choices:', "
                           "'correct: …'", "quiz-type")
                continue
            question = self._question(item, lines, path, index, defaults)
            if question is not None:
                questions.append(question)
        return questions

    def _unknown(self, data: dict, keys: tuple[str, ...], lines: LineMap, path: tuple) -> None:
        for key in data:
            if key not in keys:
                close = difflib.get_close_matches(str(key), keys, n=1, cutoff=0.6)
                hint = f"có phải là “{close[0]}”?" if close else f"các khóa dùng được: {', '.join(keys)}"
                self.error(lines.line((*path, key)), f"khóa “{key}” không dùng được ở đây; {hint}", "unknown-key")

    def _text(self, data: dict, key: str, lines: LineMap, path: tuple, required: str = "") -> str:
        value = data.get(key)
        if isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            self.error(lines.line((*path, key)), f"{key}: phải là một đoạn chữ (đặt trong dấu ngoặc kép)", "quiz-type")
            return ""
        value = (value or "").strip()
        if not value and required:
            self.error(lines.line((*path, key) if key in data else path), required, "quiz-missing")
        return value

    def _flag(self, data: dict, key: str, lines: LineMap, path: tuple, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error(lines.line((*path, key)), f"{key}: chỉ nhận true hoặc false", "quiz-type")
            return default
        return value

    def _status(self, data: dict, lines: LineMap, path: tuple, default: str) -> str:
        value = data.get("status", default)
        if value not in STATUSES:
            self.error(lines.line((*path, "status")), f"status: “{value}” không hợp lệ; viết status: published "
                       "(xuất bản) hoặc status: draft (bản nháp)", "status")
            return "draft"
        return value

    def _question(self, item: dict, lines: LineMap, path: tuple, index: int, defaults: dict) -> Question | None:
        errors_before = len(self.report.errors)
        line = lines.line(path)
        self._unknown(item, QUESTION_KEYS, lines, path)
        text = self._text(item, "question", lines, path,
                          "câu hỏi chưa có nội dung; thêm question: \"Đảng bộ Khối được thành lập ngày nào?\"")
        choices = self._choices(item, lines, path)
        correct = self._correct(item, lines, path, choices)
        explanation = self._text(item, "explanation", lines, path,
                                 "câu hỏi chưa có lời giải thích; thêm explanation: \"…\" nói vì sao đáp án đúng")
        link = self._text(item, "link", lines, path,
                          "câu hỏi chưa dẫn tới nơi có câu trả lời; thêm link: history/01-thanh-lap-1952-1954.md")
        status = self._status(item, lines, path, defaults["status"])
        target = None
        if link:
            target, reason = self.links.resolve(link, self.path)
            # A draft question may wait for its draft chapter; a published one may not.
            if target is None and not (status == "draft" and reason == DRAFT_CHAPTER):
                self.error(lines.line((*path, "link")), f"link: “{link}”: {reason}", "quiz-link")
        difficulty = self._difficulty(item, lines, path)
        raw_id = item.get("id")
        qid = slugify(str(raw_id)) if raw_id is not None else f"{slugify(self.path.stem)}-{index + 1}"
        if raw_id is not None and not qid:
            self.error(lines.line((*path, "id")), "id: phải có chữ hoặc số, ví dụ id: thanh-lap-1952", "quiz-type")
        topic = self._text(item, "topic", lines, path) or defaults["topic"]
        if not topic and target is not None:
            chapter = next((c for c in self.links.chapters.values() if target.page == c.src_uri), None)
            topic = f"Giai đoạn {chapter.period_label}" if chapter else ""
        question = Question(
            id=qid,
            source=self.source,
            line=line,
            text=text,
            choices=tuple(choices or ()),
            correct=correct,
            explanation=explanation,
            link=link,
            page=target.page if target else "",
            anchor=target.anchor if target else "",
            link_title=target.title if target else "",
            topic=topic or GENERAL_TOPIC,
            difficulty=difficulty,
            status=status,
            sample=self._flag(item, "sample", lines, path, defaults["sample"]),
        )
        return question if len(self.report.errors) == errors_before else None

    def _choices(self, item: dict, lines: LineMap, path: tuple) -> list[str] | None:
        value = item.get("choices")
        where = lines.line((*path, "choices") if "choices" in item else path)
        if not isinstance(value, list):
            self.error(where, "câu hỏi cần danh sách phương án choices:, mỗi phương án một dòng '- \"…\"'",
                       "quiz-choices")
            return None
        if not MIN_CHOICES <= len(value) <= MAX_CHOICES:
            self.error(where, f"câu hỏi có {len(value)} phương án; cần từ {MIN_CHOICES} đến {MAX_CHOICES} phương án "
                       f"(A–{LETTERS[MAX_CHOICES - 1]})", "quiz-choices")
            return None
        choices: list[str] = []
        seen: dict[str, int] = {}
        ok = True
        for number, raw in enumerate(value):
            at = lines.line((*path, "choices", number))
            letter = LETTERS[number]
            if isinstance(raw, (int, float, dt.date)) and not isinstance(raw, bool):
                raw = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                self.error(at, f"phương án {letter} để trống; viết nội dung phương án hoặc xóa dòng này",
                           "quiz-choice-empty")
                ok = False
                continue
            if not isinstance(raw, str):
                self.error(at, f"phương án {letter} phải là một đoạn chữ trong dấu ngoặc kép, ví dụ - \"15/02/1952\"",
                           "quiz-type")
                ok = False
                continue
            key = _same(raw)
            if key in seen:
                self.error(at, f"phương án {letter} “{raw.strip()}” trùng với phương án {LETTERS[seen[key]]}; "
                           "mỗi phương án phải khác nhau", "quiz-choice-duplicate")
                ok = False
            seen.setdefault(key, number)
            choices.append(raw.strip())
        return choices if ok else None

    def _correct(self, item: dict, lines: LineMap, path: tuple, choices: list[str] | None) -> tuple[int, ...]:
        where = lines.line((*path, "correct") if "correct" in item else path)
        value = item.get("correct")
        if value is None:
            self.error(where, "câu hỏi chưa có đáp án; thêm correct: B (chữ cái của phương án đúng)", "quiz-correct")
            return ()
        answers = item.get("answers", 1)
        if isinstance(answers, bool) or not isinstance(answers, int) or answers < 1:
            self.error(lines.line((*path, "answers")), f"answers: “{answers}” phải là số đáp án đúng (1, 2, …)",
                       "quiz-type")
            return ()
        if choices is None:
            return ()
        given = value if isinstance(value, list) else [value]
        picked: list[int] = []
        for raw in given:
            index = self._choice_index(raw, choices)
            if index is None:
                self.error(where, f"correct: “{raw}” không phải phương án nào; viết chữ cái "
                           f"A–{LETTERS[len(choices) - 1]} hoặc chép đúng nội dung phương án", "quiz-correct")
                return ()
            if index in picked:
                self.error(where, f"correct: phương án {LETTERS[index]} được ghi hai lần", "quiz-correct")
                return ()
            picked.append(index)
        if len(picked) != answers:
            stated = "1 đáp án đúng (mặc định)" if "answers" not in item else f"answers: {answers}"
            self.error(where, f"câu hỏi ghi {stated} nhưng correct: nêu {len(picked)} đáp án "
                       f"({', '.join(LETTERS[i] for i in picked)}); sửa correct: hoặc answers: cho khớp",
                       "quiz-correct-count")
            return ()
        if len(picked) >= len(choices):
            self.error(where, "mọi phương án đều đúng thì câu hỏi không còn để hỏi; thêm phương án sai",
                       "quiz-correct-count")
            return ()
        return tuple(sorted(picked))

    @staticmethod
    def _choice_index(raw: object, choices: list[str]) -> int | None:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw - 1 if 1 <= raw <= len(choices) else None
        if not isinstance(raw, str):
            return None
        letter = raw.strip().rstrip(".)").upper()
        if len(letter) == 1 and letter in LETTERS[: len(choices)]:
            return LETTERS.index(letter)
        matches = [i for i, choice in enumerate(choices) if _same(choice) == _same(raw)]
        return matches[0] if matches else None

    def _difficulty(self, item: dict, lines: LineMap, path: tuple) -> str | None:
        value = item.get("difficulty")
        if value is None:
            return None
        key = fold(str(value)).strip()
        key = _DIFFICULTY_ALIASES.get(key, key)
        if key not in DIFFICULTIES:
            self.error(lines.line((*path, "difficulty")), f"difficulty: “{value}” không hợp lệ; viết easy (dễ), "
                       "medium (trung bình) hoặc hard (khó)", "quiz-type")
            return None
        return key


# --- Sets ---------------------------------------------------------------------------------------


def published(questions: list[Question]) -> list[Question]:
    return [q for q in questions if not q.is_draft]


def topics(questions: list[Question]) -> list[str]:
    """The topics in the order of their first question."""
    return list(dict.fromkeys(q.topic for q in questions))


def draw(questions: list[Question], count: int, seed: int, wanted_topics: list[str] | None = None) -> list[Question]:
    """``count`` published questions picked by ``seed``: one seed, one set, in one order.

    The pool is sorted by id first, so the set does not depend on the order files are read.
    """
    pool = sorted((q for q in published(questions) if not wanted_topics or q.topic in wanted_topics),
                  key=lambda q: q.id)
    rng = random.Random(seed)
    return rng.sample(pool, min(count, len(pool)))

