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

refused_locked() {
	local n
	n=$(dmesg | grep -c 'apple-dart .*: DART is locked down until reboot')
	dmesg | grep 'apple-dart ' | sed 's/^/# /'
	[ "$n" = 2 ] && [ -z "$(ls /sys/class/iommu)" ]
}

# 100 frames at 50 Hz are 2 s; the model counts from reset, so this is a
# margin, not a measurement.
keep_scanning() {
	sleep 3
}

# A register of the display block (apple-dart-display-regs.h: base
# ADD_DISPLAY_BASE, offsets ADD_*), as a decimal number.
disp_reg() {
	echo $(($(devmem $((0x09100000 + $1)) 32)))
}

# >= 100 frames scanned since reset (ADD_FRAMES), none refused by the DART
# (ADD_FRAME_FAULTS).
scanout_frames() {
	local frames faulted
	frames=$(disp_reg 0x24)
	faulted=$(disp_reg 0x28)
	echo "# frames $frames, faulted frames $faulted"
	[ "$frames" -ge 100 ] && [ "$faulted" = 0 ]
}

# The last frame is the splash (ADD_LAST_CRC = ADD_SPLASH_CRC), and the
# histogram since reset (ADD_HIST_*) holds the splash's CRC alone.
scanout_splash() {
	local splash last hist hcrc hn
	splash=$(disp_reg 0x48)
	last=$(disp_reg 0x2c)
	hist=$(disp_reg 0x38)
	devmem $((0x09100000 + 0x3c)) 32 0
	hcrc=$(disp_reg 0x40)
	hn=$(disp_reg 0x44)
	printf '# last CRC 0x%08x, splash CRC 0x%08x\n' "$last" "$splash"
	printf '# histogram: %d distinct CRCs, first 0x%08x x %d\n' \
		"$hist" "$hcrc" "$hn"
	[ "$last" = "$splash" ] && [ "$hist" = 1 ] && [ "$hcrc" = "$splash" ] &&
		[ "$hn" -ge 100 ]
}

# The coprocessor heartbeat ran (ADD_HB_TICKS) and never faulted or read
# wrong firmware contents (ADD_HB_FAULTS, ADD_HB_BAD).
heartbeat() {
	local ticks faults bad
	ticks=$(disp_reg 0x70)
	faults=$(disp_reg 0x74)
	bad=$(disp_reg 0x78)
	echo "# heartbeat ticks $ticks, faults $faults, bad reads $bad"
	[ "$ticks" -gt 0 ] && [ "$faults" = 0 ] && [ "$bad" = 0 ]
}

ktest_check oracle-display reserved-regions reserved_regions
insmod "$DART_MOD/oracle-apple-dart.ko"
ktest_check oracle-display refused-locked refused_locked
ktest_check oracle-display keep-scanning keep_scanning
ktest_check oracle-display scanout-frames scanout_frames
ktest_check oracle-display scanout-splash scanout_splash
ktest_check oracle-display heartbeat heartbeat
