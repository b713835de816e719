#!/bin/sh
# Each manual page reads without a warning from groff, checked as lintian
# checks it (a line that starts with "." or "'" is a request, and text is
# lost): the package build would fail on it, so the tests say it first.
set -eu
status=0
for page in "$@"; do
  warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null)
  if [ -n "$warnings" ]; then
    printf '%s:\n%s\n' "$page" "$warnings"
    status=1
  fi
done
exit $status
