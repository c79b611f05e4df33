"""Quiz questions: the sample checked against the content, editors' mistakes found with file:line,
draft questions from the events, and the printed set read back from the PDF."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from sitebuild import REPO, build, copy_project

from kyniem.cli import load_project, main
from kyniem.content import Content, load_content
from kyniem.quiz import draw, published
from kyniem.text import format_date, parse_date


def content_of(root: Path) -> Content:
    project = load_project(root)
    return load_content(project.root, project.settings, include_drafts=False, docs_dir=project.docs_dir)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def _plain(text: str) -> str:
    """Compare words, not typography: case, quotes, dashes and spaces set aside."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[“”\"«»]", "", text)
    text = re.sub(r"\s*[-–—]\s*", " - ", text)
    return re.sub(r"\s+", " ", text).strip()


def test_default_site_ships_twenty_checked_sample_questions() -> None:
    content = content_of(REPO)
    assert content.report.problems == []
    samples = [q for q in published(content.questions) if q.sample]
    assert len(samples) >= 20
    assert len({q.id for q in samples}) == len(samples)
    assert all(q.page and q.explanation and q.link_title for q in samples)
    assert any(len(q.correct) == 2 for q in samples), "the sample shows a question with two correct answers"


def test_every_sample_answer_is_stated_in_the_content_it_links() -> None:
    """No invented fact: each correct choice is written in the chapter, event or page the question names."""
    content = content_of(REPO)
    chapters = {c.path.resolve(): c for c in content.chapters}
    checked = 0
    for question in (q for q in content.questions if q.sample):
        path_part, _, anchor = question.link.partition("#")
        target = (REPO / path_part).resolve()
        text = target.read_text(encoding="utf-8")
        chapter = chapters.get(target)
        if chapter is not None:
            text += "\n".join(f"{e.display} {e.title} {e.text}" for e in chapter.events)
            if anchor and parse_date(anchor):
                event = next(e for e in chapter.events if e.date == anchor)
                answers = [question.choices[i] for i in question.correct]
                dates = [a for a in answers if parse_date("-".join(reversed(a.split("/"))))]
                for shown in dates:  # a date answer is the date of the very event linked
                    assert shown == format_date(event.date), (question.id, shown, event.date)
        for index in question.correct:
            answer = question.choices[index]
            assert _plain(answer) in _plain(text), f"{question.source}:{question.line} {question.id}: “{answer}”"
        checked += 1
    assert checked >= 20


def test_sample_which_came_first_is_true_to_the_event_dates() -> None:
    content = content_of(REPO)
    by_title = {e.title: e for e, _ in content.events}
    question = next(q for q in content.questions if q.text.startswith("Sự kiện nào sau đây diễn ra sớm nhất"))
    dates = [by_title[choice].sort_key for choice in question.choices]
    assert question.correct == (dates.index(min(dates)),)


BAD = """questions:
  - question: "Câu hỏi có hai đáp án đúng nhưng chỉ ghi một"
    choices: ["A1", "B1", "C1"]
    correct: A
    answers: 2
    explanation: "x"
    link: history/01-thanh-lap-1952-1954.md
  - question: "Phương án trùng và trống"
    choices:
      - "15/02/1952"
      - ""
      - "15/02/1952 "
    correct: A
    explanation: "x"
    link: history/01-thanh-lap-1952-1954.md
  - question: "Liên kết hỏng"
    choices: ["Có", "Không"]
    correct: A
    explanation: "x"
    link: history/99-khong-co.md
  - question: "Sự kiện không có"
    choices: ["Có", "Không"]
    correct: B
    explanation: "x"
    link: history/01-thanh-lap-1952-1954.md#1953-01-01
  - question: "{nfd}"
    choices: ["Có", "Không"]
    correct: Z
    explanation: "x"
    link: docs/ke-hoach.md#khong-co-muc-nay
  - question: "Bảy phương án"
    choices: ["1", "2", "3", "4", "5", "6", "7"]
    correct: A
    explanation: "x"
    link: docs/ke-hoach.md
  - question: "Khóa gõ sai"
    choices: ["Có", "Không"]
    correct: A
    explaination: "x"
    link: docs/ke-hoach.md
"""


