"""The ``kyniem`` command: output format, exit status, JSON, and messages instead of tracebacks."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml

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
    assert out[0] == 'history/01-a.md:5: lỗi: events[0].date: "15/02/1952" không phải là ngày; ghi 1952-02-15 (năm-tháng-ngày)'
    assert out[-1] == "kyniem check: 1 lỗi, 0 cảnh báo"


def test_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    (root / "history" / "01-a.md").write_text('---\ntitle: "A"\nperiod: [1930, 1954]\n---\n', encoding="utf-8")
    assert main(["check", str(root), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["problems"][0]["file"] == "history/01-a.md"
    assert data["problems"][0]["severity"] == "warning" and data["problems"][0]["line"] == 3
    assert (data["errors"], data["warnings"]) == (0, 1)


def test_default_site_has_no_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT)]) == 0, capsys.readouterr().out


def test_bad_settings_and_missing_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    root = _project(tmp_path / "a", "      anniversary: 15/02/2022\n")
    assert main(["check", str(root)]) == 1
    assert "mkdocs.yml: lỗi: plugins → kyniem → anniversary" in capsys.readouterr().out
    empty = tmp_path / "b"
    empty.mkdir()
    assert main(["check", str(empty)]) == 1
    assert "không có mkdocs.yml" in capsys.readouterr().out


def test_new_chapter_and_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert main(["new", "chapter", "Đổi mới", "--period", "1986-2000", "--project", str(root)]) == 0
    assert "Đã tạo history/01-doi-moi-1986-2000.md" in capsys.readouterr().out
    assert main(["new", "outline", "Đề cương", "--project", str(root)]) == 0
    assert main(["new", "outline", "Đề cương", "--project", str(root)]) == 1
    assert "tệp đã có" in capsys.readouterr().out
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


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="Biên tập", GIT_AUTHOR_EMAIL="bt@example.org", GIT_COMMITTER_NAME="Biên tập",
               GIT_COMMITTER_EMAIL="bt@example.org", PRE_COMMIT_HOME=str(repo.parent / "pre-commit-home"),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}")
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=False)


def test_pre_commit_hook_stops_a_commit_with_errors(tmp_path: Path) -> None:
    """The repository's own hook, installed with pre-commit as the guide says, run by a real git commit."""
    (tmp_path / "site").mkdir()
    root = _project(tmp_path / "site")
    shutil.copy(ROOT / ".pre-commit-config.yaml", root)
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)  # what scripts/setup.sh makes
    (root / ".gitignore").write_text(".venv\n", encoding="utf-8")
    assert _git(root, "init", "-q").returncode == 0
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=root, capture_output=True,
                               text=True, check=False)
    assert installed.returncode == 0, installed.stderr
    _git(root, "add", ".")
    first = _git(root, "commit", "-q", "-m", "Trang mới")
    assert first.returncode == 0, first.stdout + first.stderr

    chapter = root / "history" / "01-a.md"
    chapter.write_text('---\ntitle: "A"\nperiod: [1952, 1954]\nsumary: "x"\n---\n', encoding="utf-8")
    _git(root, "add", ".")
    refused = _git(root, "commit", "-q", "-m", "Chương lỗi")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "Traceback" not in output
    assert "history/01-a.md:4: lỗi: khóa 'sumary' không có trong mẫu; có phải ý bạn là 'summary'?" in output
    assert _git(root, "log", "--oneline").stdout.count("\n") == 1

    chapter.write_text('---\ntitle: "A"\nperiod: [1952, 1954]\nsummary: "x"\n---\n', encoding="utf-8")
    _git(root, "add", ".")
    fixed = _git(root, "commit", "-q", "-m", "Chương đúng")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "kyniem check" in fixed.stdout + fixed.stderr  # the hook ran, and passed


def test_workflow_checks_builds_with_the_repo_scripts_and_publishes_to_pages() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8"))
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert "scripts/setup.sh" in runs and "scripts/build.sh" in runs
    assert runs.index(".venv/bin/kyniem check") < runs.index("scripts/build.sh")
    for script in ("scripts/setup.sh", "scripts/build.sh"):
        assert os.access(ROOT / script, os.X_OK)
    uses = [step["uses"] for job in (build, deploy) for step in job["steps"] if "uses" in step]
    assert {u.split("@")[0] for u in uses} == {
        "actions/checkout", "actions/setup-python", "actions/upload-pages-artifact", "actions/configure-pages",
        "actions/deploy-pages", "actions/cache/restore", "actions/cache/save",
    }
    # kyniem's cache is restored before the build and saved after it, under a key from the content.
    names = [step.get("uses", step.get("run", "")).split("@")[0] for step in build["steps"]]
    assert names.index("actions/cache/restore") < names.index("scripts/build.sh") < names.index("actions/cache/save")
    restore = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache/restore"))
    assert restore["with"]["path"] == ".cache/kyniem"
    for folder in ("history/**", "gallery/**", "docs/**", "slogans/**", "people/**", "archive/**", "quiz/**",
                   "mkdocs.yml"):
        assert f"'{folder}'" in restore["with"]["key"]
    assert restore["with"]["restore-keys"] and restore["with"]["key"].startswith(restore["with"]["restore-keys"])
    assert all(re.fullmatch(r"[0-9a-f]{40}", u.split("@")[1]) for u in uses), uses  # pinned to a released commit
    assert next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))["with"]["path"] == "site"
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "pull_request" in deploy["if"] and "refs/heads/main" in deploy["if"]
    # `on:` is read by YAML 1.1 as True.
    assert workflow[True]["push"]["branches"] == ["main"] and "pull_request" in workflow[True]
    text = (ROOT / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    for version in ("v4.2.2", "v5.6.0", "v3.0.1", "v5.0.0", "v4.0.5", "v4.2.3"):
        assert f"# {version}" in text


def test_album_folder_outside_the_gallery_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "site").mkdir()
    root = _project(tmp_path / "site")
    outside = tmp_path / "anh-ngoai"
    assert main(["new", "album", "Ảnh", "--folder", str(outside), "--project", str(root)]) == 1
    out = capsys.readouterr().out
    assert "album là một thư mục nằm ngay trong gallery/" in out and "Traceback" not in out
    assert not outside.exists()
    assert main(["new", "album", "Lễ kỷ niệm", "--project", str(root)]) == 0
    assert capsys.readouterr().out == "Đã ghi gallery/le-ky-niem/album.yml (thêm 0 ảnh vào danh sách)\n"


def test_new_post_goes_where_the_blog_plugin_reads_posts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.cli import load_project

    assert load_project(ROOT).posts_dir == ROOT / "docs" / "tin-tuc" / "posts"
    root = _project(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - search\n", "  - search\n  - blog:\n      blog_dir: bao-chi\n"), encoding="utf-8")
    assert main(["new", "post", "Tin mới", "--project", str(root)]) == 0
    assert [p.parent for p in root.rglob("*tin-moi.md")] == [root / "docs" / "bao-chi" / "posts"]
