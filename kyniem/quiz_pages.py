"""The quiz page ``/tim-hieu/``: the published questions as data for kyniem/assets/page-js/quiz.js.

The page carries every published question inside the HTML (a JSON script
element), so the quiz needs no request at all: it works from the offline zip
on ``file://`` and sends nothing anywhere. The script draws the set, shows the
questions and the score; without JavaScript the page says where the printed
set is.

kyniem writes the whole page from escaped data (editors' text is escaped in the
form and in the JSON), so the build exempts it from the raw-HTML policy that would
drop its form and script (kyniem/htmlpolicy.py, the plugin's ``data_pages``).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING

from .pages import front_matter
from .quiz import DIFFICULTIES, QUIZ_URL, Question, published, topics

if TYPE_CHECKING:
    from .config import QuizConfig

QUIZ_PAGE = f"{QUIZ_URL}/index.md"
SCRIPT = "assets/kyniem/page-js/quiz.js"
TITLE = "Tìm hiểu lịch sử"
COUNTS = (5, 10, 15, 20, 30)


def _href(page: str, anchor: str, use_directory_urls: bool) -> str:
    """The link from the quiz page (``tim-hieu/index.md``) to ``page`` (a docs path), as MkDocs makes URLs."""
    stem = page[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        url = stem[: -len("index")] + ("" if use_directory_urls else "index.html")
    else:
        url = f"{stem}/" if use_directory_urls else f"{stem}.html"
    return f"../{url}" + (f"#{anchor}" if anchor else "")


def question_data(question: Question, use_directory_urls: bool) -> dict[str, object]:
    """What the script needs of one question; short keys keep the page small."""
    return {
        "id": question.id,
        "q": question.text,
        "c": list(question.choices),
        "a": list(question.correct),
        "e": question.explanation,
        "u": _href(question.page, question.anchor, use_directory_urls),
        "m": question.link_title,
        "t": question.topic,
        "d": DIFFICULTIES.get(question.difficulty or "", ""),
        "s": question.sample,
    }


def _json_for_html(data: object) -> str:
    """JSON that cannot end its script element early (``</script>`` in an editor's text)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def quiz_page(questions: list[Question], settings: "QuizConfig", use_directory_urls: bool,
              pdf_href: str | None) -> str:
    """Markdown of /tim-hieu/: the introduction, then the quiz (:func:`quiz_widget`)."""
    pool = published(questions)
    parts = [
        front_matter(title=TITLE, description="Trắc nghiệm tìm hiểu lịch sử Đảng bộ: tự làm, xem đáp án và giải thích"),
        f"# {TITLE}\n",
        f"Mỗi lần làm bài, trang chọn ngẫu nhiên một bộ câu hỏi trắc nghiệm trong {len(pool)} câu hỏi về lịch sử "
        "Đảng bộ. Làm xong, bạn xem điểm, đáp án, lời giải thích và phần lịch sử để đọc thêm. "
        "Bài làm không được gửi đi đâu; chỉ điểm cao nhất được ghi nhớ trên chính trình duyệt của bạn.\n",
    ]
    if any(q.sample for q in pool):
        parts.append('!!! note "Câu hỏi mẫu"\n    Các câu hỏi ghi “Câu hỏi mẫu” chỉ hỏi điều đã có trên trang này; '
                     "mỗi câu dẫn tới nơi có câu trả lời. Ban biên tập sẽ bổ sung câu hỏi theo tư liệu.\n")
    if pdf_href:
        parts.append(f"Họp chi bộ không có màn hình? In [bộ câu hỏi kèm phiếu trả lời và đáp án (PDF, khổ A4)]"
                     f"(../{pdf_href}).\n")
    parts.append(quiz_widget(questions, settings, use_directory_urls, pdf_href is not None) + "\n")
    # The quiz's code loads on this page only, not with every page's scripts.
    parts.append(f'<script src="{"../" if use_directory_urls else ""}{SCRIPT}" defer></script>\n')
    return "\n".join(parts)


def quiz_widget(questions: list[Question], settings: "QuizConfig", use_directory_urls: bool, has_pdf: bool) -> str:
    """The quiz's HTML: the set-up form, the areas the script fills, and the questions as JSON."""
    pool = published(questions)
    all_topics = topics(pool)
    ticked = [t for t in settings.topics if t in all_topics] or all_topics
    count = max(1, settings.count)
    counts = sorted({c for c in COUNTS if c < len(pool)} | {min(count, len(pool))})
    options = "".join(
        f'<option value="{c}"{" selected" if c == min(count, len(pool)) else ""}>{c} câu</option>' for c in counts
    )
    options += f'<option value="{len(pool)}">Tất cả ({len(pool)} câu)</option>' if len(pool) not in counts else ""
    topic_boxes = "".join(
        f'<li><label><input type="checkbox" name="chu-de" value="{html.escape(t)}"'
        f'{" checked" if t in ticked else ""}> {html.escape(t)} '
        f'<span class="ky-quiz-n">({sum(q.topic == t for q in pool)} câu)</span></label></li>'
        for t in all_topics
    )
    data = [question_data(q, use_directory_urls) for q in pool]
    return (
        '<div class="ky-quiz" id="ky-quiz">'
        '<form class="ky-quiz-setup" id="ky-quiz-setup">'
        '<p><label for="ky-quiz-count">Số câu hỏi</label> '
        f'<select id="ky-quiz-count" name="so-cau">{options}</select></p>'
        f'<fieldset><legend>Chủ đề</legend><ul class="ky-quiz-topics">{topic_boxes}</ul></fieldset>'
        '<fieldset><legend>Cách làm bài</legend><ul class="ky-quiz-modes">'
        '<li><label><input type="radio" name="cach-lam" value="tung-cau" checked> Từng câu một</label></li>'
        '<li><label><input type="radio" name="cach-lam" value="ca-bo"> Tất cả các câu cùng lúc</label></li>'
        '</ul></fieldset>'
        '<p class="ky-quiz-message" id="ky-quiz-message" role="alert"></p>'
        '<p><button type="submit" class="md-button md-button--primary">Bắt đầu làm bài</button></p>'
        '<p class="ky-quiz-best" id="ky-quiz-best" hidden></p>'
        "</form>"
        '<div class="ky-quiz-run" id="ky-quiz-run" hidden></div>'
        '<section class="ky-quiz-result" id="ky-quiz-result" hidden aria-labelledby="ky-quiz-score"></section>'
        "</div>"
        '<noscript><p class="ky-quiz-noscript">Bài trắc nghiệm cần JavaScript.'
        + (" Bạn có thể in bộ câu hỏi (PDF) ở trang Tài liệu tải về." if has_pdf else "")
        + "</p></noscript>"
        f'<script type="application/json" id="ky-quiz-data">{_json_for_html(data)}</script>'
    )
