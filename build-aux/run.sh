#!/bin/bash
# Sets up what is missing, builds, installs into ./_install and starts the app.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

bash build-aux/install-deps.sh
# A build directory of its own: the test command's _build installs nowhere.
[ -d _build-run ] || meson setup _build-run --prefix="$top/_install" -Dui_tests=false
meson install -C _build-run --quiet

export XDG_DATA_DIRS="$top/_install/share:${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"
export GSETTINGS_SCHEMA_DIR="$top/_install/share/glib-2.0/schemas"
export PATH="$top/_install/bin:$PATH"

launch=(xiaozhi-activator "$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display here: starting the app on a virtual one (xvfb-run). In a desktop session it opens a window." >&2
  launch=(xvfb-run -a "${launch[@]}")
fi
# Settings, the keyring and notifications go over the session bus: a bare
# console has none (“Unable to acquire session bus”), so one is started.
if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ ! -S "${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/bus" ]; then
  echo "No session bus here: starting one for the app (dbus-run-session)." >&2
  launch=(dbus-run-session -- "${launch[@]}")
fi
exec "${launch[@]}"
