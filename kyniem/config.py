"""Typed options of the ``kyniem`` plugin, set under ``plugins: - kyniem:`` in mkdocs.yml.

Defaults describe the first site kyniem was made for, the 70th anniversary of
Đảng bộ Khối các cơ quan tỉnh Hải Dương, so a bare ``- kyniem`` builds that site.
Each feature has its own sub-config so its options stay together.
"""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .text import parse_date
from .typeset import DEFAULT_PHRASES


class IsoDate(c.BaseConfigOption[str]):
    """A full date written ``YYYY-MM-DD`` (YAML may hand it over as a date object)."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        parsed = parse_date(text)
        if parsed is None or parsed[2] is None:
            raise base.ValidationError(f"'{text}' không phải là ngày; ghi theo dạng năm-tháng-ngày, ví dụ 1952-02-15")
        return text


class GalleryConfig(base.Config):
    """Photo albums and the image pipeline (issue 3)."""

    # 480 is what 2-column phone grids pick at DPR 2-3 (see kyniem/gallery.py GRID_SIZES).
    widths = c.ListOfItems(c.Type(int), default=[320, 480, 640, 1024, 1600])
    jpeg_quality = c.Type(int, default=82)
    webp_quality = c.Type(int, default=78)
    max_pixels = c.Type(int, default=80_000_000)
    max_file_mb = c.Type(int, default=40)
    originals = c.Type(bool, default=False)


class BookConfig(base.Config):
    """The history book PDF and the meeting handouts (issue 6)."""

    enabled = c.Type(bool, default=True)
    # Empty means computed (issue 13): "Lịch sử <organization>" and the years of the published chapters.
    title = c.Type(str, default="")
    years = c.Type(str, default="")
    page_size = c.Choice(["B5", "A5"], default="B5")
    in_serve = c.Type(bool, default=False)
    handouts = c.Type(bool, default=True)
    # The print-shop edition: bleed in mm around every page, crop marks, page count a multiple of 4.
    print_edition = c.Type(bool, default=True)
    bleed = c.Type((int, float), default=3)
    # Chapters rendered at once, each in its own process (about 100 MB each); at most the number of CPUs.
    workers = c.Type(int, default=2)
    # Colophon (issue 13): printed only when set; the organization and format come from the settings above.
    responsible = c.Type(str, default="")
    compilers = c.ListOfItems(c.Type(str), default=[])
    print_run = c.Type(int, default=0)
    printer = c.Type(str, default="")
    license = c.Type(str, default="")
    internal = c.Type(bool, default=False)
    # Handouts laid out as a party document (Hướng dẫn 36-HD/VPTW): the issuing committee, the one above it, the place.
    issuer = c.Type(str, default="")
    issuer_above = c.Type(str, default="Đảng bộ tỉnh Hải Dương")
    place = c.Type(str, default="Hải Dương")


class BannerConfig(base.Config):
    """Print-ready slogan banners (issue 6)."""

    enabled = c.Type(bool, default=True)
    # (int, float): editors write "width_m: 5" as often as "5.0".
    width_m = c.Type((int, float), default=5.0)
    height_m = c.Type((int, float), default=0.8)
    dpi = c.Type(int, default=100)
    uppercase = c.Type(bool, default=True)
    in_serve = c.Type(bool, default=False)
    # Issue 13: lines of text at most (a slogan may set its own), print margins, a floor for letters, memory.
    max_lines = c.Type(int, default=3)
    bleed_mm = c.Type((int, float), default=20)
    safe_mm = c.Type((int, float), default=50)
    min_letter_cm = c.Type((int, float), default=8)
    memory_mb = c.Type(int, default=1024)


class OfflineConfig(base.Config):
    """The offline zip of the whole site (issue 4)."""

    enabled = c.Type(bool, default=True)
    in_serve = c.Type(bool, default=False)


class HtmlConfig(base.Config):
    """What raw HTML editors may write (issue 10; the allowlist is in kyniem/htmlpolicy.py)."""

    # Hosts whose https:// <iframe> (videos) may appear in a page, e.g. [www.youtube.com]; none by default.
    iframe_hosts = c.ListOfItems(c.Type(str), default=[])


class LimitsConfig(base.Config):
    """Size bounds checked before any work starts (issue 10); each refusal names its setting.

    Photo bounds are ``gallery.max_pixels`` and ``gallery.max_file_mb``.
    """

    chapter_kb = c.Type(int, default=2048)  # one chapter, outline or page of Markdown
    word_file_mb = c.Type(int, default=30)  # a .docx given to `kyniem import`
    word_unzipped_mb = c.Type(int, default=100)  # everything inside that .docx (mostly photos), decompressed
    word_text_mb = c.Type(int, default=10)  # its XML (the text), decompressed: what the parser holds in memory
    memory_mb = c.Type(int, default=2048)  # photos decoded at once: workers × largest photo


class ArchiveConfig(base.Config):
    """The document archive at /tu-lieu/: scans, transcriptions, films (issue 15)."""

    # A film or recording over this size is refused: the site is copied whole into the
    # offline zip and served from a plain host, so big media belong on a video host.
    max_media_mb = c.Type(int, default=60)
    tile_quality = c.Type(int, default=80)


class QuizConfig(base.Config):
    """The self-study quiz /tim-hieu/ and its printed question sets (issue 16)."""

    enabled = c.Type(bool, default=True)
    dir = c.Type(str, default="quiz")
    # Questions per set on the page (the reader may change it) and in the printed set.
    count = c.Type(int, default=10)
    # Topics ticked when the page opens; empty: every topic.
    topics = c.ListOfItems(c.Type(str), default=[])
    print_count = c.Type(int, default=20)
    # The published PDF's set: the same seed prints the same questions in the same order.
    seed = c.Type(int, default=1952)


class KyniemConfig(base.Config):
    """Site settings: who is commemorated, when, and where the content lives."""

    organization = c.Type(str, default="Đảng bộ Khối các cơ quan tỉnh Hải Dương")
    committee = c.Type(str, default="Đảng ủy Khối các cơ quan tỉnh Hải Dương")
    founded = IsoDate(default="1952-02-15")
    anniversary = IsoDate(default="2022-02-15")
    # Names and fixed phrases never split across lines in print and on banners (the organization is added).
    keep_together = c.ListOfItems(c.Type(str), default=list(DEFAULT_PHRASES))

    history_dir = c.Type(str, default="history")
    gallery_dir = c.Type(str, default="gallery")
    slogans_dir = c.Type(str, default="slogans")
    people_dir = c.Type(str, default="people")
    archive_dir = c.Type(str, default="archive")
    cache_dir = c.Type(str, default=".cache/kyniem")
    # Chapters in the menu: "decade" parts, "flat", or "auto" (flat up to 20 chapters).
    history_nav = c.Choice(["auto", "decade", "flat"], default="auto")
    # `mkdocs serve` previews pages unminified unless asked (minifying is 40 % of a page's time).
    minify_in_serve = c.Type(bool, default=False)
    # Share pictures (1200×630 per page, kyniem/social.py) are for links people post, not previews.
    share_in_serve = c.Type(bool, default=False)

    gallery = c.SubConfig(GalleryConfig)
    book = c.SubConfig(BookConfig)
    banners = c.SubConfig(BannerConfig)
    offline = c.SubConfig(OfflineConfig)
    html = c.SubConfig(HtmlConfig)
    limits = c.SubConfig(LimitsConfig)
    # Write .gz and .br copies of text files for servers that send them (kyniem/speed.py).
    compress = c.Type(bool, default=True)
    archive = c.SubConfig(ArchiveConfig)
    quiz = c.SubConfig(QuizConfig)
