"""The printed side of the site: the history book PDF and the cell-meeting handouts.

Both are made with WeasyPrint from the same chapters and outlines as the web
pages, so the book never drifts from the site. Rendering takes seconds, so each
PDF is cached under the hash of the exact HTML it is made from: the HTML already
encodes every input (chapter text, settings, templates, image content hashes),
and an unchanged site never renders the book again. The book is rendered part by
part (see "The book in parts" below), so an edit renders only what it changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import resource
import signal
import time
import warnings
import xml.etree.ElementTree as etree
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import jinja2
from markupsafe import Markup
import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor
from PIL import Image, ImageOps, UnidentifiedImageError

from . import __version__, font_tables, htmlpolicy, store, weasyprint_loader
from .archive_pages import footnote_references
from .images import to_srgb
from .pages import Download
from .problems import Problem
from .progress import track
from .text import format_date, nfc, slugify
from .typeset import DEFAULT_PHRASES, NOBR_CLASS, nobr_html, phrases_for, unbreakable_spans

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Content, Outline

TEMPLATES = Path(__file__).parent / "print"
FONTS = Path(__file__).parent / "assets" / "fonts"

DOWNLOADS_DIR = "tai-ve"
HANDOUTS_DIR = f"{DOWNLOADS_DIR}/de-cuong"
PRINT_SUFFIX = "-in-an"

# Trimmed page sizes in mm, for the colophon's "khổ".
PAGE_MM = {"B5": (176, 250), "A5": (148, 210)}
# Room outside the bleed for the crop marks (WeasyPrint draws them in the outer half of the CSS bleed).
MARKS_MM = 10
# The longest name kept on one line in print: a book cover line at its largest type holds about this many letters.
PRINT_PHRASE_CHARS = 30

# Parts one worker process renders before a fresh one takes over: WeasyPrint's memory grows with
# every document it lays out (about 110 MB after one chapter, over 200 MB after 150). At 300 chapters 20
# instead of 50 lowered the workers' sum by only ~15 MiB: their peak is the longest part (see below).
PARTS_PER_WORKER = 50
# Parts longer than this (HTML characters; a chapter has about 15,000, a piece of the timeline 35,000) are
# rendered with no other worker running: the contents of 1,000 chapters (165,000, 45 pages) took its worker to
# 170 MiB beside another worker and the build (408 MiB summed).
LONE_PART_CHARS = 100_000
# Letters of event text in one piece of the timeline appendix (about 6 pages): laid out whole, the
# 100-page timeline of 300 chapters took its worker to 224 MiB, a 25-page piece ~118 MiB; at 1,000 chapters
# a worker that had laid out 12-page pieces held up to 159 MiB, beside the build (160 MiB) and another worker.
TIMELINE_PART_CHARS = 12_000
# Parts merged at once (qpdf holds each in memory while merging, about 1 MB with its fonts' widths).
MERGE_GROUP = 40
# Size of the folios (page numbers) in points; the digits are drawn from a sheet set at this size.
FOLIO_PT = 8.5
# Long side of the JPEG put in the book: 300 dpi over the widest print area (B5 text block, ~13 cm).
PRINT_IMAGE_PX = 1600
PRINT_JPEG_QUALITY = 85

_DATE_MARK = "\x00kyniem-build-date\x00"
_DATE_WORDS_MARK = "\x00kyniem-build-date-words\x00"
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

ImageResolver = Callable[[str], "Path | None"]

log = logging.getLogger("mkdocs.plugins.kyniem")


@dataclass
class PrintResult:
    """One PDF written: where, how many pages, whether it came from the cache, and findings."""

    path: Path
    pages: int
    cached: bool
    seconds: float
    problems: list[Problem] = field(default_factory=list)
    # The book only: its chapters rendered in this build and taken from the cache, and the pages rendered.
    chapters_rendered: int = 0
    chapters_reused: int = 0
    pages_rendered: int = 0
    render_seconds: float = 0.0


# --- Markdown for print ------------------------------------------------------------------------


class _PrintTreeprocessor(Treeprocessor):
    """Reshape the HTML tree for paged media.

    Runs after inline patterns, so footnote references and the footnote list both
    exist: each reference is replaced by the note's text in a ``span.footnote``
    (CSS ``float: footnote`` puts it at the foot of its page). Lone images become
    figures with captions; links to pages of the site, which mean nothing on
    paper, become plain text.
    """

    def __init__(self, md: markdown.Markdown, resolve: ImageResolver, phrases: tuple[str, ...]) -> None:
        super().__init__(md)
        self.resolve = resolve
        self.phrases = phrases

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        notes = self._take_footnotes(root, parents)
        for sup in list(root.iter("sup")):
            link = sup.find("a")
            if link is None or link.get("class") != "footnote-ref":
                continue
            note = notes.get(link.get("href", "").lstrip("#"))
            if note is not None:
                note.tail = sup.tail
                _replace(parents, sup, note)
                self._anchor(note, parents)
        for img in list(root.iter("img")):
            self._image(img, parents)
        for link in root.iter("a"):
            href = link.get("href", "")
            if not href.startswith("#") and not re.match(r"^(https?|mailto):", href):
                link.tag = "span"
                link.attrib.clear()
        self._shift_headings(root)

    def _anchor(self, note: etree.Element, parents: dict) -> None:
        """Keep the footnote call on the line of the word before it.

        The word (or the whole date range or name it ends) and the note go into one
        no-wrap span, so the mark can never start a line alone.
        """
        parent = parents[note]
        siblings = list(parent)
        index = siblings.index(note)
        before = (siblings[index - 1].tail if index else parent.text) or ""
        before = before.rstrip()  # "chữ [^1]": the mark belongs to the word, not after a space
        if not before:
            return
        start = len(before) - len(before.split()[-1])
        for span_start, span_end in unbreakable_spans(before, self.phrases, PRINT_PHRASE_CHARS):
            if span_start < start <= span_end:  # the word ends a date range or a name: keep all of it
                start = span_start
        anchor = etree.Element("span", {"class": f"{NOBR_CLASS} fn-anchor"})
        anchor.text = before[start:]
        if index:
            siblings[index - 1].tail = before[:start]
        else:
            parent.text = before[:start]
        anchor.tail = note.tail
        note.tail = None
        parent.remove(note)
        parent.insert(index, anchor)
        anchor.append(note)
        parents[anchor], parents[note] = parent, anchor

    def _take_footnotes(self, root: etree.Element, parents: dict) -> dict[str, etree.Element]:
        notes: dict[str, etree.Element] = {}
        for div in list(root.iter("div")):
            if div.get("class") != "footnote":
                continue
            for item in div.iter("li"):
                span = etree.Element("span", {"class": "footnote"})
                for index, block in enumerate(item):
                    _drop_backrefs(block)
                    if block.tag != "p":
                        text = "".join(block.itertext())
                        block = etree.Element("span")
                        block.text = text
                    block.tag = "span"
                    block.attrib = {"class": "fn-p"} if index else {}
                    block.tail = None
                    span.append(block)
                notes[item.get("id", "")] = span
            parents[div].remove(div)
        return notes

    def _image(self, img: etree.Element, parents: dict) -> None:
        parent = parents[img]
        path = self.resolve(img.get("src", ""))
        if path is None:
            if parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip():
                parents[parent].remove(parent)
            else:
                parent.remove(img)
            return
        img.set("src", path.as_uri())
        caption = img.get("title") or img.get("alt") or ""
        img.attrib.pop("title", None)
        lone = parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip() and not (img.tail or "").strip()
        if lone:
            parent.tag = "figure"
            parent.attrib = {"class": "photo"}
            if caption:
                figcaption = etree.SubElement(parent, "figcaption")
                figcaption.text = caption

    def _shift_headings(self, root: etree.Element) -> None:
        """The chapter title is the only h1; a body that starts at '#' moves down a level."""
        headings = [e for e in root.iter() if re.fullmatch(r"h[1-6]", e.tag)]
        if any(h.tag == "h1" for h in headings):
            for heading in headings:
                heading.tag = f"h{min(int(heading.tag[1]) + 1, 6)}"


def _replace(parents: dict, old: etree.Element, new: etree.Element) -> None:
    parent = parents[old]
    index = list(parent).index(old)
    parent.remove(old)
    parent.insert(index, new)
    parents[new] = parent


def _drop_backrefs(block: etree.Element) -> None:
    """Remove the '↩' links of a footnote and the non-breaking space before them."""
    for parent in block.iter():
        for child in list(parent):
            if child.tag == "a" and child.get("class") == "footnote-backref":
                previous = None
                for candidate in parent:
                    if candidate is child:
                        break
                    previous = candidate
                if previous is None:
                    parent.text = (parent.text or "").replace(NBSP_PLACEHOLDER, "").rstrip() or None
                else:
                    previous.tail = (previous.tail or "").replace(NBSP_PLACEHOLDER, "").rstrip() or None
                parent.remove(child)


class _PrintExtension(Extension):
    def __init__(self, resolve: ImageResolver, phrases: tuple[str, ...]) -> None:
        super().__init__()
        self.resolve = resolve
        self.phrases = phrases

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.treeprocessors.register(_PrintTreeprocessor(md, self.resolve, self.phrases), "kyniem-print", 16)


def markdown_to_print_html(body: str, anchor_prefix: str, resolve: ImageResolver,
                           phrases: tuple[str, ...] = DEFAULT_PHRASES) -> str:
    """Chapter or outline Markdown as HTML for WeasyPrint (footnotes inline, figures, no site links)."""
    md = markdown.Markdown(
        extensions=[
            "footnotes",
            "tables",
            "attr_list",
            "admonition",
            "md_in_html",
            TocExtension(slugify=lambda value, sep: f"{anchor_prefix}-{slugify(value, sep)}"),
            _PrintExtension(resolve, phrases),
        ]
    )
    return md.convert(nfc(body))


# --- Images -----------------------------------------------------------------------------------


class _Images:
    """Finds the images a Markdown file refers to and makes print-sized JPEG copies in the cache."""

    def __init__(self, root: Path, cache: Path, problems: list[Problem], roots: tuple[Path, ...] = ()) -> None:
        self.root = root
        self.cache = cache
        self.problems = problems
        self.roots = roots or (root / "docs", root / "history", root / "gallery", root / "slogans")

    def resolver(self, path: Path, source: str, body: str, body_line: int,
                 looked: list | None = None) -> ImageResolver:
        """``looked`` gets each file looked for, as (path, its size and time or None when absent), and each
        print copy made, as (None, its name): what the result depends on, for the chapter cache."""
        looked = looked if looked is not None else []

        def resolve(src: str) -> Path | None:
            line = _line_of(body, src, body_line)
            if _REMOTE.match(src):
                self.problems.append(
                    Problem(source, line, f"ảnh '{src}' nằm trên trang web khác; sách chỉ dùng ảnh trong dự án nên ảnh này bị bỏ "
                            "qua. Chép ảnh vào dự án và dẫn tới nó bằng đường dẫn tương đối, ví dụ ![Mô tả](anh/a.jpg)",
                            "warning", "book-image")
                )
                return None
            name = unquote(src.split("#")[0].split("?")[0])
            candidates = [path.parent / name, self.root / "docs" / name.lstrip("/"), self.root / name.lstrip("/")]
            found = None
            for candidate in candidates:
                looked.append((str(candidate), _stamp(candidate)))
                if looked[-1][1] is not None:
                    found = candidate
                    break
            if found is not None and not htmlpolicy.inside(found, self.roots):
                self.problems.append(
                    Problem(source, line, f"ảnh '{src}' nằm ngoài các thư mục nội dung của dự án nên không được đưa "
                            "vào sách PDF; chép ảnh vào thư mục của chương và dẫn bằng đường dẫn tương đối, "
                            "ví dụ ![Mô tả](anh/le-chao-co.jpg)", "warning", "book-image-outside")
                )
                return None
            if found is None:
                self.problems.append(
                    Problem(source, line, f"không tìm thấy ảnh '{src}' (đã tìm cạnh tệp và trong docs/); "
                            "ảnh bị bỏ khỏi sách PDF. Kiểm tra tên tệp ảnh và đường dẫn", "warning", "book-image")
                )
                return None
            copy = self.derivative(found, source, line)
            if copy is not None:
                looked.append((None, copy.name))
            return copy

        return resolve

    def derivative(self, original: Path, source: str, line: int | None) -> Path | None:
        """A JPEG at most PRINT_IMAGE_PX on its long side, named by the original's content hash."""
        data = original.read_bytes()
        digest = hashlib.sha256(data + f"{PRINT_IMAGE_PX}/{PRINT_JPEG_QUALITY}/srgb".encode()).hexdigest()[:20]
        target = self.cache / f"{digest}.jpg"
        store.retain(self.cache, {target.name}, prune_now=False)
        if target.is_file():
            return target
        try:
            with Image.open(original) as image:
                # The gallery's colour handling: ICC to sRGB, 16-bit, transparency over white.
                image = to_srgb(ImageOps.exif_transpose(image))
                image.thumbnail((PRINT_IMAGE_PX, PRINT_IMAGE_PX), Image.Resampling.LANCZOS)
                store.write_with(target, lambda tmp: image.save(tmp, "JPEG", quality=PRINT_JPEG_QUALITY, optimize=True))
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
            self.problems.append(
                Problem(source, line, f"không đọc được ảnh '{original.name}'; ảnh bị bỏ khỏi sách PDF. Mở ảnh và lưu lại dưới dạng JPEG",
                        "warning", "book-image")
            )
            return None
        return target


