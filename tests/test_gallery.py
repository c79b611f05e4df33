"""Albums, gallery pages and chapter images, read from real folders and real photos."""

from __future__ import annotations

import html
import os
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from kyniem.config import KyniemConfig
from kyniem.content import Chapter
from kyniem.gallery import GALLERY_INDEX, Gallery, load_albums
from kyniem.problems import Report


def settings(**gallery: object) -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict({"gallery": {"widths": [16, 32, 48, 64], **gallery}})
    errors, _ = config.validate()
    assert not errors
    return config


def photo(path: Path, colour: tuple[int, int, int] = (30, 90, 160), taken: str | None = None,
          size: tuple[int, int] = (80, 60)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    Image.new("RGB", size, colour).save(path, "JPEG", quality=85, exif=exif)
    return path


def album_yml(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "album.yml").write_text(text, encoding="utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(markup)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


def built(root: Path, config: KyniemConfig | None = None, chapters: list[Chapter] | None = None) -> Gallery:
    gallery = Gallery(root, config or settings(), workers=1)
    gallery.build(chapters or [])
    return gallery


def pages_of(gallery: Gallery) -> dict[str, str]:
    """The gallery's pages with kyniem's own markup (the photo grids) back in its placeholders, as the site has it."""
    return {uri: gallery.trusted.restore(markdown, uri) for uri, markdown in gallery.pages().items()}


def codes(gallery: Gallery) -> list[str]:
    return [p.code for p in gallery.report.problems]


def test_album_order_metadata_and_index(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "dai-hoi-ix"
    for name in ("b.jpg", "a.jpg", "e.jpg"):
        photo(folder / name)
    photo(folder / "c.jpg", taken="2020:05:01 10:00:00")
    photo(folder / "d.jpg", taken="2019:05:01 10:00:00")
    album_yml(folder, 'title: "Đại hội IX"\ndate: 2022-02-15\ndescription: Ảnh minh họa\ncover: a.jpg\n'
                      "photos:\n  - file: b.jpg\n    caption: Thứ nhất\n  - file: a.jpg\n")
    older = tmp_path / "gallery" / "cu"
    photo(older / "x.jpg")
    album_yml(older, "title: Album cũ\ndate: 2021-01\n")
    gallery = built(tmp_path)
    assert gallery.report.problems == []
    album = gallery.albums[0]
    assert (album.slug, album.title, album.date) == ("dai-hoi-ix", "Đại hội IX", "2022-02-15")
    assert [p.name for p in album.photos] == ["b.jpg", "a.jpg", "d.jpg", "c.jpg", "e.jpg"]
    assert album.cover_photo is not None and album.cover_photo.name == "a.jpg"
    assert [a.slug for a in gallery.albums] == ["dai-hoi-ix", "cu"]
    pages = pages_of(gallery)
    assert set(pages) == {GALLERY_INDEX, "thu-vien-anh/dai-hoi-ix.md", "thu-vien-anh/cu.md"}
    index = pages[GALLERY_INDEX]
    assert index.index("Đại hội IX") < index.index("Album cũ")
    assert "15/02/2022 · 5 ảnh" in index and "01/2021 · 1 ảnh" in index
    assert 'href="dai-hoi-ix/"' in index


def test_generated_img_attributes(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "le"
    for n in range(6):
        photo(folder / f"p{n}.jpg", colour=(n * 40, 60, 90))
    album_yml(folder, "title: Lễ\nphotos:\n  - file: p0.jpg\n    caption: Chú thích\n    alt: Mô tả ảnh\n")
    gallery = built(tmp_path)
    page = pages_of(gallery)["thu-vien-anh/le.md"]
    tags = Tags(page)
    images, sources, links = tags.all("img"), tags.all("source"), tags.all("a")
    assert len(images) == len(sources) == 6
    for number, img in enumerate(images):
        assert (img["width"], img["height"]) == ("64", "48")
        assert img["decoding"] == "async"
        assert img["loading"] == ("eager" if number < 4 else "lazy")
        assert img["alt"]
        assert len(img["srcset"].split(",")) >= 3 and img["sizes"]
        assert img["src"].endswith(".jpg")
    assert images[0]["alt"] == "Mô tả ảnh" and images[1]["alt"] == "Lễ – ảnh 2"
    for source in sources:
        assert source["type"] == "image/webp" and len(source["srcset"].split(",")) >= 3
    boxes = [a for a in links if "glightbox" in a.get("class", "")]
    assert len(boxes) == 6 and {a["data-gallery"] for a in boxes} == {"le"}
    assert all(a["href"].endswith("-64.webp") for a in boxes)
    # Every URL in the page is a derivative the gallery will publish, relative to the page.
    urls = re.findall(r"(\.\./_anh/[^\s\",]+)", page)
    published = {uri.removeprefix("thu-vien-anh/") for uri in gallery.assets}
    assert urls and {u.removeprefix("../") for u in urls} <= published
    assert all(not uri.endswith("goc.jpg") for uri in gallery.assets)


def test_alt_comes_from_alt_else_the_caption(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "alt"
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        photo(folder / name)
    album_yml(folder, "title: Alt\nphotos:\n  - file: a.jpg\n    caption: Chú thích A\n    alt: Mô tả A\n"
                      "  - file: b.jpg\n    caption: Chú thích B\n  - file: c.jpg\n")
    tags = Tags(pages_of(built(tmp_path))["thu-vien-anh/alt.md"])
    assert [img["alt"] for img in tags.all("img")] == ["Mô tả A", "Chú thích B", "Alt – ảnh 3"]
    boxes = [a for a in tags.all("a") if "glightbox" in a.get("class", "")]
    assert [a["data-alt"] for a in boxes] == ["Mô tả A", "Chú thích B", "Alt – ảnh 3"]
    assert [a.get("data-title") for a in boxes] == ["Chú thích A", "Chú thích B", None]


def test_captions_are_escaped_for_html_and_for_the_lightbox(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "xss"
    photo(folder / "a.jpg")
    album_yml(folder, 'title: "<b>Tiêu đề</b> *đậm*"\ndescription: "<img src=x onerror=alert(1)>"\nphotos:\n'
                      '  - file: a.jpg\n    caption: "<script>alert(1)</script>"\n    credit: ".gslide"\n    date: 2021-09-20\n')
    gallery = built(tmp_path)
    # The front matter (page title, meta description) is the theme's to escape; the body is ours.
    page = pages_of(gallery)["thu-vien-anh/xss.md"].split("---\n", 2)[2]
    assert "<script>" not in page and "<b>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert r"\*đậm\*" in page
    link = next(a for a in Tags(page).all("a") if "glightbox" in a.get("class", ""))
    # GLightbox inserts data-title as HTML: after attribute decoding it must still be escaped text.
    assert link["data-title"] == "&lt;script&gt;alert(1)&lt;/script&gt;"
    # ...and a description starting with "." would be taken as a CSS selector. Credit, then date.
    assert link["data-description"] == "Ảnh: .gslide · 20/09/2021"
    assert "<script>" not in pages_of(gallery)[GALLERY_INDEX]


def test_paths_leaving_the_album_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "a"
    photo(folder / "ok.jpg")
    photo(folder / "Hoa.jpg")
    secret = photo(tmp_path / "secret.jpg")
    os.symlink(secret, folder / "link.jpg")
    album_yml(folder, "title: A\nphotos:\n  - file: ../../etc/passwd\n  - file: /etc/passwd\n"
                      "  - file: 'C:\\Windows\\win.ini'\n  - file: ../../secret.jpg\n  - file: sub/ok.jpg\n"
                      "  - file: khong-co.jpg\n  - file: hoa.jpg\n  - file: ok.jpg\n")
    gallery = built(tmp_path)
    problems = gallery.report.problems
    assert all(p.severity == "warning" for p in problems)
    by_line = {p.line: p for p in problems if p.file == "gallery/a/album.yml"}
    assert {n: by_line[n].code for n in range(3, 10)} == {
        3: "gallery-path", 4: "gallery-path", 5: "gallery-path", 6: "gallery-path", 7: "gallery-path",
        8: "gallery-missing", 9: "gallery-missing"}
    assert "có phải ý bạn là 'Hoa.jpg'" in by_line[9].message
    assert any(p.file == "gallery/a/link.jpg" and p.code == "gallery-path" for p in problems)
    names = [p.name for p in gallery.albums[0].photos]
    assert names == ["ok.jpg", "Hoa.jpg"]
    assert not any("secret" in str(path) for path in gallery.assets.values())


def test_linked_album_folder_and_album_yml_outside_are_refused(tmp_path: Path) -> None:
    private = tmp_path / "private"
    photo(private / "nha-rieng.jpg")
    (private / "passwd.yml").write_text("title: bí mật\n", encoding="utf-8")
    (tmp_path / "gallery").mkdir()
    os.symlink(private, tmp_path / "gallery" / "lien-ket")
    folder = tmp_path / "gallery" / "that"
    photo(folder / "a.jpg")
    photo(folder / "thu-muc.jpg" / "b.jpg")  # a folder whose name looks like a photo
    os.symlink(private / "passwd.yml", folder / "album.yml")
    gallery = built(tmp_path)
    found = {(p.file, p.code) for p in gallery.report.problems}
    assert found == {("gallery/lien-ket", "gallery-path"), ("gallery/that/album.yml", "gallery-path"),
                     ("gallery/that/thu-muc.jpg", "gallery-path")}
    assert [(a.slug, a.title, [p.name for p in a.photos]) for a in gallery.albums] == [("that", "that", ["a.jpg"])]
    assert not any("private" in str(path) for path in gallery.assets.values())


def test_yaml_alias_bomb_is_a_warning_and_the_album_still_builds(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "bom"
    photo(folder / "a.jpg")
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        lines.append(f"{chr(97 + n)}: &{chr(97 + n)} [{','.join([f'*{chr(96 + n)}'] * 9)}]")
    album_yml(folder, "\n".join(lines) + "\n")
    gallery = built(tmp_path)
    assert [p.severity for p in gallery.report.problems] == ["warning"]
    assert "tham chiếu (*tên)" in gallery.report.problems[0].message
    assert [p.name for p in gallery.albums[0].photos] == ["a.jpg"]


def test_names_differing_only_by_case_or_unicode_form(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "trung"
    nfc_name = unicodedata.normalize("NFC", "Ảnh lễ.jpg")
    nfd_name = unicodedata.normalize("NFD", "Ảnh lễ.jpg")
    for name, colour in ((nfc_name, (10, 10, 10)), (nfd_name, (200, 200, 200)), ("Hoa.jpg", (1, 2, 3)),
                         ("hoa.jpg", (4, 5, 6))):
        photo(folder / name, colour)
    assert len(list(folder.iterdir())) == 4  # Linux file systems keep all four names apart
    album_yml(folder, "title: Trùng tên\n")
    gallery = built(tmp_path)
    clashes = [p for p in gallery.report.problems if p.code == "gallery-name-clash"]
    assert len(clashes) == 2
    assert len(gallery.albums[0].photos) == 2


def test_bad_photos_are_reported_and_left_out(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "hong"
    photo(folder / "tot.jpg")
    (folder / "rong.jpg").write_bytes(b"")
    (folder / "van-ban.jpg").write_text("không phải ảnh", encoding="utf-8")
    data = (folder / "tot.jpg").read_bytes()
    (folder / "cat.jpg").write_bytes(data[: len(data) // 2])
    Image.new("RGB", (40, 30), (9, 9, 9)).save(folder / "png-that-bai.jpg", "PNG")
    (folder / "ghi-chu.txt").write_text("not a photo, not looked at", encoding="utf-8")
    album_yml(folder, "title: Hỏng\nphotos:\n  - file: rong.jpg\n    caption: Rỗng\n")
    gallery = built(tmp_path)
    found = {(p.file, p.code) for p in gallery.report.problems}
    assert found == {
        ("gallery/hong/rong.jpg", "image-empty"),
        ("gallery/hong/van-ban.jpg", "image-not-image"),
        ("gallery/hong/cat.jpg", "image-truncated"),
        ("gallery/hong/png-that-bai.jpg", "image-wrong-extension"),
    }
    assert sorted(p.name for p in gallery.albums[0].photos) == ["png-that-bai.jpg", "tot.jpg"]


def test_originals_are_offered_only_when_the_album_opts_in(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "goc"
    source = photo(folder / "a.jpg", size=(120, 90))
    album_yml(folder, "title: Gốc\noriginals: true\n")
    gallery = built(tmp_path)
    page = pages_of(gallery)["thu-vien-anh/goc.md"]
    originals = [uri for uri in gallery.assets if uri.endswith("-goc.jpg")]
    assert len(originals) == 1 and "Tải ảnh gốc" in page
    published = gallery.assets[originals[0]]
    assert published.read_bytes() != source.read_bytes()
    with Image.open(published) as image:
        assert image.size == (120, 90) and not image.getexif()


def chapter(root: Path, body: str) -> Chapter:
    path = root / "history" / "01-thanh-lap-1952-1954.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: Thành lập\n---\n" + body, encoding="utf-8")
    return Chapter(source="history/01-thanh-lap-1952-1954.md", path=path, slug="thanh-lap-1952-1954",
                   title="Thành lập", start=1952, end=1954, order=None, summary="", status="published",
                   events=[], sources=[], body=body, body_line=4)


def test_chapter_images_become_pictures_and_bad_ones_are_reported(tmp_path: Path) -> None:
    photo(tmp_path / "history" / "anh" / "le.jpg")
    photo(tmp_path / "outside.jpg")
    body = (
        "Đoạn mở đầu.\n\n"
        '![Lễ <kỷ niệm>](anh/le.jpg "Ảnh minh họa")\n\n'
        "Trong dòng ![nhỏ](anh/le.jpg) chữ.\n\n"
        "![thiếu](anh/khong-co.jpg)\n\n"
        "![ngoài](../../outside.jpg)\n\n"
        "![web](https://example.org/a.jpg)\n\n"
        "```\n![mã](anh/khong-co-trong-ma.jpg)\n```\n"
    )
    item = chapter(tmp_path, body)
    gallery = built(tmp_path, chapters=[item])
    assert {(p.line, p.code) for p in gallery.report.problems} == {(10, "image-missing"), (12, "image-path")}
    out = gallery.rewrite_chapter(body, item)
    tags = Tags(out)
    assert len(tags.all("picture")) == 2
    assert '<figure class="kn-figure">' in out and "<figcaption>Ảnh minh họa</figcaption>" in out
    assert tags.all("img")[0]["alt"] == "Lễ <kỷ niệm>" and "Lễ <kỷ" not in out
    assert all(img["loading"] == "lazy" for img in tags.all("img"))
    assert {a["data-gallery"] for a in tags.all("a")} == {"chuong-thanh-lap-1952-1954"}
    assert '<span class="kn-missing-image">thiếu</span>' in out
    assert "![web](https://example.org/a.jpg)" in out and "![mã](anh/khong-co-trong-ma.jpg)" in out
    assert all(uri.startswith("lich-su/_anh/le-") for uri in gallery.assets)
    src = html.unescape(tags.all("img")[0]["src"])
    assert src.startswith("../_anh/le-") and src.removeprefix("../") in {
        u.removeprefix("lich-su/") for u in gallery.assets}


def test_load_albums_without_the_pipeline(tmp_path: Path) -> None:
    folder = tmp_path / "gallery" / "khong-yml"
    photo(folder / "a.jpg")
    report = Report()
    albums = load_albums(tmp_path, settings(), report)
    assert [a.title for a in albums] == ["khong-yml"]
    assert [p.code for p in report.problems] == ["gallery-no-album-yml"]


def test_relative_urls_are_mkdocs_own(tmp_path: Path) -> None:
    """Photo links are worked out per folder once per page: the same URLs as MkDocs' get_relative_url."""
    from mkdocs.utils import get_relative_url

    gallery = Gallery(tmp_path, settings())
    files = ["thu-vien-anh/_anh/le-ky-niem/anh-01-0123456789-320.webp", "thu-vien-anh/_anh/a/b.jpg",
             "lich-su/_anh/thanh-lap-0123456789-640.jpg", "anh.webp", "thu-vien-anh/x.webp/y.webp"]
    pages = ["thu-vien-anh/le-ky-niem/", "thu-vien-anh/", "", "lich-su/thanh-lap/", "lich-su/thanh-lap.html",
             "thu-vien-anh/_anh/le-ky-niem/", "thu-vien-anh/x.webp/", "anh.webp/", "thu-vien-anh/_anh/a/b.jpg/"]
    for _ in range(2):  # the second time from what was worked out the first
        for page in pages:
            for uri in files:
                assert gallery._relative(uri, page) == get_relative_url(uri, page), (uri, page)
