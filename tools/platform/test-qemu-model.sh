#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-qemu-model.sh: fidelity checks of the DART model that need no guest
# (qtest, "-machine virt,apple-dart=full"); each one fails on a model that
# lets the driver mistake it names pass.
#   - T8110 ERROR_STREAMS: a stream whose bit software never cleared
#     reports no further fault (held, flagged once software goes on); a
#     fault held while software clears ERROR and then the bits, as Linux
#     does, is latched when the bit drops;
#   - DART2 NO_CACHE: walks meeting it are counted (DART and stream), DART1
#     bit 1 (SP_DIS) is not;
#   - "walk-cache=on": a table entry survives unhooking the table; with
#     "walk-cache-misses=on" a "no entry" answer also survives a map
#     without its invalidate; strict mode reports both; a TLB command
#     drops them;
#   - BUSY: every command and every STREAM_SELECT write while a command is
#     BUSY is flagged, however long it has been BUSY.
. "$(dirname "$0")/lib.sh"

log=$DART_LOGS/qemu-model
qt_machine=virt,apple-dart=full
. "$(dirname "$0")/test-qemu-lib.sh"

T8103=0x090c0000        # T8020 layout, DART1
T6000=0x090c8000        # T8020 layout, DART2
T8110=0x090cc000        # T8110 layout, DART2, 256 streams
E8103=0x090f0000        # dma-t8103-a, stream 1
E6000=0x090f4000        # dma-t6000, stream 3
E8110=0x090f5000        # dma-t8110, stream 200
# Engine registers (apple-dart-test-engine.h).
SRC_LO=0x18 DATA=0x2c CMD=0x0c OP_READ32=5 CNT_SELECT=0x7c CNT_RESET=0xc0
CNT_WALKS=0x80 CNT_FAULTS=0x98 CNT_NOCACHE=0xb8 BUSY_HOLD=0xc8

# read32 ENGINE IOVA: the engine reads a word at IOVA; the word goes to $val.
read32() {
	wr "$1 + SRC_LO" "$2"
	wr "$1 + CMD" $OP_READ32
	rd "$1 + DATA"
}

# t8020_stream DART SID L1: stream SID translates through L1 (TTBR0).
t8020_stream() {
	wr "$1 + 0xfc" 0xffffffff
	wr "$1 + 0x200 + 16 * $2" $((0x80000000 | ($3 >> 12)))
	wr "$1 + 0x100 + 4 * $2" 0x80
}

# t8020_inv DART SID: invalidate stream SID and let BUSY drop.
t8020_inv() {
	wr "$1 + 0x34" $((1 << $2))
	wr "$1 + 0x20" 0x100000
	qt "clock_step 100000"
	rd "$1 + 0x20"; expect "invalidate done" $((val & 4)) 0
}

# Leaf entries: DART1 PA | SP_END 0xfff | VALID; DART2 (PA >> 4) | ...
dart1_leaf() { echo $(($1 | (0xfff << 40) | 1)); }
dart2_leaf() { echo $((($1 >> 4) | (0xfff << 40) | 1 | ${2:-0})); }

# -- T8110 ERROR_STREAMS ------------------------------------------------------
# dma-t8110's stream 200 is disabled from reset: every access faults
# (NO_TTBR), ERROR = FLAG | SID 200 | code 1, stream bit 8 of word 6.
ERR=$((T8110 + 0x100)) ERR_ADDR=$((T8110 + 0x170)) STREAMS6=$((T8110 + 0x1d8))
LATCHED=$((0x8c800001))
qt_start streams
read32 $E8110 0x1000
rd $ERR; expect "T8110 first fault" "$val" $LATCHED
rd $STREAMS6; expect "ERROR_STREAMS[6] after the fault" "$val" $((1 << 8))
# Linux's order: ERROR, then the bits.  A fault in between is held ...
wr $ERR $LATCHED
read32 $E8110 0x2000
wr $STREAMS6 0xffffffff
# ... and latched when its bit dropped: nothing lost, nothing flagged.
rd $ERR; expect "fault held between ERROR and ERROR_STREAMS, latched" "$val" $LATCHED
rd $ERR_ADDR; expect "its IOVA" "$val" $((0x2000))
expect "DART-VIOLATION lines, Linux's order" "$(violations)" 0
# A second fault of the stream while the first is latched: SECONDARY.
read32 $E8110 0x3000
rd $ERR; expect "T8110 SECONDARY" "$val" $((LATCHED | 1 << 19))
wr $ERR 0xffffffff
wr $STREAMS6 0xffffffff
# A driver that clears ERROR only: the next fault of the stream is held,
# ERROR stays clear (no interrupt), and software's next access is flagged.
read32 $E8110 0x4000
rd $ERR; expect "fault after a full clear" "$val" $LATCHED
wr $ERR $LATCHED
wr "$E8110 + CNT_SELECT" 2
rd "$E8110 + CNT_FAULTS"; faults=$val
read32 $E8110 0x5000
rd "$E8110 + CNT_FAULTS"; expect "held fault counted" "$val" $((faults + 1))
rd $ERR; expect "ERROR with a stale ERROR_STREAMS bit" "$val" 0
expect "flagged stale ERROR_STREAMS bit" \
	"$(violations 'fault of stream 200 at IOVA 0x5000 not reported: its ERROR_STREAMS bit was not cleared')" 1
