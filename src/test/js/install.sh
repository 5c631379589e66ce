#!/usr/bin/env bash
# Installs the npm packages of the bittorrent-dht interop test (BittorrentDhtInteropTest) into
# src/test/js/node_modules, exactly as package-lock.json pins them. Needs the npm registry, so
# CI calls it in its fetch phase, before the offline, loopback-only test phase.
#
# Idempotent: runs `npm ci` only when node_modules is missing or was installed from another
# package-lock.json (a checksum stamp in node_modules records which). Exits non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install.sh: '$tool' not found on PATH; cannot install the interop test's packages" >&2
    exit 1
  fi
done

stamp=node_modules/.dhtbeacon-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d node_modules/bittorrent-dht ]]; then
  echo "install.sh: src/test/js/node_modules is up to date with package-lock.json"
  exit 0
fi

echo "install.sh: npm ci --no-audit --no-fund in src/test/js (node $(node --version), npm $(npm --version))"
# --ignore-scripts: none of these packages needs an install script, and none may download.
npm ci --no-audit --no-fund --ignore-scripts
node -e "import('bittorrent-dht').then(() => import('@noble/ed25519'))" \
  || { echo "install.sh: installed packages do not load" >&2; exit 1; }
echo "$want" > "$stamp"
echo "install.sh: done"
