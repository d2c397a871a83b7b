#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test-qemu-trace.sh: the DART model's trace events exist and fire.
# "-trace help" of the built qemu must list every apple_dart_* event; then
# qtest (no guest: QEMU's test accelerator, driven over stdin) programs
# dart-t8103 of "-machine virt,apple-dart=t8103" and its DMA test engines
# through one translation miss and hit, a bypass, a fault, an ERROR clear,
# an invalidation and a write dropped by the lock, and each of those must
# show up in the "-trace 'apple_dart_*'" output.
. "$(dirname "$0")/lib.sh"

qemu=$(qemu_bin_dir)/qemu-system-aarch64
trace=$DART_LOGS/qemu-trace.trace.log

# Every event the model declares (tools/qemu/patches, hw/misc/trace-events).
declared=(apple_dart_tlb_hit apple_dart_tlb_miss apple_dart_translate
	apple_dart_bypass apple_dart_fault apple_dart_error_clear
	apple_dart_inv_issue apple_dart_inv_stream apple_dart_inv_complete
	apple_dart_tcr_write apple_dart_ttbr_write apple_dart_locked_write
	apple_dart_walk_pte apple_dart_tlb_evict)
# The ones the sequence below must make fire (a full TLB is not reached).
fired=("${declared[@]:0:13}")

fail=0
help=$("$qemu" -trace help)
for e in "${declared[@]}"; do
	if ! grep -qx "$e" <<<"$help"; then
		echo "not ok: $e is not a trace event of $qemu"
		fail=1
	fi
done

D=0x090c0000            # dart-t8103 (T8020 layout, DART1 entries, 16K)
E0=0x090f0000           # dma-t8103-a, stream 1
E1=0x090f1000           # dma-t8103-b, stream 2
cmds=(
	# Every stream enabled; stream 1 translates IOVA 0 (TTBR[1][0]
	# selects it) through an L1 table at 0x40000000 and a leaf table at
	# 0x40004000 to the page at 0x40008000, whole page accessible.
	"writel $((D + 0xfc)) 0xffffffff"
	"writeq 0x40000000 0x40004001"
	"writeq 0x40004000 0x000fff0040008001"
	"writel $((D + 0x210)) 0x80040000"
	"writel $((D + 0x104)) 0x80"
	# Stream 2 in bypass.
	"writel $((D + 0x108)) 0x1100"
	# WRITE32 of DATA to IOVA 0x10 twice: a miss and walk, then a hit.
	"writel $((E0 + 0x2c)) 0x12345678"
	"writel $((E0 + 0x20)) 0x10"
	"writel $((E0 + 0x24)) 0"
	"writel $((E0 + 0x0c)) 6"
	"writel $((E0 + 0x0c)) 6"
	"readl 0x40008010"
	# Through the bypass stream.
	"writel $((E1 + 0x2c)) 0x9abcdef0"
	"writel $((E1 + 0x20)) 0x40008020"
	"writel $((E1 + 0x24)) 0"
	"writel $((E1 + 0x0c)) 6"
	"readl 0x40008020"
	# An IOVA with no leaf entry faults; software clears ERROR.
	"writel $((E0 + 0x20)) 0x100000"
	"writel $((E0 + 0x0c)) 6"
	"readl $((D + 0x40))"
	"writel $((D + 0x40)) 0xffffffff"
	# Invalidate stream 1 and let the BUSY window pass.
	"writel $((D + 0x34)) 0x2"
	"writel $((D + 0x20)) 0x100000"
	"clock_step 100000"
	"readl $((D + 0x20))"
	# Lock TCR/TTBR (CONFIG.LOCK): the next TCR write is dropped.
	"writel $((D + 0x60)) 0x8000"
	"writel $((D + 0x104)) 0"
)
# The reads that must see what the DMA wrote.
declare -A expect=(
	["readl 0x40008010"]=0x12345678
	["readl 0x40008020"]=0x9abcdef0
)

coproc QT { exec "$qemu" -machine virt,apple-dart=t8103 -accel qtest \
	-qtest stdio -qtest-log /dev/null -nodefaults -display none \
	-trace 'apple_dart_*' 2>"$trace"; }
for c in "${cmds[@]}"; do
	echo "$c" >&"${QT[1]}"
	reply=
	read -r -t 30 reply <&"${QT[0]}" || true
	case $reply in
	OK*) ;;
	*) echo "not ok: qtest '$c' answered '$reply'"; fail=1; break ;;
	esac
	want=${expect[$c]:-}
	if [ -n "$want" ] && (( ${reply#OK } != want )); then
		echo "not ok: qtest '$c' read '${reply#OK }', expected $want"
		fail=1
	fi
done
kill "$QT_PID" 2>/dev/null
wait "$QT_PID" 2>/dev/null

for e in "${fired[@]}"; do
	if ! grep -q "^$e " "$trace"; then
		echo "not ok: $e did not fire (trace in $trace)"
		fail=1
	fi
done
[ $fail -eq 0 ] && echo "ok: ${#declared[@]} apple_dart trace events, ${#fired[@]} seen firing"
exit $fail
