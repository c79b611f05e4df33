"""The quiz of /tim-hieu/ in Chromium: full sets answered right, wrong and mixed, by mouse, keyboard and
touch, from the served site and from the offline zip on file://; best score kept only in localStorage."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page, expect

from kyniem.offline import FOLDER, ZIP_PATH

AXE_JS = Path(axe_playwright_python.__file__).with_name("axe.min.js")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 900}
NO_STORAGE = """Object.defineProperty(window, "localStorage", {
  get() { throw new DOMException("The operation is insecure.", "SecurityError") } })"""


@pytest.fixture(scope="module")
def offline_dir(site_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline zip, unpacked as a reader would."""
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(site_dir / ZIP_PATH) as archive:
        archive.extractall(target)
    return target / FOLDER


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="vi-VN", has_touch=True, is_mobile=True, device_scale_factor=2)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def questions(page: Page) -> dict[str, dict]:
    return {q["id"]: q for q in json.loads(page.locator("#ky-quiz-data").text_content() or "[]")}


def start(page: Page, count: str, mode: str = "tung-cau") -> None:
    page.select_option("#ky-quiz-count", count)
    page.check(f"input[name=cach-lam][value={mode}]")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("fieldset.ky-q").first).to_be_visible()


def choices_for(q: dict, right: bool) -> list[int]:
    if right:
        return list(q["a"])
    return [next(i for i in range(len(q["c"])) if i not in q["a"])]


def answer_shown(page: Page, data: dict[str, dict], plan: list[bool], tap: bool = False) -> list[str]:
    """Answer the questions on screen (one by one or all at once) per ``plan``; returns their ids in order."""
    asked: list[str] = []
    while True:
        for box in page.locator("fieldset.ky-q").all():
            qid = box.get_attribute("data-qid") or ""
            q = data[qid]
            for index in choices_for(q, plan[len(asked)]):
                label = box.locator("label").nth(index)
                label.tap() if tap else label.click()
            asked.append(qid)
        primary = page.locator(".ky-quiz-run .md-button--primary")
        done = (primary.text_content() or "").strip() == "Nộp bài"
        primary.tap() if tap else primary.click()
        if done:
            break
    return asked


def check_result(page: Page, data: dict[str, dict], asked: list[str], plan: list[bool]) -> list[str]:
    """Score, verdicts, keys and explanations as shown; returns the read-more hrefs."""
    right = sum(plan)
    expect(page.locator("#ky-quiz-score")).to_have_text(f"Kết quả: {right}/{len(plan)} câu đúng")
    expect(page.locator("#ky-quiz-score")).to_be_focused()
    items = page.locator(".ky-quiz-review > li")
    expect(items).to_have_count(len(plan))
    hrefs = []
    for item, qid, ok in zip(items.all(), asked, plan):
        q = data[qid]
        assert item.get_attribute("data-qid") == qid
        assert item.get_attribute("class") == ("ky-right" if ok else "ky-wrong")
        verdict = item.locator(".ky-r-verdict").text_content()
        assert verdict == ("✓ Đúng" if ok else "✗ Sai")
        key = "; ".join(f"{'ABCDEF'[i]}. {q['c'][i]}" for i in q["a"])
        assert item.locator(".ky-r-key").text_content() == f"Đáp án đúng: {key}"
        assert item.locator(".ky-r-explanation").text_content() == q["e"]
        assert (item.locator(".ky-r-mine").count() == 0) == ok
        more = item.locator(".ky-r-more a")
        assert more.text_content() == f"Đọc thêm: {q['m']}"
        hrefs.append(more.evaluate("a => a.href"))
    return hrefs


def served_file(site_dir: Path, href: str) -> Path:
    path = unquote(urlsplit(href).path).lstrip("/")
    return site_dir / path / "index.html" if path.endswith("/") or not path else site_dir / path


@pytest.mark.parametrize("mode", ["tung-cau", "ca-bo"])
@pytest.mark.parametrize("kind", ["all right", "all wrong", "mixed"])
def test_full_set_from_the_served_site(page: Page, base_url: str, site_dir: Path, kind: str, mode: str) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base_url + "tim-hieu/", wait_until="networkidle")
    data = questions(page)
    assert len(data) >= 20
    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    start(page, "10", mode)
    plan = {"all right": [True] * 10, "all wrong": [False] * 10, "mixed": [i % 3 == 0 for i in range(10)]}[kind]
    asked = answer_shown(page, data, plan)
    assert len(set(asked)) == 10
    hrefs = check_result(page, data, asked, plan)
    for href in hrefs:
        assert served_file(site_dir, href).is_file(), href
    # Answering and scoring send nothing: at most the italic font of the explanations is fetched.
    assert all(method == "GET" and url.startswith(base_url + "assets/") for method, url in requests), requests
    assert errors == []


