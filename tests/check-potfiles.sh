#!/bin/sh
# Every source file with a translatable string is listed in po/POTFILES.in.
set -eu
cd "$1"
status=0
for f in $(grep -rlE '(_|N_|C_|g_dngettext) ?\(|translatable="yes"' src data --include='*.c' --include='*.ui' --include='*.in' --include='*.xml'); do
  if ! grep -qx "$f" po/POTFILES.in; then
    echo "not in po/POTFILES.in: $f"
    status=1
  fi
done
while read -r f; do
  case "$f" in ''|'#'*) continue ;; esac
  if [ ! -f "$f" ]; then
    echo "listed in po/POTFILES.in but missing: $f"
    status=1
  fi
done < po/POTFILES.in
exit $status
