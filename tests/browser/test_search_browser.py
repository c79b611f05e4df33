"""kyniem's search in Chromium, as readers meet it (issue 9): the relevance set's floors, the
marks rule, highlighting, "no result", loading the index only when search is used, and the
same answers from ``mkdocs serve`` and from the offline copy on ``file://``."""

from __future__ import annotations

import re
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sitebuild import REPO, copy_project, mkdocs_serve

from kyniem.offline import FOLDER, ZIP_PATH
from kyniem.search import NO_RESULT
from kyniem.text import fold

sys.path.insert(0, str(REPO / "scripts"))
import bench_search  # noqa: E402

# The targets, asserted on the relevance set (tests/search/queries.yml).
FIRST_FLOOR = 0.95
MRR_FLOOR = 0.95
PRECISION_FLOOR = 0.98


@pytest.fixture
def search_page(browser: Browser) -> Iterator[Page]:
    """A tab that records what the search worker is asked and answers (scripts/bench_search.py)."""
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    context.add_init_script(bench_search._RECORDER)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def shown(page: Page) -> tuple[str, list[str], list[str]]:
    """The result list on screen once the last answer is in: meta text, result links, marked words."""
    page.wait_for_function("() => !document.querySelector('.md-search-result__list').hidden")
    meta = page.inner_text(".md-search-result__meta")
    links = page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
    marks = page.eval_on_selector_all(".md-search-result mark", "els => els.map(e => e.textContent)")
    return meta, links, marks


def test_relevance_set_meets_the_floors(search_page: Page, base_url: str, site_dir: Path) -> None:
    queries = bench_search.load_queries()
    assert len(queries) >= 60
    bench_search.open_search(search_page, base_url)
    answers = {q.typed: bench_search.run_query(search_page, q.typed) for q in queries}
    scores = bench_search.score(queries, answers, bench_search.page_texts(site_dir))
    assert scores.first_share >= FIRST_FLOOR, scores.misses
    assert scores.mrr >= MRR_FLOOR, scores.misses
    assert scores.precision >= PRECISION_FLOOR
    assert scores.nomatch and all(count == 0 for count in scores.nomatch.values()), scores.nomatch
    assert all(scores.section_first), "the first result leads to the section asked for"


def test_the_relevance_set_agrees_with_the_content(site_dir: Path) -> None:
    """Every wanted page holds the query; no page holds a no-match query (so the set is not wishful)."""
    texts = bench_search.page_texts(site_dir)
    for query in bench_search.load_queries():
        holders = {path for path, text in texts.items() if bench_search.holds_query(query.typed, text)}
        if query.want:
            assert set(query.want) <= holders, (query.text, set(query.want) - holders)
        else:
            assert not holders, (query.text, holders)


@pytest.mark.parametrize(
    ("query", "allowed", "needed"),
    [
        ("dang", lambda m: fold(m) == "dang", {"đảng"}),  # no marks typed: every marked form
        ("Đảng", lambda m: m == "đảng", {"đảng"}),  # marks typed: that syllable only (not "đang")
        ("hoà bình", lambda m: m in ("hòa", "bình"), {"hòa", "bình"}),  # old tone placement typed, new in the text
        ("Dang bộ", lambda m: fold(m) == "dang" or m == "bộ", {"đảng", "bộ"}),  # syllable by syllable
    ],
    ids=["no marks", "marks", "tone placement", "mixed"],
)
def test_marks_typed_are_respected(
    search_page: Page, base_url: str, query: str, allowed: Callable[[str], bool], needed: set[str]
) -> None:
    bench_search.open_search(search_page, base_url)
    bench_search.run_query(search_page, query)
    meta, links, marks = shown(search_page)
    assert links, meta
    words = {unicodedata.normalize("NFC", m).lower() for m in marks}
    assert all(allowed(w) for w in words), words
    assert needed <= words, words


def test_no_result_says_so_in_vietnamese(search_page: Page, base_url: str) -> None:
    bench_search.open_search(search_page, base_url)
    for query in ("Côn Sơn", "sứ ", "Đảng bộ Khối bơm"):
        assert bench_search.run_query(search_page, query) == []
        meta, links, _ = shown(search_page)
        assert meta == NO_RESULT and links == []


