"""kyniem's search: the index its own search worker reads, and the page wiring.

Material's search (lunr) ORs the query words and appends ``*`` to each, which on
Vietnamese, written in short syllables, matches nearly every page. kyniem keeps
Material's search box and result list but answers queries with its own worker
(``assets/kyniem/search/worker.js``), which speaks the message protocol of
Material's worker: every syllable is required, only the last one may be a
prefix, the marks a reader typed are respected, phrases and titles rank first.

The index is built here from the sections Material's search plugin already cut
(``search/search_index.json``), reduced to plain text with block breaks, in
parts (a chunked design, so that a 300-chapter site stays quick on a phone, à
la Pagefind): ``search/kyniem-index.js`` lists the pages and their docs
(titles, lengths, block breaks); ``search/kyniem/keys.js`` names the chunks;
``search/kyniem/words/<key>.js`` holds the words whose plain form starts with
``key`` and where they stand, loaded for the syllables of a query only (at
the same time as the list of docs when the query comes before it is in);
``search/kyniem/<n>.js`` holds page n's text, loaded only for the results shown.
They are scripts, not JSON, so that the same files load
in a real worker (``importScripts``) and in the frame that stands in for one on
``file://``, where nothing can be fetched. The worker loads the list of docs
when the search opens, never on page load: Material's bundle fetches its own index only
when the page has a form named "search", and kyniem's search partial names its
form otherwise.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from . import store
from .text import nfc

# Material's index: kept as Material wrote it (unused by the pages, left out of the offline zip).
MATERIAL_INDEX = Path("search") / "search_index.json"
_MODULE_CODE = Path(__file__).read_bytes()  # part of the kept index's key: new code, new index
INDEX_PATH = Path("search") / "kyniem-index.js"
KEYS_PATH = Path("search") / "kyniem" / "keys.js"
WORKER_PATH = "assets/kyniem/search/worker.js"
TEXTS_DIR = Path("search") / "kyniem"
CHUNKS_DIR = TEXTS_DIR / "words"
# The functions the index scripts call; worker.js defines them.
INDEX_CALLBACK = "kyniemSearchIndex"
TEXT_CALLBACK = "kyniemSearchText"
CHUNK_CALLBACK = "kyniemSearchChunk"
KEYS_CALLBACK = "kyniemSearchKeys"

# What a reader sees when no page holds every word of the query.
# The cache file of each page's share of the index and of each chunk (``_Parts``).
PARTS_NAME = "parts.json"
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
    """Bytes of Material's index and of kyniem's; the cache entries the index came from or went to."""

    material: int
    kyniem: int
    cached: frozenset[str] = field(default=frozenset(), compare=False)


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


def _encode_one(value: int) -> str:
    digits = [_LAST[value % 32]]
    value //= 32
    while value:
        digits.append(_MORE[value % 32])
        value //= 32
    return "".join(reversed(digits))


# The codes of small numbers, looked up rather than worked out: an index holds millions of them.
_CODES = [_encode_one(value) for value in range(4096)]


def encode_ids(ids: list[int]) -> str:
    """Word ids (-1 for a block break) as a compact string the worker decodes."""
    codes, known = _CODES, len(_CODES)
    return "".join(codes[value] if 0 <= value < known else _BREAK if value < 0 else _encode_one(value)
                   for value in ids)


def _tokens(text: str) -> list[str]:
    """Lower-case words of ``text``, with "" for each block break."""
    out: list[str] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append("")
        out.extend(match.group(0).lower() for match in _WORD.finditer(line))
    return out


# The parts of a word that the worker's search-core.js ``analyse`` compares, written again
# here only to choose a word's chunk: tone marks, then every mark, are dropped, đ is d,
# numbers lose their leading zeros.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_MARKS = re.compile(r"[\u0300-\u036f]")
_DIGITS = re.compile(r"[0-9]+")


def plain_form(word: str) -> str:
    """``word`` lower case without marks, đ as d, a number without leading zeros (search-core.js ``plain``)."""
    lower = unicodedata.normalize("NFD", word).lower()
    shape = unicodedata.normalize("NFC", "".join(c for c in lower if c not in _TONE_MARKS))
    plain = _MARKS.sub("", unicodedata.normalize("NFD", shape)).replace("đ", "d")
    if _DIGITS.fullmatch(plain):
        plain = plain.lstrip("0") or "0"
    return plain


def chunk_key(word: str) -> str:
    """The chunk that holds ``word``: the first two letters of its plain form.

    A query syllable is never a prefix under 2 letters, so every word a syllable
    can match shares the syllable's key (worker.js ``keyOf``).
    """
    return "".join(list(plain_form(word))[:2])


def chunk_name(key: str) -> str:
    """File name of a chunk: a-z and 0-9 as they are, any other letter as _hex_ (worker.js ``chunkName``)."""
    name = "".join(c if c in _NAME_CHARS else f"_{ord(c):x}_" for c in key)
    return f"{name or '_'}.js"


_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


@dataclass(frozen=True)
class SearchIndex:
    """kyniem's index, in parts so that a query loads only what it needs.

    ``main`` (loaded when the search opens) lists the pages, each as ``[path,
    [doc, ...]]`` with its docs (page head first, then its sections, in
    Material's order), each doc as ``[anchor, title, title length, text
    length, block breaks]`` (lengths in words, breaks as word positions, the
    text's list of words counting each break as one); the path is written
    once per page, not once per section (a timeline page has hundreds).
    Docs are numbered in that order. ``keys`` lists the chunks that exist: a
    small file of its own, so that a query typed before ``main`` is in can
    fetch its chunks meanwhile. ``chunks[key]`` holds the words whose plain
    form starts with ``key``, each with its positions in the titles and the
    texts of the docs (loaded for the query's syllables only). ``texts[n]``
    holds page ``n``'s plain texts, for the snippets of the results shown.
    """

    main: dict[str, Any]
    keys: list[str]
    chunks: dict[str, dict[str, list[str]]]
    texts: list[list[str]]


def _postings(places: dict[int, list[int]]) -> str:
    """Positions of one word by doc: doc (delta from the previous), count, positions (deltas)."""
    out: list[int] = []
    previous = 0
    for doc in sorted(places):
        positions = places[doc]
        out += [doc - previous, len(positions), positions[0]]
        out += [b - a for a, b in zip(positions, positions[1:])]
        previous = doc
    return encode_ids(out)


class _Parts:
    """Each page's share of the index and each chunk, kept from the last build by what they depend on.

    A page's share (its docs' entries and texts, and its words with their positions, numbered
    from the page's first doc) is kept under a hash of its docs in Material's index; a chunk
    under the hashes and first doc numbers of the pages that have words in it. An edit to one
    chapter tokenizes that page again and encodes only the chunks its words fall in.
    """

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:32]
        data: Any = {}
        if path is not None:
            try:
                data = json.loads(path.read_bytes())
            except (OSError, ValueError):
                data = {}
        fresh = isinstance(data, dict) and data.get("source") == self.source
        self.pages: dict[str, Any] = data.get("pages", {}) if fresh else {}
        self.chunks: dict[str, Any] = data.get("chunks", {}) if fresh else {}
        self.used_pages: dict[str, Any] = {}
        self.used_chunks: dict[str, Any] = {}

    def save(self) -> None:
        if self.path is not None:
            store.write_json(self.path, {"source": self.source, "pages": self.used_pages, "chunks": self.used_chunks})


def _page_share(docs: list[dict[str, Any]], keys: dict[str, str]) -> dict[str, Any]:
    """One page's share of the index; ``keys`` remembers each word's chunk key within a build.

    Its words are kept as they go into the chunks, with the page's docs numbered from 0: per
    field (title, text), ``[first doc, last doc, code]`` where ``code`` is the word's postings
    on this page after the first doc's number, or None when the field lacks the word. The
    postings' doc numbers are deltas, so a chunk joins the pages' codes with one number each.
    """
    entries = []
    texts = []
    # word -> field (0 title, 1 text) -> doc of this page -> positions
    places: dict[str, tuple[dict[int, list[int]], dict[int, list[int]]]] = {}
    for number, doc in enumerate(docs):
        anchor = str(doc.get("location")).partition("#")[2]
        title = plain_text(str(doc.get("title") or "")).replace("\n", " ")
        text = plain_text(str(doc.get("text") or ""))
        title_tokens, text_tokens = _tokens(title), _tokens(text)
        for field, tokens in enumerate((title_tokens, text_tokens)):
            for position, word in enumerate(tokens):
                if word:
                    places.setdefault(word, ({}, {}))[field].setdefault(number, []).append(position)
        breaks = [i for i, word in enumerate(text_tokens) if not word]
        entries.append([anchor, title, len(title_tokens), len(text_tokens),
                        encode_ids([b - a for a, b in zip([0, *breaks], breaks)])])
        texts.append(text)
    words: dict[str, dict[str, list[Any]]] = {}  # chunk key -> word -> [title, text]
    for word, fields in places.items():
        key = keys.get(word)
        if key is None:
            key = keys[word] = chunk_key(word)
        words.setdefault(key, {})[word] = [_segment(field) if field else None for field in fields]
    return {"entries": entries, "texts": texts, "words": words}


def _segment(places: dict[int, list[int]]) -> list[Any]:
    """``[first doc, last doc, postings after the first doc's number]`` of a word in one page's field."""
    first = min(places)
    return [first, max(places), _postings(places)[len(encode_ids([first])):]]


def _chunk(key: str, shares: list[dict[str, Any]], offsets: list[int]) -> dict[str, list[str]]:
    """Chunk ``key`` from the pages' shares (with each page's first doc number)."""
    # word -> field -> codes of the word's postings, page after page
    codes: dict[str, tuple[list[str], list[str]]] = {}
    last: dict[str, list[int]] = {}  # word -> field -> the last doc seen
    for share, offset in zip(shares, offsets):
        for word, fields in share["words"].get(key, {}).items():
            out = codes.setdefault(word, ([], []))
            previous = last.setdefault(word, [0, 0])
            for field, part in enumerate(fields):
                if part is not None:
                    first, end, code = part
                    out[field].append(encode_ids([offset + first - previous[field]]))
                    out[field].append(code)
                    previous[field] = offset + end
    words = sorted(codes)
    return {"words": words, "title": ["".join(codes[w][0]) for w in words],
            "text": ["".join(codes[w][1]) for w in words]}


def build_index(material: dict[str, Any], parts: _Parts | None = None) -> SearchIndex:
    """kyniem's index from Material's (``search/search_index.json``), reusing ``parts`` kept from the last build."""
    parts = parts or _Parts(None)
    pages: dict[str, list[dict[str, Any]]] = {}
    for doc in material.get("docs", []):
        location = doc.get("location")
        if isinstance(location, str):
            pages.setdefault(location.partition("#")[0], []).append(doc)
    keys: dict[str, str] = {}
    shares, hashes, offsets = [], [], []
    number = 0
    for path, docs in pages.items():
        mark = hashlib.sha256()
        for doc in docs:  # the fields the share is made of, each ended by a NUL (none holds one: JSON text)
            mark.update(f"{doc.get('location')}\0{doc.get('title') or ''}\0{doc.get('text') or ''}\0".encode())
        digest = mark.hexdigest()[:32]
        share = parts.pages.get(digest) or _page_share(docs, keys)
        parts.used_pages[digest] = share
        shares.append(share)
        hashes.append(digest)
        offsets.append(number)
        number += len(share["entries"])
    holders: dict[str, list[int]] = {}
    for page, share in enumerate(shares):
        for key in share["words"]:
            holders.setdefault(key, []).append(page)
    chunks: dict[str, dict[str, list[str]]] = {}
    for key in sorted(holders):
        mark = hashlib.sha256("\n".join([key, *(f"{offsets[i]} {hashes[i]}" for i in holders[key])]).encode())
        fingerprint = mark.hexdigest()[:32]
        chunk = parts.chunks.get(fingerprint) or _chunk(key, [shares[i] for i in holders[key]],
                                                         [offsets[i] for i in holders[key]])
        parts.used_chunks[fingerprint] = chunk
        chunks[key] = chunk
    listed = [[path, share["entries"]] for path, share in zip(pages, shares)]
    return SearchIndex(main={"pages": listed}, keys=sorted(chunks), chunks=chunks,
                       texts=[share["texts"] for share in shares])


def _script(callback: str, *args: Any) -> str:
    data = ",".join(json.dumps(arg, ensure_ascii=False, separators=(",", ":")) for arg in args)
    return f"{callback}({data});\n"


def write_index(site_dir: Path, cache: Path | None = None) -> IndexSizes | None:
    """Write kyniem's index from Material's; None when the site has no search.

    Files: ``search/kyniem-index.js``, ``search/kyniem/keys.js``,
    ``search/kyniem/words/<key>.js`` and ``search/kyniem/<page number>.js``.
    Sizes: Material's index, and kyniem's main file with the keys and all the chunks.
    With ``cache``, the files are kept there under a hash of Material's index (and of this
    module): a build whose pages' text did not change writes them again without indexing
    every word anew, and one that changed a page indexes that page only (``_Parts``). The
    entries it used are in the sizes' ``cached``, for the caller to retain: the build writes the
    index in a worker, which has no part in the build's cache session.
    """
    return _write_index(site_dir, cache, kept_only=False)


def kept_index(site_dir: Path, cache: Path) -> IndexSizes | None:
    """:func:`write_index` for a site whose pages' text is unchanged: the files straight from the
    cache, in the build itself (no worker to start: nothing is parsed). None when they are not kept."""
    return _write_index(site_dir, cache, kept_only=True)


def _write_index(site_dir: Path, cache: Path | None, *, kept_only: bool) -> IndexSizes | None:
    source = site_dir / MATERIAL_INDEX
    if not source.is_file():
        return None
    with source.open("rb") as raw:  # read in pieces: the worker holds Material's index only once, parsed
        digest = hashlib.file_digest(raw, lambda: hashlib.sha256(_MODULE_CODE + b"\0"))
    material = source.stat().st_size
    files = None
    if cache is not None:
        kept = cache / f"{digest.hexdigest()[:40]}.json"
        try:
            files = json.loads(kept.read_bytes())
        except (OSError, ValueError):
            files = None
    if not isinstance(files, dict):
        if kept_only:
            return None
        files = _index_files(source, cache / PARTS_NAME if cache is not None else None)
        if cache is not None:
            store.write_json(kept, files)
    store.empty_folder(site_dir / TEXTS_DIR)  # pages removed since the last build must not linger
    (site_dir / CHUNKS_DIR).mkdir()
    size = 0
    for name, text in files.items():
        data = text.encode("utf-8")
        (site_dir / name).write_bytes(data)
        if name in (INDEX_PATH.as_posix(), KEYS_PATH.as_posix()) or name.startswith(f"{CHUNKS_DIR.as_posix()}/"):  # not the page texts
            size += len(data)
    return IndexSizes(material=material, kyniem=size,
                      cached=frozenset({kept.name, PARTS_NAME}) if cache is not None else frozenset())


def _index_files(source: Path, kept_parts: Path | None = None) -> dict[str, str]:
    """kyniem's index files (site path -> text) from Material's index, with the parts kept in ``kept_parts``."""
    parts = _Parts(kept_parts)
    index = build_index(json.loads(source.read_bytes()), parts)
    parts.save()
    files = {INDEX_PATH.as_posix(): _script(INDEX_CALLBACK, index.main)}
    for number, texts in enumerate(index.texts):
        files[(TEXTS_DIR / f"{number}.js").as_posix()] = _script(TEXT_CALLBACK, number, texts)
    files[KEYS_PATH.as_posix()] = _script(KEYS_CALLBACK, index.keys)
    for key, chunk in index.chunks.items():
        files[(CHUNKS_DIR / chunk_name(key)).as_posix()] = _script(CHUNK_CALLBACK, key, chunk)
    return files


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
