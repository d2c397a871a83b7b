#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian's arm64 busybox-static for the guest initramfs, through a
# private apt state directory so the host never gains a foreign architecture.
. "$(dirname "$0")/lib.sh"

bbdir=$(busybox_dir)
cache_lock "$bbdir"
if cache_ready "$bbdir"; then
	echo "busybox: cached $bbdir"
	exit 0
fi
rm -rf "$bbdir"
apt=$bbdir/apt
mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$bbdir/root"
cat >"$apt/arm64.conf" <<CONF
Dir::State "$apt/state";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$apt/cache";
APT::Architecture "arm64";
APT::Architectures { "arm64"; };
APT::Sandbox::User "root";
CONF
export APT_CONFIG=$apt/arm64.conf
apt-get update -qq
(cd "$bbdir" && apt-get download -qq busybox-static:arm64)
dpkg-deb -x "$bbdir"/busybox-static_*_arm64.deb "$bbdir/root"
# e_machine 0xb7 is EM_AARCH64: refuse anything else.
[ "$(od -An -tx1 -j18 -N2 "$bbdir/root/bin/busybox" | tr -d ' ')" = b700 ]
rm -rf "$apt" "$bbdir"/*.deb
cache_commit "$bbdir"
echo "busybox: fetched"
