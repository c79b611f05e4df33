"""Vietnamese-aware search index, smaller than the one Material writes.

Material's search plugin writes ``search/search_index.json``; the browser builds
the lunr index from it. Two things make it Vietnamese-aware:

* ``lunr.vi.min.js`` (kyniem/templates/assets/javascripts/lunr/min/), which
  replaces lunr-languages' Vietnamese support: it folds index tokens and query
  terms (diacritics, Unicode form, case, đ/d) in the browser, so no folded copy
  of the text has to ship in the index;
* :func:`compact_index` here, which sets the language, a separator that also
  splits at Vietnamese punctuation, and writes the JSON as UTF-8 instead of
  ``\\uXXXX`` escapes (Material's choice, which costs six bytes for each
  Vietnamese letter instead of two or three).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .text import nfc

INDEX_PATH = Path("search") / "search_index.json"

# Whitespace, dashes and punctuation (ASCII and Vietnamese typography) split
# words; so do the HTML entities Material leaves in the text.
SEPARATOR = r"[\s\-‐‑‒–—―,.;:!?()\[\]{}\"'/\\‘’“”…«»]+|&(?:amp|lt|gt);"

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class IndexSizes:
    """Bytes of the index as Material wrote it and as kyniem rewrote it."""

    material: int
    kyniem: int


def compact_index(data: dict[str, Any]) -> dict[str, Any]:
    """Return the index with Vietnamese search settings and NFC, space-collapsed text.

    ``lang: vi`` makes Material's worker load kyniem's folding ``lunr.vi``; no
    stemmer or stop word filter applies (folding already merges the word forms
    that matter, and a Vietnamese stop word list would drop real syllables
    once folded: "mà" and "má" both become "ma").
    """
    config = dict(data.get("config", {}))
    config["lang"] = ["vi"]
    config["separator"] = SEPARATOR
    config["pipeline"] = []
    docs = []
    for doc in data.get("docs", []):
        entry = dict(doc)
        for field in ("title", "text"):
            if isinstance(entry.get(field), str):
                entry[field] = _SPACES.sub(" ", nfc(entry[field])).strip()
        if isinstance(entry.get("tags"), list):
            entry["tags"] = [nfc(str(tag)) for tag in entry["tags"]]
        docs.append(entry)
    return {"config": config, "docs": docs}


def dump_index(data: dict[str, Any]) -> str:
    """Serialise the index compactly, keeping Vietnamese letters as UTF-8."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def rewrite_index(site_dir: Path) -> IndexSizes | None:
    """Rewrite the site's search index in place; None when the site has no search."""
    path = site_dir / INDEX_PATH
    if not path.is_file():
        return None
    raw = path.read_bytes()
    text = dump_index(compact_index(json.loads(raw.decode("utf-8"))))
    encoded = text.encode("utf-8")
    path.write_bytes(encoded)
    return IndexSizes(material=len(raw), kyniem=len(encoded))
