#!/usr/bin/env bash
# Runs the whole test pipeline (what .ci/run runs, uncached, every task to the end) from a fresh
# clone of HEAD while busy loops take the CPU, the way a CI machine running all 17 tasks at once
# on two cores is loaded. A test that fails here leans on timing; fix the test or the code.
#
#   scripts/test-under-load.sh [RUNS=1] [BUSY_LOOPS=4]
#
# Logs: $TMPDIR/bw-relay-load-N.log; a summary line per run on stdout. Exit 1 if any run failed.
set -uo pipefail
runs=${1:-1}
loops=${2:-4}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/bw-relay-load-XXXXXX")
git clone -q "$root" "$dir/repo" && cd "$dir/repo" || exit 2
export CI=true WRANGLER_SEND_METRICS=false TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
failed=0
pids=()
# Ctrl-C or an error must not leave the busy loops spinning.
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
for n in $(seq 1 "$runs"); do
  pids=()
  for _ in $(seq 1 "$loops"); do
    sh -c 'while :; do :; done' &
    pids+=($!)
  done
  log="${TMPDIR:-/tmp}/bw-relay-load-$n.log"
  start=$(date +%s)
  npx -y pnpm@12 exec turbo run typecheck lint test --force --continue --output-logs=errors-only >"$log" 2>&1
  rc=$?
  kill "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  echo "run $n: exit $rc after $(($(date +%s) - start)) s with $loops busy loops ($log)"
  if [ "$rc" -ne 0 ]; then
    failed=1
    sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E "×|FAIL|Failed:" | head -20
  fi
done
exit "$failed"
