#!/bin/bash
# Builds the Debian packages (xiaozhi-activator, xiaozhictl) into
# _packages/ and checks them with lintian: no error and no warning passes
# (debian/*.lintian-overrides say why each override is right).
# DEB_BUILD_OPTIONS=nocheck skips the build's own tests.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

bash build-aux/install-deps.sh --package

# dpkg-buildpackage writes next to the source tree: its results are moved
# into _packages/, and the tree is left clean.
out="$top/_packages"
rm -rf "$out"
mkdir -p "$out"
dpkg-buildpackage -b -us -uc
version=$(dpkg-parsechangelog -S Version)
for f in ../xiaozhi-activator_"$version"_*.{deb,changes,buildinfo} ../xiaozhictl_"$version"_*.deb \
         ../xiaozhi-activator-dbgsym_"$version"_*.deb ../xiaozhictl-dbgsym_"$version"_*.deb; do
  [ -e "$f" ] && mv "$f" "$out/"
done
dh_clean
lintian --fail-on error,warning --info --display-info "$out"/*.changes
ls "$out"/*.deb
