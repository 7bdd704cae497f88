#!/usr/bin/env bash
# The whole test suite: installs what is missing (PostgreSQL's server included), then runs the suite (scripts/suite.sh:
# lint, type check, every test, the orphan check) inside a network namespace that has
# only loopback when this machine allows one, so any traffic past loopback fails loudly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-nats --with-postgres

# Root, unshare and ip: a fresh network namespace with `lo` up. Every test starts its own
# servers (nats-server, fixtures, …) on loopback inside it.
if [ "$(id -u)" = "0" ] && command -v unshare >/dev/null && command -v ip >/dev/null && unshare -n true 2>/dev/null; then
  echo "== running the suite in a network namespace with only loopback (unshare -n)"
  exec unshare -n bash -c 'ip link set lo up && exec bash scripts/suite.sh'
fi
echo "== running the suite WITHOUT a network namespace (needs root, unshare and ip): traffic past loopback is not stopped"
exec bash scripts/suite.sh