def _stamp(path: Path) -> list[int] | None:
    """Size and modification time of a file (None when there is none): how the chapter cache sees a change."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns] if path.is_file() else None


def _line_of(body: str, needle: str, body_line: int) -> int | None:
    for offset, text in enumerate(body.splitlines()):
        if needle in text:
            return body_line + offset
    return None


# --- Documents --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookTitle:
    """The book's title and years, from ``book.title`` and ``book.years`` or from the published chapters."""

    title: str  # "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương"
    years: str  # "1952 – 2020"

    @property
    def full(self) -> str:
        """The title as the PDF, the downloads page and the file name give it."""
        if not self.years or years_given(self.title, self.years):
            return self.title
        return f"{self.title} giai đoạn {self.years}"

    @property
    def stem(self) -> str:
        return slugify(self.full) or "lich-su"


def _years_key(text: str) -> str:
    """One form of every dash, so "1952 – 2020", "1952-2020" and "1952 - 2020" compare equal."""
    return re.sub(r"\s*[–—-]\s*", "-", text)


def years_given(title: str, period: str) -> bool:
    """Whether ``title`` already states ``period`` (then it is not printed again after it)."""
    return _years_key(period) in _years_key(title)


def book_title(content: "Content", settings: "KyniemConfig") -> BookTitle:
    chapters = content.published
    title = nfc(" ".join(settings.book.title.split())) or f"Lịch sử {settings.organization}"
    years = nfc(" ".join(settings.book.years.split()))
    if not years:
        if chapters:
            start, end = min(c.start for c in chapters), max(c.end for c in chapters)
        else:
            start, end = int(settings.founded[:4]), int(settings.anniversary[:4])
        years = str(start) if start == end else f"{start} – {end}"
    return BookTitle(title, years)


def book_file(content: "Content", settings: "KyniemConfig", edition: str = "screen") -> str:
    """Site path of the book: ``tai-ve/lich-su-…-1952-2020.pdf``, the print-shop edition ``…-in-an.pdf``."""
    suffix = PRINT_SUFFIX if edition == "print" else ""
    return f"{DOWNLOADS_DIR}/{book_title(content, settings).stem}{suffix}.pdf"


def with_period(title: str, period: str) -> str:
    """"Title (1952 – 1954)", unless the title already gives these years."""
    return title if years_given(title, period) else f"{title} ({period})"


def print_environment() -> jinja2.Environment:
    """The Jinja environment of every printed document (book, handouts, quiz set, ceremony programme)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["with_period"] = with_period
    env.filters["years_in"] = years_given
    return env


def _fonts() -> dict[str, str]:
    """file:// URLs of the bundled fonts, for @font-face in the print stylesheets."""
    return {path.stem: path.as_uri() for path in FONTS.glob("*.ttf")}


def common_values(settings: "KyniemConfig") -> dict[str, object]:
    """What every printed document's templates show of the organization, and its fonts."""
    founded, anniversary = settings.founded, settings.anniversary
    return {
        "organization": settings.organization,
        "committee": settings.committee,
        "founded": format_date(founded),
        "anniversary": format_date(anniversary),
        "years": int(anniversary[:4]) - int(founded[:4]),
        "fonts": _fonts(),
        "version": __version__,
        "build_date": _DATE_MARK,
    }


def content_roots(content: "Content", settings: "KyniemConfig") -> tuple[Path, ...]:
    """The folders a PDF may read from: the content folders and kyniem's own assets and templates."""
    root = content.root
    return (root / "docs", root / settings.history_dir, root / settings.gallery_dir, root / settings.slogans_dir)


def _readable(content: "Content", settings: "KyniemConfig", image_cache: Path) -> tuple[Path, ...]:
    return (*content_roots(content, settings), image_cache, FONTS.parent, TEMPLATES)


def _clean(body: str, content: "Content", settings: "KyniemConfig", image_cache: Path,
           problems: list[Problem], source: str) -> str:
    """The site's raw-HTML policy, applied to print (file: images only from the readable folders);
    what it removes is named in ``problems``, as the site names it."""
    policy = htmlpolicy.policy(settings.html.iframe_hosts, _readable(content, settings, image_cache))
    problems.extend(policy.findings(body, source))
    return policy.clean(body)


def print_phrases(settings: "KyniemConfig") -> tuple[str, ...]:
    """The names kept on one line in the book and handouts (see kyniem/typeset.py)."""
    return phrases_for(settings.organization, settings.keep_together)


def finish_text(html: str, settings: "KyniemConfig") -> str:
    """NFC, and the no-break rules applied to every visible text of the document."""
    return nobr_html(nfc(html), print_phrases(settings), PRINT_PHRASE_CHARS)


def page_format(page_size: str) -> str:
    """"17,6 × 25 cm": the trimmed size, as a colophon states it."""
    width, height = PAGE_MM[page_size]
    return f"{width / 10:g} × {height / 10:g} cm".replace(".", ",")


