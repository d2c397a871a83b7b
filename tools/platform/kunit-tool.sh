#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kunit-tool.sh: run the in-tree series' KUnit suites the upstream way, so
# that path does not rot: in the shared patched 6.12 tree (intree-lib.sh,
# after the intree stage wrote $DART_OUT/patches),
#
#   tools/testing/kunit/kunit.py run --arch=arm64 --kunitconfig=drivers/iommu
#       --qemu_config=tools/platform/kunit_qemu_apple_dart.py
#
# which builds a kernel with drivers/iommu/.kunitconfig (the driver, the
# backend and both suites built in) and boots it on our QEMU's
# virt,apple-dart=full.  The build directory is cached, keyed by the
# kunitconfig and the qemu config; it is rebuilt (incrementally) only when
# the series changed, otherwise the cached kernel is booted again with
# "kunit.py exec".
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/intree-lib.sh"

T=$DART_TOP/tools/platform
series=$DART_OUT/patches
qconf=$T/kunit_qemu_apple_dart.py
base=$(intree_base)
tree=$base/src
# What decides the kernel's configuration; the series itself is the
# .series stamp below, so a driver change rebuilds incrementally.
kdir=$DART_CACHE/kunit/$(deb_version linux-source-6.12)-$(hash_of \
	"$DART_TOP/drivers/iommu/.kunitconfig" "$qconf")
log=$DART_OUT/kunit-tool.log
# The suites the series adds; each must have run and passed.
suites="io-pgtable-dart apple_dart_decode apple_dart_probe apple_dart_attach"

ls "$series"/000[1-9]*.patch >/dev/null ||
	{ echo "kunit-tool: no series in $series (the intree stage makes it)"; exit 1; }
want=$(cat "$series"/000[1-9]*.patch "$DART_TOP/drivers/iommu/.kunitconfig" | sha256sum | cut -c1-16)
export DART_QEMU_DIR
DART_QEMU_DIR=$(qemu_bin_dir)

# The tree is shared with the intree stage of every checkout, and the
# build directory only changes while the tree holds this series.
cache_lock "$base"
args=(--arch=arm64 --qemu_config="$qconf" --build_dir="$kdir" --timeout=600)
if cache_ready "$kdir" && [ "$(cat "$kdir/.series" 2>/dev/null)" = "$want" ]; then
	echo "kunit-tool: kernel cached in $kdir for this series"
	# The build directory keeps its .kunitconfig: the tree need not hold
	# this series now.
	cmd=(exec)
else
	intree_apply "$series"
	mkdir -p "$kdir"
	rm -f "$kdir/.complete" "$kdir/.series"
	cmd=(run --kunitconfig=drivers/iommu --cross_compile=aarch64-linux-gnu-
		--jobs="$JOBS")
fi
rc=0
(cd "$tree" && python3 tools/testing/kunit/kunit.py "${cmd[@]}" "${args[@]}") 2>&1 |
	tee "$log" || rc=$?
[ "$rc" -eq 0 ] || { echo "kunit-tool: kunit.py ${cmd[0]} failed (rc $rc)"; exit 1; }
for s in $suites; do
	# kunit.py closes each suite with "==== [PASSED] SUITE ====".
	grep -qE "=+ \[PASSED\] $s =+\$" "$log" ||
		{ echo "kunit-tool: suite $s did not run and pass"; exit 1; }
done
# kunit.py keeps the whole console in test.log: the built-in driver
# probed all eleven DARTs of apple-dart=full, and nothing warned.
n=$(grep -cE 'apple-dart [0-9a-f]+\.iommu: .* DART: [0-9]+ streams' "$kdir/test.log" || true)
[ "$n" -eq 11 ] || { echo "kunit-tool: $n of 11 DARTs probed (see $kdir/test.log)"; exit 1; }
if grep -E 'WARNING:|BUG:|Oops|Unable to handle|Kernel panic' "$kdir/test.log"; then
	echo "kunit-tool: the kernel reported the problems above"
	exit 1
fi
if [ "${cmd[0]}" = run ]; then
	echo "$want" >"$kdir/.series"
	cache_commit "$kdir"
fi
echo "kunit-tool: kunit.py ${cmd[0]} passed: $suites"
