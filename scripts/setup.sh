#!/usr/bin/env bash
# Shared set-up for build.sh and test.sh: a virtual environment in .venv with kyniem
# installed, and (when run as root on Debian) the system packages it needs.
# Usage: scripts/setup.sh [--test]
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { [ "$(id -u)" = 0 ]; }
apt_install() {
  if as_root && command -v apt-get >/dev/null; then
    if [ -z "${KYNIEM_APT_UPDATED:-}" ]; then apt-get update -qq; export KYNIEM_APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "Cần cài các gói Debian: $* (chạy: sudo apt-get install $*)" >&2
    exit 1
  fi
}

python=$(command -v python3.11 || command -v python3)
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "kyniem needs Python 3.11 or newer; found $("$python" --version)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; "$python" -m venv .venv; }
fi

# WeasyPrint (the book) needs Pango.
if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0'; then
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
fi

extras=""
[ "$want_test" = 1 ] && extras="[test]"
stamp=".venv/.kyniem-installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ constraints.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -c constraints.txt -e ".$extras"
  touch "$stamp"
fi

if [ "$want_test" = 1 ]; then
  # Browser tests drive Debian's chromium; Playwright's own browser download is never used.
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v pdftotext >/dev/null || apt_install poppler-utils
fi
