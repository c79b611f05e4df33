"""The kyniem MkDocs plugin: reads the content model and adds the pages and assets it implies.

Each event handler stays small and delegates to the module of its concern.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from . import (
    banners,
    book,
    ceremony_print,
    errorpage,
    gitinfo,
    htmlpolicy,
    mkdocslog,
    navigation,
    offline,
    outputs,
    pages,
    people_pages,
    privacy,
    progress,
    quiz_pages,
    quiz_print,
    search,
    social,
    speed,
    store,
    typeset,
)
from .archive import ARCHIVE_INDEX
from .archive_pages import ArchiveSite, link_references
from .book_ahead import BESIDE, FIRST, BookAhead
from .config import KyniemConfig
from .content import Content, load_content
from .gallery import GALLERY_INDEX, Gallery
from .images import PipelineStats
from .minify_cache import MinifyCache
from .search_cache import SearchCache, release_entries
from .people import check_posts
from .problems import Problem, Report
from .serve import GeneratedPage, Rebuilds, SecondPass, site_digest, skip_minify
from .text import nfc
from .yamlsrc import load_yaml, nesting_problem, read_text, split_front_matter

log = logging.getLogger("mkdocs.plugins.kyniem")

PACKAGE_DIR = Path(__file__).parent
ASSETS_DIR = PACKAGE_DIR / "assets"
TEMPLATES_DIR = PACKAGE_DIR / "templates"
ASSETS_URL = "assets/kyniem"
PLAN_PAGE = "ke-hoach.md"
_CSS_FIRST = ("fonts.css", "kyniem.css")
# Small scripts inlined into every page (templates/main.html): no request before the first paint.
_INLINE_JS = {"warm": "search/warm.js", "links": "js/print-links.js", "highlight": "search/highlight-loader.js"}
# Scripts of js/ that pages do not link: inlined, or loaded by highlight-loader.js when a page has "?h=".
_NOT_LINKED_JS = ("print-links.js", "search-core.js", "search-highlight.js")
# Files only the book and banners need; the site itself ships the woff2 fonts.
_NOT_PUBLISHED = {".ttf", ".css", ".md"}  # stylesheets go inline into every page (speed.py); .md: notes on vendored code


class KyniemPlugin(BasePlugin[KyniemConfig]):
    """Builds an anniversary history site from history/, slogans/ and gallery/."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        mkdocslog.install()  # MkDocs' own lines in Vietnamese from the first one after mkdocs.yml is read
        self.is_serve = False
        self.root = Path.cwd()
        self.content: Content | None = None
        self.user_nav = False
        self.downloads: list[pages.Download] = []
        self.gallery: Gallery | None = None
        self.rebuilds = Rebuilds()
        self.second_pass = SecondPass()
        self.command = ""
        self.cache: store.CacheSession | None = None
        self.swap: store.SiteSwap | None = None
        self.editor_files: set[str] = set()
        self.collisions = outputs.Collisions(())  # hand-written files where kyniem writes (kyniem/outputs.py)
        # Generated pages holding no editor Markdown, only text escaped by kyniem (see on_page_content).
        self.data_pages: set[str] = set()
        self.css = ""
        self.js: dict[str, str] = {}
        self.icon: tuple[str, str] | None = None  # kyniem's own favicon: its path and data: URI
        self.serve_problems: list[Problem] = []  # content errors shown in the browser under serve
        self._sources: dict[str, str] | None = None
        self.archive: ArchiveSite | None = None
        self.trusted = htmlpolicy.TrustedMarkup()
        self.share_progress = progress.Progress("Ảnh chia sẻ", 0)
        self.linked: dict[str, Path] = {}  # cached files published as they are: site path -> file
        self.search_cache: SearchCache | None = None  # Material's search entries by page (kyniem/search_cache.py)
        self.minify: MinifyCache | None = None  # minified pages by content hash (kyniem/minify_cache.py)
        self.book_ahead: BookAhead | None = None  # the book made beside the pages (kyniem/book_ahead.py)
        self.books_made = False  # both editions made before the pages (kyniem/book_ahead.py)
        self.files: Files | None = None  # this build's files, until its pages are written
        self.startup = progress.process_age()  # the first build counts Python's and MkDocs' start-up

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this instance alive across `mkdocs serve` rebuilds.
        self.is_serve = command == "serve"
        # A --dirty build rewrites only changed files, so it must write into the existing site.
        self.command = command if not dirty else f"{command} --dirty"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path or "mkdocs.yml").resolve().parent
        mkdocslog.install()
        self.user_nav = config.nav is not None
        self.downloads = []
        self.shown: set[str] = set()  # every character the pages show, for the web fonts (speed.py)
        self.serve_problems = []
        self.timings = progress.Timings()
        self._sources: dict[str, str] | None = None
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES_DIR))
        # fonts.css and the palette first, so feature styles can build on them; all inline (speed.py).
        css = sorted(p.name for p in ASSETS_DIR.glob("css/*.css"))
        css = [*_CSS_FIRST, *(name for name in css if name not in _CSS_FIRST)]
        self.css = speed.inline_css([ASSETS_DIR / "css" / name for name in css])
        config.extra_javascript.extend(speed.deferred(f"{ASSETS_URL}/js/{p.name}") for p in sorted(ASSETS_DIR.glob("js/*.js"))
                                       if p.name not in _NOT_LINKED_JS)
        self.js = {name: speed.inline_js(ASSETS_DIR / path) for name, path in _INLINE_JS.items()}
        self._close_cache(clean=False)  # a serve rebuild after a failed one
        self.cache = store.CacheSession(self.root / self.config.cache_dir).open()
        self.minify = MinifyCache(self.root / self.config.cache_dir / "minify")
        self.minify.install(config)
        self.search_cache = SearchCache(self.root / self.config.cache_dir / "search-pages")
        if self.command == "build":
            # Build beside the old site and swap at the end: a killed build leaves it whole.
            self.swap = store.SiteSwap(Path(config.site_dir))
            try:
                config.site_dir = str(self.swap.start())
            except NotADirectoryError as exc:
                self.swap = None
                raise PluginError(f"kyniem: {exc}") from None
        with self.timings.stage("content"):
            self.content = load_content(self.root, self.config, include_drafts=self.is_serve,
                                        docs_dir=Path(config.docs_dir))
        self._stop_on_errors(self.content.report.problems)
        banners.keep_layouts(self.root / self.config.cache_dir / "banner-layouts")  # measured once, not per build
        _raise_on_errors(banners.check_settings(self.config.banners))
        _raise_on_errors(banners.check_slogans(self.content.slogans, self.config.banners,
                                               f"{self.config.slogans_dir}/slogans.yml", self._phrases()))
        self.downloads.extend(book.downloads(self.content, self.config, self.is_serve))
        self.downloads.extend(ceremony_print.downloads(self.content, self.config, self.is_serve))
        self.downloads.extend(banners.downloads(self.content.slogans, self.config.banners, self.is_serve))
        if quiz_print.published_wanted(self.content, self.config, self.is_serve):
            self.downloads.append(quiz_print.download(self.content, self.config))
        if self._offline_zip():
            self.downloads.append(offline.download())
        if self.is_serve and not self.config.minify_in_serve:
            skip_minify(config)
        if not self.user_nav and navigation.wants_prune(self.config.history_nav, self.content.chapters):
            features = list(config.theme["features"]) if "features" in config.theme else []
            if navigation.PRUNE not in features:
                config.theme["features"] = [*features, navigation.PRUNE]
        return config

    def _stop_on_errors(self, problems: list[Problem]) -> None:
        """Stop the build on errors; under ``mkdocs serve`` let it finish and show them in the browser
        instead (errorpage.py), since a failed rebuild leaves the browser waiting for ever."""
        if self.is_serve and any(p.severity == "error" for p in problems):
            for problem in problems:
                (log.error if problem.severity == "error" else log.warning)("%s", problem)
            self.serve_problems.extend(problems)
            return
        _raise_on_errors(problems)

    def _phrases(self) -> tuple[str, ...]:
        """Names and phrases never split across lines in print (see kyniem/typeset.py)."""
        return typeset.phrases_for(self.config.organization, self.config.keep_together)

    def _share_wanted(self) -> bool:
        return self.config.share_in_serve or not self.is_serve

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
                text = read_text(path, source, report, int(self.config.limits.chapter_kb) * 1024)
                if text is not None:
                    # What MkDocs would stop on with a traceback: impossible dates, too deep nesting.
                    front, body, body_line = split_front_matter(text)
                    if front is not None:
                        dates = Report()
                        load_yaml(front, source, dates, first_line=2)
                        report.problems.extend(p for p in dates.problems if p.code == "impossible-date")
                    nesting_problem(body, source, report, body_line)
                if path.is_relative_to(docs):
                    # An unreadable page stays empty: under serve the error page replaces it anyway.
                    file.content_string = "" if text is None else text
                    file.abs_src_path = str(path)  # the setter unsets it; the blog plugin reads posts from it
        return report.problems

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # Blog posts are read by Material's blog plugin itself: normalise them here too.
        page.meta = {k: nfc(v) if isinstance(v, str) else v for k, v in page.meta.items()}
        if page.title:
            page.title = nfc(page.title)
        markdown = nfc(markdown)
        if self.content is not None and "[[tu-lieu:" in markdown:
            markdown, missing = link_references(markdown, page.file.src_uri, self.content.archive)
            for slug in missing:  # chapters and outlines are checked in the content layer; this is docs/
                log.warning("docs/%s: [[tu-lieu:%s]] trỏ tới tư liệu không có trong %s/", page.file.src_uri,
                            slug, self.config.archive_dir)
        return markdown

    def on_env(self, env: jinja2.Environment, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        # Every build compiles Material's templates again (0.7 s); keep their bytecode in the cache.
        folder = self.root / self.config.cache_dir / "templates"
        folder.mkdir(parents=True, exist_ok=True)
        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        env.globals["kyniem_css"] = self.css  # inlined by templates/main.html
        env.globals["kyniem_js"] = self.js  # inlined by templates/main.html
        # kyniem's own logo, drawn from the page itself (partials/logo.html); an editor's stays a file.
        logo = str(config.theme.get("logo") or "")
        own = ASSETS_DIR / logo[len(ASSETS_URL) + 1 :] if logo.startswith(ASSETS_URL + "/") else None
        env.globals["kyniem_logo"] = speed.svg_data_uri(own) if own is not None else None
        icon = str(config.theme.get("favicon") or "")
        uri = speed.svg_data_uri(ASSETS_DIR / icon[len(ASSETS_URL) + 1 :]) if icon.startswith(ASSETS_URL + "/") else None
        self.icon = (icon, uri) if uri else None
        return env

    @event_priority(100)  # before GLightbox wraps images and the blog takes its excerpts
    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Every page's HTML through the one raw-HTML policy (kyniem/htmlpolicy.py), except the
        pages kyniem writes wholly from escaped data (they carry its own forms and scripts)."""
        if page.file.src_uri in self.data_pages:
            return self.trusted.restore(html, page.file.src_uri)
        policy = htmlpolicy.policy(self.config.html.iframe_hosts)
        for problem in policy.findings(html, self._source_of(page)):
            log.warning("%s", problem)
        cleaned = policy.clean(html)
        # kyniem's own markup (archive viewer, players, filters; photo grids): back after the policy.
        return self.trusted.restore(cleaned, page.file.src_uri)

    def _source_of(self, page: Page) -> str:
        """The file an editor wrote a page in, for findings."""
        if self.content is not None:
            if self._sources is None:  # one map per build: a lookup per page stays linear in pages
                items = (*self.content.chapters, *self.content.outlines, *self.content.people.profiles)
                self._sources = {item.src_uri: item.source for item in items}
            if page.file.src_uri in self._sources:
                return self._sources[page.file.src_uri]
        docs = Path(page.file.abs_src_path).resolve() if page.file.abs_src_path else None
        if docs is not None and docs.is_relative_to(self.root):
            return docs.relative_to(self.root).as_posix()
        return page.file.src_uri

    def _post_page_social(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        output = search.use_kyniem_worker(output)
        if not self._share_wanted():
            return output
        with self.timings.stage("share", trang=1):
            output = social.add_to_page(output, page=page, config=config, settings=self.config, root=self.root)
        self.share_progress.advance()
        return output

    @event_priority(-100)
    def _post_page_lightbox(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # After the minifier, which undoes one level of escaping in attributes.
        return htmlpolicy.protect_lightbox_text(output)

    @event_priority(-90)
    def _post_page_speed(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        # After the glightbox plugin has put its code into every page.
        output = speed.defer_bundle(speed.size_avatars(speed.trim_lightbox(output)))
        self.shown.update(output)
        return speed.inline_icon(output, self.icon[0], self.icon[1]) if self.icon else output

    on_post_page = CombinedEvent(_post_page_social, _post_page_speed, _post_page_lightbox)

    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.content is not None
        self.files = files
        if self.search_cache is not None:  # after every on_config: the search plugin makes its index there
            self.search_cache.install(config)
        # Before kyniem's own files are added: a generated file of the same path replaces the editor's.
        self.editor_files = {f.src_uri for f in files if f.generated_by is None}
        self.collisions = outputs.Collisions(self.editor_files, Path(config.docs_dir).name)
        for asset in sorted(ASSETS_DIR.rglob("*")):
            if asset.is_file() and asset.suffix not in _NOT_PUBLISHED:
                rel = asset.relative_to(ASSETS_DIR).as_posix()
                files.append(File.generated(config, f"{ASSETS_URL}/{rel}", abs_src_path=str(asset)))
        self._stop_on_errors(self._read_docs_pages(files, config))
        _strip_docs_image_metadata(files, config)
        self.collisions.publish(files)
        people_report = Report()
        check_posts(self.content.people, Path(config.docs_dir), people_report)
        _raise_on_errors(people_report.problems)
        self.trusted.clear()  # kyniem's own markup of this build, back after Markdown and the policy
        self.gallery = Gallery(self.root, self.config, use_directory_urls=config.use_directory_urls,
                               trusted=self.trusted)
        with self.timings.stage("images") as stage:
            self.gallery.build([*self.content.chapters, *self.content.people.image_hosts])
            self.archive = ArchiveSite(self.root, self.config, self.content, use_directory_urls=config.use_directory_urls,
                                       trusted=self.trusted)
            with store.apart():  # films probed in a worker: PyAV's memory leaves with it
                self.archive.build(self.gallery.albums)
            stats = self.gallery.pipeline.stats
            stage.detail.update({"ảnh tạo mới": stats.decoded, "ảnh lấy từ bộ đệm": stats.reused})
        # The book, from the content model alone: beside the pages when little of it changed, else now, while
        # the build holds least (no page's Markdown yet; kyniem/book_ahead.py).
        self.book_ahead, self.books_made = None, False
        if self.command == "build" and book.wanted(self.config, self.is_serve):  # not serve: the book is optional there
            site_dir = Path(config.site_dir)
            ahead = BookAhead(self.content, self.config, [(e, name, site_dir / name) for e, name in self._books()])
            if ahead.little():
                self.book_ahead = ahead.start()
            else:
                self._make_books(site_dir, first=True)
        with self.timings.stage("pages"):
            generated_pages = self._pages(config, files)
        self._stop_on_errors(self.collisions.refusals(generated_pages))
        for src_uri, markdown in generated_pages.items():
            files.append(GeneratedPage.generated(config, src_uri, content=markdown))
        # Photo sizes and archive tiles are linked into the site after the build (_post_build), thousands
        # at once, not as MkDocs files: each of those costs more than its link.
        self.linked = {uri: path for uri, path in (*self.gallery.assets.items(), *self.archive.assets.items())
                       if not self._editor_owns(uri)}
        previews = self.root / self.config.cache_dir / "print" / "banner-previews"
        with self.timings.stage("banners"):
            made = banners.previews(self.content.slogans, self.config.banners, previews, self._phrases())
        for src_uri, png in made.items():
            self._add(files, File.generated(config, src_uri, abs_src_path=str(png)))
        # The print documents are rendered in one worker: WeasyPrint's memory leaves with it, instead
        # of staying in the build beside the book's and the banners' workers.
        with store.apart():
            if book.handouts_wanted(self.config, self.is_serve):
                with self.timings.stage("handouts") as stage:
                    handouts = book.build_handouts(self.content, self.config)
                for src_uri, handout in handouts:
                    _log_print(src_uri, handout)
                    _count_print(stage, handout)
                    self._add(files, File.generated(config, src_uri, abs_src_path=str(handout.path)))
            if ceremony_print.wanted(self.content, self.config, self.is_serve):
                with self.timings.stage("print"):
                    programme = ceremony_print.build_programme(self.content, self.config)
                _log_print(ceremony_print.PROGRAMME_FILE, programme)
                self._add(files, File.generated(config, ceremony_print.PROGRAMME_FILE, abs_src_path=str(programme.path)))
            if quiz_print.published_wanted(self.content, self.config, self.is_serve):
                quiz = self.config.quiz
                with self.timings.stage("print"):
                    built = quiz_print.build_set(self.content, self.config, quiz.seed, quiz.print_count)
                if built is not None:
                    _log_print(quiz_print.pdf_file(quiz.seed), built[1])
                    self._add(files, File.generated(config, quiz_print.pdf_file(quiz.seed), abs_src_path=str(built[1].path)))
        if not self.user_nav:
            config.nav = self._nav(files)
        shared = len(files.documentation_pages()) if self._share_wanted() else 0
        self.share_progress = progress.Progress("Ảnh chia sẻ", shared, unit="trang")
        generated = [f for f in files if isinstance(f, GeneratedPage)]
        if self.user_nav:
            changed = self.rebuilds.mark(generated, site_digest(config, config.nav))
        else:
            pruned = navigation.PRUNE in (config.theme["features"] if "features" in config.theme else [])
            views = navigation.page_views(config.nav, pruned)
            # The timeline lists every event (1.1 s to render at 300 chapters): after the edited pages.
            changed = self.rebuilds.mark(generated, site_digest(config, None), views,
                                         defer=self.second_pass.trigger is not None, late={pages.TIMELINE})
        if self.is_serve:
            log.info("kyniem: %d/%d trang tạo từ nội dung có thay đổi", changed, len(generated))
        if self.rebuilds.pending:
            log.info("kyniem: %d trang khác (mục lục chung, biên niên sự kiện) dựng lại ở lượt sau, ngay sau lượt này",
                     self.rebuilds.pending)
        return files

    def _pages(self, config: MkDocsConfig, files: Files) -> dict[str, str]:
        """Markdown of every generated page, by its path in the site's docs."""
        content = self.content
        assert content is not None
        links = pages.LinkRewriter(content, Path(config.docs_dir))
        updated = gitinfo.last_updated(self.root, self.config.history_dir)  # one git call for all chapters
        chapters = content.chapters
        people = content.people
        generated = {
            pages.HISTORY_INDEX: pages.history_index(content),
            pages.TIMELINE: pages.timeline(content, people_pages.timeline_events(people, chapters)),
            pages.SLOGANS: pages.slogans_page(
                content,
                PLAN_PAGE if PLAN_PAGE in files.src_uris else None,
                banners.previews_html(
                    content.slogans,
                    self.config.banners,
                    "../" if config.use_directory_urls else "",
                    banners.wanted(self.config.banners, self.is_serve),
                    self._phrases(),
                ),
            ),
            pages.OUTLINES_INDEX: pages.outlines_index(content),
            pages.DOWNLOADS: pages.downloads_page(self.downloads),
        }
        # Made wholly by kyniem from escaped data: its own markup (labels, size slots) stays.
        self.data_pages.update(generated)
        for index, chapter in enumerate(chapters):
            previous = chapters[index - 1] if index else None
            following = chapters[index + 1] if index + 1 < len(chapters) else None
            generated[chapter.src_uri] = pages.chapter_page(
                chapter, previous, following, links, gitinfo.updated_line(updated, chapter.source),
                people_pages.chapter_related(people.congresses_in(chapter.start, chapter.end), "../"),
            )
            if self.gallery is not None:
                generated[chapter.src_uri] = self.gallery.rewrite_chapter(generated[chapter.src_uri], chapter)
        if self.gallery is not None:
            generated.update(self.gallery.pages())
            for album in self.gallery.albums:
                if self.archive is not None:
                    generated[album.src_uri] = self.archive.album_films(generated[album.src_uri], album)
        if self.archive is not None:
            generated.update(self.archive.pages())
        if self.config.quiz.enabled and any(not q.is_draft for q in content.questions):
            pdf = quiz_print.pdf_file(self.config.quiz.seed)
            generated[quiz_pages.QUIZ_PAGE] = quiz_pages.quiz_page(
                content.questions, self.config.quiz, config.use_directory_urls,
                pdf if quiz_print.published_wanted(content, self.config, self.is_serve) else None,
            )
            self.data_pages.add(quiz_pages.QUIZ_PAGE)  # its form and script are kyniem's, every text escaped
        for outline in content.outlines:
            generated[outline.src_uri] = pages.outline_page(
                outline, links, book.handout_href(outline, self.config, self.is_serve)
            )
        generated.update(self._people_pages(config, files))
        return generated

    def _people_pages(self, config: MkDocsConfig, files: Files) -> dict[str, str]:
        """Congresses, committees, commendations, exemplary people and the ceremony, when written."""
        assert self.content is not None
        people = self.content.people
        up = "../" if config.use_directory_urls else ""
        generated: dict[str, str] = {}
        if people.congresses:
            generated[people_pages.CONGRESSES] = people_pages.congresses_page(people)
            generated[people_pages.COMMITTEES] = people_pages.committees_page(people)
        if people.commendations:
            generated[people_pages.HONOURS] = people_pages.honours_page(
                people, f"{up}{people_pages.FILTER_SCRIPT}")
        if people.profiles:
            generated[people_pages.PROFILES_INDEX] = people_pages.profiles_index(people)
            for profile in people.profiles:
                posts = [(_post_title(files.get_file_from_path(p)) or p, f"../{p}") for p in profile.posts]
                markdown = people_pages.profile_page(profile, posts)
                generated[profile.src_uri] = self.gallery.rewrite_chapter(markdown, profile) if self.gallery else markdown
        if people.ceremony is not None:
            href = ceremony_print.programme_href(self.content, self.config, self.is_serve)
            generated[people_pages.CEREMONY] = people_pages.ceremony_page(people, href)
        self.data_pages.update(uri for uri in generated if uri in people_pages.PAGES)
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
            {"Lịch sử": navigation.history({"Lịch sử": pages.HISTORY_INDEX}, self.content.chapters,
                                           self.config.history_nav)},
            {"Biên niên sự kiện": pages.TIMELINE},
            {"Khẩu hiệu": pages.SLOGANS},
            {"Đề cương tuyên truyền": [{"Đề cương tuyên truyền": pages.OUTLINES_INDEX},
                                       *({navigation.title(o.title): o.src_uri} for o in self.content.outlines)]},
            # A section, so the blog plugin hangs its archive and category pages under it.
            *([{"Tin tức": [{"Tin tức": "tin-tuc/index.md"}]}] if "tin-tuc/index.md" in present else []),
            {"Thư viện ảnh": [{"Thư viện ảnh": GALLERY_INDEX},
                              *({navigation.title(a.title): a.src_uri} for a in self.gallery.albums)]
             if self.gallery else GALLERY_INDEX},
            *self._people_nav(present),
            *([{"Tư liệu": [ARCHIVE_INDEX, *(i.src_uri for i in self.content.archive)]}]
              if ARCHIVE_INDEX in present else []),
            *page("Tìm hiểu lịch sử", quiz_pages.QUIZ_PAGE),
            {"Tài liệu tải về": pages.DOWNLOADS},
            *page("Kế hoạch", PLAN_PAGE),
        ]
        listed = {"index.md", "gioi-thieu.md", PLAN_PAGE, pages.TIMELINE, pages.SLOGANS}
        extra = sorted(f.src_uri for f in files.documentation_pages() if "/" not in f.src_uri and f.src_uri not in listed)
        nav.extend(extra)
        return nav

    def _people_nav(self, present: set[str]) -> list[dict[str, object]]:
        assert self.content is not None
        people = self.content.people
        nav: list[dict[str, object]] = []
        # Every entry titled, so a `mkdocs serve --dirty` rebuild keeps the menu right (kyniem/navigation.py).
        titles = {people_pages.CONGRESSES: "Đại hội qua các nhiệm kỳ", people_pages.COMMITTEES: "Ban Chấp hành",
                  people_pages.HONOURS: "Khen thưởng", people_pages.PROFILES_INDEX: "Gương điển hình"}
        terms = [{titles[uri]: uri} for uri in (people_pages.CONGRESSES, people_pages.COMMITTEES) if uri in present]
        if terms:
            nav.append({"Đại hội, Ban Chấp hành": terms})
        honours = [{titles[uri]: uri} for uri in (people_pages.HONOURS, people_pages.PROFILES_INDEX) if uri in present]
        honours += [{navigation.title(p.title): p.src_uri} for p in people.profiles]
        if honours:
            nav.append({"Khen thưởng, gương điển hình": honours})
        if people_pages.CEREMONY in present:
            nav.append({"Lễ kỷ niệm": people_pages.CEREMONY})
        return nav

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object) -> LiveReloadServer:
        folders = (self.config.history_dir, self.config.gallery_dir, self.config.slogans_dir, self.config.people_dir,
                   self.config.archive_dir, self.config.quiz.dir)
        for folder in folders:
            path = self.root / folder
            if path.is_dir():
                server.watch(str(path))
        if "--dirty" in self.command:
            self.second_pass.watch(server, self.root / self.config.cache_dir / "serve")
        return server

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        self.shown.update(output_content)  # the 404 page's letters too, for the web fonts
        return output_content

    def _post_build(self, *, config: MkDocsConfig) -> None:
        self.share_progress.close()
        site_dir = Path(config.site_dir)
        store.copy_all((path, site_dir / uri) for uri, path in self.linked.items())
        sizes = None
        if not self.is_serve and (site_dir / search.MATERIAL_INDEX).is_file():
            self._let_go_of_pages(config)
        if not self.rebuilds.pending:  # else the next pass, right after this one, writes it
            # In a worker: parsing Material's index (4.5 MB at 300 chapters) left the build ~30 MB larger
            # for the rest of it, beside the book's workers.
            search_cache = self.root / self.config.cache_dir / "search"
            with self.timings.stage("search"):
                sizes = search.kept_index(site_dir, search_cache)  # unchanged text: no worker to start
                if sizes is None:
                    with store.apart():
                        sizes = store.run_apart(search.write_index, site_dir, search_cache)
            if sizes is not None:  # the worker has no part in this build's cache session: it is told here
                store.retain(search_cache, sizes.cached)
        if sizes is not None:
            log.info("kyniem: chỉ mục tìm kiếm %d byte (Material ghi %d)", sizes.kyniem, sizes.material)
        # Not under serve: a dirty rebuild shows only the pages it made, not every letter of the site.
        # (An editor's file under assets/kyniem/ is refused before this, kyniem/outputs.py.)
        if not self.is_serve:
            with self.timings.stage("fonts"):
                fitted = speed.fit_fonts(ASSETS_DIR / "fonts", site_dir / ASSETS_URL / "fonts", self.shown,
                                         self.root / self.config.cache_dir / "fonts")
            if fitted.files:
                log.info("kyniem: phông chữ web cắt theo chữ của trang: %d byte -> %d", fitted.before, fitted.after)
        if not self.collisions.editor_owns("robots.txt"):  # the editor's own robots.txt is published as written
            store.write_text(site_dir / "robots.txt", social.robots_txt(config.site_url))
        if self.content is not None:
            warnings = self.content.report.warnings
            if warnings:
                log.info("kyniem: %d cảnh báo về nội dung, liệt kê ở trên", len(warnings))
        self._print(site_dir)
        banners.save_layouts()
        # What was written over an editor's file after MkDocs copied docs/ (banners, share pictures,
        # MkDocs' sitemap) is put back before the offline zip and the compressed copies are made.
        self.collisions.restore(site_dir)

    @event_priority(-100)
    def _post_build_offline(self, *, config: MkDocsConfig) -> None:
        # After every plugin's post-build (glightbox writes its files then): the zip packs them all.
        site_dir = Path(config.site_dir)
        self._add_download_sizes(site_dir)
        if self._offline_zip() and not self._editor_owns(offline.ZIP_PATH):
            cache = self.root / self.config.cache_dir / "offline"
            with self.timings.stage("offline"):
                replaced = self.gallery.offline_replacements() if self.gallery is not None else {}
                result = offline.build_zip(site_dir, site_dir / offline.ZIP_PATH, offline.FOLDER, cache, replaced)
            log.info("kyniem: bản ngoại tuyến %s, %d tệp, %d byte%s", offline.ZIP_PATH, result.files, result.size,
                     " (không đổi, lấy từ bộ nhớ đệm)" if result.cached else "")
            self._add_download_sizes(site_dir)  # the zip's own size, now that it exists
        if self.minify is not None and self.minify.finish():
            log.info("kyniem: rút gọn HTML: %d trang rút gọn mới, %d trang lấy từ bộ đệm", self.minify.made,
                     self.minify.reused)
        if self.search_cache is not None and self.search_cache.finish():
            log.debug("kyniem: tìm kiếm: %d trang phân tích mới, %d trang lấy từ bộ đệm", self.search_cache.made,
                      self.search_cache.reused)
        if self.config.compress and not self.is_serve:
            with self.timings.stage("compress"):
                packed = speed.precompress(site_dir, self.root / self.config.cache_dir / "compress")
            log.info("kyniem: đã nén sẵn %d tệp, %d byte -> %d gzip, %d brotli",
                     packed.files, packed.raw, packed.gzip, packed.brotli)
        if self.archive is not None:
            for problem in self.archive.finish():
                log.warning("%s", problem)
            made = self.archive.pyramids
            if self.archive.items:
                log.info("kyniem: tư liệu: %d mục, %d ô ảnh; %d trang quét mới cắt ô, %d lấy từ bộ đệm",
                         len(self.archive.items), self.archive.tile_count, made.rendered, made.reused)
        if self.gallery is not None:
            # Last of the build, so an editor finds every photo problem in one block at the end.
            with self.timings.stage("cache"):
                problems = self.gallery.finish()
            _log_gallery_summary(problems, self.gallery.pipeline.stats)
            for path, seconds in self.gallery.pipeline.slowest():
                log.debug("kyniem: ảnh chậm nhất: %s, %.2f giây", path, seconds)
        if self.serve_problems:
            errorpage.write(Path(config.site_dir), self.serve_problems)
            log.error("kyniem: nội dung có lỗi; trình duyệt hiện trang báo lỗi cho tới khi sửa xong")

    @event_priority(-1000)
    def _post_build_finish(self, *, config: MkDocsConfig) -> None:
        # The very last step: the complete site replaces the old one, then the cache is tidied.
        if self.swap is not None:
            self.swap.finish()
            config.site_dir = str(self.swap.site_dir)
            self.swap = None
        # A --dirty rebuild uses only the entries of the pages it rendered: pruning would drop the rest.
        self._close_cache(clean="--dirty" not in self.command)
        self._report()
        if self.rebuilds.pending:
            self.second_pass.request()

    def _let_go_of_pages(self, config: MkDocsConfig) -> None:
        """Every page is written, and Material's search index: what MkDocs and the search plugin hold of each
        page (Markdown, HTML, search text; about 90 MB at 1,000 chapters) goes before the search index's worker
        starts beside this process. The rest of the build reads the written site. Not under serve, which
        keeps pages between rebuilds."""
        for file in self.files.documentation_pages() if self.files is not None else []:
            if file.page is not None:
                file.page.markdown = file.page.content = None
            if isinstance(file, GeneratedPage):
                file.content_string = ""
        self.files = None
        release_entries(config)
        store.release_memory()

    def _report(self) -> None:
        """Where the time went: a table in the log, the same figures in build-report.json."""
        report = self.timings.finish(self.startup)
        self.startup = 0.0  # later serve rebuilds start when the rebuild starts
        log.info("%s", progress.table(report))
        progress.write_report(report, self.root / self.config.cache_dir)

    on_post_build = CombinedEvent(_post_build, _post_build_offline, _post_build_finish)

    def on_build_error(self, *, error: Exception) -> None:
        if self.book_ahead is not None:  # it writes into the site being built: done before that goes
            self.book_ahead.finish()
            self.book_ahead = None
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
        """True when docs/ has a hand-written file where kyniem would write one (it wins, kyniem/outputs.py)."""
        return self.collisions.editor_owns(site_path)

    def _add(self, files: Files, file: File) -> None:
        """A file kyniem generates, unless docs/ has a hand-written one at its path (published instead)."""
        if not self._editor_owns(file.src_uri):
            files.append(file)

    def _add_download_sizes(self, site_dir: Path) -> None:
        page = site_dir / (pages.DOWNLOADS[: -len("index.md")] + "index.html")
        if page.is_file():
            text = page.read_text(encoding="utf-8")
            store.write_text(page, pages.add_sizes(text, page.parent))

    def _books(self) -> list[tuple[str, str]]:
        """(edition, site path) of each edition of the book kyniem writes (not one an editor wrote in docs/)."""
        assert self.content is not None
        editions = ("screen", "print") if self.config.book.print_edition else ("screen",)
        names = [(edition, book.book_file(self.content, self.config, edition)) for edition in editions]
        return [(edition, name) for edition, name in names if not self._editor_owns(name)]

    def _make_books(self, site_dir: Path, first: bool = False) -> None:
        """Both editions of the book, in this thread: ``first``, before MkDocs reads the pages
        (kyniem/book_ahead.py), else after them (``mkdocs serve`` asked for the book)."""
        assert self.content is not None
        store.release_memory()  # before the workers start beside this process
        for edition, name in self._books():
            # Each edition merged in a worker that ends with it: not idle beside the next edition's workers.
            with self.timings.stage("book") as stage, store.apart():
                result = book.build_book(self.content, self.config, site_dir / name, edition)
            if first:
                stage.detail[FIRST] = round(stage.seconds, 1)
            if result is not None:
                _log_print(name, result)
                _count_print(stage, result)
        self.books_made = True
        book.forget_layout()
        store.release_memory()

    def _print(self, site_dir: Path) -> None:
        """The history book, handouts and full-size banners (cached; see book.py and banners.py)."""
        assert self.content is not None
        store.release_memory()  # the pages are written: what MkDocs freed goes back before the workers start
        ahead, self.book_ahead = self.book_ahead, None
        made = None  # the books made beside the pages, if any
        if ahead is not None:
            with self.timings.stage("book") as stage:
                made = ahead.collect()
            for name, result in made or []:
                if result is not None:
                    _log_print(name, result)
                    _count_print(stage, result)
            if made is not None:
                stage.detail[BESIDE] = round(ahead.seconds, 1)
        if book.wanted(self.config, self.is_serve) and made is None and not self.books_made:
            self._make_books(site_dir)
        if banners.wanted(self.config.banners, self.is_serve):
            cache = self.root / self.config.cache_dir / "print" / "banners"
            started = time.perf_counter()
            with self.timings.stage("banners") as stage:
                made = banners.build_banners(self.content.slogans, self.config.banners, site_dir, cache,
                                             phrases=self._phrases())
            rendered = sum(not r.cached for r in made)
            stage.detail.update({"băng rôn vẽ mới": rendered, "băng rôn lấy từ bộ đệm": len(made) - rendered})
            log.info("kyniem: %d băng rôn, %d dựng mới, %.1f giây", len(made), rendered, time.perf_counter() - started)


