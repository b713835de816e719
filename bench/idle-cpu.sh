#!/bin/bash
# How much CPU the window uses while it sits idle (a hidden spinner that
# kept spinning once cost 2-6 %). Goal: 0.0 % over 20 s.
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

xvfb-run -a dbus-run-session -- bash -c "
  '$build/src/ui/xiaozhi-activator' & app=\$!
  $(declare -f cpu_ticks measure)
  seconds=$seconds
  measure \$app 'idle, empty window'
  kill \$app
"
