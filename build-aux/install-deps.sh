#!/bin/bash
# Installs what building, running and testing need on Debian 12, as root.
# With --tests, also what only the tests use: the zh_CN.UTF-8 and de_DE.UTF-8
# locales, mosquitto, the AT-SPI bus with its Python bindings, and what
# building, checking and trying the Debian packages takes. With --package,
# only the latter.
# Does nothing when everything is already there.
set -euo pipefail

packages=(
  gcc clang libclang-rt-14-dev pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libsecret-1-dev libqrencode-dev glib-networking
  libmosquitto-dev
  desktop-file-utils appstream itstool
  xvfb xauth dbus gnome-keyring
  locales
)

# Only for the tests (--tests): a mosquitto broker (each MQTT test starts
# its own; on a desktop the package would also start a system service,
# which running the app does not need), and the accessibility bus and
# bindings of the screen-reader test.
if [ "${1:-}" = "--tests" ]; then
  packages+=(mosquitto at-spi2-core python3 python3-gi gir1.2-atspi-2.0)
fi
# The Debian packages (build-aux/package.sh) and the check of the installed
# ones (build-aux/check-installed.sh: xwininfo sees the app's window).
if [ "${1:-}" = "--tests" ] || [ "${1:-}" = "--package" ]; then
  packages+=(dpkg-dev debhelper lintian pkgconf x11-utils man-db)
fi
# The help's validator and translation tool, and the Flatpak manifest's parser.
if [ "${1:-}" = "--tests" ]; then
  packages+=(yelp-tools flatpak-builder valgrind)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# The translation tests (--tests) run in Chinese and German (the longest
# words): they need their locales.
test_locales=(zh_CN de_DE)
need_locale=0
if [ "${1:-}" = "--tests" ]; then
  for loc in "${test_locales[@]}"; do
    locale -a 2>/dev/null | grep -qi "^$loc.utf8\$" || need_locale=1
  done
fi

if [ ${#missing[@]} -eq 0 ] && [ $need_locale -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing packages: ${missing[*]} (or the ${test_locales[*]} UTF-8 locales)" >&2
  echo "Run this again as root (or with sudo) to install them." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [ $need_locale -eq 1 ]; then
  for loc in "${test_locales[@]}"; do
    sed -i "s/^# *$loc.UTF-8/$loc.UTF-8/" /etc/locale.gen
    grep -q "^$loc.UTF-8" /etc/locale.gen || echo "$loc.UTF-8 UTF-8" >> /etc/locale.gen
  done
  locale-gen >/dev/null
fi
