# SPDX-License-Identifier: GPL-2.0
# The project's apple_dart.ko on every DART of apple-dart=full: probe of
# each generation, the DMA-API tests of dart_engine_dma_kunit.ko through it, and
# PCIe DMA through dart-pcie.  The model reports any missing invalidation
# or bad register write as a DART-VIOLATION, which fails the run.

dart_dbg=/sys/kernel/debug/iommu/apple-dart

# All eleven DARTs probed (the display block's two locked ones among
# them), each with the generation and geometry its compatible and PARAMS
# give (Documentation/dart/emulator.rst).
driver_probed() {
	local want got
	dmesg | grep 'apple-dart .*DART:' | sed 's/^/# /'
	want="t8103:16 t8103-usb4:64 t6000:16 t8110:256 t8110:64 t8103:16 t8103:16 t8103:16 t8103:16 t8103:16 t8103:16"
	got=$(dmesg | sed -n 's/.*apple-dart \([0-9a-f]*\)\.iommu: \([a-z0-9-]*\) DART: \([0-9]*\) streams.*/\1 \2:\3/p' |
		sort | cut -d' ' -f2 | tr '\n' ' ')
	echo "# got: $got"
	[ "$got" = "$want " ]
}

# The 4-level T602x-like DART: VA 42 needs three tables below the TTBR.
driver_four_level() {
	grep -q 'max_levels 3' $dart_dbg/90d0000.iommu/info &&
		grep -q 'va_bits 42' $dart_dbg/90d0000.iommu/info
}

# Each DART is an IOMMU in sysfs, named after its device.
driver_sysfs() {
	local n
	n=$(ls -d /sys/class/iommu/apple-dart.* | wc -l)
	ls /sys/class/iommu | sed 's/^/# /'
	[ "$n" = 11 ]
}

driver_pcie_dma() {
	local grp
	grp=$(readlink /sys/block/vda/device/../iommu_group 2>/dev/null) || return 1
	echo "# vda iommu group: $grp"
	dd if=/dev/vda of=/dev/null bs=64k count=256 2>/dev/null &&
		dd if=/dev/zero of=/dev/vda bs=64k count=64 conv=fsync 2>/dev/null &&
		dd if=/dev/vda of=/dev/null bs=4k count=512 skip=1000 2>/dev/null
}

# Our fault message for de_unmap_fault's access: stream, code and IOVA.
driver_fault_decoded() {
	local want
	want=$(dmesg | sed -n 's/.*dart_engine_dma_kunit: expect fault stream:\([0-9]*\) at \(0x[0-9a-f]*\).*/stream \1, .* at IOVA \2$/p' | tail -n 1)
	dmesg | grep 'translation fault' | sed 's/^/# /'
	[ -n "$want" ] && dmesg | grep 'translation fault' | grep -q "$want"
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check driver probed driver_probed
ktest_check driver four-level driver_four_level
ktest_check driver sysfs driver_sysfs
engine_lib
ktest_kunit dart_engine_dma_kunit.ko
ktest_kunit apple-dart_kunit.ko
ktest_kunit apple_dart_engines_kunit.ko
ktest_check driver fault-decoded driver_fault_decoded
ktest_check driver pcie-dma driver_pcie_dma
