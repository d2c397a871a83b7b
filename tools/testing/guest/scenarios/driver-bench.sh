# manual: dma_map_benchmark through apple_dart.ko (make check skips it).
# SPDX-License-Identifier: GPL-2.0
# Needs a static arm64 build of the kernel's dma_map_benchmark tool in the
# initramfs as /dart/bin/dma_map_benchmark, see Documentation/dart/driver.rst.
# driver-bench-oracle.sh runs the same against the 6.12 driver.
# The engine dma-t8103-a is bound to the kernel's dma_map_benchmark driver,
# which maps and unmaps one 16K page per iteration in its default domain:
# strict first, then lazy (group switched to DMA-FQ).

bench_drv=${bench_drv:-apple-dart}
bench_dev=90f0000.dma-test
bench_bin=$DART_BIN/dma_map_benchmark
bench_pdev=/sys/bus/platform/devices/$bench_dev
bench_drvdir=/sys/bus/platform/drivers/dma_map_benchmark

bench_run() {
	local mode=$1 t
	for t in 1 2; do
		echo "@@BENCH $bench_drv $mode threads=$t"
		$bench_bin -t $t -s 5 -g 1 -d 0 | grep -E 'average|stddev' | sed 's/^/@@BENCH   /'
	done
}

if [ "$bench_drv" = oracle ]; then
	insmod "$DART_MOD/oracle-apple-dart.ko"
else
	insmod "$DART_MOD/io-pgtable-dart.ko"
	insmod "$DART_MOD/apple_dart.ko"
fi

if [ -x "$bench_bin" ]; then
	echo dma_map_benchmark >$bench_pdev/driver_override
	echo $bench_dev >$bench_drvdir/bind
	echo "@@BENCH group type: $(cat $bench_pdev/iommu_group/type)"
	bench_run strict
	echo $bench_dev >$bench_drvdir/unbind
	echo DMA-FQ >$bench_pdev/iommu_group/type
	echo $bench_dev >$bench_drvdir/bind
	echo "@@BENCH group type: $(cat $bench_pdev/iommu_group/type)"
	bench_run lazy
	echo $bench_dev >$bench_drvdir/unbind
	ktest_check bench ran true
else
	ktest_check bench ran false
fi
