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

# The reserved regions m1n1 describes reached the kernel as no-map memory.
reserved_regions() {
	local rm=/proc/device-tree/reserved-memory n
	n=$(ls -d $rm/framebuffer@* $rm/dcp-heap@* $rm/dcp-code@* \
		$rm/dcp-data@* $rm/dcp-direct@* $rm/dart-tables@* 2>/dev/null | wc -l)
	ls $rm | sed 's/^/# /'
	[ "$n" = 6 ] && [ -e $rm/framebuffer@*/no-map ] &&
		[ -e $rm/framebuffer@*/iommu-addresses ]
}

# The display block's registers, by their names in apple-dart-display-regs.h
# (the initramfs carries them as /dart/regs.sh), read as decimal numbers.
. /dart/regs.sh
disp_reg() {
	echo $(($(devmem $((ADD_DISPLAY_BASE + $1)) 32)))
}

# >= 100 frames scanned since reset, none refused by the DART.
scanout_frames() {
	local frames faulted
	frames=$(disp_reg $ADD_FRAMES)
	faulted=$(disp_reg $ADD_FRAME_FAULTS)
	echo "# frames $frames, faulted frames $faulted"
	[ "$frames" -ge 100 ] && [ "$faulted" = 0 ]
}

# The last frame is the splash, and the histogram since reset holds the
# splash's CRC alone.
scanout_splash() {
	local splash last hist hcrc hn
	splash=$(disp_reg $ADD_SPLASH_CRC)
	last=$(disp_reg $ADD_LAST_CRC)
	hist=$(disp_reg $ADD_HIST_COUNT)
	devmem $((ADD_DISPLAY_BASE + ADD_HIST_SEL)) 32 0
	hcrc=$(disp_reg $ADD_HIST_CRC)
	hn=$(disp_reg $ADD_HIST_N)
	printf '# last CRC 0x%08x, splash CRC 0x%08x\n' "$last" "$splash"
	printf '# histogram: %d distinct CRCs, first 0x%08x x %d\n' \
		"$hist" "$hcrc" "$hn"
	[ "$last" = "$splash" ] && [ "$hist" = 1 ] && [ "$hcrc" = "$splash" ] &&
		[ "$hn" -ge 100 ]
}

# The coprocessor heartbeat ran and never faulted or read wrong firmware
# contents.
heartbeat() {
	local ticks faults bad
	ticks=$(disp_reg $ADD_HB_TICKS)
	faults=$(disp_reg $ADD_HB_FAULTS)
	bad=$(disp_reg $ADD_HB_BAD)
	echo "# heartbeat ticks $ticks, faults $faults, bad reads $bad"
	[ "$ticks" -gt 0 ] && [ "$faults" = 0 ] && [ "$bad" = 0 ]
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
