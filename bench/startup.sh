#!/bin/bash
# How long until the first window is on screen, and how much memory it
# takes, against a bare libadwaita window (a header bar and a status page)
# started the same way, interleaved A B A B over several runs by farm-bench.
# Goal (issue 11.15): at most 1.2x the time and 1.05x the memory.
# Usage: bench/startup.sh [BUILD_DIR] [RUNS]   (needs xvfb-run and farm-bench)
set -euo pipefail
build=${1:-_build}
runs=${2:-15}
meson compile -C "$build" bench-startup >/dev/null
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache"
export GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory GIO_USE_PROXY_RESOLVER=dummy GTK_A11Y=none
bin="$build/bench/bench-startup"
xvfb-run -a dbus-run-session -- \
  farm-bench -n "$runs" --warmup 2 --vs "$bin --bare" -- "$bin"
