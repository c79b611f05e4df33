"""MkDocs' own lines, told in Vietnamese like every other finding.

An editor reads MkDocs' log next to kyniem's during ``mkdocs build`` and ``mkdocs serve``:
its link warnings ("Doc file 'x.md' contains a link …"), the pages left out of the menu,
"Building documentation…", "Serving on …", "Documentation built in …". A logging filter on
MkDocs' console handler (so every ``mkdocs.*`` logger, Material's included) rewrites the
lines it knows, keeping the page, link, address or figure; anything else passes unchanged.
The closing "Aborted with 2 warnings in strict mode!" is not a log record but the message of
MkDocs' ``Abort`` exception, printed by its command line: the same table rewrites it when
it is shown. The level names (INFO, WARNING) stay, since tools and CI read them.
"""

from __future__ import annotations

import logging
import re

from mkdocs.exceptions import Abort

_PAGE = r"^Doc file '(?P<page>[^']+)' contains "
_REWRITES: list[tuple[re.Pattern[str], str]] = [
    # The build and serve commands (mkdocs/commands/build.py, serve.py, livereload/__init__.py).
    (re.compile(r"^Building documentation\.\.\.$"), "Đang dựng trang web…"),
    (re.compile(r"^Cleaning site directory$"), "Dọn thư mục trang web cũ"),
    (re.compile(r"^Building documentation to directory: (?P<dir>.+)$"), "Đang dựng trang web vào thư mục {dir}"),
    (re.compile(r"^Documentation built in (?P<seconds>[\d.]+) seconds$"), "Đã dựng xong trang web trong {seconds} giây"),
    (re.compile(r"^The directory contains stale files\. Use --clean to remove them\.$"),
     "Thư mục trang web còn tệp cũ; dựng lại với --clean để xóa chúng"),
    (re.compile(r"^Serving on (?P<url>\S+) and opening it in a browser$"),
     "Xem trước trang web tại {url} (đang mở trình duyệt); nhấn Ctrl+C để dừng"),
    (re.compile(r"^Serving on (?P<url>\S+)$"), "Xem trước trang web tại {url}; nhấn Ctrl+C để dừng"),
    (re.compile(r"^Watching paths for changes: (?P<paths>.+)$"), "Theo dõi thay đổi trong: {paths}"),
    (re.compile(r"^Detected file changes$"), "Có tệp vừa thay đổi"),
    (re.compile(r"^Reloading browsers$"), "Tải lại trang trong trình duyệt"),
    (re.compile(r"^Browser connected: (?P<url>\S+)$"), "Trình duyệt đã mở {url}"),
    (re.compile(r"^Shutting down\.\.\.$"), "Đang dừng xem trước…"),
    (re.compile(r"^The following pages exist in the docs directory, but are not included in the \"nav\" "
                r"configuration:(?P<pages>\n.*)$", re.DOTALL),
     "Các trang sau có trong thư mục docs nhưng không có trong menu (nav), chỉ mở được qua liên kết:{pages}"),
    (re.compile(r"^A reference to '(?P<link>[^']+)' is included in the 'nav' configuration, which is not found "
                r"in the documentation files\.$"),
     "menu (nav) trong mkdocs.yml có mục '{link}' nhưng thư mục docs không có tệp đó; sửa tên tệp trong nav"),
    (re.compile(r"^Excluding '(?P<page>[^']+)' from the site because it conflicts with '(?P<other>[^']+)'\.$"),
     "không đăng {page} vì cùng thư mục đã có {other} (hai trang cùng một địa chỉ); xóa hoặc đổi tên một trong hai"),
    # MkDocs' Abort messages (mkdocs/commands/build.py, mkdocs/config/base.py), shown on exit.
    (re.compile(r"^Aborted with (?P<counts>.+) in strict mode!$"),
     "Dừng lại: có {counts} khi dựng ở chế độ nghiêm ngặt (--strict), trang web không được thay. "
     "Sửa các dòng WARNING ở trên rồi dựng lại"),
    (re.compile(r"^Aborted with a BuildError!$"), "Dừng lại vì lỗi khi dựng trang (xem thông báo ở trên); sửa rồi dựng lại"),
    (re.compile(r"^Aborted with a configuration error!$"),
     "Dừng lại vì lỗi trong mkdocs.yml (xem thông báo ở trên); sửa rồi dựng lại"),
    (re.compile(r"^Aborted with (?P<count>\d+) configuration warnings in 'strict' mode!$"),
     "Dừng lại: mkdocs.yml có {count} cảnh báo ở chế độ nghiêm ngặt (--strict); sửa rồi dựng lại"),
    (re.compile(_PAGE + r"a link '(?P<link>[^']+)', but the target(?: '[^']+')? is not found among documentation "
                r"files\.(?: Did you mean '(?P<hint>[^']+)'\?)?$"),
     "trang {page}: liên kết '{link}' trỏ tới trang không có; sửa đường dẫn cho đúng tên tệp .md{hint}"),
    (re.compile(_PAGE + r"a link '(?P<link>[^']+)', but the doc '(?P<doc>[^']+)' does not contain an anchor "
                r"'#(?P<anchor>[^']+)'\.$"),
     "trang {page}: liên kết '{link}' trỏ tới mục '#{anchor}' mà trang {doc} không có; sửa phần sau dấu # "
     "cho khớp một đề mục của trang đó"),
    (re.compile(_PAGE + r"a link '(?P<link>[^']+)', but there is no such anchor on this page\..*$"),
     "trang {page}: liên kết '{link}' trỏ tới một mục không có trong chính trang này; sửa phần sau dấu #"),
    (re.compile(_PAGE + r"an absolute link '(?P<link>[^']+)', it was left as is\.(?: Did you mean '(?P<hint>[^']+)'\?)?$"),
     "trang {page}: liên kết '{link}' bắt đầu bằng /, được giữ nguyên và có thể hỏng khi trang đăng ở thư mục con; "
     "dùng đường dẫn tương đối tới tệp .md{hint}"),
    (re.compile(_PAGE + r"an unrecognized relative link '(?P<link>[^']+)', it was left as is\."
                r"(?: Did you mean '(?P<hint>[^']+)'\?)?$"),
     "trang {page}: liên kết '{link}' không trỏ tới tệp nào; ghi đường dẫn tới tệp .md, ví dụ ../gioi-thieu.md{hint}"),
]


