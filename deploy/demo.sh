#!/usr/bin/env bash
# Runs a realistic workshop through the whole Convene stack: the two-day regional dialogue on
# corruption and human rights held in Kuala Lumpur (51 participants from 8 countries).
#
#   ./deploy/demo.sh            install, build, start the stack, run the workshop, leave the stack up
#   ./deploy/demo.sh --stop     the same, then stop the stack
#
# Everything lives under ./.demo (wiped at each run): the SQLite files, the logs, the pid files,
# the exported programme and groups, and the reports (./.demo/reports).
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
# The first organiser's credential, written by registration at its first start (chmod 600).
export CONVENE_TOKEN_FILE="$CONVENE_DATA_DIR/credentials/organiser.token"

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

step "The organiser hands out credentials: a facilitator and an evaluator for this event only"
run convene auth create --name "Facilitator, Kuala Lumpur" --role facilitator --event "$event" \
  >"$CONVENE_DATA_DIR/credentials/facilitator.token"
run convene auth create --name "Evaluator, Kuala Lumpur" --role evaluator --event "$event" \
  >"$CONVENE_DATA_DIR/credentials/evaluator.token"
chmod 600 "$CONVENE_DATA_DIR"/credentials/*.token
run convene auth list
as_facilitator() { CONVENE_TOKEN_FILE="$CONVENE_DATA_DIR/credentials/facilitator.token" "$@"; }
as_evaluator() { CONVENE_TOKEN_FILE="$CONVENE_DATA_DIR/credentials/evaluator.token" "$@"; }
echo "The facilitator sees participants without their contact details:"
as_facilitator convene participant list --event "$event" --limit 3 --output csv
echo "... and may not change the list:"
as_facilitator convene participant add --event "$event" --name "Not Allowed" \
  --email x@example.org --country Malaysia || echo "(exit status $? - as expected)"
echo "A call without a credential is refused:"
CONVENE_TOKEN_FILE= HOME=/nonexistent convene event list || echo "(exit status $? - as expected)"

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

if [ -x "$bin/convene-agenda" ]; then
  step "The organiser builds the programme: 2 days, 7 sessions, panels of 3-4 speakers and a chair"
  people=$(convene participant list --event "$event" --output csv)
  pid() { printf '%s\n' "$people" | grep -F ",$1," | cut -d, -f1; }  # participant id by email
  siti=$(pid siti.rohani@example.my)
  lim=$(pid lim.wei@example.my)
  kavitha=$(pid kavitha.subramaniam@example.my)
  budi=$(pid budi.santoso@example.id)
  rina=$(pid rina.wulandari@example.id)
  hendra=$(pid hendra.gunawan@example.id)
  pimchanok=$(pid pimchanok.srisuk@example.th)
  anan=$(pid anan.chaiyaporn@example.th)
  maria=$(pid maria.cristina@example.ph)
  hoa=$(pid nguyen.thi@example.vn)
  mai=$(pid do.thi@example.vn)
  chanthou=$(pid sok.chanthou@example.kh)
  souksavanh=$(pid souksavanh.phommachanh@example.la)
  for id in "$siti" "$kavitha" "$budi" "$rina" "$pimchanok" "$anan" "$hoa" "$chanthou" \
    "$souksavanh"; do
    convene participant update "$id" --role speaker >/dev/null
  done
  echo "9 participants now have the role speaker"
  run convene agenda room --event "$event" --name "Main Hall" --capacity 60
  run convene agenda room --event "$event" --name "Meeting Room 2" --capacity 20

  session() {  # TITLE KIND START END [FLAGS]: adds a session, prints its id and title
    local id
    id=$(convene agenda add --event "$event" --title "$1" --kind "$2" --start "$3" --end "$4" \
      "${@:5}")
    echo "added $id  $1"
  }
  d1=2024-10-01 d2=2024-10-02
  session "Opening and welcome remarks" opening ${d1}T09:00 ${d1}T09:30 --room "Main Hall" \
    --chair "$maria" --speaker "$siti" --speaker "$budi"
  title="Increasing public participation in anti-corruption efforts through digital technologies"
  session "$title" panel ${d1}T09:30 ${d1}T11:00 --room "Main Hall" --chair "$lim" \
    --speaker "$kavitha" --speaker "$pimchanok" --speaker "$hoa" --speaker "$hendra" \
    --topic "public participation" --topic "digital technologies"
  session "Coffee break" break ${d1}T11:00 ${d1}T11:15 --room "Main Hall"
  session "Anti-corruption education: best practices and lessons learned" panel \
    ${d1}T11:15 ${d1}T12:45 --room "Main Hall" --chair "$hendra" --speaker "$souksavanh" \
    --speaker "$rina" --speaker "$chanthou" --topic "anti-corruption education"
  session "National frameworks for transparency and accountability of public service" panel \
    ${d1}T14:00 ${d1}T15:30 --room "Main Hall" --chair "$budi" --speaker "$anan" \
    --speaker "$pimchanok" --speaker "$siti"
  session "Public sector integrity measurement" panel ${d2}T09:00 ${d2}T10:30 --room "Main Hall" \
    --chair "$mai" --speaker "$lim" --speaker "$kavitha" --speaker "$souksavanh"
  session "Group discussion: lessons learned on anti-corruption education in the region" \
    group-discussion ${d2}T10:45 ${d2}T12:30 --room "Main Hall" --chair "$mai"

  step "A plenary put in the 20-seat room is added with a warning, then moved"
  plenary=$(run convene agenda add --event "$event" \
    --title "Plenary: group reports, conclusions and next steps" --kind plenary \
    --start ${d2}T13:30 --end ${d2}T15:00 --room "Meeting Room 2" --chair "$maria" \
    --speaker "$budi" --speaker "$hoa" --speaker "$anan")
  echo "added $plenary"
  run convene agenda update "$plenary" --room "Main Hall"

  step "A double-booked speaker is refused: Pimchanok Srisuk is on the 09:30 panel"
  run convene agenda add --event "$event" \
    --title "Side event: digital tools for citizen reporting" --kind presentation \
    --start ${d1}T10:00 --end ${d1}T10:45 --room "Meeting Room 2" --speaker "$pimchanok" ||
    echo "(exit status $? - as expected)"

  step "The programme"
  run convene agenda show --event "$event"

  step "One speaker's schedule, and day 1 as a participant joining from Almaty reads it"
  run convene agenda speaker "$budi"
  run convene agenda show --event "$event" --day $d1 --timezone Asia/Almaty

  step "The calendar file and the Markdown programme"
  run convene agenda export --event "$event" --format ics --out "$CONVENE_DATA_DIR/agenda.ics"
  run convene agenda export --event "$event" --format md --out "$CONVENE_DATA_DIR/agenda.md"
  head -n 20 "$CONVENE_DATA_DIR/agenda.md"
else
  step "The agenda service is not built yet: skipping the programme"
fi

if [ -x "$bin/convene-grouping" ]; then
  step "The facilitator splits the room into 4 groups mixed by country, sector and gender"
  # One facilitator per group; the same seed gives the same groups at every run.
  made=$(run convene groups make --event "$event" --groups 4 --strategy diverse \
    --balance country:3,sector:2,gender:1 --spread-facilitators --seed 7)
  printf '%s\n' "$made"
  mixed=$(printf '%s\n' "$made" | head -n 1 | cut -d' ' -f2)  # "plan gpl_..."

  step "One roundtable per country (members left out; 'convene groups show PLAN_ID' lists them)"
  run convene groups make --event "$event" --strategy by-attribute --by country |
    grep -v '^    [^ ]'

  step "Three rounds of 6 groups that avoid seating the same pairs together again"
  run convene groups make --event "$event" --groups 6 --rounds 3 --seed 7 |
    grep -E '^(Round|  Group|objective|repeat pairs)'
  echo "(a group of more than 6 cannot spread over 6 groups in the next round without some pairs"
  echo " meeting again, so a few repeat pairs are the least possible here)"

  step "The mixed groups are published and exported as Markdown for the room"
  run convene groups publish "$mixed"
  run convene groups export "$mixed" --format md --out "$CONVENE_DATA_DIR/groups.md"
  head -n 12 "$CONVENE_DATA_DIR/groups.md"
else
  step "The grouping service is not built yet: skipping the breakout groups"
fi

if [ -x "$bin/convene-survey" ]; then
  step "The evaluator writes the evaluation (one question of every kind) and a UNCAC pre-/post-test"
  evaluation=$(run convene survey create --event "$event" --file deploy/demo/evaluation.json)
  pretest=$(run convene survey create --event "$event" --file deploy/demo/pretest.json)
  # The post-test names its pre-test, before any token exists: one token per person then serves
  # both, and each person's two answers pair by a pseudonym, never by name.
  posttest=$(run convene survey create --event "$event" --file deploy/demo/posttest.json \
    --link "$pretest")
  run convene survey list --event "$event"
  run convene survey show "$evaluation" | sed -n '/questions$/,$p'

  step "A mistake in a definition file is named before anything is sent"
  bad_survey="$CONVENE_DATA_DIR/poll-with-mistakes.json"
  echo '{"title": "Concluding poll", "kind": "POLL", "questions": [{"key": "priority",
    "text": "Top priority?", "singleChoice": {"options": [{"key": "collaboration",
    "label": "Collaboration"}]}}]}' >"$bad_survey"
  run convene survey create --event "$event" --file "$bad_survey" || echo "(exit status $? - as expected)"

  step "Opened, and a single-use token for each confirmed participant (shown this once only)"
  for id in "$evaluation" "$pretest" "$posttest"; do run convene survey open "$id"; done
  tokens="$CONVENE_DATA_DIR/evaluation-tokens.csv" test_tokens="$CONVENE_DATA_DIR/test-tokens.csv"
  run convene survey tokens "$evaluation" --output csv >"$tokens"
  head -n 4 "$tokens"
  echo "... ($(($(wc -l <"$tokens") - 1)) rows in $tokens)"
  run convene survey tokens "$pretest" --output csv >"$test_tokens"
  run convene survey tokens "$posttest"  # the pre-test's tokens already serve the post-test

  # Answers generated per person (deploy/demo/answers.py), the same at every run.
  respond_all() {  # SURVEY KIND TOKENS LABEL: submits every generated answers file
    local count=0 token file
    while read -r token file; do
      convene survey respond "$1" --token "$token" --answers "$file" >/dev/null
      [ $count = 0 ] && first_answer="$token $file"
      count=$((count + 1))
    done < <(python3 deploy/demo/answers.py "$2" "$3" "$CONVENE_DATA_DIR/answers/$2")
    echo "$count responses to the $4 recorded"
  }

  step "42 of the 48 participants answer the evaluation, each with their own token"
  respond_all "$evaluation" evaluation "$tokens" evaluation
  echo "one of them: $(cat "${first_answer#* }")"

  step "The same token used a second time is refused"
  run convene survey respond "$evaluation" --token "${first_answer%% *}" \
    --answers "${first_answer#* }" || echo "(exit status $? - as expected)"

  step "The pre-test before the first session, the post-test after the last"
  respond_all "$pretest" pretest "$test_tokens" pre-test
  respond_all "$posttest" posttest "$test_tokens" post-test
  # Mean scores, and each person's change, paired by the pair key (the responses hold no names).
  python3 - <(convene survey responses "$pretest" --output csv) \
    <(convene survey responses "$posttest" --output csv) <<'PY'
import csv, statistics, sys
pre, post = ({r["pair_key"]: int(r["score"]) for r in csv.DictReader(open(p))} for p in sys.argv[1:3])
both = [post[k] - pre[k] for k in pre if k in post]
for name, scores in (("pre-test ", pre), ("post-test", post)):
    print(f"{name}  {len(scores)} responses, mean score {statistics.mean(scores.values()):.1f} of 5")
print(f"paired     {len(both)} people took both: {sum(d > 0 for d in both)} scored higher after, "
      f"{sum(d == 0 for d in both)} the same, {sum(d < 0 for d in both)} lower")
PY

  step "The evaluator codes the free-text answers with a keyword codebook"
  run convene survey code "$evaluation" --question most_useful --codebook deploy/demo/codebook.json
  run convene survey responses "$evaluation" | sed -n '1,8p'
  echo "..."

  step "The evaluation now"
  run convene survey show "$evaluation" | sed '/^$/,$d'
else
  step "The survey service is not built yet: skipping the surveys"
fi

step "One participant as JSON, for scripts"
one=$(echo "$confirmed" | head -n 1)
run convene participant show "$one" --output json

if [ -x "$bin/convene-aggregation" ]; then
  # The aggregation service keeps nothing: every report below is computed on the spot from the
  # survey service's response stream and from registration and agenda.
  step "The participation report (read by the evaluator): who registered, who came, speakers by gender"
  echo "(the reports are read with the evaluator's credential, limited to this event)"
  run as_evaluator convene report participation "$event"

  if [ -n "${evaluation:-}" ]; then
    # Breakdowns of anonymous surveys show no cell of fewer than 5 respondents (and no cell that
    # would let one be recomputed from the totals); only Q1 to Q3 are shown here.
    breakdown() { sed -n '/^Breakdown/,/^Q4\./p' | sed '$d'; }
    step "The evaluation by country: countries with fewer than 5 respondents are suppressed"
    run as_evaluator convene report survey "$evaluation" --by country | breakdown
    echo "(Q4 to Q9 and the quiz score follow: convene report survey $evaluation --by country)"

    step "By sector with the threshold raised to 6: a small cell, and a complement hidden with it"
    run convene report survey "$evaluation" --by sector --min-cell 6 | breakdown | sed '/^Q2\./,$d'
    echo "(with only one cell hidden, the total minus the others would give it away)"
    run convene report survey "$evaluation" --by sector --min-cell 3 ||
      echo "(exit status $? - as expected: the threshold can only be raised)"

    step "Learning gain: the pre-test and the post-test paired by person (by pseudonym)"
    run convene report prepost "$pretest" "$posttest"

    step "The evaluation report as a self-contained HTML page (charts) and as Markdown"
    reports="$CONVENE_DATA_DIR/reports"
    mkdir -p "$reports"
    run convene report survey "$evaluation" --format html --out "$reports/evaluation.html"
    run convene report survey "$evaluation" --format md --out "$reports/evaluation.md"
    echo "Open $reports/evaluation.html in a browser (no network needed);"
    echo "paste from $reports/evaluation.md into the outcomes document."

    step "The survey report of the workshop"
    run convene report survey "$evaluation"
  fi
else
  step "The aggregation service is not built yet: skipping the reports"
fi

if [ $stop_after = 1 ]; then
  step "Stopping the stack"
  "$stack" stop
else
  step "The stack is still running"
  "$stack" status
  echo "Try: PATH=$bin:\$PATH convene participant list --event $event"
  echo "     PATH=$bin:\$PATH convene agenda show --event $event"
  echo "     PATH=$bin:\$PATH convene groups list --event $event"
  echo "     PATH=$bin:\$PATH convene survey list --event $event"
  if [ -x "$bin/convene-aggregation" ] && [ -n "${evaluation:-}" ]; then
    echo "     PATH=$bin:\$PATH convene report survey $evaluation --by gender"
  fi
  echo "Stop it with: deploy/local/stack.sh stop --data $CONVENE_DATA_DIR"
fi
