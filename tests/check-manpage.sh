#!/bin/sh
# Every command xiaozhictl --help lists, and every option each command's
# --help shows, is documented in xiaozhictl(1): $1 is xiaozhictl, $2 the
# page. Prints what is missing and fails.
set -eu
cli=$1
page=$2
# The page as a reader sees it: roff's "\-" is "-".
text=$(sed 's/\\-/-/g; s/\\f[BIR]//g' "$page")
missing=0

commands=$("$cli" --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
[ -n "$commands" ] || { echo "no commands read from $cli --help"; exit 1; }
for command in $commands; do
  if [ "$command" = device ]; then
    subs="add list show rename set remove"
  elif [ "$command" = mcp ]; then
    subs="add list show test export remove"
  else
    subs=-
  fi
  for sub in $subs; do
    if [ "$sub" = - ]; then words=$command; args=$command; else words="$command $sub"; args="$command $sub"; fi
    printf '%s\n' "$text" | grep -q "^\.SS $words\b" || { echo "missing: the command “$words”"; missing=1; }
    # shellcheck disable=SC2086
    for option in $("$cli" $args --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
      [ "$option" = --help ] && continue
      printf '%s\n' "$text" | grep -q -- "$option" || { echo "missing: $option of “$words”"; missing=1; }
    done
  done
done
exit $missing
