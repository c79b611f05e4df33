"""Files on disk: atomic writes, the shared cache and its cleanup, the site swapped in whole.

Every file kyniem writes goes through this module, so three promises hold everywhere:

* **nothing half-written**: a file is written to a temporary name in its own folder
  and renamed over the target, so a reader (or a build killed with ``kill -9``) sees
  the old file or the whole new one;
* **readable by the web server**: files are 0644 and folders 0755 whatever the umask
  (``mkstemp`` alone would make them private, and a server running as another user
  would answer 404);
* **builds side by side**: a build holds a shared lock on the cache folder for its
  whole run; entries it no longer needs are removed only at its end, and only when
  it can take the lock alone (no other build is running). Otherwise cleanup waits
  for a later build. Temporary files left by a killed build are removed then too.

The site itself is built in a hidden sibling folder and swapped in at the end
(:class:`SiteSwap`), so the previous site stays whole until the new one is complete.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import json
import multiprocessing
import multiprocessing.connection
import multiprocessing.context
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import IO, Any, TypeVar

_T = TypeVar("_T")

try:
    import fcntl
except ImportError:  # Windows: builds there are an editor's own; the cache is never pruned (see _lock)
    fcntl = None  # type: ignore[assignment]

FILE_MODE = 0o644
DIR_MODE = 0o755
TEMP_PREFIX = ".tmp-kyniem-"
LOCK_NAME = ".lock"


# --- Atomic writes ----------------------------------------------------------------------------


def _mkdir(folder: Path) -> None:
    """Create ``folder`` and its parents as 0755 whatever the umask."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    folder.mkdir(parents=True, exist_ok=True)
    for made in missing:
        try:
            os.chmod(made, DIR_MODE)
        except OSError:
            pass  # made and removed by someone else meanwhile


