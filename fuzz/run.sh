#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with Debian's clang (ASan + UBSan, CONVENE_FUZZ=ON) in
# build-asan/ (the tree tests/sanitize.sh builds and tests; $CONVENE_FUZZ_BUILD_DIR names another)
# and runs each one for N seconds from its committed corpus (fuzz/corpus/<target>). Prints, per
# target, the executions, the coverage features and the crashes; exits non-zero when any target
# crashed (the input is kept in <build>/fuzz-artifacts/<target>/).
#
#   fuzz/run.sh                      every target, 20 s each (what CI runs, with --jobs=2)
#   fuzz/run.sh --seconds=300        the longer run (fuzz/README.md has its figures)
#   fuzz/run.sh --jobs=2 csv dates   two targets at a time, only these
#   fuzz/run.sh --merge ...          then also fold what the run found into fuzz/corpus
#                                    (libFuzzer's -merge=1 keeps only inputs that add coverage)
#
# New inputs that reach new code are kept in <build>/fuzz-corpus/<target> (not in the committed
# corpus), so later runs on the same machine start from them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=20
jobs=1
merge=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds="${arg#--seconds=}" ;;
    --jobs=*) jobs="${arg#--jobs=}" ;;
    --merge) merge=1 ;;
    -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) echo "unknown option $arg (see --help)" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done
build="${CONVENE_FUZZ_BUILD_DIR:-$root/build-asan}"

"$root/deploy/install-deps.sh" --clang

echo "== build ($build)"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
# The same options as tests/sanitize.sh, so that both use one tree.
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DCONVENE_SANITIZE=address,undefined -DCONVENE_FUZZ=ON >/dev/null
if ! cmake --build "$build" --parallel "$(nproc)" --target convene_fuzzers \
  >"$build/fuzz-build.log" 2>&1; then
  grep -v '^\[[0-9]*/[0-9]*\] ' "$build/fuzz-build.log" | tail -n 60
  echo "== build failed ($build/fuzz-build.log)"
  exit 1
fi

if [ ${#targets[@]} -eq 0 ]; then
  for dir in "$root"/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
logs="$build/fuzz-logs"
rm -rf "$logs" && mkdir -p "$logs"

# One target: its log in $logs/<target>.log, "executions features crashed" in $logs/<target>.sum.
run_one() {
  local t="$1" log="$logs/$1.log" corpus="$build/fuzz-corpus/$1" artifacts="$build/fuzz-artifacts/$1/"
  mkdir -p "$corpus" "$artifacts"
  local dict="$root/fuzz/dicts/$1.dict" options=()
  case "$1" in survey_response_row | participant_import) dict="$root/fuzz/dicts/csv.dict" ;; esac
  [ -f "$dict" ] && options+=(-dict="$dict")
  local rc=0
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1:abort_on_error=1" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:print_stacktrace=1:halt_on_error=1" \
    "$build/bin/${t}_fuzzer" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "${options[@]}" "$corpus" "$root/fuzz/corpus/$t" \
    </dev/null >"$log" 2>&1 || rc=$?
  local execs features crashed=0
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  features="$(grep -o ' ft: [0-9]*' "$log" | tail -n 1 | tr -dc '0-9')"
  [ "$rc" -ne 0 ] && crashed=1
  echo "${execs:-0} ${features:-0} $crashed" >"$logs/$t.sum"
}

echo "== fuzz: ${#targets[@]} targets, ${seconds} s each, $jobs at a time (logs in $logs)"
started=$(date +%s)
running=0
for t in "${targets[@]}"; do
  if [ ! -x "$build/bin/${t}_fuzzer" ]; then
    echo "no fuzz target $t (have: $(ls "$root/fuzz/corpus" | tr '\n' ' '))" >&2
    exit 2
  fi
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=()
printf '%-24s %8s %12s %9s %8s\n' target seconds executions features crashes
for t in "${targets[@]}"; do
  read -r execs features crashed <"$logs/$t.sum"
  printf '%-24s %8s %12s %9s %8s\n' "$t" "$seconds" "$execs" "$features" "$crashed"
  [ "$crashed" = 0 ] || failed+=("$t")
done
echo "wall time: $(( $(date +%s) - started )) s"

if [ ${#failed[@]} -gt 0 ]; then
  for t in "${failed[@]}"; do
    echo
    echo "== $t crashed; the input is in $build/fuzz-artifacts/$t/ and the report in $logs/$t.log:"
    grep -m 1 -A 25 -E '^==[0-9]+==ERROR|fuzz property failed|runtime error|deadly signal' \
      "$logs/$t.log" || tail -n 30 "$logs/$t.log"
  done
  exit 1
fi

if [ "$merge" = 1 ]; then
  # After a run without crashes: adds to the committed corpus the new inputs that reach coverage
  # it does not (libFuzzer's -merge=1; the committed seeds stay as they are, under their names).
  for t in "${targets[@]}"; do
    before=$(ls "$root/fuzz/corpus/$t" | wc -l)
    "$build/bin/${t}_fuzzer" -merge=1 -timeout=25 -rss_limit_mb=2048 "$root/fuzz/corpus/$t" \
      "$build/fuzz-corpus/$t" </dev/null >"$logs/$t.merge.log" 2>&1
    echo "merged $t: $before -> $(ls "$root/fuzz/corpus/$t" | wc -l) inputs" \
      "($(du -sh "$root/fuzz/corpus/$t" | cut -f1))"
  done
fi
