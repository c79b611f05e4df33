#!/usr/bin/env bash
# Replace the vendored OpenSeadragon with VERSION from the npm registry (npm pack, no install).
# Usage: scripts/vendor_openseadragon.sh 6.1.1
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/vendor_openseadragon.sh VERSION}
dest=kyniem/assets/vendor/openseadragon
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "openseadragon@$version" >/dev/null && tar xzf "openseadragon-$version.tgz")
cp "$work/package/build/openseadragon/openseadragon.min.js" "$work/package/LICENSE.txt" "$dest/"
sed -i "s/^# OpenSeadragon .* (vendored)/# OpenSeadragon $version (vendored)/; s/openseadragon@[0-9.]*/openseadragon@$version/" "$dest/README.md"
echo "OpenSeadragon $version copied to $dest; update OSD_VERSION in tests/test_archive.py"
