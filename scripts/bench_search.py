#!/usr/bin/env python3
"""Search relevance and speed: kyniem's search against Material's stock search, same pages, one run.

Builds the project (default: this repository's default site), serves the built
site twice from 127.0.0.1 (as built, with kyniem's search; and with the page
wiring put back to Material's stock lunr worker and Material's own index), types
every query of tests/search/queries.yml into the search box of each in headless
Chromium, and prints side by side:

* MRR (reciprocal rank of the first wanted page, 0 when missing), the share of
  queries whose wanted page comes first, recall at 10;
* precision: the share of returned pages that really hold every query syllable
  (checked here in Python on the page's own text, under the issue's rule: marks
  typed are respected, only the last syllable may be a prefix from 2 letters);
* what the no-match queries returned;
* with --timing: the index's size (raw and gzip: the whole of it, and what
  the timed query loads: kyniem's list of docs and the chunks of the query's
  syllables) and the time from the first keystroke to the results on screen,
  with 4x CPU throttling (CDP), for the first query after page load (kyniem
  loads its list of docs when the search opens, then the query's chunks) and
  a later one. CDP does not throttle Web Workers, so the search also runs on
  the page's thread (the way the offline copy runs it: the worker's code in a
  same-origin frame, its scripts loaded by <script> tags), where throttling
  reaches the loading, parsing and ranking alike.
  The machine's load average is printed: on a shared machine, the best of the
  runs (min) is the closest to an idle phone-like CPU.

    .venv/bin/python scripts/bench_search.py
    .venv/bin/python scripts/bench_search.py --timing
    .venv/bin/python scripts/bench_search.py --timing --big 300   # and a site of 300 generated chapters
    .venv/bin/python scripts/make_big_site.py /tmp/big --chapters 300
    .venv/bin/python scripts/bench_search.py --project /tmp/big --timing --no-relevance --fast-build
"""

from __future__ import annotations

import argparse
import functools
import gzip
import io
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from make_big_site import copy_parts  # noqa: E402
from kyniem.search import CHUNKS_DIR, INDEX_PATH, KEYS_PATH, MATERIAL_INDEX, WORKER_PATH, chunk_key, chunk_name, plain_text  # noqa: E402

QUERIES = ROOT / "tests" / "search" / "queries.yml"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
ENGINES = ("kyniem", "material")
PLACEHOLDER = "Nhập để bắt đầu tìm kiếm"
SEARCH_INPUT = "input.md-search__input"

# --- The matching rule, written again here so the check does not trust the engine ---

_TONES = {"\u0300": 1, "\u0301": 2, "\u0303": 3, "\u0309": 4, "\u0323": 5}
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Syllable:
    plain: str
    shape: str
    tone: int
    prefix: bool = False

    @property
    def marked(self) -> bool:
        return self.tone > 0 or self.shape != self.plain


def _analyse(word: str, prefix: bool = False) -> Syllable:
    lower = unicodedata.normalize("NFD", word).lower()
    tone = max((_TONES.get(c, 0) for c in lower), default=0)
    shape = unicodedata.normalize("NFC", "".join(c for c in lower if c not in _TONES))
    plain = "".join(c for c in unicodedata.normalize("NFD", shape) if not unicodedata.combining(c)).replace("đ", "d")
    if plain.isdigit():
        shape = plain = plain.lstrip("0") or "0"
    return Syllable(plain, shape, tone, prefix)


def words(text: str) -> list[str]:
    """Words as the search sees them: runs of letters, marks and digits."""
    return [m.group(0) for m in re.finditer(r"[\w\u0300-\u036f]+", unicodedata.normalize("NFC", text)) if m.group(0).strip("_")]


def parse_query(query: str) -> list[Syllable]:
    query = unicodedata.normalize("NFC", query)
    found = words(query)
    last_open = bool(query) and (query[-1].isalnum() or unicodedata.combining(query[-1]) > 0)
    out = [_analyse(w) for w in found]
    if out and last_open and len(out[-1].plain) >= 2:
        out[-1] = Syllable(out[-1].plain, out[-1].shape, out[-1].tone, True)
    return out


