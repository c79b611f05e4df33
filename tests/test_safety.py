"""Issue 10: nothing private leaves, nothing hostile runs, nothing is lost.

One real project with every hostile input of the issue, built once with the real
``mkdocs build`` under a private umask; each test asserts one outcome on what it published.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sitebuild import REPO, copy_project



def _books(site: Path) -> list[Path]:
    """The history book and its print-shop edition (their names come from the settings)."""
    books = sorted((site / "tai-ve").glob("lich-su-*.pdf"))
    assert books, "no book was built"
    return books


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        _Counter.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(REPO), **extra}


def _build(project: Path, site: Path, *args: str, umask: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site), *args],
        cwd=project, env=_env(**env), capture_output=True, text=True, timeout=900,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def _replace_front(path: Path, key: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, count = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    assert count == 1, key
    path.write_text(new, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("hostile")
    project = copy_project(base / "project")
    outside = base / "outside"
    outside.mkdir()
    Image.new("RGB", (40, 30), (0, 0, 255)).save(outside / "bi-mat.png")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    chapters = sorted((project / "history").glob("*.md"))
    first, second, third = chapters[:3]
    _replace_front(first, "title", '"Ra đời { onmouseover=alert(1) }"')
    _replace_front(first, "summary", '"Xem [x](javascript:alert(1)) và *in nghiêng*"')
    _replace_front(second, "title", '"Hội nghị cán bộ {mở rộng}"')
    with first.open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\n<p>Tệp: <a rel=\"attachment\" href=\"/etc/hostname\">hostname</a></p>\n\n"
            f"<p><img src=\"http://127.0.0.1:{port}/leak.png\" alt=\"mạng\"></p>\n\n"
            "<script>window.kyniemPwned = 1</script>\n\n"
            f"![Ảnh ngoài dự án]({outside / 'bi-mat.png'})\n\n"
            "Đoạn có thuộc tính { onclick=alert(2) }\n{ onclick=\"alert(3)\" }\n"
        )
    album = project / "gallery" / "anh-minh-hoa" / "album.yml"
    text = album.read_text(encoding="utf-8")
    album.write_text(text.replace('caption: "Ảnh minh họa số 1 (nội dung mẫu)"',
                                  "caption: \"<img src=x onerror=alert(1)>Ảnh 1\""), encoding="utf-8")
    (project / "docs" / "robots.txt").write_text("User-agent: *\nDisallow: /\n", encoding="utf-8")
    result = _build(project, project / "site", umask=0o077)
    server.shutdown()
    assert result.returncode == 0, result.stderr
    return {"project": project, "site": project / "site", "log": result.stderr, "requests": list(_Counter.requests),
            "first": first, "second": second}


class _Attributes(HTMLParser):
    """Every (tag, attribute, value) of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.found.extend((tag, name, value or "") for name, value in attrs)


def _parse(page: str) -> _Attributes:
    """The attributes of a page's article: what editors' content becomes (the theme's own head
    may use ``onload`` for its stylesheets; that is kyniem's code, not content)."""
    match = re.search(r"<article\b.*?</article>", page, re.S)
    parser = _Attributes()
    parser.feed(match.group(0) if match else page)
    return parser


def _page(site: Path, chapter: Path) -> str:
    slug = re.sub(r"^\d+-", "", chapter.stem)
    return (site / "lich-su" / slug / "index.html").read_text(encoding="utf-8")


def test_no_local_file_and_no_network_reach_the_book(hostile: dict) -> None:
    assert hostile["requests"] == []  # WeasyPrint asked the network for nothing
    log = hostile["log"]
    assert "không đọc địa chỉ 'http://127.0.0.1:" in log
    assert re.search(r"ảnh '[^']*bi-mat\.png' nằm ngoài các thư mục nội dung", log)
    for book in _books(hostile["site"]):
        reader = PdfReader(book)
        assert reader.attachments == {}
        assert b"/EmbeddedFile" not in book.read_bytes()
        for page in reader.pages:  # the 40×30 picture from outside the project is not printed
            for image in page.images:
                assert image.image.size != (40, 30)


def test_raw_html_script_and_event_handlers_do_not_reach_the_site(hostile: dict) -> None:
    page = _page(hostile["site"], hostile["first"])
    assert "kyniemPwned" not in page
    parsed = _parse(page)
    assert [a for a in parsed.found if a[1].startswith("on")] == []  # no event handler on any element
    assert [a for a in parsed.found if a[1] == "rel" and "attachment" in a[2]] == []
    assert [a for a in parsed.found if a[2].strip().lower().startswith("javascript:")] == []
    for removed in ("thẻ <script>", "thuộc tính rel= trong <a>", "thuộc tính onclick= trong <p>"):
        assert f"HTML không được phép đã bị bỏ khi xuất bản: {removed}" in hostile["log"]


