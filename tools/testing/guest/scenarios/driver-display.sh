# SPDX-License-Identifier: GPL-2.0
# The display handoff: apple_dart.ko takes dart-dcp and dart-disp0 over
# from the boot loader while the splash is scanned out and the
# coprocessor's firmware runs, then the DCP-like test driver
# (apple-dart-dcp-test.ko) does what a display driver does: the display
# pipe into its own unmanaged domain and back, a new framebuffer flipped
# to at vsync, buffers shared with the coprocessor, a fault on the PIODMA
# stream, lazy mode on the coprocessor.  dart_display_test checks what the
# scanout and the coprocessor saw (the display block's registers); the
# model fails the run on any faulted frame, heartbeat fault or firmware L1
# store that breaks a boot mapping (DART-VIOLATION), and at shutdown on a
# display that stopped showing the splash (driver-display.qemu).

dbg=/sys/kernel/debug/iommu/apple-dart

# Both display DARTs are ours.  Catches a DART refused or left to the
# boot loader (the handoff tests would prove nothing).
probed() {
	local d
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	for d in 90c0000.iommu 90c4000.iommu; do
		[ -e /sys/class/iommu/apple-dart.$d ] || return 1
	done
}

# The test driver bound the display pipe and found the boot framebuffer;
# the pipe (probed with its driver) and the coprocessor (bound through the
# engine library) are in DMA domains of ours.
dcp_bound() {
	local dev=/sys/bus/platform/devices
	dmesg | grep 'apple-dart-dcp-test' | sed 's/^/# /'
	[ -c /dev/apple-dart-dcp-test ] &&
		[ -e /sys/bus/platform/drivers/apple-dart-dcp-test/9100000.display ] &&
		grep -q '^DMA' $dev/9100000.display/iommu_group/type &&
		grep -q '^DMA' $dev/90f0000.dma-test/iommu_group/type
}

# Unloading the test driver gives the pipe back to its default domain and
# leaves no driver on it; the splash is still scanned (the model checks
# at shutdown).
dcp_unloaded() {
	rmmod apple-dart-dcp-test &&
		[ ! -e /sys/bus/platform/devices/9100000.display/driver ] &&
		grep -q '^DMA' /sys/bus/platform/devices/9100000.display/iommu_group/type
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check driver-display probed probed
engine_lib
insmod "$DART_MOD/apple-dart-dcp-test.ko"
ktest_check driver-display dcp-bound dcp_bound
ktest_selftest dart_display_test
for d in 90c0000.iommu 90c4000.iommu; do
	echo "# $d: $(tr '\n' ' ' <$dbg/$d/counters)"
done
ktest_check driver-display dcp-unloaded dcp_unloaded
ktest_check driver-display dma-debug-clean dma_debug_clean
