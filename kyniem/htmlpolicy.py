"""One policy for the HTML an editor may write, on the site and in every PDF.

Chapters, outlines, news posts and hand-written pages are Markdown, and Markdown lets
raw HTML through. A party committee's site must not run a stranger's script nor leak
a file from the build machine, so the HTML of those pages is cleaned with ``nh3`` (the
Python binding of the maintained Rust sanitizer *ammonia*) against the allowlist below,
and WeasyPrint reads files only through :class:`ConfinedFetcher`.

The allowlist (documented for editors in huong-dan/noi-dung.md):

* text structure: headings, paragraphs, lists, definition lists, quotes, tables, figures
  and captions, ``<details>``/``<summary>``; ``class``, ``id``, ``title``, ``lang`` on any of
  them, and ``style`` with layout properties only (alignment, width, height, weight);
* inline: emphasis, ``<sup>``, ``<sub>``, ``<abbr title>``, ``<mark>``, ``<br>``, code;
* links with ``http``, ``https``, ``mailto``, ``tel`` or relative addresses; images with
  those or a ``data:image/(png|jpeg|gif|webp)`` address;
* ``<iframe>`` only from the video hosts listed in the ``html.iframe_hosts`` setting
  (none by default);
* never: ``<script>``, ``<style>``, forms, ``<object>``/``<embed>``, event handlers
  (``on…``), ``javascript:``/``vbscript:``/``file:`` addresses, ``rel`` (so no
  ``rel=attachment`` that would embed a file in a PDF).
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nh3

from . import weasyprint_loader
from .problems import Problem

_TEXT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "nav", "ol", "p", "picture", "pre", "q", "s", "samp",
    "section", "small", "source", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "article", "aside", "header", "footer",
    "main",
}
# Icons and emoji Material writes inline from ":material-…:" shortcodes.
_SVG_TAGS = {"svg", "path", "g", "circle", "rect", "line", "polyline", "polygon", "ellipse", "title"}
# Removed with everything inside them (not just the tag).
_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "object", "embed", "applet", "frameset",
                         "frame", "textarea", "select", "option", "math", "iframe"}
_GENERIC_ATTRIBUTES = {"class", "id", "title", "lang", "dir", "aria-label", "aria-hidden", "aria-describedby", "role",
                       "style"}
# Layout properties only: nothing that loads an address (url()) or hides and overlays content.
_STYLE_PROPERTIES = {"text-align", "vertical-align", "width", "max-width", "height", "font-weight", "font-style",
                     "text-decoration", "white-space"}
_ATTRIBUTES = {
    "a": {"href", "hreflang", "download", "data-type", "data-gallery", "data-srcset", "data-sizes", "data-alt",
          "data-title", "data-description", "data-glightbox"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "data-title",
            "data-description"},
    "source": {"srcset", "sizes", "type", "media"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "svg": {"xmlns", "viewbox", "viewBox", "width", "height", "fill", "focusable"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
    "g": {"fill"},
    "circle": {"cx", "cy", "r", "fill"},
    "rect": {"x", "y", "width", "height", "rx", "ry", "fill"},
    "line": {"x1", "y1", "x2", "y2"},
    "polyline": {"points"},
    "polygon": {"points"},
    "ellipse": {"cx", "cy", "rx", "ry"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading", "referrerpolicy"},
}
_SCHEMES = {"http", "https", "mailto", "tel", "data"}
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "cite", "srcset", "data-srcset"}
_LIGHTBOX_TEXT = {"data-title", "data-description"}
# An address on the editor's own computer: C:\Users\…, file:///…, \\server\share.
_LOCAL_PATH = re.compile(r"^(?:[a-zA-Z]:[\\/]|file:|\\\\)", re.IGNORECASE)


def _allowed_url(tag: str, attribute: str, value: str, file_roots: tuple[Path, ...]) -> bool:
    text = value.strip()
    scheme = urlsplit(text).scheme.lower() if ":" in text.split("/")[0] else ""
    if scheme == "data":
        return tag == "img" and attribute == "src" and bool(_DATA_IMAGE.match(text))
    if scheme == "file":
        return bool(file_roots) and tag == "img" and attribute == "src" and inside(_file_path(text), file_roots)
    return scheme in ("", "http", "https", "mailto", "tel")


def _file_path(url: str) -> Path:
    return Path(unquote(urlsplit(url).path))


def inside(path: Path, roots: Iterable[Path]) -> bool:
    try:
        real = path.resolve()
    except (OSError, RuntimeError):
        return False
    return any(real == root or real.is_relative_to(root) for root in roots)


class Policy:
    """The allowlist as one sanitizer; ``iframe_hosts`` are the video hosts allowed in ``<iframe>``."""

    def __init__(self, iframe_hosts: Iterable[str] = (), file_roots: Iterable[Path] = ()) -> None:
        self.iframe_hosts = tuple(h.lower().strip() for h in iframe_hosts if h.strip())
        self.file_roots = tuple(Path(r).resolve() for r in file_roots)
        tags = set(_TEXT_TAGS | _SVG_TAGS)
        dropped = set(_DROPPED_WITH_CONTENT)
        if self.iframe_hosts:
            tags.add("iframe")
            dropped.discard("iframe")
        self.tags = tags
        self.attributes = {tag: set(names) for tag, names in _ATTRIBUTES.items() if tag in tags}
        self.attributes["*"] = set(_GENERIC_ATTRIBUTES)
        schemes = set(_SCHEMES) | ({"file"} if self.file_roots else set())
        self._cleaner = nh3.Cleaner(
            tags=tags,
            clean_content_tags=dropped,
            attributes=self.attributes,
            attribute_filter=self._filter,
            strip_comments=True,
            link_rel=None,
            url_schemes=schemes,
            filter_style_properties=_STYLE_PROPERTIES,
        )

    def _filter(self, tag: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRIBUTES:
            if attribute in ("srcset", "data-srcset"):
                urls = [part.strip().split(" ")[0] for part in value.split(",") if part.strip()]
                return value if all(_allowed_url(tag, "srcset", u, ()) and not u.lower().startswith("data:")
                                    for u in urls) else None
            if tag == "iframe":
                return value if self._video(value) else None
            return value if _allowed_url(tag, attribute, value, self.file_roots) else None
        if attribute in _LIGHTBOX_TEXT:
            # GLightbox inserts these as HTML and reads a leading "." as a CSS selector.
            safe = html.escape(value, quote=False) if "<" in value else value
            return "&#46;" + safe[1:] if safe.startswith(".") else safe
        return value

    def _video(self, url: str) -> bool:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
        return parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in self.iframe_hosts)

    def clean(self, fragment: str) -> str:
        """``fragment`` with everything outside the allowlist removed."""
        cleaned = self._cleaner.clean(fragment)
        # An iframe whose address was refused is an empty box: take it out.
        return re.sub(r"<iframe(?![^>]*\ssrc=)[^>]*>\s*</iframe>", "", cleaned)

    def findings(self, fragment: str, source: str, line: int | None = None, *,
                 first_line: int | None = None) -> list[Problem]:
        """What :meth:`clean` would remove, as named warnings for the editor: one per kind at
        ``line`` (the build, on a rendered page), or, given the ``first_line`` of ``fragment`` in
        its file, one per kind and line (``kyniem check``, on the file an editor wrote)."""
        audit = _Audit(self)
        audit.feed(fragment)
        audit.close()

        def at(lines: list[int]) -> list[int | None]:
            return [line] if first_line is None else sorted({first_line - 1 + n for n in lines})

        local = [
            Problem(source, where, f"liên kết tới tệp trên máy tính của người soạn (“{target}”) đã bị bỏ: người đọc "
                    "không mở được. Chép tệp vào docs/ (ví dụ docs/tai-lieu/) rồi dẫn bằng đường dẫn tương đối",
                    "warning", "local-path-link")
            for target in sorted(audit.local) for where in at(audit.local[target])
        ]
        return local + [
            Problem(source, where, f"HTML không được phép đã bị bỏ khi xuất bản: {what}. Trang web và sách PDF "
                    "chỉ giữ HTML trong danh sách cho phép (xem huong-dan/noi-dung.md, mục HTML); "
                    "viết nội dung bằng Markdown thay cho mã này", "warning", "html-removed")
            for what in sorted(audit.removed) for where in at(audit.removed[what])
        ]


class _Audit(HTMLParser):
    """Lists the tags, attributes and addresses the policy removes (for the editor's message),
    each with the lines of the fragment it was found on."""

    def __init__(self, policy: Policy) -> None:
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.removed: dict[str, list[int]] = {}
        self.local: dict[str, list[int]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag not in self.policy.tags:
            self.removed.setdefault(f"thẻ <{tag}>", []).append(line)
            return
        allowed = self.policy.attributes.get(tag, set()) | self.policy.attributes["*"]
        for name, value in attrs:
            if name not in allowed:
                self.removed.setdefault(f"thuộc tính {name}= trong <{tag}>", []).append(line)
            elif name in _URL_ATTRIBUTES and value is not None and self.policy._filter(tag, name, value) is None:
                if _LOCAL_PATH.match(value.strip()):
                    self.local.setdefault(value.strip()[:80], []).append(line)
                else:
                    self.removed.setdefault(f"địa chỉ {value[:60]!r} trong <{tag}>", []).append(line)


_POLICIES: dict[tuple[tuple[str, ...], tuple[Path, ...]], Policy] = {}


def policy(iframe_hosts: Iterable[str] = (), file_roots: Iterable[Path] = ()) -> Policy:
    """The shared policy for these settings (building the sanitizer once)."""
    key = (tuple(iframe_hosts), tuple(Path(r) for r in file_roots))
    if key not in _POLICIES:
        _POLICIES[key] = Policy(*key)
    return _POLICIES[key]


def confined_fetcher(roots: Iterable[Path], refused: list[str]) -> object:
    """A WeasyPrint URL fetcher that reads only files under ``roots``; every other address
    (the network, ``/etc/…``, a path outside the project) is refused and listed in ``refused``."""
    weasyprint_loader.load()  # here: WeasyPrint is slow to import
    from weasyprint.urls import URLFetcher

    allowed = tuple(Path(r).resolve() for r in roots)

    class ConfinedFetcher(URLFetcher):
        def fetch(self, url: str, headers: object = None) -> object:
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data" and _DATA_IMAGE.match(url):
                return super().fetch(url, headers)
            if scheme == "file" and inside(_file_path(url), allowed):
                return super().fetch(url, headers)
            refused.append(url)
            raise ValueError(f"kyniem refuses to read {url!r}: only files inside the project's content folders")

    return ConfinedFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def refused_findings(refused: Iterable[str], source: str) -> list[Problem]:
    """One named finding per address a PDF was not allowed to read."""
    return [
        Problem(source, None, f"sách/bản in không đọc địa chỉ {url[:120]!r}: PDF chỉ được dùng tệp trong các thư mục "
                "nội dung của dự án (docs/, history/, gallery/, slogans/), không dùng mạng hay tệp ngoài dự án. "
                "Chép tệp vào dự án và dẫn bằng đường dẫn tương đối", "warning", "print-fetch-refused")
        for url in sorted(set(refused))
    ]


_LIGHTBOX_ATTRIBUTE = re.compile(r"""(\sdata-(?:title|description)=)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""")


def protect_lightbox_text(page: str) -> str:
    """Keep GLightbox's captions text in the final page, after every other plugin.

    GLightbox puts ``data-title``/``data-description`` into the page as HTML, so their
    decoded value must hold no ``<``. kyniem escapes them twice, but the HTML minifier
    undoes one level of escaping; this runs last and escapes again where needed.
    """

    def fix(match: re.Match[str]) -> str:
        raw = match.group(2)
        if raw[:1] in "\"'":
            raw = raw[1:-1]
        seen = html.unescape(raw)  # what the browser hands to GLightbox
        if "<" not in seen:
            return match.group(0)
        return f'{match.group(1)}"{html.escape(html.escape(seen, quote=False), quote=True)}"'

    return _LIGHTBOX_ATTRIBUTE.sub(fix, page)


_SLOT = re.compile(r'<div[^>]*\bid="?(kn-t-[0-9a-f]+-[0-9a-f]+)"?[^>]*>\s*</div>')


class TrustedMarkup:
    """kyniem's own markup, kept out of Markdown and the raw-HTML policy and put back after both.

    Generated pages carry markup the policy rightly removes from an editor's text (the
    archive's viewer, players, filters and scripts), or that is large and needs neither
    Markdown nor the policy (an album's grid of photos: ~1 KB of tags per photo, which
    Markdown's raw-HTML scan and nh3 would parse again on every build). It is made by
    kyniem with every editor value escaped, so a page holds a placeholder in its place
    (:meth:`keep`) and gets the markup back in ``on_page_content`` (:meth:`restore`).
    A placeholder's id carries a secret of this process, so an editor cannot forge one, and
    a hash of its markup, so a page's Markdown changes exactly when its markup does (what
    ``mkdocs serve --dirty`` compares to tell the pages to render again, kyniem/serve.py).
    """

    def __init__(self) -> None:
        self._secret = secrets.token_hex(8)
        self._slots: dict[str, dict[str, str]] = {}  # page src_uri -> placeholder id -> markup

    def clear(self) -> None:
        """A new build (of the same ``mkdocs serve``): the pages' markup is made again."""
        self._slots.clear()

    def keep(self, src_uri: str, markup: str) -> str:
        """A placeholder block for ``markup`` on the page ``src_uri``."""
        key = f"kn-t-{self._secret}-{hashlib.sha256(markup.encode()).hexdigest()[:20]}"
        self._slots.setdefault(src_uri, {})[key] = markup
        return f'\n<div class="kn-trusted" id="{key}"></div>\n'

    def restore(self, page_html: str, src_uri: str) -> str:
        """The page's HTML with kyniem's own markup back in its placeholders."""
        slots = self._slots.get(src_uri)
        if not slots:
            return page_html
        return _SLOT.sub(lambda m: slots.get(m.group(1), ""), page_html)