def test_yaml_text_stays_text_everywhere(hostile: dict) -> None:
    site = hostile["site"]
    page = _page(site, hostile["first"])
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert heading and [a for a in _parse(heading.group(0)).found if a[1].startswith("on")] == []
    assert "{ onmouseover=alert(1) }" in html.unescape(re.sub(r"<[^>]+>", "", heading.group(1)))
    for path in (site / "lich-su" / "index.html", site / "bien-nien-su-kien" / "index.html", site / "index.html"):
        found = _parse(path.read_text(encoding="utf-8")).found
        assert [a for a in found if a[2].strip().lower().startswith("javascript:") or a[1].startswith("on")] == []
    index = (site / "lich-su" / "index.html").read_text(encoding="utf-8")
    assert "[x](javascript:alert(1))" in html.unescape(re.sub(r"<[^>]+>", "", index))
    second = _page(site, hostile["second"])
    assert "Hội nghị cán bộ {mở rộng}" in html.unescape(re.sub(r"<[^>]+>", "", second))
    assert "Hội nghị cán bộ {mở rộng}" in html.unescape(re.sub(r"<[^>]+>", "", index))


def test_album_caption_html_is_text_in_the_lightbox(hostile: dict) -> None:
    album = next((hostile["site"] / "thu-vien-anh").glob("*/index.html")).read_text(encoding="utf-8")
    found = _parse(album).found
    descriptions = [value for _, name, value in found if name in ("data-description", "data-title")]
    assert any("img src=x" in d for d in descriptions)
    assert not any("<img" in d for d in descriptions)  # GLightbox inserts the value as HTML
    assert [a for a in found if a[1].startswith("on")] == []


def test_the_editors_robots_txt_is_published_as_written(hostile: dict) -> None:
    assert (hostile["site"] / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow: /\n"


def test_site_files_are_world_readable_under_a_private_umask(hostile: dict) -> None:
    site = hostile["site"]
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    for path in site.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), path


@pytest.mark.skipif(os.geteuid() != 0, reason="serving as another user needs root")
def test_a_web_server_running_as_another_user_serves_every_thumbnail(hostile: dict) -> None:
    public = Path(tempfile.mkdtemp(prefix="kyniem-public-"))
    try:
        os.chmod(public, 0o755)
        site = public / "site"
        shutil.copytree(hostile["site"], site, copy_function=os.link)
        # The system's Python: the project's venv may sit in a folder only its owner can enter.
        python = "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable
        server = subprocess.Popen([python, "-m", "http.server", "0", "--bind", "127.0.0.1", "-d", str(site)],
                                  user="nobody", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            port = int(re.search(r"port (\d+)", line).group(1))
            thumbs = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.webp"))
            assert thumbs
            for rel in thumbs[:40]:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{rel}", timeout=10) as response:
                    assert response.status == 200
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(public, ignore_errors=True)


# --- Builds side by side, builds killed, identical rebuilds -----------------------------------------


def _snapshot(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_at_once_both_succeed_with_identical_bytes(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    env = {"SOURCE_DATE_EPOCH": "1644883200"}
    runs = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / name)],
                             cwd=project, env=_env(**env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            for name in ("a", "b")]
    errors = [run.communicate(timeout=900)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    first, second = _snapshot(tmp_path / "a"), _snapshot(tmp_path / "b")
    assert len(first) > 100 and first == second
    assert not list((project / ".cache").rglob(".tmp-kyniem-*"))
    # A third build alone reuses the cache and still gives the same bytes.
    third = _build(project, tmp_path / "c", **env)
    assert third.returncode == 0, third.stderr
    assert _snapshot(tmp_path / "c") == first


def _group_alive(pgid: int) -> bool:
    """True while a live (not zombie) process of the build's process group remains."""
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def test_a_build_killed_at_any_moment_leaves_the_previous_site_whole(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    site = project / "site"
    first = _build(project, site)
    assert first.returncode == 0, first.stderr
    before = _snapshot(site)
    chapter = sorted((project / "history").glob("*.md"))[0]
    for delay in (0.5, 1.5, 3.0):
        chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n\nĐoạn thêm {delay}.\n", encoding="utf-8")
        run = subprocess.Popen([sys.executable, "-m", "mkdocs", "build", "-d", str(site)], cwd=project, env=_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        if run.poll() is None:
            os.kill(run.pid, signal.SIGKILL)  # the build only: its workers must notice and stop
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _group_alive(run.pid):
            time.sleep(0.2)
        leftover = _group_alive(run.pid)
        if leftover:
            os.killpg(run.pid, signal.SIGKILL)
        assert not leftover, f"worker processes kept running after the build was killed at {delay} s"
        if run.returncode == 0:
            continue  # finished before the kill: the new site is whole by construction
        assert _snapshot(site) == before, f"killed after {delay} s"
    again = _build(project, site)
    assert again.returncode == 0, again.stderr
    deadline = time.monotonic() + 60  # the replaced site is removed behind the build (kyniem/store.py)
    while [p.name for p in project.iterdir() if p.name.startswith(".site")] and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p.name for p in project.iterdir() if p.name.startswith(".site")] == []
    assert not list((project / ".cache").rglob(".tmp-kyniem-*"))
