"""WeasyPrint, imported without ctypes' library search where the system's loader finds its libraries.

WeasyPrint loads GObject, Pango, HarfBuzz and fontconfig through cffi, trying up to six names for
each (Windows, macOS and Linux spellings). cffi hands every name that does not load as it is to
``ctypes.util.find_library``, which on Linux runs ldconfig, gcc and ld: 54 processes for one import,
half of its 0.6 s. Each is a fork of the process importing it, so while it runs the build's process
tree counts that worker twice (three 90 MB workers at once, where a pool has two). Every book worker,
banner worker and print worker imports WeasyPrint.

WeasyPrint's names include each library's Linux soname, which the dynamic loader finds by itself; so
while WeasyPrint is imported the search answers "not found". On a system where only the search finds
them, the import fails, and it is done again with the search.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
from types import ModuleType


def load() -> ModuleType:
    """The ``weasyprint`` module, imported once per process (see the module)."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # WeasyPrint prints its advice before it fails
            import weasyprint
    except OSError:  # a library only the search finds: the failed modules are gone, import them again
        ctypes.util.find_library = search
        import weasyprint
    finally:
        ctypes.util.find_library = search
    return weasyprint


def _not_searched(name: str) -> None:
    return None
