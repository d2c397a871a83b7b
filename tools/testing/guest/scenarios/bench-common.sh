# manual: sourced by bench-ours.sh and bench-oracle.sh (make bench).
# SPDX-License-Identifier: GPL-2.0
# One boot per driver, both on the t8103 model under -icount (bench-*.qemu,
# Documentation/dart/emulator.rst "Latencies"), engine dma-t8103-a:
#   kind=dmb  the kernel's dma_map_benchmark, 1/2/4 threads, 16K-1M,
#             strict then lazy (group type DMA-FQ);
#   kind=ddb  dart-dma-bench.ko: 1/2/4 threads, map/unmap times in ns in
#             $bench_ddb_rounds rounds and the TLB commands the DART ran for
#             $bench_loops unmaps per thread;
#   kind=skip a mode the driver does not offer;
# and, in our driver's boot, the page-table backends (io-pgtable-dart-bench).
# Every dmb and ddb figure is taken in a default domain of its own.
# Every figure is one "@@BENCH key=value ..." line for
# tools/platform/bench-report.py.  With dart.bench=smoke on the command
# line (make check's smoke): one thread, one size, a few loops.

bench_dev=90f0000.dma-test
bench_pdev=/sys/bus/platform/devices/$bench_dev
if grep -q 'dart\.bench=smoke' /proc/cmdline; then
	bench_threads=1 bench_pages=1 bench_loops=500 bench_mib=16 bench_rounds=1
	bench_ddb_rounds=1 bench_lazy_loops=500
else
	bench_threads="1 2 4" bench_pages="1 4 16 64" bench_loops=10000
	bench_mib=1024 bench_rounds=3 bench_ddb_rounds=10
	# A flush queue flushes every 256 unmaps per CPU and on its timer:
	# rounds of 5000 loops hold enough flushes to repeat within 5 %.
	bench_lazy_loops=50000
fi

# bench_bind DRIVER: give the engine to DRIVER, whatever holds it now.
bench_bind() {
	[ -e $bench_pdev/driver ] && echo $bench_dev >$bench_pdev/driver/unbind
	echo "$1" >$bench_pdev/driver_override
	echo $bench_dev >"/sys/bus/platform/drivers/$1/bind"
}

# bench_domain TYPE: the engine, without a driver, in a new default
# domain; fails when the group did not take TYPE or the slab cache below
# cannot shrink.  Writing the group's type while no driver holds the
# engine allocates a new domain even when the type stays (6.12's
# iommu_setup_default_domain()), so each figure starts from an empty IOVA
# tree and empty IOVA caches, not from what the figures before it left
# there: a 1 MiB buffer is above the sizes the caches keep, and each of
# its maps walks the tree.  The old domain's IOVAs went back to the slab cache they came from, whose partly used
# slabs the next figure's allocations and frees would meet on their slow
# paths, in an order that follows what the boot ran before: the cache
# releases its empty slabs (bench.sh keeps it unmerged).
bench_domain() {
	[ -e $bench_pdev/driver ] && echo $bench_dev >$bench_pdev/driver/unbind
	echo "$1" >$bench_pdev/iommu_group/type 2>/dev/null
	[ "$(cat $bench_pdev/iommu_group/type)" = "$1" ] || return 1
	echo 1 >/sys/kernel/slab/iommu_iova/shrink ||
		{ echo "bench: cannot shrink the iommu_iova slab cache" >&2; return 1; }
}

# bench_value KEY OUTPUT: the figure after "KEY(us):" in dma_map_benchmark's
# output.
bench_value() {
	echo "$2" | sed -n "s/^average $1 latency(us):\([0-9.]*\).*/\1/p"
}

# bench_mode strict|lazy: every figure of one mode.
bench_mode() {
	local mode=$1 want=DMA t p out map unmap loops
	[ "$mode" = lazy ] && want=DMA-FQ
	# The engine joins its IOMMU group when a driver first binds it.
	[ -e $bench_pdev/iommu_group ] || bench_bind dma_map_benchmark || return 1
	bench_domain $want
	# A driver without deferred flush gets a strict domain instead (a
	# failed shrink fails the first figure's bench_domain below).
	if [ "$(cat $bench_pdev/iommu_group/type)" != $want ]; then
		echo "@@BENCH kind=skip drv=$bench_drv mode=$mode group=$(cat $bench_pdev/iommu_group/type)"
		[ "$mode" = lazy ]
		return
	fi
	for t in $bench_threads; do
		for p in $bench_pages; do
			bench_domain $want && bench_bind dma_map_benchmark || return 1
			out=$("$DART_BIN/dma_map_benchmark" -t $t -s 1 -g $p -d 2) || return 1
			map=$(bench_value map "$out")
			unmap=$(bench_value unmap "$out")
			echo "@@BENCH kind=dmb drv=$bench_drv mode=$mode threads=$t kib=$((p * 16)) map_us=$map unmap_us=$unmap"
			[ -n "$map" ] && [ -n "$unmap" ] || return 1
		done
	done
	loops=$bench_loops
	[ "$mode" = lazy ] && loops=$bench_lazy_loops
	for t in $bench_threads; do
		for p in $bench_pages; do
			bench_domain $want && bench_bind dart-dma-bench || return 1
			echo "$loops $p $t $bench_ddb_rounds" >$bench_pdev/bench ||
				return 1
			echo "@@BENCH kind=ddb drv=$bench_drv mode=$mode kib=$((p * 16)) $(cat $bench_pdev/bench)"
		done
	done
}

insmod "$DART_MOD/dart-dma-bench.ko"
ktest_check bench strict bench_mode strict
ktest_check bench lazy bench_mode lazy
[ "$bench_drv" = ours ] &&
	ktest_kunit io-pgtable-dart-bench.ko bench_mib=$bench_mib \
		bench_rounds=$bench_rounds

# The bench kernel has no DMA-API debug and no kmemleak
# (kernel-bench.config): nothing for /init's final checks to read, nor
# anything to find.  The test kernel (make check's smoke) has both.
if [ ! -e /sys/kernel/debug/dma-api/error_count ]; then
	dma_debug_clean() { true; }
fi
if [ ! -e /sys/kernel/debug/kmemleak ]; then
	kmemleak_report() { true; }
fi