@dataclass
class BookLayout:
    """The book as separately rendered parts: each chapter and the back matter start on a right-hand page
    whatever comes before them, so each is rendered once and reused until its own HTML changes.

    ``front`` is the one part that depends on where the others fall: the front matter (cover, title
    page, table of contents with page numbers); it is the only part set for the edition's sheet. ``digits`` is a sheet of the ten digits set where a
    folio goes, on a right-hand and a left-hand page; the folios are drawn from it."""

    body: list[tuple[str, Packed]]  # (what it is, for messages; HTML) of each chapter, then the appendices
    # The parts that go on from the one before on its next page (pieces of the timeline), by their index in
    # ``body``: their HTML to start on a left-hand page (``body`` has it for a right-hand one).
    left: dict[int, Packed]
    colophon: str
    blank: str
    front: Callable[[dict[str, int]], str]  # anchor id -> page number, to the front matter's HTML
    digits: str
    anchors: list[str]  # the ids the table of contents gives numbers for
    frame: str | None = None  # the print-shop edition: a blank page of its sheet (bleed, crop marks)


def _css_string(text: str) -> Markup:
    """``text`` as the inside of a CSS string in a <style> element (quotes, backslashes and '<' escaped)."""
    escaped = re.sub(r'[\\"<\n]', lambda m: f"\\{ord(m.group()):X} ", text)
    return Markup(escaped)


# The layout of the last book laid out: both editions of one build share it (only their front matter differs).
_LAID_OUT: list[tuple["Content", "KyniemConfig", Path, "_SharedLayout"]] = []


def forget_layout() -> None:
    """Let go of the last book laid out, once both editions are made: at 1,000 chapters its HTML is about
    30 MB, which the build would otherwise hold through its last stages, beside their workers."""
    _LAID_OUT.clear()


class Packed:
    """A part's HTML as the layout keeps it, compressed: a layout of 1,000 chapters holds about 30 MB of HTML
    (Python's two bytes a letter), which stayed in the build beside the book's workers; ``str()`` gives it back."""

    __slots__ = ("data",)

    def __init__(self, html: str) -> None:
        self.data = zlib.compress(html.encode("utf-8"), 1)

    def __str__(self) -> str:
        return zlib.decompress(self.data).decode("utf-8")


@dataclass
class _SharedLayout:
    """What both editions' layouts are made of; ``part`` renders a named part for a sheet with ``margin`` mm of bleed."""

    body: list[tuple[str, Packed]]
    left: dict[int, Packed]
    colophon: str
    blank: str
    digits: str
    anchors: list[str]
    part: Callable[..., str]
    problems: list[Problem]


def book_layout(content: "Content", settings: "KyniemConfig", image_cache: Path,
                edition: str = "screen") -> tuple[BookLayout, list[Problem]]:
    """The book's parts as HTML documents (the build date left as a mark to fill in).

    ``edition`` "print" sets the front matter on the print-shop sheet (bleed, crop marks) and adds
    that sheet's blank page as ``frame``; every other part is the screen edition's, so both editions
    have the same pages and page numbers (and one build lays the chapters out once for both).
    """
    memo = next((m for c, s, i, m in _LAID_OUT if c is content and s is settings and i == image_cache), None)
    if memo is None:
        memo = _shared_layout(content, settings, image_cache)
        _LAID_OUT[:] = [(content, settings, image_cache, memo)]
    bleed = float(settings.book.bleed) if edition == "print" else 0.0
    part = memo.part
    layout = BookLayout(
        body=memo.body,
        left=memo.left,
        colophon=memo.colophon,
        blank=memo.blank,
        front=lambda pages: part("front", margin=bleed, pages=pages),
        digits=memo.digits,
        anchors=memo.anchors,
        frame=part("blank", margin=bleed) if bleed else None,
    )
    return layout, list(memo.problems)


def _shared_layout(content: "Content", settings: "KyniemConfig", image_cache: Path) -> _SharedLayout:
    problems: list[Problem] = []
    chapters = content.published
    rendered = [{"number": number, "id": f"chuong-{chapter.slug}", "chapter": chapter, "body": ""}
                for number, chapter in enumerate(chapters, start=1)]
    events = sorted(((e, c) for c in chapters for e in c.events), key=lambda pair: pair[0].sort_key)
    title = book_title(content, settings)
    options = settings.book
    env = print_environment()

    # Every page but the front matter is set as on screen: the print-shop edition draws them on its larger
    # sheet, with the bleed and crop marks of its "frame" page (see _finish_pages), so both editions share them.
    @functools.cache
    def style(layer: str, margin: float) -> str:
        return env.get_template("book.css").render(
            page_size=options.page_size, bleed=margin, marks=MARKS_MM if margin else 0, layer=layer,
            booktitle=_css_string(title.title), folio_pt=FOLIO_PT, **common_values(settings))

    colophon = {
        "internal": options.internal,
        "responsible": nfc(options.responsible.strip()),
        "compilers": [nfc(name.strip()) for name in options.compilers if name.strip()],
        "print_run": options.print_run,
        "printer": nfc(options.printer.strip()),
        "license": nfc(options.license.strip()),
        "format": page_format(options.page_size),
    }
    values = {
        "title": title.title,
        "full_title": title.full,
        "cover_years": title.years,
        "chapters": rendered,
        "events": events,
        "sourced": [c for c in chapters if c.sources],
        "congresses": content.people.congresses,
        "secretaries": content.people.secretaries,
        "people_notices": content.people.notices,
        "colophon": colophon,
        **common_values(settings),
    }
    template = env.get_template("book.html")

    def part(name: str, layer: str = "content", margin: float = 0.0, **more: object) -> str:
        html = template.render(css=style(layer, margin), part=name, **{**values, "chapter": None, "pages": {},
                                                                        "timeline": [], "continued": False,
                                                                        "starts_left": False, **more})
        return finish_text(html, settings)

    body = [(f"chương {item['number']} ({item['chapter'].source})", Packed(html))
            for item, html in zip(rendered, _chapter_parts(rendered, part, content, settings, image_cache, problems))]
    anchors = [item["id"] for item in rendered]
    left: dict[int, Packed] = {}
    for index, piece in enumerate(_timeline_pieces(events)):
        if index:
            left[len(body)] = Packed(part("timeline", timeline=piece, continued=True, starts_left=True))
        body.append((f"phụ lục: biên niên sự kiện ({index + 1})",
                     Packed(part("timeline", timeline=piece, continued=index > 0))))
    if values["congresses"] or values["sourced"]:
        body.append(("phụ lục", Packed(part("back"))))
    anchors += (["bien-nien-su-kien"] if events else []) + (
        ["cac-ky-dai-hoi", "ban-chap-hanh"] if values["congresses"] else []) + (
        ["tai-lieu-tham-khao"] if values["sourced"] else [])
    return _SharedLayout(body=body, left=left, colophon=part("colophon"), blank=part("blank"),
                         digits=part("digits", layer="digits"), anchors=anchors, part=part, problems=problems)


def _timeline_pieces(events: list) -> list[list]:
    """The timeline's (event, chapter) pairs in pieces of about TIMELINE_PART_CHARS letters, rendered as parts of
    their own: WeasyPrint's memory grows with the pages of one document, and the timeline grows with the history."""
    pieces: list[list] = []
    size = 0
    for pair in events:
        event = pair[0]
        length = len(event.display) + len(event.title) + len(event.text or "")
        if not pieces or size + length > TIMELINE_PART_CHARS:
            pieces.append([])
            size = 0
        pieces[-1].append(pair)
        size += length
    return pieces


def _chapter_parts(items: list[dict], part: Callable[..., str], content: "Content", settings: "KyniemConfig",
                   image_cache: Path, problems: list[Problem]) -> list[str]:
    """The HTML of each chapter's part, from the cache when nothing it is made of changed.

    Laying out 300 chapters (Markdown, the site's HTML policy, the no-break pass) takes seconds; a
    chapter's part is kept under the hash of its own text and of the page around it (a chapter part
    rendered with an empty chapter stands for the templates, styles and settings), with the images it
    looked for (a changed, added or removed image file makes it again) and the warnings it gave."""
    folder = image_cache.parent / "book-chapters"
    phrases = print_phrases(settings)
    images = _Images(content.root, image_cache, problems, content_roots(content, settings))
    empty = {"number": 0, "id": "", "body": "", "chapter": _EmptyChapter()}
    around = [__version__, part("chapter", chapter=empty), phrases, list(settings.html.iframe_hosts),
              [str(p) for p in _readable(content, settings, image_cache)]]
    parts, kept = [], set()
    for item in items:
        chapter = item["chapter"]
        text = footnote_references(chapter.body, content.archive)
        key = hashlib.sha256(json.dumps([*around, item["number"], chapter.slug, chapter.title, chapter.period_label,
                                         chapter.summary, str(chapter.path), chapter.source, chapter.body_line, text],
                                        ensure_ascii=False).encode()).hexdigest()[:32]
        entry = folder / f"{key}.json"
        kept.add(entry.name)
        known = _cached_chapter(entry, image_cache)
        if known is None:
            looked: list = []
            start = len(problems)
            resolve = images.resolver(chapter.path, chapter.source, chapter.body, chapter.body_line, looked)
            item["body"] = _clean(markdown_to_print_html(text, chapter.slug, resolve, phrases), content, settings,
                                  image_cache, problems, chapter.source)
            known = {"html": part("chapter", chapter=item), "looked": looked,
                     "problems": [p.as_dict() for p in problems[start:]]}
            item["body"] = ""  # in the part now: the layout keeps the part (10 MB of bodies at 1,000 chapters)
            store.write_text(entry, json.dumps(known, ensure_ascii=False))
        else:
            problems.extend(Problem(p["file"], p["line"], p["message"], p["severity"], p["code"])
                            for p in known["problems"])
        parts.append(known["html"])
    store.retain(folder, kept)
    return parts


