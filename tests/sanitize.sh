#!/usr/bin/env bash
# The test suite under the sanitizers, built with Debian's clang in build folders of their own
# (compiled as OSS-Fuzz does, -O1 with line tables; see CMakeLists.txt):
#
#  1. AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/): the whole project, then every
#     test through ctest. The service binaries the integration and end-to-end tests start are the
#     sanitized ones too. The tree is built with CONVENE_FUZZ=ON, so it also holds the libFuzzer
#     targets (fuzz/run.sh runs them from this same tree) and ctest replays every committed fuzz
#     input once (the fuzz.*.corpus tests).
#  2. ThreadSanitizer (build-tsan/): the services and the tests that run things concurrently:
#     survey_server_test (32 concurrent submissions of one token against convene-survey),
#     registration_server_test (64 concurrent adds to 30 seats, concurrent writers across
#     restarts), kill_restart_test (two writer threads against each service killed ten times),
#     registration_store_test (concurrent adds through the Registry, in process) and the SQLite
#     layer's tests (common_database_test). Debian's gRPC is not built for TSan: see
#     tests/sanitizers/tsan.supp for what that means and what stays checked.
#
# Every sanitizer report, from a test or from a service a test started, is written to
# <build>/sanitizer-reports/ (log_path) and fails the run, even when the test itself passed.
# Suppressions (tests/sanitizers/) are for third-party code only, each with its reason.
#
#   tests/sanitize.sh                 both
#   tests/sanitize.sh --asan          only 1;   tests/sanitize.sh --tsan   only 2
#   tests/sanitize.sh --asan -R Csv   extra arguments go to ctest
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_asan=1
run_tsan=1
ctest_args=()
for arg in "$@"; do
  case "$arg" in
    --asan) run_tsan=0 ;;
    --tsan) run_asan=0 ;;
    -h | --help) sed -n '2,26p' "$0"; exit 0 ;;
    *) ctest_args+=("$arg") ;;
  esac
done
supp="$root/tests/sanitizers"

"$root/deploy/install-deps.sh" --clang

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)

# configure BUILD CMAKE_OPTIONS...: (re)configures with clang; quick when nothing changed.
configure() {
  local dir="$1"
  shift
  cmake -S "$root" -B "$dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER=clang++ "$@" >/dev/null
}

# build BUILD [TARGET...]: builds quietly (the log in BUILD/build.log), showing it on failure.
build() {
  local dir="$1" targets=()
  shift
  [ $# -gt 0 ] && targets=(--target "$@")
  if ! cmake --build "$dir" --parallel "$(nproc)" "${targets[@]}" >"$dir/build.log" 2>&1; then
    grep -v '^\[[0-9]*/[0-9]*\] ' "$dir/build.log" | tail -n 60
    echo "== build failed ($dir/build.log)"
    exit 1
  fi
}

# Fails when the sanitizers wrote any report into DIR, printing them.
check_reports() {
  local dir="$1" reports
  reports=$(find "$dir" -type f 2>/dev/null | sort)
  [ -z "$reports" ] && return 0
  echo "== sanitizer reports in $dir:"
  for f in $reports; do
    echo "-- $f"
    head -n 60 "$f"
  done
  return 1
}

status=0
timings=()

if [ "$run_asan" = 1 ]; then
  dir="$root/build-asan"
  reports="$dir/sanitizer-reports"
  start=$(date +%s)
  echo "== ASan+UBSan: build ($dir)"
  configure "$dir" -DCONVENE_SANITIZE=address,undefined -DCONVENE_FUZZ=ON
  build "$dir"
  built=$(date +%s)
  echo "== ASan+UBSan: ctest"
  rm -rf "$reports" && mkdir -p "$reports"
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$reports/asan"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
  (cd "$dir" && ctest --output-on-failure --parallel "$(nproc)" --timeout 900 "${ctest_args[@]}") ||
    status=1
  unset ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
  check_reports "$reports" || status=1
  end=$(date +%s)
  timings+=("ASan+UBSan: build $((built - start)) s, tests $((end - built)) s")
fi

if [ "$run_tsan" = 1 ]; then
  dir="$root/build-tsan"
  reports="$dir/sanitizer-reports"
  start=$(date +%s)
  echo "== TSan: build ($dir)"
  configure "$dir" -DCONVENE_SANITIZE=thread -DCONVENE_FUZZ=OFF
  build "$dir" survey_server_test registration_server_test kill_restart_test \
    registration_store_test common_database_test
  built=$(date +%s)
  echo "== TSan: ctest (the concurrency tests)"
  rm -rf "$reports" && mkdir -p "$reports"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:ignore_noninstrumented_modules=1:suppressions=$supp/tsan.supp:log_path=$reports/tsan"
  # Address space layout randomisation off (for the tests and the services they start): the
  # ThreadSanitizer of clang 14 cannot map its shadow memory on kernels with more randomisation
  # bits ("unexpected memory mapping").
  norandom=()
  setarch "$(uname -m)" -R true 2>/dev/null && norandom=(setarch "$(uname -m)" -R)
  # One test at a time: TSan slows each down several times, and the concurrency tests want the
  # machine's cores to themselves.
  (cd "$dir" && "${norandom[@]}" ctest --output-on-failure --timeout 900 \
    -R '^(SurveyServerTest|RegistrationServerTest|KillRestartTest|RegistryTest|DatabaseTest|SerialDatabaseTest|StatementTest|TransactionTest|FingerprintTest|RequestLogTest)\.' \
    "${ctest_args[@]}") || status=1
  unset TSAN_OPTIONS
  check_reports "$reports" || status=1
  end=$(date +%s)
  timings+=("TSan: build $((built - start)) s, tests $((end - built)) s")
fi

for t in "${timings[@]}"; do echo "== $t"; done
exit "$status"