def write_with(target: Path, write: Callable[[str], object]) -> None:
    """Let ``write`` fill a temporary path, then put it at ``target`` (0644) in one rename."""
    target = Path(target)
    _mkdir(target.parent)
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=target.suffix)
    os.close(handle)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def scratch_folder(near: Path) -> Iterator[Path]:
    """A private folder for intermediate files, inside ``near`` (same file system as the result),
    removed afterwards; one that a killed build leaves behind goes with the cache's temporaries."""
    _mkdir(Path(near))
    folder = Path(tempfile.mkdtemp(dir=near, prefix=TEMP_PREFIX))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_bytes(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` atomically (see :func:`write_with`)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"write_bytes needs bytes, not {type(data).__name__}")
    write_with(target, lambda tmp: Path(tmp).write_bytes(data))


def write_text(target: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    write_bytes(target, text.encode("utf-8"))


def write_json(target: Path, data: object) -> None:
    """Write ``data`` as UTF-8 JSON to ``target`` atomically, the same text as ``json.dumps``, encoded piece by
    piece: the whole text of a large one (the search index's parts, 20 MB at 1,000 chapters) is never in memory
    at once. Each piece (the values two levels down) goes through the C encoder: ``json.dump`` to a file uses
    the pure-Python one, ten times slower (1.7 s of an edit build's 2.5 s search index at 300 chapters)."""
    def dump(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as out:
            _write_pieces(out, data, 2)

    write_with(target, dump)


def _write_pieces(out: IO[str], value: object, depth: int) -> None:
    if depth and isinstance(value, dict) and all(isinstance(key, str) for key in value):
        out.write("{")
        for index, (key, item) in enumerate(value.items()):
            out.write(f"{', ' if index else ''}{json.dumps(key, ensure_ascii=False)}: ")
            _write_pieces(out, item, depth - 1)
        out.write("}")
    elif depth and isinstance(value, list):
        out.write("[")
        for index, item in enumerate(value):
            if index:
                out.write(", ")
            _write_pieces(out, item, depth - 1)
        out.write("]")
    else:
        out.write(json.dumps(value, ensure_ascii=False))


def copy(source: Path, target: Path) -> None:
    """Place ``source``'s bytes at ``target`` atomically: a hard link when possible, else a copy.

    A hard link shares the cache file's inode; cache files are never rewritten in place
    (always replaced by rename), so the site's copy can never change under a reader.
    """
    target = Path(target)
    if os.stat(source).st_mode & 0o7777 == FILE_MODE:
        try:  # the usual case, a fresh site folder: one call, and the name appears with the whole file
            os.link(source, target)
            return
        except FileNotFoundError:  # its folder is not there yet (looked for only now: thousands of photos)
            _mkdir(target.parent)
            try:
                os.link(source, target)
                return
            except OSError:
                pass
        except OSError:
            pass  # the name exists (replaced below), or no links here (copied below)
    _mkdir(target.parent)
    tmp = target.parent / f"{TEMP_PREFIX}{os.getpid()}-{target.name}"
    tmp.unlink(missing_ok=True)
    try:
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def copy_all(pairs: Iterable[tuple[Path, Path]]) -> int:
    """:func:`copy` for many files at once (thousands of photo sizes): plain strings, each folder
    made once, and one ``stat`` and one ``link`` per file in the usual case; returns how many."""
    made: set[str] = set()
    count = 0
    for source, target in pairs:
        count += 1
        src, dst = os.fspath(source), os.fspath(target)
        folder = os.path.dirname(dst)
        if folder not in made:
            _mkdir(Path(folder))
            made.add(folder)
        try:
            if os.stat(src).st_mode & 0o7777 == FILE_MODE:
                os.link(src, dst)
                continue
        except OSError:
            pass  # the name exists, the source is missing, or no links here: copy() says or does it
        copy(Path(src), Path(dst))
    return count


def publishable_modes(folder: Path) -> None:
    """Make every file under ``folder`` 0644 and every folder 0755 (what a web server needs).

    Folders are read with ``scandir``, whose entries know links without a ``stat`` each."""
    os.chmod(folder, DIR_MODE)
    stack = [os.fspath(folder)]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    os.chmod(entry.path, DIR_MODE)
                    stack.append(entry.path)
                elif not entry.is_symlink():
                    os.chmod(entry.path, FILE_MODE)


# --- The cache --------------------------------------------------------------------------------


def _lock(fd: int, exclusive: bool = False) -> bool:
    """A shared lock (waits), or an exclusive one if free at once; False when not taken. Without
    ``fcntl`` (Windows) no exclusive lock is ever taken, so no build prunes what another may use."""
    if fcntl is None:
        return not exclusive
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if exclusive else fcntl.LOCK_SH)
    except BlockingIOError:
        return False
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class CacheSession:
    """One build's hold on the cache folder: a shared lock, and the entries it used.

    Modules say which entries of a cache folder they still need with :func:`retain`;
    :meth:`close` removes the others, but only when no other build holds the lock.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._retained: dict[Path, tuple[set[str], int]] = {}
        self._fd: int | None = None

    def open(self) -> "CacheSession":
        _mkdir(self.root)
        self._fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, FILE_MODE)
        _lock(self._fd)
        _ACTIVE[self.root.resolve()] = self
        return self

    def retain(self, folder: Path, names: Iterable[str], depth: int = 1) -> None:
        """Keep these entries of ``folder`` (names at ``depth`` levels down); the rest may go."""
        folder = Path(folder)
        kept, _ = self._retained.get(folder, (set(), depth))
        kept.update(names)
        self._retained[folder] = (kept, depth)

    def close(self, clean: bool = True) -> bool:
        """Release the lock; first prune unused entries if this build is alone. True if pruned."""
        if self._fd is None:
            return False
        pruned = False
        try:
            # Not alone: another build is running and may use what we would remove.
            if clean and _lock(self._fd, exclusive=True):
                for folder, (kept, depth) in self._retained.items():
                    _prune(folder, kept, depth)
                _remove_temporaries(self.root)
                pruned = True
        finally:
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None
            _ACTIVE.pop(self.root.resolve(), None)
            self._retained.clear()
        return pruned

    def __enter__(self) -> "CacheSession":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close(clean=exc[0] is None)


_ACTIVE: dict[Path, CacheSession] = {}


def retain(folder: Path, names: Iterable[str], depth: int = 1, *, prune_now: bool = True) -> None:
    """Tell the running build's cache session which entries of ``folder`` are still used.

    Outside a build (a script or a test calling a module directly), the folder is
    pruned at once, under the same lock rules, unless ``prune_now`` is False (for
    folders filled piece by piece, where one call does not know all the live entries).
    """
    folder = Path(folder)
    resolved = folder.resolve()
    for root, session in _ACTIVE.items():
        if resolved.is_relative_to(root):
            session.retain(folder, names, depth)
            return
    if not prune_now:
        return
    with CacheSession(folder) as session:
        session.retain(folder, names, depth)


class PassCache:
    """Another plugin's per-page pass answered from kyniem's cache (kyniem/minify_cache.py,
    kyniem/search_cache.py): an entry a key, two levels down ``folder``, counted; the entries a
    build used are kept when it ends, the rest go when the cache session closes."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.used: set[str] = set()
        self.made = 0
        self.reused = 0

    def entry(self, key: str, suffix: str) -> Path:
        """Where the entry of ``key`` is kept, counted as used by this build."""
        path = self.folder / key[:2] / f"{key}{suffix}"
        self.used.add(path.name)
        return path

    def finish(self) -> bool:
        """Keep the entries this build used; True if the pass ran. A build in which it never ran
        (minify or search off) says nothing: it would drop them all."""
        if self.used:
            retain(self.folder, self.used, depth=2)
        return bool(self.used)


def _prune(folder: Path, kept: set[str], depth: int) -> None:
    """Remove what ``kept`` does not name, ``depth`` levels down (scandir entries, no path objects:
    the image cache holds thousands of entries, read at the end of every build)."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.name == LOCK_NAME or entry.name.startswith(TEMP_PREFIX):
            continue
        if depth > 1 and entry.is_dir():
            _prune(Path(entry.path), kept, depth - 1)
            with os.scandir(entry.path) as left:
                empty = next(left, None) is None
            if empty:
                os.rmdir(entry.path)
        elif entry.name not in kept:
            _remove(entry)


def _remove(entry: os.DirEntry[str]) -> None:
    try:
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
    except FileNotFoundError:
        pass


def _remove_temporaries(root: Path) -> None:
    """Temporary files of killed builds (only called while holding the lock alone)."""
    stack = [os.fspath(root)]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.name.startswith(TEMP_PREFIX):
                    _remove(entry)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
            except OSError:
                pass


# --- The site, swapped in whole ---------------------------------------------------------------

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        renameat2 = _libc().renameat2
    except (OSError, AttributeError, TypeError):  # TypeError: no C library to ask (Windows)
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


class SiteSwap:
    """Build into a hidden sibling of the site folder; put it in place only when complete.

    A build killed at any moment leaves the previous site whole; the hidden folder of a
    killed build is removed by the next build.
    """

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = Path(site_dir).resolve()
        self.prefix = f".{self.site_dir.name}.kyniem-"
        self.staging = self.site_dir.parent / f"{self.prefix}{os.getpid()}"

    def start(self) -> Path:
        """Remove what killed builds left, and return the empty folder to build into.

        The site folder is replaced whole at the end, so anything there that is not a folder
        (a file, a device such as /dev/null, a link) is refused rather than replaced."""
        if os.path.lexists(self.site_dir) and (self.site_dir.is_symlink() or not self.site_dir.is_dir()):
            raise NotADirectoryError(f"thư mục xuất trang '{self.site_dir}' đã có và không phải là thư mục; kyniem "
                                     "thay cả thư mục trang khi dựng xong nên không ghi đè lên nó. Chọn thư mục "
                                     "khác (site_dir trong mkdocs.yml hoặc mkdocs build -d THƯ_MỤC)")
        _mkdir(self.site_dir.parent)
        for stale in self.site_dir.parent.glob(f"{self.prefix}*"):
            pid = stale.name[len(self.prefix):].split("-")[0]
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue  # another build of the same site is running
            if stale.name.endswith(OLD_SUFFIX) and _recent(stale):
                continue  # a finished build's old site, being removed behind it (_remove_behind)
            shutil.rmtree(stale, ignore_errors=True)
        _mkdir(self.staging)
        return self.staging

    def finish(self) -> None:
        """Make the built site readable by all and swap it in place of the old one."""
        publishable_modes(self.staging)
        old = self.site_dir.parent / f"{self.prefix}{os.getpid()}{OLD_SUFFIX}"
        if self.site_dir.is_dir() and _exchange(self.staging, self.site_dir):
            os.replace(self.staging, old)  # the old site, now at the staging name
        else:
            if self.site_dir.exists():
                os.replace(self.site_dir, old)
            os.replace(self.staging, self.site_dir)
        if old.exists():
            os.utime(old)  # "being removed" starts now (see _recent), whenever the old site was built
            _remove_behind(old)

    def abandon(self) -> None:
        """A failed build: the old site stays, the staging folder goes."""
        shutil.rmtree(self.staging, ignore_errors=True)


OLD_SUFFIX = "-old"
_BEHIND_SECONDS = 120  # an old site still being removed after this long was left by a removal that died


def _remove_behind(folder: Path) -> None:
    """Remove a replaced site without making the build wait for it.

    The new site is complete and in place; the old one only has to go. Removing thousands of
    files (every photo size, every tile) is file-system work that waits on the disk, as long as
    the rest of a warm build on a busy machine, so a detached ``rm`` does it while the build
    ends. A removal cut short (the machine stopped) is finished by the next build
    (:meth:`SiteSwap.start`). Where there is no ``rm`` (Windows) it is removed here.
    """
    if os.name != "posix" or shutil.which("rm") is None or shutil.which("sh") is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    # sh starts rm in the background and exits at once: rm belongs to no one, leaves no zombie behind.
    subprocess.run(["sh", "-c", 'rm -rf -- "$1" &', "sh", str(folder)], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, check=False)


def _recent(folder: Path) -> bool:
    """Changed within the last minutes: a removal behind a build is still at work in it."""
    try:
        return time.time() - folder.stat().st_mtime < _BEHIND_SECONDS
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if handle:
            ctypes.windll.kernel32.CloseHandle(handle)
        return bool(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_context() -> multiprocessing.context.BaseContext:
    """How worker processes start: a fork server where the system has one (no copy of the
    build's memory; Linux), else a fresh interpreter (Windows)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


@contextlib.contextmanager
def worker_pool(workers: int, initializer: Callable[[], None] | None = None) -> Iterator[ProcessPoolExecutor]:
    """Worker processes (``worker_context``) that die with the build (``initializer`` defaults to
    ``die_with_parent``). On an error or Ctrl+C they are stopped at once: the executor's own exit
    would wait for every queued job."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=worker_context(),
                               initializer=initializer or die_with_parent)
    try:
        yield pool
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown()


def stop_pool(pool: ProcessPoolExecutor, processes: list[Any] | None = None) -> None:
    """Stop a pool's workers at once, their unstarted work dropped (``processes``: the pool's
    workers, taken before a shutdown began, which forgets them)."""
    if processes is None:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # the executor has no public handle
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=5)


def die_with_parent() -> None:
    """Worker-process initializer: end this worker when the build that started it dies (even by
    ``kill -9``), instead of rendering on, or waiting for work, for nobody.

    A worker's parent is the fork server, not the build, and the fork server lives on while any
    worker holds the pipe it watches: so the worker watches the build itself, through the
    sentinel multiprocessing gives it (ready when the build is gone), in a thread. Its parent's
    death is caught too (Linux ``PR_SET_PDEATHSIG``), for workers forked by the build itself."""
    try:
        _libc().prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError, TypeError):
        pass
    if os.name != "nt" and os.getppid() == 1:  # the parent died before the call above
        os._exit(1)
    build = multiprocessing.parent_process()
    if build is not None:
        threading.Thread(target=_exit_when_gone, args=(build.sentinel,), name="kyniem-watch-build",
                         daemon=True).start()


def _exit_when_gone(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


_APART: list[ProcessPoolExecutor | None] = []  # the innermost apart() session's worker (None until first used)


@contextlib.contextmanager
def apart() -> Iterator[None]:
    """A session in which ``run_apart`` calls run in one worker process, ended when the session ends.

    The build opens one around work that loads a heavy library (WeasyPrint for the handouts and
    the other print documents, PyAV for films): the library and its heap leave with the worker,
    instead of staying in the build for the rest of it while other workers run beside it."""
    _APART.append(None)
    finished = False
    try:
        yield
        finished = True
    finally:
        pool = _APART.pop()
        if pool is not None and finished:
            pool.shutdown()  # the worker is idle: it exits at once
        elif pool is not None:  # an error or Ctrl+C: stop the worker, whatever it was doing
            stop_pool(pool)


def _apart_start() -> None:
    """The apart worker dies with the build and leaves Ctrl+C to it (the build ends the worker)."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_apart(function: Callable[..., _T], *args: Any) -> _T:
    """``function(*args)`` in the worker of the open ``apart()`` session, else here (scripts, tests).

    ``function`` and its arguments must be picklable (a module-level function, paths, text)."""
    if not _APART:
        return function(*args)
    if _APART[-1] is None:
        _APART[-1] = ProcessPoolExecutor(max_workers=1, mp_context=worker_context(), initializer=_apart_start)
    pool = _APART[-1]
    assert pool is not None
    return pool.submit(function, *args).result()


def release_memory() -> None:
    """Give back to the system the memory this process has freed, before workers start beside it.

    glibc keeps freed heap for reuse, so after MkDocs has rendered every page the build still
    holds tens of MB it no longer uses while the book's and the banners' workers run."""
    gc.collect()
    try:
        _libc().malloc_trim(0)  # glibc only; elsewhere nothing to do
    except (OSError, AttributeError, TypeError):
        pass


@functools.cache
def _libc() -> ctypes.CDLL:
    """The C library, as the process's own symbols: ``ctypes.util.find_library("c")`` would run ldconfig in a
    fork of this process (for a moment, a second copy of a worker or of the build)."""
    return ctypes.CDLL(None, use_errno=True)


def empty_folder(folder: Path) -> None:
    """``folder`` present (0755) and empty: what an earlier build left in it is gone."""
    folder = Path(folder)
    if folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder)
    elif folder.exists() or folder.is_symlink():
        folder.unlink()
    _mkdir(folder)
