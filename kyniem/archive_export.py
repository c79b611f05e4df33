"""``kyniem export archive``: the archive's records as CSV or JSON, for the committee's files.

Columns carry Dublin Core element names (identifier, title, type, date, creator,
source, rights, description, subject, relation, format) so the records load into
archive software as they are; ``slug`` names the item's folder and ``url`` its page.
The CSV is UTF-8 with a byte order mark, which Excel needs to show Vietnamese.
"""

from __future__ import annotations

import csv
import io
import json

from .archive import Item
from .content import HISTORY_URL

FIELDS = ("slug", "identifier", "title", "type", "date", "creator", "source", "rights", "description", "subject",
          "relation", "format", "files", "url", "sample")
# Lists inside one CSV cell.
SEPARATOR = "; "


def record(item: Item) -> dict[str, object]:
    """One item as a flat Dublin Core record (lists kept as lists)."""
    kinds = []
    if item.pages:
        kinds.append(f"{len(item.pages)} trang quét")
    for film in item.media:
        kinds.append("phim" if film.kind == "video" else "ghi âm")
    return {
        "slug": item.slug,
        "identifier": item.identifier,
        "title": item.title,
        "type": item.type,
        "date": item.date,
        "creator": item.creator,
        "source": item.holding,
        "rights": item.rights,
        "description": item.description,
        "subject": list(item.subjects),
        "relation": [f"{HISTORY_URL}/{slug}/" for slug in item.chapters],
        "format": ", ".join(kinds),
        "files": [p.name for p in item.pages] + [m.path.name if m.path else m.url for m in item.media],
        "url": item.url,
        "sample": item.sample,
    }


def to_json(items: list[Item]) -> str:
    return json.dumps({"items": [record(i) for i in items]}, ensure_ascii=False, indent=2) + "\n"


def to_csv(items: list[Item]) -> str:
    """CSV text (without the BOM; :func:`csv_bytes` adds it)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        row = record(item)
        writer.writerow({k: SEPARATOR.join(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else v
                         for k, v in row.items()})
    return buffer.getvalue()


def csv_bytes(items: list[Item]) -> bytes:
    return to_csv(items).encode("utf-8-sig")
