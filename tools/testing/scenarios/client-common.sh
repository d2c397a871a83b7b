# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the client-* scenarios (sourced, not a scenario itself): load
# the test client once the DART driver is in, run its kselftests, and check
# a file system on virtio-blk-pci behind dart-pcie.

# The file test: write a file of random data on ext2 on /dev/vda, drop the
# page cache so the read really comes from the device, read it back through
# the DART and compare checksums.  Also remount to read the file system's
# own metadata back from the disk.
client_blk_file() {
	local grp sum1 sum2
	grp=$(readlink /sys/block/vda/device/../iommu_group 2>/dev/null) || {
		echo "# vda has no iommu group"
		return 1
	}
	echo "# vda iommu group: $grp ($(cat /sys/block/vda/device/../iommu_group/type))"
	mke2fs -q /dev/vda >/dev/null || return 1
	mkdir -p /mnt/vda
	mount -t ext2 /dev/vda /mnt/vda || return 1
	dd if=/dev/urandom of=/tmp/blob bs=64k count=64 2>/dev/null
	sum1=$(md5sum </tmp/blob)
	cp /tmp/blob /mnt/vda/blob && sync
	umount /mnt/vda || return 1
	echo 3 >/proc/sys/vm/drop_caches
	mount -t ext2 /dev/vda /mnt/vda || return 1
	sum2=$(md5sum </mnt/vda/blob)
	umount /mnt/vda
	echo "# written $sum1"
	echo "# read    $sum2"
	[ -n "$sum1" ] && [ "$sum1" = "$sum2" ]
}

client_run_all() {
	insmod "$DART_MOD/apple-dart-test.ko"
	ktest_selftest dart_dma_test
	ktest_selftest dart_iommu_test
	ktest_selftest dart_map_bench
	ktest_check client blk-file-round-trip client_blk_file
	# Unloading with every buffer and domain gone must work.
	ktest_check client rmmod-client rmmod apple-dart-test
}