rd $ERR; expect "flagged once" "$(violations)" 1
wr $STREAMS6 $((1 << 8))
rd $ERR; expect "held fault latched once the bit is cleared" "$val" $LATCHED
rd $ERR_ADDR; expect "its IOVA" "$val" $((0x5000))
qt_stop

# -- NO_CACHE -------------------------------------------------------------------
qt_start nocache
# dart-t6000 (DART2) stream 3: IOVA 0 cached, IOVA 0x4000 NO_CACHE (bit 1).
L1=0x40100000 L2=0x40104000
qt "writeq $L1 $(((L2 >> 4) | 1))"
qt "writeq $L2 $(dart2_leaf 0x40108000)"
qt "writeq $((L2 + 8)) $(dart2_leaf 0x4010c000 2)"
t8020_stream $T6000 3 $L1
wr "$E6000 + CNT_SELECT" 2
wr "$E6000 + CNT_RESET" 1
read32 $E6000 0x10
read32 $E6000 0x4010
read32 $E6000 0x4020
rd "$E6000 + CNT_WALKS"; expect "DART2 walks" "$val" 2
rd "$E6000 + CNT_NOCACHE"; expect "DART2 NO_CACHE walks (stream)" "$val" 1
wr "$E6000 + CNT_SELECT" 0
rd "$E6000 + CNT_NOCACHE"; expect "DART2 NO_CACHE walks (DART)" "$val" 1
# dart-t8103 (DART1) stream 1: bit 1 is SP_DIS there, not NO_CACHE.
L1=0x40110000 L2=0x40114000
qt "writeq $L1 $((L2 | 1))"
qt "writeq $L2 $(($(dart1_leaf 0x40118000) | 2))"
t8020_stream $T8103 1 $L1
wr "$E8103 + CNT_RESET" 1
read32 $E8103 0x10
rd "$E8103 + CNT_WALKS"; expect "DART1 walks" "$val" 1
rd "$E8103 + CNT_NOCACHE"; expect "DART1 NO_CACHE walks" "$val" 0
qt_stop
expect "DART-VIOLATION lines, NO_CACHE" "$(violations)" 0

