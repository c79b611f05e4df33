#!/usr/bin/env python3
"""Make the web fonts (kyniem/assets/fonts/*.woff2) from the bundled TTFs, as small as a page needs.

    python scripts/subset_fonts.py

The pages preload Be Vietnam Pro regular and bold, so every byte of them is on the way to the
first paint on a phone. Kept: Basic Latin, Latin-1, every Vietnamese letter (precomposed, and
the five combining tone marks for text typed decomposed), Vietnamese quotes, dashes and the
đồng sign; kerning, ligatures and mark positioning. Dropped: hinting (phones and HiDPI screens
do not use it), stylistic sets, fractions, superscripts. About 14 KB a face instead of 30 KB.
The TTFs stay whole: the printed book and banners use them. Each build then cuts these faces
further, to the letters its pages show (kyniem.speed.fit_fonts), with the same options.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kyniem.speed import WEB_FONTS, subset_woff2  # noqa: E402

FONTS = ROOT / "kyniem" / "assets" / "fonts"
UNICODES = (
    "U+0020-007E,U+00A0-00FF,U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,"
    "U+0300-0301,U+0303,U+0309,U+0323,U+1EA0-1EF9,U+2013-2014,U+2018-201A,U+201C-201E,U+2022,U+2026,U+20AB"
)


def main() -> None:
    for face in WEB_FONTS:
        source, target = FONTS / f"{face}.ttf", FONTS / f"{face}.woff2"
        target.write_bytes(subset_woff2(source, subset.parse_unicodes(UNICODES)))
        print(f"{target.name}: {target.stat().st_size} bytes")


if __name__ == "__main__":
    main()