_COUNT = re.compile(r"(?P<count>\d+) (?P<level>warning|error)s")
_LEVELS = {"warning": "cảnh báo", "error": "lỗi"}


def vietnamese(message: str) -> str:
    """The Vietnamese wording of a MkDocs message, or the message itself when unknown."""
    for pattern, text in _REWRITES:
        match = pattern.match(message)
        if match:
            values = {k: v or "" for k, v in match.groupdict().items()}
            values["hint"] = f"; có phải ý bạn là '{values['hint']}'?" if values.get("hint") else ""
            if "counts" in values:  # "2 warnings, 1 errors"
                values["counts"] = _COUNT.sub(lambda m: f"{m['count']} {_LEVELS[m['level']]}", values["counts"])
            return text.format(**values)
    return message


class _Vietnamese(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        rewritten = vietnamese(message)
        if rewritten != message:
            record.msg, record.args = rewritten, ()
        return True


_FILTER = _Vietnamese()


def _abort_message(self: Abort) -> str:
    return vietnamese(self.message)


def install() -> None:
    """Rewrite MkDocs' lines from now on (idempotent): on its console handler, which every
    ``mkdocs.*`` record reaches, on the page logger (for runs without MkDocs' command line),
    and in the ``Abort`` message its command line prints last."""
    targets: list[logging.Filterer] = [logging.getLogger("mkdocs.structure.pages")]
    targets.extend(logging.getLogger("mkdocs").handlers)
    for target in targets:
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)
    Abort.format_message = _abort_message  # type: ignore[method-assign]
