#!/bin/sh
# A World Page Speed node on Fly.io: nats-server beside it, routed to the app's other
# nodes, then `wps serve`. Runner machines are started with their own command
# (`node bin/wps.mjs runner`), so they never run this.
#
# NATS: unless NATS_URL is set (an existing NATS), each node runs nats-server on all
# its interfaces (Fly machines are reachable only over the app's private 6PN network
# and the ports fly.toml exposes, which do not include these), clustered with every
# address of `<app>.internal` that is not this machine. Nodes that start later find
# this one the same way, and NATS tells each newcomer about the rest, so the cluster
# joins up however the machines come and go. Runner machines also appear in that DNS
# record; their route attempts are refused and retried quietly — they run no NATS.
set -eu

if [ -z "${NATS_URL:-}" ]; then
  app="${FLY_APP_NAME:?FLY_APP_NAME is not set: is this running on Fly?}"
  self="${FLY_PRIVATE_IP:?FLY_PRIVATE_IP is not set: is this running on Fly?}"
  routes=""
  for ip in $(getent ahostsv6 "${app}.internal" | awk '{ print $1 }' | sort -u); do
    [ "$ip" = "$self" ] && continue
    routes="${routes:+$routes,}nats-route://[$ip]:6222"
  done
  echo "nats-server: routes ${routes:-none (first node)}" >&2
  if [ -n "$routes" ]; then
    nats-server -a '::' -p 4222 --cluster_name "$app" --cluster 'nats://[::]:6222' --routes "$routes" &
  else
    nats-server -a '::' -p 4222 --cluster_name "$app" --cluster 'nats://[::]:6222' &
  fi
  export NATS_URL="nats://127.0.0.1:4222"
  # runner machines dial this node's own nats-server over 6PN
  export WPS_RUNNER_NATS_URL="nats://[${self}]:4222"
fi

exec node bin/wps.mjs serve
