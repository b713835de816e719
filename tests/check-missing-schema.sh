#!/bin/sh
# The app, with no settings schema where GLib looks, exits 1 and says how
# to start it, rather than aborting in GSettings.
set -u
empty=$(mktemp -d)
trap 'rm -rf "$empty"' EXIT
out=$(GSETTINGS_SCHEMA_DIR="$empty" XDG_DATA_DIRS="$empty" LC_ALL=C.UTF-8 LANGUAGE= "$1" 2>&1)
status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit status 1, got $status: $out"
  exit 1
fi
case "$out" in
  *"are not installed where GLib looks for them"*GSETTINGS_SCHEMA_DIR*) exit 0 ;;
  *) echo "unexpected message: $out"; exit 1 ;;
esac
