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

. /dart/scenarios/display-common.sh

# Both display DARTs are ours.  Catches a DART refused or left to the
# boot loader (the handoff tests would prove nothing).
probed() {
	local d
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	for d in $dcp_dart $disp_dart; do
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
		grep -q '^DMA' $dcp/iommu_group/type
}

# Unloading the test driver gives the pipe back to its default domain and
# leaves no driver on it; the splash is still scanned (the model checks
# at shutdown).
dcp_unloaded() {
	rmmod apple-dart-dcp-test &&
		[ ! -e /sys/bus/platform/devices/9100000.display/driver ] &&
		grep -q '^DMA' /sys/bus/platform/devices/9100000.display/iommu_group/type
}

# apple_dart.ko itself unbound, unloaded and loaded again ten times while
# the splash is scanned and the firmware runs: no faulted frame, no
# heartbeat fault, the splash on screen at the end.  Catches a release
# that leaves the boot loader's L1 entries pointing at freed tables, or
# clears them (the model checks each store), and a probe that cannot take
# back what it handed over; on unlocked DARTs, a release that blocks the
# streams instead of giving them back the boot loader's TCR and TTBRs.
dart_reload() {
	local i d f0 h0
	f0=$(disp_reg $ADD_FRAME_FAULTS)
	h0=$(disp_reg $ADD_HB_FAULTS)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for d in $dcp_dart $disp_dart; do
			echo $d >/sys/bus/platform/drivers/apple-dart/unbind || return 1
		done
		rmmod apple-dart && insmod "$DART_MOD/apple_dart.ko" || return 1
		[ -e /sys/class/iommu/apple-dart.$disp_dart ] || return 1
	done
	sleep 1
	printf '# frame faults %d -> %d, heartbeat faults %d -> %d, last CRC 0x%08x\n' \
		"$f0" "$(disp_reg $ADD_FRAME_FAULTS)" "$h0" \
		"$(disp_reg $ADD_HB_FAULTS)" "$(disp_reg $ADD_LAST_CRC)"
	[ "$(disp_reg $ADD_FRAME_FAULTS)" = "$f0" ] &&
		[ "$(disp_reg $ADD_HB_FAULTS)" = "$h0" ] &&
		[ "$(disp_reg $ADD_LAST_CRC)" = "$(disp_reg $ADD_SPLASH_CRC)" ]
}

insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
ktest_check driver-display probed probed
engine_lib
insmod "$DART_MOD/apple-dart-dcp-test.ko"
ktest_check driver-display dcp-bound dcp_bound
ktest_check driver-display dcp-unloaded dcp_unloaded
# With the masters in groups of ours (no driver on them now), before the
# handoff tests, which then run on what the last probe took back.
ktest_check driver-display dart-reload dart_reload
insmod "$DART_MOD/apple-dart-dcp-test.ko"
ktest_check driver-display dcp-bound-after-reload dcp_bound
ktest_selftest dart_display_test
for d in $dcp_dart $disp_dart; do
	echo "# $d: $(tr '\n' ' ' <$dbg/$d/counters)"
done
ktest_check driver-display dcp-unloaded-at-end dcp_unloaded
ktest_check driver-display dma-debug-clean dma_debug_clean