def _strip_docs_image_metadata(files: Files, config: MkDocsConfig) -> None:
    """Images from docs/ are published as they are: take their GPS and camera tags out first,
    or leave out (with a named warning) what cannot be cleaned (kyniem/privacy.py)."""
    for file in list(files.media_files()):
        if file.generated_by is not None or not file.src_uri.lower().endswith(privacy.IMAGE_SUFFIXES):
            continue
        cleaned = privacy.clean_image(Path(file.abs_src_path).read_bytes())
        refusal = privacy.refused(f"{Path(config.docs_dir).name}/{file.src_uri}", cleaned)
        if refusal is not None:
            files.remove(file)
            log.warning("%s", refusal)
        elif cleaned.changed:
            files.remove(file)
            files.append(File.generated(config, file.src_uri, content=cleaned.data))
            log.info("kyniem: đã xóa vị trí và thông tin máy ảnh khỏi docs/%s", file.src_uri)


def _post_title(file: File | None) -> str | None:
    """A news post's title from its front matter (already read into memory by MkDocs)."""
    if file is None or not file.content_string:
        return None
    front, body, _ = split_front_matter(file.content_string)
    data, _ = load_yaml(front or "", file.src_uri, Report())
    title = data.get("title") if isinstance(data, dict) else None
    if not title:
        title = next((line[2:].strip() for line in body.split("\n") if line.startswith("# ")), None)
    return nfc(str(title)) if title else None


