"""The kyniem MkDocs plugin: reads the content model and adds the pages and assets it implies.

Each event handler stays small and delegates to the module of its concern.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import banners, book, gitinfo, htmlpolicy, offline, pages, privacy, progress, search, social, store
from .config import KyniemConfig
from .content import Content, load_content
from .gallery import GALLERY_INDEX, Gallery
from .images import PipelineStats
from .problems import Problem, Report
from .text import nfc
from .yamlsrc import read_text

log = logging.getLogger("mkdocs.plugins.kyniem")

PACKAGE_DIR = Path(__file__).parent
ASSETS_DIR = PACKAGE_DIR / "assets"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
ASSETS_URL = "assets/kyniem"
PLAN_PAGE = "ke-hoach.md"
_CSS_FIRST = ("fonts.css", "kyniem.css")
# Files only the book and banners need; the site itself ships the woff2 fonts.
_NOT_PUBLISHED = {".ttf"}


class KyniemPlugin(BasePlugin[KyniemConfig]):
    """Builds an anniversary history site from history/, slogans/ and gallery/."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.is_serve = False
        self.root = Path.cwd()
        self.content: Content | None = None
        self.user_nav = False
        self.downloads: list[pages.Download] = []
        self.gallery: Gallery | None = None
        self.command = ""
        self.cache: store.CacheSession | None = None
        self.swap: store.SiteSwap | None = None
        self.editor_files: set[str] = set()
        self.timings = progress.Timings()
        self.share_progress = progress.Progress("Ảnh chia sẻ", 0)
        self.startup = progress.process_age()  # the first build counts Python's and MkDocs' start-up

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance alive across `mkdocs serve` rebuilds.
        self.is_serve = command == "serve"
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.timings = progress.Timings()
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        self.user_nav = config.nav is not None
        self.downloads = []
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES_DIR))
        # fonts.css and the palette first, so feature styles can build on them.
        css = sorted(p.name for p in ASSETS_DIR.glob("css/*.css"))
        css = [*_CSS_FIRST, *(name for name in css if name not in _CSS_FIRST)]
        config.extra_css[:0] = [f"{ASSETS_URL}/css/{name}" for name in css]
        config.extra_javascript.extend(f"{ASSETS_URL}/js/{p.name}" for p in sorted(ASSETS_DIR.glob("js/*.js")))
        self._close_cache(clean=False)  # a serve rebuild after a failed one
        self.cache = store.CacheSession(self.root / self.config.cache_dir).open()
        if self.command == "build":
            # Build beside the old site and swap at the end: a killed build leaves it whole.
            self.swap = store.SiteSwap(Path(config.site_dir))
            config.site_dir = str(self.swap.start())
        with self.timings.stage("content", "Đọc nội dung"):
            self.content = load_content(self.root, self.config, include_drafts=self.is_serve)
        _raise_on_errors(self.content.report.problems)
        _raise_on_errors(banners.check_settings(self.config.banners))
        self.downloads.extend(book.downloads(self.content, self.config, self.is_serve))
        self.downloads.extend(banners.downloads(self.content.slogans, self.config.banners, self.is_serve))
        if self._offline_zip():
            self.downloads.append(offline.download())
        return config

    def _offline_zip(self) -> bool:
        options = self.config.offline
        return options.enabled and (options.in_serve or not self.is_serve)

    def _read_docs_pages(self, files: Files, config: MkDocsConfig) -> list[Problem]:
        """Read hand-written pages ourselves: UTF-8 checked with a clear message, text in NFC."""
        report = Report()
        docs = Path(config.docs_dir)
        for file in files.documentation_pages():
            if file.generated_by is None and file.abs_src_path:
                path = Path(file.abs_src_path)
                source = Path(os.path.relpath(path, self.root)).as_posix()
                text = read_text(path, source, report)
                if text is not None and path.is_relative_to(docs):
                    file.content_string = text
                    file.abs_src_path = str(path)  # the setter unsets it; the blog plugin reads posts from it
        return report.problems

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Blog posts are read by Material's blog plugin itself: normalise them here too.
        page.meta = {k: nfc(v) if isinstance(v, str) else v for k, v in page.meta.items()}
        if page.title:
            page.title = nfc(page.title)
        return nfc(markdown)

    @event_priority(100)  # before GLightbox wraps images and the blog takes its excerpts
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Every page's HTML through the one raw-HTML policy (kyniem/htmlpolicy.py)."""
        policy = htmlpolicy.policy(self.config.html.iframe_hosts)
        for problem in policy.findings(html, self._source_of(page)):
            log.warning("%s", problem)
        return policy.clean(html)

    def _source_of(self, page: Page) -> str:
        """The file an editor wrote a page in, for findings."""
        if self.content is not None:
            for item in (*self.content.chapters, *self.content.outlines):
                if item.src_uri == page.file.src_uri:
                    return item.source
        docs = Path(page.file.abs_src_path).resolve() if page.file.abs_src_path else None
        if docs is not None and docs.is_relative_to(self.root):
            return docs.relative_to(self.root).as_posix()
        return page.file.src_uri

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        with self.timings.stage("share", "Ảnh chia sẻ (mạng xã hội)", trang=1):
            output = social.add_to_page(output, page=page, config=config, settings=self.config, root=self.root)
        self.share_progress.advance()
        return output

    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.content is not None
        for asset in sorted(ASSETS_DIR.rglob("*")):
            if asset.is_file() and asset.suffix not in _NOT_PUBLISHED:
                rel = asset.relative_to(ASSETS_DIR).as_posix()
                files.append(File.generated(config, f"{ASSETS_URL}/{rel}", abs_src_path=str(asset)))
        _raise_on_errors(self._read_docs_pages(files, config))
        self.editor_files = {f.src_uri for f in files if f.generated_by is None}
        _strip_docs_image_metadata(files, config)
        self.gallery = Gallery(self.root, self.config, use_directory_urls=config.use_directory_urls)
        with self.timings.stage("images", "Ảnh (thư viện ảnh, ảnh trong chương)") as stage:
            self.gallery.build(self.content.chapters)
            stats = self.gallery.pipeline.stats
            stage.detail.update({"ảnh tạo mới": stats.decoded, "ảnh lấy từ bộ đệm": stats.reused})
        with self.timings.stage("pages", "Tạo trang từ nội dung"):
            generated = self._pages(config, files)
        for src_uri, markdown in generated.items():
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                raise PluginError(
                    f"docs/{src_uri}: this page is generated by kyniem from the content folders; "
                    "rename or remove the hand-written file"
                )
            files.append(File.generated(config, src_uri, content=markdown))
        for image in self.gallery.files(config):
            files.append(image)
        with self.timings.stage("banners", "Băng rôn (ảnh xem trước, bản in cỡ thật)"):
            for src_uri, png in banners.previews(self.content.slogans, self.config.banners).items():
                files.append(File.generated(config, src_uri, content=png))
        if book.handouts_wanted(self.config, self.is_serve):
            with self.timings.stage("handouts", "Đề cương khổ A4 (PDF)") as stage:
                for src_uri, handout in book.build_handouts(self.content, self.config):
                    _log_print(src_uri, handout)
                    _count_print(stage, handout)
                    files.append(File.generated(config, src_uri, abs_src_path=str(handout.path)))
        if not self.user_nav:
            config.nav = self._nav(files)
        self.share_progress = progress.Progress("Ảnh chia sẻ", len(files.documentation_pages()), unit="trang")
        return files

    def _pages(self, config: MkDocsConfig, files: Files) -> dict[str, str]:
        """Markdown of every generated page, by its path in the site's docs."""
        content = self.content
        assert content is not None
        links = pages.LinkRewriter(content, Path(config.docs_dir))
        updated = gitinfo.last_updated(self.root, self.config.history_dir)  # one git call for all chapters
        chapters = content.chapters
        generated = {
            pages.HISTORY_INDEX: pages.history_index(content),
            pages.TIMELINE: pages.timeline(content),
            pages.SLOGANS: pages.slogans_page(
                content,
                PLAN_PAGE if PLAN_PAGE in files.src_uris else None,
                banners.previews_html(
                    content.slogans,
                    self.config.banners,
                    "../" if config.use_directory_urls else "",
                    banners.wanted(self.config.banners, self.is_serve),
                ),
            ),
            pages.OUTLINES_INDEX: pages.outlines_index(content),
            pages.DOWNLOADS: pages.downloads_page(self.downloads),
        }
        for index, chapter in enumerate(chapters):
            previous = chapters[index - 1] if index else None
            following = chapters[index + 1] if index + 1 < len(chapters) else None
            generated[chapter.src_uri] = pages.chapter_page(
                chapter, previous, following, links, gitinfo.updated_line(updated, chapter.source)
            )
            if self.gallery is not None:
                generated[chapter.src_uri] = self.gallery.rewrite_chapter(generated[chapter.src_uri], chapter)
        if self.gallery is not None:
            generated.update(self.gallery.pages())
        for outline in content.outlines:
            generated[outline.src_uri] = pages.outline_page(
                outline, links, book.handout_href(outline, self.config, self.is_serve)
            )
        return generated

    def _nav(self, files: Files) -> list[object]:
        """Navigation in the site's fixed order; hand-written top-level pages come last."""
        assert self.content is not None
        present = set(files.src_uris)

        def page(title: str, uri: str) -> list[dict[str, object]]:
            return [{title: uri}] if uri in present else []

        nav: list[object] = [
            *page("Trang chủ", "index.md"),
            *page("Giới thiệu", "gioi-thieu.md"),
            {"Lịch sử": [pages.HISTORY_INDEX, *(c.src_uri for c in self.content.chapters)]},
            {"Biên niên sự kiện": pages.TIMELINE},
            {"Khẩu hiệu": pages.SLOGANS},
            {"Đề cương tuyên truyền": [pages.OUTLINES_INDEX, *(o.src_uri for o in self.content.outlines)]},
            *page("Tin tức", "tin-tuc/index.md"),
            {"Thư viện ảnh": [GALLERY_INDEX, *(a.src_uri for a in self.gallery.albums)] if self.gallery else GALLERY_INDEX},
            {"Tài liệu tải về": pages.DOWNLOADS},
            *page("Kế hoạch", PLAN_PAGE),
        ]
        listed = {"index.md", "gioi-thieu.md", PLAN_PAGE, pages.TIMELINE, pages.SLOGANS}
        extra = sorted(f.src_uri for f in files.documentation_pages() if "/" not in f.src_uri and f.src_uri not in listed)
        nav.extend(extra)
        return nav

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object) -> LiveReloadServer:
        for folder in (self.config.history_dir, self.config.gallery_dir, self.config.slogans_dir):
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        return server

    def _post_build(self, *, config: MkDocsConfig) -> None:
        self.share_progress.close()
        site_dir = Path(config.site_dir)
        with self.timings.stage("search", "Chỉ mục tìm kiếm"):
            sizes = search.rewrite_index(site_dir)
        if sizes is not None:
            log.info("kyniem: search index %d bytes (Material wrote %d)", sizes.kyniem, sizes.material)
        if "robots.txt" not in self.editor_files:  # the editor's own robots.txt is published as written
            store.write_text(site_dir / "robots.txt", social.robots_txt(config.site_url))
        if self.content is not None:
            warnings = self.content.report.warnings
            if warnings:
                log.info("kyniem: %d warning(s) about content, listed above", len(warnings))
        self._print(site_dir)

    @event_priority(-100)
    def _post_build_offline(self, *, config: MkDocsConfig) -> None:
        # After every plugin's post-build (glightbox writes its files then): the zip packs them all.
        if self._offline_zip() and not self._editor_owns(offline.ZIP_PATH):
            site_dir = Path(config.site_dir)
            with self.timings.stage("offline", "Bản ngoại tuyến (ZIP)"):
                result = offline.build_zip(site_dir, site_dir / offline.ZIP_PATH, offline.FOLDER)
            log.info("kyniem: offline zip %s, %d files, %d bytes", offline.ZIP_PATH, result.files, result.size)
        if self.gallery is not None:
            # Last of the build, so an editor finds every photo problem in one block at the end.
            with self.timings.stage("cache", "Dọn bộ đệm ảnh"):
                problems = self.gallery.finish()
            _log_gallery_summary(problems, self.gallery.pipeline.stats)
            for path, seconds in self.gallery.pipeline.slowest():
                log.debug("kyniem: ảnh chậm nhất: %s, %.2f giây", path, seconds)

    @event_priority(-1000)
    def _post_build_finish(self, *, config: MkDocsConfig) -> None:
        # The very last step: the complete site replaces the old one, then the cache is tidied.
        if self.swap is not None:
            self.swap.finish()
            config.site_dir = str(self.swap.site_dir)
            self.swap = None
        self._close_cache(clean=True)
        self._report()

    def _report(self) -> None:
        """Where the time went: a table in the log, the same figures in build-report.json."""
        report = self.timings.finish(self.startup)
        self.startup = 0.0  # later serve rebuilds start when the rebuild starts
        log.info("%s", progress.table(report))
        progress.write_report(report, self.root / self.config.cache_dir)

    on_post_build = CombinedEvent(_post_build, _post_build_offline, _post_build_finish)

    def on_build_error(self, *, error: Exception) -> None:
        if self.swap is not None:
            self.swap.abandon()
            self.swap = None
        self._close_cache(clean=False)

    def on_shutdown(self) -> None:
        self._close_cache(clean=False)

    def _close_cache(self, *, clean: bool) -> None:
        if self.cache is not None:
            self.cache.close(clean=clean)
            self.cache = None

    def _editor_owns(self, site_path: str) -> bool:
        """True when docs/ has a hand-written file where kyniem would write one (it wins)."""
        if site_path in self.editor_files:
            log.info("kyniem: docs/%s is published as written; kyniem does not generate it", site_path)
            return True
        return False

    def _print(self, site_dir: Path) -> None:
        """The history book, handouts and full-size banners (cached; see book.py and banners.py)."""
        assert self.content is not None
        if book.wanted(self.config, self.is_serve) and not self._editor_owns(book.BOOK_FILE):
            with self.timings.stage("book", "Sách lịch sử (PDF)") as stage:
                result = book.build_book(self.content, self.config, site_dir / book.BOOK_FILE)
                if result is not None:
                    _log_print(book.BOOK_FILE, result)
                    _count_print(stage, result)
        if banners.wanted(self.config.banners, self.is_serve):
            cache = self.root / self.config.cache_dir / "print" / "banners"
            started = time.perf_counter()
            with self.timings.stage("banners", "Băng rôn (ảnh xem trước, bản in cỡ thật)") as stage:
                made = banners.build_banners(self.content.slogans, self.config.banners, site_dir, cache)
            rendered = sum(not r.cached for r in made)
            stage.detail.update({"băng rôn vẽ mới": rendered, "băng rôn lấy từ bộ đệm": len(made) - rendered})
            log.info("kyniem: %d banners, %d rendered, %.1f s", len(made), rendered, time.perf_counter() - started)


