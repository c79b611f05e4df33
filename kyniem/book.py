"""The printed side of the site: the history book PDF and the cell-meeting handouts.

Both are made with WeasyPrint from the same chapters and outlines as the web
pages, so the book never drifts from the site. Rendering a book takes seconds,
so each PDF is cached under the hash of the exact HTML it is made from: the
HTML already encodes every input (chapter text, settings, templates, image
content hashes), and an unchanged site never renders the book again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.extensions.toc import TocExtension
from markdown.treeprocessors import Treeprocessor
from PIL import Image, ImageOps, UnidentifiedImageError

from . import __version__, htmlpolicy, store
from .images import to_srgb
from .pages import Download
from .problems import Problem
from .progress import track
from .text import format_date, nfc, slugify

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Content, Outline

TEMPLATES = Path(__file__).parent / "print"
FONTS = Path(__file__).parent / "assets" / "fonts"

DOWNLOADS_DIR = "tai-ve"
BOOK_FILE = f"{DOWNLOADS_DIR}/lich-su-dang-bo-khoi-1952-2020.pdf"
HANDOUTS_DIR = f"{DOWNLOADS_DIR}/de-cuong"

# Long side of the JPEG put in the book: 300 dpi over the widest print area (B5 text block, ~13 cm).
PRINT_IMAGE_PX = 1600
PRINT_JPEG_QUALITY = 85

_DATE_MARK = "\x00kyniem-build-date\x00"
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)

ImageResolver = Callable[[str], "Path | None"]


@dataclass
class PrintResult:
    """One PDF written: where, how many pages, whether it came from the cache, and findings."""

    path: Path
    pages: int
    cached: bool
    seconds: float
    problems: list[Problem] = field(default_factory=list)


# --- Markdown for print ------------------------------------------------------------------------


class _PrintTreeprocessor(Treeprocessor):
    """Reshape the HTML tree for paged media.

    Runs after inline patterns, so footnote references and the footnote list both
    exist: each reference is replaced by the note's text in a ``span.footnote``
    (CSS ``float: footnote`` puts it at the foot of its page). Lone images become
    figures with captions; links to pages of the site, which mean nothing on
    paper, become plain text.
    """

    def __init__(self, md: markdown.Markdown, resolve: ImageResolver) -> None:
        super().__init__(md)
        self.resolve = resolve

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
        for img in list(root.iter("img")):
            self._image(img, parents)
        for link in root.iter("a"):
            href = link.get("href", "")
            if not href.startswith("#") and not re.match(r"^(https?|mailto):", href):
                link.tag = "span"
                link.attrib.clear()
        self._shift_headings(root)

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
    def __init__(self, resolve: ImageResolver) -> None:
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.treeprocessors.register(_PrintTreeprocessor(md, self.resolve), "kyniem-print", 16)


def markdown_to_print_html(body: str, anchor_prefix: str, resolve: ImageResolver) -> str:
    """Chapter or outline Markdown as HTML for WeasyPrint (footnotes inline, figures, no site links)."""
    md = markdown.Markdown(
        extensions=[
            "footnotes",
            "tables",
            "attr_list",
            "admonition",
            "md_in_html",
            TocExtension(slugify=lambda value, sep: f"{anchor_prefix}-{slugify(value, sep)}"),
            _PrintExtension(resolve),
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

    def resolver(self, path: Path, source: str, body: str, body_line: int) -> ImageResolver:
        def resolve(src: str) -> Path | None:
            line = _line_of(body, src, body_line)
            if _REMOTE.match(src):
                self.problems.append(
                    Problem(source, line, f"image '{src}' is on another site; the book uses only local images, "
                            "so it is left out. Put the file in the project and refer to it by a relative path",
                            "warning", "book-image")
                )
                return None
            name = unquote(src.split("#")[0].split("?")[0])
            candidates = [path.parent / name, self.root / "docs" / name.lstrip("/"), self.root / name.lstrip("/")]
            found = next((c for c in candidates if c.is_file()), None)
            if found is not None and not htmlpolicy.inside(found, self.roots):
                self.problems.append(
                    Problem(source, line, f"ảnh '{src}' nằm ngoài các thư mục nội dung của dự án nên không được đưa "
                            "vào sách PDF; chép ảnh vào thư mục của chương và dẫn bằng đường dẫn tương đối, "
                            "ví dụ ![Mô tả](anh/le-chao-co.jpg)", "warning", "book-image-outside")
                )
                return None
            if found is None:
                self.problems.append(
                    Problem(source, line, f"image '{src}' not found (looked next to the file and under docs/); "
                            "it is left out of the PDF", "warning", "book-image")
                )
                return None
            return self.derivative(found, source, line)

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
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
            self.problems.append(
                Problem(source, line, f"image '{original.name}' cannot be read ({error}); it is left out of the PDF",
                        "warning", "book-image")
            )
            return None
        return target


def _line_of(body: str, needle: str, body_line: int) -> int | None:
    for offset, text in enumerate(body.splitlines()):
        if needle in text:
            return body_line + offset
    return None


# --- Documents --------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def _fonts() -> dict[str, str]:
    """file:// URLs of the bundled fonts, for @font-face in the print stylesheets."""
    return {path.stem: path.as_uri() for path in FONTS.glob("*.ttf")}


def _common(settings: "KyniemConfig") -> dict[str, object]:
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


def _clean(body: str, content: "Content", settings: "KyniemConfig", image_cache: Path) -> str:
    """The site's raw-HTML policy, applied to print (file: images only from the readable folders)."""
    return htmlpolicy.policy(settings.html.iframe_hosts, _readable(content, settings, image_cache)).clean(body)


