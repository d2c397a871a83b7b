#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-qemu-display.sh: the display machine ("-machine virt,apple-dart=
# display") behaves as the boot loader leaves it.  No guest: QEMU's qtest
# accelerator is driven over stdin, as test-qemu-trace.sh does.
#   - the DT has the reserved regions m1n1 writes (reg, no-map,
#     iommu-addresses per master, memory-region on the masters);
#   - the splash is scanned from reset: frames advance, none faults, the
#     CRC is the splash's (computed here from the documented pattern);
#   - the coprocessor heartbeat never faults on an untouched machine;
#   - a page flip takes effect at the next vsync, not before;
#   - writes to the locked registers are dropped and flagged;
#   - a store into a firmware L1 that removes the framebuffer's entry
#     raises a DART-VIOLATION at once, and once the TLB is invalidated the
#     next frame faults (and is flagged); the invalidate still works;
#   - the variants build what Documentation/dart/emulator.rst says:
#     locked=off (same tables, live, unlocked, dart-disp0 disabled),
#     preset=invalid-ttbr (dart-dcp TTBR0 without VALID) and preset=outside
#     (dart-dcp's L1 just below the reserved block), both without heartbeat,
#     ttbr-gap+piodma-off, misaligned and shared-l1 (the piodma stream's
#     TTBR), and presets QEMU must refuse.
. "$(dirname "$0")/lib.sh"

log=$DART_LOGS/qemu-display
qt_machine=virt,apple-dart=display
. "$(dirname "$0")/test-qemu-lib.sh"

# Where the block sits, from the header that places it.
eval "$(header_regs_sh "$DART_TOP/tools/testing/include/apple-dart-display-regs.h" ADD)"
DISP=$ADD_DISPLAY_BASE
DCP=$ADD_DART_DCP_BASE
DISP0=$ADD_DART_DISP0_BASE
DCP_ENGINE=$ADD_DCP_ENGINE_BASE
disp0_node=/iommu@$(printf %x $DISP0)
VSYNC=16666667

# The splash (apple-dart-display-regs.h add_splash_pixel), its CRC-32 and
# that of the frame a flip by 4096 bytes shows (the rest of the reserved
# page reads zero).
read -r splash_crc flip_crc < <(python3 - <<'EOF'
import struct, zlib
w, h = 1920, 1080
fb = b''.join(struct.pack('<%dI' % w, *[0xff000000 | (((x >> 3) & 0xff) << 16)
                                       | ((y & 0xff) << 8) | ((x + y) & 0xff)
                                       for x in range(w)]) for y in range(h))
print(zlib.crc32(fb), zlib.crc32(fb[4096:] + bytes(4096)))
EOF
)

# -- the device tree --------------------------------------------------------
dtb=$log.dtb
"$qemu" -machine virt,apple-dart=display,dumpdtb="$dtb" -m 1G -nodefaults \
	-display none >/dev/null 2>&1
dts=$(dtc -q -I dtb -O dts "$dtb")
fb_node=$(grep -o 'framebuffer@[0-9a-f]*' <<<"$dts" | head -n 1)
[ -n "$fb_node" ] || nok "no /reserved-memory/framebuffer node"
rm_node=/reserved-memory/$fb_node
fdtget "$dtb" "$rm_node" no-map >/dev/null 2>&1 || nok "$rm_node: no no-map"
# Two masters see the framebuffer: <&dcp IOVA SIZE &disp0 IOVA SIZE>.
expect "$rm_node iommu-addresses cells" \
	"$(fdtget "$dtb" "$rm_node" iommu-addresses | wc -w)" 10
for n in /dma-test@$(printf %x $DCP_ENGINE) /display@$(printf %x $DISP); do
	fdtget "$dtb" "$n" memory-region >/dev/null 2>&1 ||
		nok "$n: no memory-region"
	fdtget "$dtb" "$n" memory-region-names | grep -q framebuffer ||
		nok "$n: no framebuffer in memory-region-names"
done
expect "dcp heap IOVA" "$(fdtget "$dtb" \
	"/reserved-memory/$(grep -o 'dcp-heap@[0-9a-f]*' <<<"$dts")" \
	iommu-addresses | cut -d' ' -f2-3)" "0 0"
expect "dart-disp0 status" "$(fdtget "$dtb" $disp0_node status)" okay

