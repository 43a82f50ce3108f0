#!/usr/bin/env bash
# Installs the Debian 12 packages Convene builds and runs with. Quick when they are all present.
# Used by ./tests/run.sh and ./deploy/demo.sh (as root, or with sudo available).
# With --clang also Debian's clang with its sanitizer and libFuzzer runtimes and lld, for
# ./tests/sanitize.sh and ./fuzz/run.sh.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libsqlite3-dev sqlite3 libgtest-dev libgmock-dev
  iso-codes tzdata python3 python3-icalendar libssl-dev
  python3-scipy python3-numpy
  # The HTML reports are opened in headless Chromium by tests/browser (and need a font).
  chromium fonts-dejavu-core
)
[ "${1:-}" = --clang ] && packages+=(clang libclang-rt-14-dev lld)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq || true
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
