"""One rule for a hand-written file in docs/ where kyniem would write one of its own.

The editor's own files win: a file in docs/ at a path kyniem generates (robots.txt,
sitemap.xml, a download under tai-ve/: the book, a handout, a banner, the ceremony
programme, the quiz set, the offline zip; a banner preview, a page's share picture under
assets/kyniem/social/, a gallery or archive picture) is published as written, and a named
line in the build log says which of kyniem's files was not published. It is a notice, not a
warning: a file put there on purpose must not fail every ``mkdocs build --strict``.

Three kinds of path are refused instead, with an error, because a hand-written file there
would break the site: the pages kyniem makes from the content folders (the menu, the
timeline and the links point at kyniem's page), kyniem's code and styles under
assets/kyniem/ (every page loads them), and the search index under search/.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from mkdocs.structure.files import File

from . import store
from .banners import BANNERS_DIR
from .problems import Problem

log = logging.getLogger("mkdocs.plugins.kyniem")

# Where kyniem (or MkDocs for it) writes into the built site after MkDocs has copied docs/: the
# full-size banners, the share pictures, MkDocs' sitemap. (The book, the zip and robots.txt are not
# made at all when the editor has them; every other generated file is left out of MkDocs' files.)
WRITTEN_AFTER_COPY = ("robots.txt", "sitemap.xml", "sitemap.xml.gz", f"{BANNERS_DIR}/", "assets/kyniem/social/")
# A hand-written file here would break every page: refused.
_REFUSED = ("assets/kyniem/", "search/")
_ALLOWED_UNDER_REFUSED = ("assets/kyniem/social/",)


def _matches(site_path: str, prefixes: Iterable[str]) -> bool:
    return any(site_path == p or (p.endswith("/") and site_path.startswith(p)) for p in prefixes)


def breaks_site(site_path: str) -> bool:
    """Whether a hand-written file at ``site_path`` would replace code every page needs."""
    return _matches(site_path, _REFUSED) and not _matches(site_path, _ALLOWED_UNDER_REFUSED)


class Collisions:
    """The editor's files of one build (site paths of docs/), and the rule applied to them."""

    def __init__(self, editor_files: Iterable[str], docs_name: str = "docs") -> None:
        self.editor_files = set(editor_files)
        self.docs_name = docs_name
        self.published: dict[str, File] = {}  # the editor's files as MkDocs publishes them (see publish)
        self.kept: set[str] = set()  # told once per build

    def refusals(self, generated_pages: Iterable[str]) -> list[Problem]:
        """Errors for hand-written files where kyniem's pages, assets or search index go."""
        problems = [
            Problem(f"{self.docs_name}/{uri}", None, "trang này do kyniem tự tạo từ các thư mục nội dung (menu và các "
                    "liên kết đều trỏ tới trang của kyniem); đổi tên hoặc xóa tệp viết tay này, rồi sửa nội dung ở "
                    "thư mục nội dung tương ứng", "error", "editor-file-generated-page")
            for uri in sorted(set(generated_pages) & self.editor_files)
        ]
        problems += [
            Problem(f"{self.docs_name}/{uri}", None, "tệp viết tay này trùng chỗ mã, kiểu chữ hoặc chỉ mục tìm kiếm "
                    "mà mọi trang đều dùng (assets/kyniem/, search/); đăng nó sẽ làm hỏng trang web. Chuyển tệp sang "
                    "thư mục khác, ví dụ docs/tai-lieu/", "error", "editor-file-breaks-site")
            for uri in sorted(self.editor_files) if breaks_site(uri)
        ]
        return problems

    def publish(self, files: Iterable[File]) -> None:
        """Take the editor's files as they will be published: after kyniem/privacy.py has cleaned
        an image (its bytes, not the original's) or left it out (then kyniem's file is published)."""
        self.published = {f.src_uri: f for f in files if f.src_uri in self.editor_files
                          and (f.generated_by is None or f.abs_src_path is None)}

    def editor_owns(self, site_path: str) -> bool:
        """True when docs/ has a hand-written file where kyniem would write ``site_path``: the
        editor's file is published, kyniem's is not (and the log says so, once)."""
        if site_path not in self.published:
            return False
        if site_path not in self.kept:
            self.kept.add(site_path)
            log.info("%s", Problem(f"{self.docs_name}/{site_path}", None, "tệp viết tay được đăng đúng như đã viết; "
                                   f"bản {site_path} do kyniem tạo không được đăng. Muốn dùng bản của kyniem, xóa "
                                   "hoặc đổi tên tệp này", "warning", "editor-file-wins"))
        return True

    def restore(self, site_dir: Path) -> list[str]:
        """Put back the editor's files that a later step (kyniem's banners, share pictures, robots.txt,
        MkDocs' sitemap) wrote over; the site paths restored."""
        restored = []
        for uri, file in sorted(self.published.items()):
            if not _matches(uri, WRITTEN_AFTER_COPY):
                continue
            data, target = file.content_bytes, site_dir / uri
            if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
                store.write_bytes(target, data)
                self.editor_owns(uri)
                restored.append(uri)
        return restored