def syllable_matches(q: Syllable, w: Syllable) -> bool:
    if not q.marked:
        return w.plain.startswith(q.plain) if q.prefix else w.plain == q.plain
    stroke = "đ" in q.shape
    ws = w.shape if stroke else w.shape.replace("đ", "d")
    qs = q.shape if stroke else q.shape.replace("đ", "d")
    if q.prefix:
        return ws.startswith(qs) and (q.tone == 0 or q.tone == w.tone)
    return ws == qs and q.tone == w.tone


def holds_query(query: str, text: str) -> bool:
    """Does ``text`` hold every syllable of ``query`` under the issue's rule."""
    syllables = parse_query(query)
    vocabulary = {_analyse(w) for w in words(text)}
    return bool(syllables) and all(any(syllable_matches(q, w) for w in vocabulary) for q in syllables)


# --- The relevance set ---


@dataclass(frozen=True)
class Query:
    text: str
    want: tuple[str, ...]   # acceptable pages; empty: the query must find nothing
    kind: str
    section: str | None = None
    nfd: bool = False

    @property
    def typed(self) -> str:
        return unicodedata.normalize("NFD", self.text) if self.nfd else self.text


def load_queries(path: Path = QUERIES) -> list[Query]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for entry in entries:
        want = entry.get("want")
        pages = () if want == "none" else tuple([want] if isinstance(want, str) else want)
        kind = str(entry.get("kind", ""))
        nfd = bool(entry.get("nfd")) or kind == "nfd"
        out.append(Query(str(entry["q"]), pages, kind, entry.get("section"), nfd))
    return out


def page_texts(site: Path) -> dict[str, str]:
    """Every HTML page's title and article text, by its site path ("" for the home page)."""
    texts = {}
    for html in site.rglob("index.html"):
        rel = html.parent.relative_to(site).as_posix()
        source = html.read_text(encoding="utf-8")
        article = re.search(r"<article[^>]*>(.*?)</article>", source, re.S)
        title = re.search(r"<title>(.*?)</title>", source, re.S)
        if article:
            texts["" if rel == "." else rel + "/"] = plain_text((title.group(1) if title else "") + "\n" + article.group(1))
    return texts


# --- Running the queries in Chromium ---

_RECORDER = """
(() => {
  const log = window.__search = { sent: [], got: [] }
  const seen = new WeakSet()
  const wrap = worker => {
    if (seen.has(worker)) return worker
    seen.add(worker)
    const post = worker.postMessage.bind(worker)
    worker.postMessage = message => {
      if (message && message.type === 2) log.sent.push(message.data)
      post(message)
    }
    worker.addEventListener("message", ev => {
      const m = ev.data
      if (m && m.type === 3)
        log.got.push({
          query: m.data.query, partial: !!m.data.partial,
          pages: m.data.items.map(group => group.map(doc => doc.location))
        })
    })
    return worker
  }
  /* Also wrap what later scripts put in place (the file:// stand-in, kyniem's warm-up) */
  const recorded = Native => {
    const Recorded = function (url, options) { return wrap(new Native(url, options)) }
    Recorded.prototype = Native.prototype
    return Recorded
  }
  let current = recorded(window.Worker)
  Object.defineProperty(window, "Worker", {
    configurable: true,
    get: () => current,
    set: value => { current = recorded(value) },
  })
})()
"""

# The last query sent has its final answer: kyniem's answers name their query (the first
# one, with titles only, is "partial"); Material's come one per query, in order.
_ANSWERED = """
v => {
  const s = window.__search
  const last = s.got[s.got.length - 1]
  if (!last || s.sent[s.sent.length - 1] !== v) return false
  if (last.query === undefined) return s.got.length === s.sent.length
  return last.query === v && !last.partial
}
"""

_TIMER = """
(() => {
  const box = document.querySelector("input.md-search__input")
  const out = document.querySelector(".md-search-result")
  const t = window.__timing = { down: null, shown: null }
  /* The first keystroke: a key pressed, or text put in at once (Playwright's fill) */
  const first = () => { if (t.down === null) t.down = performance.now() }
  box.addEventListener("keydown", first, true)
  box.addEventListener("input", first, true)
  new MutationObserver(() => {
    const meta = out.querySelector(".md-search-result__meta").textContent.trim()
    if (t.down !== null && t.shown === null && meta && meta !== "%s") t.shown = performance.now()
  }).observe(out, { childList: true, subtree: true, characterData: true })
})()
""" % PLACEHOLDER


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built site; with ``stock`` set, pages use Material's worker and index again."""

    stock_worker: str | None = None

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def send_head(self):  # type: ignore[no-untyped-def]
        path = self.translate_path(self.path)
        if self.stock_worker and Path(path).is_dir():
            path = str(Path(path) / "index.html")
        if not (self.stock_worker and path.endswith(".html") and Path(path).is_file()):
            return super().send_head()
        html = Path(path).read_text(encoding="utf-8")
        html = re.sub(r"name=\"?kyniem-search\"?", "name=search", html)
        html = html.replace(WORKER_PATH, self.stock_worker)
        data = html.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)


