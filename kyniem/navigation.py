"""The site's navigation, built so a page's HTML grows with its part of the history, not the whole.

Material writes the whole navigation tree into every page. With 300 chapters in
one flat section that is 300 links on every page, and the site's HTML grows with
the square of the chapters. Grouping the chapters into parts by period (a decade
each; decades within centuries for a very long history) and turning on Material's
``navigation.prune`` keeps on each page only the parts' titles and the chapters of
the part being read.

Every entry carries its title, so a ``mkdocs serve --dirty`` rebuild, which reads
only the pages that changed, still shows every title of the menu right.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .content import Chapter

# Up to this many chapters, "auto" keeps the chapters in one list: a short history reads best flat.
AUTO_FLAT_UP_TO = 20
# Above this many decades, the decades are grouped by century (a menu of parts stays short).
MAX_PARTS = 12
PRUNE = "navigation.prune"


def title(text: str) -> str:
    """A nav title: Material writes it into the page unescaped, so escape it (as page meta is)."""
    return html.escape(text)


def grouping(setting: str, chapters: Sequence["Chapter"]) -> str:
    """The grouping in effect: ``decade`` or ``flat`` (``auto`` decides by the number of chapters)."""
    if setting == "auto":
        return "flat" if len(chapters) <= AUTO_FLAT_UP_TO else "decade"
    return setting


def part_label(chapters: Sequence["Chapter"]) -> str:
    """'1970 – 1979': the years the chapters of a part cover."""
    first, last = min(c.start for c in chapters), max(c.end for c in chapters)
    return str(first) if first == last else f"{first} – {last}"


def history(index: object, chapters: Sequence["Chapter"], setting: str) -> list[object]:
    """The items of the history section: its index page, then the chapters, flat or in parts."""
    items: list[object] = [index]
    if grouping(setting, chapters) == "flat":
        items += [{title(c.title): c.src_uri} for c in chapters]
        return items
    # Chapters are in period order, so each decade's chapters are consecutive.
    parts = [list(group) for _, group in groupby(chapters, key=lambda c: c.start - c.start % 10)]
    if len(parts) <= MAX_PARTS:
        items += [_part(part) for part in parts]
        return items
    # A long history (a thousand chapters over centuries): decades within centuries, so a page
    # lists the centuries, the decades of its own century and the chapters of its decade.
    for _, group in groupby(parts, key=lambda part: part[0].start // 100):
        decades = list(group)
        items.append({part_label([c for part in decades for c in part]): [_part(part) for part in decades]})
    return items


def _part(chapters: Sequence["Chapter"]) -> dict[str, list[dict[str, str]]]:
    return {part_label(chapters): [{title(c.title): c.src_uri} for c in chapters]}


def wants_prune(setting: str, chapters: Sequence["Chapter"]) -> bool:
    """Grouped navigation needs Material's pruning to keep other parts' links out of a page."""
    return grouping(setting, chapters) != "flat"


def page_views(nav: list[object], pruned: bool) -> dict[str, tuple[str, str]]:
    """For each page of ``nav``, the part of the menu that page shows: ``(skeleton, local)``.

    With pruning, a page shows the skeleton, the same on every page (the top-level entries,
    every section's title and first page, since collapsed sections link there), and its
    local view: the pages of the sections it is in, and its previous and next pages (the
    footer). Adding a chapter inside a part changes the local view of that part's pages
    only; a new part, or a part's new title or first page, changes the skeleton, which
    every page shows (kyniem.serve renders those pages in a second pass). Without pruning
    every page shows the whole menu: it is the skeleton.
    """
    leaves: list[tuple[tuple[int, ...], str, str]] = []  # (section path, title, uri) in menu order
    sections: dict[tuple[int, ...], list[str]] = {}  # section path -> its entries, as text

    def walk(items: list[object], path: tuple[int, ...]) -> None:
        entries = sections.setdefault(path, [])
        for index, item in enumerate(items):
            title, value = next(iter(item.items())) if isinstance(item, dict) else ("", item)
            if isinstance(value, list):
                walk(value, (*path, index))
                first = next((uri for p, _, uri in leaves if p[: len(path) + 1] == (*path, index)), "")
                entries.append(f"section {title} {first}")
            else:
                leaves.append((path, str(title), str(value)))
                entries.append(f"page {title} {value}")

    walk(nav, ())
    if pruned:
        skeleton = repr([(path, [e for e in entries if e.startswith("section") or not path])
                         for path, entries in sorted(sections.items())])
    else:
        skeleton = repr(sorted(sections.items()))
    views = {}
    for index, (path, title, uri) in enumerate(leaves):
        around = [leaves[i][1:] for i in (index - 1, index + 1) if 0 <= i < len(leaves)]
        mine = [[e for e in sections[path[:depth]] if e.startswith("page")] for depth in range(len(path) + 1)]
        views[uri] = (skeleton, repr((mine if pruned else [], around, title)))
    return views
