#!/usr/bin/env bash
# The test suite proper (scripts/test.sh installs what is missing and runs this, inside a
# loopback-only network namespace when it can): lint, type check, every test, then a
# check that no Chromium or runner process was left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUPPETEER_SKIP_DOWNLOAD=1

echo "== lint (biome)"
npx biome check .
echo "== typecheck (tsc)"
npx tsc --noEmit -p tsconfig.json

echo "== tests"
mapfile -t files < <(find src web/src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# Files run one at a time: they drive real browsers, and a 2-core machine measuring two
# pages at once falsifies the numbers the tests assert on. No single test may take more than
# 5 minutes: a hung one fails instead of holding up the whole run.
status=0
node --import tsx --test --test-concurrency=1 --test-timeout=300000 "${files[@]}" || status=$?

echo "== orphan check"
sleep 1
# Only processes started from this checkout count (their working folder is here): another
# checkout's suite on the same machine is not ours to judge.
here=$(pwd -P)
leftover=""
for pid in $(pgrep -f 'wps-chromium-|wps\.mjs runner' || true); do
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$here" ] || continue
  leftover+="$(ps -o pid=,args= -p "$pid" 2>/dev/null)"$'\n'
done
# PostgreSQL servers the tests started: their folder name carries this checkout's tag.
tag=$(printf %s "$here" | sha1sum | cut -c1-8)
for pid in $(pgrep -f "wps-pg-$tag-" || true); do
  leftover+="$(ps -o pid=,args= -p "$pid" 2>/dev/null)"$'\n'
done
leftover=${leftover%$'\n'}
if [ -n "$leftover" ]; then
  echo "Processes left behind by the suite:"; echo "$leftover"; status=1
else
  echo "no Chromium, runner or PostgreSQL process left behind"
fi
exit $status
