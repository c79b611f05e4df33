"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) to Unicode NFC, and their detection.

Before Unicode (TCVN 6909:2001), most Vietnamese offices typed in 8-bit fonts:
TCVN3 "ABC" (fonts ``.VnTime``, ``.VnArial``; capitals in separate fonts such as
``.VnTimeH``) and VNI (fonts ``VNI-Times``: a base letter followed by a modifier
byte). Old Word files and text pasted from them still carry those bytes, shown by
any Unicode program as Latin-1 letters: "LÞch sö §¶ng bé", "Lòch söû Ñaûng boä".
This module converts such text letter by letter, recognises it in Unicode files,
and names the most likely encoding of a file that is not UTF-8.

Tables: one row per vowel, tones in the order none, huyền, sắc, hỏi, ngã, nặng.
Cross-checked against two independent open-source converters (xvnkb by Dao Hai
Lam, and duydev/vietnamese-conversion), which agree on every lowercase code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .text import nfc

# Combining tone marks in the table order: none, huyền, sắc, hỏi, ngã, nặng.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# The twelve Vietnamese vowels (base + vowel mark), in the table row order.
VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")

# TCVN3 (ABC, TCVN 5712:1993 VN3): byte code of each lowercase letter; None = ASCII.
_TCVN3_ROWS: dict[str, tuple[int | None, ...]] = {
    "a": (None, 0xB5, 0xB8, 0xB6, 0xB7, 0xB9),
    "ă": (0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6),
    "â": (0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB),
    "e": (None, 0xCC, 0xD0, 0xCE, 0xCF, 0xD1),
    "ê": (0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6),
    "i": (None, 0xD7, 0xDD, 0xD8, 0xDC, 0xDE),
    "o": (None, 0xDF, 0xE3, 0xE1, 0xE2, 0xE4),
    "ô": (0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9),
    "ơ": (0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE),
    "u": (None, 0xEF, 0xF3, 0xF1, 0xF2, 0xF4),
    "ư": (0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9),
    "y": (None, 0xFA, 0xFD, 0xFB, 0xFC, 0xFE),
}
# The only capitals the normal (non-"H") TCVN3 fonts have.
_TCVN3_CAPITALS = {"Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}
_TCVN3_D = 0xAE  # đ

# VNI Windows: a vowel is written as base letter + modifier character.
# Modifiers for the plain tones, for circumflex (+tone) and for breve (+tone).
_VNI_TONE = ("", "ø", "ù", "û", "õ", "ï")
_VNI_CIRCUMFLEX = ("â", "à", "á", "å", "ã", "ä")
_VNI_BREVE = ("ê", "è", "é", "ú", "ü", "ë")
# Letters that VNI writes as one character of their own.
_VNI_I = ("i", "ì", "í", "æ", "ó", "ò")
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}


def _letter(base: str, tone: int) -> str:
    """The precomposed Unicode letter for a vowel and a tone index."""
    return unicodedata.normalize("NFC", base + TONES[tone])


def _build_tcvn3() -> dict[str, str]:
    """Unicode lowercase letter (and the seven capitals) -> TCVN3 character."""
    table: dict[str, str] = {}
    for vowel, codes in _TCVN3_ROWS.items():
        for tone, code in enumerate(codes):
            if code is not None:
                table[_letter(vowel, tone)] = chr(code)
    table["đ"] = chr(_TCVN3_D)
    for letter, code in _TCVN3_CAPITALS.items():
        table[letter] = chr(code)
    return table


def _vni_lower(vowel: str, tone: int) -> str:
    """VNI spelling of one lowercase vowel with a tone."""
    if vowel == "i":
        return _VNI_I[tone]
    if vowel == "y" and tone == 5:
        return _VNI_SINGLE["ỵ"]
    if vowel in ("â", "ê", "ô"):
        return {"â": "a", "ê": "e", "ô": "o"}[vowel] + _VNI_CIRCUMFLEX[tone]
    if vowel == "ă":
        return "a" + _VNI_BREVE[tone]
    if vowel in ("ơ", "ư"):
        return _VNI_SINGLE[vowel] + _VNI_TONE[tone]
    return vowel + _VNI_TONE[tone]


