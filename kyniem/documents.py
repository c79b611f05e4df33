"""The shape of a chapter or an outline, as the other readers of the content layer use it.

content.py imports the archive and quiz readers, so they cannot import its classes back
without an import cycle; they name these protocols instead, which Chapter and Outline meet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class Document(Protocol):
    """A Markdown file of the content: an outline, or a chapter."""

    source: str
    path: Path
    slug: str
    title: str
    status: str
    body: str
    body_line: int

    @property
    def url(self) -> str: ...

    @property
    def src_uri(self) -> str: ...

    @property
    def is_draft(self) -> bool: ...


class ChapterLike(Document, Protocol):
    """A chapter: a document with a period and events."""

    start: int
    end: int
    events: list[Any]

    @property
    def period_label(self) -> str: ...


class Cited(Protocol):
    """An archive item as a quiz question links to it (``tu-lieu:<slug>``)."""

    slug: str
    title: str

    @property
    def src_uri(self) -> str: ...
