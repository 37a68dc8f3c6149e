#!/usr/bin/env bash
# `npm test` N times in a row (default 20) while a second `npm test` runs over and over beside it: the suite must not
# depend on the machine being idle. Prints one line per run and exits non-zero if any run of the measured series failed
# (the load runs beside it are counted and reported too).
#   scripts/test-under-load.sh [runs]
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
logs=$(mktemp -d "${TMPDIR:-/tmp}/pm-under-load-XXXXXX")
trap 'kill -- -$load 2>/dev/null; wait 2>/dev/null; rm -rf "$logs"' EXIT
set -m
# The load: the same suite, again and again, until the measured series ends. It is killed mid-run at the end, before
# its own clean-up: its temporary files go under $logs, which the trap removes.
mkdir -p "$logs/tmp"
( export TMPDIR="$logs/tmp"; n=0; while :; do n=$((n + 1)); if npx vitest run >"$logs/load-$n.log" 2>&1; then echo ok >"$logs/load-$n.result"; else echo FAILED >"$logs/load-$n.result"; cp "$logs/load-$n.log" "$logs/load-$n.failed.log"; fi; done ) &
load=$!
failed=0
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  if npx vitest run >"$logs/run.log" 2>&1; then result=passed; else result=FAILED; failed=$((failed + 1)); cp "$logs/run.log" "$logs/run-$i.failed.log"; fi
  summary=$(sed 's/\x1b\[[0-9;]*m//g' "$logs/run.log" | grep -E "^ +Tests +[0-9]" | tr -s ' ' | sed 's/^ //' | head -1)
  echo "run $i/$runs: $result in $(( $(date +%s) - started )) s ($summary; load average $(cut -d' ' -f1 /proc/loadavg))"
  if [ "$result" = FAILED ]; then grep -E "FAIL|AssertionError|Error:" "$logs/run.log" | sed 's/\x1b\[[0-9;]*m//g' | head -20; fi
done
kill -- -$load 2>/dev/null; wait 2>/dev/null
load_ok=$(cat "$logs"/load-*.result 2>/dev/null | grep -c ok); load_failed=$(cat "$logs"/load-*.result 2>/dev/null | grep -c FAILED)
echo "measured: $((runs - failed)) of $runs passed; beside them: $load_ok load runs passed, $load_failed failed (an interrupted last run is not counted)"
for f in "$logs"/load-*.failed.log; do [ -e "$f" ] || continue; echo "--- $(basename "$f")"; grep -E "FAIL|AssertionError|Error:" "$f" | sed 's/\x1b\[[0-9;]*m//g' | head -20; done
[ "$failed" -eq 0 ]
