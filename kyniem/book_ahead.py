"""The history book made beside the site's pages when an edit leaves it little to render, else before them.

MkDocs renders and minifies the pages in one process, on one core. The book is made from the
content model alone (book.py), not from the pages, so when its cache holds nearly every part (an
edit of a chapter or two) a thread of the build starts it as soon as the site's files are known:
the changed parts are rendered and both editions merged in one worker process, on the other core,
while MkDocs renders the pages; the build collects the result after them (the plugin's ``_print``).
The thread itself only waits, apart from laying the book out (its chapters' HTML, mostly from the cache).

A build with much to render (an empty cache, a new chapter that renumbers every later one, a
changed event that lays the 100-page timeline out again), or any build of a very long book (over
AHEAD_CHAPTERS chapters), makes the book first, before MkDocs reads the pages: the build then holds the
content model but not yet every page's Markdown, HTML and search text (at 1,000 chapters about 130 MiB
instead of 260), beside the book's two workers and its merge.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from . import book

if TYPE_CHECKING:
    from .config import KyniemConfig
    from .content import Content

# The most a build renders beside its pages: a few chapters. One worker laying out a chapter holds
# about 110 MB beside the build (the timeline appendix of a long history, over 200 MB, is never made here).
AHEAD_PARTS = 4
AHEAD_CHARS = book.LONE_PART_CHARS
# A longer book is made first even for an edit: merging it (4,400 pages at 1,000 chapters) in the worker that
# rendered the chapter, beside the build holding the pages of so long a history, took an edit build to 496 MiB.
AHEAD_CHAPTERS = 500
# The book stage's detail in the build report: when the book was made, and in how many seconds.
BESIDE = "dựng song song với trang (giây)"
FIRST = "dựng trước các trang (giây)"


class BookAhead:
    """Both editions of the book, made in a thread when little of it is to render (see the module)."""

    def __init__(self, content: "Content", settings: "KyniemConfig", books: list[tuple[str, str, Path]]) -> None:
        self.content = content
        self.settings = settings
        self.books = books  # (edition, site path, file written)
        self.results: list[tuple[str, book.PrintResult | None]] | None = None
        self.seconds = 0.0
        self._error: BaseException | None = None
        # A daemon: Ctrl+C ends the build at once, and its workers with it (store.die_with_parent).
        self._thread = threading.Thread(target=self._run, name="kyniem-book-ahead", daemon=True)

    def little(self) -> bool:
        """True when the book has little to render: made beside the pages (:meth:`start`), else before them."""
        if len(self.content.published) > AHEAD_CHAPTERS:
            return False
        count, chars = book.pending_parts(self.content, self.settings)
        return count <= AHEAD_PARTS and chars <= AHEAD_CHARS

    def start(self) -> "BookAhead":
        self._thread.start()
        return self

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            with book.part_workers(1) as worker:  # one process for both editions: WeasyPrint imported once
                self.results = [(name, book.build_book(self.content, self.settings, out, edition, apart=worker))
                                for edition, name, out in self.books]
        except BaseException as exc:  # raised again in the build's own thread (collect)
            self._error = exc
        finally:
            self.seconds = time.perf_counter() - started

    def finish(self) -> None:
        """Wait for the thread (its worker finishes the part or merge at hand), whatever it raised: the
        build failed for another reason."""
        self._thread.join()

    def collect(self) -> list[tuple[str, book.PrintResult | None]] | None:
        """Wait for the thread; each book as (site path, result)."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.results
