"""The error page of ``mkdocs serve``: content errors shown in the browser, in Vietnamese.

When a build stops on an error, MkDocs' preview server keeps the old site and the
browser waits for a reload that never comes; the message is only in the terminal,
which an editor may not be watching. Under ``serve`` the plugin lets the build finish
and puts this page in place of every page of the site instead: it names file, line
and message, and reloads itself (MkDocs' live reload script is injected into it like
into any page) as soon as the fixed file is saved and the site builds cleanly.
"""

from __future__ import annotations

import html
from pathlib import Path

from .messages import explain, severity_word
from .problems import Problem

_STYLE = """
body{font:17px/1.5 system-ui,"Segoe UI",Roboto,sans-serif;margin:0;background:#fff7f5;color:#1d1d1d}
main{max-width:52rem;margin:0 auto;padding:2rem 1.25rem}
h1{color:#b71c1c;font-size:1.6rem;margin:0 0 .5rem}
li{white-space:pre-line;background:#fff;border-left:5px solid #b71c1c;margin:0 0 1rem;padding:.75rem 1rem;list-style:none}
ul{padding:0}
code{font:600 .95em ui-monospace,Consolas,monospace;background:#f3e5e5;padding:.1em .3em;border-radius:3px}
.kn-fix{color:#555;font-size:.95em;margin:.4rem 0 0}
"""


def render(problems: list[Problem]) -> str:
    """The whole HTML page for these problems (errors first)."""
    items = []
    for problem in sorted(problems, key=lambda p: (p.severity != "error", p.file, p.line or 0)):
        where = problem.file if problem.line is None else f"{problem.file}, dòng {problem.line}"
        entry = explain(problem.code)
        fix = f'<p class="kn-fix">{html.escape(entry.title)}. {html.escape(entry.fix)}</p>' if entry else ""
        items.append(
            f"<li><strong>{html.escape(severity_word(problem.severity).capitalize())}:</strong> "
            f"<code>{html.escape(where)}</code><br>{html.escape(problem.message)}{fix}</li>"
        )
    count = sum(1 for p in problems if p.severity == "error")
    return (
        '<!doctype html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        f"<title>Nội dung có {count} lỗi – kyniem</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>Nội dung có {count} lỗi, trang chưa dựng được</h1>\n"
        "<p>Sửa các chỗ dưới đây trong tệp được nêu rồi lưu lại. Trang này tự tải lại khi nội dung đã đúng; "
        "không cần tắt <code>mkdocs serve</code>.</p>\n"
        f"<ul>\n{''.join(items)}\n</ul>\n</main>\n</body>\n</html>\n"
    )


def write(site_dir: Path, problems: list[Problem]) -> int:
    """Put the error page in place of every HTML page of the built site (and at its root);
    returns how many pages it replaced."""
    page = render(problems).encode("utf-8")
    pages = sorted(site_dir.rglob("*.html")) if site_dir.is_dir() else []
    for path in pages:
        path.write_bytes(page)
    index = site_dir / "index.html"
    if not index.exists():
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_bytes(page)
    return len(pages)
