"""kyniem's search: the index its own search worker reads, and the page wiring.

Material's search (lunr) ORs the query words and appends ``*`` to each, which on
Vietnamese, written in short syllables, matches nearly every page. kyniem keeps
Material's search box and result list but answers queries with its own worker
(``assets/kyniem/search/worker.js``), which speaks the message protocol of
Material's worker: every syllable is required, only the last one may be a
prefix, the marks a reader typed are respected, phrases and titles rank first.

The index is built here from the sections Material's search plugin already cut
(``search/search_index.json``), reduced to plain text with block breaks, in two
parts (a chunked design, so that a 300-chapter site stays quick on a phone):
``search/kyniem-index.js`` holds every title and every text as word ids, all
that ranking needs; ``search/kyniem/<n>.js`` holds page n's text, loaded only
for the results shown. They are scripts, not JSON, so that the same files load
in a real worker (``importScripts``) and in the frame that stands in for one on
``file://``, where nothing can be fetched. The worker loads the index at the
first query, never on page load: Material's bundle fetches its own index only
when the page has a form named "search", and kyniem's search partial names its
form otherwise.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .text import nfc

# Material's index: kept as Material wrote it (unused by the pages, left out of the offline zip).
MATERIAL_INDEX = Path("search") / "search_index.json"
INDEX_PATH = Path("search") / "kyniem-index.js"
WORKER_PATH = "assets/kyniem/search/worker.js"
TEXTS_DIR = Path("search") / "kyniem"
# The functions the index scripts call; worker.js defines them.
INDEX_CALLBACK = "kyniemSearchIndex"
TEXT_CALLBACK = "kyniemSearchText"

# What a reader sees when no page holds every word of the query.
NO_RESULT = "Không tìm thấy trang nào chứa đủ các từ đã nhập"

_BLOCKS = {
    "p", "li", "ol", "ul", "dl", "dt", "dd", "div", "table", "thead", "tbody", "tr", "td", "th",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "br", "hr",
    "section", "article", "aside", "details", "summary", "caption",
}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_CONFIG = re.compile(r'(<script id="?__config"?[^>]*>)(.*?)(</script>)', re.S)


@dataclass(frozen=True)
class IndexSizes:
    """Bytes of Material's index and of kyniem's."""

    material: int
    kyniem: int


class _TextExtractor(HTMLParser):
    """Plain text of an HTML fragment, one line per block (paragraph, list item, cell…)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Text of ``html`` in NFC, blocks on their own lines, spaces collapsed.

    Block breaks matter to the search: a phrase never runs from one block into
    the next, and a query that is a whole block (a slogan) ranks first.
    """
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in unescape("".join(parser.parts)).split("\n"))
    return nfc("\n".join(line for line in lines if line))


# Words as the worker's search-core.js cuts them: runs of letters, marks and digits.
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
# Word ids travel as base-32 digits: leading digits from _MORE, the last from _LAST; "." is a block break.
_LAST = "abcdefghijklmnopqrstuvwxyz012345"
_MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ6789+/"
_BREAK = "."


def encode_ids(ids: list[int]) -> str:
    """Word ids (-1 for a block break) as a compact string the worker decodes."""
    out = []
    for value in ids:
        if value < 0:
            out.append(_BREAK)
            continue
        digits = [_LAST[value % 32]]
        value //= 32
        while value:
            digits.append(_MORE[value % 32])
            value //= 32
        out.append("".join(reversed(digits)))
    return "".join(out)


def _tokens(text: str) -> list[str]:
    """Lower-case words of ``text``, with "" for each block break."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("")
        out.extend(match.group(0).lower() for match in _WORD.finditer(line))
    return out


@dataclass(frozen=True)
class SearchIndex:
    """kyniem's index: what the worker loads at the first query, and each page's text apart.

    ``main`` holds, for every doc (page head or section, in Material's order),
    its location, title, and title and text as word ids into ``words`` (most
    frequent first, so most ids take one character); ``texts[n]`` holds the plain
    texts of page ``n``'s docs, loaded only when the page is among the
    results shown.
    """

    main: dict[str, Any]
    texts: list[list[str]]


def build_index(material: dict[str, Any]) -> SearchIndex:
    """kyniem's index from Material's (``search/search_index.json``)."""
    docs: list[tuple[str, str, str]] = []
    for doc in material.get("docs", []):
        location = doc.get("location")
        if isinstance(location, str):
            title = plain_text(str(doc.get("title") or "")).replace("\n", " ")
            docs.append((location, title, plain_text(str(doc.get("text") or ""))))
    tokens = [_tokens(text) for _, _, text in docs]
    titles = [_tokens(title) for _, title, _ in docs]
    counts = Counter(word for doc in (*tokens, *titles) for word in doc if word)
    words = sorted(counts, key=lambda word: (-counts[word], word))
    ids = {word: number for number, word in enumerate(words)}
    pages: dict[str, int] = {}
    texts: list[list[str]] = []
    entries = []
    for (location, title, text), doc_tokens, title_tokens in zip(docs, tokens, titles):
        path = location.split("#")[0]
        if path not in pages:
            pages[path] = len(texts)
            texts.append([])
        texts[pages[path]].append(text)
        entries.append([
            location,
            title,
            encode_ids([ids[word] for word in title_tokens]),
            encode_ids([ids[word] if word else -1 for word in doc_tokens]),
        ])
    return SearchIndex(main={"words": words, "docs": entries}, texts=texts)


def _script(callback: str, *args: Any) -> str:
    data = ",".join(json.dumps(arg, ensure_ascii=False, separators=(",", ":")) for arg in args)
    return f"{callback}({data});\n"


def write_index(site_dir: Path) -> IndexSizes | None:
    """Write kyniem's index from Material's; None when the site has no search.

    Files: ``search/kyniem-index.js`` and ``search/kyniem/<page number>.js``.
    """
    source = site_dir / MATERIAL_INDEX
    if not source.is_file():
        return None
    raw = source.read_bytes()
    index = build_index(json.loads(raw.decode("utf-8")))
    main = _script(INDEX_CALLBACK, index.main).encode("utf-8")
    (site_dir / INDEX_PATH).write_bytes(main)
    folder = site_dir / TEXTS_DIR
    if folder.is_dir():
        shutil.rmtree(folder)  # pages removed since the last build must not linger
    folder.mkdir(parents=True)
    for number, texts in enumerate(index.texts):
        (folder / f"{number}.js").write_bytes(_script(TEXT_CALLBACK, number, texts).encode("utf-8"))
    return IndexSizes(material=len(raw), kyniem=len(main))


def use_kyniem_worker(page_html: str) -> str:
    """Point Material's search at kyniem's worker and word its "no result" message.

    Material reads both from the page's ``__config`` JSON; the worker URL is
    relative to the page, like Material's own (``base`` is ``.`` or ``../..``).
    """
    match = _CONFIG.search(page_html)
    if match is None:
        return page_html
    try:
        config = json.loads(match.group(2))
    except ValueError:
        return page_html
    if not isinstance(config, dict) or "search" not in config:
        return page_html
    config["search"] = posixpath.join(str(config.get("base") or "."), WORKER_PATH)
    translations = config.setdefault("translations", {})
    if isinstance(translations, dict):
        translations["search.result.none"] = NO_RESULT
    text = json.dumps(config, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return page_html[: match.start(2)] + text + page_html[match.end(2) :]