def _build_vni() -> dict[str, str]:
    """Unicode letter (both cases) -> VNI spelling (capitals use capital modifiers)."""
    table: dict[str, str] = {}
    for vowel in VOWELS:
        for tone in range(6):
            lower = _letter(vowel, tone)
            if lower == vowel and vowel.isascii():
                continue
            spelling = _vni_lower(vowel, tone)
            table[lower] = spelling
            table[lower.upper()] = spelling.upper()
    table["đ"] = _VNI_SINGLE["đ"]
    table["Đ"] = _VNI_SINGLE["đ"].upper()
    return table


UNICODE_TO_TCVN3: dict[str, str] = _build_tcvn3()
TCVN3_TO_UNICODE: dict[str, str] = {v: k for k, v in UNICODE_TO_TCVN3.items()}
UNICODE_TO_VNI: dict[str, str] = _build_vni()
VNI_TO_UNICODE: dict[str, str] = {v: k for k, v in UNICODE_TO_VNI.items()}

#: Every Vietnamese letter (lower and upper case) that is not plain ASCII.
VIETNAMESE_LETTERS: frozenset[str] = frozenset(UNICODE_TO_VNI)

# VNI decoding: modifier case may differ from the base letter's in old files, so
# match case-insensitively and let the base letter decide the case.
_VNI_LOOKUP: dict[str, str] = {}
for _uni, _vni in UNICODE_TO_VNI.items():
    if _uni.islower():
        _VNI_LOOKUP[_vni] = _uni
for _spelling in list(_VNI_LOOKUP):
    _uni = _VNI_LOOKUP[_spelling]
    if len(_spelling) == 2:
        for base in (_spelling[0], _spelling[0].upper()):
            for mod in (_spelling[1], _spelling[1].upper()):
                _VNI_LOOKUP[base + mod] = _uni.upper() if base.isupper() else _uni
    else:
        _VNI_LOOKUP[_spelling.upper()] = _uni.upper()
_VNI_PATTERN = re.compile("|".join(re.escape(s) for s in sorted(_VNI_LOOKUP, key=len, reverse=True)))
del _uni, _vni, _spelling


def tcvn3_to_unicode(text: str, *, capitals: bool = False) -> str:
    """Convert TCVN3 text (bytes shown as Latin-1) to Unicode NFC.

    ``capitals`` is for runs in the capitals fonts (``.VnTimeH``, ``.VnArialH``):
    they draw every code as a capital letter, so the result is upper-cased.
    Word stores some symbol-font text in the private-use area (U+F0xx); that is
    folded back to the byte first.
    """
    out = []
    for char in text:
        code = ord(char)
        if 0xF020 <= code <= 0xF0FF:
            char = chr(code - 0xF000)
        out.append(TCVN3_TO_UNICODE.get(char, char))
    result = "".join(out)
    return nfc(result.upper() if capitals else result)


def unicode_to_tcvn3(text: str, *, capitals: bool = False) -> str:
    """Spell Unicode text in TCVN3 (for tests and round trips).

    Toned capitals exist only in the capitals fonts: with ``capitals=True`` the
    text is written as the lowercase codes those fonts draw as capitals;
    otherwise a toned capital raises ValueError, as no ``.VnTime`` code exists.
    """
    text = nfc(text)
    if capitals:
        text = text.lower()
    out = []
    for char in text:
        if char in UNICODE_TO_TCVN3:
            out.append(UNICODE_TO_TCVN3[char])
        elif char in VIETNAMESE_LETTERS:
            raise ValueError(f"{char!r} has no code in TCVN3 normal fonts; use capitals=True")
        else:
            out.append(char)
    return "".join(out)


def vni_to_unicode(text: str) -> str:
    """Convert VNI text (bytes shown as Latin-1) to Unicode NFC."""
    text = "".join(chr(ord(c) - 0xF000) if 0xF020 <= ord(c) <= 0xF0FF else c for c in text)
    return nfc(_VNI_PATTERN.sub(lambda m: _VNI_LOOKUP[m.group(0)], text))


def unicode_to_vni(text: str) -> str:
    """Spell Unicode text in VNI (for tests and round trips)."""
    return "".join(UNICODE_TO_VNI.get(c, c) for c in nfc(text))


