"""Vietnamese text helpers and the YAML reader, on real strings and files."""

from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest

from kyniem.problems import Report
from kyniem.text import fold, format_date, nfc, parse_date, slugify
from kyniem.yamlsrc import load_yaml, read_text, split_front_matter


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Lịch sử Đảng bộ", "lich-su-dang-bo"),
        ("ĐẢNG BỘ KHỐI", "dang-bo-khoi"),
        ("Thành lập (1952 – 1954)", "thanh-lap-1952-1954"),
        ("Đổi mới: 1986-1996!", "doi-moi-1986-1996"),
        ("  Quảng Ngãi, Hưng Yên  ", "quang-ngai-hung-yen"),
    ],
)
def test_slugify_gives_readable_ascii(text: str, slug: str) -> None:
    assert slugify(text) == slug
    assert slugify(unicodedata.normalize("NFD", text)) == slug


def test_fold_makes_forms_and_diacritics_equal() -> None:
    forms = ["lịch sử", "LỊCH SỬ", unicodedata.normalize("NFD", "lịch sử"), "lich su", "lich sư"]
    assert {fold(f) for f in forms} == {"lich su"}
    assert fold("Đảng") == fold("dang") == "dang"


def test_nfc_joins_combining_marks() -> None:
    combining = "Ho\u0302\u0300"  # O + circumflex + grave, as in the plan
    assert nfc(combining) == "Hồ"
    assert len(nfc(combining)) == 2


@pytest.mark.parametrize(
    ("value", "shown"),
    [("1952-02-15", "15/02/1952"), ("1952-02", "02/1952"), ("1952", "1952")],
)
def test_dates_are_shown_the_vietnamese_way(value: str, shown: str) -> None:
    assert format_date(value) == shown


@pytest.mark.parametrize("value", ["15/02/1952", "1952-13", "1952-02-30", "năm 1952", ""])
def test_not_dates_are_refused(value: str) -> None:
    assert parse_date(value) is None


def test_front_matter_split_keeps_body_line() -> None:
    front, body, line = split_front_matter("---\ntitle: A\n---\nBody\n")
    assert front == "title: A" and body == "Body\n" and line == 4


def test_yaml_errors_name_the_file_line() -> None:
    report = Report()
    data, _ = load_yaml("title: A\nperiod: [1952, 1954\n", "history/x.md", report, first_line=2)
    assert data is None
    assert report.errors[0].file == "history/x.md"
    assert report.errors[0].line in (3, 4)


def test_yaml_line_map_points_at_keys() -> None:
    report = Report()
    data, lines = load_yaml("title: A\nevents:\n  - date: 1952\n    title: B\n", "f", report, first_line=2)
    assert data == {"title": "A", "events": [{"date": 1952, "title": "B"}]}
    assert lines.line(("events", 0, "title")) == 5
    assert lines.line(("events", 0, "missing")) == 4


def test_alias_bomb_is_refused_quickly() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20)
    )
    report = Report()
    started = time.perf_counter()
    data, _ = load_yaml(bomb, "slogans/slogans.yml", report)
    assert time.perf_counter() - started < 1
    assert data is None
    assert "tham chiếu (*tên)" in report.errors[0].message


def test_duplicate_keys_are_reported() -> None:
    report = Report()
    load_yaml("title: A\ntitle: B\n", "f.md", report, first_line=2)
    assert report.errors[0].code == "duplicate-key" and report.errors[0].line == 3


def test_non_utf8_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes("Lịch sử".encode("utf-16"))
    report = Report()
    assert read_text(path, "history/a.md", report) is None
    assert "không ở dạng Unicode UTF-8" in report.errors[0].message and report.errors[0].file == "history/a.md"


def test_read_text_normalises_to_nfc(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(unicodedata.normalize("NFD", "Hải Dương\r\n"), encoding="utf-8")
    assert read_text(path, "a.md", Report()) == "Hải Dương\n"


def test_heading_anchor_collisions_get_a_suffix() -> None:
    import markdown

    html = markdown.markdown("## Lịch sử\n\n## Lịch Sử\n\n## lich su", extensions=["toc"],
                             extension_configs={"toc": {"slugify": slugify}})
    assert 'id="lich-su"' in html and 'id="lich-su_1"' in html and 'id="lich-su_2"' in html
