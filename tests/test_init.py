"""``kyniem init``: a new anniversary project that checks and builds at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sitebuild import build

from kyniem.cli import main
from kyniem.newsite import NewSite, parse_day


@pytest.mark.parametrize(
    ("founded", "anniversary", "years"),
    [("1947-03-15", "2022-03-15", 75), ("1945-09-02", "2025-09-02", 80), ("1952-02-15", "2022-02-14", 69)],
)
def test_anniversary_number_from_the_dates(founded: str, anniversary: str, years: int) -> None:
    site = NewSite("Đảng bộ xã", "Đảng ủy xã", dt.date.fromisoformat(founded), dt.date.fromisoformat(anniversary))
    assert site.years == years


def test_dates_are_read_both_ways() -> None:
    assert parse_day("15/03/1947") == parse_day("1947-03-15") == dt.date(1947, 3, 15)
    assert parse_day("1947") is None and parse_day("31/02/1947") is None


def test_init_writes_a_project_that_checks_and_builds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "trang-75-nam"
    status = main(["init", str(folder), "--organization", "Đảng bộ xã Thanh Bình", "--founded", "15/03/1947",
                   "--anniversary", "2022-03-15"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Kỷ niệm 75 năm Ngày thành lập Đảng bộ xã Thanh Bình (15/03/1947 – 15/03/2022)" in out
    config = (folder / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'site_name: "Kỷ niệm 75 năm Đảng bộ xã Thanh Bình"' in config
    assert 'committee: "Đảng ủy xã Thanh Bình"' in config and "founded: 1947-03-15" in config
    for part in ("history/01-thanh-lap-1947-1951.md", "gallery/anh-minh-hoa/album.yml", "slogans/slogans.yml",
                 "slogans/outlines/de-cuong-tuyen-truyen.md", "huong-dan/bien-tap.md", ".gitignore"):
        assert (folder / part).is_file(), part
    assert "75 năm Ngày thành lập Đảng bộ xã Thanh Bình (15/03/1947 – 15/03/2022)" in (
        folder / "slogans" / "slogans.yml").read_text(encoding="utf-8")
    assert main(["check", "--strict", str(folder)]) == 0, capsys.readouterr().out
    result = build(folder, "--strict")
    assert result.returncode == 0, result.stderr
    home = (folder / "site" / "index.html").read_text(encoding="utf-8")
    assert "Kỷ niệm 75 năm Ngày thành lập Đảng bộ xã Thanh Bình" in home and "Nội dung mẫu" in home
    assert (folder / "site" / "lich-su" / "thanh-lap-1947-1951" / "index.html").is_file()
    assert (folder / "site" / "thu-vien-anh" / "anh-minh-hoa" / "index.html").is_file()

    assert main(["init", str(folder), "--organization", "X", "--founded", "1947-03-15",
                 "--anniversary", "2022-03-15"]) == 1
    assert "thư mục đã có và không trống" in capsys.readouterr().out


def test_init_names_what_is_missing_or_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "a"), "--organization", "Đảng bộ xã", "--founded", "1947-03-15"]) == 1
    assert "thiếu --anniversary" in capsys.readouterr().out
    assert main(["init", str(tmp_path / "a"), "--organization", "Đảng bộ xã", "--founded", "15-3-47",
                 "--anniversary", "2022-03-15"]) == 1
    assert "'15-3-47' không phải là ngày" in capsys.readouterr().out
    assert main(["init", str(tmp_path / "a"), "--organization", "Đảng bộ xã", "--founded", "2022-03-15",
                 "--anniversary", "2022-06-15"]) == 1
    assert "phải sau ngày thành lập" in capsys.readouterr().out
    assert not (tmp_path / "a").exists()
