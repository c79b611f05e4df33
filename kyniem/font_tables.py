"""WeasyPrint's work on each embedded font, done once per process instead of once per PDF.

The book is rendered part by part, each part with its fonts embedded whole (``full_fonts``) so that
the merged book keeps one copy of each. For every whole font WeasyPrint reads the font file again
(fontTools decompiles every glyph to list its width), writes its Unicode map for every glyph, and
compresses the font file and that map at zlib level 9: the same bytes for every part, about a fifth
of a chapter's rendering time. WeasyPrint has no setting to keep this between documents, so its font
module is given two memos while a whole-font PDF is written (:func:`reused`): a parsed font per font
file, and the bytes of each stream it writes. A part's PDF is byte for byte what it was
(tests/test_book_parts.py).

Only ``weasyprint.pdf.fonts`` sees them, and only then: the pages' own streams, different in every
part, are compressed as before, and no font is subset meanwhile (which would change a kept font).
Both names swapped (``TTFont``, ``pydyf``) are read by that module at call time, in the pinned
WeasyPrint (pyproject.toml).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import types
from collections.abc import Iterator

from . import weasyprint_loader

# Fonts and font streams kept per process: a book uses about five fonts (two streams each).
KEPT_MAX = 64

_fonts: dict[tuple[bytes, int], object] = {}
_streams: dict[tuple[bytes, bool, bytes], bytes] = {}


@contextlib.contextmanager
def reused() -> Iterator[None]:
    """Within: WeasyPrint's font module keeps its parsed fonts and font streams. For PDFs written with
    ``full_fonts=True`` only: a subset font would be made from a kept font, changing it."""
    import pydyf

    weasyprint_loader.load()
    import weasyprint.pdf.fonts as fonts
    from fontTools.ttLib import TTFont

    def kept_font(file: io.BytesIO, fontNumber: int = -1, **options: object) -> TTFont:  # noqa: N803 (fontTools' name)
        """One TTFont per font file. WeasyPrint only reads it, except to blank the glyphs of a colour (emoji)
        font, which gives the same result when done again."""
        key = (hashlib.sha256(file.getbuffer()).digest(), fontNumber)
        if key not in _fonts:
            if len(_fonts) >= KEPT_MAX:
                _fonts.clear()
            _fonts[key] = TTFont(file, fontNumber=fontNumber, **options)
        return _fonts[key]

    class KeptStream(pydyf.Stream):
        """A stream whose bytes (dictionary, filtered data) are made once per distinct content."""

        @property
        def data(self) -> bytes:
            raw = b"\n".join(pydyf._to_bytes(item) for item in self.stream)  # noqa: SLF001 (pydyf's own serializer)
            key = (hashlib.sha256(raw).digest(), bool(self.compress), pydyf.Dictionary(self.extra.copy()).data)
            if key not in _streams:
                if len(_streams) >= KEPT_MAX:
                    _streams.clear()
                _streams[key] = pydyf.Stream.data.fget(self)  # type: ignore[attr-defined]
            return _streams[key]

    fonts.TTFont, fonts.pydyf = kept_font, types.SimpleNamespace(**{**vars(pydyf), "Stream": KeptStream})
    try:
        yield
    finally:
        fonts.TTFont, fonts.pydyf = TTFont, pydyf


def kept() -> tuple[int, int]:
    """Fonts and streams held (for tests)."""
    return len(_fonts), len(_streams)
