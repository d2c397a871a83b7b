# SPDX-License-Identifier: GPL-2.0
# Oracle on the display machine: the unmodified 6.12 apple-dart.c
# (oracle-apple-dart.ko, as in the oracle scenario) finds both display
# DARTs locked by the boot loader and refuses them (hw §6, §7) without
# writing to them, and the display keeps scanning the boot splash: the
# guest reads the scanout block's registers through /dev/mem (busybox
# devmem) and checks the frames, their CRCs and the coprocessor heartbeat.
# The model also reports any faulted frame, heartbeat fault,
# locked-register write or firmware L1 store that breaks a boot mapping as
# a DART-VIOLATION, and checks at shutdown that >= 100 frames of the
# splash were scanned (oracle-display.qemu): a second line of defence.

. /dart/scenarios/display-common.sh

# The reserved regions m1n1 describes reached the kernel as no-map memory.
reserved_regions() {
	local n
	n=$(ls -d $rm/framebuffer@* $rm/dcp-heap@* $rm/dcp-code@* \
		$rm/dcp-data@* $rm/dcp-direct@* $rm/dart-tables@* 2>/dev/null | wc -l)
	ls $rm | sed 's/^/# /'
	[ "$n" = 6 ] && [ -e $rm/framebuffer@*/no-map ] &&
		[ -e $rm/framebuffer@*/iommu-addresses ]
}

ktest_check oracle-display reserved-regions reserved_regions
insmod "$DART_MOD/oracle-apple-dart.ko"
ktest_check oracle-display refused-locked \
	darts_refused 'DART is locked down until reboot' 2
# Let the display run with the driver loaded: 100 frames at 50 Hz are 2 s
# (the model counts from reset, so this is a margin); the checks below
# read what the scanout saw meanwhile.
sleep 3
ktest_check oracle-display scanout-frames scanout_frames
ktest_check oracle-display scanout-splash scanout_splash
ktest_check oracle-display heartbeat heartbeat