def book_html(content: "Content", settings: "KyniemConfig", image_cache: Path) -> tuple[str, list[Problem]]:
    """The whole book as one HTML document (the build date left as a mark to fill in)."""
    problems: list[Problem] = []
    images = _Images(content.root, image_cache, problems, content_roots(content, settings))
    chapters = content.published
    rendered = []
    for number, chapter in enumerate(chapters, start=1):
        resolve = images.resolver(chapter.path, chapter.source, chapter.body, chapter.body_line)
        rendered.append(
            {
                "number": number,
                "id": f"chuong-{chapter.slug}",
                "chapter": chapter,
                "body": _clean(markdown_to_print_html(chapter.body, chapter.slug, resolve), content, settings, image_cache),
            }
        )
    events = sorted(((e, c) for c in chapters for e in c.events), key=lambda pair: pair[0].sort_key)
    if chapters:
        years = f"{min(c.start for c in chapters)} – {max(c.end for c in chapters)}"
    else:
        years = f"{settings.founded[:4]} – {settings.anniversary[:4]}"
    env = _environment()
    css = env.get_template("book.css").render(page_size=settings.book.page_size, **_common(settings))
    html = env.get_template("book.html").render(
        css=css,
        title=settings.book.title,
        cover_years=years,
        chapters=rendered,
        events=events,
        sourced=[c for c in chapters if c.sources],
        **_common(settings),
    )
    return nfc(html), problems


def handout_html(outline: "Outline", content: "Content", settings: "KyniemConfig", image_cache: Path) -> tuple[str, list[Problem]]:
    """One outline as a large-print A4 document for reading aloud at a cell meeting."""
    problems: list[Problem] = []
    images = _Images(content.root, image_cache, problems, content_roots(content, settings))
    resolve = images.resolver(outline.path, outline.source, outline.body, outline.body_line)
    env = _environment()
    css = env.get_template("handout.css").render(**_common(settings))
    html = env.get_template("handout.html").render(
        css=css,
        outline=outline,
        date=shown_date(outline.date),
        body=_clean(markdown_to_print_html(outline.body, outline.slug, resolve), content, settings, image_cache),
        slogans=content.slogans,
        **_common(settings),
    )
    return nfc(html), problems


def shown_date(value: str | None) -> str | None:
    """'Ngày 15/02/2022', 'Tháng 02/2022' or 'Năm 2022', as precise as the outline's date."""
    if not value:
        return None
    shown = format_date(value)
    return {3: "Ngày", 2: "Tháng"}.get(shown.count("/") + 1, "Năm") + f" {shown}"


# --- Rendering with a cache -------------------------------------------------------------------


def build_date() -> dt.date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc).date()
    return dt.date.today()


def render_cached(html: str, cache: Path, base_url: Path, readable: tuple[Path, ...] = (),
                  refused: list[str] | None = None) -> tuple[Path, int, bool]:
    """The PDF of ``html`` in ``cache``, rendered only when the cache lacks this very HTML.

    Returns (pdf, pages, cached). ``cache`` is a folder kept for one document:
    older renders in it are removed, so it never grows. WeasyPrint reads only files under
    ``readable`` (fonts and templates of kyniem always); every other address it asks for
    is added to ``refused`` (also when the PDF comes from the cache).
    """
    import weasyprint  # imported here: it is slow to import and only needed when rendering

    key = hashlib.sha256(f"{__version__}\n{weasyprint.__version__}\n{html}".encode()).hexdigest()[:32]
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    refused = refused if refused is not None else []
    if pdf.is_file() and meta.is_file():
        store.retain(cache, {pdf.name, meta.name})
        known = json.loads(meta.read_text(encoding="utf-8"))
        refused.extend(known.get("refused", []))
        return pdf, int(known["pages"]), True
    filled = html.replace(_DATE_MARK, format_date(build_date().isoformat()))
    fetcher = htmlpolicy.confined_fetcher((*readable, FONTS.parent, TEMPLATES), refused)
    document = weasyprint.HTML(string=filled, base_url=str(base_url), url_fetcher=fetcher).render()
    pages = len(document.pages)
    store.write_with(pdf, lambda tmp: document.write_pdf(tmp))
    store.write_text(meta, json.dumps({"pages": pages, "refused": sorted(set(refused))}))
    store.retain(cache, {pdf.name, meta.name})
    return pdf, pages, False


def cache_root(content: "Content", settings: "KyniemConfig") -> Path:
    return content.root / settings.cache_dir / "print"


def build_book(content: "Content", settings: "KyniemConfig", out: Path) -> PrintResult | None:
    """Write the history book to ``out``; None (with nothing written) when no chapter is published."""
    started = time.perf_counter()
    if not content.published:
        return None
    cache = cache_root(content, settings)
    html, problems = book_html(content, settings, cache / "images")
    refused: list[str] = []
    pdf, pages, cached = render_cached(html, cache / "book", content.root,
                                       _readable(content, settings, cache / "images"), refused)
    problems.extend(htmlpolicy.refused_findings(refused, BOOK_FILE))
    store.copy(pdf, out)
    return PrintResult(out, pages, cached, time.perf_counter() - started, problems)


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
                                           _readable(content, settings, cache / "images"), refused)
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
        items.append(
            Download(
                title=settings.book.title,
                href=BOOK_FILE[len(DOWNLOADS_DIR) + 1 :],
                description=f"sách PDF khổ {settings.book.page_size}, {len(content.published)} chương, để in và đọc",
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