def _strip_docs_image_metadata(files: Files, config: MkDocsConfig) -> None:
    """Images from docs/ are published as they are: take their GPS and camera tags out first."""
    for file in list(files.media_files()):
        if file.generated_by is None and file.src_uri.lower().endswith(privacy.SUFFIXES):
            stripped = privacy.strip_metadata(Path(file.abs_src_path).read_bytes())
            if stripped is not None:
                files.remove(file)
                files.append(File.generated(config, file.src_uri, content=stripped))
                log.info("kyniem: removed location and camera data from docs/%s", file.src_uri)


def _log_print(name: str, result: book.PrintResult) -> None:
    for problem in result.problems:
        log.warning("%s", problem)
    state = "from cache" if result.cached else f"rendered in {result.seconds:.1f} s"
    log.info("kyniem: %s, %d pages, %s", name, result.pages, state)
    if not result.cached and result.seconds > 0:
        log.debug("kyniem: %s: %.1f trang mỗi giây", name, result.pages / result.seconds)


def _count_print(stage: progress.Stage, result: book.PrintResult) -> None:
    key = "tệp lấy từ bộ đệm" if result.cached else "tệp dựng mới"
    stage.detail[key] = int(stage.detail.get(key, 0)) + 1  # type: ignore[call-overload]


def _raise_on_errors(problems: list[Problem]) -> None:
    """Log warnings (they fail --strict); stop the build with a readable list on errors."""
    for problem in problems:
        if problem.severity == "warning":
            log.warning("%s", problem)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        listing = "\n".join(f"  {p}" for p in errors)
        raise PluginError(
            f"kyniem: the content has {len(errors)} error(s); fix them and build again:\n{listing}"
        )


def _log_gallery_summary(problems: list[Problem], stats: PipelineStats) -> None:
    """One block at the end of the build: every photo problem (warnings fail --strict), then counts."""
    for problem in problems:
        log.warning("%s", problem)
    log.info(
        "kyniem: images: %d rendered, %d from cache; %d problem(s) in galleries and chapter images",
        stats.decoded, stats.reused, len(problems),
    )
