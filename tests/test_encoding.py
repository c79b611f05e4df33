"""Legacy Vietnamese encodings: every letter both ways, known strings, detection."""

from __future__ import annotations

import unicodedata

import pytest

from kyniem.encoding import (
    TONES,
    VIETNAMESE_LETTERS,
    VOWELS,
    decode_legacy,
    detect_mojibake,
    fix_mojibake,
    guess_encoding,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)

LOWER = sorted(
    {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES} - set("aeiouy") | {"đ"}
)
UPPER = [c.upper() for c in LOWER]


def test_alphabet_is_complete() -> None:
    assert len(LOWER) == 67 and len(UPPER) == 67
    assert set(LOWER) | set(UPPER) == VIETNAMESE_LETTERS
    assert all(unicodedata.is_normalized("NFC", c) and len(c) == 1 for c in VIETNAMESE_LETTERS)


@pytest.mark.parametrize("letter", LOWER)
def test_tcvn3_lowercase_round_trip(letter: str) -> None:
    legacy = unicode_to_tcvn3(letter)
    assert len(legacy) == 1 and 0xA0 < ord(legacy) <= 0xFE
    assert tcvn3_to_unicode(legacy) == letter


@pytest.mark.parametrize("letter", UPPER)
def test_tcvn3_capitals_font_round_trip(letter: str) -> None:
    legacy = unicode_to_tcvn3(letter, capitals=True)
    assert tcvn3_to_unicode(legacy, capitals=True) == letter


def test_tcvn3_codes_are_distinct() -> None:
    codes = [unicode_to_tcvn3(c) for c in LOWER] + [unicode_to_tcvn3(c) for c in "ĂÂÊÔƠƯĐ"]
    assert len(set(codes)) == len(codes) == 74


def test_tcvn3_normal_font_has_no_toned_capitals() -> None:
    assert unicode_to_tcvn3("Đ") == "§"
    with pytest.raises(ValueError):
        unicode_to_tcvn3("Ả")


@pytest.mark.parametrize("letter", LOWER + UPPER)
def test_vni_round_trip(letter: str) -> None:
    legacy = unicode_to_vni(letter)
    assert all(ord(c) <= 0xFF for c in legacy)
    assert vni_to_unicode(legacy) == letter


def test_vni_spellings_are_distinct() -> None:
    spellings = [unicode_to_vni(c) for c in LOWER + UPPER]
    assert len(set(spellings)) == len(spellings) == 134


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("LÞch sö §¶ng bé", "Lịch sử Đảng bộ"),
        ("TiÕng ViÖt rÊt hay", "Tiếng Việt rất hay"),
        ("B¶o Th¾ng", "Bảo Thắng"),
        ("M­êng Kh­¬ng", "Mường Khương"),
    ],
)
def test_tcvn3_known_strings(legacy: str, unicode: str) -> None:
    assert tcvn3_to_unicode(legacy) == unicode


def test_tcvn3_capitals_font_and_private_use_area() -> None:
    assert tcvn3_to_unicode("®¶ng bé", capitals=True) == "ĐẢNG BỘ"
    assert tcvn3_to_unicode("\uf0de") == "ị"


@pytest.mark.parametrize(
    ("legacy", "unicode"),
    [
        ("Lòch söû Ñaûng boä", "Lịch sử Đảng bộ"),
        ("Tieáng Vieät raát hay", "Tiếng Việt rất hay"),
        ("Xin chaøo caùc baïn", "Xin chào các bạn"),
        ("ÑAÛNG BOÄ TÆNH HAÛI DÖÔNG", "ĐẢNG BỘ TỈNH HẢI DƯƠNG"),
    ],
)
def test_vni_known_strings(legacy: str, unicode: str) -> None:
    assert vni_to_unicode(legacy) == unicode


def test_vni_mixed_case_modifiers() -> None:
    assert vni_to_unicode("Aù") == "Á"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("LÞch sö §¶ng bé", "TCVN3 (ABC)"),
        ("Lòch söû Ñaûng boä", "VNI"),
        ("Lịch sử Đảng bộ Khối các cơ quan", None),
        ("Café au lait, Göttingen", None),
        ("© 2022", None),
    ],
)
def test_detect_mojibake(line: str, expected: str | None) -> None:
    assert detect_mojibake(line) == expected


def test_fix_mojibake_converts_only_legacy_lines() -> None:
    text = "# Lịch sử\n\nLÞch sö §¶ng bé\nLòch söû Ñaûng boä\ná à ả\n"
    fixed, count = fix_mojibake(text)
    assert count == 2
    assert fixed == "# Lịch sử\n\nLịch sử Đảng bộ\nLịch sử Đảng bộ\ná à ả\n"


SAMPLE = "Lịch sử Đảng bộ Khối các cơ quan tỉnh Hải Dương giai đoạn 1952 - 2020. Kỷ niệm 70 năm."


def _cp1258(text: str) -> bytes:
    """Windows-1258 spelling: precomposed base letter + combining tone byte."""
    out = []
    for char in text:
        try:
            out.append(char.encode("cp1258"))
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", char)
            tone = next(c for c in decomposed if c in TONES[1:])
            base = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
            out.append(base.encode("cp1258") + tone.encode("cp1258"))
    return b"".join(out)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (unicode_to_tcvn3(SAMPLE.lower()).encode("latin-1"), "TCVN3 (ABC)"),
        (unicode_to_vni(SAMPLE).encode("cp1252"), "VNI"),
        (_cp1258(SAMPLE), "windows-1258"),
        (SAMPLE.encode("utf-16"), "UTF-16"),
        (SAMPLE.encode("utf-16-le"), "UTF-16"),
        ("Hello, café".encode("cp1252"), "windows-1252"),
        (b"", None),
    ],
)
def test_guess_encoding_and_decode(data: bytes, name: str | None) -> None:
    assert guess_encoding(data) == name
    if name in ("VNI", "windows-1258", "UTF-16"):
        assert decode_legacy(data, name) == SAMPLE
    if name == "TCVN3 (ABC)":
        assert decode_legacy(data, name) == SAMPLE.lower()