@contextmanager
def serve(site: Path, stock: bool) -> Iterator[str]:
    worker = None
    if stock:
        found = sorted((site / "assets/javascripts/workers").glob("search.*.min.js"))
        worker = f"assets/javascripts/workers/{found[0].name}"
    handler = type("Handler", (_Handler,), {"stock_worker": worker})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def open_search(page: Any, base: str) -> None:
    page.goto(base)
    page.locator(SEARCH_INPUT).click()
    page.wait_for_function("() => window.__search && window.__search.got.length > 0", timeout=20_000)


def run_query(page: Any, query: str) -> list[list[str]]:
    """Type ``query`` (after clearing the box) and return the worker's answer: pages, each its locations."""
    box = page.locator(SEARCH_INPUT)
    for value in ("", query):
        box.fill(value)
        box.press("End")
        page.wait_for_function(f"v => ({_ANSWERED})(v)", arg=value, timeout=30_000)
    return page.evaluate("() => window.__search.got[window.__search.got.length - 1].pages")


def page_of(location: str) -> str:
    """The site path of a result location ("lich-su/x/#y" -> "lich-su/x/")."""
    return location.split("#")[0]


@dataclass
class Scores:
    rr: list[float] = field(default_factory=list)
    first: list[bool] = field(default_factory=list)
    recall10: list[bool] = field(default_factory=list)
    section_first: list[bool] = field(default_factory=list)
    returned: int = 0
    correct: int = 0
    nomatch: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    @property
    def mrr(self) -> float:
        return sum(self.rr) / len(self.rr) if self.rr else 0.0

    @property
    def first_share(self) -> float:
        return sum(self.first) / len(self.first) if self.first else 0.0

    @property
    def recall(self) -> float:
        return sum(self.recall10) / len(self.recall10) if self.recall10 else 0.0

    @property
    def precision(self) -> float:
        return self.correct / self.returned if self.returned else 1.0


def score(queries: list[Query], answers: dict[str, list[list[str]]], texts: dict[str, str]) -> Scores:
    out = Scores()
    for query in queries:
        groups = answers[query.typed]
        pages = [page_of(group[0]) for group in groups]
        out.returned += len(pages)
        out.correct += sum(1 for p in pages if p in texts and holds_query(query.typed, texts[p]))
        if not query.want:
            out.nomatch[query.text] = len(pages)
            continue
        rank = next((i + 1 for i, p in enumerate(pages) if p in query.want), None)
        out.rr.append(1 / rank if rank else 0.0)
        out.first.append(rank == 1)
        out.recall10.append(rank is not None and rank <= 10)
        if rank != 1:
            out.misses.append(f"{query.text!r}: wanted {query.want[0] or '/'} at {rank}, first {pages[0] if pages else '-'}")
        if query.section and rank == 1:
            out.section_first.append(any(loc.endswith("#" + query.section) for loc in groups[0][:2]))
    return out


def run_relevance(browser: Any, site: Path, queries: list[Query], engine: str) -> dict[str, list[list[str]]]:
    with serve(site, stock=engine == "material") as base:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        context.add_init_script(_RECORDER)
        page = context.new_page()
        try:
            open_search(page, base)
            return {query.typed: run_query(page, query.typed) for query in queries}
        finally:
            context.close()


# --- Speed ---


def gzip_size(paths: list[Path]) -> int:
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in paths if p.is_file())


def index_files(site: Path, engine: str, query: str | None = None) -> list[Path]:
    """What an engine loads before its first answer to ``query`` (kyniem then adds the texts of
    the results shown); without a query, all of the index."""
    if engine == "material":
        return [site / MATERIAL_INDEX]
    if query is None:
        return [site / INDEX_PATH, site / KEYS_PATH, *sorted((site / CHUNKS_DIR).glob("*.js"))]
    keys = {chunk_key(word) for word in words(query)}
    return [site / INDEX_PATH, site / KEYS_PATH, *(site / CHUNKS_DIR / chunk_name(key) for key in sorted(keys))]


