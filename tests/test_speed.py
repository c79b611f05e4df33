"""kyniem.speed and the downloads page's sizes, on real files and real built pages."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import brotli
import pytest
from fontTools.ttLib import TTFont

from kyniem import speed
from kyniem.offline import ZIP_NAME, drop_self_links
from kyniem.pages import add_sizes, format_size

LIGHTBOX_PAGE = (
    '<html><head><link rel=stylesheet href=x.css><link href=../assets/stylesheets/glightbox.min.css rel=stylesheet>'
    '<script src=../assets/javascripts/glightbox.min.js></script><style id=glightbox-style>.gslide{}</style>'
    "</head><body>BODY<script id=init-glightbox>const lightbox = GLightbox({});\n"
    "document$.subscribe(()=>{ lightbox.reload(); });</script></body></html>"
)


def test_pages_without_lightbox_pictures_carry_none_of_its_code() -> None:
    page = speed.trim_lightbox(LIGHTBOX_PAGE.replace("BODY", "<p>Chỉ có chữ.</p>"))
    assert "glightbox" not in page.lower() and "x.css" in page


def test_pages_with_lightbox_pictures_load_it_without_blocking() -> None:
    page = speed.trim_lightbox(LIGHTBOX_PAGE.replace("BODY", '<a class="glightbox" href="a.jpg"><img src="a.jpg"></a>'))
    assert '<script defer src=../assets/javascripts/glightbox.min.js>' in page
    assert 'glightbox.min.css rel=stylesheet media="print" onload="this.media=\'all\'">' in page
    assert 'document.addEventListener("DOMContentLoaded",function(){const lightbox' in page
    assert page.count("GLightbox(") == 1


def test_author_pictures_get_a_size() -> None:
    page = speed.size_avatars('<span class="md-author md-author--long"> <img src=a.svg alt="Ban"></span>')
    assert '<img width="48" height="48" src=a.svg' in page
    assert speed.size_avatars(page) == page


def test_inline_css_is_minified_in_order(tmp_path: Path) -> None:
    first = tmp_path / "a.css"
    second = tmp_path / "b.css"
    first.write_text("/* fonts */\n:root {\n  --x: 1px;\n}\n", encoding="utf-8")
    second.write_text(".a > .b ,\n.c { content: \" (\" attr(href) \")\"; }\n", encoding="utf-8")
    assert speed.inline_css([first, second]) == ':root{--x: 1px}\n.a>.b,.c{content: " (" attr(href) ")"}'


def test_inline_js_keeps_lines_and_drops_comments(tmp_path: Path) -> None:
    script = tmp_path / "a.js"
    script.write_text('/*\n * Why.\n */\n(function () {\n  var a = 1 /* one */\n\n  f(a)\n})()\n', encoding="utf-8")
    assert speed.inline_js(script) == "(function () {\nvar a = 1\nf(a)\n})()"
    script.write_text('document.write("</script>")\n', encoding="utf-8")
    with pytest.raises(ValueError):
        speed.inline_js(script)


def test_small_svg_as_data_uri(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg">\n  <circle fill="#b71c1c" aria-label="Kỷ niệm"/>\n</svg>\n',
                    encoding="utf-8")
    uri = speed.svg_data_uri(logo)
    assert uri == ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E %3Ccircle fill='%23b71c1c' "
                   "aria-label='K%E1%BB%B7 ni%E1%BB%87m'/%3E %3C/svg%3E")
    logo.write_text("<svg>" + " " * speed.INLINE_SVG_BYTES + "</svg>", encoding="utf-8")
    assert speed.svg_data_uri(logo) is None, "a large picture stays a file"
    assert speed.svg_data_uri(tmp_path / "missing.svg") is None
    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    assert speed.svg_data_uri(tmp_path / "logo.png") is None


def test_favicon_inline() -> None:
    uri = "data:image/svg+xml,%3Csvg/%3E"
    for link in ('<link rel=icon href=../assets/kyniem/favicon.svg>', '<link rel="icon" href="assets/kyniem/favicon.svg">'):
        page = f"<head>{link}<link rel=preload href=x.svg></head>"
        assert speed.inline_icon(page, "assets/kyniem/favicon.svg", uri) == (
            f'<head>{link[:link.index("href=") + 5]}"{uri}"><link rel=preload href=x.svg></head>'
        )
    other = "<link rel=icon href=../images/favicon.png>"
    assert speed.inline_icon(other, "assets/kyniem/favicon.svg", uri) == other


def test_web_fonts_cut_to_the_letters_shown(tmp_path: Path) -> None:
    fonts = Path(speed.__file__).parent / "assets" / "fonts"
    site = tmp_path / "site"
    site.mkdir()
    for face in speed.WEB_FONTS:
        (site / f"{face}.woff2").write_bytes((fonts / f"{face}.woff2").read_bytes())
    shown = set("<p>Đảng bộ Khối các cơ quan tỉnh Hải Dương, “70 năm”</p>")
    result = speed.fit_fonts(fonts, site, shown, tmp_path / "cache")
    assert result.files == 2 and result.after < result.before * 0.7, result
    for face in speed.WEB_FONTS:
        cmap = TTFont(io.BytesIO((site / f"{face}.woff2").read_bytes())).getBestCmap()
        assert {ord(c) for c in "ĐảơỉươăHD70“”"} <= set(cmap), "every letter shown"
        assert {ord(c) for c in "azAZ09@"} <= set(cmap), "and all of ASCII, for the search box"
        assert ord("ỹ") not in cmap and ord("Ẫ") not in cmap, "no letter the site does not show"
    kept = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert len(kept) == 2
    again = speed.fit_fonts(fonts, site, shown, tmp_path / "cache")
    assert again.after == result.after and sorted(p.name for p in (tmp_path / "cache").iterdir()) == kept
    speed.fit_fonts(fonts, site, shown | {"ỹ"}, tmp_path / "cache")
    assert len(list((tmp_path / "cache").iterdir())) == 4, "a new letter, new subsets"
    assert ord("ỹ") in TTFont(io.BytesIO((site / "BeVietnamPro-Regular.woff2").read_bytes())).getBestCmap()


def test_material_bundle_and_site_scripts_are_deferred() -> None:
    page = '<script src=../assets/javascripts/bundle.a5f9d56c.min.js></script><script src="x/bundle.js"></script>'
    assert speed.defer_bundle(page) == (
        '<script defer src=../assets/javascripts/bundle.a5f9d56c.min.js></script><script src="x/bundle.js"></script>'
    )
    script = speed.deferred("assets/kyniem/js/print-links.js")
    assert script.defer and script.path == "assets/kyniem/js/print-links.js"


def test_precompressed_copies_decode_to_the_file_and_are_reproducible(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text("<p>Kỷ niệm 70 năm Ngày thành lập Đảng bộ Khối</p>\n" * 200, encoding="utf-8")
    (tmp_path / "tiny.css").write_text("a{}", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8" + b"x" * 5000)
    result = speed.precompress(tmp_path)
    assert result.files == 1 and result.brotli < result.gzip < result.raw
    assert gzip.decompress((tmp_path / "index.html.gz").read_bytes()) == page.read_bytes()
    assert brotli.decompress((tmp_path / "index.html.br").read_bytes()) == page.read_bytes()
    assert not (tmp_path / "tiny.css.gz").exists() and not (tmp_path / "photo.jpg.gz").exists()
    first = (tmp_path / "index.html.gz").read_bytes()
    speed.precompress(tmp_path)
    assert (tmp_path / "index.html.gz").read_bytes() == first


def test_download_sizes_are_written_once_the_files_exist(tmp_path: Path) -> None:
    (tmp_path / "sach.pdf").write_bytes(b"%" * 83_036)
    page = (
        '<a href=sach.pdf download>Sách</a> <span class="ky-size" data-ky-file="sach.pdf"></span>'
        '<a href=ban.zip download>ZIP</a> <span class=ky-size data-ky-file=ban.zip></span>'
    )
    filled = add_sizes(page, tmp_path)
    assert '<span class="ky-size">(PDF, 83 KB)</span>' in filled
    assert "data-ky-file=ban.zip" in filled  # not made yet: the slot stays for later
    assert [format_size(n) for n in (512, 6_189_709, 999_499)] == ["512 B", "6,2 MB", "999 KB"]


def test_offline_pages_do_not_link_to_the_zip_they_come_in() -> None:
    page = (
        f'<li><a href=tai-ve/{ZIP_NAME} download>Toàn bộ trang web (tệp ZIP)</a>: giải nén</li>'
        f'<li><a href="{ZIP_NAME}" download>Trang web ngoại tuyến</a> <span class="ky-size">(ZIP, 6,2 MB)</span></li>'
        '<li><a href=sach.pdf download>Sách</a></li>'
    )
    result = drop_self_links(page)
    assert ZIP_NAME not in result and "6,2 MB" not in result and "<a href=sach.pdf download>" in result
    assert result.count("(bạn đang xem bản này)") == 2


def test_precompressed_copies_are_reused_from_the_cache(tmp_path: Path) -> None:
    """A warm build compresses only changed files; the others are the cached copies, linked in."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    page, other = site / "index.html", site / "album.html"
    page.write_text("<p>Kỷ niệm 70 năm</p>\n" * 300, encoding="utf-8")
    other.write_text("<figure>Ảnh minh họa</figure>\n" * 300, encoding="utf-8")
    first = speed.precompress(site, cache)
    cached = {p.name: p.stat().st_mtime_ns for p in cache.rglob("*.*") if p.suffix in (".gz", ".br")}
    assert first.files == 2 and len(cached) == 4
    page.write_text("<p>Kỷ niệm 70 năm, đã sửa</p>\n" * 300, encoding="utf-8")
    second = speed.precompress(site, cache)
    assert second.files == 2
    assert brotli.decompress((site / "index.html.br").read_bytes()) == page.read_bytes()
    assert gzip.decompress((site / "album.html.gz").read_bytes()) == other.read_bytes()
    # The unchanged page's copies were not made again; the changed page's old copies were dropped.
    after = {p.name: p.stat().st_mtime_ns for p in cache.rglob("*.*") if p.suffix in (".gz", ".br")}
    assert len(after) == 4 and len(set(after) & set(cached)) == 2
    assert all(after[name] == cached[name] for name in set(after) & set(cached))
    # The site's copies share nothing with the cache: writing into one (by hand, or a tool) leaves it whole.
    kept = {path: path.read_bytes() for path in cache.rglob("*.br")}
    with (site / "album.html.br").open("r+b") as handle:
        handle.write(b"changed")
    assert {path: path.read_bytes() for path in cache.rglob("*.br")} == kept


