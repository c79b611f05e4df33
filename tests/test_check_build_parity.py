"""`kyniem check` names what the build names, from the same functions: raw HTML the policy removes,
links to the editor's own computer, images of docs/ that are not published, size bounds; each with
file and line in Vietnamese. Real files in a real project, checked and then built."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image
from sitebuild import build

from kyniem.cli import main

MKDOCS_YML = """site_name: Thử
theme: {name: material, language: vi, font: false}
markdown_extensions: [attr_list, md_in_html]
plugins:
  - kyniem:
      book: {enabled: false}
      banners: {enabled: false}
      offline: {enabled: false}
      limits: {chapter_kb: 4, word_file_mb: 1}
"""

PAGE = """\
---
title: Trang có HTML
---

<div onclick="alert(1)">Nội dung</div>

Xem [biên bản](C:\\Users\\ban\\bien-ban.docx) và [ảnh](file:///home/ban/anh.jpg).

<script>alert(2)</script>

```html
<script>trong khối mã thì không sao</script>
```

Trang chính thức: <https://example.org/ky-niem> và `<script>` trong dòng mã; [kế hoạch][tai-lieu].

[tai-lieu]: D:\\tai-lieu\\ke-hoach.pdf

<div class="grid" markdown>

Đoạn trong khối.

</div>

Đoạn có thuộc tính
{ onclick="alert(3)" }
"""

CHAPTER = """\
---
title: "Thành lập"
period: [1952, 1954]
---

Nội dung chương.

<iframe src="https://video.example/x"></iframe>
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    (root / "docs" / "anh").mkdir(parents=True)
    (root / "docs" / "tai-lieu").mkdir()
    (root / "history").mkdir()
    (root / "slogans").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "docs" / "trang.md").write_text(PAGE, encoding="utf-8")
    (root / "docs" / "dai.md").write_text("# Dài\n\n" + "Nội dung rất dài. " * 400, encoding="utf-8")
    Image.new("RGB", (20, 20), (200, 0, 0)).save(root / "docs" / "anh" / "ban-quet.tif")
    Image.new("RGB", (20, 20), (0, 200, 0)).save(root / "docs" / "anh" / "tot.png")
    (root / "docs" / "tai-lieu" / "ho-so.docx").write_bytes(os.urandom(1024 * 1024 + 100))
    (root / "history" / "01-thanh-lap-1952-1954.md").write_text(CHAPTER, encoding="utf-8")
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    return root


def test_check_and_build_name_the_same_findings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--format", "json", str(project)]) == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    found = {(p["file"], p["line"], p["code"]): p["message"] for p in problems}
    expected = [
        ("docs/trang.md", 5, "html-removed", "thuộc tính onclick= trong <div>"),
        ("docs/trang.md", 7, "local-path-link", "“C:\\Users\\ban\\bien-ban.docx”"),
        ("docs/trang.md", 7, "local-path-link", "“file:///home/ban/anh.jpg”"),
        ("docs/trang.md", 9, "html-removed", "thẻ <script>"),
        ("docs/trang.md", 17, "local-path-link", "“D:\\tai-lieu\\ke-hoach.pdf”"),
        ("docs/trang.md", 26, "html-removed", "thuộc tính onclick= trong <p>"),
        ("history/01-thanh-lap-1952-1954.md", 8, "html-removed", "thẻ <iframe>"),
        ("docs/anh/ban-quet.tif", None, "image-refused", "là ảnh TIFF"),
        ("docs/dai.md", None, "too-large", "limits.chapter_kb"),
        ("docs/tai-lieu/ho-so.docx", None, "word-too-large", "limits.word_file_mb"),
    ]
    for file, line, code, words in expected:
        assert any(words in p["message"] for p in problems if (p["file"], p["line"], p["code"]) == (file, line, code)), \
            (file, line, code, words, problems)
    # Code blocks, inline code and autolinks are not HTML the policy removes; a clean PNG is published.
    assert not [k for k in found if k[0] == "docs/trang.md" and k[1] in (12, 15, 19)], found
    assert not [k for k in found if k[0] == "docs/anh/tot.png"], found

    main(["check", str(project)])  # the plain report: file:line, in Vietnamese
    text = capsys.readouterr().out
    assert "docs/trang.md:9: cảnh báo: HTML không được phép đã bị bỏ khi xuất bản: thẻ <script>" in text, text

    result = build(project)
    log = result.stderr
    assert result.returncode == 1  # the long page stops the build, as check said (an error)
    assert "docs/dai.md: tệp dài 8 KB, quá giới hạn 4 KB" in log and "limits.chapter_kb" in log, log
    (project / "docs" / "dai.md").unlink()
    result = build(project)
    log = result.stderr
    assert result.returncode == 0, log
    for words in ("thuộc tính onclick= trong <div>", "thuộc tính onclick= trong <p>", "thẻ <script>", "thẻ <iframe>", "bien-ban.docx",
                  "file:///home/ban/anh.jpg", "ke-hoach.pdf", "docs/anh/ban-quet.tif: ảnh không được xuất bản"):
        assert words in log, (words, log[:3000])


def test_the_book_and_handouts_name_what_the_policy_and_the_fetcher_refuse(tmp_path: Path) -> None:
    """The PDFs go through the site's raw-HTML policy and the confined fetcher: each removal and each
    refused address is a named finding of the book or handout, on the file the editor wrote."""
    from kyniem import book
    from kyniem.cli import load_project
    from kyniem.content import load_content

    root = tmp_path / "p"
    (root / "docs").mkdir(parents=True)
    (root / "history").mkdir()
    (root / "slogans" / "outlines").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text("# Trang chủ\n", encoding="utf-8")
    (root / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (root / "history" / "01-thanh-lap-1952-1954.md").write_text(
        CHAPTER + '\n<p onmouseover="alert(1)">Đoạn văn.</p>\n\n<img src="https://example.org/anh.png" alt="ảnh mạng">\n',
        encoding="utf-8")
    (root / "slogans" / "outlines" / "de-cuong.md").write_text(
        '---\ntitle: "Đề cương tuyên truyền"\nstatus: published\n---\n\nNội dung.\n\n<script>alert(3)</script>\n\n'
        '<img src="http://127.0.0.1:9/leak.png" alt="mạng">\n', encoding="utf-8")
    project = load_project(root)
    content = load_content(project.root, project.settings, include_drafts=False, docs_dir=project.docs_dir)
    assert [p for p in content.report.problems if p.severity == "error"] == []

    result = book.build_book(content, project.settings, tmp_path / "sach.pdf")
    assert result is not None and (tmp_path / "sach.pdf").is_file()
    named = {(p.file, p.code, p.message.split(".")[0]) for p in result.problems}
    chapter = "history/01-thanh-lap-1952-1954.md"
    assert (chapter, "html-removed", "HTML không được phép đã bị bỏ khi xuất bản: thẻ <iframe>") in named, named
    assert (chapter, "html-removed",
            "HTML không được phép đã bị bỏ khi xuất bản: thuộc tính onmouseover= trong <p>") in named, named
    refused = [p for p in result.problems if p.code == "print-fetch-refused"]
    assert refused and "https://example.org/anh.png" in refused[0].message, result.problems

    (_, handout), = book.build_handouts(content, project.settings)
    outline = "slogans/outlines/de-cuong.md"
    assert any(p.file == outline and p.code == "html-removed" and "thẻ <script>" in p.message
               for p in handout.problems), handout.problems
    assert any(p.file == outline and p.code == "print-fetch-refused" and "http://127.0.0.1:9/leak.png" in p.message
               for p in handout.problems), handout.problems
