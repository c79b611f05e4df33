"""Pages of the document archive (/tu-lieu/): the filterable index, one page per item, citations.

Takes the model objects of kyniem/archive.py; the scan pyramids come from
kyniem/deepzoom.py and the films' sizes and posters from kyniem/media.py, so this
module only decides what the reader sees:

* each scan page in a self-hosted OpenSeadragon viewer (zoom, pan, full screen,
  keyboard, touch) whose tile source is written into the page as data, so the
  offline copy works from ``file://``; viewers start only when scrolled to;
* the transcription beside the scan, as page text (the site search indexes it,
  and the print stylesheet prints it under the page's print copy);
* a ready citation, and ``[[tu-lieu:…]]`` references turned into links (web) or
  footnotes with the citation (book).
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from .archive import ARCHIVE_INDEX, ARCHIVE_URL, REFERENCE, Item, Media, ScanPage, outside_fences, references
from .deepzoom import PyramidMaker, Pyramid
from .gallery import GALLERY_URL, attr
from .htmlpolicy import TrustedMarkup
from .media import MediaInfo, MediaProbe
from .pages import esc, front_matter
from .problems import Problem, Report
from .text import format_date, slugify

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Chapter, Content
    from .gallery import Album

ASSETS = "assets/kyniem"
VIEWER_JS = f"{ASSETS}/vendor/openseadragon/openseadragon.min.js"
ARCHIVE_JS = f"{ASSETS}/archive/archive.js"
IMAGES = f"{ARCHIVE_URL}/_anh"
FILMS_DIR = "_phim"
FILMS = f"{ARCHIVE_URL}/{FILMS_DIR}"
SAMPLE_NOTE = ("Tư liệu minh họa: trang quét và tệp trong mục này do phần mềm kyniem tạo ra để làm mẫu, "
               "không phải bản quét hay phim của văn bản gốc. Hãy thay bằng tư liệu thật của Đảng bộ.")
_HEADING = re.compile(r"^(#{1,6})(\s)")
# Viewer buttons: Material Design icons (Apache License 2.0), as Material for MkDocs ships them.
_ICONS = {
    "in": "M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z",
    "out": "M19 13H5v-2h14v2z",
    "home": "M12 5.69l5 4.5V18h-2v-6H9v6H7v-7.81l5-4.5M12 3L2 12h3v8h6v-6h2v6h6v-8h3L12 3z",
    "full": "M7 14H5v5h5v-2H7v-3zm-2-4h2V7h3V5H5v5zm12 7h-3v2h5v-5h-2v3zM14 5v2h3v3h2V5h-5z",
}


@dataclass
class _PageScan:
    pyramid: Pyramid
    base: str  # site path of the tiles folder, ends in "_files"
    print_uri: str
    thumb_uri: str


class ArchiveSite:
    """The archive of one build: pyramids and posters made, pages and files published."""

    def __init__(self, root: Path, settings: "KyniemConfig", content: "Content", *,
                 use_directory_urls: bool = True, workers: int | None = None,
                 trusted: TrustedMarkup | None = None) -> None:
        self.items = content.archive
        self.chapters = {c.slug: c for c in content.chapters}
        self.cited_in: dict[str, list["Chapter"]] = {}
        for ref in references(content.chapters, []):
            chapter = next((c for c in content.chapters if c.source == ref.file), None)
            if chapter is not None and chapter not in self.cited_in.setdefault(ref.slug, []):
                self.cited_in[ref.slug].append(chapter)
        self.use_directory_urls = use_directory_urls
        cache = root / settings.cache_dir
        self.pyramids = PyramidMaker(cache, settings.archive["tile_quality"], settings.gallery["max_pixels"], workers)
        self.probe = MediaProbe(cache)
        self.report = Report()
        self.assets: dict[str, Path] = {}
        self._scans: dict[Path, _PageScan] = {}
        self._media: dict[int, MediaInfo] = {}
        self._film_dir: dict[int, str] = {}
        self.trusted = trusted if trusted is not None else TrustedMarkup()

    def build(self, albums: Sequence["Album"] = ()) -> None:
        """Cut every scan into tiles and read every film of the archive and the albums (all cached)."""
        made = self.pyramids.make([page.path for item in self.items for page in item.pages])
        for item in self.items:
            kept = []
            for page in item.pages:
                pyramid = made[page.path]
                if not pyramid.ok:
                    self.report.warning(item.source, page.line, f"trang quét '{page.name}' bị bỏ ra: tệp "
                                        f"{pyramid.reason}", "archive-scan")
                    continue
                kept.append(page)
                stem = f"{IMAGES}/{item.slug}/{slugify(Path(page.name).stem) or 'trang'}-{pyramid.key[:10]}"
                scan = _PageScan(pyramid, f"{stem}_files", f"{stem}-in.jpg", f"{stem}-nho.jpg")
                for rel, path in pyramid.files():
                    self.assets[f"{scan.base}/{rel}"] = path
                assert pyramid.folder is not None
                self.assets[scan.print_uri] = pyramid.folder / "print.jpg"
                self.assets[scan.thumb_uri] = pyramid.folder / "thumb.jpg"
                self._scans[page.path] = scan
            item.pages = kept
            item.media = self._films(item.media, f"{FILMS}/{item.slug}", item.source)
        for album in albums:
            album.films = self._films(album.films, f"{GALLERY_URL}/{FILMS_DIR}/{album.slug}", album.source)

    def _films(self, films: list[Media], folder: str, source: str) -> list[Media]:
        """Probe each local film (size, poster) and publish it under ``folder``; unreadable ones are left out."""
        kept = []
        for film in films:
            if film.path is None:
                kept.append(film)
                continue
            info = self.probe.probe(film.path, film.kind, film.poster)
            if not info.ok:
                self.report.warning(source, film.line, f"'{film.path.name}' bị bỏ ra: {info.reason}; "
                                    "hãy xuất lại tệp bằng phần mềm dựng phim (MP4 H.264 hoặc WebM)",
                                    "archive-media-unreadable")
                continue
            self.assets[f"{folder}/{film.path.name}"] = film.path
            if info.poster is not None:
                self.assets[f"{folder}/{film.path.stem}-bia.jpg"] = info.poster
            if film.captions is not None:
                self.assets[f"{folder}/{film.captions.name}"] = film.captions
            self._media[id(film)] = info
            self._film_dir[id(film)] = folder
            kept.append(film)
        return kept

    def album_films(self, markdown: str, album: "Album") -> str:
        """An album page with its films and recordings after the photos."""
        if not album.films:
            return markdown
        page_url = self.page_url(album.src_uri)
        films = "\n\n".join(self._keep(album.src_uri, self._media_html(film, page_url)) for film in album.films)
        return markdown.rstrip() + "\n\n## Phim, ghi âm\n\n" + films + "\n"

    @property
    def tile_count(self) -> int:
        return sum(scan.pyramid.tiles for scan in self._scans.values())

    def _keep(self, src_uri: str, markup: str) -> str:
        """A placeholder for kyniem's own markup (viewer, players, filters, scripts), which the
        raw-HTML policy would rightly remove from an editor's text (see htmlpolicy.TrustedMarkup)."""
        return self.trusted.keep(src_uri, markup)

    def page_url(self, src_uri: str) -> str:
        return File(src_uri, None, "", self.use_directory_urls).url

    def finish(self) -> list[Problem]:
        """Drop cached tiles and posters nothing used; return this build's findings."""
        self.pyramids.finish()
        self.probe.finish()
        return sorted(self.report.problems, key=lambda p: (p.file, p.line or 0, p.message))

    # -- pages ----------------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        generated = {item.src_uri: self._item_page(item) for item in self.items}
        generated[ARCHIVE_INDEX] = self._index_page()
        return generated

    def _index_page(self) -> str:
        page_url = self.page_url(ARCHIVE_INDEX)
        out = [front_matter(title="Tư liệu", description="Văn bản, ảnh tư liệu, phim và ghi âm về lịch sử Đảng bộ"),
               "# Tư liệu lịch sử", ""]
        if not self.items:
            out.append("Chưa có tư liệu nào.")
            return "\n".join(out) + "\n"
        out += [f"{len(self.items)} tư liệu gốc: văn bản, ảnh tư liệu, phim, ghi âm. Mỗi tư liệu có bản quét phóng "
                "to được, bản chép lại và cách trích dẫn.", ""]
        out.append(self._keep(ARCHIVE_INDEX, self._filters()))
        cards = []
        for item in self.items:
            href = get_relative_url(self.page_url(item.src_uri), page_url)
            thumb = self._thumbnail(item, page_url)
            facts = " · ".join(x for x in (item.type.capitalize(), f"số {item.identifier}" if item.identifier else "",
                                           format_date(item.date) if item.date else "", item.creator) if x)
            sample = '<span class="kn-doc-badge">Tư liệu minh họa</span>' if item.sample else ""
            cards.append(
                f'<li class="kn-archive-item" data-type="{attr(item.type)}" data-decade="{attr(item.decade)}" '
                f'data-creator="{attr(item.creator)}"><a href="{attr(href)}">{thumb}'
                f'<span class="kn-archive-title">{html.escape(item.title)}</span></a>'
                f'<span class="kn-archive-facts">{html.escape(facts)}</span>{sample}</li>'
            )
        out.append(self._keep(ARCHIVE_INDEX, '<ul class="kn-archive">' + "".join(cards) + "</ul>"
                              '<p class="kn-archive-none" hidden>Không có tư liệu nào khớp với lựa chọn.</p>'
                              f'<script src="{attr(get_relative_url(ARCHIVE_JS, page_url))}"></script>'))
        return "\n".join(out) + "\n"

    def _filters(self) -> str:
        """Three selects; archive.js shows them and hides the items that do not match (no server)."""
        def select(name: str, label: str, values: list[tuple[str, str]]) -> str:
            options = "".join(f'<option value="{attr(v)}">{html.escape(t)}</option>' for v, t in values)
            return (f'<label>{label} <select name="{name}"><option value="">Tất cả</option>{options}'
                    "</select></label>")

        types = sorted({i.type for i in self.items})
        decades = sorted({i.decade for i in self.items if i.decade})
        creators = sorted({i.creator for i in self.items if i.creator})
        return ('<form class="kn-archive-filter" hidden aria-label="Lọc tư liệu">'
                + select("type", "Loại", [(t, t.capitalize()) for t in types])
                + select("decade", "Thập niên", [(d, f"{d} – {int(d) + 9}") for d in decades])
                + select("creator", "Cơ quan ban hành", [(c, c) for c in creators])
                + '<output class="kn-archive-count" aria-live="polite"></output></form>\n')

    def _thumbnail(self, item: Item, page_url: str) -> str:
        if item.pages:
            scan = self._scans[item.pages[0].path]
            width, height = scan.pyramid.thumb_size
            src = get_relative_url(scan.thumb_uri, page_url)
            return (f'<img class="off-glb" src="{attr(src)}" width="{width}" height="{height}" alt="" loading="lazy" '
                    'decoding="async">')
        for film in item.media:
            info = self._media.get(id(film))
            if film.path is not None and info is not None and info.poster is not None:
                src = get_relative_url(f"{self._film_dir[id(film)]}/{film.path.stem}-bia.jpg", page_url)
                return f'<img class="off-glb" src="{attr(src)}" alt="" loading="lazy" decoding="async">'
        return ""

    def _item_page(self, item: Item) -> str:
        page_url = self.page_url(item.src_uri)
        out = [front_matter(title=item.title, description=item.description or item.title),
               f"# {esc(item.title)}", ""]
        if item.sample:
            out += [f'<p class="kn-doc-sample">{html.escape(SAMPLE_NOTE)}</p>', ""]
        out += [self._metadata(item), ""]
        if item.description:
            out += [f'<p class="kn-doc-description">{html.escape(item.description)}</p>', ""]
        out += [self._keep(item.src_uri, '<div class="kn-cite"><p class="kn-cite-label">Trích dẫn tư liệu này</p>'
                           f'<p class="kn-cite-text" id="trich-dan">{html.escape(item.citation())}</p>'
                           '<button type="button" class="md-button kn-cite-copy" hidden>Sao chép trích dẫn</button>'
                           "</div>"), ""]
        if item.pages:
            out += ["## Bản quét và bản chép lại", ""]
            for number, page in enumerate(item.pages, 1):
                out += self._scan_section(item, page, number, page_url)
        if item.media:
            out += ["## Phim, ghi âm", ""]
            for film in item.media:
                out += [self._keep(item.src_uri, self._media_html(film, page_url)), ""]
        related = [self.chapters[s] for s in item.chapters if s in self.chapters]
        related += [c for c in self.cited_in.get(item.slug, []) if c not in related]
        if related:
            out += ["## Chương lịch sử có liên quan", ""]
            out += [f"- [{esc(c.title)}]({os.path.relpath(c.src_uri, ARCHIVE_URL)})" for c in related]
            out.append("")
        out.append(f'<p class="kn-back"><a href="{attr(get_relative_url(self.page_url(ARCHIVE_INDEX), page_url))}">'
                   "← Tất cả tư liệu</a></p>")
        scripts = [VIEWER_JS, ARCHIVE_JS] if item.pages else [ARCHIVE_JS]
        out += ["", self._keep(item.src_uri, "".join(f'<script src="{attr(get_relative_url(js, page_url))}"></script>'
                                                      for js in scripts))]
        return "\n".join(out) + "\n"

    def _metadata(self, item: Item) -> str:
        rows = [("Loại", item.type.capitalize()), ("Số, ký hiệu", item.identifier),
                ("Ngày", format_date(item.date) if item.date else ""), ("Cơ quan ban hành", item.creator),
                ("Nơi lưu giữ", item.holding), ("Bản quyền", item.rights), ("Chủ đề", ", ".join(item.subjects)),
                ("Số trang quét", str(len(item.pages)) if item.pages else "")]
        cells = "".join(f"<dt>{label}</dt><dd>{html.escape(value)}</dd>" for label, value in rows if value)
        return f'<dl class="kn-doc-meta">{cells}</dl>'

    def _scan_section(self, item: Item, page: ScanPage, number: int, page_url: str) -> list[str]:
        scan = self._scans[page.path]
        pyramid = scan.pyramid
        viewer_id = f"kn-viewer-{number}"
        tiles = json.dumps(pyramid.descriptor(get_relative_url(scan.base, page_url) + "/"), ensure_ascii=False,
                           separators=(",", ":"))
        label = page.label
        buttons = "".join(
            f'<button type="button" id="{viewer_id}-{name}" title="{title}" aria-label="{title}">'
            f'<svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path d="{_ICONS[name]}"/></svg>'
            "</button>"
            for name, title in (("in", "Phóng to (phím +)"), ("out", "Thu nhỏ (phím -)"),
                                ("home", "Xem cả trang (phím 0)"), ("full", "Toàn màn hình"))
        )
        width, height = pyramid.print_size
        alt = f"{label} của {item.title} (bản quét)"
        out = [f'<section class="kn-scan-page" markdown>', "", f"### {esc(label)} {{ #trang-{number} }}", "",
               self._keep(item.src_uri,
                          f'<div class="kn-scan"><div class="kn-viewer-tools" id="{viewer_id}-tools" hidden>'
                          f'{buttons}</div><div class="kn-viewer" id="{viewer_id}" data-tiles="{attr(tiles)}" '
                          f'style="aspect-ratio: {pyramid.width} / {pyramid.height}" role="region" '
                          f'aria-label="{attr(alt)}; phóng to bằng hai ngón tay, con lăn chuột hoặc phím + và -">'
                          f'</div><img class="kn-scan-print off-glb" '
                          f'src="{attr(get_relative_url(scan.print_uri, page_url))}" width="{width}" '
                          f'height="{height}" alt="{attr(alt)}" loading="lazy" decoding="async"></div>'), ""]
        transcription = page.transcription
        if transcription:
            out += ['<div class="kn-transcription" markdown>', "",
                    f'<p class="kn-transcription-label">Bản chép lại {html.escape(label.lower())}</p>', "",
                    _shift_headings(transcription, 3), "", "</div>", ""]
        out += ["</section>", ""]
        return out

    def _media_html(self, film: Media, page_url: str) -> str:
        title = film.title
        rights = f"Bản quyền: {film.rights}" if film.rights else ""
        caption_text = " · ".join(x for x in (title, rights) if x)
        if film.path is None:
            url = film.url
            return (f'<figure class="kn-media kn-media-link"><p><a href="{attr(url)}">Xem {html.escape(title)} '
                    f"(trên trang khác)</a></p><figcaption>{html.escape(caption_text)}</figcaption></figure>")
        info = self._media[id(film)]
        folder = self._film_dir[id(film)]
        src = get_relative_url(f"{folder}/{film.path.name}", page_url)
        track = ""
        if film.captions is not None:
            vtt = get_relative_url(f"{folder}/{film.captions.name}", page_url)
            track = f'<track kind="captions" srclang="vi" label="Tiếng Việt" src="{attr(vtt)}" default>'
        source = f'<source src="{attr(src)}" type="{attr(film.mime)}">'
        fallback = f'<a href="{attr(src)}">Tải tệp về để xem</a>'
        if film.kind == "audio":
            player = f'<audio controls preload="none">{source}{track}{fallback}</audio>'
        else:
            poster = ""
            if info.poster is not None:
                poster_src = get_relative_url(f"{folder}/{film.path.stem}-bia.jpg", page_url)
                poster = f' poster="{attr(poster_src)}"'
            player = (f'<video controls preload="none" width="{info.width}" height="{info.height}"{poster} '
                      f'playsinline>{source}{track}{fallback}</video>')
        minutes, seconds = divmod(round(info.duration), 60)
        length = f" · {minutes}:{seconds:02d}" if info.duration else ""
        return (f'<figure class="kn-media">{player}<figcaption>{html.escape(caption_text)}{length}'
                "</figcaption></figure>")


