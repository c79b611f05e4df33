"""``kyniem new``: skeletons are valid, NFC, commented, and never overwrite."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
import yaml
from PIL import Image

from kyniem.config import KyniemConfig
from kyniem.content import load_content
from kyniem.gallery import load_albums
from kyniem.problems import Report
from kyniem.scaffold import EditorError, guess_period, new_album, new_chapter, new_outline, new_post, parse_period


def settings() -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    return config


def _nfc_everywhere(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    return text


def test_chapter_skeleton_is_valid_and_numbered(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "04-cu.md").write_text("x", encoding="utf-8")
    title = unicodedata.normalize("NFD", 'Thời kỳ "đổi mới": bước đầu')
    path = new_chapter(tmp_path, settings(), title, (1986, 2000))
    assert path.name == "05-thoi-ky-doi-moi-buoc-dau-1986-2000.md"
    text = _nfc_everywhere(path)
    assert "# Giai đoạn của chương" in text and "status: draft" in text
    (tmp_path / "history" / "04-cu.md").unlink()
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text("slogans:\n  - text: x\n", encoding="utf-8")
    content = load_content(tmp_path, settings(), include_drafts=True)
    assert content.report.problems == []
    chapter = content.chapters[0]
    assert (chapter.title, chapter.start, chapter.end, chapter.order) == ('Thời kỳ "đổi mới": bước đầu', 1986, 2000, 5)
    with pytest.raises(EditorError):
        new_chapter(tmp_path, settings(), "Khác", None)


def test_chapter_refuses_to_overwrite(tmp_path: Path) -> None:
    outline = new_outline(tmp_path, settings(), "Đề cương kỷ niệm", today=dt.date(2021, 10, 1))
    outline.write_text("bản của biên tập viên", encoding="utf-8")
    with pytest.raises(EditorError) as caught:
        new_outline(tmp_path, settings(), "Đề cương kỷ niệm")
    assert "tệp đã có" in caught.value.problem.message
    assert outline.read_text(encoding="utf-8") == "bản của biên tập viên"


def test_outline_skeleton_is_valid(tmp_path: Path) -> None:
    path = new_outline(tmp_path, settings(), "Đề cương tuyên truyền 70 năm", today=dt.date(2021, 10, 1))
    assert path == tmp_path / "slogans" / "outlines" / "de-cuong-tuyen-truyen-70-nam.md"
    _nfc_everywhere(path)
    (tmp_path / "slogans" / "slogans.yml").write_text("slogans:\n  - text: x\n", encoding="utf-8")
    content = load_content(tmp_path, settings(), include_drafts=True)
    assert content.report.problems == []
    assert (content.outlines[0].date, content.outlines[0].status) == ("2021-10-01", "draft")


def test_post_skeleton_has_blog_front_matter(tmp_path: Path) -> None:
    posts = tmp_path / "docs" / "tin-tuc" / "posts"
    path = new_post(tmp_path, posts, "Hội nghị điển hình tiên tiến", today=dt.date(2022, 1, 20))
    assert path == tmp_path / "docs" / "tin-tuc" / "posts" / "2022-01-20-hoi-nghi-dien-hinh-tien-tien.md"
    text = _nfc_everywhere(path)
    front = yaml.safe_load(text.split("---")[1])
    assert front == {"date": dt.date(2022, 1, 20), "draft": True}
    assert "\n# Hội nghị điển hình tiên tiến\n" in text


def _photo(path: Path, taken: str | None) -> None:
    image = Image.new("RGB", (16, 12), (10, 120, 40))
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[36867] = taken
    image.save(path, format="JPEG", exif=exif)


def test_album_lists_photos_with_exif_dates_and_merges(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "le-ky-niem"
    folder.mkdir(parents=True)
    _photo(folder / "b.jpg", "2022:02:15 09:30:00")
    _photo(folder / "a.jpg", None)
    path, added = new_album(tmp_path, settings(), "Lễ kỷ niệm")
    assert path == folder / "album.yml" and added == ["a.jpg", "b.jpg"]
    data = yaml.safe_load(_nfc_everywhere(path))
    assert data["title"] == "Lễ kỷ niệm" and data["date"] == dt.date(2022, 2, 15) and data["cover"] == "a.jpg"
    assert data["photos"][0] == {"file": "a.jpg", "caption": "", "alt": ""}
    assert data["photos"][1]["date"] == dt.date(2022, 2, 15)

    text = path.read_text(encoding="utf-8").replace('caption: ""', 'caption: "Đoàn đại biểu dâng hoa"', 1)
    path.write_text(text + "# ghi chú của biên tập viên\n", encoding="utf-8")
    _photo(folder / "c.jpg", "2022:02:16 10:00:00")
    _, added = new_album(tmp_path, settings(), "Lễ kỷ niệm")
    assert added == ["c.jpg"]
    merged = path.read_text(encoding="utf-8")
    assert 'caption: "Đoàn đại biểu dâng hoa"' in merged and "# ghi chú của biên tập viên" in merged
    assert [p["file"] for p in yaml.safe_load(merged)["photos"]] == ["a.jpg", "b.jpg", "c.jpg"]
    assert new_album(tmp_path, settings(), "Lễ kỷ niệm")[1] == []

    report = Report()
    albums = load_albums(tmp_path, settings(), report)
    assert [p.name for p in albums[0].photos] == ["a.jpg", "b.jpg", "c.jpg"]
    assert [p for p in report.problems if p.code != "alt"] == []


def test_album_without_photos_then_added(tmp_path: Path) -> None:
    path, added = new_album(tmp_path, settings(), "Hội thao")
    assert added == [] and yaml.safe_load(path.read_text(encoding="utf-8"))["photos"] == []
    _photo(path.parent / "x.jpg", None)
    assert new_album(tmp_path, settings(), "Hội thao")[1] == ["x.jpg"]
    assert [p["file"] for p in yaml.safe_load(path.read_text(encoding="utf-8"))["photos"]] == ["x.jpg"]


def test_periods() -> None:
    assert parse_period("1986-2000") == (1986, 2000)
    assert parse_period("1986 – 2000") == (1986, 2000)
    assert parse_period("1997") == (1997, 1997)
    assert parse_period("năm 86") is None
    assert guess_period("Giai đoạn 1954 – 1975") == (1954, 1975)
    assert guess_period("Mở đầu") is None


def test_new_chapter_refuses_an_address_another_chapter_has(tmp_path: Path) -> None:
    from kyniem.scaffold import EditorError, new_chapter, parse_period

    (tmp_path / "history").mkdir()
    settings = KyniemConfig()
    settings.load_dict({})
    settings.validate()
    first = new_chapter(tmp_path, settings, "Đổi mới", (1986, 2000))
    with pytest.raises(EditorError) as refused:
        new_chapter(tmp_path, settings, "ĐỔI MỚI", (1986, 2000))
    assert refused.value.problem.file == first.relative_to(tmp_path).as_posix()
    assert "/lich-su/doi-moi-1986-2000/" in refused.value.problem.message
    assert sorted(p.name for p in (tmp_path / "history").iterdir()) == [first.name]
    assert parse_period("2000-1990") is None and parse_period("1986 – 2000") == (1986, 2000)