def test_results_and_opened_page_mark_only_the_matched_words(search_page: Page, base_url: str) -> None:
    bench_search.open_search(search_page, base_url)
    bench_search.run_query(search_page, "Đảng bộ")
    _, links, marks = shown(search_page)
    assert {m.lower() for m in marks} == {"đảng", "bộ"}, set(marks)
    assert parse_qs(urlsplit(links[0]).query)["h"] == ["Đảng bộ*"]
    search_page.goto(links[0])
    page_marks = search_page.locator(".md-content article mark[data-md-highlight]").all_inner_texts()
    assert page_marks, "the opened page marks the words"
    assert {m.lower() for m in page_marks} == {"đảng", "bộ"}, set(page_marks)
    # Only the phrase: "bộ" alone (cán bộ) and words merely starting with b (Bắc) stay unmarked.
    text = unicodedata.normalize("NFC", search_page.inner_text(".md-content article"))
    assert re.search(r"cán bộ", text, re.I)
    assert len(page_marks) == 2 * len(re.findall(r"đảng\s+bộ", text, re.I))


def test_dates_and_numbers(search_page: Page, base_url: str) -> None:
    bench_search.open_search(search_page, base_url)
    for query, page in (("15/2/1952", "lich-su/thanh-lap-1952-1954/"), ("70 năm", "ke-hoach/"), ("1954", "bien-nien-su-kien/")):
        pages = [bench_search.page_of(group[0]) for group in bench_search.run_query(search_page, query)]
        assert page in pages, (query, pages)
        _, _, marks = shown(search_page)
        assert marks


def test_index_is_loaded_only_when_search_is_used(browser: Browser, base_url: str) -> None:
    context = browser.new_context(locale="vi-VN")
    requests: list[str] = []
    context.on("request", lambda request: requests.append(urlsplit(request.url).path))
    page = context.new_page()
    try:
        for path in ("", "lich-su/", "ke-hoach/"):
            page.goto(base_url + path, wait_until="networkidle")
        assert any(r.endswith("/assets/kyniem/search/worker.js") for r in requests), "the worker starts"
        assert not [r for r in requests if r.startswith("/search/")], "no index on page load"
        # Opening the search starts the index load (asynchronously: wait for that request, not for idle).
        with page.expect_request(lambda request: request.url.endswith("/search/kyniem-index.js"), timeout=15000):
            page.locator("input.md-search__input").click()
        assert any(r.endswith("/search/kyniem-index.js") for r in requests), "opening the search loads the index"
        page.locator("input.md-search__input").fill("Nhâm Dần")
        page.locator("input.md-search__input").press("End")
        expect(page.locator(".md-search-result__item").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        texts = [r for r in requests if "/search/kyniem/" in r and "/words/" not in r]
        assert 0 < len(texts) <= 10, "only the texts of the results shown"
        chunks = sorted(r.rsplit("/", 1)[1] for r in requests if "/search/kyniem/words/" in r)
        assert chunks == ["da.js", "nh.js"], "only the words of the query's syllables (nh…, da…)"
        assert not [r for r in requests if r.endswith("search_index.json")], "Material's index is never loaded"
    finally:
        context.close()


def test_search_from_the_offline_copy(search_page: Page, site_dir: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(site_dir / ZIP_PATH) as archive:
        archive.extractall(tmp_path)
    search_page.goto((tmp_path / FOLDER / "lich-su" / "index.html").as_uri())
    search_page.locator("input.md-search__input").click()
    search_page.wait_for_function("() => window.__search && window.__search.got.length > 0")
    groups = bench_search.run_query(search_page, "nham dan")
    assert groups and groups[0][0].startswith("ke-hoach/index.html"), groups[:2]
    _, links, marks = shown(search_page)
    assert links[0].startswith("file://") and "/ke-hoach/index.html" in links[0]
    assert {"Nhâm", "Dần"} <= set(marks)
    assert bench_search.run_query(search_page, "Côn Sơn") == []
    assert shown(search_page)[0] == NO_RESULT
    bench_search.run_query(search_page, "quang vinh muon nam")
    _, links, _ = shown(search_page)
    search_page.goto(links[0])
    assert "/khau-hieu/index.html" in search_page.url
    marks = search_page.locator(".md-content article mark[data-md-highlight]").all_inner_texts()
    assert [m.lower() for m in marks][:4] == ["quang", "vinh", "muôn", "năm"]


def test_search_in_mkdocs_serve(search_page: Page, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    with mkdocs_serve(project) as base:
        bench_search.open_search(search_page, base)
        groups = bench_search.run_query(search_page, "Nhâm Dần")
        assert bench_search.page_of(groups[0][0]) == "ke-hoach/"
        assert bench_search.run_query(search_page, "bơm") == []