class _EmptyChapter:
    """A chapter with no text: its part is the page around every chapter, for the chapter cache's key."""

    title = period_label = summary = ""


def _cached_chapter(entry: Path, image_cache: Path) -> dict | None:
    """A chapter's cached part, if every image file it looked for is as it was and its print copies are kept."""
    try:
        known = json.loads(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    copies = []
    for path, stamp in known["looked"]:
        if path is None:
            copies.append(stamp)
        elif _stamp(Path(path)) != stamp:
            return None
    if not all((image_cache / name).is_file() for name in copies):
        return None
    store.retain(image_cache, copies, prune_now=False)
    return known


def handout_html(outline: "Outline", content: "Content", settings: "KyniemConfig", image_cache: Path) -> tuple[str, list[Problem]]:
    """One outline laid out as a party document (Hướng dẫn 36-HD/VPTW), large enough to read aloud."""
    problems: list[Problem] = []
    images = _Images(content.root, image_cache, problems, content_roots(content, settings))
    resolve = images.resolver(outline.path, outline.source, outline.body, outline.body_line)
    env = print_environment()
    css = env.get_template("handout.css").render(**common_values(settings))
    kind, excerpt = document_kind(outline.title)
    html = env.get_template("handout.html").render(
        css=css,
        outline=outline,
        kind=kind,
        excerpt=excerpt,
        **doc_header(settings, outline.number, outline.date),
        body=_clean(markdown_to_print_html(footnote_references(outline.body, content.archive), outline.slug, resolve,
                                           print_phrases(settings)), content, settings, image_cache,
                    problems, outline.source),
        slogans=content.slogans,
        **common_values(settings),
    )
    return finish_text(html, settings), problems


def doc_header(settings: "KyniemConfig", number: str | None, date: str | None) -> dict[str, object]:
    """The values of print/doc_header.html: issuing committee, the one above it, number, place and date."""
    return {
        "issuer": nfc(settings.book.issuer.strip()) or settings.committee,
        "issuer_above": nfc(settings.book.issuer_above.strip()),
        "number": number,
        "place_date": place_and_date(settings.book.place, date),
    }


_KINDS = ("Đề cương tuyên truyền", "Đề cương giới thiệu", "Đề cương", "Hướng dẫn", "Kế hoạch", "Thông báo")


def document_kind(title: str) -> tuple[str, str]:
    """(kind of document, excerpt): "Đề cương tuyên truyền kỷ niệm 70 năm…" -> ("Đề cương tuyên truyền", "Kỷ niệm 70 năm…").

    A party document states its kind on one line in capitals and what it is about below it.
    """
    title = " ".join(title.split())
    for kind in _KINDS:
        if title.lower().startswith(kind.lower()) and (len(title) == len(kind) or not title[len(kind)].isalnum()):
            rest = title[len(kind):].strip(" :–-,")
            return kind, rest[:1].upper() + rest[1:]
    return "Đề cương tuyên truyền", title


def place_and_date(place: str, value: str | None) -> str:
    """"Hải Dương, ngày 10 tháng 01 năm 2022", as 36-HD/VPTW writes it (a 0 before days under 10 and months 1, 2)."""
    place = nfc(" ".join(place.split()))
    parsed = None
    if value:
        match = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", value)
        parsed = match.groups() if match else None
    if parsed is None:
        shown = _DATE_WORDS_MARK
    else:
        year, month, day = parsed
        month_text = f"{int(month):02d}" if month and int(month) <= 2 else (str(int(month)) if month else "")
        shown = " ".join(part for part in (
            f"ngày {day}" if day else "", f"tháng {month_text}" if month else "", f"năm {year}") if part)
    return f"{place}, {shown}" if place else shown[:1].upper() + shown[1:]


# --- Rendering with a cache -------------------------------------------------------------------


def build_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


@functools.cache
def weasyprint_version() -> str:
    """WeasyPrint's version from its package metadata, for cache keys, without importing it."""
    return importlib.metadata.version("weasyprint")


def print_boxes(bleed_mm: float, user_unit: float = 1.0) -> Callable:
    """A WeasyPrint finisher: TrimBox/BleedBox for a bleed of ``bleed_mm`` and, when above 1, /UserUnit.

    WeasyPrint puts the TrimBox at the CSS page box but caps the BleedBox at 10 pt
    and does not scale either by the zoom; the CSS bleed here also holds the crop
    marks, so both boxes are set from the MediaBox and the known margins.
    """
    import pydyf

    def finish(document: object, pdf: "pydyf.PDF") -> None:
        pages = [o for o in pdf.objects if isinstance(o, pydyf.Dictionary) and o.get("Type") == "/Page"]
        for page, source in zip(pages, document.pages):  # type: ignore[attr-defined]
            left, top, right, bottom = (float(v) for v in page["MediaBox"])
            scale = (right - left) / (source.width + source.bleed["left"] + source.bleed["right"])
            trim = [left + source.bleed["left"] * scale, top + source.bleed["top"] * scale,
                    right - source.bleed["right"] * scale, bottom - source.bleed["bottom"] * scale]
            grow = bleed_mm / 25.4 * 72 / user_unit
            page["TrimBox"] = pydyf.Array(trim)
            page["BleedBox"] = pydyf.Array([max(left, trim[0] - grow), max(top, trim[1] - grow),
                                            min(right, trim[2] + grow), min(bottom, trim[3] + grow)])
            if user_unit != 1:
                page["UserUnit"] = user_unit

    return finish


def fill_dates(html: str) -> str:
    """The build date written into a document's date marks (today, or SOURCE_DATE_EPOCH's day)."""
    today = build_date()
    # An undated document leaves day and month blank, to be written in by hand when it is signed.
    blank = "\u00a0" * 6
    return html.replace(_DATE_MARK, format_date(today.isoformat())).replace(
        _DATE_WORDS_MARK, f"ngày{blank}tháng{blank}năm\u00a0{today.year}")


def render_cached(html: str, cache: Path, base_url: Path, *, bleed_mm: float = 0.0,
                  readable: tuple[Path, ...] = (), refused: list[str] | None = None) -> tuple[Path, int, bool]:
    """The PDF of ``html`` in ``cache``, rendered only when the cache lacks this very HTML.

    Returns (pdf, pages, cached). ``cache`` is a folder kept for one document:
    older renders in it are removed, so it never grows. Every PDF declares sRGB: its
    colours are tagged with the sRGB profile, which is also its output intent. WeasyPrint
    reads only files under ``readable`` (kyniem's fonts and templates always); every other
    address it asks for is added to ``refused`` (also when the PDF comes from the cache).
    """
    filled = fill_dates(html)
    # The date printed in the PDF is part of its bytes, so part of the key (SOURCE_DATE_EPOCH).
    key = hashlib.sha256(f"{__version__}\n{weasyprint_version()}\n{bleed_mm}\n{filled}".encode()).hexdigest()[:32]
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    refused = refused if refused is not None else []
    if pdf.is_file() and meta.is_file():
        store.retain(cache, {pdf.name, meta.name})
        known = json.loads(meta.read_text(encoding="utf-8"))
        refused.extend(known.get("refused", []))
        return pdf, int(known["pages"]), True
    # In the build's print worker (store.apart): WeasyPrint's memory leaves with it.
    pages, asked = store.run_apart(_render_document, filled, pdf, base_url, readable, bleed_mm)
    refused.extend(asked)
    store.write_text(meta, json.dumps({"pages": pages, "refused": sorted(set(refused))}))
    store.retain(cache, {pdf.name, meta.name})
    return pdf, pages, False


def _render_document(html: str, pdf: Path, base_url: Path, readable: tuple[Path, ...],
                     bleed_mm: float) -> tuple[int, list[str]]:
    """Write the PDF of ``html``; its page count and the addresses WeasyPrint was refused."""
    weasyprint = weasyprint_loader.load()  # loaded here: slow to import, and only needed when rendering

    refused: list[str] = []
    fetcher = htmlpolicy.confined_fetcher((*readable, FONTS.parent, TEMPLATES), refused)
    document = weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=fetcher).render(output_intent="srgb")
    finisher = print_boxes(bleed_mm) if bleed_mm else None
    store.write_with(pdf, lambda tmp: document.write_pdf(tmp, finisher=finisher, output_intent="srgb"))
    return len(document.pages), refused


# --- The book in parts ------------------------------------------------------------------------
#
# WeasyPrint lays out a whole document at once: a 1,300-page book took over a minute and
# 700 MB for any edit. The book is therefore rendered part by part (front matter, each chapter,
# the appendices, the colophon), each part cached under the hash of its own HTML and rendered
# in worker processes. Every part after the front matter starts on a right-hand page, so its
# pages do not depend on where it falls in the book; only the folios do, and they are drawn
# on the merged pages from digits rendered once in the folio's place. The front matter is
# rendered last, with the real page numbers in its contents. The parts are merged with qpdf.


@dataclass(frozen=True)
class _Job:
    """One part to render in a worker: its HTML (dates filled) and where its PDF goes."""

    html: str
    pdf: str
    base_url: str
    readable: tuple[str, ...]
    bleed_mm: float


class _Stopped(Exception):
    """A worker was told to stop (the build was interrupted) while it was writing."""


_BUSY = False


def _worker_stop(signum: int, frame: object) -> None:
    if _BUSY:
        raise _Stopped  # unwinds through store.write_with, which removes its temporary file
    os._exit(1)