# --- recognising legacy text --------------------------------------------------

_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(ch|ng|nh|[cmnpt])?$"
)
_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’/\\<>|=+*#&%$@^`~_-]+")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` is spelled like one Vietnamese syllable (at most one tone)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for c in decomposed if c in TONES[1:])
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES[1:]))
    return bool(_SYLLABLE.match(bare))


def _decodes_to_syllable(word: str, decode: Callable[[str], str]) -> bool:
    """True when ``word`` read as legacy bytes is another, real Vietnamese syllable."""
    decoded = decode(word)
    return decoded != word and is_vietnamese_syllable(decoded)


def _legacy_word(word: str, decode: Callable[[str], str]) -> bool:
    """True when ``word`` only makes sense as legacy bytes: it holds characters
    that are no Vietnamese letter, and decodes to a real Vietnamese syllable."""
    if not _ASCII_LETTER.search(word) and len(word) < 2:
        return False
    if not any(ord(c) > 0x7F and c not in VIETNAMESE_LETTERS for c in word):
        return False
    return _decodes_to_syllable(word, decode)


_DECODERS: dict[str, Callable[[str], str]] = {"TCVN3 (ABC)": tcvn3_to_unicode, "VNI": vni_to_unicode}


def legacy_words(text: str) -> dict[str, int]:
    """Count the words of ``text`` that look like TCVN3 and like VNI mojibake."""
    words = _WORD.findall(text)
    return {name: sum(1 for w in words if _legacy_word(w, decode)) for name, decode in _DECODERS.items()}


def _line_hits(line: str) -> dict[str, tuple[int, int]]:
    """For each legacy encoding the line qualifies for (see :func:`detect_mojibake`):
    how many of its words only make sense in it, then how many it turns into
    other Vietnamese syllables."""
    if line.isascii() or _BEYOND_CP1252.search(line):  # plain ASCII, or real Unicode (ạ, ơ, ư…)
        return {}
    words = [w for w in _WORD.findall(line) if not w.isascii()]
    found: dict[str, tuple[int, int]] = {}
    for name, decode in _DECODERS.items():
        hits = sum(1 for w in words if _legacy_word(w, decode))
        if hits >= 2 or (hits == 1 and all(is_vietnamese_syllable(decode(w)) for w in words)):
            found[name] = (hits, sum(1 for w in words if _decodes_to_syllable(w, decode)))
    return found


def detect_mojibake(line: str) -> str | None:
    """Name the legacy encoding a line of Unicode text was mistakenly read from.

    A line qualifies when it has no character beyond Latin-1 / Windows-1252
    (real Unicode Vietnamese has ạ, ơ, ư…, legacy bytes never do) and either at
    least two of its words only make sense as legacy bytes, or one does and every
    other non-ASCII word also reads as a Vietnamese syllable once decoded (short
    lines such as "KEÁ HOAÏCH", whose first word is made of Vietnamese letters).
    """
    found = _line_hits(line)
    return max(found, key=lambda name: found[name]) if found else None


