#!/usr/bin/env bash
# Builds the default site into site/ (sets up .venv on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
exec .venv/bin/mkdocs build "$@"
