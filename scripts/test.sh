#!/usr/bin/env bash
# Runs every test (sets up .venv, chromium and poppler on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/python -m pytest "$@"
