#!/bin/bash
# Installs the packages build-aux/package.sh made, checks them as a user
# would, then purges them and checks that nothing of them is left. As root,
# on a Debian 12 machine with what `install-deps.sh --tests` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD
debs=("$top"/_packages/xiaozhictl_*_*.deb "$top"/_packages/xiaozhi-activator_*_*.deb)
work=$(mktemp -d)
demo=
trap '[ -z "$demo" ] || kill "$demo" 2>/dev/null || true; rm -rf "$work"' EXIT
fail () { echo "installed packages: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
# Without what they only recommend (yelp): the machine stays as it was.
apt-get install -y -qq --no-install-recommends "${debs[@]}" >/dev/null
dpkg-query -L xiaozhictl xiaozhi-activator | while read -r f; do [ -d "$f" ] || echo "$f"; done > "$work/files"
grep -q '^/usr/bin/xiaozhictl$' "$work/files" || fail "xiaozhictl is not in /usr/bin"
grep -q '^/usr/bin/xiaozhi-activator$' "$work/files" || fail "xiaozhi-activator is not in /usr/bin"

# The CLI: its version, its Chinese, its manual, and a Test against the
# installed demo server (a single-module server gives a token at once).
[ "$(xiaozhictl --version)" = "xiaozhictl $(dpkg-query -W -f='${Version}' xiaozhictl)" ] || fail "wrong --version"
LANGUAGE=zh_CN LC_ALL=zh_CN.UTF-8 xiaozhictl --help | grep -q '激活' || fail "xiaozhictl --help is not Chinese in zh_CN"
man -w xiaozhictl >/dev/null && man -w xiaozhi-demo-server >/dev/null && man -w xiaozhi-activator >/dev/null ||
  fail "a manual page is missing"
xiaozhi-demo-server --mode single-module > "$work/demo.out" &
demo=$!
for _ in $(seq 50); do grep -q '^  WebSocket:' "$work/demo.out" && break; sleep 0.1; done
ota=$(sed -n 's/^  OTA address: *//p' "$work/demo.out")
[ -n "$ota" ] || fail "the demo server did not start"
timeout 60 xiaozhictl activate --ota-url "$ota" --json > "$work/activated.json" || fail "activate failed"
read -r url token device client < <(python3 -c 'import json, sys; a = json.load(open(sys.argv[1]));
print(a["websocket_url"], a["token"], a["device_id"], a["client_id"])' "$work/activated.json")
timeout 60 xiaozhictl test --ota-url "$ota" --url "$url" --device-id "$device" --client-id "$client" --token - \
  <<<"$token" > "$work/test.out" || fail "the Test of the issued token failed: $(cat "$work/test.out")"
grep -q 'Token is valid' "$work/test.out" || fail "the Test did not say the token is valid"
kill "$demo"
wait "$demo" 2>/dev/null || true
demo=

# The app: its help is there in English and Chinese, its files validate, and started as its desktop file says, it
# draws its window.
grep -q '^/usr/share/help/C/.*/index.page$' "$work/files" && grep -q '^/usr/share/help/zh_CN/.*/index.page$' "$work/files" ||
  fail "the help is not installed"
desktop=$(grep '^/usr/share/applications/.*\.desktop$' "$work/files")
metainfo=$(grep '^/usr/share/metainfo/.*\.xml$' "$work/files")
desktop-file-validate "$desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$metainfo" >/dev/null || fail "appstreamcli validate"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
cat > "$work/start.sh" <<SCRIPT
#!/bin/sh
GDK_BACKEND=x11 $exec_line &
app=\$!
found=1
for _ in \$(seq 150); do
  if xwininfo -root -tree | grep -q '"Xiaozhi Activator"'; then found=0; break; fi
  sleep 0.2
done
kill \$app
exit \$found
SCRIPT
xvfb-run -a -s "-screen 0 1024x768x24" dbus-run-session -- sh "$work/start.sh" || fail "the app drew no window"

# Purged, nothing of them is left.
apt-get purge -y -qq xiaozhictl xiaozhi-activator >/dev/null
while read -r f; do [ ! -e "$f" ] || fail "$f is left after the purge"; done < "$work/files"
! dpkg-query -W -f='${Status}\n' xiaozhictl xiaozhi-activator 2>/dev/null | grep -q 'installed' ||
  fail "still installed after the purge"
echo "installed packages: checked ($(wc -l < "$work/files") files), purged"
