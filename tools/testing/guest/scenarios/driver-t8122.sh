# SPDX-License-Identifier: GPL-2.0
# The M3 (T8122) match entry: dart-t8110's node names only
# "apple,t8122-dart" (driver-t8122.qemu), so the driver can bind it through
# that entry alone.  A driver without the entry leaves the DART unbound and
# its engine (dma-t8110, stream 200) without an IOMMU: "bound-as-t8122"
# and "dma-through-t8122" fail.  One whose entry pointed at a T8020
# descriptor would program the wrong register map and trip the model
# (DART-VIOLATION) or fault the DMA.

dart=90cc000.iommu
dart_dbg=/sys/kernel/debug/iommu/apple-dart

# The premise: the DT offers no other compatible for this DART.
only_t8122() {
	local c
	c=$(tr '\0' ' ' </proc/device-tree/iommu@${dart%.iommu}/compatible)
	echo "# compatible: $c"
	[ "$c" = "apple,t8122-dart " ]
}

# Bound by our driver, through the T8122 descriptor (its name in the
# probe line and in debugfs).
bound_as_t8122() {
	dmesg | grep "$dart" | sed 's/^/# /'
	[ "$(basename "$(readlink /sys/bus/platform/devices/$dart/driver)")" = apple-dart ] &&
		dmesg | grep -q "apple-dart $dart: t8122 DART: 256 streams" &&
		grep -q '^generation t8122$' $dart_dbg/$dart/info
}

# apple_dart_engines' DMA-API case went through every engine behind an
# IOMMU: dma-t8110's coherent and streaming DMA came back right only if
# the DART translated it (the suite's results say so); here, that the
# engine was one of them.
dma_through_t8122() {
	dmesg | grep -q 'dma-t8110: domain type' &&
		[ -e /sys/bus/platform/devices/90f5000.dma-test/iommu_group ]
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check t8122 only-t8122-compatible only_t8122
ktest_check t8122 bound-as-t8122 bound_as_t8122
engine_lib
ktest_kunit apple_dart_engines_kunit.ko
ktest_check t8122 dma-through-t8122 dma_through_t8122