def _log_print(name: str, result: book.PrintResult) -> None:
    for problem in result.problems:
        log.warning("%s", problem)
    state = "lấy từ bộ đệm" if result.cached else f"dựng trong {result.seconds:.1f} giây"
    log.info("kyniem: %s, %d trang, %s", name, result.pages, state)
    if result.pages_rendered and result.render_seconds > 0:  # the book: only the chapters rendered in this build
        log.debug("kyniem: %s: %d trang dựng mới, %.1f trang mỗi giây", name, result.pages_rendered,
                  result.pages_rendered / result.render_seconds)
    elif not result.cached and result.seconds > 0:
        log.debug("kyniem: %s: %.1f trang mỗi giây", name, result.pages / result.seconds)


def _count_print(stage: progress.Stage, result: book.PrintResult) -> None:
    key = "tệp lấy từ bộ đệm" if result.cached else "tệp dựng mới"
    stage.detail[key] = int(stage.detail.get(key, 0)) + 1  # type: ignore[call-overload]
    for key, count in (("chương dựng mới", result.chapters_rendered), ("chương lấy từ bộ đệm", result.chapters_reused)):
        if result.chapters_rendered or result.chapters_reused:
            stage.detail[key] = int(stage.detail.get(key, 0)) + count  # type: ignore[call-overload]


def _raise_on_errors(problems: list[Problem]) -> None:
    """Log warnings (they fail --strict); stop the build with a readable list on errors."""
    for problem in problems:
        if problem.severity == "warning":
            log.warning("%s", problem)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        listing = "\n".join(f"  {p}" for p in errors)
        raise PluginError(
            f"kyniem: nội dung có {len(errors)} lỗi; sửa các lỗi sau rồi dựng lại:\n{listing}"
        )


def _log_gallery_summary(problems: list[Problem], stats: PipelineStats) -> None:
    """One block at the end of the build: every photo problem (warnings fail --strict), then counts."""
    for problem in problems:
        log.warning("%s", problem)
    log.info(
        "kyniem: ảnh: %d dựng mới, %d lấy từ bộ đệm; %d vấn đề ở thư viện ảnh và ảnh trong chương",
        stats.decoded, stats.reused, len(problems),
    )
