#!/bin/sh
# Each language in po/LINGUAS is valid, complete, and has every string of
# the sources (the template is regenerated from them here).
set -eu
src="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$src"
xgettext --from-code=UTF-8 --add-comments=Translators --keyword=_ --keyword=N_ \
  --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 --keyword=ngettext:1,2 --keyword=xa_text_append_plural:2,3 \
  --files-from=po/POTFILES.in --output="$work/template.pot" 2>/dev/null

status=0
for lang in $(grep -v '^#' po/LINGUAS); do
  po="po/$lang.po"
  if ! msgfmt --check --output-file=/dev/null "$po"; then
    echo "$po: msgfmt --check failed"
    status=1
    continue
  fi
  stats=$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$po" 2>&1)
  case "$stats" in
    *untranslated*|*fuzzy*) echo "$po: incomplete: $stats"; status=1 ;;
  esac
  msgmerge --quiet --no-fuzzy-matching "$po" "$work/template.pot" --output-file="$work/$lang.po"
  merged=$(LC_ALL=C msgfmt --statistics --output-file=/dev/null "$work/$lang.po" 2>&1)
  case "$merged" in
    *untranslated*|*fuzzy*) echo "$po: misses strings from the sources: $merged"; status=1 ;;
  esac
  echo "$po: $stats"
done
exit $status