_CP1252_EXTRA = frozenset(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
_BEYOND_CP1252 = re.compile("[^\x00-\xff" + re.escape("".join(sorted(_CP1252_EXTRA))) + "]")


def fix_mojibake(text: str) -> tuple[str, int]:
    """Convert the lines of ``text`` that are legacy mojibake; return text and count.

    A line that reads equally well in both encodings ("Löu" is VNI "Lưu" but also
    TCVN3 "Lửu") is converted with the encoding most of the text's lines show.
    """
    lines = text.split("\n")
    found = {index: hits for index, line in enumerate(lines) if (hits := _line_hits(line))}
    totals = {name: sum(hits.get(name, (0, 0))[0] for hits in found.values()) for name in _DECODERS}
    for index, hits in found.items():
        best = max(hits.values())
        names = [name for name in hits if hits[name] == best]
        name = names[0] if len(names) == 1 else max(names, key=lambda n: totals[n])
        lines[index] = _DECODERS[name](lines[index])
    return "\n".join(lines), len(found)


def _vietnamese_score(text: str) -> int:
    """How many words of ``text`` are Vietnamese syllables with a diacritic."""
    return sum(
        1
        for word in _WORD.findall(text)
        if any(c in VIETNAMESE_LETTERS for c in word) and is_vietnamese_syllable(word)
    )


def guess_encoding(data: bytes) -> str | None:
    """Name the most likely encoding of bytes that are not UTF-8.

    Returns "UTF-16", "windows-1258", "TCVN3 (ABC)", "VNI" or "windows-1252"
    (Western text without Vietnamese letters), or None when nothing fits.
    """
    if not data:
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    sample = data[:200_000]
    if len(sample) >= 4 and sample.count(b"\x00") * 3 >= len(sample):
        return "UTF-16"
    latin = sample.decode("latin-1")
    scores: dict[str, int] = {
        "TCVN3 (ABC)": _vietnamese_score(tcvn3_to_unicode(latin)),
        "VNI": _vietnamese_score(vni_to_unicode(latin)),
    }
    try:
        scores["windows-1258"] = _vietnamese_score(nfc(sample.decode("cp1258")))
    except UnicodeDecodeError:
        pass
    best, score = max(scores.items(), key=lambda kv: kv[1])
    if score > 0:
        return best
    try:
        sample.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "windows-1252"


def _as_ansi(data: bytes) -> str:
    """Bytes as Windows (ANSI) characters, the way legacy fonts saw them; the
    five codes Windows-1252 leaves undefined pass through as Latin-1."""
    return "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) if 0x80 <= b <= 0x9F else chr(b) for b in data
    )


def decode_legacy(data: bytes, encoding: str) -> str:
    """Decode bytes in one of the encodings :func:`guess_encoding` names, to NFC."""
    if encoding == "UTF-16":
        return nfc(data.decode("utf-16"))
    if encoding == "TCVN3 (ABC)":
        return tcvn3_to_unicode(_as_ansi(data))
    if encoding == "VNI":
        return vni_to_unicode(_as_ansi(data))
    return nfc(data.decode(encoding))


# --- leftovers after a conversion -----------------------------------------------

#: Latin-1 characters that legacy fonts use for Vietnamese letters but that no
#: Vietnamese word in Unicode contains (VNI marks such as û ï ø, TCVN3 letters such as § ¶ Ø).
LEGACY_MARKS: frozenset[str] = frozenset(
    c for c in (chr(code) for code in range(0xA0, 0x100))
    if c not in VIETNAMESE_LETTERS and (c.isalpha() or c in "§¶µ¸¹¼½¾¨©ª¬®¤¦")
) - {"ß", "ç", "Ç"}
_UNICODE_ONLY = frozenset(c for c in VIETNAMESE_LETTERS if ord(c) > 0xFF)
_ANY_MARK = re.compile("[" + re.escape("".join(sorted(LEGACY_MARKS))) + "]")
_LEFTOVER_WORD = re.compile(r"[^\s\d.,;:!?()\[\]{}\"'“”‘’«»/\\<>|=+*#&%$@^`~_–—-]+")


def has_unicode_vietnamese(text: str) -> bool:
    """Whether ``text`` holds a Vietnamese letter that only Unicode has (ạ, ơ, ư, đ, ồ…):
    such text is already Unicode and must never be converted from a legacy font."""
    return any(c in _UNICODE_ONLY for c in text)


def legacy_leftover(line: str) -> str | None:
    """The first word of ``line`` that is still legacy text, or None.

    Catches what line-level detection (:func:`detect_mojibake`) lets through in a
    line that is otherwise Unicode: a word half converted ("Đaûng": Unicode Đ next
    to the VNI mark û), or one word pasted from a legacy font that decodes to a real
    syllable ("tØnh", TCVN3 for "tỉnh").
    """
    if line.isascii() or not _ANY_MARK.search(line):  # most lines: no legacy mark at all
        return None
    for word in _LEFTOVER_WORD.findall(line):
        if word.isascii():
            continue
        marks = any(c in LEGACY_MARKS for c in word)
        if marks and has_unicode_vietnamese(word):
            return word
        if marks and any(_legacy_word(word, decode) for decode in _DECODERS.values()):
            return word
    return None
