"""The offline zip: the whole site, readable from ``file://`` with no network.

A reader unzips it on a laptop and opens ``index.html``. The online site is
not rebuilt; its files are copied into the zip with the few changes that
``file://`` needs:

* links to folders (``../lich-su/``) point at their ``index.html``, because a
  browser shows a folder listing instead of the page;
* a small stand-in for Web Workers (the search runs in one, and browsers
  refuse to start a worker from a file) is put in front of every page; it
  runs the worker script in a hidden frame, as Material's own offline plugin
  does with the ``iframe-worker`` package, but from the zip instead of a
  third-party host. kyniem's search index is already a script, which a frame
  can load from a file, and its worker points result links at ``index.html``
  itself when it runs from ``file://``.

The zip is reproducible: entries sorted, timestamps fixed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import store
from .pages import Download
from .search import MATERIAL_INDEX

ZIP_NAME = "trang-web-ngoai-tuyen.zip"
ZIP_PATH = f"tai-ve/{ZIP_NAME}"
# The folder the zip unpacks to.
FOLDER = "trang-web-ky-niem"
SHIM_SOURCE = Path(__file__).parent / "assets" / "offline" / "worker-shim.js"
SHIM_PATH = "assets/kyniem/offline/worker-shim.js"
# Already compressed formats are stored as they are.
_STORED = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".woff2", ".woff", ".zip", ".gz", ".pdf", ".mp4", ".mp3"}
# Not needed offline: share pictures are for social networks; Material's index is not used by the pages.
_LEFT_OUT = ("assets/kyniem/social/", MATERIAL_INDEX.as_posix())
# The anniversary day, a fixed timestamp for every entry.
_DATE = (2022, 2, 15, 0, 0, 0)
# Minified HTML leaves attribute values unquoted where it can.
_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class OfflineResult:
    """Where the zip went and what it holds."""

    path: Path
    files: int
    size: int


def _resolve(site_dir: Path, page_dir: str, url: str) -> str | None:
    """The rewritten URL when ``url`` leads from ``page_dir`` to a folder with an index.html."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "#")) or not (parts.path or url == ""):
        return None
    target = posixpath.normpath(posixpath.join(page_dir, parts.path)) if parts.path else page_dir
    if target.startswith(".."):
        return None
    folder = site_dir / target if target != "." else site_dir
    if not (folder / "index.html").is_file():
        return None
    path = parts.path
    if path and not path.endswith("/"):
        path += "/"
    new = f"{path}index.html"
    if parts.query:
        new += f"?{parts.query}"
    if parts.fragment:
        new += f"#{parts.fragment}"
    return new


def rewrite_links(page_html: str, site_dir: Path, page_path: str) -> str:
    """Point every relative link to a folder of the site at that folder's index.html."""
    page_dir = posixpath.dirname(page_path) or "."

    def replace(match: re.Match[str]) -> str:
        value = next(group for group in match.groups()[1:] if group is not None)
        new = _resolve(site_dir, page_dir, value)
        if new is None:
            return match.group(0)
        return f'{match.group(1)}"{new}"'

    return _ATTR.sub(replace, page_html)


_SELF_LINK = re.compile(
    r"""<a\s[^>]*href\s*=\s*["']?[^"'\s>]*""" + re.escape(ZIP_NAME) + r"""["']?[^>]*>(.*?)</a>(?:\s*<span class="?ky-size"?[^>]*>[^<]*</span>)?""",
    re.IGNORECASE | re.DOTALL,
)


def drop_self_links(page_html: str) -> str:
    """Inside the zip, a link to the zip leads nowhere: keep its words, say the reader has it."""
    return _SELF_LINK.sub(lambda m: f'<span class="ky-offline-here">{m.group(1)} (bạn đang xem bản này)</span>', page_html)


def add_worker_shim(page_html: str, page_path: str) -> str:
    """Load the worker stand-in in ``<head>``, so it is in place before Material's bundle runs."""
    src = "../" * page_path.count("/") + SHIM_PATH
    index = page_html.find("</head>")
    if index < 0:
        return page_html
    return f'{page_html[:index]}<script src="{src}"></script>{page_html[index:]}'


def download() -> Download:
    """The zip's line on the downloads page."""
    return Download(
        title="Trang web ngoại tuyến (tệp .zip)",
        href=ZIP_NAME,
        description="toàn bộ trang để đọc khi không có mạng: giải nén, rồi mở tệp index.html trong thư mục "
        f"{FOLDER}",
        group="Bản ngoại tuyến",
    )


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_DATE)
    info.external_attr = 0o644 << 16
    suffix = posixpath.splitext(name)[1].lower()
    info.compress_type = zipfile.ZIP_STORED if suffix in _STORED else zipfile.ZIP_DEFLATED
    return info


def build_zip(site_dir: Path, zip_path: Path, folder: str) -> OfflineResult:
    """Write the offline zip of ``site_dir`` to ``zip_path``; every entry lives under ``folder/``.

    The zip itself and any earlier offline zip in the same place are left out.
    """
    files = sorted(p for p in site_dir.rglob("*") if p.is_file() and not p.name.startswith(store.TEMP_PREFIX))
    skip = {zip_path.resolve()}
    counts: list[int] = []
    store.write_with(zip_path, lambda tmp: counts.append(_write_zip(tmp, files, skip, site_dir, folder)))
    count = counts[0]
    return OfflineResult(path=zip_path, files=count, size=zip_path.stat().st_size)


def _write_zip(tmp: str, files: list[Path], skip: set[Path], site_dir: Path, folder: str) -> int:
    """Write the entries to ``tmp``; return how many."""
    with zipfile.ZipFile(tmp, "w", compresslevel=9) as archive:
        for path in files:
            if path.resolve() in skip:
                continue
            rel = path.relative_to(site_dir).as_posix()
            if rel.startswith(_LEFT_OUT):
                continue
            if path.suffix in (".gz", ".br") and path.with_suffix("").is_file():
                continue  # a server's precompressed copy (kyniem.speed), not a file of the site
            if rel.endswith(".html"):
                text = path.read_text(encoding="utf-8")
                data = add_worker_shim(drop_self_links(rewrite_links(text, site_dir, rel)), rel).encode("utf-8")
            else:
                data = path.read_bytes()
            archive.writestr(_entry(f"{folder}/{rel}"), data)
        if not (site_dir / SHIM_PATH).is_file():
            archive.writestr(_entry(f"{folder}/{SHIM_PATH}"), SHIM_SOURCE.read_bytes())
        return len(archive.infolist())