def test_compression_shared_among_workers_writes_the_same_copies(tmp_path: Path, monkeypatch) -> None:
    """A cold build of a large site compresses in worker processes: the copies are those one process makes."""
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    for n in range(6):
        (site / f"chuong-{n}.html").write_text(f"<p>Chương {n}: Đảng bộ Khối, {n * 7} năm</p>\n" * 400,
                                               encoding="utf-8")
    (site / "trung-lap.html").write_text((site / "chuong-0.html").read_text(encoding="utf-8"), encoding="utf-8")
    (site / "search" / "search_index.json").write_text('{"docs": []}' + " " * 5000, encoding="utf-8")
    monkeypatch.setattr(speed, "PARALLEL_BYTES", 0)  # workers even for this small site
    shared = speed.precompress(site, tmp_path / "cache")
    copies = {p.name: p.read_bytes() for p in site.rglob("*") if p.suffix in (".gz", ".br")}
    monkeypatch.setattr(speed, "COMPRESS_WORKERS", 1)
    alone = speed.precompress(site, tmp_path / "other-cache")
    assert shared == alone and shared.files == 7
    assert copies == {p.name: p.read_bytes() for p in site.rglob("*") if p.suffix in (".gz", ".br")}
    assert brotli.decompress(copies["trung-lap.html.br"]) == (site / "trung-lap.html").read_bytes()
    # Material's own index is never fetched by a reader (kyniem's search reads its chunks): no copies.
    assert not list((site / "search").glob("*.br")) and not list((site / "search").glob("*.gz"))


