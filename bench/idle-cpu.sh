#!/bin/bash
# How much CPU the window uses while it sits idle (a hidden spinner that
# kept spinning once cost 2-6 %). Goal: 0.0 % over 20 s for the empty
# window; at most 0.3 % for the activation page waiting for its code, which
# says "checked N seconds ago" every second and polls the server (a demo
# server in a process of its own).
# Usage: bench/idle-cpu.sh [BUILD_DIR]   (needs xvfb-run; run from the checkout)
set -euo pipefail
build=${1:-_build}
seconds=${XA_IDLE_SECONDS:-20}
home=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config"
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory GIO_USE_PROXY_RESOLVER=dummy

cpu_ticks () { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

measure () {
  local pid=$1 label=$2 before after hz
  hz=$(getconf CLK_TCK)
  sleep 3
  before=$(cpu_ticks "$pid")
  sleep "$seconds"
  after=$(cpu_ticks "$pid")
  awk -v d=$((after - before)) -v hz="$hz" -v s="$seconds" -v l="$label" \
    'BEGIN { printf "%-28s %6.2f %% CPU over %d s\n", l, 100 * d / hz / s, s }'
}

# A keyring of its own, unlocked (the device's keys go there), as the tests
# have: a locked one would sit at a password prompt.
xvfb-run -a tests/with-keyring.sh bash -c "
  '$build/src/ui/xiaozhi-activator' & app=\$!
  $(declare -f cpu_ticks measure)
  seconds=$seconds
  measure \$app 'idle, empty window'
  kill \$app

  stdbuf -oL '$build/src/server/xiaozhi-demo-server' --port 0 --mode official > '$home/server.txt' & server=\$!
  until grep -q 'OTA address' '$home/server.txt'; do sleep 0.2; done
  ota=\$(sed -n 's/^ *OTA address: *//p' '$home/server.txt')
  '$build/bench/bench-idle-waiting' \"\$ota\" & app=\$!
  sleep 3
  measure \$app 'idle, waiting for the code'
  kill \$app \$server
"
