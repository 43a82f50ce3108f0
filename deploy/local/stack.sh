#!/usr/bin/env bash
# Starts, stops and inspects the whole Convene stack on this machine: each service its own process,
# listening on its blueprint port (or where CONVENE_<SERVICE>_ADDR says), with its SQLite file under
# the data folder.
#
#   deploy/local/stack.sh start   [--data DIR]   build if needed, start every service, wait until healthy
#   deploy/local/stack.sh stop    [--data DIR]   SIGTERM every service (graceful drain), wait for exit
#   deploy/local/stack.sh status  [--data DIR]   which services run, their pids, addresses and logs
#
# DIR defaults to $CONVENE_DATA_DIR or ./.stack. Layout: DIR/<service>/ (database), DIR/logs/<service>.log,
# DIR/run/<service>.pid, DIR/credentials/{service,organiser}.token (the stack's service credential,
# and the first organiser's: `export CONVENE_TOKEN_FILE=DIR/credentials/organiser.token` to use the
# CLI as that organiser). Binaries come from $CONVENE_BIN_DIR or build/bin (built on demand).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# service:default port. Services not built yet (later issues) are skipped.
services=(registration:50051 agenda:50052 grouping:50053 survey:50054 aggregation:50055)

command="${1:-}"
shift || true
data="${CONVENE_DATA_DIR:-$root/.stack}"
while [ $# -gt 0 ]; do
  case "$1" in
    --data) data="$2"; shift 2 ;;
    --data=*) data="${1#--data=}"; shift ;;
    *) echo "stack.sh: unknown argument '$1' (expected --data DIR)" >&2; exit 2 ;;
  esac
done
bin="${CONVENE_BIN_DIR:-$root/build/bin}"

address_of() {  # registration -> $CONVENE_REGISTRATION_ADDR or 127.0.0.1:<default port>
  local name="${1%%:*}" port="${1##*:}"
  local var="CONVENE_$(echo "$name" | tr '[:lower:]' '[:upper:]')_ADDR"
  echo "${!var:-127.0.0.1:$port}"
}

pid_of() {  # prints the pid if the service recorded in DIR/run is alive
  local file="$data/run/$1.pid"
  [ -f "$file" ] && kill -0 "$(cat "$file")" 2>/dev/null && cat "$file"
}

port_open() {  # true when something accepts TCP connections at HOST:PORT
  (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
}

start() {
  if [ ! -x "$bin/convene-registration" ]; then
    echo "Building Convene (first run)..."
    "$root/deploy/build.sh" >/dev/null
  fi
  mkdir -p "$data/logs" "$data/run" "$data/credentials"
  chmod 700 "$data/credentials"
  local spec name address pid
  local require=()
  for spec in "${services[@]}"; do
    name="${spec%%:*}"
    [ -x "$bin/convene-$name" ] || continue
    address="$(address_of "$spec")"
    if pid="$(pid_of "$name")"; then
      echo "$name already running (pid $pid) at $address"
      continue
    fi
    if port_open "$address"; then
      echo "stack.sh: $address is already in use; stop what runs there or set" \
        "CONVENE_$(echo "$name" | tr '[:lower:]' '[:upper:]')_ADDR" >&2
      exit 1
    fi
    mkdir -p "$data/$name"
    # One service credential for the stack (written by the first service, readable by its owner
    # only); registration also writes the first organiser's credential (organiser.token).
    flags=(--listen="$address" --data_dir="$data/$name" --credential_file="$data/credentials/service.token")
    if [ "$name" = registration ]; then
      flags+=(--bootstrap_credential_file="$data/credentials/organiser.token")
    fi
    # Services that call others are told where those listen (registration_addr, ...).
    if [ "$name" != registration ]; then
      flags+=(--registration_addr="$(address_of registration:50051)")
    fi
    if [ "$name" = aggregation ]; then
      flags+=(--survey_addr="$(address_of survey:50054)" --agenda_addr="$(address_of agenda:50052)")
    fi
    # Extra flags for every service (say --worker_threads=8), from CONVENE_SERVICE_FLAGS.
    read -r -a extra <<<"${CONVENE_SERVICE_FLAGS:-}"
    flags+=("${extra[@]}")
    nohup "$bin/convene-$name" "${flags[@]}" >>"$data/logs/$name.log" 2>&1 </dev/null &
    echo $! >"$data/run/$name.pid"
  done
  for spec in "${services[@]}"; do
    [ -x "$bin/convene-${spec%%:*}" ] && require+=(--require "${spec%%:*}")
  done
  # Healthy means the health service answers SERVING (convene status), within 10 s.
  local deadline=$((SECONDS + 10))
  until "$bin/convene" status "${require[@]}" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "stack.sh: the stack did not become healthy within 10 s; see the logs in $data/logs" >&2
      "$bin/convene" status "${require[@]}" >&2 || true
      exit 1
    fi
    sleep 0.1
  done
  status
}

stop() {
  local spec name pid stopped=0
  for spec in "${services[@]}"; do
    name="${spec%%:*}"
    if pid="$(pid_of "$name")"; then
      kill -TERM "$pid"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      if kill -0 "$pid" 2>/dev/null; then
        echo "$name (pid $pid) did not stop within 10 s; killing it"
        kill -KILL "$pid"
      fi
      echo "stopped $name (pid $pid)"
      stopped=1
    fi
    rm -f "$data/run/$name.pid"
  done
  [ $stopped = 1 ] || echo "nothing was running from $data"
}

status() {
  local spec name pid
  printf '%-13s %-8s %-22s %s\n' SERVICE PID ADDRESS LOG
  for spec in "${services[@]}"; do
    name="${spec%%:*}"
    [ -x "$bin/convene-$name" ] || continue
    pid="$(pid_of "$name")" || pid="-"
    printf '%-13s %-8s %-22s %s\n' "$name" "$pid" "$(address_of "$spec")" "$data/logs/$name.log"
  done
  echo "data: $data"
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
