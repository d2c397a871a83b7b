# SPDX-License-Identifier: GPL-2.0
# apple_dart.ko on -machine virt,apple-dart=bad: every bad DART and bad
# master is refused with its own reason in the log, the good DARTs on the
# same machine probe and their engines do DMA (the KUnit suite of
# apple_dart_engines_kunit.ko), nothing splats, and everything unloads.

plat=/sys/bus/platform/devices

# dmesg has a line of device $1 (DART or engine) containing $2.
said() {
	dmesg | grep -F "$1" | grep -qF "$2"
}

refused_darts() {
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	said 90d8000.iommu 'is smaller than 0x4000 bytes' &&
		said 90dc000.iommu '#iommu-cells is 2, the DART binding has one cell (the stream)' &&
		said 90e0000.iommu 'no fault interrupt' &&
		[ ! -e /sys/class/iommu/apple-dart.90d8000.iommu ] &&
		[ ! -e /sys/class/iommu/apple-dart.90dc000.iommu ] &&
		[ ! -e /sys/class/iommu/apple-dart.90e0000.iommu ]
}

# dart-good..good4, dart-t6000 and dart-4k (4K pages with DART1 entries).
good_darts_probed() {
	local d
	ls /sys/class/iommu | sed 's/^/# /'
	for d in 90c0000 90c4000 90c8000 90cc000 90d0000 90d4000; do
		[ -e /sys/class/iommu/apple-dart.$d.iommu ] || return 1
	done
	said 90d4000.iommu 't8103 DART: 16 streams, 4 KiB pages' &&
		[ "$(ls /sys/class/iommu | wc -l)" = 6 ]
}

# Each bad master: its reason, and no IOMMU group (no DMA through a DART).
refused_masters() {
	dmesg | grep 'dma-test' | sed 's/^/# /'
	said 90f3000.dma-test 'stream 20, but the DART has 16 streams' &&
		said 90f4000.dma-test 'behind more than 3 DARTs' &&
		said 90f5000.dma-test 'use different PTE formats (dart1, dart2)' &&
		said 90f6000.dma-test 'use different page sizes (16 KiB, 4 KiB)' &&
		for e in 90f3000 90f4000 90f5000 90f6000; do
			[ ! -e $plat/$e.dma-test/iommu_group ] || return 1
		done
}

# dma-good, dma-4k and the two-DART dma-good-pair joined groups.
good_masters_grouped() {
	local e
	for e in 90f0000 90f1000 90f2000; do
		[ -e $plat/$e.dma-test/iommu_group ] || return 1
	done
}

unbind_unload() {
	local d
	for d in /sys/bus/platform/drivers/apple-dart/*.iommu; do
		echo "$(basename "$d")" >/sys/bus/platform/drivers/apple-dart/unbind || return 1
	done
	[ -z "$(ls /sys/class/iommu)" ] &&
		rmmod apple-dart && rmmod io-pgtable-dart &&
		! grep -q '^apple_dart ' /proc/modules
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check bad refused-darts refused_darts
ktest_check bad good-darts-probed good_darts_probed
engine_lib
# Binding the engines makes the core probe each master on its DARTs; the
# suites then run DMA, unmanaged domains and blocking on the good ones.
ktest_kunit apple_dart_engines_kunit.ko
ktest_check bad refused-masters refused_masters
ktest_check bad good-masters-grouped good_masters_grouped
ktest_check bad unbind-unload unbind_unload