def _worker_start() -> None:
    """Worker initializer: die with the build, leave Ctrl+C to the build, stop cleanly when it says so."""
    store.die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_stop)


def part_workers(count: int) -> "contextlib.AbstractContextManager[ProcessPoolExecutor]":
    """Worker processes to render the book's parts in (and merge them: ``build_book(apart=...)``)."""
    return store.worker_pool(count, initializer=_worker_start)


def _render_in_worker(job: _Job) -> dict:
    global _BUSY
    _BUSY = True
    try:
        return _render_part(job)
    except _Stopped:
        os._exit(1)
    finally:
        _BUSY = False
        # A worker that laid out the 100-page timeline of a 300-chapter book otherwise keeps its 240 MB
        # (160 MB after this) while it renders chapters.
        store.release_memory()


def _render_part(job: _Job) -> dict:
    """Render one part: its PDF, then its record (pages, which pages carry a folio, where its anchors are).

    The record is written last, so a part counts as cached only when both files are whole.
    Fonts are embedded whole (not subset per part), so the merged book holds each font once."""
    weasyprint = weasyprint_loader.load()  # loaded here: slow to import, and only needed when rendering

    started = time.perf_counter()
    refused: list[str] = []
    fetcher = htmlpolicy.confined_fetcher((*map(Path, job.readable), FONTS.parent, TEMPLATES), refused)
    html, sheet, font_config = _parsed_style(job)
    refused.extend(sheet[1])
    document = weasyprint.HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
        stylesheets=[sheet[0]], font_config=font_config, output_intent="srgb")
    kinds = [page._page_box.page_type for page in document.pages]  # noqa: SLF001 (no public API for it)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:  # an element over several pages is an anchor on each: the first counts
            anchors.setdefault(name, index)
    record = {
        "pages": len(document.pages),
        "numbered": [not kind.blank and kind.name not in ("front", "cover") for kind in kinds],
        "anchors": anchors,
        "refused": sorted(set(refused)),
    }
    finisher = print_boxes(job.bleed_mm) if job.bleed_mm else None
    pdf = Path(job.pdf)
    with font_tables.reused():  # the same fonts in every part: their tables are made once per worker
        store.write_with(pdf, lambda tmp: document.write_pdf(tmp, finisher=finisher, output_intent="srgb",
                                                             full_fonts=True))
    record["seconds"] = round(time.perf_counter() - started, 3)
    store.write_text(pdf.with_suffix(".json"), json.dumps(record, sort_keys=True))
    return record


# A part's stylesheet (book.css and its @font-face rules, the same in every chapter), parsed once per process:
# parsing it and loading its fonts again for every part took 4-11 % of a chapter's CPU time (12 chapters, interleaved).
_STYLE = re.compile(r"<style>\n(.*?)\n</style>", re.S)
_SHEETS: dict[tuple[str, str, tuple[str, ...]], tuple[object, list[str]]] = {}
_FONT_CONFIG: list[object] = []  # the process's one FontConfiguration, which the parsed fonts belong to


def _parsed_style(job: _Job) -> tuple[str, tuple[object, list[str]], object]:
    """The part's HTML without its stylesheet; the stylesheet parsed (and the addresses it was refused);
    the font configuration it was parsed with. Rendered with it as the user's stylesheet, the part looks the
    same: book.css is its only author style, and it holds no !important rule that could rank otherwise."""
    weasyprint = weasyprint_loader.load()
    from weasyprint.text.fonts import FontConfiguration

    match = _STYLE.search(job.html)
    if not _FONT_CONFIG:
        _FONT_CONFIG.append(FontConfiguration())
    if match is None:  # every part has one (print/head.html); nothing to take out otherwise
        return job.html, (weasyprint.CSS(string=""), []), _FONT_CONFIG[0]
    key = (match.group(1), job.base_url, job.readable)
    if key not in _SHEETS:
        if len(_SHEETS) >= 8:  # a process renders a handful of distinct ones (chapters, front matter, sheets)
            _SHEETS.clear()
        refused: list[str] = []
        fetcher = htmlpolicy.confined_fetcher((*map(Path, job.readable), FONTS.parent, TEMPLATES), refused)
        _SHEETS[key] = (weasyprint.CSS(string=match.group(1), base_url=job.base_url, url_fetcher=fetcher,
                                       font_config=_FONT_CONFIG[0]), refused)
    return job.html[:match.start()] + job.html[match.end():], _SHEETS[key], _FONT_CONFIG[0]


class _Parts:
    """The cached parts of the book, and the worker processes that render the missing ones.

    A part is kept in the folder of the edition it belongs to: the pages of both editions in the
    screen edition's folder, the print-shop edition's own front matter (its cover bleeds) in its own."""

    def __init__(self, base_url: Path, readable: tuple[Path, ...], workers: int,
                 lent: ProcessPoolExecutor | None = None) -> None:
        self.base_url = base_url
        self.readable = readable
        self.workers = workers
        self.lent = lent  # a worker lent by the caller: every part is rendered there, none in this process
        self.records: dict[str, dict] = {}
        self.paths: dict[str, Path] = {}
        self.pending: dict[str, tuple[str, float]] = {}
        self.rendered: set[str] = set()
        self.render_seconds = 0.0
        self._pool: ProcessPoolExecutor | None = None

    @staticmethod
    def _key(filled: str, bleed_mm: float) -> str:
        return hashlib.sha256(f"{__version__}\nbook-part\n{weasyprint_version()}\n{bleed_mm}\n{filled}"
                              .encode()).hexdigest()[:32]

    def has(self, html: Packed, folder: Path) -> bool:
        """Whether this part (no bleed) is rendered already: in this build or in the cache."""
        key = self._key(fill_dates(str(html)), 0.0)
        return key in self.records or ((folder / f"{key}.json").is_file() and (folder / f"{key}.pdf").is_file())

    def add(self, html: str | Packed, folder: Path, bleed_mm: float = 0.0) -> str:
        """The key of a part; it is rendered by the next :meth:`render` unless the cache has it."""
        filled = fill_dates(str(html))
        key = self._key(filled, bleed_mm)
        if key in self.records or key in self.pending:
            return key
        self.paths[key] = folder / f"{key}.pdf"
        meta = folder / f"{key}.json"
        if meta.is_file() and self.paths[key].is_file():
            self.records[key] = json.loads(meta.read_text(encoding="utf-8"))
        else:
            self.pending[key] = (filled, bleed_mm)
        return key

    def pdf(self, key: str) -> Path:
        return self.paths[key]

    def retain(self, keys: set[str], folder: Path, *, prune_now: bool = True) -> None:
        """Keep these parts of ``folder`` (the other parts there may go; see store.retain)."""
        store.retain(folder, {f"{key}{suffix}" for key in keys if self.paths[key].parent == folder
                              for suffix in (".pdf", ".json")}, prune_now=prune_now)

    def render(self, label: str) -> None:
        """Render every pending part, with progress; Ctrl+C stops the workers and keeps what is done."""
        if not self.pending:
            return
        jobs = {key: _Job(html, str(self.pdf(key)), str(self.base_url), tuple(map(str, self.readable)), bleed)
                for key, (html, bleed) in self.pending.items()}
        self.pending = {}
        if self.lent is None:  # what laying the book out freed goes back before workers start beside this process
            store.release_memory()
        started = time.perf_counter()
        done = 0
        try:
            for key, record in track(self._map(jobs), label, len(jobs), unit="phần"):
                self.records[key] = record
                self.rendered.add(key)
                done += 1
        except KeyboardInterrupt:
            log.warning("kyniem: đã dừng theo yêu cầu (Ctrl+C): %d/%d phần của sách đã dựng được giữ trong bộ nhớ "
                        "đệm, lần dựng sau sẽ dùng lại", done, len(jobs))
            self.close(stop=True)
            raise
        except BaseException:
            self.close(stop=True)
            raise
        finally:
            self.render_seconds += time.perf_counter() - started

    def _map(self, jobs: dict[str, _Job]) -> Iterator[tuple[str, dict]]:
        """(key, record) of each job as it is done: by the worker lent to the book made ahead, else by the
        workers, also a lone job (an edited chapter, the contents), so that WeasyPrint's heap never stays in the
        build, which merges the book next (qpdf)."""
        if self.lent is not None:
            return self._lent(jobs)
        return self._batches(jobs)

    def _lent(self, jobs: dict[str, _Job]) -> Iterator[tuple[str, dict]]:
        assert self.lent is not None
        futures = {self.lent.submit(_render_in_worker, job): key for key, job in jobs.items()}
        for future in as_completed(futures):
            yield futures[future], future.result()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=store.worker_context(),
                                   initializer=_worker_start)

    def _batches(self, jobs: dict[str, _Job]) -> Iterator[tuple[str, dict]]:
        """The jobs in batches of PARTS_PER_WORKER per worker, each batch in fresh processes (not the
        executor's max_tasks_per_child, which can hang on Python 3.11), the longest parts first."""
        ordered = sorted(jobs.items(), key=lambda item: -len(item[1].html))
        # A part as long as the timeline of a long history is rendered while no other worker runs: laying out
        # 100 pages takes a worker to 230 MB, and the build's memory is the sum (one worker starts per job
        # waiting, so the pool has one process then). Its worker then ends: even after store.release_memory its
        # fragmented heap keeps ~135 MB, against ~80 MB for a fresh worker rendering chapters.
        lone = [[item] for item in ordered if len(item[1].html) > LONE_PART_CHARS]
        rest = ordered[len(lone):]
        size = PARTS_PER_WORKER * self.workers
        batches = [*lone, *(rest[start:start + size] for start in range(0, len(rest), size))]
        for index, batch in enumerate(batches):
            if self._pool is None:
                self._pool = self._start()
            futures = {self._pool.submit(_render_in_worker, job): key for key, job in batch}
            for future in as_completed(futures):
                yield futures[future], future.result()
            if index + 1 < len(batches):
                self.close()  # every future is done: the workers are idle and exit at once

    def close(self, stop: bool = False) -> None:
        """End the worker processes: at once (``stop``) or after their work."""
        pool, self._pool = self._pool, None  # first, so Ctrl+C during a recycle finds no half-closed pool
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor has no public handle
        if not stop:
            try:
                pool.shutdown()
                return
            except BaseException:  # Ctrl+C while waiting for the workers: end them, then go on stopping
                store.stop_pool(pool, processes)
                raise
        store.stop_pool(pool, processes)