def test_check_reports_each_quiz_mistake_with_file_and_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nfd = unicodedata.normalize("NFD", "Đảng bộ được thành lập năm nào?")
    (project / "quiz" / "loi.yml").write_text(BAD.replace("{nfd}", nfd), encoding="utf-8")
    status = main(["check", str(project)])
    out = capsys.readouterr().out
    assert status == 1
    lines = [line for line in out.splitlines() if line.startswith("quiz/loi.yml:")]
    expected = {
        4: "câu hỏi ghi answers: 2 nhưng correct: nêu 1 đáp án (A)",
        11: "phương án B để trống",
        12: "phương án C “15/02/1952” trùng với phương án A",
        20: "link: “history/99-khong-co.md”: không có chương, sự kiện hay trang nào ở địa chỉ này",
        25: "không có sự kiện ngày 1953-01-01",
        26: "NFC",  # the shared text check of kyniem check (its wording is issue 12's)
        28: "correct: “Z” không phải phương án nào",
        30: "không có đề mục #khong-co-muc-nay",
        32: "câu hỏi có 7 phương án; cần từ 2 đến 6 phương án",
        36: "câu hỏi chưa có lời giải thích",
        39: "khóa “explaination” không dùng được ở đây; có phải là “explanation”?",
    }
    for line, words in expected.items():
        assert any(found.startswith(f"quiz/loi.yml:{line}: ") and words in found for found in lines), (line, words, out)
    assert main(["check", "--format", "json", str(project)]) == 1
    found = [p for p in json.loads(capsys.readouterr().out)["problems"] if p["file"] == "quiz/loi.yml"]
    assert {p["severity"] for p in found if p["code"] != "nfc"} == {"error"}


def test_a_question_on_a_draft_chapter_stops_the_build(project: Path) -> None:
    chapter = project / "history" / "07-doi-moi-toan-dien-2011-2020.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    result = build(project)
    assert result.returncode != 0
    assert "quiz/cau-hoi-mau.yml:" in result.stderr and "bản nháp (status: draft)" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_quiz_from_events_writes_drafts_only(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = content_of(project)
    assert main(["new", "quiz", "--from-events", "--project", str(project)]) == 0
    assert "câu hỏi nháp" in capsys.readouterr().out
    written = project / "quiz" / "nhap-tu-su-kien.yml"
    after = content_of(project)
    assert after.report.problems == []
    drafts = [q for q in after.questions if q.source == "quiz/nhap-tu-su-kien.yml"]
    assert len(drafts) >= len(before.events)
    assert all(q.is_draft for q in drafts)
    assert published(after.questions) == published(before.questions), "drafts are never published"
    assert not set(draw(after.questions, 1000, 1)) & set(drafts)
    events = {(c.source, e.date): e for e, c in after.events}
    kinds = set()
    for question in drafts:
        source, _, date = question.link.partition("#")
        event = events[(source, date)]
        answer = question.choices[question.correct[0]]
        if "diễn ra vào năm nào" in question.text:
            kinds.add("year")
            assert answer == str(event.sort_key[0]) and len(set(question.choices)) == len(question.choices)
        elif "sớm nhất" in question.text:
            kinds.add("first")
            assert answer == event.title
            others = [e for (_, _), e in events.items() if e.title in question.choices and e.title != answer]
            assert others and all(e.sort_key[0] > event.sort_key[0] for e in others)
        else:
            kinds.add("period")
            chapter = next(c for c in after.chapters if c.source == source)
            assert answer == f"{chapter.title} ({chapter.period_label})"
    assert kinds == {"year", "first", "period"}
    text = written.read_text(encoding="utf-8")
    assert main(["new", "quiz", "--from-events", "--project", str(project)]) == 0
    assert "Không có câu hỏi mới" in capsys.readouterr().out
    assert written.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (project / "quiz").iterdir()) == ["cau-hoi-mau.yml", "nhap-tu-su-kien.yml"]


