"""The ``kyniem`` command: output format, exit status, JSON, and messages instead of tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from kyniem.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _project(tmp_path: Path, options: str = "") -> Path:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Thử\nplugins:\n  - search\n  - kyniem:\n      founded: 1952-02-15\n" + options
        + "markdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:no.such.module\n",
        encoding="utf-8",
    )
    (tmp_path / "slogans").mkdir()
    (tmp_path / "slogans" / "slogans.yml").write_text('slogans:\n  - text: "Chào mừng"\n', encoding="utf-8")
    (tmp_path / "history").mkdir()
    return tmp_path


def test_check_text_output_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    (root / "history" / "01-a.md").write_text(
        '---\ntitle: "A"\nperiod: [1952, 1954]\nevents:\n  - date: "15/02/1952"\n    title: "B"\n---\n', encoding="utf-8"
    )
    assert main(["check", str(root)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'history/01-a.md:5: error: events[0].date: "15/02/1952" is not a date; write 1952-02-15'
    assert out[-1] == "kyniem check: 1 error, 0 warnings"


def test_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    (root / "history" / "01-a.md").write_text('---\ntitle: "A"\nperiod: [1930, 1954]\n---\n', encoding="utf-8")
    assert main(["check", str(root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"][0]["file"] == "history/01-a.md"
    assert data["problems"][0]["severity"] == "warning" and data["problems"][0]["line"] == 3


def test_default_site_has_no_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT)]) == 0, capsys.readouterr().out


def test_bad_settings_and_missing_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    root = _project(tmp_path / "a", "      anniversary: 15/02/2022\n")
    assert main(["check", str(root)]) == 1
    assert "mkdocs.yml: error: plugins → kyniem → anniversary" in capsys.readouterr().out
    empty = tmp_path / "b"
    empty.mkdir()
    assert main(["check", str(empty)]) == 1
    assert "no mkdocs.yml" in capsys.readouterr().out


def test_new_chapter_and_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert main(["new", "chapter", "Đổi mới", "--period", "1986-2000", "--project", str(root)]) == 0
    assert "Đã tạo history/01-doi-moi-1986-2000.md" in capsys.readouterr().out
    assert main(["new", "outline", "Đề cương", "--project", str(root)]) == 0
    assert main(["new", "outline", "Đề cương", "--project", str(root)]) == 1
    assert "already exists" in capsys.readouterr().out
    assert main(["new", "chapter", "Đổi mới", "--period", "86", "--project", str(root)]) == 1
    assert main(["check", str(root)]) == 0


def test_import_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    word = tmp_path / "chuong.docx"
    document = docx.Document()
    document.add_heading("Kháng chiến 1954 – 1960", level=1)
    document.add_paragraph("Nội dung.")
    document.save(str(word))
    assert main(["import", str(word), "--project", str(root)]) == 0
    assert "Đã tạo history/01-khang-chien-1954-1960.md" in capsys.readouterr().out
    old = tmp_path / "cu.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))
    assert main(["import", str(old), "--project", str(root)]) == 1
    assert "Save As" in capsys.readouterr().out
    text = tmp_path / "bai.txt"
    text.write_bytes("Lòch söû Ñaûng boä tænh Haûi Döông\n".encode("cp1252"))
    assert main(["import", "--fix-encoding", str(text)]) == 0
    assert text.read_text(encoding="utf-8") == "Lịch sử Đảng bộ tỉnh Hải Dương\n"


def test_console_script_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "kyniem.cli", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "check" in result.stdout and "import" in result.stdout
