#!/usr/bin/env bash
# Builds Convene and runs every test: unit, store, integration (real servers on loopback) and
# end-to-end (the convene CLI against real services). Installs missing Debian packages first.
# Lints the protos with buf when it is available (npm's @bufbuild/buf).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/deploy/install-deps.sh"

if [ -x "$root/node_modules/.bin/buf" ] || command -v npm >/dev/null; then
  if [ ! -x "$root/node_modules/.bin/buf" ]; then
    (cd "$root" && timeout 120 npm install --no-save --no-audit --no-fund --silent @bufbuild/buf \
      >/dev/null 2>&1) || echo "buf could not be installed from npm; skipping the proto lint"
  fi
  if [ -x "$root/node_modules/.bin/buf" ]; then
    echo "== buf lint"
    "$root/node_modules/.bin/buf" lint
  fi
fi

echo "== build"
build="$("$root/deploy/build.sh")"

echo "== ctest"
cd "$build"
ctest --output-on-failure --parallel "$(nproc)" --timeout 300 "$@"
