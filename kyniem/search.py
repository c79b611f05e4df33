"""kyniem's search: the index its own search worker reads, and the page wiring.

Material's search (lunr) ORs the query words and appends ``*`` to each, which on
Vietnamese, written in short syllables, matches nearly every page. kyniem keeps
Material's search box and result list but answers queries with its own worker
(``assets/kyniem/search/worker.js``), which speaks the message protocol of
Material's worker: every syllable is required, only the last one may be a
prefix, the marks a reader typed are respected, phrases and titles rank first.

The worker reads ``search/kyniem-index.js``, built here from the sections
Material's search plugin already cut (``search/search_index.json``), reduced to
plain text with block breaks. It is a script, not JSON, so that the same file
loads in a real worker (``importScripts``) and in the frame that stands in for
one on ``file://``, where nothing can be fetched. The worker loads it at the
first query, never on page load: Material's bundle fetches its own index only
when the page has a form named "search", and kyniem's search partial names its
form otherwise.
"""

from __future__ import annotations

import json
import posixpath
import re
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
# The function the index script calls; worker.js defines it.
INDEX_CALLBACK = "kyniemSearchIndex"

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


def build_index(material: dict[str, Any]) -> dict[str, Any]:
    """kyniem's index from Material's: ``docs`` are ``[location, title, text]``, in Material's order.

    The first entry of a page (location without ``#``) is the page itself; the
    others are its sections, cut at headings by Material's search plugin.
    """
    docs = []
    for doc in material.get("docs", []):
        location = doc.get("location")
        if not isinstance(location, str):
            continue
        title = plain_text(str(doc.get("title") or "")).replace("\n", " ")
        docs.append([location, title, plain_text(str(doc.get("text") or ""))])
    return {"docs": docs}


def index_script(index: dict[str, Any]) -> str:
    """The index as the script the worker loads."""
    return f"{INDEX_CALLBACK}({json.dumps(index, ensure_ascii=False, separators=(',', ':'))});\n"


def write_index(site_dir: Path) -> IndexSizes | None:
    """Write ``search/kyniem-index.js`` from Material's index; None when the site has no search."""
    source = site_dir / MATERIAL_INDEX
    if not source.is_file():
        return None
    raw = source.read_bytes()
    encoded = index_script(build_index(json.loads(raw.decode("utf-8")))).encode("utf-8")
    (site_dir / INDEX_PATH).write_bytes(encoded)
    return IndexSizes(material=len(raw), kyniem=len(encoded))


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
