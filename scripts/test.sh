#!/usr/bin/env bash
# The whole test suite: installs what is missing, lints, type-checks, runs every test
# (unit, integration with real Chromium, nats-server and PostgreSQL, end-to-end), then checks that
# no Chromium or runner process was left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-nats --with-postgres

echo "== lint (biome)"
npx biome check .
echo "== typecheck (tsc)"
npx tsc --noEmit -p tsconfig.json

echo "== tests"
mapfile -t files < <(find src web/src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
# Files run one at a time: they drive real browsers, and a 2-core machine measuring two
# pages at once falsifies the numbers the tests assert on.
status=0
node --import tsx --test --test-concurrency=1 "${files[@]}" || status=$?

echo "== orphan check"
sleep 1
leftover=$(pgrep -af 'wps-chromium-|wps\.mjs runner|wps-pg-' | grep -v pgrep || true)
if [ -n "$leftover" ]; then
  echo "Processes left behind by the suite:"; echo "$leftover"; status=1
else
  echo "no Chromium or runner process left behind"
fi
exit $status
