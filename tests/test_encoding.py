"""Legacy Vietnamese encodings: every letter both ways, known strings, detection."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from sitebuild import PLAN

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


def test_short_lines_and_ties_follow_the_text() -> None:
    assert detect_mojibake("KEÁ HOAÏCH") == "VNI"  # "KEÁ" is made of Vietnamese letters; "HOAÏCH" is not
    assert detect_mojibake("II. NOÄI DUNG") == "VNI"
    # "Löu" reads as VNI "Lưu" and as TCVN3 "Lửu": the rest of the text decides.
    fixed, count = fix_mojibake("Lòch söû Ñaûng boä\n- Löu VP.\n")
    assert (fixed, count) == ("Lịch sử Đảng bộ\n- Lưu VP.\n", 2)
    fixed, count = fix_mojibake("LÞch sö §¶ng bé\n- Löu VP.\n")
    assert (fixed, count) == ("Lịch sử Đảng bộ\n- Lửu VP.\n", 2)


WESTERN = [
    "Café au lait, Göttingen", "Señor Muñoz à Noël", "Crème brûlée et façade", "Über die Brücke", "El niño está aquí",
    "Déjà vu à Genève", "São Paulo não é", "Ça va très bien", "naïve coöperation résumé", "Bjørn, Øresund, Ærø",
    "Tôi là ai", "Ô tô", "Tô Hoài", "© 2022", "Hiệp định Genève năm 1954",
]


@pytest.mark.parametrize("line", WESTERN)
def test_unicode_lines_are_not_taken_for_legacy_text(line: str) -> None:
    assert detect_mojibake(line) is None
    assert fix_mojibake(line) == (line, 0)


def test_the_plan_pasted_in_tcvn3_or_vni_comes_back_and_nothing_is_lost() -> None:
    """Every line of the real plan, spelled in each legacy encoding and converted back: a converted line is
    always exactly right (a line that stays unconverted is left as it was), and almost all lines convert."""
    plan = PLAN
    lines = unicodedata.normalize("NFC", plan.read_text(encoding="utf-8")).split("\n")
    assert not [line for line in lines if detect_mojibake(line)]
    vietnamese = [line for line in lines if not line.isascii()]
    for original, legacy in ((lines, unicode_to_vni), ([line.lower() for line in lines], unicode_to_tcvn3)):
        pasted = [legacy(line) for line in original]
        fixed = fix_mojibake("\n".join(pasted))[0].split("\n")
        wrong = [(f, o) for f, p, o in zip(fixed, pasted, original) if f not in (o, p)]
        assert wrong == []
        left = [p for f, p, o in zip(fixed, pasted, original) if f != o]
        assert len(left) <= 2 and len(vietnamese) > 40, left