# -- walk cache -----------------------------------------------------------------
# walk_cache_case NAME WANT_MISS WANT_TABLE [qemu args]: dart-t8103 stream
# 1, a map without its invalidate (a stale "no entry" if misses are cached),
# then a table unhooked before one (a stale table entry if tables are).
walk_cache_case() {
	local name=$1 want_miss=$2 want_table=$3 faults
	shift 3
	qt_start "$name" "$@"
	L1=0x40200000 L2=0x40204000 L2B=0x4020c000
	qt "writeq $L1 $((L2 | 1))"
	qt "writel 0x40208000 0x11111111"
	qt "writel 0x40210000 0x22222222"
	qt "writel 0x40214000 0x33333333"
	t8020_stream $T8103 1 $L1
	wr "$E8103 + CNT_SELECT" 2
	# IOVA 0: no leaf yet.  Then mapped, without the invalidate.
	read32 $E8103 0
	rd "$E8103 + CNT_FAULTS"; faults=$val
	rd "$T8103 + 0x40"; wr "$T8103 + 0x40" "$val"
	qt "writeq $L2 $(dart1_leaf 0x40208000)"
	read32 $E8103 0
	rd "$E8103 + CNT_FAULTS"
	expect "$name: faults on a map without invalidate" $((val - faults)) "$want_miss"
	expect "$name: stale 'no entry' flagged" \
		"$(violations 'stale walk-cache use: stream 1 IOVA 0x0 (cached walk: no PTE, tables now: ok')" "$want_miss"
	rd "$T8103 + 0x40"; wr "$T8103 + 0x40" "$val"
	t8020_inv $T8103 1
	read32 $E8103 0; expect "$name: IOVA 0 after the invalidate" "$val" $((0x11111111))
	# IOVA 32M through a second leaf table; then that table is unhooked
	# and its page reused (entry 1 now a leaf) before any invalidate.
	qt "writeq $((L1 + 8)) $((L2B | 1))"
	qt "writeq $L2B $(dart1_leaf 0x40210000)"
	t8020_inv $T8103 1
	read32 $E8103 0x2000000; expect "$name: IOVA 32M" "$val" $((0x22222222))
	qt "writeq $((L1 + 8)) 0"
	qt "writeq $((L2B + 8)) $(dart1_leaf 0x40214000)"
	rd "$E8103 + CNT_FAULTS"; faults=$val
	read32 $E8103 0x2004000
	rd "$E8103 + CNT_FAULTS"
	expect "$name: faults through an unhooked table" $((val - faults)) $((1 - want_table))
	expect "$name: stale table entry flagged" \
		"$(violations 'stale walk-cache use: stream 1 IOVA 0x2004000 (cached walk: ok, tables now: no PMD')" "$want_table"
	rd "$T8103 + 0x40"; wr "$T8103 + 0x40" "$val"
	# The invalidate drops the cached table entry: the next walk faults.
	t8020_inv $T8103 1
	rd "$E8103 + CNT_FAULTS"; faults=$val
	read32 $E8103 0x2008000
	rd "$E8103 + CNT_FAULTS"
	expect "$name: faults after the invalidate" $((val - faults)) 1
	qt_stop
	expect "$name: DART-VIOLATION lines" "$(violations)" $((want_miss + want_table))
}
# Off (the default): walks read memory, nothing is stale.
walk_cache_case walk-cache-off 0 0
# Table entries only (the driver scenarios' setting).
walk_cache_case walk-cache-tables 0 1 -global apple-dart.walk-cache=on
# And "no entry" answers.
walk_cache_case walk-cache-misses 1 1 -global apple-dart.walk-cache=on \
	-global apple-dart.walk-cache-misses=on

# -- BUSY -----------------------------------------------------------------------
qt_start busy
wr "$E8103 + BUSY_HOLD" 1
wr "$T8103 + 0x34" 2
wr "$T8103 + 0x20" 0x100000
wr "$T8103 + 0x20" 0x100000
wr "$T8103 + 0x34" 2
wr "$T8103 + 0x34" 4
qt "clock_step 10000000"
wr "$T8103 + 0x20" 0x100000
wr "$T8103 + 0x34" 2
expect "T8020 commands while BUSY flagged" \
	"$(violations 'STREAM_COMMAND 0x100000 written while the previous command is BUSY')" 2
expect "T8020 STREAM_SELECT writes while BUSY flagged" \
	"$(violations 'STREAM_SELECT written while a command is BUSY')" 3
wr "$E8103 + BUSY_HOLD" 0
qt "clock_step 100000"
rd "$T8103 + 0x20"; expect "T8020 BUSY after release" $((val & 4)) 0
wr "$T8103 + 0x34" 2
wr "$T8103 + 0x20" 0x100000
wr "$E8110 + BUSY_HOLD" 1
wr "$T8110 + 0x80" $((0x100 | 200))
qt "clock_step 10000000"
wr "$T8110 + 0x80" $((0x100 | 200))
wr "$T8110 + 0x80" 0
expect "T8110 commands while BUSY flagged" \
	"$(violations 'TLB_CMD 0x[0-9a-f]* written while the previous command is BUSY')" 2
wr "$E8110 + BUSY_HOLD" 0
qt "clock_step 100000"
rd "$T8110 + 0x80"; expect "T8110 BUSY after release" $((val >> 31)) 0
qt_stop
expect "DART-VIOLATION lines, BUSY" "$(violations)" 7

[ $fail -eq 0 ] && echo "ok: DART model: ERROR_STREAMS, NO_CACHE, walk cache, BUSY"
exit $fail
