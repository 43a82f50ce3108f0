#!/usr/bin/env bash
# Every Convene benchmark in one command (issue 8). Starts its own stack on free loopback ports with
# a throwaway data folder, then measures:
#   start-up (launch to all healthy) and each service's idle memory (VmRSS);
#   the echo baseline (health checks) against registration and survey;
#   AddParticipant and SubmitResponse (20 answers) with convene-load, 64 calls in flight, as ratios
#   to the echo baseline of the same run;
#   an import of 50,000 participants in one `convene participant import`;
#   bench/aggregation/run.sh (1,000,000 responses) and bench/mdgp/run.sh, folded in.
# Prints a table and writes the figures as JSON. See bench/README.md.
#
#   bench/run.sh [--quick] [--out FILE]
#
# --quick: a smoke of every benchmark (short runs, small counts) in well under two minutes; it fails
# only on real errors (a call failing, a process not starting), never on a timing target.
# --out defaults to bench/results.json (--quick: build/bench-quick.json).
# Binaries: $CONVENE_BIN_DIR if set (built into build/ only when something is missing there), else
# build/bin, brought up to date first. MDGPLIB data: $MDGP_DATA_DIR, else ../shared/data/mdgp
# (skipped, and said so, when absent).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
quick=0
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    *) echo "usage: $0 [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
done
if [ -z "$out" ]; then
  if ((quick)); then out="$root/build/bench-quick.json"; else out="$here/results.json"; fi
fi

if ((quick)); then
  warmup=0.2 seconds=1 import_rows=5000 responses=20000 mdgp_flags=(--quick)
else
  warmup=1 seconds=10 import_rows=50000 responses=1000000 mdgp_flags=()
fi
in_flight=64

fail() {
  echo "bench/run.sh: $*" >&2
  exit 1
}
step() { echo "== [${SECONDS} s] $*"; }

# --- Binaries ------------------------------------------------------------------------------------
targets=(convene convene-registration convene-agenda convene-grouping convene-survey
  convene-aggregation convene-load aggregation-bench mdgp-bench)
