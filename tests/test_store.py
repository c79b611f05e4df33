"""kyniem/store.py: atomic writes, world-readable files, a cache shared by concurrent builds."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from kyniem import store
from processes import alive


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "w320.webp"
    store.write_bytes(target, b"old and whole")

    def crash(tmp: str) -> None:
        Path(tmp).write_bytes(b"half")
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        store.write_with(target, crash)
    assert target.read_bytes() == b"old and whole"
    assert [p.name for p in target.parent.iterdir()] == ["w320.webp"]


def test_written_files_are_0644_and_folders_0755_under_a_private_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        store.write_bytes(tmp_path / "a" / "b" / "thumb.webp", b"x")
        store.copy(tmp_path / "a" / "b" / "thumb.webp", tmp_path / "site" / "x" / "thumb.webp")
        (tmp_path / "site" / "private.txt").write_text("mkdocs wrote me")
        (tmp_path / "site" / "sub").mkdir()
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a" / "b" / "thumb.webp") == 0o644
    assert _mode(tmp_path / "a") == 0o755 and _mode(tmp_path / "a" / "b") == 0o755
    assert _mode(tmp_path / "site" / "x" / "thumb.webp") == 0o644
    assert _mode(tmp_path / "site" / "private.txt") == 0o600
    store.publishable_modes(tmp_path / "site")
    assert _mode(tmp_path / "site" / "private.txt") == 0o644
    assert _mode(tmp_path / "site" / "sub") == 0o755


def test_cleanup_waits_while_another_build_holds_the_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = cache / "book"
    store.write_bytes(folder / "old.pdf", b"used by the other build")
    store.write_bytes(folder / "new.pdf", b"ours")
    other = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from kyniem import store
            session = store.CacheSession({str(cache)!r}).open()
            print("holding", flush=True)
            sys.stdin.readline()
            session.close(clean=False)
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    try:
        assert other.stdout is not None and other.stdout.readline().strip() == "holding"
        with store.CacheSession(cache) as session:
            session.retain(folder, {"new.pdf"})
        assert (folder / "old.pdf").is_file()  # the other build may still need it
    finally:
        assert other.stdin is not None
        other.stdin.write("\n")
        other.stdin.close()
        other.wait(timeout=30)
    session = store.CacheSession(cache).open()
    session.retain(folder, {"new.pdf"})
    assert session.close() is True
    assert sorted(p.name for p in folder.iterdir()) == ["new.pdf"]


def test_temp_files_of_a_killed_build_are_removed_by_the_next_lone_build(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    left = cache / "images" / "objects" / "ab" / f"{store.TEMP_PREFIX}123.webp"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"half")
    with store.CacheSession(cache):
        pass
    assert not left.exists()


def test_site_swap_keeps_the_old_site_until_the_new_one_is_complete(tmp_path: Path) -> None:
    site = tmp_path / "site"
    store.write_text(site / "index.html", "old")
    swap = store.SiteSwap(site)
    staging = swap.start()
    store.write_text(staging / "index.html", "new")
    assert (site / "index.html").read_text() == "old"
    swap.finish()
    assert (site / "index.html").read_text() == "new"
    assert eventually_only(tmp_path, ["site"]), "the old site is removed (behind the build, see the next test)"


def eventually_only(folder: Path, names: list[str], seconds: float = 60) -> bool:
    """True once ``folder`` holds just ``names``: the replaced site is removed behind the build."""
    deadline = time.monotonic() + seconds
    while sorted(p.name for p in folder.iterdir()) != names:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_replaced_site_is_removed_behind_the_build_and_a_later_build_finishes_a_cut_removal(tmp_path: Path) -> None:
    site = tmp_path / "site"
    for number in range(300):  # photo sizes and tiles: thousands of files on a real site
        store.write_text(site / f"anh/{number % 7}/{number}.jpg", "cũ")
    swap = store.SiteSwap(site)
    store.write_text(swap.start() / "index.html", "mới")
    swap.finish()
    assert (site / "index.html").read_text(encoding="utf-8") == "mới" and not (site / "anh").exists()
    assert eventually_only(tmp_path, ["site"])
    # A removal cut short (the machine stopped): the next build removes what is left, unless it is
    # recent (a removal at work, the last build just ended), which it leaves to that removal.
    left = tmp_path / f"{swap.prefix}{os.getpid()}{store.OLD_SUFFIX}"
    store.write_text(left / "anh/1.jpg", "cũ")
    store.SiteSwap(site).start()
    assert left.exists(), "a removal at work is left alone"
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    store.SiteSwap(site).start()
    assert not left.exists(), "an old removal that stopped is finished"


def test_a_killed_builds_staging_folder_is_removed_and_a_failed_build_keeps_the_old_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    store.write_text(site / "index.html", "old")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".site.kyniem-{dead.stdout.strip()}"
    stale.mkdir()
    swap = store.SiteSwap(site)
    swap.start()
    assert not stale.exists()
    swap.abandon()
    assert (site / "index.html").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_site_dir_that_is_not_a_folder_is_refused_and_left_alone(tmp_path: Path, kind: str) -> None:
    """`mkdocs build -d /dev/null` once turned /dev/null into a folder: nothing but a folder is replaced."""
    target = tmp_path / "keep.txt"
    target.write_text("giữ nguyên", encoding="utf-8")
    site = tmp_path / "site"
    if kind == "file":
        site = target
    else:
        site.symlink_to(target)
    with pytest.raises(NotADirectoryError, match="không phải là thư mục"):
        store.SiteSwap(site).start()
    assert target.read_text(encoding="utf-8") == "giữ nguyên"
    assert not list(tmp_path.glob(".*kyniem-*")), "no staging folder is left"


def test_building_into_a_file_stops_with_a_message(tmp_path: Path) -> None:
    from sitebuild import build, copy_project

    project = copy_project(tmp_path / "project")
    target = tmp_path / "null"
    target.write_bytes(b"")
    result = build(project, "-d", str(target))
    assert result.returncode != 0
    assert "không phải là thư mục" in result.stderr and "Traceback" not in result.stderr
    assert target.is_file()


def test_run_apart_uses_one_worker_for_a_session_and_ends_it_with_the_session() -> None:
    here = os.getpid()
    assert store.run_apart(os.getpid) == here, "outside a session (scripts, tests): in this process"
    with store.apart():
        first, second = store.run_apart(os.getpid), store.run_apart(os.getpid)
        assert first == second != here, "one worker for the whole session"
        assert alive(first)
    assert not alive(first), "the worker, and the memory of what it loaded, left with the session"
    with pytest.raises(KeyError):
        with store.apart():
            worker = store.run_apart(os.getpid)
            raise KeyError("an error in the session")
    assert not alive(worker), "an error ends the worker too"


def test_a_worker_is_set_to_die_with_the_build_without_starting_a_process() -> None:
    # Looking the C library up by name would run ldconfig, a fork of the worker: for a moment a second copy
    # of it in the build's process tree.
    code = textwrap.dedent("""
        import ctypes, sys
        started = []
        sys.addaudithook(lambda event, args: started.append(event) if event in (
            "subprocess.Popen", "os.fork", "os.posix_spawn") else None)
        from kyniem import store
        store.die_with_parent()
        signal = ctypes.c_int()
        ctypes.CDLL(None).prctl(2, ctypes.byref(signal), 0, 0, 0)  # PR_GET_PDEATHSIG
        store.release_memory()
        print(len(started), signal.value)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "9"], "no process started; SIGKILL when the parent dies"


def test_json_written_piece_by_piece_is_the_text_json_dumps_gives(tmp_path: Path) -> None:
    data = {"source": "abc", "pages": {"lịch-sử/": [[0, 2, "x"], None, 1.5, True], "trống": {}, "rỗng": []},
            "chunks": {"ng": {"ngày": [1, 2, 3], "số": {"1": [1]}}, "khác": [{"a": "Đảng \"bộ\" \\ mới"}, []]},
            "numbers": {1: "a key that is not text"}, "nothing": None}
    target = tmp_path / "index.json"
    store.write_json(target, data)
    assert target.read_text(encoding="utf-8") == json.dumps(data, ensure_ascii=False)
    store.write_json(target, [1, "hai", {"ba": [4]}])
    assert target.read_text(encoding="utf-8") == json.dumps([1, "hai", {"ba": [4]}], ensure_ascii=False)
