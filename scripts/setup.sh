#!/usr/bin/env bash
# Installs what World Page Speed needs and is missing: npm dependencies, Chromium and
# nats-server (which `wps dev` runs) from the OS packages when root (and, with
# --with-nats, what the tests need besides: strace — there a missing nats-server is an
# error, not a note; with --with-postgres, PostgreSQL's server), the built web page and
# the compiled build of `wps` itself (dist/app/, which bin/wps.mjs runs when current).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUPPETEER_SKIP_DOWNLOAD=1

with_nats=0
with_postgres=0
for arg in "$@"; do
  [ "$arg" = "--with-nats" ] && with_nats=1
  [ "$arg" = "--with-postgres" ] && with_postgres=1
done

say() { echo "[setup] $*" >&2; }

# npm dependencies: install when missing or when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

apt_updated=0
apt_install() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then return 1; fi
  if [ "$apt_updated" = 0 ]; then apt-get update -qq >/dev/null; apt_updated=1; fi
  say "installing $* from the OS packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_chrome() {
  if [ -n "${CHROME_PATH:-}" ]; then [ -x "$CHROME_PATH" ] && echo "$CHROME_PATH"; return; fi
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome /usr/bin/google-chrome-stable; do
    if [ -x "$c" ]; then echo "$c"; return; fi
  done
}

if [ -z "$(find_chrome)" ]; then
  if [ -n "${CHROME_PATH:-}" ]; then
    say "CHROME_PATH=$CHROME_PATH is not an executable file."; exit 1
  fi
  apt_install chromium || true
  if [ -z "$(find_chrome)" ]; then
    say "Chromium was not found and could not be installed (needs root and apt-get)."
    say "Install Chromium or Chrome, then set CHROME_PATH=/path/to/chrome."
    exit 1
  fi
fi

if ! command -v nats-server >/dev/null; then
  if ! apt_install nats-server; then
    if [ "$with_nats" = 1 ]; then
      say "nats-server is missing: install it (apt-get install nats-server) or put it on PATH."; exit 1
    fi
    say "nats-server is not installed; only \`wps dev\` needs it: apt-get install nats-server, or https://nats.io/download/"
  fi
fi
# strace: the test that proves a measurement reaches nothing past loopback traces one.
if [ "$with_nats" = 1 ] && ! command -v strace >/dev/null; then
  apt_install strace || { say "strace is missing: install it (apt-get install strace) or put it on PATH."; exit 1; }
fi

# PostgreSQL's server binaries live in /usr/lib/postgresql/<version>/bin, not on PATH; the
# tests start their own server from there on a temporary folder and port.
has_postgres() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }
if [ "$with_postgres" = 1 ] && ! has_postgres; then
  # Only the binaries are wanted: no "main" cluster created and started as a service.
  if [ "$(id -u)" = "0" ]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/wps-no-main-cluster.conf
  fi
  apt_install postgresql || true
  has_postgres || [ -n "${PG_BIN:-}" ] || { say "PostgreSQL is missing: install it (apt-get install postgresql) or set PG_BIN."; exit 1; }
fi

# The web page: build when missing or older than its sources.
if [ ! -f web/dist/index.html ] || [ -n "$(find web/src web/index.html web/vite.config.ts -newer web/dist/index.html 2>/dev/null | head -1)" ]; then
  say "building the web page"
  npx vite build web --logLevel warn
fi

# wps itself, compiled (scripts/build.mjs: esbuild into dist/app/), when a source is newer than the last build.
if ! node -e "import('./bin/build-state.mjs').then((m) => process.exit(m.buildIsCurrent() ? 0 : 1))"; then
  say "building wps (dist/app/)"
  node scripts/build.mjs
fi
