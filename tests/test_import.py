"""``kyniem import``: .docx files built here with python-docx become chapters."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches
from PIL import Image

from kyniem.config import KyniemConfig
from kyniem.content import load_content
from kyniem.encoding import unicode_to_tcvn3, unicode_to_vni
from kyniem.importer import ImportFailed, fix_encoding_file, import_docx, legacy_font

FOOTNOTES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">Văn kiện Đại hội, tr. 12.</w:t></w:r></w:p></w:footnote>'
    "</w:footnotes>"
)


def settings() -> KyniemConfig:
    config = KyniemConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    return config


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _add_footnote(document: docx.document.Document, paragraph: docx.text.paragraph.Paragraph) -> None:
    part = Part(
        PackURI("/word/footnotes.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
        FOOTNOTES_XML.encode("utf-8"),
        document.part.package,
    )
    document.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes")
    run = paragraph.add_run()
    reference = OxmlElement("w:footnoteReference")
    reference.set(qn("w:id"), "1")
    run._r.append(reference)


def build_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Thời kỳ đổi mới 1986 – 2000", level=1)
    document.add_heading("Bối cảnh", level=2)
    paragraph = document.add_paragraph("Đảng bộ Khối ")
    paragraph.add_run("lãnh đạo").bold = True
    paragraph.add_run(" công cuộc ")
    paragraph.add_run("đổi mới").italic = True
    paragraph.add_run(" với *dấu sao*.")
    _add_footnote(document, paragraph)
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Mục thứ nhất", style="List Bullet")
    document.add_paragraph("Mục thứ hai", style="List Bullet")
    document.add_paragraph("Bước một", style="List Number")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Năm", "Sự kiện"
    table.cell(1, 0).text, table.cell(1, 1).text = "1986", "Đại hội | VI"
    image_path = path.parent / "anh.png"
    image_path.write_bytes(_png())
    document.add_picture(str(image_path), width=Inches(1))
    document.add_paragraph("1986. Năm bắt đầu đổi mới.")
    document.save(str(path))


def test_docx_becomes_a_valid_chapter(tmp_path: Path) -> None:
    source = tmp_path / "chuong.docx"
    build_docx(source)
    root = tmp_path / "site"
    root.mkdir()
    result = import_docx(source, root, settings())
    assert result.chapter == root / "history" / "01-thoi-ky-doi-moi-1986-2000.md"
    text = result.chapter.read_text(encoding="utf-8")
    assert 'title: "Thời kỳ đổi mới 1986 – 2000"' in text
    assert "# KIỂM TRA LẠI: giai đoạn đoán từ các năm trong tiêu đề.\nperiod: [1986, 2000]" in text
    assert "\n## Bối cảnh\n" in text
    assert "Đảng bộ Khối **lãnh đạo** công cuộc *đổi mới* với \\*dấu sao\\*.[^1]" in text
    assert "[^1]: Văn kiện Đại hội, tr. 12." in text
    assert "- Mục thứ nhất\n- Mục thứ hai\n\n1. Bước một" in text
    assert "| Năm | Sự kiện |\n| --- | --- |\n| 1986 | Đại hội \\| VI |" in text
    assert "![](01-thoi-ky-doi-moi-1986-2000/hinh-01.png)" in text
    assert "1986\\. Năm bắt đầu đổi mới." in text
    image = root / "history" / "01-thoi-ky-doi-moi-1986-2000" / "hinh-01.png"
    assert result.images == [image]
    with Image.open(image) as picture:
        assert picture.size == (40, 30)
    assert any("mô tả (alt)" in note for note in result.notes)

    content = load_content(root, settings(), include_drafts=True)
    chapter = next(c for c in content.chapters)
    assert (chapter.title, chapter.start, chapter.end, chapter.status) == ("Thời kỳ đổi mới 1986 – 2000", 1986, 2000, "draft")
    assert not [p for p in content.report.problems if p.file.startswith("history/")]



def test_import_refuses_to_overwrite(tmp_path: Path) -> None:
    source = tmp_path / "chuong.docx"
    build_docx(source)
    history = tmp_path / "history"
    left_over = history / "01-thoi-ky-doi-moi-1986-2000" / "hinh-01.png"
    left_over.parent.mkdir(parents=True)
    left_over.write_bytes(b"anh cu")
    with pytest.raises(ImportFailed) as caught:
        import_docx(source, tmp_path, settings())
    assert "đã có chương mang tên này" in caught.value.problem.message
    assert left_over.read_bytes() == b"anh cu"
    assert list(history.glob("*.md")) == []


def test_tcvn3_and_vni_fonts_are_converted(tmp_path: Path) -> None:
    document = docx.Document()
    title = document.add_paragraph(style="Title")
    run = title.add_run(unicode_to_tcvn3("lịch sử đảng bộ", capitals=True))
    run.font.name = ".VnTimeH"
    body = document.add_paragraph()
    legacy = body.add_run(unicode_to_tcvn3("Đảng bộ Khối được thành lập năm 1952, ngày 15 tháng 2."))
    legacy.font.name = ".VnTime"
    vni = body.add_run(" " + unicode_to_vni("Ủy ban nhân dân tỉnh Hải Dương."))
    vni.font.name = "VNI-Times"
    body.add_run(" Unicode giữ nguyên: ảnh.")
    path = tmp_path / "cu.docx"
    document.save(str(path))
    root = tmp_path / "site"
    result = import_docx(path, root, settings(), period=(1952, 1954))
    text = result.chapter.read_text(encoding="utf-8")
    assert 'title: "Lịch sử đảng bộ"\n# KIỂM TRA LẠI: tiêu đề' in text
    assert "Đảng bộ Khối được thành lập năm 1952, ngày 15 tháng 2. Ủy ban nhân dân tỉnh Hải Dương. Unicode giữ nguyên: ảnh." in text
    assert "period: [1952, 1954]" in text
    assert any(".VnTime (TCVN3)" in note and "VNI-Times (VNI)" in note for note in result.notes)


def test_mojibake_in_a_unicode_font_is_fixed(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Khởi đầu", level=1)
    document.add_paragraph("LÞch sö §¶ng bé Khèi c¸c c¬ quan")
    path = tmp_path / "dan.docx"
    document.save(str(path))
    result = import_docx(path, tmp_path, settings(), period=(1952, 1960))
    assert "Lịch sử Đảng bộ Khối các cơ quan" in result.chapter.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Word 97–2003"),
        ("hong.docx", b"PK\x03\x04 not really a zip", "tệp bị hỏng"),
        ("bai.pdf", b"%PDF-1.4", "không nhập được dạng tệp '.pdf'"),
        ("khong-co.docx", None, "không có tệp này"),
    ],
)
def test_bad_files_get_a_message_and_nothing_is_written(tmp_path: Path, name: str, data: bytes | None, message: str) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    root = tmp_path / "site"
    with pytest.raises(ImportFailed) as caught:
        import_docx(path, root, settings())
    assert message in caught.value.problem.message
    assert not (root / "history").exists()


def test_legacy_font_names() -> None:
    assert legacy_font(".VnTime") == "tcvn3"
    assert legacy_font(".VnTimeH") == "tcvn3-caps"
    assert legacy_font(".VnArial Narrow") == "tcvn3"
    assert legacy_font("VNI-Times") == "vni"
    assert legacy_font("Times New Roman") is None
    assert legacy_font(None) is None


def test_fix_encoding_tcvn3_bytes_keeps_a_backup(tmp_path: Path) -> None:
    original = unicode_to_tcvn3("lịch sử đảng bộ khối các cơ quan tỉnh hải dương\n").encode("latin-1")
    path = tmp_path / "bai.txt"
    path.write_bytes(original)
    message = fix_encoding_file(path)
    assert "TCVN3 (ABC)" in message
    assert path.read_text(encoding="utf-8") == "lịch sử đảng bộ khối các cơ quan tỉnh hải dương\n"
    assert (tmp_path / "bai.txt.bak").read_bytes() == original
    assert "không thay đổi" in fix_encoding_file(path)
    assert not (tmp_path / "bai.txt.1.bak").exists()


def test_fix_encoding_mojibake_lines_to_new_file(tmp_path: Path) -> None:
    path = tmp_path / "chuong.md"
    path.write_text("# Lịch sử\n\nLòch söû Ñaûng boä\n", encoding="utf-8")
    output = tmp_path / "chuong-unicode.md"
    fix_encoding_file(path, output)
    assert output.read_text(encoding="utf-8") == "# Lịch sử\n\nLịch sử Đảng bộ\n"
    assert path.read_text(encoding="utf-8") == "# Lịch sử\n\nLòch söû Ñaûng boä\n"
    with pytest.raises(ImportFailed):
        fix_encoding_file(path, output)


def test_fix_encoding_refuses_word_files(tmp_path: Path) -> None:
    path = tmp_path / "a.docx"
    docx.Document().save(str(path))
    with pytest.raises(ImportFailed):
        fix_encoding_file(path)


ENDNOTES_XML = FOOTNOTES_XML.replace("footnote", "endnote").replace("Văn kiện Đại hội, tr. 12.", "Lưu trữ tỉnh, hồ sơ 5.")


def test_endnotes_nested_lists_and_page_breaks(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Kháng chiến 1954 – 1960", level=1)
    paragraph = document.add_paragraph("Theo hồ sơ lưu trữ.")
    part = Part(PackURI("/word/endnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml",
                ENDNOTES_XML.encode("utf-8"), document.part.package)
    document.part.relate_to(part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes")
    reference = OxmlElement("w:endnoteReference")
    reference.set(qn("w:id"), "1")
    paragraph.add_run()._r.append(reference)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Cấp trên", style="List Bullet")
    document.add_paragraph("Cấp dưới", style="List Bullet 2")
    document.add_paragraph("Sau ngắt trang.")
    path = tmp_path / "chuong.docx"
    document.save(str(path))
    text = import_docx(path, tmp_path, settings()).chapter.read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert "Theo hồ sơ lưu trữ.[^1]" in body and "[^1]: Lưu trữ tỉnh, hồ sơ 5." in body
    assert "- Cấp trên\n    - Cấp dưới\n" in body
    assert "\f" not in body and "\n\n\n" not in body
    assert body.index("Cấp trên") < body.index("Sau ngắt trang.") < body.index("[^1]:")


def test_fix_encoding_that_cannot_decode_the_whole_file_changes_nothing(tmp_path: Path) -> None:
    """The encoding is guessed from the start of a big file; a later byte it cannot hold stops the conversion."""
    original = ("Café crème, Genève.\n" * 12_000).encode("cp1252") + b"\x81\n"
    path = tmp_path / "cu.txt"
    path.write_bytes(original)
    with pytest.raises(ImportFailed) as caught:
        fix_encoding_file(path)
    assert "không thay đổi gì" in caught.value.problem.message
    assert path.read_bytes() == original and list(tmp_path.iterdir()) == [path]