def test_new_quiz_skeleton_is_a_valid_draft(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "quiz", "Lãnh đạo qua các thời kỳ", "--project", str(project)]) == 0
    path = project / "quiz" / "lanh-dao-qua-cac-thoi-ky.yml"
    assert path.is_file()
    content = content_of(project)
    assert content.report.problems == []
    assert [q.status for q in content.questions if q.source.endswith(path.name)] == ["draft"]
    assert main(["new", "quiz", "--project", str(project)]) == 1
    assert "--from-events" in capsys.readouterr().out


def test_draw_is_fixed_by_the_seed_and_keeps_to_the_topics() -> None:
    questions = content_of(REPO).questions
    assert draw(questions, 10, 7) == draw(list(reversed(questions)), 10, 7)
    assert draw(questions, 10, 7) != draw(questions, 10, 8)
    plan = draw(questions, 100, 3, ["Kế hoạch kỷ niệm 70 năm"])
    assert plan and all(q.topic == "Kế hoạch kỷ niệm 70 năm" for q in plan)
    assert len(draw(questions, 1000, 3)) == len(published(questions))


def _pdf_pages(path: Path) -> list[str]:
    return [unicodedata.normalize("NFC", page.extract_text() or "") for page in PdfReader(path).pages]


def test_printed_set_questions_sheet_and_key_on_its_own_page(project: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    first, again, other = tmp_path / "bo-de-7.pdf", tmp_path / "bo-de-7-lan-2.pdf", tmp_path / "bo-de-8.pdf"
    assert main(["quiz", "--seed", "7", "--count", "12", "-o", str(first), "--project", str(project)]) == 0
    assert main(["quiz", "--seed", "7", "--count", "12", "-o", str(again), "--project", str(project)]) == 0
    assert main(["quiz", "--seed", "8", "--count", "12", "-o", str(other), "--project", str(project)]) == 0
    assert "bộ đề số 7, 12 câu hỏi" in capsys.readouterr().out
    pages = _pdf_pages(first)
    assert PdfReader(first).pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    chosen = draw(content_of(project).questions, 12, 7)
    key_pages = [i for i, text in enumerate(pages) if "ĐÁP ÁN" in text]
    sheet_pages = [i for i, text in enumerate(pages) if "PHIẾU TRẢ LỜI" in text]
    assert len(sheet_pages) == 1 and key_pages and key_pages[0] > sheet_pages[0]
    questions_text = re.sub(r"\s+", " ", " ".join(pages[: sheet_pages[0]]))
    at = 0
    for number, question in enumerate(chosen, 1):  # every drawn question, in the drawn order
        at = questions_text.find(f"Câu {number}. {question.text[:60]}", at)
        assert at >= 0, (number, question.text)
    before_key = re.sub(r"\s+", " ", " ".join(pages[: key_pages[0]]))
    key = re.sub(r"\s+", " ", " ".join(pages[key_pages[0]:]))
    for number, question in enumerate(chosen, 1):  # answers and explanations only on the key's own pages
        explanation = " ".join(question.explanation.split())
        assert explanation[:80] in key and explanation[:80] not in before_key, question.id
        assert re.search(rf"(^| ){number} {re.escape(question.letters)} ", key), (number, question.letters)
    assert "ĐÁP ÁN" not in " ".join(pages[: key_pages[0]])
    assert _pdf_pages(again) == pages, "the same seed prints the same set"
    assert _pdf_pages(other) != pages
    assert "Câu hỏi mẫu" in questions_text
    header = " ".join(pages[0].split())  # the party-document header of the handouts
    assert "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH HẢI DƯƠNG" in header and "ĐẢNG CỘNG SẢN VIỆT NAM" in header
    assert "BỘ CÂU HỎI Tìm hiểu lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương" in header


def test_quiz_page_download_and_nav_in_the_default_site(default_site: Path) -> None:
    page = (default_site / "tim-hieu" / "index.html").read_text(encoding="utf-8")
    data = json.loads(html.unescape(re.search(r'<script type="?application/json"? id="?ky-quiz-data"?>(.*?)</script>',
                                               page, re.S).group(1)))
    content = content_of(REPO)
    assert [q["id"] for q in data] == [q.id for q in published(content.questions)]
    assert all(q["u"].startswith("../") for q in data)
    for item in data:
        path = item["u"][3:].split("#")[0]
        assert (default_site / path / "index.html").is_file(), item["u"]
    assert "Câu hỏi mẫu" in page and 'id="ky-quiz-setup"' in page.replace("id=ky-quiz-setup", 'id="ky-quiz-setup"')
    pdf = default_site / "tai-ve" / "cau-hoi-tim-hieu-lich-su-bo-de-1952.pdf"
    assert pdf.is_file() and "cau-hoi-tim-hieu-lich-su-bo-de-1952.pdf" in page
    downloads = (default_site / "tai-ve" / "index.html").read_text(encoding="utf-8")
    assert "cau-hoi-tim-hieu-lich-su-bo-de-1952.pdf" in downloads and "Tìm hiểu lịch sử" in downloads
    pages = _pdf_pages(pdf)
    assert sum("ĐÁP ÁN" in p for p in pages) >= 1 and "ĐÁP ÁN" not in pages[0]
    home = (default_site / "index.html").read_text(encoding="utf-8")
    assert "Tìm hiểu lịch sử" in home and "tim-hieu/" in home


def test_page_takes_count_and_topics_from_the_config_and_escapes_editor_text() -> None:
    from dataclasses import replace

    from kyniem.config import KyniemConfig
    from kyniem.quiz_pages import quiz_widget

    settings = KyniemConfig()
    settings.load_dict({"quiz": {"count": 5, "topics": ["Kế hoạch kỷ niệm 70 năm"]}})
    assert settings.validate() == ([], [])
    questions = content_of(REPO).questions
    hostile = replace(questions[0], text='</script><script>alert("x")</script> & <b>', explanation="a<!--b")
    page = quiz_widget([hostile, *questions[1:]], settings.quiz, True, False)
    assert '<option value="5" selected>5 câu</option>' in page
    ticked = re.findall(r'<input type="checkbox" name="chu-de" value="([^"]+)" checked>', page)
    assert ticked == ["Kế hoạch kỷ niệm 70 năm"]
    data = re.search(r'<script type="application/json" id="ky-quiz-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data and json.loads(data)[0]["q"] == hostile.text and json.loads(data)[0]["e"] == "a<!--b"
    assert page.count("</script>") == 1


def test_a_draft_question_may_wait_for_its_draft_chapter(project: Path) -> None:
    chapter = project / "history" / "07-doi-moi-toan-dien-2011-2020.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("status: published", "status: draft"), encoding="utf-8")
    sample = project / "quiz" / "cau-hoi-mau.yml"
    sample.write_text(sample.read_text(encoding="utf-8").replace("    link: history/07-", "    status: draft\n    link: history/07-"),
                      encoding="utf-8")
    content = content_of(project)
    assert content.report.problems == []
    waiting = [q for q in content.questions if q.link.startswith("history/07-")]
    assert waiting and all(q.is_draft and not q.page for q in waiting)
    assert not set(waiting) & set(published(content.questions))


def test_read_more_links_follow_the_site_url_style() -> None:
    from kyniem.quiz_pages import question_data

    questions = {q.id: q for q in content_of(REPO).questions}
    event, plan = questions["ngay-thanh-lap-dang-bo-khoi"], questions["giai-doan-cuon-sach"]
    assert question_data(event, True)["u"] == "../lich-su/thanh-lap-1952-1954/#su-kien-trong-giai-doan"
    assert question_data(event, False)["u"] == "../lich-su/thanh-lap-1952-1954.html#su-kien-trong-giai-doan"
    assert question_data(plan, True)["u"] == "../ke-hoach/#ii-noi-dung"
    assert question_data(plan, False)["u"] == "../ke-hoach.html#ii-noi-dung"


def test_quiz_command_names_a_topic_without_questions(project: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "khong.pdf"
    assert main(["quiz", "--topic", "Không có chủ đề này", "-o", str(out), "--project", str(project)]) == 1
    assert "không có câu hỏi đã xuất bản nào thuộc chủ đề đã chọn" in capsys.readouterr().out
    assert not out.exists()


@pytest.mark.parametrize("text", [
    "questions: 5\n",
    "- 5\n",
    "questions:\n  - question: [1, 2]\n",
    'questions:\n  - question: "?"\n    choices: "A"\n    correct: {a: 1}\n',
    'questions:\n  - question: "?"\n    choices: ["a", {b: 1}, null]\n    correct: [A, A]\n    link: 5\n',
    'questions:\n  - question: "?"\n    choices: ["a", "b"]\n    correct: 0\n    answers: true\n    id: ""\n    topic: [1]\n'
    '    difficulty: 3\n    sample: "có"\n    status: xong\n',
    "questions:\n  - &a {question: x}\n  - *a\n",
    "\ufeffquestions:\r\n  - question: \"?\"\r\n",
])
def test_odd_quiz_files_give_findings_never_a_traceback(project: Path, text: str) -> None:
    (project / "quiz" / "la.yml").write_text(text, encoding="utf-8")
    content = content_of(project)
    found = [p for p in content.report.problems if p.file == "quiz/la.yml"]
    assert found and all(p.line and p.severity == "error" for p in found)
    assert not [q for q in content.questions if q.source == "quiz/la.yml"]


def test_new_without_a_title_is_told_in_vietnamese(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "chapter", "--project", str(project)]) == 1
    assert 'thiếu tiêu đề; viết ví dụ: kyniem new chapter "Tiêu đề"' in capsys.readouterr().out


ARCHIVE_QUESTIONS = """\
topic: Tư liệu gốc
questions:
  - id: ke-hoach-tu-lieu
    question: "Kế hoạch kỷ niệm 70 năm do ai ban hành?"
    choices: ["Ban Thường vụ Đảng ủy Khối", "Một cơ quan khác"]
    correct: A
    explanation: "Kế hoạch do Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh ban hành."
    link: tu-lieu:ke-hoach-ky-niem-70-nam
"""


def test_a_question_links_to_an_archive_item_on_the_page_and_on_paper(project: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.quiz_pages import question_data

    (project / "quiz" / "tu-lieu.yml").write_text(ARCHIVE_QUESTIONS, encoding="utf-8")
    content = content_of(project)
    assert content.report.problems == []
    question = next(q for q in content.questions if q.id == "ke-hoach-tu-lieu")
    item = next(i for i in content.archive if i.slug == "ke-hoach-ky-niem-70-nam")
    assert (question.page, question.link_title) == (item.src_uri, item.title)
    assert question_data(question, True)["u"] == "../tu-lieu/ke-hoach-ky-niem-70-nam/"
    assert question_data(question, False)["u"] == "../tu-lieu/ke-hoach-ky-niem-70-nam.html"
    out = tmp_path / "tu-lieu.pdf"
    assert main(["quiz", "--topic", "Tư liệu gốc", "--count", "1", "-o", str(out), "--project", str(project)]) == 0
    key = re.sub(r"\s+", " ", " ".join(_pdf_pages(out)))
    assert "trên trang web: /tu-lieu/ke-hoach-ky-niem-70-nam/" in key


def test_check_names_an_unknown_archive_item_with_file_and_line(project: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (project / "quiz" / "tu-lieu.yml").write_text(ARCHIVE_QUESTIONS.replace("tu-lieu:ke-hoach-ky-niem-70-nam",
                                                                            "tu-lieu:ke-hoach-ky-niem"), encoding="utf-8")
    assert main(["check", str(project)]) == 1
    out = capsys.readouterr().out
    assert ("quiz/tu-lieu.yml:8: lỗi: link: “tu-lieu:ke-hoach-ky-niem”: không có tư liệu “ke-hoach-ky-niem”" in out
            and "Có phải ý bạn là tu-lieu:ke-hoach-ky-niem-70-nam?" in out), out
