# manual: make bench, the 6.12 driver (oracle-apple-dart.ko); see
# bench-common.sh.
# SPDX-License-Identifier: GPL-2.0
bench_drv=6.12
insmod "$DART_MOD/oracle-apple-dart.ko"
. /dart/scenarios/bench-common.sh