build_targets() {
  if [ ! -f "$root/build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  cmake --build "$root/build" --target "${targets[@]}"
}
if [ -n "${CONVENE_BIN_DIR:-}" ]; then
  bin="$CONVENE_BIN_DIR"
  for target in "${targets[@]}"; do
    if [ ! -x "$bin/$target" ]; then
      build_targets
      bin="$root/build/bin"
      break
    fi
  done
else
  step "build (${targets[*]})"
  build_targets
  bin="$root/build/bin"
fi
export CONVENE_BIN_DIR="$bin"

# --- The stack -----------------------------------------------------------------------------------
tmp="$(mktemp -d)"
pieces="$tmp/pieces"
data="$tmp/stack"
mkdir -p "$pieces"
cleanup() {
  local status=$?
  if [ -d "$data/run" ]; then
    "$root/deploy/local/stack.sh" stop --data "$data" >/dev/null 2>&1 || true
    for file in "$data"/run/*.pid; do
      [ -f "$file" ] && kill -KILL "$(cat "$file")" 2>/dev/null || true
    done
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
for service in registration agenda grouping survey aggregation; do
  export "CONVENE_${service^^}_ADDR=127.0.0.1:$(free_port)"
done
# The CLI and convene-load call as the stack's first organiser; nothing from the caller's own
# environment (CONVENE_TOKEN wins over CONVENE_TOKEN_FILE, TLS would not match this stack).
unset CONVENE_TOKEN CONVENE_TLS_CA CONVENE_TLS_CERT CONVENE_TLS_KEY
export CONVENE_TOKEN_FILE="$data/credentials/organiser.token"
cli() { "$bin/convene" --timeout 300 "$@"; }

python3 - "$pieces/machine.json" "$quick" "$root" <<'EOF'
import json, os, subprocess, sys, time
path, quick, root = sys.argv[1], sys.argv[2] == "1", sys.argv[3]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
def git(*args):
    try:
        return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""
commit = git("rev-parse", "--short", "HEAD")
if git("status", "--porcelain", "--untracked-files=no"):
    commit += " (with uncommitted changes)"
json.dump({"nproc": os.cpu_count(), "cpu": cpu, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
           "loadavg": " ".join(open("/proc/loadavg").read().split()[:3]),
           "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
           "commit": commit, "quick": quick}, open(path, "w"))
EOF

step "start-up: deploy/local/stack.sh start on a fresh data folder"
started=$EPOCHREALTIME
"$root/deploy/local/stack.sh" start --data "$data" >"$tmp/start.log" 2>&1 ||
  { cat "$tmp/start.log" >&2; fail "the stack did not start"; }
healthy=$EPOCHREALTIME
# Beside the script's wall time (which includes its own checks and its polling every 0.1 s): when
# each service logged "listening" (it answers SERVING from then on), from the launch of the stack
# and from the start of its own process (/proc/PID/stat, 10 ms ticks).
python3 - "$pieces/startup.json" "$data" "$started" "$healthy" <<'EOF'
import datetime, json, os, sys
out, data, started, healthy = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
uptime = float(open("/proc/uptime").read().split()[0])
now = datetime.datetime.now().timestamp()
tick = os.sysconf("SC_CLK_TCK")
services = {}
for name in ("registration", "agenda", "grouping", "survey", "aggregation"):
    pid_file = os.path.join(data, "run", f"{name}.pid")
    if not os.path.exists(pid_file):
        continue
    pid = open(pid_file).read().strip()
    stat = open(f"/proc/{pid}/stat").read()
    process_start = now - (uptime - int(stat[stat.rindex(")") + 2:].split()[19]) / tick)
    listening = None
    for line in open(os.path.join(data, "logs", f"{name}.log")):
        if ": listening on " in line:
            stamp = datetime.datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%fZ")
            listening = stamp.replace(tzinfo=datetime.timezone.utc).timestamp()
    if listening is None:
        sys.exit(f"{name} never logged that it listens")
    services[name] = {"from_launch_s": round(listening - started, 3),
                      "own_start_s": round(max(0.0, listening - process_start), 3)}
json.dump({"stack_sh_seconds": round(healthy - started, 3),
           "seconds": max(s["from_launch_s"] for s in services.values()),
           "services": services}, open(out, "w"))
EOF

# Idle memory: each service a second after the stack is healthy, before any load.
sleep 1
{
  echo "{"
  first=1
  for service in registration agenda grouping survey aggregation; do
    [ -f "$data/run/$service.pid" ] || continue
    rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$(cat "$data/run/$service.pid")/status")" ||
      fail "$service is not running"
    ((first)) || echo ","
    first=0
    echo "\"$service\": $rss"
  done
  echo "}"
} >"$pieces/memory.json"

# convene-load NAME FLAGS...: one load run, its JSON object kept as NAME.json.
load() {
  local name="$1"
  shift
  "$bin/convene-load" --json --in_flight="$in_flight" --warmup_seconds="$warmup" \
    --duration_seconds="$seconds" "$@" >"$pieces/$name.json" 2>"$tmp/$name.err" ||
    { cat "$tmp/$name.err" >&2; fail "convene-load $name failed"; }
  python3 - "$pieces/$name.json" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))
l = b["latency_ms"]
print("   %.0f calls/s, p50 %.2f ms, p99 %.2f ms%s" % (
    b["throughput"], l["p50"], l["p99"], " (tokens used up before the end)" if b["exhausted"] else ""))
EOF
}

step "echo baseline: health checks against registration and survey (${seconds} s each)"
load echo_registration --scenario=echo --address="$CONVENE_REGISTRATION_ADDR"
load echo_survey --scenario=echo --address="$CONVENE_SURVEY_ADDR"

step "add participant: AddParticipant, $in_flight in flight (${seconds} s)"
event="$(cli event create --title "Benchmark: registration opens" --start 2027-03-01 \
  --end 2027-03-02 --timezone Asia/Bangkok --city Bangkok --country TH)"
load add_participant --scenario=add_participant --event_id="$event"

step "import: $import_rows participants in one convene participant import"
python3 - "$tmp/participants.csv" "$import_rows" <<'EOF'
import sys
path, n = sys.argv[1], int(sys.argv[2])
countries = ["MY", "ID", "TH", "VN", "PH", "KH", "LA", "MM", "KZ", "KG", "UZ", "TJ", "MN", "TL"]
sectors = ["government", "anti-corruption body", "civil society", "academia", "media",
           "private sector", "human rights institution", "international organisation"]
genders = ["female", "male", "female", "male", "undisclosed"]
with open(path, "w") as f:
    f.write("name,email,country,organization,sector,gender,role,language\n")
    for i in range(n):
        f.write(f"Participant {i:06d},participant.{i:06d}@example.org,{countries[i % 14]},"
                f"Agency {i % 211},{sectors[i % 8]},{genders[i % 5]},participant,"
                f"{'en' if i % 3 else 'ru'}\n")
EOF
survey_event="$(cli event create --title "Benchmark: evaluation at the end" --start 2027-03-01 \
  --end 2027-03-02 --timezone Asia/Bangkok --city Bangkok --country TH)"
started=$EPOCHREALTIME
cli participant import --event "$survey_event" "$tmp/participants.csv" >"$tmp/import.log" ||
  fail "the import failed: $(cat "$tmp/import.log")"
ended=$EPOCHREALTIME
python3 -c "import json,sys; json.dump({'rows': $import_rows, 'seconds': round($ended - $started, 3)}, open(sys.argv[1], 'w'))" \
  "$pieces/import.json"
echo "   $(cat "$tmp/import.log") in $(python3 -c "print(f'{$ended - $started:.2f}')") s"

step "submit response: SubmitResponse with 20 answers, $in_flight in flight (${seconds} s)"
issuing=$EPOCHREALTIME
survey="$(cli survey create --event "$survey_event" --file "$here/survey-20.json")"
cli survey open "$survey" >/dev/null
# One token per participant of the event; the token is the last CSV column.
cli survey tokens "$survey" --output csv >"$tmp/tokens.csv" 2>"$tmp/tokens.err" ||
  fail "issuing survey tokens failed: $(cat "$tmp/tokens.err")"
tail -n +2 "$tmp/tokens.csv" | awk -F, '{print $NF}' >"$tmp/tokens.txt"
[ -s "$tmp/tokens.txt" ] || fail "no survey tokens were issued"
echo "   survey of 20 questions created, opened and $(wc -l <"$tmp/tokens.txt") tokens issued in" \
  "$(python3 -c "print(f'{$EPOCHREALTIME - $issuing:.2f}')") s"
load submit_response --scenario=submit_response --address="$CONVENE_SURVEY_ADDR" \
  --survey_id="$survey" --tokens_file="$tmp/tokens.txt"

# The services were up the whole time: none may have died under the load.
for service in registration agenda grouping survey aggregation; do
  [ -f "$data/run/$service.pid" ] || continue
  kill -0 "$(cat "$data/run/$service.pid")" 2>/dev/null || fail "$service died during the run"
done
"$root/deploy/local/stack.sh" stop --data "$data" >/dev/null

step "aggregation: bench/aggregation/run.sh --responses=$responses"
"$here/aggregation/run.sh" --responses="$responses" | tee "$tmp/aggregation.txt" ||
  fail "bench/aggregation/run.sh failed"
tail -n 1 "$tmp/aggregation.txt" >"$pieces/aggregation.json"

mdgp_data="${MDGP_DATA_DIR:-$(cd "$root/.." && pwd)/shared/data/mdgp}"
if [ -f "$mdgp_data/reference-values.csv" ]; then
  step "grouping: bench/mdgp/run.sh ${mdgp_flags[*]}"
  MDGP_DATA_DIR="$mdgp_data" "$here/mdgp/run.sh" "${mdgp_flags[@]}" | tee "$pieces/mdgp.txt" ||
    fail "bench/mdgp/run.sh failed"
else
  echo "[\"grouping: no MDGPLIB data in $mdgp_data (set MDGP_DATA_DIR)\"]" >"$pieces/skipped.json"
fi

echo
mkdir -p "$(dirname "$out")"
python3 "$here/report.py" "$pieces" "$out"