# -- an untouched machine: splash, heartbeat, flip ----------------------------
qt_start clean
rd $DISP; expect ID "$val" $((0x44535031))
rd $DISP+0x48; expect "SPLASH_CRC register" "$val" "$splash_crc"
# 60 frames (one second; vsyncs at k * VSYNC).
qt "clock_step $((60 * VSYNC + VSYNC / 2))"
rd $DISP+0x24; expect "frames after 1 s" "$val" 60
rd $DISP+0x28; expect "faulted frames" "$val" 0
rd $DISP+0x2c; expect "last frame CRC" "$val" "$splash_crc"
# A marker, ten frames: one distinct CRC, ten times.
qt "writel $((DISP + 0x30)) 1"
qt "clock_step $((10 * VSYNC))"
rd $DISP+0x30; expect "frames since marker" "$val" 10
rd $DISP+0x38; expect "distinct CRCs since marker" "$val" 1
qt "writel $((DISP + 0x3c)) 0"
rd $DISP+0x40; expect "histogram CRC" "$val" "$splash_crc"
rd $DISP+0x44; expect "histogram count" "$val" 10
rd $DISP+0x70; hb=$val
[ "$hb" -ge 70 ] || nok "heartbeat ticks after 1.17 s: $hb"
rd $DISP+0x74; expect "heartbeat faults" "$val" 0
rd $DISP+0x78; expect "heartbeat bad reads" "$val" 0
# Page flip, mid-frame: nothing changes until the next vsync.
rd $DISP+0x08; base=$val
qt "writel $((DISP + 0x18)) $((base + 4096))"
qt "writel $((DISP + 0x1c)) 0"
qt "writel $((DISP + 0x20)) 1"
qt "clock_step $((VSYNC / 4))"
rd $DISP+0x20; expect "flip pending before vsync" "$val" 1
rd $DISP+0x08; expect "base before vsync" "$val" "$base"
rd $DISP+0x2c; expect "CRC before vsync" "$val" "$splash_crc"
qt "clock_step $((VSYNC / 2))"
rd $DISP+0x20; expect "flip pending after vsync" "$val" 0
rd $DISP+0x08; expect "base after vsync" "$val" $((base + 4096))
rd $DISP+0x2c; expect "CRC of the flipped frame" "$val" "$flip_crc"
rd $DISP+0x28; expect "faulted frames after flip" "$val" 0
rd $DISP+0x54; expect "display violations" "$val" 0
qt_stop
expect "DART-VIOLATION lines, untouched machine" "$(violations)" 0

# -- a careless driver ----------------------------------------------------------
qt_start careless
# Locked: TCR, TTBR and stream enables ignore writes, each one flagged.
rd $DCP+0x60; expect "dart-dcp CONFIG.LOCK" $((val & 0x8000)) $((0x8000))
rd $DCP+0x100; tcr=$val
qt "writel $((DCP + 0x100)) 0"
rd $DCP+0x100; expect "locked TCR[0]" "$val" "$tcr"
rd $DISP0+0x200; ttbr=$val
qt "writel $((DISP0 + 0x200)) 0"
rd $DISP0+0x200; expect "locked TTBR[0][0]" "$val" "$ttbr"
rd $DISP0+0xfc; en=$val
qt "writel $((DISP0 + 0xfc)) 0"
rd $DISP0+0xfc; expect "locked ENABLED_STREAMS" "$val" "$en"
expect "flagged locked writes" "$(grep -c 'DART-VIOLATION .*of a locked DART ignored' "$qlog")" 3
# The framebuffer's L1 entry in dart-disp0 (IOVA 0x4000000: entry 2 of the
# L1 TTBR[0][0] points at), cleared: flagged before anything else runs.
qt "clock_step $VSYNC"
l1=$(((ttbr & 0x7fffffff) << 12))
# Rewriting the entry with its own value breaks nothing.
qt "readq $((l1 + 16))"; l1e=$val
qt "writeq $((l1 + 16)) $l1e"
rd $DISP+0x60; expect "L1 stores seen" "$val" 1
rd $DISP+0x64; expect "L1 stores that broke a mapping (same value)" "$val" 0
qt "writeq $((l1 + 16)) 0"
rd $DISP+0x64; expect "L1 stores that broke a mapping" "$val" 1
rd $DISP+0x54; expect "display violations after the store" "$val" 1
# The TLB still holds the page; invalidating stream 0 (still possible when
# locked) makes the next frame fault.
rd $DISP+0x28; expect "faulted frames before invalidate" "$val" 0
qt "writel $((DISP0 + 0x34)) 1"
qt "writel $((DISP0 + 0x20)) $((0x100000))"
qt "clock_step 100000"
rd $DISP0+0x20; expect "invalidate done" $((val & 4)) 0
qt "clock_step $VSYNC"
rd $DISP+0x28; expect "faulted frames after invalidate" "$val" 1
rd $DISP+0x54; expect "display violations after the frame" "$val" 2
qt_stop
grep -q 'DART-VIOLATION store to the firmware L1 of dart-disp0 stream 0 .* framebuffer IOVA 0x4000000 unmapped' "$qlog" ||
	nok "no L1-store violation in $qlog"