def _add_body(parts: _Parts, layout: BookLayout, folder: Path) -> list[str]:
    """The keys of the book's body parts. A piece of the timeline is first taken as it was rendered last (either
    side), else for a right-hand page."""
    return [parts.add(layout.left[index] if index in layout.left and parts.has(layout.left[index], folder)
                      else html, folder) for index, (_, html) in enumerate(layout.body)]


def _on_their_sides(parts: _Parts, layout: BookLayout, body: list[str], folder: Path) -> list[str]:
    """``body`` (the keys of the rendered parts) with each piece of the timeline set for the side of the page it
    falls on, rendering again the pieces that fell on the other side. A piece has as many pages on either side
    (left and right pages have the same text width), so one more round puts them right; more rounds only if not."""
    body = list(body)
    for _ in range(len(layout.left) + 1):
        offset, moved = 0, False
        for index, (_, right) in enumerate(layout.body):
            record = parts.records[body[index]]  # every part of ``body`` is rendered by now
            if index in layout.left:
                key = parts.add(layout.left[index] if offset % 2 else right, folder)
                moved |= key != body[index]
                body[index] = key
                record = parts.records.get(key, record)  # until it is rendered, counted as on the other side
            offset += record["pages"] if index + 1 in layout.left else _padded(record["pages"])
        if not moved:
            return body
        parts.render("Sách lịch sử: biên niên")  # every piece that moved, at once
    return body


def _padded(pages: int) -> int:
    """Pages a part takes when the next one must start on a right-hand (odd) page."""
    return pages + pages % 2


def _merge(sequence: list[Path], numbered: list[bool], digits: Path, target: Path, groups: Path,
           framed: list[bool] | None = None, frame: Path | None = None) -> None:
    """Put the parts' pages together in one PDF (qpdf, through pikepdf), then stamp each page's folio.

    qpdf holds every part it merges in memory, so the parts after the front matter are merged
    MERGE_GROUP at a time, and those groups into the book: memory stays bounded whatever the number
    of chapters. Each group is kept in ``groups`` under the keys of its parts, so an edit merges
    again only its own group, and both editions (which share every part but the front matter) share
    the groups."""
    level = list(sequence[:1])
    for chunk, group in _groups(sequence, groups):
        if group is None:
            level.extend(chunk)
            continue
        if not group.is_file():
            _combine(chunk, group)
        level.append(group)
    with store.scratch_folder(target.parent) as scratch:
        while len(level) > MERGE_GROUP:  # beyond MERGE_GROUP² parts: groups of groups, not kept
            chunks = [level[start:start + MERGE_GROUP] for start in range(0, len(level), MERGE_GROUP)]
            level = [scratch / f"{len(level)}-{index}.pdf" for index in range(len(chunks))]
            for chunk, path in zip(chunks, level):
                _combine(chunk, path)
        _combine(level, target, numbered, digits, framed, frame)


def _groups(sequence: list[Path], folder: Path) -> list[tuple[list[Path], Path | None]]:
    """The parts after the front matter in groups of MERGE_GROUP, each with the file it is kept in
    (None: a book short enough to merge at once)."""
    rest = sequence[1:]
    if len(sequence) <= MERGE_GROUP:
        return [(rest, None)]
    chunks = [rest[start:start + MERGE_GROUP] for start in range(0, len(rest), MERGE_GROUP)]
    return [(chunk, folder / (hashlib.sha256("\n".join([__version__, "group", *(p.stem for p in chunk)]).encode())
                              .hexdigest()[:32] + ".pdf")) for chunk in chunks]


def _combine(sequence: list[Path], target: Path, numbered: list[bool] | None = None, digits: Path | None = None,
             framed: list[bool] | None = None, frame: Path | None = None) -> None:
    """One PDF of the pages of ``sequence``; with ``digits``, the book itself (folios stamped on it, and
    with ``frame`` the ``framed`` pages drawn on the print-shop sheet).

    Each part's bookmarks and named destinations come along, pointed at the merged pages (so the
    contents' links lead to their chapters). Every part embeds the same whole font files and width
    tables; the merged PDF keeps each once (qpdf writes only what is still referenced)."""
    import pikepdf
    from pikepdf import Array, Dictionary, NameTree, Pdf

    out = Pdf.new()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < len(sequence) + 256:  # qpdf reads each part until the end
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(len(sequence) + 256, hard), hard))
    sources = [Pdf.open(path) for path in sequence]
    bookmarks: list[pikepdf.OutlineItem] = []
    dests: dict[str, Array] = {}
    fonts = _BookFonts(out)
    for src in sources:
        offset = len(out.pages)
        index = {page.obj.objgen: i for i, page in enumerate(src.pages)}
        with warnings.catch_warnings():  # named destinations are moved below, with the pages they point at
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)  # type: ignore[attr-defined]
            fonts.copy_pages(src)

        def moved(dest: object, offset: int = offset, index: dict = index) -> Array | None:
            if not isinstance(dest, Array) or len(dest) < 2 or dest[0].objgen not in index:
                return None
            return Array([out.pages[offset + index[dest[0].objgen]].obj, *dest[1:]])

        if "/Names" in src.Root and "/Dests" in src.Root.Names:
            for name, dest in NameTree(src.Root.Names.Dests).items():
                if (new := moved(dest)) is not None:
                    dests[name] = new  # a chapter's id wins over the contents entry that links to it
        if "/Outlines" in src.Root:
            with src.open_outline() as items:
                bookmarks.extend(_moved_item(item, moved) for item in items.root)
    with out.open_outline() as outline:
        outline.root.extend(bookmarks)
    tree = NameTree.new(out)
    for name in sorted(dests):
        tree[name] = dests[name]
    out.Root.Names = Dictionary(Dests=tree.obj)
    head = sources[0]
    out.trailer.Info = out.copy_foreign(head.trailer.Info)
    for key in ("/Lang", "/OutputIntents", "/PageMode", "/ViewerPreferences", "/MarkInfo"):
        if key in head.Root:
            value = head.Root[key]
            out.Root[key] = out.copy_foreign(value if value.is_indirect else head.make_indirect(value))
    # A group is opened again by the next merge, which reads only the objects it copies when each is
    # stored on its own: in object streams, opening it would parse them all (1.9 MB for 40 chapters).
    streams = pikepdf.ObjectStreamMode.disable if digits is None else pikepdf.ObjectStreamMode.generate
    save = {"deterministic_id": True, "object_stream_mode": streams}
    if digits is None or numbered is None:
        _share_fonts(out)
        store.write_with(target, lambda tmp: out.save(tmp, **save))
    else:
        with Pdf.open(digits) as sheet, (Pdf.open(frame) if frame else Pdf.new()) as paper:
            _finish_pages(out, numbered, sheet, framed if frame else None, paper)
            _share_fonts(out)
            store.write_with(target, lambda tmp: out.save(tmp, **save))
    for src in sources:
        src.close()


