# manual: dma_map_benchmark through the 6.12 driver (oracle-apple-dart.ko).
# SPDX-License-Identifier: GPL-2.0
bench_drv=oracle
. /dart/scenarios/driver-bench.sh
