#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-tests.sh STEP: the per-change build steps of make check.
#   modules     our kernel modules, W=1 and sparse (C=2); any warning fails
#               (DART_SPARSE=0, as make run sets it: without sparse)
#   checkpatch  checkpatch.pl --strict and kernel-doc -Wall over our kernel
#               sources
#   oracle      the 6.12 tree's own apple-dart.c as oracle-apple-dart.ko
#               (test time only: it is built from the Debian tree, never
#               committed)
#   selftests   static arm64 kselftest binaries
#   intree      generate the in-tree patch series, checkpatch it, apply it
#               to a 6.12 tree and build drivers/iommu/ with our driver
#               built in (W=1, sparse); a warning in our files fails; then
#               build and install its kselftests with the tree's own
#               "make -C tools/testing/selftests TARGETS=apple-dart"
#   initramfs   busybox + /init + scenarios + modules + selftests
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/intree-lib.sh"

kb=$(kernel_build_dir)
src=$(linux_src_dir)
mods=$DART_OUT/modules

step_modules() {
	local log=$DART_OUT/modules-build.log top=$DART_TOP
	local sparse=C=2
	[ "${DART_SPARSE:-1}" = 0 ] && sparse=
	# Against another kernel variant, build in a copy of the sources:
	# kbuild puts objects next to them (6.12 has no separate output
	# directory for external modules), and the two builds must not mix.
	if [ "$DART_KERNEL" != test ]; then
		top=$DART_OUT/src
		mkdir -p "$top"
		(cd "$DART_TOP" && git ls-files -co --exclude-standard -z |
			rsync -ac --from0 --files-from=- . "$top/")
	fi
	# make coverage: gcov instruments every object of ours (the kernel
	# itself is not: it has no GCOV_PROFILE_ALL).
	local gcov=
	[ "$DART_KERNEL" = coverage ] && gcov=GCOV_PROFILE=y
	make -C "$kb" M="$top" W=1 $sparse $gcov -j"$JOBS" modules 2>&1 | tee "$log"
	[ "${PIPESTATUS[0]}" -eq 0 ]
	if grep -E 'warning:|error:|WARNING:' "$log"; then
		echo "modules: the build above printed warnings"
		return 1
	fi
	rm -rf "$mods"
	mkdir -p "$mods"
	# Exactly the modules this build made (kbuild lists them in
	# modules.order), not every .ko lying in the tree: a module left
	# behind by an older layout must not be packed, or clash by name.
	(cd "$top" && sed 's/\.o$/.ko/' modules.order | xargs -r cp -t "$mods")
	ls "$mods"
}

step_checkpatch() {
	local files
	files=$(cd "$DART_TOP" && git ls-files -co --exclude-standard \
		'drivers/*.[ch]' 'tools/testing/*.[ch]')
	[ -n "$files" ] || return 0
	echo "checkpatch --strict: $(echo "$files" | wc -l) files"
	(cd "$DART_TOP" && "$src/scripts/checkpatch.pl" --strict --no-tree -q \
		--ignore FILE_PATH_CHANGES -f $files)
	# kernel-doc: every documented item complete and well-formed.
	local kd
	kd=$(cd "$DART_TOP" && "$src/scripts/kernel-doc" -none -Wall $files 2>&1)
	if [ -n "$kd" ]; then
		echo "$kd"
		echo "kernel-doc: the warnings above must be fixed"
		return 1
	fi
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
	# The kernel's own dma_map_benchmark tool, for make bench and its smoke
	# (built from the 6.12 tree at test time, never committed).
	# Its header is not uapi: give it a private include directory rather
	# than the kernel's include/, whose linux/types.h would clash.
	mkdir -p "$DART_OUT/dmb-include/linux"
	cp "$src/include/linux/map_benchmark.h" "$DART_OUT/dmb-include/linux/"
	aarch64-linux-gnu-gcc -O2 -Wall -static -I"$DART_OUT/dmb-include" \
		-o "$out/dma_map_benchmark" \
		"$src/tools/testing/selftests/dma/dma_map_benchmark.c" -lpthread
}