def _in_page_worker() -> str:
    """kyniem's worker stand-in, active on http too: the worker's code then runs on the page's thread."""
    shim = (ROOT / "kyniem/assets/offline/worker-shim.js").read_text(encoding="utf-8")
    return shim.replace('if (location.protocol !== "file:")', "if (false)")


def keystroke_times(
    browser: Any, site: Path, engine: str, query: str, runs: int, rate: float, in_page: bool, pause: float = 0
) -> tuple[list[float], list[float]]:
    """Milliseconds from the first keystroke of ``query`` to results on screen: first query of a fresh page, and a later one.

    The query goes in as a reader's keys would: all but its last letter at once
    (the timer starts there), then the last letter as a key press on the
    focused box (``page.keyboard``: no element lookup between the two, which
    under throttling cost the test tool, not the page, up to 200 ms).

    CDP's CPU throttling slows the page's thread but not a Web Worker's, so with
    ``in_page`` the search worker runs on the page's thread (as in the offline
    copy, through the frame stand-in), where throttling reaches it. ``pause``:
    milliseconds between opening the search and typing.
    """
    cold, warm = [], []
    with serve(site, stock=engine == "material") as base:
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True)
            if in_page:
                context.add_init_script(_in_page_worker())
            context.add_init_script(_RECORDER)
            page = context.new_page()
            try:
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
                page.goto(base, wait_until="load", timeout=120_000)
                page.locator("label.md-header__button[for=__search]").click()
                page.wait_for_function("() => window.__search && window.__search.got.length > 0", timeout=120_000)
                page.wait_for_timeout(pause)
                for bucket in (cold, warm):
                    page.evaluate(_TIMER)
                    box = page.locator(SEARCH_INPUT)
                    if bucket is warm:
                        box.fill("")
                        box.press("End")
                        page.wait_for_function(f"v => ({_ANSWERED})(v)", arg="", timeout=120_000)
                        page.evaluate(_TIMER)
                    box.fill(query[:-1])
                    page.keyboard.press(query[-1])
                    page.wait_for_function("() => window.__timing.shown !== null", timeout=120_000)
                    bucket.append(page.evaluate("() => window.__timing.shown - window.__timing.down"))
            finally:
                context.close()
    return cold, warm


# --- Building ---


