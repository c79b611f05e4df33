"""A warm build (nothing changed) does only what plain MkDocs would: it imports no PDF engine and redraws nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Runs `mkdocs build` in this process, then names the PDF engine's modules it imported.
_BUILD_AND_LIST_MODULES = """
import json, runpy, sys
sys.argv = ["mkdocs", "build", "-q"]
try:
    runpy.run_module("mkdocs", run_name="__main__")
except SystemExit as stop:
    if stop.code:
        raise
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("weasyprint", "pydyf", "cssselect2", "tinycss2"))
print(json.dumps(heavy))
"""


def _files(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_a_warm_build_imports_no_pdf_engine_and_redraws_nothing(default_site: Path, tmp_path: Path) -> None:
    built = default_site.parent
    project = tmp_path / "project"
    shutil.copytree(built, project, ignore=lambda folder, names: ["site"] if Path(folder) == built else [])
    cache = project / ".cache" / "kyniem"
    before = _files(cache)
    result = subprocess.run([sys.executable, "-c", _BUILD_AND_LIST_MODULES], cwd=project, capture_output=True,
                            text=True, timeout=600, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [], "WeasyPrint is loaded only to draw a PDF"
    assert (project / "site" / "index.html").is_file()
    report = json.loads((cache / "build-report.json").read_text(encoding="utf-8"))
    details = {stage["name"]: stage.get("detail", {}) for stage in report["stages"]}
    assert details["images"].get("ảnh tạo mới") == 0 and details["images"].get("ảnh lấy từ bộ đệm", 0) > 0
    assert details["banners"].get("băng rôn vẽ mới") == 0
    assert not any("tệp dựng mới" in detail for detail in details.values()), details
    # Nothing in the cache was drawn or packed again: every picture, PDF and zip kept its time
    # (only the JSON bookkeeping, such as the report, is written on every build).
    after = _files(cache)
    rewritten = sorted(name for name, stamp in after.items() if before.get(name) != stamp)
    assert [name for name in rewritten if not name.endswith(".json")] == [], rewritten
    assert "build-report.json" in rewritten
    # Pages are minified and the search index made once; the warm build reads them back (the same
    # bytes as a cold build: tests/test_safety.py, test_two_builds_at_once_both_succeed_with_identical_bytes).
    assert len([name for name in before if name.startswith("minify/")]) >= len(list((project / "site").rglob("*.html")))
    assert [name for name in rewritten if name.startswith(("minify/", "search/", "search-pages/"))] == []
    assert [name for name in after if name.startswith("search-pages/")], "Material's search entries are kept per page"
    assert [name for name in after if name.startswith("search/")], "the search index is kept in the cache"