step_initramfs() {
	local r
	r=$(mktemp -d)
	mkdir -p "$r"/{bin,sbin,proc,sys,dev,tmp,etc,dart/modules,dart/bin,dart/scenarios}
	cp "$(busybox_dir)/root/bin/busybox" "$r/bin/"
	cp "$DART_TOP/tools/testing/guest/init" "$r/init"
	cp "$DART_TOP/tools/testing/guest/lib.sh" "$r/dart/"
	# The register map the guest's scripts read with devmem, as shell
	# variables taken from the one header QEMU and the C tests include.
	header_regs_sh "$DART_TOP/tools/testing/include/apple-dart-display-regs.h" \
		ADD >"$r/dart/regs.sh"
	grep -q '^ADD_FRAMES=' "$r/dart/regs.sh" ||
		{ echo "initramfs: no ADD_* registers found for regs.sh"; return 1; }
	cp "$DART_TOP"/tools/testing/guest/scenarios/*.sh "$r/dart/scenarios/"
	cp "$mods"/*.ko "$r/dart/modules/" 2>/dev/null || true
	find "$DART_OUT/selftests" -maxdepth 1 -type f -perm -u+x -exec cp -t "$r/dart/bin" {} +
	chmod +x "$r/init"
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1) \
		>"$DART_OUT/initramfs.cpio.gz"
	rm -rf "$r"
	ls -la "$DART_OUT/initramfs.cpio.gz"
}

step_intree() {
	local base tree build series f want
	base=$(intree_base)
	tree=$base/src
	build=$base/build
	series=$DART_OUT/patches
	# The tree and build directory are shared by every checkout.
	cache_lock "$base"
	python3 "$DART_TOP/tools/intree/make-series.py" "$src" "$DART_TOP" "$series"
	intree_apply "$series"
	# checkpatch from the patched tree, so it knows the binding the
	# series itself updates.
	(cd "$tree" && scripts/checkpatch.pl --strict -q "$series"/000[1-9]*.patch)

	mkdir -p "$build"
	want=$build/.config.want
	cp "$kb/.config" "$want"
	"$tree/scripts/config" --file "$want" -e ARCH_APPLE -e IOMMU_IO_PGTABLE_DART \
		-e IOMMU_IO_PGTABLE_DART_KUNIT_TEST -e APPLE_DART -e APPLE_DART_KUNIT_TEST
	if ! cmp -s "$want" "$build/.config.last"; then
		cp "$want" "$build/.config"
		cp "$want" "$build/.config.last"
	fi
	make -C "$tree" O="$build" olddefconfig
	for f in IOMMU_IO_PGTABLE_DART IOMMU_IO_PGTABLE_DART_KUNIT_TEST APPLE_DART \
		APPLE_DART_KUNIT_TEST; do
		grep -qx "CONFIG_$f=y" "$build/.config" ||
			{ echo "intree: CONFIG_$f is not y"; return 1; }
	done
	make -C "$tree" O="$build" -j"$JOBS" W=1 C=2 drivers/iommu/ 2>&1 |
		tee "$DART_OUT/intree-build.log"
	[ "${PIPESTATUS[0]}" -eq 0 ]
	# The tree's own files may warn under W=1/sparse; ours must not.
	if grep -E 'drivers/iommu/(io-pgtable-dart|apple-dart)[^/ ]*\.[ch]:[0-9]+(:[0-9]+)?: (warning|error)' \
		"$DART_OUT/intree-build.log"; then
		echo "intree: our files warn when built in-tree"
		return 1
	fi
	# Built in, composite objects go straight into built-in.a.
	for f in io-pgtable-dart.o io-pgtable-dart_kunit.o apple-dart.o \
		apple-dart_kunit.o; do
		aarch64-linux-gnu-ar t "$build/drivers/iommu/built-in.a" | grep -q "drivers/iommu/$f$" ||
			{ echo "intree: $f is not in drivers/iommu/built-in.a"; return 1; }
	done

	# The kselftests the series adds, built the upstream way: the tree's
	# selftests Makefile and lib.mk, cross-compiled, installed with the
	# kselftest runner and its list.
	local ksft=$build/kselftest-out t
	rm -rf "$ksft"
	make -C "$tree/tools/testing/selftests" TARGETS=apple-dart O="$ksft" \
		INSTALL_PATH="$ksft/install" install
	# TEST_GEN_PROGS, continuation lines included.
	for t in $(sed -n '/^TEST_GEN_PROGS :=/,/[^\\]$/{s/^TEST_GEN_PROGS :=//;s/\\$//;p}' \
		"$DART_TOP/tools/testing/selftests/apple-dart/Makefile"); do
		grep -qx "apple-dart:$t" "$ksft/install/kselftest-list.txt" ||
			{ echo "intree: kselftest $t is not in kselftest-list.txt"; return 1; }
		# Static arm64, as the guest needs (no ELF interpreter).
		f=$ksft/install/apple-dart/$t
		aarch64-linux-gnu-readelf -h "$f" | grep -q 'Machine:.*AArch64' &&
			! aarch64-linux-gnu-readelf -l "$f" | grep -q INTERP ||
			{ echo "intree: $f is not a static arm64 binary"; return 1; }
	done
	echo "intree: series in $series applies and builds, kselftests included"
}

"step_$1"