class _BookFonts:
    """The fonts of a merged PDF, each copied once.

    Every part embeds the same fonts whole, each with its own font dictionaries, and qpdf holds each copy
    in memory until the merged PDF is written (at 1,000 chapters, 5 fonts' widths in each of 50 groups:
    140,000 numbers). So a source's fonts are taken out of its pages' resources before its pages are copied
    (in memory only: the source file is not written), and the copied pages are given the book's copy of
    each font. With whole fonts WeasyPrint derives a font's widths and Unicode map from its file alone, so a
    font is the same font when its name, descriptor and file are."""

    def __init__(self, out: "pikepdf.Pdf") -> None:
        self.out = out
        self.kept: dict[tuple[str, ...], object] = {}

    def copy_pages(self, src: "pikepdf.Pdf") -> None:
        """Append ``src``'s pages to the book, sharing the book's fonts."""
        from pikepdf import Dictionary

        digests: dict[tuple[int, int], str] = {}  # a font file read once per source
        taken: list[tuple[tuple[str, ...], dict[str, tuple[str, ...]]]] = []
        for page in src.pages:
            for path, resources in _resources(page.obj):
                names = {}
                for name, font in resources.get("/Font", {}).items():
                    key = self._key(font, digests)
                    if key is None:  # not a whole embedded font (a Type 3 one): copied as it is
                        continue
                    if key not in self.kept:
                        self.kept[key] = self.out.copy_foreign(font)
                    names[name] = key
                if names:
                    resources.Font = Dictionary({k: v for k, v in resources.Font.items() if k not in names})
                taken.append((path, names))
        offset = len(self.out.pages)
        self.out.pages.extend(src.pages)
        places = iter(taken)
        for page in self.out.pages[offset:]:
            for path, resources in _resources(page.obj):
                expected, names = next(places)
                assert path == expected  # the copies hold what the sources did, in the same order
                for name, key in names.items():
                    resources.Font[name] = self.kept[key]

    @staticmethod
    def _key(font: "pikepdf.Object", digests: dict[tuple[int, int], str]) -> tuple[str, ...] | None:
        from pikepdf import Dictionary, Object, Stream

        if not isinstance(font, Dictionary):
            return None
        descendants = font.get("/DescendantFonts")
        if descendants is None or len(descendants) != 1:
            return None
        descriptor = descendants[0].get("/FontDescriptor")
        if not isinstance(descriptor, Dictionary):
            return None
        files = [name for name in ("/FontFile2", "/FontFile3", "/FontFile") if name in descriptor]
        if len(files) != 1 or not isinstance(descriptor[files[0]], Stream):
            return None
        data = descriptor[files[0]]
        if data.objgen not in digests:
            digests[data.objgen] = hashlib.sha256(data.read_raw_bytes() + repr(sorted(
                (str(k), str(v)) for k, v in data.stream_dict.items())).encode()).hexdigest()
        plain = [f"{k}={v.unparse(resolved=True).decode('latin-1') if isinstance(v, Object) else v!r}"
                 for k, v in sorted(descriptor.items()) if k not in files]
        return (str(font.get("/BaseFont")), str(font.get("/Subtype")), str(descendants[0].get("/Subtype")),
                digests[data.objgen], *plain)


def _resources(page: "pikepdf.Object") -> list[tuple[tuple[str, ...], "pikepdf.Dictionary"]]:
    """A page's resource dictionaries, each with where it is: the page's own, then its forms'."""
    own = page.get("/Resources")
    if own is None:
        return []
    found = [((), own)]
    for name, form in sorted(own.get("/XObject", {}).items()):
        inner = form.get("/Resources") if form.get("/Subtype") == "/Form" else None
        if inner is not None:
            found.append(((name,), inner))
    return found


def _moved_item(item: "pikepdf.OutlineItem", moved: Callable[[object], object]) -> "pikepdf.OutlineItem":
    """A copy of a part's bookmark and its children, pointing at the same page of the merged book."""
    from pikepdf import OutlineItem

    new = OutlineItem(item.title)
    dest = moved(item.destination)
    if dest is not None:
        new.destination = dest
    new.children.extend(_moved_item(child, moved) for child in item.children)
    return new


def _share_fonts(pdf: "pikepdf.Pdf") -> None:
    """Point every embedded font file, width table and ToUnicode map to the first identical one (the copies
    are then not written)."""
    from pikepdf import Name

    kept: dict[bytes, object] = {}
    seen: set[tuple[int, int]] = set()
    fonts: set[tuple[int, int]] = set()  # a part's pages share its font objects: each is looked at once
    resources = [page.obj.get("/Resources", {}) for page in pdf.pages]
    resources += [form.get("/Resources", {}) for r in resources[:] for form in r.get("/XObject", {}).values()]
    for own in resources:
        for font in own.get("/Font", {}).values():
            if font.is_indirect:
                if font.objgen in fonts:
                    continue
                fonts.add(font.objgen)
            cmap = font.get("/ToUnicode")
            if cmap is not None and cmap.is_indirect:  # which text each glyph stands for: also the same
                digest = hashlib.sha256(b"ToUnicode" + cmap.read_raw_bytes()).digest()
                font[Name("/ToUnicode")] = kept.setdefault(digest, cmap)
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is None or descriptor.objgen in seen:
                    continue
                seen.add(descriptor.objgen)
                for name in ("/FontFile2", "/FontFile3", "/FontFile"):
                    if name in descriptor:
                        data = descriptor[name]
                        digest = hashlib.sha256(data.read_raw_bytes() + repr(sorted(
                            (str(k), str(v)) for k, v in data.stream_dict.items())).encode()).digest()
                        descriptor[Name(name)] = kept.setdefault(digest, data)
                widths = descendant.get("/W")
                if widths is not None:  # a whole font's widths: thousands of numbers, the same in every part
                    digest = hashlib.sha256(b"W" + widths.unparse(resolved=True)).digest()
                    if digest not in kept:
                        kept[digest] = widths if widths.is_indirect else pdf.make_indirect(widths)
                    descendant[Name("/W")] = kept[digest]


def _digit_advances() -> list[float]:
    """Advance of each digit 0-9 of the folio font, in em."""
    from fontTools.ttLib import TTFont

    with TTFont(FONTS / "NotoSerif-Regular.ttf", lazy=True) as font:
        cmap, metrics, units = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
        return [metrics[cmap[ord(str(d))]][0] / units for d in range(10)]


def _finish_pages(pdf: "pikepdf.Pdf", numbered: list[bool], sheet: "pikepdf.Pdf", framed: list[bool] | None,
                  paper: "pikepdf.Pdf") -> None:
    """Stamp each numbered page's folio and, in the print-shop edition, draw each ``framed`` page on its sheet.

    Folios: set as WeasyPrint set the digits of the sheet: page 2d+1 holds digit d on a right-hand page,
    2d+2 on a left-hand one. The folio is the sheet page's text with its digits replaced (their codes read
    from the sheet) and, on a right-hand page, moved left by the extra digits' width; it is drawn as a form
    after the page's own content (wrapped in q/Q).

    Sheet: WeasyPrint sets a page with a bleed in the same coordinates as without (its MediaBox grows
    below zero), so a screen page becomes a print-shop page by taking the boxes of ``paper``'s blank page
    and drawing that page (white over the bleed, crop marks) as a form before the page's own content."""
    from pikepdf import Array, Dictionary, Name, Operator, Stream, String, parse_content_stream, unparse_content_stream

    def text_ops(page: "pikepdf.Page") -> list:
        return list(parse_content_stream(page))

    def show(ops: list) -> int:
        return next(i for i, (_, op) in enumerate(ops) if op in (Operator("TJ"), Operator("Tj")))

    def indirect(owner: "pikepdf.Pdf", value: object) -> object:
        return pdf.copy_foreign(value if value.is_indirect else owner.make_indirect(value))  # type: ignore[attr-defined]

    codes = []
    for digit in range(10):
        ops = text_ops(sheet.pages[2 * digit])
        operand = ops[show(ops)][0][0]
        codes.append(bytes(operand[0] if isinstance(operand, Array) else operand))
    advances = _digit_advances()
    sides = []
    for side in (0, 1):
        page = sheet.pages[side]
        ops = text_ops(page)
        move = next(i for i, (_, op) in enumerate(ops) if op == Operator("Tm"))
        size = next(float(operands[1]) for operands, op in ops if op == Operator("Tf"))
        sides.append((ops, move, show(ops), size, indirect(sheet, page.obj.Resources), Array(page.mediabox)))
    save = pdf.make_indirect(Stream(pdf, b"q\n"))
    draw = pdf.make_indirect(Stream(pdf, b"Q\nq /KnFolio Do Q\n"))
    blank = paper.pages[0] if framed else None
    if blank is not None:
        boxes = {box: Array([float(v) for v in blank.obj[box]]) for box in ("/MediaBox", "/TrimBox", "/BleedBox")}
        contents = blank.obj.Contents
        drawing = b"\n".join(c.read_bytes() for c in (contents if isinstance(contents, Array) else [contents]))
        form = pdf.make_indirect(Stream(pdf, b"q\n" + drawing + b"\nQ\n", Type=Name.XObject,
                                        Subtype=Name.Form, BBox=boxes["/MediaBox"],
                                        Resources=indirect(paper, blank.obj.Resources)))
        under = pdf.make_indirect(Stream(pdf, b"q /KnFrame Do Q\n"))
    for index, page in enumerate(pdf.pages):
        on_sheet = blank is not None and framed[index]  # type: ignore[index]
        if not numbered[index] and not on_sheet:
            continue
        own = page.obj.get("/Resources")
        own = Dictionary({k: v for k, v in own.items()}) if own is not None else Dictionary()  # each page its own
        xobjects = Dictionary({k: v for k, v in own.XObject.items()}) if "/XObject" in own else Dictionary()
        if numbered[index]:
            digits = [int(d) for d in str(index + 1)]
            ops, move, shown, size, resources, box = sides[index % 2]  # 0: a right-hand page, 1: a left-hand one
            ops = list(ops)
            matrix = [float(v) for v in ops[move][0]]
            if index % 2 == 0:  # right-aligned: the number ends where the sheet's single 0 ended
                matrix[4] += (advances[0] - sum(advances[d] for d in digits)) * size
            ops[move] = ([*matrix], Operator("Tm"))
            ops[shown] = ([String(b"".join(codes[d] for d in digits))], Operator("Tj"))
            xobjects.KnFolio = pdf.make_indirect(Stream(pdf, unparse_content_stream(ops), Type=Name.XObject,
                                                        Subtype=Name.Form, BBox=box, Resources=resources))
            page.contents_add(save, prepend=True)
            page.contents_add(draw)
        if on_sheet:
            xobjects.KnFrame = form
            page.contents_add(under, prepend=True)
            for box, value in boxes.items():
                page.obj[box] = value
        own.XObject = xobjects
        page.obj.Resources = own


