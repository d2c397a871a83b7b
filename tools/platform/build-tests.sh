#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-tests.sh STEP: the per-change build steps of make check.
#   modules     our kernel modules, W=1 and sparse (C=2); any warning fails
#   checkpatch  checkpatch.pl --strict over our kernel sources
#   oracle      the 6.12 tree's own apple-dart.c as oracle-apple-dart.ko
#               (test time only: it is built from the Debian tree, never
#               committed)
#   selftests   static arm64 kselftest binaries
#   initramfs   busybox + /init + scenarios + modules + selftests
. "$(dirname "$0")/lib.sh"

kb=$(kernel_build_dir)
src=$(linux_src_dir)
mods=$DART_OUT/modules

step_modules() {
	local log=$DART_OUT/modules-build.log
	make -C "$kb" M="$DART_TOP" W=1 C=2 -j"$JOBS" modules 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" -eq 0 ]
	if grep -E 'warning:|error:|WARNING:' "$log"; then
		echo "modules: the build above printed warnings"
		return 1
	fi
	rm -rf "$mods"
	mkdir -p "$mods"
	# Skip build output directories: out/ (or $DART_OUT) holds copies.
	find "$DART_TOP" \( -path "$DART_TOP/out" -o -path "$DART_OUT" \) -prune \
		-o -name '*.ko' -exec cp -t "$mods" {} +
	ls "$mods"
}

step_checkpatch() {
	local files
	files=$(cd "$DART_TOP" && git ls-files -co --exclude-standard \
		'drivers/*.[ch]' 'include/*.[ch]' 'tools/testing/*.[ch]')
	[ -n "$files" ] || return 0
	echo "checkpatch --strict: $(echo "$files" | wc -l) files"
	(cd "$DART_TOP" && "$src/scripts/checkpatch.pl" --strict --no-tree -q \
		--ignore FILE_PATH_CHANGES -f $files)
}

step_oracle() {
	local o=$DART_OUT/oracle
	rm -rf "$o"
	mkdir -p "$o" "$mods"
	cp "$src/drivers/iommu/apple-dart.c" "$o/"
	cat >"$o/Kbuild" <<KB
obj-m := oracle-apple-dart.o
oracle-apple-dart-y := apple-dart.o
ccflags-y += -I\$(srctree)/drivers/iommu
KB
	make -C "$kb" M="$o" -j"$JOBS" modules
	cp "$o/oracle-apple-dart.ko" "$mods/"
}

step_selftests() {
	local out=$DART_OUT/selftests
	rm -rf "$out"
	mkdir -p "$out"
	make -C "$DART_TOP/tools/testing/selftests/apple-dart" \
		CC=aarch64-linux-gnu-gcc KSFT_DIR="$src/tools/testing/selftests" \
		OUTPUT="$out" all
}

step_initramfs() {
	local r
	r=$(mktemp -d)
	mkdir -p "$r"/{bin,sbin,proc,sys,dev,tmp,etc,dart/modules,dart/bin,dart/scenarios}
	cp "$(busybox_dir)/root/bin/busybox" "$r/bin/"
	cp "$DART_TOP/tools/testing/guest/init" "$r/init"
	cp "$DART_TOP/tools/testing/guest/lib.sh" "$r/dart/"
	cp "$DART_TOP"/tools/testing/scenarios/*.sh "$r/dart/scenarios/"
	cp "$mods"/*.ko "$r/dart/modules/" 2>/dev/null || true
	find "$DART_OUT/selftests" -maxdepth 1 -type f -perm -u+x -exec cp -t "$r/dart/bin" {} +
	chmod +x "$r/init"
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) \
		>"$DART_OUT/initramfs.cpio.gz"
	rm -rf "$r"
	ls -la "$DART_OUT/initramfs.cpio.gz"
}

"step_$1"
