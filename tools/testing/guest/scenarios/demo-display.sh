# manual: "make run" boots this after the run scenario; make check does not.
# SPDX-License-Identifier: GPL-2.0
# The display handoff, shown: what the scanout and the coprocessor saw
# before apple_dart.ko, with it, and after the DCP-like test driver took
# the display pipe into its own domain and flipped to a new framebuffer
# (the driver-display scenario tests the same, Documentation/dart/
# testing.rst).

say() { printf '\n== %s\n' "$*"; }

. /dart/regs.sh
disp_reg() { echo $(($(devmem $((ADD_DISPLAY_BASE + $1)) 32))); }

# Frames, faults, CRCs and the histogram since the last marker.
scan_report() {
	local i n splash crc
	splash=$(disp_reg $ADD_SPLASH_CRC)
	printf '  frames %d, faulted frames %d, last CRC 0x%08x (splash 0x%08x)\n' \
		"$(disp_reg $ADD_FRAMES)" "$(disp_reg $ADD_FRAME_FAULTS)" \
		"$(disp_reg $ADD_LAST_CRC)" "$splash"
	n=$(disp_reg $ADD_HIST_COUNT)
	printf '  frame CRCs since the marker (%d distinct):\n' "$n"
	i=0
	while [ $i -lt $n ] && [ $i -lt 16 ]; do
		devmem $((ADD_DISPLAY_BASE + ADD_HIST_SEL)) 32 $i
		crc=$(disp_reg $ADD_HIST_CRC)
		printf '    0x%08x x %d%s\n' "$crc" "$(disp_reg $ADD_HIST_N)" \
			"$([ "$crc" = "$splash" ] && echo ' (splash)')"
		i=$((i + 1))
	done
	printf '  coprocessor heartbeat: %d ticks, %d faults, %d bad reads\n' \
		"$(disp_reg $ADD_HB_TICKS)" "$(disp_reg $ADD_HB_FAULTS)" \
		"$(disp_reg $ADD_HB_BAD)"
	printf '  firmware L1 stores seen %d, of which broke a boot mapping %d\n' \
		"$(disp_reg $ADD_L1_STORES)" "$(disp_reg $ADD_L1_BROKEN)"
}

dmesg -n 4
sleep 1
say "the boot loader's display: no DART driver yet, the splash scanned"
scan_report

say "loading apple_dart.ko: it takes dart-dcp and dart-disp0 over"
insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
dmesg | grep -E 'apple-dart [0-9a-f]+\.iommu' | sed 's/^\[[^]]*\] /  /'
engine_lib
insmod "$DART_MOD/apple-dart-dcp-test.ko"
sleep 1
scan_report

say "the DCP-like driver: the pipe into its own domain, a new framebuffer, a flip and back"
devmem $((ADD_DISPLAY_BASE + ADD_MARK)) 32 1
"$DART_BIN/dart_display_test" -t takeover_flip -t only_two_images 2>&1 |
	grep -E 'framebuffer|frame CRC|firmware|^(ok|not ok)'
say "after the takeover and the flip (both images, nothing else, no fault)"
scan_report
for d in $(printf "%x.iommu " $ADD_DART_DCP_BASE $ADD_DART_DISP0_BASE); do
	echo "  $d: $(tr '\n' ' ' </sys/kernel/debug/iommu/apple-dart/$d/counters)"
done
rmmod apple-dart-dcp-test