def _shift_headings(markdown: str, by: int) -> str:
    """Transcribed headings go under the page's own headings (h1 is the item's title)."""
    lines = markdown.split("\n")
    for index, line in outside_fences(markdown):
        match = _HEADING.match(line)
        if match:
            lines[index] = "#" * min(6, len(match.group(1)) + by) + line[len(match.group(1)):]
    return "\n".join(lines)


# -- references from chapters ----------------------------------------------------------------


def _by_slug(items: list[Item]) -> dict[str, Item]:
    return {item.slug: item for item in items}


def link_references(markdown: str, src_uri: str, items: list[Item]) -> tuple[str, list[str]]:
    """``[[tu-lieu:x]]`` -> ``[Kế hoạch số …](../tu-lieu/x.md "citation")``; also the unknown slugs."""
    known = _by_slug(items)
    missing: list[str] = []
    lines = markdown.split("\n")
    page_dir = os.path.dirname(src_uri) or "."

    def replace(match: re.Match[str]) -> str:
        item = known.get(slugify(match.group("slug")))
        if item is None:
            missing.append(match.group("slug"))
            return match.group(0)
        text = (match.group("text") or "").strip() or item.label
        target = os.path.relpath(item.src_uri, page_dir).replace(os.sep, "/")
        title = item.citation().replace('"', "”")
        return f'[{esc(text)}]({target} "{title}"){{ .kn-doc-ref }}'

    for index, line in outside_fences(markdown):
        lines[index] = REFERENCE.sub(replace, line)
    return "\n".join(lines), missing


def footnote_references(body: str, items: list[Item], prefix: str = "tu-lieu") -> str:
    """For the book: each ``[[tu-lieu:x]]`` becomes its short name and a footnote with the citation."""
    known = _by_slug(items)
    notes: list[str] = []
    lines = body.split("\n")

    def replace(match: re.Match[str]) -> str:
        item = known.get(slugify(match.group("slug")))
        if item is None:
            return match.group(0)
        notes.append(item.citation())
        text = (match.group("text") or "").strip() or item.label
        return f"{esc(text)}[^{prefix}-{len(notes)}]"

    for index, line in outside_fences(body):
        lines[index] = REFERENCE.sub(replace, line)
    if not notes:
        return body
    definitions = "\n".join(f"[^{prefix}-{n}]: {esc(note)}" for n, note in enumerate(notes, 1))
    return "\n".join(lines).rstrip() + "\n\n" + definitions + "\n"