grep -q 'DART-VIOLATION scanout: frame [0-9]* faulted at IOVA 0x4000000' "$qlog" ||
	nok "no scanout-fault violation in $qlog"

# -- the variants: unlocked, and the broken presets --------------------------
# What the good machine's live streams point at, to compare with.
qt_start baseline
rd $DCP+0x200; dcp_ttbr0=$val
rd $DCP+0x204; dcp_ttbr1=$val
rd $DISP0+0x200; disp0_ttbr0=$val
rd $DISP0+0x240; disp0_ttbr4=$val
qt_stop

# variant NAME [qemu args]: a machine built with a display property changed;
# its DT in $vdtb, its reserved block's base (the dart-tables region) in
# $vbase and dcp-heap's PA in $vheap.  The scanout behind dart-disp0 runs
# in every variant: one second of the splash, no faulted frame.
variant() {
	local name=$1 rm
	shift
	vdtb=$log-$name.dtb
	"$qemu" -machine virt,apple-dart=display,dumpdtb="$vdtb" -m 1G \
		-nodefaults -display none "$@" >/dev/null 2>&1
	rm=$(dtc -q -I dtb -O dts "$vdtb" | grep -o 'dart-tables@[0-9a-f]*' | head -n 1)
	vbase=$((0x$(fdtget -tx "$vdtb" "/reserved-memory/$rm" reg | cut -d' ' -f2)))
	rm=$(dtc -q -I dtb -O dts "$vdtb" | grep -o 'dcp-heap@[0-9a-f]*' | head -n 1)
	vheap=$((0x$(fdtget -tx "$vdtb" "/reserved-memory/$rm" reg | cut -d' ' -f2)))
	qt_start "$name" "$@"
	qt "clock_step $((60 * VSYNC + VSYNC / 2))"
	rd $DISP+0x24; expect "$name: frames after 1 s" "$val" 60
	rd $DISP+0x28; expect "$name: faulted frames" "$val" 0
	rd $DISP+0x2c; expect "$name: last frame CRC" "$val" "$splash_crc"
}

# dcp_read IOVA: the coprocessor's engine reads a word through dart-dcp
# stream 0 at IOVA; the word goes to $val.
dcp_read() {
	wr "$DCP_ENGINE + 0x18" "$1"
	wr "$DCP_ENGINE + 0x0c" 5
	rd "$DCP_ENGINE + 0x2c"
}
# The first word of the DCP heap (IOVA 0): its PA XOR "DCPF".
heap_word() { echo $(($1 ^ 0x44435046)); }

# locked=off: the same tables, live, but neither DART locked, and dart-disp0
# disabled in the DT (m1n1 enables it only once locked).
variant unlocked -global apple-dart-display.locked=off
rd $DCP+0x60; expect "unlocked: dart-dcp CONFIG.LOCK" $((val & 0x8000)) 0
rd $DISP0+0x60; expect "unlocked: dart-disp0 CONFIG.LOCK" $((val & 0x8000)) 0
rd $DCP+0x200; expect "unlocked: dart-dcp TTBR[0][0]" "$val" "$dcp_ttbr0"
rd $DCP+0x204; expect "unlocked: dart-dcp TTBR[0][1]" "$val" "$dcp_ttbr1"
rd $DISP0+0x200; expect "unlocked: dart-disp0 TTBR[0][0]" "$val" "$disp0_ttbr0"
rd $DISP0+0x240; expect "unlocked: dart-disp0 TTBR[4][0]" "$val" "$disp0_ttbr4"
rd $DCP+0x100; expect "unlocked: dart-dcp TCR[0]" "$val" $((0x80))
rd $DISP+0x04; expect "unlocked: CTRL (scanout, heartbeat)" "$val" 3
dcp_read 0; expect "unlocked: DCP heap through dart-dcp" "$val" "$(heap_word $vheap)"
rd $DISP+0x70; [ "$val" -gt 0 ] || nok "unlocked: heartbeat ticks $val"
rd $DISP+0x74; expect "unlocked: heartbeat faults" "$val" 0
# Unlocked means writable: a TCR write lands and is not flagged.
wr $DISP0+0x114 0x80
rd $DISP0+0x114; expect "unlocked: dart-disp0 TCR[5] written" "$val" $((0x80))
qt_stop
expect "unlocked: DART-VIOLATION lines" "$(violations)" 0
expect "unlocked: dart-disp0 status" "$(fdtget "$vdtb" $disp0_node status)" disabled

