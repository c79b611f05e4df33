"""The printed question set: an A4 PDF for cell meetings without screens.

Questions first, then an answer sheet to fill in, then the key with the
explanations, each starting a page so the secretary can hand out the first
pages and keep the last. The set is drawn by a seed (kyniem.quiz.draw): the same
seed prints the same questions in the same order, so a set can be printed again
for the next meeting. Rendering goes through the book's cached WeasyPrint path.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import store
from .book import (
    DOWNLOADS_DIR,
    PrintResult,
    cache_root,
    common_values,
    doc_header,
    finish_text,
    print_environment,
    render_cached,
    wanted,
)
from .pages import Download
from .quiz import LETTERS, Question, draw, published

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Content

TITLE = "Bộ câu hỏi"
DOWNLOAD_TITLE = "Câu hỏi tìm hiểu lịch sử"


def pdf_file(seed: int) -> str:
    """Site path of the published set of ``seed``."""
    return f"{DOWNLOADS_DIR}/cau-hoi-tim-hieu-lich-su-bo-de-{seed}.pdf"


def quiz_html(questions: list[Question], settings: "KyniemConfig", seed: int) -> str:
    """The HTML of one set (questions, answer sheet, key) for WeasyPrint."""
    env = print_environment()
    css = env.get_template("quiz.css").render(**common_values(settings))
    width = max((len(q.choices) for q in questions), default=4)
    html = env.get_template("quiz.html").render(
        css=css, title=TITLE, seed=seed, questions=questions, letters=LETTERS, width=width,
        **doc_header(settings, None, None), **common_values(settings),
    )
    return finish_text(html, settings)


def build_set(content: "Content", settings: "KyniemConfig", seed: int, count: int,
              topics: list[str] | None = None, out: Path | None = None) -> tuple[list[Question], PrintResult] | None:
    """Render the set of ``seed``; None when no published question matches. The PDF stays in the cache
    unless ``out`` is given."""
    started = time.perf_counter()
    questions = draw(content.questions, count, seed, topics)
    if not questions:
        return None
    html = quiz_html(questions, settings, seed)
    cache = cache_root(content, settings) / "quiz"
    pdf, pages, cached = render_cached(html, cache / str(seed), content.root)
    store.retain(cache, {str(seed)}, prune_now=False)  # a build keeps its own set; sets printed by hand go
    if out is not None:
        store.copy(pdf, out)
        pdf = out
    return questions, PrintResult(pdf, pages, cached, time.perf_counter() - started)


def published_wanted(content: "Content", settings: "KyniemConfig", is_serve: bool) -> bool:
    """The default set is published with the book and handouts, when there are questions."""
    return settings.quiz.enabled and wanted(settings, is_serve) and bool(published(content.questions))


def download(content: "Content", settings: "KyniemConfig") -> Download:
    """The default set's line on the downloads page."""
    count = min(settings.quiz.print_count, len(published(content.questions)))
    return Download(
        title=f"{DOWNLOAD_TITLE}, bộ đề số {settings.quiz.seed}",
        href=pdf_file(settings.quiz.seed)[len(DOWNLOADS_DIR) + 1 :],
        description=f"PDF khổ A4: {count} câu hỏi trắc nghiệm, phiếu trả lời và đáp án (trang riêng) "
        "cho sinh hoạt chi bộ",
        group="Tìm hiểu lịch sử",
    )
