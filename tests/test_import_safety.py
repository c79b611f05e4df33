"""Import that cannot corrupt silently: split legacy runs, Unicode in old fonts, leftovers named.

Word files are made here with python-docx, with the XML Word itself writes for what
python-docx cannot add (text boxes with their VML fallback, hyperlinks).
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.shared import Inches
from PIL import Image

from kyniem.cli import main
from kyniem.config import KyniemConfig
from kyniem.content import load_content
from kyniem.encoding import legacy_leftover, unicode_to_vni
from kyniem.importer import import_docx, sentence_case

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TEXT_BOX = (
    f'<w:r {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml">'
    '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:txbx>'
    '<w:txbxContent><w:p><w:r><w:t>Hộp chữ: Ban Chấp hành khóa I</w:t></w:r></w:p></w:txbxContent>'
    '</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Hộp chữ: Ban Chấp hành khóa I</w:t>'
    '</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
)


def settings() -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    return config


def _body(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return front, body


def _font_run(paragraph, text: str, font: str, bold: bool = False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.font.name = font
    run.bold = bold
    return run


def test_a_vni_word_split_between_runs_is_converted_whole(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Thành lập 1952 – 1954", level=1)
    paragraph = document.add_paragraph()
    vni = unicode_to_vni("Đảng bộ Khối được thành lập")
    assert vni.startswith("Ñaûng")
    # Word split the run inside the first word, once with a formatting change and once without.
    _font_run(paragraph, vni[:2], "VNI-Times", bold=True)
    _font_run(paragraph, vni[2:5], "VNI-Times", bold=True)
    _font_run(paragraph, vni[5:], "VNI-Times")
    path = tmp_path / "vni.docx"
    document.save(str(path))
    result = import_docx(path, tmp_path, settings())
    _, body = _body(result.chapter)
    assert "**Đảng** bộ Khối được thành lập" in body
    assert "Ña" not in body and "û" not in body
    assert result.problems == []


def test_unicode_text_in_a_legacy_font_is_left_alone(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Nhân vật 1952 – 1954", level=1)
    paragraph = document.add_paragraph()
    _font_run(paragraph, "đồng chí nguyên ", ".VnTime")
    _font_run(paragraph, "Bí thư", ".VnTime")  # no Unicode-only letter in this run alone
    paragraph = document.add_paragraph()
    _font_run(paragraph, "\xa7\xb6ng b\xe9", ".VnTime")  # real TCVN3 bytes: "Đảng bộ"
    path = tmp_path / "mix.docx"
    document.save(str(path))
    result = import_docx(path, tmp_path, settings())
    _, body = _body(result.chapter)
    assert "đồng chí nguyên Bí thư" in body
    assert "Đảng bộ" in body
    assert "chớ" not in body and "Bớ" not in body
    assert result.problems == []


def test_leftover_legacy_text_is_named_with_its_line_and_never_a_success(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - kyniem\n", encoding="utf-8")
    document = docx.Document()
    document.add_heading("Tư liệu 1952 – 1954", level=1)
    document.add_paragraph("Dòng đúng.")
    document.add_paragraph("Đaûng bộ Khối")  # half converted long ago, in a Unicode font
    path = tmp_path / "cu.docx"
    document.save(str(path))
    status = main(["import", str(path), "--project", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1
    chapter = next((tmp_path / "history").glob("*.md"))
    lines = chapter.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, 1) if "Đaûng" in line)
    assert f"history/{chapter.name}:{number}: lỗi: chữ \"Đaûng\" vẫn còn mã TCVN3/VNI" in out
    assert "status: draft" in lines
    # The build and kyniem check name it as well.
    status = main(["check", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1 and f"history/{chapter.name}:{number}: lỗi: chữ \"Đaûng\" còn là chữ TCVN3/VNI" in out


def test_captions_line_breaks_text_boxes_links_and_provenance(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("LỊCH SỬ ĐẢNG BỘ GIAI ĐOẠN 1952 – 1954", level=1)
    image = tmp_path / "anh.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 30, 30)).save(buffer, format="PNG")
    image.write_bytes(buffer.getvalue())
    document.add_picture(str(image), width=Inches(1))
    document.add_paragraph("Lễ thành lập Đảng bộ Khối, tháng 2/1952", style="Caption")
    paragraph = document.add_paragraph("Ban Chấp hành gồm:")
    paragraph.add_run().add_break()  # Shift+Enter
    paragraph.add_run("đồng chí Nguyễn Văn A;")
    paragraph.add_run().add_break()
    paragraph.add_run("đồng chí Trần Thị B.")
    paragraph._p.append(parse_xml(TEXT_BOX))
    linked = document.add_paragraph("Xem thêm ")
    rid = document.part.relate_to("https://example.org/tu-lieu?id=1&x=2", RT.HYPERLINK, is_external=True)
    linked._p.append(parse_xml(
        f'<w:hyperlink {W_NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        f'r:id="{rid}"><w:r><w:t>tư liệu gốc</w:t></w:r></w:hyperlink>'))
    linked.add_run(".")
    path = tmp_path / "day-du.docx"
    document.save(str(path))
    root = tmp_path / "site"
    root.mkdir()
    result = import_docx(path, root, settings())
    front, body = _body(result.chapter)
    assert 'title: "Lịch sử đảng bộ giai đoạn 1952 – 1954"' in front and "KIỂM TRA LẠI: tiêu đề" in front
    stem = result.chapter.stem
    caption = "Lễ thành lập Đảng bộ Khối, tháng 2/1952"
    assert f'![{caption}]({stem}/hinh-01.png "{caption}")' in body
    assert body.count(caption) == 2  # alt and title; not again as a paragraph
    assert "Ban Chấp hành gồm:  \nđồng chí Nguyễn Văn A;  \nđồng chí Trần Thị B." in body
    assert body.count("Hộp chữ: Ban Chấp hành khóa I") == 1
    assert "Xem thêm [tư liệu gốc](<https://example.org/tu-lieu?id=1&x=2>)." in body
    assert "sources: []" in front and "# Nguồn gốc (không in ra trang): nhập từ tệp Word day-du.docx" in front
    content = load_content(root, settings(), include_drafts=True)
    chapter = content.chapters[0]
    assert chapter.sources == [] and not [p for p in content.report.problems if p.file.startswith("history/")]


def test_sentence_case_and_leftover_detector() -> None:
    assert sentence_case("LỊCH SỬ ĐẢNG BỘ") == "Lịch sử đảng bộ"
    assert sentence_case("Lịch sử Đảng bộ") == "Lịch sử Đảng bộ"
    assert sentence_case("1952") == "1952"
    assert sentence_case("CHƯƠNG II. UBND VÀ HĐND TỈNH") == "Chương II. UBND và HĐND tỉnh"
    assert legacy_leftover("Đaûng bộ") == "Đaûng"
    assert legacy_leftover("Đảng bộ tØnh Hải Dương") == "tØnh"
    for fine in ("ông Müller ở Đức", "«Đảng» ta", "François Mitterrand thăm Hà Nội", "café"):
        assert legacy_leftover(fine) is None, fine


def test_fix_encoding_keeps_its_backup_where_git_ignores_it(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil
    import subprocess

    from kyniem.encoding import unicode_to_tcvn3

    root = tmp_path / "site"
    (root / "history").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: T\nplugins:\n  - kyniem\n", encoding="utf-8")
    shutil.copy(Path(__file__).resolve().parent.parent / ".gitignore", root / ".gitignore")
    text = '---\ntitle: "Cũ"\nperiod: [1952, 1954]\n---\nlịch sử đảng bộ khối các cơ quan tỉnh hải dương\n'
    original = unicode_to_tcvn3(text).encode("latin-1")
    chapter = root / "history" / "03-cu.md"
    chapter.write_bytes(original)
    assert main(["import", "--fix-encoding", str(chapter)]) == 0
    out = capsys.readouterr().out
    backup = root / ".cache" / "kyniem" / "sao-luu" / "history" / "03-cu.md.bak"
    assert backup.read_bytes() == original and backup.as_posix() in out
    assert chapter.read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (root / "history").iterdir()) == ["03-cu.md"]
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "."], check=True)
    staged = subprocess.run(["git", "-C", str(root), "diff", "--cached", "--name-only"], capture_output=True, text=True,
                            check=True).stdout.split()
    assert "history/03-cu.md" in staged and not any(name.endswith(".bak") for name in staged)


def test_a_caption_above_a_picture_becomes_its_caption(tmp_path: Path) -> None:
    """Word's "Hình 1: …" above a figure joins the picture after it; one already joined to the
    picture before it stays there, and a caption with no picture after it stays a paragraph."""
    document = docx.Document()
    document.add_heading("Lịch sử giai đoạn 1952 – 1954", level=1)
    red, blue = tmp_path / "do.png", tmp_path / "xanh.png"
    Image.new("RGB", (40, 30), (180, 30, 30)).save(red, format="PNG")
    Image.new("RGB", (40, 30), (30, 30, 180)).save(blue, format="PNG")
    document.add_paragraph("Hình 1: Trụ sở Đảng ủy Khối năm 1952", style="Caption")
    document.add_picture(str(red), width=Inches(1))
    document.add_picture(str(blue), width=Inches(1))
    document.add_paragraph("Hình 2: Hội nghị cán bộ năm 1953", style="Caption")  # below the second picture
    document.add_paragraph("Hình 3: Chú thích không có ảnh đi kèm", style="Caption")
    document.add_paragraph("Đoạn văn sau chú thích.")
    path = tmp_path / "chu-thich-tren.docx"
    document.save(str(path))
    root = tmp_path / "site"
    root.mkdir()
    result = import_docx(path, root, settings())
    _, body = _body(result.chapter)
    stem = result.chapter.stem
    first, second = "Hình 1: Trụ sở Đảng ủy Khối năm 1952", "Hình 2: Hội nghị cán bộ năm 1953"
    assert f'![{first}]({stem}/hinh-01.png "{first}")' in body, body
    assert f'![{second}]({stem}/hinh-02.png "{second}")' in body, body
    assert body.count(first) == 2 and body.count(second) == 2  # alt and title, never again as a paragraph
    assert "\n**Hình 3: Chú thích không có ảnh đi kèm**\n\nĐoạn văn sau chú thích." in body