# preset=invalid-ttbr: dart-dcp TTBR[0][0] lacks VALID (its table is the
# good one's), the rest as usual; locked; the coprocessor is not started.
variant invalid-ttbr -global apple-dart-display.preset=invalid-ttbr
rd $DCP+0x200; expect "invalid-ttbr: dart-dcp TTBR[0][0]" "$val" $((dcp_ttbr0 & 0x7fffffff))
rd $DCP+0x204; expect "invalid-ttbr: dart-dcp TTBR[0][1]" "$val" "$dcp_ttbr1"
rd $DISP0+0x200; expect "invalid-ttbr: dart-disp0 TTBR[0][0]" "$val" "$disp0_ttbr0"
rd $DCP+0x60; expect "invalid-ttbr: dart-dcp CONFIG.LOCK" $((val & 0x8000)) $((0x8000))
rd $DISP+0x04; expect "invalid-ttbr: CTRL (scanout only)" "$val" 1
rd $DISP+0x70; expect "invalid-ttbr: heartbeat ticks" "$val" 0
# IOVA 0 is behind TTBR0: NO_TTBR on stream 0 (ERROR = FLAG | code 1).
dcp_read 0
rd $DCP+0x40; expect "invalid-ttbr: dart-dcp ERROR after an IOVA 0 read" "$val" $((0x80000001))
qt_stop
expect "invalid-ttbr: DART-VIOLATION lines" "$(violations)" 0
expect "invalid-ttbr: dart-disp0 status" "$(fdtget "$vdtb" $disp0_node status)" okay

# preset=outside: dart-dcp stream 0's L1 is the ordinary RAM page just
# below the reserved block (Linux would hand it out), filled like the
# good one; locked; the coprocessor is not started.
variant outside -global apple-dart-display.preset=outside
rd $DCP+0x200
expect "outside: dart-dcp TTBR[0][0] VALID" $((val >> 31)) 1
expect "outside: dart-dcp L1 PA" $(((val & 0x7fffffff) << 12)) $((vbase - 0x4000))
rd $DCP+0x204; expect "outside: dart-dcp TTBR[0][1]" "$val" "$dcp_ttbr1"
rd $DCP+0x60; expect "outside: dart-dcp CONFIG.LOCK" $((val & 0x8000)) $((0x8000))
rd $DISP+0x04; expect "outside: CTRL (scanout only)" "$val" 1
rd $DISP+0x70; expect "outside: heartbeat ticks" "$val" 0
dcp_read 0; expect "outside: DCP heap through the outside L1" "$val" "$(heap_word $vheap)"
qt_stop
expect "outside: DART-VIOLATION lines" "$(violations)" 0

# preset=ttbr-gap+piodma-off, one break per DART: dart-dcp's second L1 in
# TTBR2 with TTBR1 empty (coprocessor not started), and piodma's stream
# on dart-disp0 never set up (TCR and TTBR 0), the display's as usual.
variant gap-off -global apple-dart-display.preset=ttbr-gap+piodma-off
rd $DCP+0x200; expect "gap-off: dart-dcp TTBR[0][0]" "$val" "$dcp_ttbr0"
rd $DCP+0x204; expect "gap-off: dart-dcp TTBR[0][1]" "$val" 0
rd $DCP+0x208; expect "gap-off: dart-dcp TTBR[0][2]" "$val" "$dcp_ttbr1"
rd $DISP0+0x200; expect "gap-off: dart-disp0 TTBR[0][0]" "$val" "$disp0_ttbr0"
rd $DISP0+0x240; expect "gap-off: dart-disp0 TTBR[4][0]" "$val" 0
rd $DISP0+0x110; expect "gap-off: dart-disp0 TCR[4]" "$val" 0
rd $DISP0+0x60; expect "gap-off: dart-disp0 CONFIG.LOCK" $((val & 0x8000)) $((0x8000))
rd $DISP+0x04; expect "gap-off: CTRL (scanout only)" "$val" 1
qt_stop
expect "gap-off: DART-VIOLATION lines" "$(violations)" 0

