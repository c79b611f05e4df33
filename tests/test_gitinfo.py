"""Last-updated dates of chapters from one git log call."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kyniem.gitinfo import last_updated, updated_line, vi_long_date


def _git(repo: Path, *args: str, date: str | None = None) -> None:
    env = dict(os.environ, GIT_AUTHOR_NAME="Biên tập", GIT_AUTHOR_EMAIL="bt@example.org",
               GIT_COMMITTER_NAME="Biên tập", GIT_COMMITTER_EMAIL="bt@example.org")
    if date:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"{date}T09:00:00+07:00"
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_dates_per_file_in_a_subfolder_project(tmp_path: Path) -> None:
    site = tmp_path / "site"
    history = site / "history"
    history.mkdir(parents=True)
    _git(tmp_path, "init", "-q")
    (history / "01-thanh-lap.md").write_text("a\n", encoding="utf-8")
    (history / "02-đổi-mới.md").write_text("b\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "first", date="2021-09-20")
    (history / "01-thanh-lap.md").write_text("a2\n", encoding="utf-8")
    _git(tmp_path, "commit", "-q", "-am", "second", date="2022-02-15")
    (history / "03-chua-luu.md").write_text("untracked\n", encoding="utf-8")

    dates = last_updated(site, "history")
    assert dates == {"history/01-thanh-lap.md": "2022-02-15", "history/02-đổi-mới.md": "2021-09-20"}
    assert updated_line(dates, "history/01-thanh-lap.md") == "Cập nhật lần cuối: 15 tháng 2 năm 2022"
    assert updated_line(dates, "history/03-chua-luu.md") is None


def test_no_repository_is_quiet(tmp_path: Path) -> None:
    (tmp_path / "history").mkdir()
    assert last_updated(tmp_path, "history") == {}
    assert last_updated(tmp_path / "missing", "history") == {}


def test_vi_long_date() -> None:
    assert vi_long_date("2026-11-27") == "27 tháng 11 năm 2026"
    assert vi_long_date("2026-11") == "2026-11"


def test_chapter_page_shows_the_date(tmp_path: Path) -> None:
    from kyniem.config import KyniemConfig
    from kyniem.content import load_content
    from kyniem.pages import LinkRewriter, chapter_page

    settings = KyniemConfig()
    settings.load_dict({})
    settings.validate()
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "01-thanh-lap.md").write_text('---\ntitle: "Thành lập"\nperiod: [1952, 1954]\n---\nNội dung.\n',
                                                         encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "chương", date="2026-11-27")
    content = load_content(tmp_path, settings, include_drafts=False)
    chapter = content.chapters[0]
    line = updated_line(last_updated(tmp_path, "history"), chapter.source)
    page = chapter_page(chapter, None, None, LinkRewriter(content, tmp_path / "docs"), updated=line)
    assert "Cập nhật lần cuối: 27 tháng 11 năm 2026\n{ .ky-updated }" in page
