#!/bin/bash
# Makes data/screenshots/*.png from the real app: the widget test drives the
# window against the demo server and saves it in each state, in English,
# Chinese and German, at full width and at 360 px. Needs what
# build-aux/test.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

bash build-aux/install-deps.sh --tests
# Chinese text needs a CJK font; Chinese and German need their locales.
if [ "$(id -u)" -eq 0 ]; then
  dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null
  for loc in zh_CN de_DE; do
    if ! locale -a | grep -qi "^$loc.utf8\$"; then
      sed -i "s/^# *$loc.UTF-8/$loc.UTF-8/" /etc/locale.gen
      grep -q "^$loc.UTF-8" /etc/locale.gen || echo "$loc.UTF-8 UTF-8" >> /etc/locale.gen
      locale-gen >/dev/null
    fi
  done
fi
[ -d _build ] || meson setup _build
ninja -C _build
meson install -C _build --destdir "$top/_screenshots-root" --quiet >/dev/null
localedir=$(find "$top/_screenshots-root" -type d -path '*/share/locale' | head -n 1)

out="$top/data/screenshots"
mkdir -p "$out"
export G_TEST_SRCDIR="$top/tests" GSETTINGS_SCHEMA_DIR="$top/_build/data" GSETTINGS_BACKEND=memory \
       GTK_A11Y=none GIO_USE_PROXY_RESOLVER=dummy XA_SCREENSHOT_DIR="$out" XA_LOCALEDIR="$localedir"

shoot () {
  xvfb-run -a -s "-screen 0 1400x1000x24" \
    tests/with-keyring.sh _build/tests/test-window -p /xa/window/screenshots "$@"
}

LC_ALL=C.UTF-8 LANGUAGE= XA_SCREENSHOT_SUFFIX= shoot -p /xa/window/manager-placeholder
LC_ALL=zh_CN.UTF-8 LANGUAGE=zh_CN XA_SCREENSHOT_SUFFIX=-zh_CN shoot
# German has the longest words: the pages must still fit.
mkdir -p "$top/_build/screenshots-de"
LC_ALL=de_DE.UTF-8 LANGUAGE=de XA_SCREENSHOT_SUFFIX=-de XA_SCREENSHOT_DIR="$top/_build/screenshots-de" shoot
for state in activation valid rejected; do
  cp "$top/_build/screenshots-de/$state-de.png" "$out/"
done
# Narrow (360 px: a phone, a tiled half), in each language: the folded
# layout, the device page and the activation.
for lang in en zh_CN de; do
  case $lang in
    en) env="LC_ALL=C.UTF-8 LANGUAGE=" ;;
    zh_CN) env="LC_ALL=zh_CN.UTF-8 LANGUAGE=zh_CN" ;;
    de) env="LC_ALL=de_DE.UTF-8 LANGUAGE=de" ;;
  esac
  mkdir -p "$top/_build/screenshots-narrow"
  env $env XA_SCREENSHOT_WIDTH=360 XA_SCREENSHOT_SUFFIX="-$lang-360" \
    XA_SCREENSHOT_DIR="$top/_build/screenshots-narrow" bash -c "$(declare -f shoot); shoot"
  for state in valid activation; do
    cp "$top/_build/screenshots-narrow/$state-$lang-360.png" "$out/"
  done
done
# The help shows the same pictures, in its languages (help/LANG/figures).
help_figures="activation valid rejected diagnosis diagnosis-address diagnosis-certificate test-all mcp-accepted mcp-rejected"
mkdir -p "$top/help/C/figures" "$top/help/zh_CN/figures"
for state in $help_figures; do
  cp "$out/$state.png" "$top/help/C/figures/$state.png"
  cp "$out/$state-zh_CN.png" "$top/help/zh_CN/figures/$state.png"
done
sh build-aux/update-help-po.sh
rm -rf "$top/_screenshots-root"
ls -l "$out"
