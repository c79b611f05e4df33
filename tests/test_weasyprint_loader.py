"""WeasyPrint is imported without starting a process (each would be a fork of the worker importing it), and
still imported where only ctypes' library search finds its libraries. Each case runs in a fresh interpreter:
WeasyPrint loads its libraries once per process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pikepdf

# Counts every process Python starts from here on (ctypes' search runs ldconfig, gcc and ld through subprocess).
COUNTER = """
import sys
started = []
sys.addaudithook(lambda event, args: started.append(event) if event in (
    "subprocess.Popen", "os.fork", "os.forkpty", "os.posix_spawn", "os.exec") else None)
"""


def _run(code: str, tmp_path: Path) -> list[str]:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_weasyprint_is_imported_without_starting_a_process_and_renders(tmp_path: Path) -> None:
    lines = _run(COUNTER + """
import ctypes.util
search = ctypes.util.find_library
from kyniem import weasyprint_loader
weasyprint = weasyprint_loader.load()
print(len(started), ctypes.util.find_library is search)
from weasyprint.text import ffi
print(all(lib is not None for lib in (ffi.gobject, ffi.pango, ffi.harfbuzz, ffi.fontconfig, ffi.pangoft2)))
weasyprint.HTML(string="<p>Kỷ niệm 70 năm</p>").write_pdf("out.pdf")
print(weasyprint_loader.load() is weasyprint)
""", tmp_path)
    assert lines == ["0 True", "True", "True"]
    with pikepdf.open(tmp_path / "out.pdf") as pdf:  # the text set in a font, so Pango and HarfBuzz were there
        assert len(pdf.pages) == 1 and list(pdf.pages[0].Resources.Font.keys())


def test_where_only_the_library_search_finds_them_weasyprint_is_imported_with_it(tmp_path: Path) -> None:
    # A system whose dynamic loader finds none of the libraries by the names WeasyPrint tries (as if they were
    # not in its cache): only ctypes' search does. The first import fails quietly; the second one searches.
    lines = _run(COUNTER + """
import ctypes.util
import cffi.api

def only_searched(backend, name, flags):
    if isinstance(name, str) and "/" not in name:
        found = ctypes.util.find_library(name)  # looked up now: the loader's "not found" in the first import
        if found is None:
            raise OSError(f"{name}: not found")
        name = found
    return backend.load_library(name, flags)

cffi.api._load_backend_lib = only_searched
from kyniem import weasyprint_loader
weasyprint = weasyprint_loader.load()
print(len(started) > 0)
weasyprint.HTML(string="<p>Kỷ niệm 70 năm</p>").write_pdf("out.pdf")
print("rendered")
""", tmp_path)
    assert lines == ["True", "rendered"]  # and nothing of WeasyPrint's failed first import on the output
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")
