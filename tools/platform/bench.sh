#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh full|smoke: boot bench-ours and bench-oracle (our driver and the
# 6.12 one, one boot each, on the same model, kernel and -icount set-up:
# tools/testing/guest/scenarios/bench-*) and write the report.
#   full:  "make bench" (check.sh bench, on the bench kernel): every figure;
#          report in $DART_OUT (out/bench/): bench.txt, bench.csv,
#          bench.png, and the agreement with the previous run's CSV.
#   smoke: "make check": one thread, one size, a few loops on the test
#          kernel, report in $DART_OUT/bench-smoke/; check.sh counts the
#          two boots' results with the other scenarios'.  Nothing is
#          asserted about speed.
. "$(dirname "$0")/lib.sh"

mode=${1:-full}
T=$DART_TOP/tools/platform
qemu=$(qemu_bin_dir)/qemu-system-aarch64
dir=$DART_OUT
# slab_nomerge: the IOVA allocator's slab cache stays its own, which
# bench-common.sh empties before each figure.  The bench kernel's base
# merges no caches already; a fragment turning SLAB_MERGE_DEFAULT on
# would otherwise share it with every other 64-byte allocation.
append=slab_nomerge
if [ "$mode" = smoke ]; then
	dir=$DART_OUT/bench-smoke
	append+=" dart.bench=smoke"
fi
mkdir -p "$dir"

# The model's latencies as this QEMU binary has them, with the scenario's
# own -global settings applied: printed with every result.
{
	echo "kernel: $DART_KERNEL ($(basename "$(kernel_build_dir)"))"
	echo "qemu: $(grep -v '^#' "$DART_TOP/tools/testing/guest/scenarios/bench-ours.qemu" | tr '\n' ' ')"
	"$qemu" -device apple-dart,help |
		sed -n 's/^ *\(busy-ns\|busy-stream-ns\|reg-read-ns\|reg-write-ns\|tlb-miss-ns\)=.*(default: \([0-9]*\)).*/\1 \2/p' |
		sed 's/ 4294967295$/ as busy-ns/'
	sed -n 's/^-global apple-dart\.\([a-z-]*\)=\([0-9]*\)$/\1 \2/p' \
		"$DART_TOP/tools/testing/guest/scenarios/bench-ours.qemu"
} >"$dir/setup.txt"

for s in bench-ours bench-oracle; do
	echo "==> $s"
	DART_APPEND=$append TIMEOUT=${TIMEOUT:-1800} bash "$T/run-scenario.sh" "$s"
done

rc=0
if [ "$mode" = full ]; then
	python3 "$T/parse-results.py" "$dir/results.txt" "$DART_LOGS" \
		bench-ours bench-oracle || rc=$?
fi
/usr/bin/python3 "$T/bench-report.py" "$dir" "$DART_LOGS/bench-ours.console.log" \
	"$DART_LOGS/bench-oracle.console.log" || rc=$?
exit $rc
