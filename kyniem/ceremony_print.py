"""The ceremony on paper: the programme sheet (published) and personal invitations (never published).

Both are party documents laid out like the handouts (print/doc_header.html), rendered
by the book's cached WeasyPrint path. Invitations come from a guest list the editor
keeps outside the site; they are written only where the ``kyniem invitations`` command
is told to, so no guest's name reaches the site.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import book, htmlpolicy, store, weasyprint_loader
from .pages import Download
from .people import Ceremony, Guest

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Content

PROGRAMME_FILE = f"{book.DOWNLOADS_DIR}/le-ky-niem/chuong-trinh.pdf"


def _render(template: str, ceremony: Ceremony, settings: "KyniemConfig", **values: object) -> str:
    env = book.print_environment()
    css = env.get_template("ceremony.css").render(**book.common_values(settings))
    html = env.get_template(template).render(
        css=css, ceremony=ceremony, when=book.place_and_date("", ceremony.date).lower() if ceremony.date else "",
        **book.doc_header(settings, None, None), **values, **book.common_values(settings),
    )
    return book.finish_text(html, settings)


def programme_html(ceremony: Ceremony, settings: "KyniemConfig") -> str:
    return _render("programme.html", ceremony, settings)


def invitations_html(ceremony: Ceremony, guests: list[Guest], settings: "KyniemConfig") -> str:
    return _render("invitations.html", ceremony, settings, guests=guests)


def wanted(content: "Content", settings: "KyniemConfig", is_serve: bool) -> bool:
    return content.people.ceremony is not None and book.wanted(settings, is_serve)


def programme_href(content: "Content", settings: "KyniemConfig", is_serve: bool) -> str | None:
    """The programme's site path, when the build makes it."""
    return PROGRAMME_FILE if wanted(content, settings, is_serve) else None


def downloads(content: "Content", settings: "KyniemConfig", is_serve: bool) -> list[Download]:
    if not wanted(content, settings, is_serve):
        return []
    assert content.people.ceremony is not None
    return [Download(title=f"Chương trình {content.people.ceremony.title}",
                     href=PROGRAMME_FILE[len(book.DOWNLOADS_DIR) + 1:],
                     description="bản in PDF khổ A4", group="Lễ kỷ niệm")]


def build_programme(content: "Content", settings: "KyniemConfig") -> book.PrintResult:
    """The programme sheet, cached like the handouts; the plugin publishes it under tai-ve/."""
    assert content.people.ceremony is not None
    started = time.perf_counter()
    html = programme_html(content.people.ceremony, settings)
    pdf, pages, cached = book.render_cached(html, book.cache_root(content, settings) / "ceremony", content.root)
    return book.PrintResult(pdf, pages, cached, time.perf_counter() - started, [])


def write_invitations(content: "Content", settings: "KyniemConfig", guests: list[Guest], out: Path) -> book.PrintResult:
    """One page per guest, written to ``out`` only (rendered fresh: the list is personal, never cached)."""
    assert content.people.ceremony is not None
    weasyprint = weasyprint_loader.load()

    started = time.perf_counter()
    html = invitations_html(content.people.ceremony, guests, settings)
    today = book.place_and_date("", book.build_date().isoformat()).lower()
    filled = html.replace(book._DATE_MARK, "").replace(book._DATE_WORDS_MARK, today)
    fetcher = htmlpolicy.confined_fetcher((book.FONTS.parent, book.TEMPLATES), [])
    document = weasyprint.HTML(string=filled, base_url=str(content.root), url_fetcher=fetcher).render(
        output_intent="srgb")
    store.write_with(out, lambda tmp: document.write_pdf(tmp, output_intent="srgb"))
    return book.PrintResult(out, len(document.pages), False, time.perf_counter() - started, [])
