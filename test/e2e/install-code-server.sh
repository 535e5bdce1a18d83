#!/usr/bin/env bash
# Installs code-server (VS Code's workbench served over HTTP) into .cache/code-server for the e2e suite
# and the quickstart, offline-safe: the only download is the npm package itself (or nothing, when this
# machine already has a copy in ~/.cache/berth). Prints the entry script.
#
# Why these steps: 4.100.3 is the last code-server that runs on Node 20. Its @vscode/ripgrep dependency
# downloads a binary from GitHub in its install script; we seed that download cache with Debian's `rg`
# so the install never leaves the npm registry. Needs: chromium (to drive it), libkrb5-dev (kerberos
# headers for a native module), ripgrep — all in .ci/setup.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version=4.100.3
dir="${BERTH_CODE_SERVER_DIR:-$root/.cache/code-server}"
entry="$dir/node_modules/code-server/out/node/entry.js"

if [ -f "$entry" ] && [ "$(cat "$dir/.installed" 2>/dev/null)" = "$version" ]; then
  echo "$entry"
  exit 0
fi

# A machine-wide copy (one per version) lets every clone on this machine, CI's included, skip the
# download and unpacking (minutes on a busy machine; copying takes seconds).
shared="${BERTH_CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth}/code-server-$version"
if [ "$(cat "$shared/.installed" 2>/dev/null)" = "$version" ]; then
  echo "code-server install: copying $version from $shared" >&2
  rm -rf "$dir" "$dir.partial"
  mkdir -p "$(dirname "$dir")"
  cp -a "$shared" "$dir.partial"
  mv "$dir.partial" "$dir"
  echo "$entry"
  exit 0
fi

for tool in rg; do
  command -v "$tool" >/dev/null || { echo "code-server install: '$tool' is missing; run .ci/setup as root" >&2; exit 1; }
done
[ -f /usr/include/gssapi/gssapi.h ] || {
  echo "code-server install: kerberos headers are missing (apt-get install libkrb5-dev, or run .ci/setup)" >&2
  exit 1
}

echo "code-server install: installing code-server $version into $dir (about a minute)" >&2
rm -rf "$dir"
mkdir -p "$dir/tmp"
export TMPDIR="$dir/tmp"
cache="$TMPDIR/vscode-ripgrep-cache-1.15.11"
mkdir -p "$cache"
tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$(dirname "$(command -v rg)")" rg
cat >"$dir/package.json" <<JSON
{ "name": "berth-code-server", "private": true, "description": "code-server for Berth's e2e tests (not shipped)" }
JSON
if ! (cd "$dir" && npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund --no-save \
  "code-server@$version" >"$dir/install.log" 2>&1); then
  echo "code-server install: npm install failed; last lines of $dir/install.log:" >&2
  tail -n 30 "$dir/install.log" >&2
  exit 1
fi
[ -f "$entry" ] || { echo "code-server install: $entry is missing after install; see $dir/install.log" >&2; exit 1; }
rm -rf "$TMPDIR"
echo "$version" >"$dir/.installed"
# Best effort: a failed copy only means the next clone installs again.
if mkdir -p "$(dirname "$shared")" 2>/dev/null && cp -a "$dir" "$shared.partial.$$" 2>/dev/null; then
  rm -rf "$shared" && mv "$shared.partial.$$" "$shared" || rm -rf "$shared.partial.$$"
fi
echo "$entry"
