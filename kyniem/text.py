"""Vietnamese text helpers: NFC normalisation, ASCII slugs, diacritic folding, dates.

Everything read from disk goes through :func:`nfc` first, so the rest of kyniem
only ever sees one form of each word (TCVN 6909:2001 mandates precomposed NFC).
"""

from __future__ import annotations

import calendar
import html
import re
import unicodedata
from pathlib import Path

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_LEADING_NUMBER = re.compile(r"^\d+[-_ .]*")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form kyniem stores and shows."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its diacritics ("Đảng" -> "dang").

    Used wherever a reader may type without diacritics: slugs and search keys.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).lower()


def slugify(value: str, separator: str = "-") -> str:
    """Readable ASCII slug of Vietnamese text: "Lịch sử Đảng bộ" -> "lich-su-dang-bo".

    The signature matches what Python-Markdown's ``toc`` extension expects, so the
    same function makes page URLs and heading anchors.
    """
    return _NON_SLUG.sub(separator, fold(value)).strip(separator)


def slug_from_filename(path: Path) -> str:
    """URL slug from a file name: ``03-doi-moi-1986.md`` -> ``doi-moi-1986``."""
    return slugify(_LEADING_NUMBER.sub("", path.stem)) or slugify(path.stem)


def parse_date(value: str) -> tuple[int, int | None, int | None] | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; None when it is not such a date."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
    return year, month, day


def format_date(value: str) -> str:
    """Show an ISO (partial) date the Vietnamese way: 1952-02-15 -> 15/02/1952."""
    parsed = parse_date(value)
    if parsed is None:
        return value
    year, month, day = parsed
    if day is not None:
        return f"{day:02d}/{month:02d}/{year}"
    if month is not None:
        return f"{month:02d}/{year}"
    return str(year)


# Characters Python-Markdown (with tables, attr_list, emphasis, links) reads as markup anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]{}|#!])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")
_MD_BLOCK = re.compile(r"^(\s*)([-+>])")
_MD_ENTITY = {"=": "&#61;", ":": "&#58;"}  # setext underline, definition list: no backslash escape exists


def escape_markdown(text: str) -> str:
    """Plain editor text (YAML values, Word paragraphs) made safe to put into Markdown.

    HTML-escaped first (``<`` ``&`` show as typed, no tag or entity is read), then every
    character Markdown would read as markup is backslash-escaped: ``{ onclick=… }`` stays
    text, ``[x](javascript:…)`` is not a link, "Hội nghị {mở rộng}" keeps its words.
    """
    out = []
    for line in html.escape(text, quote=False).split("\n"):
        line = _MD_INLINE.sub(r"\\\1", line)
        line = _MD_ORDERED.sub(r"\1\\\2", line)
        line = _MD_BLOCK.sub(r"\1\\\2", line)
        stripped = line.lstrip()
        if stripped[:1] in _MD_ENTITY:
            indent = line[: len(line) - len(stripped)]
            line = indent + _MD_ENTITY[stripped[0]] + stripped[1:]
        out.append(line)
    return "\n".join(out)


# Deeper than this, Python-Markdown's recursive parser can overflow Python's stack (RecursionError
# at about 300 nested lists); no real document nests lists or quotes anywhere near it.
MAX_NESTING = 40


def deepest_nesting(text: str) -> tuple[int, int]:
    """(levels, 1-based line) of the most deeply nested list item or quote in Markdown ``text``."""
    deepest, where = 0, 0
    for number, line in enumerate(text.split("\n"), start=1):
        expanded = line.expandtabs(4)
        stripped = expanded.lstrip(" ")
        quotes = len(stripped) - len(stripped.lstrip("> "))
        levels = (len(expanded) - len(stripped)) // 4 + stripped[:quotes].count(">")
        if levels > deepest:
            deepest, where = levels, number
    return deepest, where