def test_every_published_question_at_once_and_the_sets_differ(page: Page, base_url: str) -> None:
    page.goto(base_url + "tim-hieu/")
    data = questions(page)
    start(page, str(len(data)), "ca-bo")
    expect(page.locator("fieldset.ky-q")).to_have_count(len(data))
    asked = answer_shown(page, data, [True] * len(data))
    assert sorted(asked) == sorted(data)
    check_result(page, data, asked, [True] * len(data))
    page.get_by_role("button", name="Làm bộ câu hỏi khác").click()
    sets = set()
    for _ in range(3):
        start(page, "5", "ca-bo")
        sets.add(tuple(page.locator("fieldset.ky-q").evaluate_all("boxes => boxes.map(b => b.dataset.qid)")))
        page.reload()
    assert len(sets) > 1, "each set is drawn at random"


def test_topics_and_count_chosen_by_the_reader(page: Page, base_url: str) -> None:
    page.goto(base_url + "tim-hieu/")
    data = questions(page)
    for box in page.locator("input[name=chu-de]").all():
        box.uncheck()
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    expect(page.locator("#ky-quiz-message")).to_have_text("Hãy chọn ít nhất một chủ đề.")
    page.check("input[name=chu-de][value='Kế hoạch kỷ niệm 70 năm']")
    start(page, "5", "ca-bo")
    shown = page.locator("fieldset.ky-q").evaluate_all("boxes => boxes.map(b => b.dataset.qid)")
    assert len(shown) == 5 and all(data[qid]["t"] == "Kế hoạch kỷ niệm 70 năm" for qid in shown)
    assert page.locator(".ky-q-sample").first.text_content() == "Câu hỏi mẫu"


def test_full_set_by_keyboard_alone(page: Page, base_url: str) -> None:
    page.goto(base_url + "tim-hieu/")
    data = questions(page)
    page.locator("#ky-quiz-count").focus()
    page.keyboard.press("Home")  # the first option: 5 questions
    page.get_by_role("button", name="Bắt đầu làm bài").focus()
    page.keyboard.press("Enter")
    plan = [True, False, True, True, False]
    asked: list[str] = []
    for step in range(5):
        expect(page.locator("#ky-quiz-progress")).to_be_focused()
        box = page.locator("fieldset.ky-q")
        qid = box.get_attribute("data-qid") or ""
        asked.append(qid)
        q = data[qid]
        wanted = choices_for(q, plan[step])
        page.keyboard.press("Tab")
        if len(q["a"]) == 1:  # a radio group is one tab stop; arrows move and select
            keys = ["Space"] if wanted[0] == 0 else ["ArrowDown"] * wanted[0]
        else:  # checkboxes: one tab stop each
            keys = [k for i in range(len(q["c"])) for k in (["Space"] if i in wanted else []) + ["Tab"]][:-1]
        for key in keys:
            page.keyboard.press(key)
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.classList.contains('md-button--primary')"):
                break
        page.keyboard.press("Enter")
    check_result(page, data, asked, plan)


