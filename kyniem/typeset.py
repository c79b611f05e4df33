"""Where a line may not break, for every print output: the book, the handouts and the banners.

A year range cut at the end of a line reads as two facts ("1952 –" / "2020"),
a date cut after its day reads as a wrong date, and a name cut in two is a
mistake a party office sends back. One function finds these runs of text, so
the book, the handouts (which wrap them in no-wrap spans) and the banners (which
never choose a line break inside them) follow the same rules.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .text import nfc

# Names and fixed phrases kept on one line by default (case-insensitive); the site adds its organization's name.
DEFAULT_PHRASES = ("Đảng bộ Khối", "Đảng Cộng sản Việt Nam", "Hồ Chí Minh")

_DATE = r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}|\d{4}"
_WORD_DATE = r"(?:ngày\s+\d{1,2}\s+)?tháng\s+\d{1,2}\s+năm\s+\d{4}"
# A range of years or dates ("1952 – 2020", "15/02/1952 - 15/2/2022", "2020-2025"), then a lone date.
_RUNS = re.compile(
    rf"(?<![\w/])(?:(?:{_DATE})\s*[–—-]\s*(?:{_DATE})|\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{1,2}}/\d{{4}}|{_WORD_DATE})(?![\w/])",
    re.IGNORECASE,
)
# HTML text outside tags, skipping what is not shown as text (head, styles, scripts).
_HTML_PARTS = re.compile(r"(<head\b.*?</head>|<style\b.*?</style>|<script\b.*?</script>|<[^>]*>)", re.S | re.I)
NOBR_CLASS = "kn-nobr"


def phrases_for(organization: str, extra: Iterable[str] = DEFAULT_PHRASES) -> tuple[str, ...]:
    """The phrases of a site: the configured list and the organization's own name."""
    seen: dict[str, str] = {}
    for phrase in (*extra, organization):
        phrase = " ".join(nfc(phrase).split())
        if phrase:
            seen.setdefault(phrase.casefold(), phrase)
    return tuple(seen.values())


def unbreakable_spans(text: str, phrases: Iterable[str] = DEFAULT_PHRASES, max_chars: int | None = None,
                      names: bool = True) -> list[tuple[int, int]]:
    """(start, end) of every run of ``text`` that must stay on one line, merged where they overlap.

    Runs are date ranges and dates, the ``phrases``, and (``names``) proper names:
    Vietnamese capitalises every syllable of a name ("Hải Dương", "Nguyễn Văn A"), so
    two or more capitalised syllables in a row stay together. ``max_chars`` leaves out
    runs longer than a line of the narrowest column can hold (a long organization
    name on a book cover): forbidding their breaks would push text out of the page,
    which is worse than the break.
    """
    spans = [m.span() for m in _RUNS.finditer(text)]
    folded = text.lower()
    for pattern in _phrase_patterns(tuple(phrases)):
        spans.extend(m.span() for m in pattern.finditer(folded))
    if names:
        spans.extend(_names(text))
    if max_chars is not None:
        spans = [(start, end) for start, end in spans if end - start <= max_chars]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@functools.lru_cache(maxsize=16)
def _phrase_patterns(phrases: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """One compiled pattern per phrase (a book has tens of thousands of text nodes to search)."""
    return tuple(re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in phrase.lower().split()) + r"(?!\w)")
                 for phrase in phrases)


_WORD = re.compile(r"\S+")


def _names(text: str) -> list[tuple[int, int]]:
    """Runs of two or more capitalised syllables, not across punctuation."""
    runs: list[tuple[int, int]] = []
    start = end = None
    count = 0
    for match in _WORD.finditer(text):
        word = match.group()
        core = word.strip(".,;:!?()“”‘’\"'")
        # "Dương", "A" (Nguyễn Văn A); not all-capital words, or a slogan in capitals would be one name.
        capital = core[:1].isupper() and (any(c.islower() for c in core) or len(core) == 1)
        joined = start is not None and text[end:match.start()] in (" ", "\n", "\u00a0") and text[end - 1].isalnum()
        if capital and joined:
            end, count = match.end(), count + 1
        else:
            if start is not None and count > 1:
                runs.append((start, end))
            start, end, count = (match.start(), match.end(), 1) if capital else (None, None, 0)
        if start is not None and not word[-1].isalnum():
            if count > 1:
                runs.append((start, end))
            start, end, count = None, None, 0
    if start is not None and count > 1:
        runs.append((start, end))
    return runs


def nobr_html(html: str, phrases: Iterable[str] = DEFAULT_PHRASES, max_chars: int | None = None) -> str:
    """``html`` with each unbreakable run of its visible text wrapped in ``<span class="kn-nobr">``.

    Runs are found within one text node: a range split by markup ("1952 – <em>2020</em>")
    is left as it is. The print stylesheets give the class ``white-space: nowrap``.
    """
    phrases = tuple(phrases)
    out = []
    for part in _HTML_PARTS.split(html):
        if not part or part.startswith("<") or part.isspace():
            out.append(part)
            continue
        last = 0
        for start, end in unbreakable_spans(part, phrases, max_chars):
            out.append(part[last:start])
            out.append(f'<span class="{NOBR_CLASS}">{part[start:end]}</span>')
            last = end
        out.append(part[last:])
    return "".join(out)
