#!/bin/sh
# Runs a window test the way a screen reader user runs the app: GTK's
# AT-SPI backend on, an accessibility bus, and tests/atspi-reader.py
# reading the whole tree and listening to its events all the while.
# Run inside tests/with-keyring.sh (it needs that session bus).
set -eu
here=$(dirname "$0")
/usr/libexec/at-spi-bus-launcher --launch-immediately >/dev/null 2>&1 &
launcher=$!
reader=
trap 'kill "$launcher" $reader 2>/dev/null || true' EXIT
# Wait until the accessibility bus answers.
for i in $(seq 50); do
  if gdbus call --session --dest org.a11y.Bus --object-path /org/a11y/bus \
       --method org.a11y.Bus.GetAddress >/dev/null 2>&1; then
    break
  fi
  sleep 0.1
done
out=$(mktemp)
# Its own GLib warnings (an object gone while read) are not the app's.
G_DEBUG= /usr/bin/python3 "$here/atspi-reader.py" >"$out" 2>&1 &
reader=$!
sleep 1
status=0
GTK_A11Y=atspi XA_READER_ROUNDS=${XA_READER_ROUNDS:-20} "$@" || status=$?
kill -TERM "$reader"
wait "$reader" || status=$?
reader=
cat "$out"
# The reader must really have read the app, or this test proves nothing.
grep -q 'read [1-9][0-9]* objects' "$out" || status=1
rm -f "$out"
exit "$status"
