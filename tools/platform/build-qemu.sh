#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build qemu-system-aarch64 from Debian's QEMU 7.2 source package plus the
# project's device models (tools/qemu/overlay: new files copied into the
# tree; tools/qemu/patches: the small glue to QEMU's own files).
#
# The trusted artifact is bin/<hash>/qemu-system-aarch64, keyed by the source
# package version and a hash of tools/qemu and this script.  Building it uses
# one scratch source+build pair per QEMU version, which is refreshed with
# content-checksummed copies so that ninja recompiles only what changed.
. "$(dirname "$0")/lib.sh"

ver=$(qemu_src_version)
[ -n "$ver" ] || { echo "build-qemu: no qemu source package (deb-src entry missing?)"; exit 1; }
base=$DART_CACHE/qemu/${ver//[:+~]/_}
bin=$(qemu_bin_dir)
if cache_ready "$bin"; then
	echo "qemu: cached $bin"
	exit 0
fi

# The scratch tree is shared by every checkout on this machine: one build at
# a time.
cache_lock "$base"
cache_ready "$bin" && { echo "qemu: cached $bin"; exit 0; }

pristine=$base/pristine
if ! cache_ready "$pristine"; then
	rm -rf "$pristine" "$pristine.tmp"
	mkdir -p "$pristine.tmp"
	(cd "$pristine.tmp" && apt-get source -qq "qemu=$ver" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
	dir=$(find "$pristine.tmp" -mindepth 1 -maxdepth 1 -type d -name 'qemu-*')
	[ -n "$dir" ] || { echo "build-qemu: apt-get source qemu failed"; exit 1; }
	mv "$dir" "$pristine"
	rm -rf "$pristine.tmp"
	cache_commit "$pristine"
fi

# Stage: pristine + overlay + patches, then sync into the scratch tree by
# content so unchanged files keep their timestamps.
stagedir=$base/stage
rm -rf "$stagedir"
cp -a "$pristine" "$stagedir"
rm -f "$stagedir/.complete"
if [ -d "$DART_TOP/tools/qemu/overlay" ]; then
	cp -r "$DART_TOP/tools/qemu/overlay/." "$stagedir/"
fi
# The engines' register maps are shared with the guest's tests.
for h in "${qemu_shared_headers[@]}"; do
	cp "$h" "$stagedir/include/hw/misc/"
done
cp "$DART_TOP/tools/qemu/dart-devices.mak" \
	"$stagedir/configs/devices/aarch64-softmmu/dart.mak"
for p in "$DART_TOP"/tools/qemu/patches/*.patch; do
	[ -e "$p" ] || continue
	echo "applying $(basename "$p")"
	patch -d "$stagedir" -p1 --quiet --forward <"$p"
done
mkdir -p "$base/src"
rsync -rlc --delete "$stagedir/" "$base/src/"
rm -rf "$stagedir"

build=$base/build
if [ ! -e "$build/build.ninja" ]; then
	rm -rf "$build"
	mkdir -p "$build"
	(cd "$build" && "$base/src/configure" --target-list=aarch64-softmmu \
		--without-default-features --without-default-devices \
		--with-devices-aarch64=dart --enable-fdt=system --enable-tcg \
		--disable-docs --disable-install-blobs --disable-werror)
fi
ninja -C "$build" -j"$JOBS" qemu-system-aarch64

rm -rf "$bin"
mkdir -p "$bin"
cp "$build/qemu-system-aarch64" "$bin/"
cache_commit "$bin"
echo "qemu: built $bin"
