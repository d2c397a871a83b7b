# manual: make bench, our driver (apple_dart.ko); see bench-common.sh.
# SPDX-License-Identifier: GPL-2.0
bench_drv=ours
insmod "$DART_MOD/io-pgtable-dart.ko"
insmod "$DART_MOD/apple_dart.ko"
. /dart/scenarios/bench-common.sh
