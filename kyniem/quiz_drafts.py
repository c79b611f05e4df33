"""``kyniem new quiz``: draft questions from the chapters' events, and a skeleton to write by hand.

Every event already has a checked date and a chapter, so three kinds of question
can be asked of it without inventing anything: in which year it happened, which
of several events came first, and to which period of the history it belongs.
The questions are written as drafts (``status: draft``) into a new file: an
editor reads, rewords and publishes them one by one. Nothing existing is
overwritten, and a question whose id is already in use is not written again.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from .quiz import LETTERS
from .scaffold import EditorError, q
from .problems import Problem
from .text import nfc, slugify

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Chapter, Content, Event

DRAFTS_FILE = "nhap-tu-su-kien"
CHOICES = 4
# Drafts are the same for the same events, so a re-run adds only what is new.
_SEED = 1952

_HEADER = """# Câu hỏi NHÁP do lệnh `kyniem new quiz --from-events` tạo từ các sự kiện của các chương.
# Chưa câu nào được xuất bản (status: draft). Với từng câu: đọc lại, sửa lời cho tự nhiên,
# kiểm tra đáp án và lời giải thích theo tư liệu, rồi đổi status: draft thành status: published.
# Câu nào không dùng thì xóa cả khối của câu đó. Kiểm tra bằng: kyniem check
status: draft
questions:
"""

_SKELETON = """# Câu hỏi tìm hiểu lịch sử, chủ đề: {topic}
# Mỗi câu: question (câu hỏi), choices (2 – 6 phương án), correct (chữ cái đáp án đúng,
# hoặc [A, C] khi có nhiều đáp án đúng, kèm answers: 2), explanation (giải thích),
# link (nơi có câu trả lời: history/….md, history/….md#1952-02-15 hoặc docs/ke-hoach.md).
# Câu mới để status: draft; đổi thành published khi đã duyệt. Kiểm tra bằng: kyniem check
topic: {topic_q}
questions:
  - question: "Viết câu hỏi ở đây?"
    choices:
      - "Phương án A"
      - "Phương án B"
      - "Phương án C"
      - "Phương án D"
    correct: A
    explanation: "Vì sao A đúng, theo tư liệu nào."
    link: {link}
    status: draft
"""


def _entry(qid: str, question: str, choices: list[str], correct: int, explanation: str, link: str) -> str:
    lines = [
        f"  - id: {qid}",
        f"    question: {q(question)}",
        "    choices:",
        *(f"      - {q(choice)}" for choice in choices),
        f"    correct: {LETTERS[correct]}",
        f"    explanation: {q(explanation)}",
        f"    link: {q(link)}",
        "    status: draft",
    ]
    return "\n".join(lines) + "\n"


def _explain(event: "Event", chapter: "Chapter") -> str:
    text = f" {event.text}" if event.text else ""
    return f"{event.display}: {event.title}.{text} (Chương “{chapter.title}”, {chapter.period_label}.)"


def _link(event: "Event", chapter: "Chapter") -> str:
    return f"{chapter.source}#{event.date}"


def draft_entries(content: "Content") -> list[tuple[str, str]]:
    """(id, YAML block) of every draft question the events allow, in a fixed order."""
    rng = random.Random(_SEED)
    pairs = [(e, c) for e, c in content.events if not c.is_draft]
    entries: list[tuple[str, str]] = []
    years = sorted({e.sort_key[0] for e, _ in pairs})
    for event, chapter in pairs:
        year = event.sort_key[0]
        others = sorted((y for y in years if y != year), key=lambda y: (abs(y - year), y))[: CHOICES - 1]
        if len(others) < 2 or str(year) in event.title:  # a title naming its year gives the answer away
            continue
        choices = sorted([year, *others])
        qid = f"nam-{event.date}-{slugify(event.title)[:40].strip('-')}"
        entries.append((qid, _entry(qid, f"Sự kiện “{event.title}” diễn ra vào năm nào?", [str(y) for y in choices],
                                    choices.index(year), _explain(event, chapter), _link(event, chapter))))
    distinct = list({e.sort_key[0]: (e, c) for e, c in reversed(pairs)}.values())[::-1]  # first event of each year
    for start in range(0, len(distinct) - CHOICES + 1, CHOICES):
        group = distinct[start : start + CHOICES]
        if len({e.title for e, _ in group}) < len(group):
            continue  # two events of one name cannot be told apart as choices
        shuffled = group[:]
        rng.shuffle(shuffled)
        first_event, first_chapter = group[0]
        qid = f"som-nhat-{first_event.date}-{group[-1][0].date}"
        explanation = "; ".join(f"{e.title}: {e.display}" for e, _ in group) + "."
        entries.append((qid, _entry(qid, "Sự kiện nào sau đây diễn ra sớm nhất?", [e.title for e, _ in shuffled],
                                    shuffled.index(group[0]), explanation, _link(first_event, first_chapter))))
    chapters = [c for c in content.chapters if not c.is_draft]
    if len(chapters) >= 2:
        for event, chapter in pairs:
            index = chapters.index(chapter)
            near = sorted(chapters, key=lambda c: (abs(chapters.index(c) - index), chapters.index(c)))[:CHOICES]
            options = sorted(near, key=chapters.index)
            qid = f"giai-doan-{event.date}-{slugify(event.title)[:40].strip('-')}"
            entries.append((qid, _entry(
                qid, f"Sự kiện “{event.title}” ({event.display}) thuộc giai đoạn nào của lịch sử Đảng bộ?",
                [f"{c.title} ({c.period_label})" for c in options], options.index(chapter),
                _explain(event, chapter), _link(event, chapter))))
    return entries


def _free_path(folder: Path, stem: str) -> Path:
    path, number = folder / f"{stem}.yml", 2
    while path.exists():
        path, number = folder / f"{stem}-{number}.yml", number + 1
    return path


def write_drafts(root: Path, settings: "KyniemConfig", content: "Content") -> tuple[Path | None, int]:
    """Write the new draft questions to a new file in quiz/; (None, 0) when every one exists already."""
    known = {question.id for question in content.questions}
    new = [block for qid, block in draft_entries(content) if qid not in known]
    if not content.events:
        raise EditorError(Problem(settings.history_dir, None, "các chương chưa có sự kiện nào (events:) để tạo câu hỏi",
                                  "error", "quiz-no-events"))
    if not new:
        return None, 0
    path = _free_path(root / settings.quiz.dir, DRAFTS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(nfc(_HEADER + "\n".join(new)))
    return path, len(new)


def write_skeleton(root: Path, settings: "KyniemConfig", content: "Content", topic: str) -> Path:
    """A commented file of one draft question on ``topic``, to fill in by hand."""
    topic = nfc(topic).strip()
    chapter = next((c for c in content.chapters if not c.is_draft), None)
    link = chapter.source if chapter else "docs/ke-hoach.md"
    path = _free_path(root / settings.quiz.dir, slugify(topic) or "cau-hoi")
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:
        handle.write(nfc(_SKELETON.format(topic=topic, topic_q=q(topic), link=link)))
    return path
