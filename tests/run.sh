#!/usr/bin/env bash
# Builds Convene and runs every test: unit, store, integration (real servers on loopback) and
# end-to-end (the convene CLI against real services). Installs missing Debian packages first.
# Lints the protos with buf when it is available (npm's @bufbuild/buf).
#
# Then, as CI runs it: a smoke of every benchmark (bench/run.sh --quick: it fails on errors, never
# on a timing), the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, every fuzz
# target for 20 s (fuzz/run.sh) and the concurrency tests under ThreadSanitizer (tests/sanitize.sh,
# with Debian's clang). Each stage's time is printed at the end. Arguments (say a ctest filter,
# -R Csv) go to the first ctest and skip those later stages, as CONVENE_CI_QUICK=1 does.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

started=$(date +%s)
stage_start=$started
stages=()
# Records how long the stage that just ended took.
stage_done() {
  local now
  now=$(date +%s)
  stages+=("$1: $((now - stage_start)) s")
  stage_start=$now
}

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
stage_done "packages and buf lint"

echo "== build"
build="$("$root/deploy/build.sh")"
stage_done "build (gcc)"

echo "== ctest"
(cd "$build" && ctest --output-on-failure --parallel "$(nproc)" --timeout 300 "$@")
stage_done "ctest"

if [ $# -eq 0 ] && [ "${CONVENE_CI_QUICK:-0}" != 1 ]; then
  echo "== benchmark smoke (bench/run.sh --quick)"
  CONVENE_BIN_DIR="$build/bin" "$root/bench/run.sh" --quick --out "$build/bench-quick.json"
  stage_done "benchmark smoke (bench/run.sh --quick)"
  "$root/tests/sanitize.sh" --asan
  stage_done "ASan+UBSan build and ctest (tests/sanitize.sh --asan)"
  echo "== fuzz (fuzz/run.sh)"
  "$root/fuzz/run.sh" --jobs="$(nproc)"
  stage_done "fuzz, 20 s per target (fuzz/run.sh)"
  "$root/tests/sanitize.sh" --tsan
  stage_done "TSan build and concurrency tests (tests/sanitize.sh --tsan)"
fi

for s in "${stages[@]}"; do echo "== $s"; done
echo "== all: $(($(date +%s) - started)) s"
