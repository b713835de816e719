#!/bin/sh
# Runs a test against a fresh, unlocked gnome-keyring of its own, on a
# session bus of its own: tests run in parallel, and two keyrings on one
# bus would fight over the Secret Service name.
set -eu
if [ -z "${XA_OWN_BUS:-}" ]; then
  XA_OWN_BUS=1 exec dbus-run-session --config-file="$(dirname "$0")/session-bus.conf" -- "$0" "$@"
fi

home=$(mktemp -d)
trap 'kill "$keyring_pid" 2>/dev/null || true; rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf 'test-password' | gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!
# Tests that restart the Secret Service stop this one first.
export XA_KEYRING_PID=$keyring_pid
# Wait until it owns the Secret Service name.
for i in $(seq 50); do
  if gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
       --method org.freedesktop.DBus.NameHasOwner org.freedesktop.secrets 2>/dev/null | grep -q true; then
    break
  fi
  sleep 0.1
done
"$@"