def build(project: Path, out: Path, fast: bool) -> Path:
    """Build a copy of ``project`` into ``out``; ``fast`` leaves out the book, banners and offline zip."""
    copy = copy_parts(out / "project", source_root=project)
    if fast:
        config = copy / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        off = "      book:\n        enabled: false\n      banners:\n        enabled: false\n      offline:\n        enabled: false\n"
        config.write_text(text.replace("  - kyniem:\n", "  - kyniem:\n" + off, 1), encoding="utf-8")
    site = out / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)],
        cwd=copy, capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    return site


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", type=Path, default=ROOT, help="project folder (with mkdocs.yml) to build")
    parser.add_argument("--site", type=Path, help="an already built site instead of building")
    parser.add_argument("--fast-build", action="store_true", help="build without book, banners, offline zip")
    parser.add_argument("--timing", action="store_true", help="also measure keystroke-to-results times")
    parser.add_argument("--no-relevance", action="store_true", help="skip the relevance set (e.g. on a synthetic site)")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to run: kyniem,material")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--throttle", type=float, default=4.0)
    parser.add_argument("--query", default="Hải Dương", help="query typed for the timings")
    parser.add_argument("--big", type=int, default=0, metavar="N",
                        help="also time a site of N generated chapters (scripts/make_big_site.py, built fast), same run")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or build(args.project, Path(tmp) / "site", args.fast_build)
        big = None
        if args.big:
            source = Path(tmp) / "big-source"
            subprocess.run([sys.executable, str(ROOT / "scripts" / "make_big_site.py"), str(source), "--chapters", str(args.big)],
                           check=True, stdout=subprocess.DEVNULL)
            big = build(source, Path(tmp) / "big", True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                engines = tuple(e for e in args.engines.split(",") if e in ENGINES)
                if not args.no_relevance:
                    report_relevance(browser, site, engines)
                if args.timing:
                    print(f"\n== {site_name(site)} ==")
                    report_timing(browser, site, args, engines)
                if big is not None:
                    print(f"\n== {args.big} generated chapters (scripts/make_big_site.py): {site_name(big)} ==")
                    report_timing(browser, big, args, engines)
            finally:
                browser.close()


def site_name(site: Path) -> str:
    """How many pages a built site has, to tell the sites of one run apart."""
    return f"{sum(1 for _ in site.rglob('index.html'))} pages"


def report_relevance(browser: Any, site: Path, engines: tuple[str, ...] = ENGINES) -> None:
    queries = load_queries()
    texts = page_texts(site)
    results = {engine: score(queries, run_relevance(browser, site, queries, engine), texts) for engine in engines}
    empty = Scores()
    wanted = sum(1 for q in queries if q.want)
    print(f"Relevance set: {len(queries)} queries ({wanted} with a wanted page, {len(queries) - wanted} that must find nothing)")
    print(f"{'':28}{'kyniem':>12}{'Material':>12}")
    rows = [
        ("MRR", lambda s: f"{s.mrr:.3f}"),
        ("wanted page first", lambda s: f"{s.first_share:.1%}"),
        ("recall@10", lambda s: f"{s.recall:.1%}"),
        ("precision", lambda s: f"{s.precision:.3f}"),
        ("results returned", lambda s: str(s.returned)),
        ("section first (when asked)", lambda s: f"{sum(s.section_first)}/{len(s.section_first)}"),
        ("no-match queries answered", lambda s: f"{sum(1 for n in s.nomatch.values() if n)}/{len(s.nomatch)}"),
    ]
    for name, fmt in rows:
        print(f"{name:28}" + "".join(f"{fmt(results.get(e, empty)) if e in results else '-':>12}" for e in ENGINES))
    print("Results for the no-match queries (kyniem / Material):")
    for query in queries:
        if not query.want:
            found = [str(results[e].nomatch[query.text]) if e in results else "-" for e in ENGINES]
            print(f"  {query.text!r:40} {found[0]:>3} / {found[1]}")
    for engine in engines:
        if results[engine].misses:
            print(f"{engine}: wanted page not first for {len(results[engine].misses)} queries")
            for miss in results[engine].misses:
                print(f"  {miss}")


def report_timing(browser: Any, site: Path, args: argparse.Namespace, engines: tuple[str, ...] = ENGINES) -> None:
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").is_file() else "?"
    print(f"Speed ({args.runs} runs, median; {args.throttle:g}x CPU throttling, query {args.query!r}; load average {load}):")
    print(f"{'':40}{'kyniem':>12}{'Material':>12}")
    for label, query in (("whole index", None), (f"index loaded for {args.query!r}", args.query)):
        files = {e: index_files(site, e, query) for e in ENGINES}
        raw = {e: sum(p.stat().st_size for p in files[e] if p.is_file()) for e in ENGINES}
        packed = {e: gzip_size(files[e]) for e in ENGINES}
        print(f"{label + ', bytes (files)':40}" + "".join(f"{f' {raw[e]:,} ({len(files[e])})':>12}" for e in ENGINES))
        print(f"{label + ', gzip bytes':40}" + "".join(f"{packed[e]:>12,}" for e in ENGINES))
    settings = (
        (True, 0, "search on the page thread (throttled), typing at once"),
        (True, 1000, "search on the page thread (throttled), typing 1 s after opening the search"),
        (False, 0, "search in a Web Worker (not throttled by CDP), typing at once"),
    )
    for in_page, pause, where in settings:
        times = {e: keystroke_times(browser, site, e, args.query, args.runs, args.throttle, in_page, pause) for e in engines}
        print(f"  {where}:")
        for label, k in (("first query after page load, ms", 0), ("later query, ms", 1)):
            cells = "".join(f"{statistics.median(times[e][k]):>12.0f}" if e in times else f"{'-':>12}" for e in ENGINES)
            spread = "  ".join(f"{e}: {min(times[e][k]):.0f}–{max(times[e][k]):.0f}" for e in engines)
            print(f"    {label:36}{cells}   ({spread})")
    print("  (Material loads its whole index with every page; kyniem its list of docs when the search opens and the")
    print("   chunks of the query's syllables at the query: its first time includes that loading.)")


if __name__ == "__main__":
    main()
