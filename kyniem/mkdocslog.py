"""MkDocs' own warnings about links, told in Vietnamese like every other finding.

MkDocs checks the links of hand-written pages and logs its findings in English
("Doc file 'x.md' contains a link …"); an editor reads them in the build log next to
kyniem's. A logging filter on MkDocs' page logger rewrites the ones it knows (the
message keeps the page and the link); anything else passes unchanged.
"""

from __future__ import annotations

import logging
import re

_PAGE = r"^Doc file '(?P<page>[^']+)' contains "
_REWRITES: list[tuple[re.Pattern[str], str]] = [
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


def vietnamese(message: str) -> str:
    """The Vietnamese wording of a MkDocs link warning, or the message itself when unknown."""
    for pattern, text in _REWRITES:
        match = pattern.match(message)
        if match:
            values = {k: v or "" for k, v in match.groupdict().items()}
            values["hint"] = f"; có phải ý bạn là '{values['hint']}'?" if values.get("hint") else ""
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


def install() -> None:
    """Rewrite MkDocs' link warnings from now on (once per process)."""
    logger = logging.getLogger("mkdocs.structure.pages")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
