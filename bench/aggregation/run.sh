#!/usr/bin/env bash
# Summarising a survey of 10 questions and 1,000,000 responses, side by side with sqlite3 computing
# only COUNT/AVG per question over the same data. Starts its own registration, survey and
# aggregation services on free ports with a throwaway data folder, runs aggregation-bench, stops
# them. See README.md next to this file.
#
#   bench/aggregation/run.sh [--responses=N]      (default 1000000)
#
# Uses $CONVENE_BIN_DIR (else build/bin); builds what is missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
responses=1000000
for arg in "$@"; do
  case "$arg" in
    --responses=*) responses="${arg#--responses=}" ;;
    *) echo "usage: $0 [--responses=N]" >&2; exit 2 ;;
  esac
done

bin="${CONVENE_BIN_DIR:-$root/build/bin}"
for target in convene-registration convene-survey convene-aggregation aggregation-bench; do
  if [[ ! -x "$bin/$target" ]]; then
    cmake -S "$root" -B "$root/build" -G Ninja >/dev/null
    cmake --build "$root/build" --target convene-registration convene-survey \
      convene-aggregation aggregation-bench
    bin="$root/build/bin"
    break
  fi
done

tmp="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
start() {  # name port flags...
  local name="$1" port="$2"
  shift 2
  mkdir -p "$tmp/$name"
  "$bin/convene-$name" --listen="127.0.0.1:$port" --data_dir="$tmp/$name" "$@" \
    2>"$tmp/$name.log" &
  pids+=("$!")
}
wait_for() {  # port: until something listens there (10 s at most)
  for _ in $(seq 100); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2)" \
      2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1 after 10 s; the logs:" >&2
  tail -n 5 "$tmp"/*.log >&2
  exit 1
}
reg_port="$(free_port)"
survey_port="$(free_port)"
agg_port="$(free_port)"
# The stack's service credential, and the first organiser's, which the benchmark calls with.
credentials="$tmp/credentials"
mkdir -m 700 "$credentials"
service_credential=(--credential_file="$credentials/service.token")
# Registration first: it writes the service credential the others then read.
start registration "$reg_port" "${service_credential[@]}" \
  --bootstrap_credential_file="$credentials/organiser.token"
wait_for "$reg_port"
start survey "$survey_port" "${service_credential[@]}" --registration_addr="127.0.0.1:$reg_port"
start aggregation "$agg_port" "${service_credential[@]}" --registration_addr="127.0.0.1:$reg_port" \
  --survey_addr="127.0.0.1:$survey_port"
wait_for "$survey_port"
wait_for "$agg_port"

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)"
${BENCH_WRAP:-} "$bin/aggregation-bench" --registration_addr="127.0.0.1:$reg_port" \
  --survey_addr="127.0.0.1:$survey_port" --aggregation_addr="127.0.0.1:$agg_port" \
  --responses="$responses" --sqlite_file="$tmp/flat.db" \
  --token_file="$credentials/organiser.token"
