#!/usr/bin/env bash
# Runs a realistic workshop through the whole Convene stack: the two-day regional dialogue on
# corruption and human rights held in Kuala Lumpur (51 participants from 8 countries).
#
#   ./deploy/demo.sh            install, build, start the stack, run the workshop, leave the stack up
#   ./deploy/demo.sh --stop     the same, then stop the stack
#
# Everything lives under ./.demo (wiped at each run): the SQLite files, the logs, the pid files.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
stop_after=0
[ "${1:-}" = "--stop" ] && stop_after=1

export CONVENE_DATA_DIR="$root/.demo"
stack="$root/deploy/local/stack.sh"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*" >&2; "$@"; }

step "Installing Debian packages (if missing) and building"
"$root/deploy/install-deps.sh"
bin="$("$root/deploy/build.sh")/bin"
export CONVENE_BIN_DIR="$bin"
export PATH="$bin:$PATH"

step "Starting the stack (data and logs under $CONVENE_DATA_DIR)"
"$stack" stop >/dev/null 2>&1 || true
rm -rf "$CONVENE_DATA_DIR"
"$stack" start

step "The organiser creates the event: 2 days in Kuala Lumpur, 45 seats"
event=$(run convene event create \
  --title "Regional dialogue on corruption and human rights" \
  --theme "Corruption and human rights" --format in-person \
  --venue "Hotel conference hall" --city "Kuala Lumpur" --country Malaysia \
  --timezone Asia/Kuala_Lumpur --start 2024-10-01 --end 2024-10-02 --capacity 45 \
  --organiser UNODC --organiser OHCHR --language en)
echo "created $event"
run convene event show "$event"

step "A first participant list has mistakes: nothing is imported, every bad row is named"
bad="$CONVENE_DATA_DIR/participants-with-mistakes.csv"
{
  head -n 4 deploy/demo/participants.csv
  echo 'Ravi Kumar,ravi.kumar(at)example.my,Malaysia,Transparency Network,civil society,male,participant,'
  echo 'Sara Lee,sara.lee@example.sg,Atlantis,Citizens Integrity Watch,astronaut,female,participant,'
} >"$bad"
run convene participant import --event "$event" "$bad" || echo "(exit status $? - as expected)"

step "The corrected list: 51 participants from 8 countries (UTF-8 names, UN country names)"
run convene participant import --event "$event" deploy/demo/participants.csv

step "A late registration goes to the waitlist; a duplicate email is refused"
late=$(run convene participant add --event "$event" --name "Aigerim Bekova" \
  --email aigerim.bekova@example.kz --country Kazakhstan \
  --organization "Anti-Corruption Agency" --sector anti-corruption-body --gender female)
echo "$late"
late="${late%% *}"  # the id, without its status
run convene participant add --event "$event" --name "Dewi L." --email DEWI.LESTARI@example.id \
  --country ID || echo "(exit status $? - as expected)"

step "Two confirmed participants cancel: the first on the waitlist takes each seat"
first_two=$(convene participant list --event "$event" --status confirmed --limit 2 --output csv |
  tail -n +2 | cut -d, -f1)
for id in $first_two; do
  run convene participant cancel "$id"
done

step "Who is waitlisted now"
run convene participant list --event "$event" --status waitlisted

step "The venue finds three more chairs: raising the capacity promotes in arrival order"
run convene event update "$event" --capacity 48

step "Check-in on both days"
confirmed=$(convene participant list --event "$event" --status confirmed --output csv |
  tail -n +2 | cut -d, -f1)
n=0
for id in $confirmed; do
  n=$((n + 1))
  convene participant checkin "$id" --day 2024-10-01 >/dev/null
  [ $((n % 7)) -ne 0 ] && convene participant checkin "$id" --day 2024-10-02 >/dev/null
done
echo "checked in $n participants on 2024-10-01 and most of them again on 2024-10-02"
run convene participant checkin "$late" --day 2024-10-01 || echo "(exit status $? - as expected)"

step "The participants from Viet Nam"
run convene participant list --event "$event" --country "Viet Nam"

step "Participation summary: what the report says as '51 participants from 8 countries'"
run convene participant summary --event "$event"

step "One participant as JSON, for scripts"
one=$(echo "$confirmed" | head -n 1)
run convene participant show "$one" --output json

if [ $stop_after = 1 ]; then
  step "Stopping the stack"
  "$stack" stop
else
  step "The stack is still running"
  "$stack" status
  echo "Try: PATH=$bin:\$PATH convene participant list --event $event"
  echo "Stop it with: deploy/local/stack.sh stop --data $CONVENE_DATA_DIR"
fi
