# SPDX-License-Identifier: GPL-2.0
# Oracle: the 6.12 tree's own apple-dart.c (built at test time as
# oracle-apple-dart.ko, never committed) must bind to the t8103 DART model
# and pass the engine DMA tests it can run: map, DMA, unmap, fault decode.
# The model judges it: any missing flush or bad register write fails the
# run through the DART-VIOLATION log.

oracle_bound() {
	dmesg | grep -q 'apple-dart 90c0000.iommu: DART \[pagesize 4000, 16 streams'
}

# The fault de_unmap_fault provoked, decoded by the driver's handler:
# stream, NO PTE code and the exact IOVA.
oracle_fault_decoded() {
	local want
	want=$(dmesg | sed -n 's/.*dart_engine_dma_kunit: expect fault stream:\([0-9]*\) at \(0x[0-9a-f]*\).*/stream:\1 code:0x4 (NO PTE FOR IOVA) at \2/p' | tail -n 1)
	echo "# expecting: translation fault: ... $want"
	dmesg | grep 'translation fault' | sed 's/^/# /'
	[ -n "$want" ] && dmesg | grep 'translation fault' | grep -qF "$want"
}

insmod "$DART_MOD/oracle-apple-dart.ko"
ktest_check oracle oracle-bound oracle_bound
engine_lib
ktest_kunit dart_engine_dma_kunit.ko
ktest_check oracle fault-decoded oracle_fault_decoded
# virtio-blk-pci behind dart-pcie (no bypass, so a DMA domain): a file
# written, dropped from the page cache and read back through the DART.
ktest_check oracle pcie-file-round-trip blk_file_round_trip