def cache_root(content: "Content", settings: "KyniemConfig") -> Path:
    return content.root / settings.cache_dir / "print"


def build_book(content: "Content", settings: "KyniemConfig", out: Path, edition: str = "screen", *,
               apart: ProcessPoolExecutor | None = None) -> PrintResult | None:
    """Write the history book to ``out``; None (with nothing written) when no chapter is published.

    ``edition`` "screen" is the book to read and print on an office printer;
    "print" is the print-shop edition: bleed, crop marks, a page count that is a multiple of 4
    (blank pages go before the colophon, which stays the last page).
    ``apart``: a worker (:func:`part_workers`) to render and merge in, none of it in this process
    (kyniem/book_ahead.py: this process is rendering the site's pages meanwhile).
    """
    started = time.perf_counter()
    if not content.published:
        return None
    cache = cache_root(content, settings)
    layout, problems = book_layout(content, settings, cache / "images", edition)
    name = "book-in-an" if edition == "print" else "book"
    bleed = float(settings.book.bleed) if edition == "print" else 0.0
    shared, own = cache / "book-parts", cache / f"{name}-parts"  # the pages of both editions; this one's front
    parts = _Parts(content.root, _readable(content, settings, cache / "images"),
                   max(1, min(settings.book.workers, os.cpu_count() or 1)), apart)
    try:
        body = _add_body(parts, layout, shared)
        colophon, digits, blank = (parts.add(html, shared) for html in (layout.colophon, layout.digits, layout.blank))
        frame = parts.add(layout.frame, own, bleed) if layout.frame is not None else None
        # The contents with a number of the same width in every entry: how many pages the front matter takes.
        probe = parts.add(layout.front({anchor: 888 for anchor in layout.anchors}), own, bleed)
        parts.render("Sách lịch sử (PDF)")
        body = _on_their_sides(parts, layout, body, shared)
        # The contents are laid out alone, in a fresh worker: the workers that laid out the chapters end first
        # (at 300 chapters an idle one held ~95 MB beside the one laying out the contents, and the build went over
        # 400 MiB then).
        parts.close()
        front_pages = _padded(parts.records[probe]["pages"])
        for _ in range(3):  # a number that changes a line break could change the count: render again then
            numbers, page = {}, front_pages + 1
            for index, key in enumerate(body):
                record = parts.records[key]
                numbers.update({a: page + i for a, i in record["anchors"].items() if a in layout.anchors})
                page += record["pages"] if index + 1 in layout.left else _padded(record["pages"])
            front = parts.add(layout.front(numbers), own, bleed)
            parts.render("Sách lịch sử: mục lục")
            if _padded(parts.records[front]["pages"]) == front_pages:
                break
            front_pages = _padded(parts.records[front]["pages"])
        sequence: list[str] = []
        for index, key in enumerate((front, *body)):  # the part after body[index - 1] is body[index]
            sequence.append(key)
            if parts.records[key]["pages"] % 2 and index not in layout.left:
                sequence.append(blank)
        if edition == "print":
            count = sum(parts.records[key]["pages"] for key in sequence) + parts.records[colophon]["pages"]
            sequence += [blank] * (-count % 4)
        sequence.append(colophon)
        numbered = [flag for key in sequence for flag in parts.records[key]["numbered"]]
        # The print-shop edition draws the shared pages on its sheet; its front matter is set on it already.
        framed = [frame is not None and parts.pdf(key).parent == shared
                  for key in sequence for _ in range(parts.records[key]["pages"])]
    finally:
        parts.close()
    used = set(sequence) | {probe, digits} | ({frame} if frame else set())
    parts.retain(used, own)
    if own != shared:  # the screen edition's build prunes the shared folder (it uses every shared part)
        parts.retain(used, shared, prune_now=False)
    refused = sorted({r for key in parts.records for r in parts.records[key].get("refused", [])})
    problems.extend(htmlpolicy.refused_findings(refused, out.name))

    merged = cache / name
    key = hashlib.sha256("\n".join([__version__, "merged", digits, frame or "", *sequence]).encode()).hexdigest()[:32]
    pdf = merged / f"{key}.pdf"
    cached = pdf.is_file()
    groups, paths = cache / "book-groups", [parts.pdf(k) for k in sequence]
    if not cached:
        merge_args = (paths, numbered, parts.pdf(digits), pdf, groups, framed, parts.pdf(frame) if frame else None)
        if apart is not None:
            apart.submit(_merge, *merge_args).result()
        else:  # in the worker of the build's apart() session, if one is open: qpdf's heap leaves with it
            # What laying out and rendering the parts freed here goes back first (at 1,000 chapters the build
            # held 144 MiB beside the 220 MiB merge).
            store.release_memory()
            store.run_apart(_merge, *merge_args)
    # Both editions' groups are kept in a build; outside one, the screen edition's call keeps its own.
    store.retain(groups, {group.name for _, group in _groups(paths, groups) if group}, prune_now=own == shared)
    store.retain(merged, {pdf.name})
    store.copy(pdf, out)
    chapters = len(content.published)
    rendered = [key in parts.rendered for key in body[:chapters]]
    return PrintResult(out, len(numbered), cached, time.perf_counter() - started, problems,
                       chapters_rendered=sum(rendered), chapters_reused=chapters - sum(rendered),
                       pages_rendered=sum(parts.records[k]["pages"] for k in parts.rendered),
                       render_seconds=parts.render_seconds)


def pending_parts(content: "Content", settings: "KyniemConfig") -> tuple[int, int]:
    """The parts of the book's pages (chapters, appendices, colophon) the cache lacks: how many, and
    their HTML characters. The front matter is not counted: it follows the others' page counts."""
    if not content.published:
        return 0, 0
    cache = cache_root(content, settings)
    layout, _ = book_layout(content, settings, cache / "images")
    parts = _Parts(content.root, (), 1)
    _add_body(parts, layout, cache / "book-parts")
    for html in (layout.colophon, layout.digits, layout.blank):
        parts.add(html, cache / "book-parts")
    return len(parts.pending), sum(len(html) for html, _ in parts.pending.values())


def handout_file(outline: "Outline") -> str:
    """Site path of an outline's handout."""
    return f"{HANDOUTS_DIR}/{outline.slug}.pdf"


def build_handouts(content: "Content", settings: "KyniemConfig") -> list[tuple[str, PrintResult]]:
    """One A4 handout per published outline, as (site path, result); the PDF stays in the cache.

    The plugin adds them to the site's files, so MkDocs copies them and checks the
    links to them like any other file.
    """
    cache = cache_root(content, settings)
    results = []
    store.retain(cache / "handouts", {o.slug for o in content.outlines if not o.is_draft}, prune_now=False)
    for outline in track([o for o in content.outlines if not o.is_draft], "Đề cương A4", unit="tệp"):
        started = time.perf_counter()
        html, problems = handout_html(outline, content, settings, cache / "images")
        refused: list[str] = []
        pdf, pages, cached = render_cached(html, cache / "handouts" / outline.slug, content.root,
                                           readable=_readable(content, settings, cache / "images"), refused=refused)
        problems.extend(htmlpolicy.refused_findings(refused, outline.source))
        results.append((handout_file(outline), PrintResult(pdf, pages, cached, time.perf_counter() - started, problems)))
    return results


# --- The site build ---------------------------------------------------------------------------


def wanted(settings: "KyniemConfig", is_serve: bool) -> bool:
    """The book and handouts are built by ``mkdocs build``; ``mkdocs serve`` only when asked."""
    return settings.book.enabled and (settings.book.in_serve or not is_serve)


def handouts_wanted(settings: "KyniemConfig", is_serve: bool) -> bool:
    return wanted(settings, is_serve) and settings.book.handouts


def handout_href(outline: "Outline", settings: "KyniemConfig", is_serve: bool) -> str | None:
    """The handout's link relative to ``tai-ve/``, or None when no handout is built."""
    if not handouts_wanted(settings, is_serve) or outline.is_draft:
        return None
    return handout_file(outline)[len(DOWNLOADS_DIR) + 1 :]


def downloads(content: "Content", settings: "KyniemConfig", is_serve: bool) -> list[Download]:
    """The entries of the downloads page for the book and the handouts."""
    if not wanted(settings, is_serve):
        return []
    items = []
    if content.published:
        title = book_title(content, settings).full
        size = f"khổ {settings.book.page_size} ({page_format(settings.book.page_size)})"
        items.append(
            Download(
                title=title,
                href=book_file(content, settings)[len(DOWNLOADS_DIR) + 1 :],
                description=f"sách PDF {size}, {len(content.published)} chương, để đọc và in ở văn phòng",
                group="Sách lịch sử",
            )
        )
        if settings.book.print_edition:
            items.append(
                Download(
                    title=f"{title} (bản in ấn)",
                    href=book_file(content, settings, "print")[len(DOWNLOADS_DIR) + 1 :],
                    description=f"bản gửi nhà in: {size}, tràn lề {settings.book.bleed:g} mm, dấu xén, "
                                "số trang là bội của 4, hệ màu sRGB",
                    group="Sách lịch sử",
                )
            )
    for outline in content.outlines:
        href = handout_href(outline, settings, is_serve)
        if href:
            items.append(
                Download(
                    title=outline.title,
                    href=href,
                    description="bản in PDF khổ A4, chữ lớn, để đọc trong sinh hoạt chi bộ",
                    group="Đề cương tuyên truyền",
                )
            )
    return items
