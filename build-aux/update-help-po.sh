#!/bin/sh
# Brings help/LANG/LANG.po up to the pages of help/C: msgmerge with the
# template itstool makes, and each figure's entry (“external ref='…'
# md5='…'”, which changes when build-aux/screenshots.sh makes a new one)
# pointed at the language's own copy of that figure. New or changed text
# is left untranslated, for tests/check-help.sh to name.
set -eu
cd "$(dirname "$0")/../help"
pot=$(mktemp)
trap 'rm -f "$pot"' EXIT
(cd C && itstool -o "$pot" ./*.page legal.xml)
for lang in $(cat LINGUAS); do
  po="$lang/$lang.po"
  msgmerge --quiet --no-fuzzy-matching --no-wrap --update --backup=none "$po" "$pot"
  msgattrib --no-obsolete --no-wrap -o "$po" "$po"
  awk '/^msgid "external ref=/ { ref = $0; print; getline
                                 if ($0 == "msgstr \"\"") { sub(/^msgid/, "msgstr", ref); print ref } else print
                                 next }
       { print }' "$po" > "$po.new"
  mv "$po.new" "$po"
done