def test_phone_360_by_touch_no_overflow_and_best_score_only_in_local_storage(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "tim-hieu/")
    data = questions(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(phone.locator("#ky-quiz-best")).to_be_hidden()
    start(phone, "5")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    heights = phone.locator("fieldset.ky-q label").evaluate_all("ls => ls.map(l => l.getBoundingClientRect().height)")
    assert min(heights) >= 44, "touch targets of at least 44 px"
    asked = answer_shown(phone, data, [False] * 5, tap=True)
    check_result(phone, data, asked, [False] * 5)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(phone.locator(".ky-quiz-summary")).to_contain_text("Kết quả tốt nhất trên máy này: 0/5.")
    phone.get_by_role("button", name="Làm bộ câu hỏi khác").tap()
    start(phone, "5")
    asked = answer_shown(phone, data, [True] * 5, tap=True)
    check_result(phone, data, asked, [True] * 5)
    expect(phone.locator(".ky-quiz-summary")).to_contain_text("Kết quả tốt nhất trên máy này: 5/5.")
    phone.reload()
    expect(phone.locator("#ky-quiz-best")).to_have_text("Kết quả tốt nhất của bạn trên máy này: 5/5 câu đúng.")
    start(phone, "5")
    asked = answer_shown(phone, data, [True, False, False, False, False], tap=True)
    expect(phone.locator(".ky-quiz-summary")).to_contain_text("Kết quả tốt nhất trên máy này: 5/5.")
    stored = phone.evaluate("Object.fromEntries(Object.entries(localStorage))")
    assert stored == {"kyniem-quiz-best": json.dumps({"right": 5, "total": 5}, separators=(",", ":"))}
    assert phone.context.cookies() == []


def test_quiz_works_when_local_storage_is_refused(browser: Browser, base_url: str) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.add_init_script(NO_STORAGE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"{error.message} {error.stack or ''}"))
    try:
        page.goto(base_url + "tim-hieu/")
        assert page.evaluate("() => { try { localStorage; return 'open' } catch (e) { return e.name } }") == "SecurityError"
        data = questions(page)
        start(page, "5", "ca-bo")
        plan = [True, True, False, True, False]
        asked = answer_shown(page, data, plan)
        check_result(page, data, asked, plan)
        expect(page.locator(".ky-quiz-summary")).to_contain_text("Trình duyệt không cho lưu kết quả")
        # Material's own inline head script reads localStorage unguarded (its palette); the quiz never throws.
        assert not [error for error in errors if "quiz.js" in error]
    finally:
        context.close()


@pytest.mark.parametrize("kind", ["all right", "mixed"])
def test_full_set_from_the_offline_zip(page: Page, offline_dir: Path, kind: str) -> None:
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((offline_dir / "index.html").as_uri())
    page.locator("a[href$='tim-hieu/index.html']").first.click()
    assert page.url.endswith("/tim-hieu/index.html")
    data = questions(page)
    start(page, "10", "ca-bo")
    plan = [True] * 10 if kind == "all right" else [i % 2 == 0 for i in range(10)]
    asked = answer_shown(page, data, plan)
    hrefs = check_result(page, data, asked, plan)
    for href in hrefs:
        assert href.startswith("file://") and "/index.html" in href, href
        assert Path(unquote(urlsplit(href).path)).is_file(), href
    page.locator(".ky-r-more a").first.click()
    page.wait_for_load_state()
    assert re.search(r"/index\.html(#.*)?$", page.url), page.url
    expect(page.locator("h1").first).to_be_visible()
    assert all(urlsplit(url).scheme in ("file", "data", "blob", "about") for url in requests)
    assert errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_axe_finds_no_serious_violation_in_any_state(browser: Browser, base_url: str, viewport: dict[str, int]) -> None:
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    found: list[str] = []
    try:
        page.goto(base_url + "tim-hieu/", wait_until="networkidle")
        page.add_script_tag(path=str(AXE_JS))
        data = questions(page)

        def audit(state: str) -> None:
            # Material's back-to-top button fades in when the page scrolls up; audit what stays, not a fade.
            page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished))")
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            found.extend(
                f"{state}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
                for v in result["violations"] if v["impact"] in ("serious", "critical")
            )

        audit("set-up")
        start(page, "5")
        audit("one question")
        page.get_by_role("button", name="Câu tiếp theo").click()
        page.get_by_role("button", name="Câu trước").click()
        asked = answer_shown(page, data, [True, False, True, False, True])
        audit("result")
        check_result(page, data, asked, [True, False, True, False, True])
        page.get_by_role("button", name="Làm bộ câu hỏi khác").click()
        start(page, "5", "ca-bo")
        audit("all at once")
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_one_by_one_keeps_answers_when_going_back(page: Page, base_url: str) -> None:
    page.goto(base_url + "tim-hieu/")
    data = questions(page)
    start(page, "5")
    first = page.locator("fieldset.ky-q").get_attribute("data-qid") or ""
    wanted = choices_for(data[first], True)
    for index in wanted:
        page.locator("fieldset.ky-q label").nth(index).click()
    page.get_by_role("button", name="Câu tiếp theo").click()
    expect(page.locator("#ky-quiz-progress")).to_have_text("Câu 2 trên 5")
    page.get_by_role("button", name="Câu trước").click()
    expect(page.locator("#ky-quiz-progress")).to_have_text("Câu 1 trên 5")
    assert page.locator("fieldset.ky-q").get_attribute("data-qid") == first
    checked = page.locator("fieldset.ky-q input").evaluate_all("inputs => inputs.map(i => i.checked)")
    assert [i for i, on in enumerate(checked) if on] == wanted
