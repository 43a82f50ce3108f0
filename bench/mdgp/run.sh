#!/usr/bin/env bash
# Runs mdgp-bench on the four local MDGPLIB instances at TPSDP's time budgets (3 s for n=120, 20 s
# for n=240, 120 s for n=480), compares with reference-values.csv, checks every result with
# check_assignment.py, then times two synthetic workshops. See README.md next to this file.
#
#   bench/mdgp/run.sh [--quick] [--seed=N]     (--quick: 1 s per instance)
#
# Uses $CONVENE_BIN_DIR/mdgp-bench, else build/bin/mdgp-bench; builds only if neither exists.
# Data: $MDGP_DATA_DIR, else ../shared/data/mdgp next to the repository.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
quick=0
seed=1
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --seed=*) seed="${arg#--seed=}" ;;
    *) echo "usage: $0 [--quick] [--seed=N]" >&2; exit 2 ;;
  esac
done

bin="${CONVENE_BIN_DIR:-$root/build/bin}/mdgp-bench"
if [[ ! -x "$bin" ]]; then
  cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/build" --target mdgp-bench
  bin="$root/build/bin/mdgp-bench"
fi
data="${MDGP_DATA_DIR:-$(cd "$root/.." && pwd)/shared/data/mdgp}"
[[ -f "$data/reference-values.csv" ]] || { echo "no MDGPLIB data in $data" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

status=0
printf '%-20s %6s %14s %14s %14s %8s %8s %8s\n' instance budget ours tpsdp_best tpsdp_avg \
  vs_best vs_avg checked
for name in RanReal_n120_ds_01 RanReal_n120_ss_01 RanReal_n240_ss_01 RanReal_n480_ss_01; do
  case "$name" in
    *_n120_*) budget=3 ;;
    *_n240_*) budget=20 ;;
    *_n480_*) budget=120 ;;
  esac
  ((quick)) && budget=1
  line="$("$bin" --seconds="$budget" --seed="$seed" --assignment_out="$tmp/$name.txt" \
    "$data/$name.txt" 2>/dev/null)" || status=1
  ours="$(sed -n 's/.*objective=\([0-9.]*\).*/\1/p' <<<"$line")"
  feasible="$(sed -n 's/.*feasible=\([a-z]*\).*/\1/p' <<<"$line")"
  if python3 "$here/check_assignment.py" "$data/$name.txt" "$tmp/$name.txt" --expect "$ours" \
      >/dev/null && [[ "$feasible" == true ]]; then
    checked=ok
  else
    checked=FAILED
    status=1
  fi
  IFS=, read -r _ best avg _ < <(grep "^$name," "$data/reference-values.csv")
  printf '%-20s %5ss %14s %14s %14s %7.3f%% %7.3f%% %8s\n' "$name" "$budget" "$ours" "$best" \
    "$avg" "$(bc -l <<<"100 * $ours / $best")" "$(bc -l <<<"100 * $ours / $avg")" "$checked"
done

# Workshop-sized synthetic rooms (six weighted attributes): the objective within the target time
# next to the one a much longer run finds.
echo
printf '%-20s %8s %12s %16s\n' synthetic budget objective "longer run"
for spec in 60:6:0.1:5 1000:50:2:20; do
  IFS=: read -r n g budget long_budget <<<"$spec"
  short="$("$bin" --seconds="$budget" --seed="$seed" --synthetic="$n:$g" 2>/dev/null)"
  ((quick)) && long_budget="$budget"
  long="$("$bin" --seconds="$long_budget" --seed="$seed" --synthetic="$n:$g" 2>/dev/null)"
  printf '%-20s %7ss %12s %16s   (%s)\n' "$n people, $g groups" "$budget" \
    "$(sed -n 's/.*objective=\([0-9.]*\).*/\1/p' <<<"$short")" \
    "$(sed -n 's/.*objective=\([0-9.]*\).*/\1/p' <<<"$long")" "$short"
done
exit "$status"
