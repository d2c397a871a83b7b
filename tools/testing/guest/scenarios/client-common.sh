# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the client-* scenarios (sourced, not a scenario itself): load
# the test client once the DART driver is in, run its kselftests, and check
# a file system on virtio-blk-pci behind dart-pcie (blk_file_round_trip in
# the guest library).

client_run_all() {
	engine_lib
	insmod "$DART_MOD/apple-dart-test.ko"
	ktest_selftest dart_dma_test
	ktest_selftest dart_iommu_test
	ktest_selftest dart_random_test
	ktest_selftest dart_map_bench
	ktest_check client blk-file-round-trip blk_file_round_trip
	# Unloading with every buffer and domain gone must work.
	ktest_check client rmmod-client rmmod apple-dart-test
}