# preset=misaligned: piodma's L1 4 KiB below its page (TTBR - 1), in the
# empty tail of dart-disp0's; dart-dcp untouched, so the coprocessor runs.
variant misaligned -global apple-dart-display.preset=misaligned
rd $DISP0+0x240; expect "misaligned: dart-disp0 TTBR[4][0]" "$val" $((disp0_ttbr4 - 1))
rd $DISP0+0x200; expect "misaligned: dart-disp0 TTBR[0][0]" "$val" "$disp0_ttbr0"
rd $DISP+0x04; expect "misaligned: CTRL (scanout, heartbeat)" "$val" 3
qt_stop
expect "misaligned: DART-VIOLATION lines" "$(violations)" 0

# preset=shared-l1: piodma's stream walks the display stream's L1.
variant shared-l1 -global apple-dart-display.preset=shared-l1
rd $DISP0+0x240; expect "shared-l1: dart-disp0 TTBR[4][0]" "$val" "$disp0_ttbr0"
rd $DISP+0x04; expect "shared-l1: CTRL (scanout, heartbeat)" "$val" 3
qt_stop
expect "shared-l1: DART-VIOLATION lines" "$(violations)" 0

# Presets that contradict each other, are unknown or repeated, stop QEMU
# with why.
bad_preset() {
	local out
	out=$(timeout 60 "$qemu" -machine virt,apple-dart=display,dumpdtb="$log-bad.dtb" \
		-m 1G -nodefaults -display none \
		-global apple-dart-display.preset="$1" 2>&1 </dev/null) &&
		nok "preset=$1: QEMU started"
	grep -qF "apple-dart-display: $2" <<<"$out" ||
		nok "preset=$1: not refused with \"$2\": $out"
}
bad_preset invalid-ttbr+outside "preset 'invalid-ttbr+outside' breaks one L1 twice"
bad_preset misaligned+shared-l1 "preset 'misaligned+shared-l1' breaks one L1 twice"
bad_preset upside-down "unknown or repeated preset 'upside-down'"
bad_preset outside+outside "unknown or repeated preset 'outside'"
bad_preset good+outside "unknown or repeated preset 'good'"
bad_preset "" "empty preset"

# -- the same block in full --------------------------------------------------
# Same addresses, both DARTs locked, the splash scanned; piodma's second
# port on an unlocked DART (dart-t8103, stream 7) is in its iommus, and
# full's own display pair (dart-dcpext) stays unlocked.
fdtb=$log-full.dtb
"$qemu" -machine virt,apple-dart=full,dumpdtb="$fdtb" -m 1G -nodefaults \
	-display none >/dev/null 2>&1
expect "full: display node" "$(fdtget "$fdtb" /display@$(printf %x $DISP) compatible)" \
	qemu,apple-dart-display
expect "full: dart-disp0 label" "$(fdtget "$fdtb" $disp0_node label)" dart-disp0
piodma_node=/dma-test@$(printf %x $ADD_PIODMA_ENGINE_BASE)
read -r _ sid0 t8103_ph sid1 < <(fdtget "$fdtb" $piodma_node iommus)
expect "full: piodma on dart-disp0" "$sid0" $ADD_SID_PIODMA
expect "full: piodma's second DART" "$(fdtget "$fdtb" /iommu@90c0000 phandle)" "$t8103_ph"
expect "full: piodma's second stream" "$sid1" 7
fdtget "$fdtb" /reserved-memory/$fb_node no-map >/dev/null 2>&1 ||
	nok "full: no $fb_node"
qt_machine=virt,apple-dart=full
qt_start full
rd $DCP+0x60; expect "full: dart-dcp CONFIG.LOCK" $((val & 0x8000)) $((0x8000))
rd $DISP0+0x60; expect "full: dart-disp0 CONFIG.LOCK" $((val & 0x8000)) $((0x8000))
rd 0x090d4000+0x60; expect "full: dart-dcpext CONFIG.LOCK" $((val & 0x8000)) 0
qt "clock_step $((10 * VSYNC + VSYNC / 2))"
rd $DISP+0x24; expect "full: frames" "$val" 10
rd $DISP+0x28; expect "full: faulted frames" "$val" 0
rd $DISP+0x2c; expect "full: last frame CRC" "$val" "$splash_crc"
rd $DISP+0x74; expect "full: heartbeat faults" "$val" 0
qt_stop
expect "full: DART-VIOLATION lines" "$(violations)" 0

[ $fail -eq 0 ] && echo "ok: display machine: DT, splash, heartbeat, flip, locks, L1 checks, variants, full"
exit $fail
