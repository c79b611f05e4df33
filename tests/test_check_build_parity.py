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
        ("history/01-thanh-lap-1952-1954.md", 8, "html-removed", "thẻ <iframe>"),
        ("docs/anh/ban-quet.tif", None, "image-refused", "là ảnh TIFF"),
        ("docs/dai.md", None, "too-large", "limits.chapter_kb"),
        ("docs/tai-lieu/ho-so.docx", None, "word-too-large", "limits.word_file_mb"),
    ]
    for file, line, code, words in expected:
        assert any(words in p["message"] for p in problems if (p["file"], p["line"], p["code"]) == (file, line, code)), \
            (file, line, code, words, problems)
    # Code blocks, inline code and autolinks are not HTML the policy removes; a clean PNG is published.
    assert not [k for k in found if k[0] == "docs/trang.md" and k[1] in (12, 15)], found
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
    for words in ("thuộc tính onclick= trong <div>", "thẻ <script>", "thẻ <iframe>", "bien-ban.docx",
                  "file:///home/ban/anh.jpg", "ke-hoach.pdf", "docs/anh/ban-quet.tif: ảnh không được xuất bản"):
        assert words in log, (words, log[:3000])
