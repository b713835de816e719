#!/bin/sh
# The help in Mallard: every page of help/C valid, every link and every
# page reachable, and each language of help/LINGUAS complete (no message
# left untranslated or fuzzy) and valid once translated. $1 is help/.
set -eu
help=$(cd "$1" && pwd)
langs=$(cat "$help/LINGUAS")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$help/C"
yelp-check validate ./*.page
[ -z "$(yelp-check links .)" ] || { yelp-check links .; exit 1; }
[ -z "$(yelp-check orphans .)" ] || { yelp-check orphans .; exit 1; }
# Every figure a page shows is there in English; a language shows its
# own where it has a figures/ folder (else gnome.yelp installs the
# English one), and then has them all.
for src in $(sed -n 's/.*<media [^>]*src="\([^"]*\)".*/\1/p' ./*.page | sort -u); do
  [ -f "$src" ] || { echo "missing figure: C/$src"; exit 1; }
  for lang in $langs; do
    [ ! -d "$help/$lang/figures" ] || [ -f "$help/$lang/$src" ] || { echo "missing figure: $lang/$src"; exit 1; }
  done
done
itstool -o "$work/help.pot" ./*.page legal.xml
for lang in $langs; do
  po="$help/$lang/$lang.po"
  msgmerge --quiet --no-fuzzy-matching "$po" "$work/help.pot" -o "$work/$lang.po"
  left=$(msgattrib --untranslated --no-obsolete "$work/$lang.po" | awk '/^msgid/ {n++} END {print n + 0}')
  fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$work/$lang.po" | awk '/^msgid/ {n++} END {print n + 0}')
  # msgattrib prints a header entry when there is anything at all.
  if [ "${left:-0}" -gt 1 ] || [ "${fuzzy:-0}" -gt 0 ]; then
    echo "$lang: the help misses translations:"; msgattrib --untranslated --no-obsolete "$work/$lang.po" | grep '^msgid'
    exit 1
  fi
  msgfmt -c -o "$work/$lang.mo" "$po"
  mkdir -p "$work/$lang"
  itstool -m "$work/$lang.mo" -o "$work/$lang" ./*.page
  cp legal.xml "$work/$lang/"
  (cd "$work/$lang" && yelp-check validate ./*.page)
done
echo "help: valid, linked, complete in" $langs
