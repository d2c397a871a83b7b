#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every host package the platform needs, idempotently, on Debian 12.
# Nothing system-wide changes beyond ordinary package installs and one
# deb-src entry (needed by "apt-get source qemu").
set -euo pipefail

need_pkgs=(
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	linux-source-6.12 sparse flex bison bc libssl-dev libelf-dev cpio make gcc
	libc6-dev device-tree-compiler xz-utils kmod rsync python3 perl
	python3-ply python3-docutils meson ninja-build pkgconf libglib2.0-dev libpixman-1-dev zlib1g-dev
	libfdt-dev dpkg-dev git ca-certificates python3-matplotlib dt-schema
	lcov
)

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

srcfile=/etc/apt/sources.list.d/dart-platform-src.sources
want_update=0

# QEMU's source package needs a deb-src entry; mirror the existing deb lines.
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "setup-host: adding deb-src entry $srcfile"
	$SUDO tee "$srcfile" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
	want_update=1
fi

missing=()
for p in "${need_pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

# A deb-src list that was never fetched also needs an update.
if ! ls /var/lib/apt/lists/*Sources* >/dev/null 2>&1; then
	want_update=1
fi

if [ ${#missing[@]} -gt 0 ] || [ $want_update -eq 1 ]; then
	echo "setup-host: apt-get update"
	$SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup-host: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

ls /usr/src/linux-source-6.12.tar.* >/dev/null
echo "setup-host: host packages present"
