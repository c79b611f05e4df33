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

import contextlib
import hashlib
import json
import os
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import store
from .pages import Download
from .progress import track
from .search import MATERIAL_INDEX

ZIP_NAME = "trang-web-ngoai-tuyen.zip"
ZIP_PATH = f"tai-ve/{ZIP_NAME}"
# The folder the zip unpacks to.
FOLDER = "trang-web-ky-niem"
SHIM_SOURCE = Path(__file__).parent / "assets" / "offline" / "worker-shim.js"
SHIM_PATH = "assets/kyniem/offline/worker-shim.js"
# Already compressed formats are stored as they are.
_STORED = {".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif", ".woff2", ".woff", ".zip", ".gz", ".pdf", ".mp4", ".mp3", ".webm",
           ".m4a", ".opus"}
# Not needed offline: share pictures are for social networks; Material's index is not used by the pages.
_LEFT_OUT = ("assets/kyniem/social/", MATERIAL_INDEX.as_posix())
# Bump when what the zip holds for the same site changes, so a kept zip is packed again.
ZIP_FORMAT = 4
# The anniversary day, a fixed timestamp for every entry.
_DATE = (2022, 2, 15, 0, 0, 0)
# Minified HTML leaves attribute values unquoted where it can.
_SRCSET = re.compile(r"""(\s(?:srcset|data-srcset)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
# Site path of an image left out of the zip -> (site path, width) of the one shown instead.
Replacements = dict[str, tuple[str, int]]
_ATTR = re.compile(r"""(\s(?:href|src)\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


@dataclass(frozen=True)
class OfflineResult:
    """Where the zip went and what it holds."""

    path: Path
    files: int
    size: int
    cached: bool = False


def link_map(files: Iterable[str]) -> frozenset[str]:
    """The folders of the site that hold an index.html ("." for the root), from its file list.

    Computed once per zip, so resolving the links of every page is a set lookup, not a stat.
    """
    return frozenset(posixpath.dirname(rel) or "." for rel in files if posixpath.basename(rel) == "index.html")


def _resolve(folders: frozenset[str], page_dir: str, url: str) -> str | None:
    """The rewritten URL when ``url`` leads from ``page_dir`` to a folder with an index.html."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("/", "#")) or not (parts.path or url == ""):
        return None
    target = posixpath.normpath(posixpath.join(page_dir, parts.path)) if parts.path else page_dir
    if target.startswith("..") or target not in folders:
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


def rewrite_links(page_html: str, folders: frozenset[str], page_path: str,
                  replaced: Replacements | None = None) -> str:
    """Point every relative link to a folder of the site (see :func:`link_map`) at its index.html,
    and every link to an image left out of the zip (``replaced``) at the one it holds instead."""
    page_dir = posixpath.dirname(page_path) or "."
    replaced = replaced or {}

    def instead(url: str) -> tuple[str, int] | None:
        if not replaced or urlsplit(url).scheme or url.startswith(("/", "#")):
            return None
        found = replaced.get(posixpath.normpath(posixpath.join(page_dir, url)))
        return (posixpath.relpath(found[0], page_dir), found[1]) if found else None

    def replace(match: re.Match[str]) -> str:
        value = next(group for group in match.groups()[1:] if group is not None)
        image = instead(value)
        new = image[0] if image else _resolve(folders, page_dir, value)
        if new is None:
            return match.group(0)
        return f'{match.group(1)}"{new}"'

    def replace_srcset(match: re.Match[str]) -> str:
        value = next(group for group in match.groups()[1:] if group is not None)
        candidates: dict[str, str] = {}
        for candidate in value.split(","):
            url, _, descriptor = candidate.strip().partition(" ")
            image = instead(url)
            if image:
                url, descriptor = image[0], f"{image[1]}w"
            candidates.setdefault(url, descriptor.strip())
        return f'{match.group(1)}"' + ", ".join(f"{u} {d}".strip() for u, d in candidates.items()) + '"'

    html = _ATTR.sub(replace, page_html)
    return _SRCSET.sub(replace_srcset, html) if replaced else html


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


def _zip_files(site_dir: Path, skip: set[Path]) -> list[str]:
    """Site paths of every file the zip holds, sorted (the zip itself and what is left out excluded).

    One walk with plain strings: a site holds thousands of photos and tiles, and a path object,
    a stat and a ``relative_to`` each cost more than the rest of a warm zip step."""
    found = []
    names = {p.name for p in skip}
    top = str(site_dir)
    for folder, _, files in os.walk(top):
        prefix = os.path.relpath(folder, top).replace(os.sep, "/") + "/" if folder != top else ""
        present = set(files)
        for name in files:
            # Only a file of the zip's own name can be the zip: no resolve() (a syscall per part) for the rest.
            full = os.path.join(folder, name)
            if name.startswith(store.TEMP_PREFIX) or (name in names and Path(full).resolve() in skip):
                continue
            if name.endswith((".gz", ".br")) and name[:-3] in present and os.path.isfile(full[:-3]):
                continue  # a server's precompressed copy (kyniem.speed), not a file of the site
            rel = prefix + name
            if rel.startswith(_LEFT_OUT) or not os.path.isfile(full):
                continue
            found.append(rel)
    return sorted(found)


class _Digests:
    """Content hashes of site files, reused while size, mtime and inode are unchanged.

    Photos are hard links to the image cache, so they keep their inode and mtime from
    build to build and are hashed once; pages are rewritten by every build and hashed again.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        self.old: dict[str, list] = data if isinstance(data, dict) else {}
        self.new: dict[str, list] = {}

    def digest(self, path: Path, rel: str) -> str:
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
        entry = self.old.get(rel)
        if isinstance(entry, list) and entry[:3] == stamp:
            digest = str(entry[3])
        else:
            with path.open("rb") as handle:
                digest = hashlib.file_digest(handle, "sha256").hexdigest()
        self.new[rel] = [*stamp, digest]
        return digest

    def save(self) -> None:
        store.write_text(self.path, json.dumps(self.new, sort_keys=True))


def build_zip(site_dir: Path, zip_path: Path, folder: str, cache: Path | None = None,
              replaced: Replacements | None = None) -> OfflineResult:
    """Write the offline zip of ``site_dir`` to ``zip_path``; every entry lives under ``folder/``.

    The zip itself and any earlier offline zip in the same place are left out, and so are
    the images in ``replaced``: pages link the image named there instead. With a
    ``cache`` folder, the zip is kept there under a hash of every file it packs, and a
    build whose site files are all unchanged reuses it instead of packing again; a build
    that changed some copies the other members from the kept zip (``_previous_zip``).
    """
    replaced = replaced or {}
    files = [rel for rel in _zip_files(site_dir, {zip_path.resolve()}) if rel not in replaced]
    if cache is None:
        store.write_with(zip_path, lambda tmp: _pack(site_dir, files, tmp, folder, replaced))
        return _result(site_dir, files, zip_path, cached=False)
    digests = _Digests(cache / "files.json")
    # What every packed page also depends on: the files it may link to and the images replaced.
    context = hashlib.sha256(f"{ZIP_FORMAT}\n{folder}\n{SHIM_SOURCE.read_text(encoding='utf-8')}".encode())
    context.update(json.dumps(sorted(replaced.items())).encode())
    context.update("\0".join(files).encode())
    members = {rel: digests.digest(site_dir / rel, rel) for rel in files}
    fingerprint = hashlib.sha256(context.digest())
    for rel in files:
        fingerprint.update(f"{rel}\0{members[rel]}\n".encode())
    kept = cache / f"{fingerprint.hexdigest()[:32]}.zip"
    cached = kept.is_file()
    if not cached:
        previous = _previous_zip(cache, context.hexdigest())
        store.write_with(kept, lambda tmp: _pack(site_dir, files, tmp, folder, replaced, previous, members))
        store.write_text(kept.with_suffix(".json"), json.dumps({"context": context.hexdigest(), "members": members}))
    digests.save()
    store.retain(cache, {kept.name, kept.with_suffix(".json").name, digests.path.name})
    store.copy(kept, zip_path)
    return _result(site_dir, files, zip_path, cached=cached)


def _previous_zip(cache: Path, context: str) -> tuple[Path, dict[str, str]] | None:
    """The kept zip of an earlier build in the same context (same file list) and its members' digests.

    Its members whose file did not change are copied into the new zip as they are, deflated
    already: a one-chapter edit packs one page again, not the whole site.
    """
    for manifest in sorted(cache.glob("*.json")):
        if manifest.name == "files.json" or not manifest.with_suffix(".zip").is_file():
            continue
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("context") == context and isinstance(data.get("members"), dict):
            return manifest.with_suffix(".zip"), data["members"]
    return None


def _result(site_dir: Path, files: list[str], zip_path: Path, *, cached: bool) -> OfflineResult:
    # Entries beyond the site's files: the worker shim when the site lacks it.
    extra = int(not (site_dir / SHIM_PATH).is_file())
    return OfflineResult(path=zip_path, files=len(files) + extra, size=zip_path.stat().st_size, cached=cached)


def _pack(site_dir: Path, files: list[str], tmp: str, folder: str, replaced: Replacements,
          previous: tuple[Path, dict[str, str]] | None = None, members: dict[str, str] | None = None) -> None:
    """Write the entries of ``files`` (site paths) and the zip's own additions to ``tmp``.

    With ``previous`` (an earlier zip of the same file list and its members' digests), each file
    whose digest in ``members`` is unchanged is copied from it raw, with the same bytes a new
    deflate would give."""
    folders = link_map(files)
    old_zip, old_members = previous if previous is not None else (None, {})
    with contextlib.ExitStack() as stack:
        archive = stack.enter_context(zipfile.ZipFile(tmp, "w", compresslevel=9))
        old = stack.enter_context(zipfile.ZipFile(old_zip)) if old_zip is not None else None
        for rel in track(files, "Bản ngoại tuyến", unit="tệp"):
            name = f"{folder}/{rel}"
            if old is not None and members is not None and old_members.get(rel) == members.get(rel):
                if _copy_raw(old, archive, name):
                    continue
            path = site_dir / rel
            if rel.endswith(".html"):
                text = path.read_text(encoding="utf-8")
                data = add_worker_shim(drop_self_links(rewrite_links(text, folders, rel, replaced)), rel).encode("utf-8")
            else:
                data = path.read_bytes()
            archive.writestr(_entry(name), data)
        if not (site_dir / SHIM_PATH).is_file():
            archive.writestr(_entry(f"{folder}/{SHIM_PATH}"), SHIM_SOURCE.read_bytes())


def _copy_raw(old: zipfile.ZipFile, archive: zipfile.ZipFile, name: str) -> bool:
    """Append ``old``'s member ``name`` to ``archive`` without inflating and deflating it again.

    zipfile has no public call for this; the header is written as ``writestr`` writes it on a
    seekable file (same fields, so the new zip is byte for byte the one a full pack makes).
    False when ``old`` lacks the member or it was written otherwise.
    """
    try:
        info = old.getinfo(name)
    except KeyError:
        return False
    entry = _entry(name)
    if info.compress_type != entry.compress_type or info.flag_bits & ~0x800:
        return False
    assert old.fp is not None and archive.fp is not None
    old.fp.seek(info.header_offset)
    header = old.fp.read(zipfile.sizeFileHeader)
    if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
        return False
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    old.fp.seek(info.header_offset + zipfile.sizeFileHeader + name_length + extra_length)
    raw = old.fp.read(info.compress_size)
    entry.file_size, entry.compress_size, entry.CRC = info.file_size, info.compress_size, info.CRC
    zip64 = entry.file_size * 1.05 > zipfile.ZIP64_LIMIT
    archive.fp.seek(archive.start_dir)
    entry.header_offset = archive.fp.tell()
    archive.fp.write(entry.FileHeader(zip64))
    archive.fp.write(raw)
    archive.start_dir = archive.fp.tell()
    archive.filelist.append(entry)
    archive.NameToInfo[entry.filename] = entry
    archive._didModify = True  # noqa: SLF001 - so that close() writes the central directory
    return True