def test_search_files_are_compressed_at_the_quality_worth_their_time(tmp_path: Path) -> None:
    """An edit changes dozens of search chunks: Brotli 10 there (within 1 % of 11 on such codes), 11 for pages."""
    from kyniem.search import encode_ids

    site = tmp_path / "site"
    (site / "search" / "kyniem" / "words").mkdir(parents=True)
    chunk = site / "search" / "kyniem" / "words" / "ch.js"
    codes = [encode_ids([(n * 7919) % 3001, n % 17, (n * 31) % 257]) for n in range(3000)]
    chunk.write_text('kyniemSearchChunk("ch",{"words":["chương"],"text":["' + "".join(codes) + '"]});\n',
                     encoding="utf-8")
    page = site / "index.html"
    page.write_text("<p>Kỷ niệm 70 năm Ngày thành lập Đảng bộ Khối các cơ quan tỉnh</p>\n" * 300, encoding="utf-8")
    speed.precompress(site)
    for path, quality in ((chunk, 10), (page, 11)):
        packed = path.with_name(path.name + ".br").read_bytes()
        assert brotli.decompress(packed) == path.read_bytes()
        assert packed == brotli.compress(path.read_bytes(), quality=quality)
    data = chunk.read_bytes()
    assert len(brotli.compress(data, quality=10)) <= 1.01 * len(brotli.compress(data, quality=11))
