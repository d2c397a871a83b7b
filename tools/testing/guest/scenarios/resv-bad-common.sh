# manual
# SPDX-License-Identifier: GPL-2.0
# Shared by the resv-bad-* scenarios (sourced): the display machine, locked,
# with a device tree whose reserved regions are wrong for two masters
# (NAME.dt edits the machine's own DTB).  Each wrong master is refused at
# probe with the reason naming the region, and nothing else breaks: both
# DARTs probe and stay registered, the refused coprocessor's stream keeps
# the boot loader's tables (no L1 store), and the splash and heartbeat run
# on.  A driver that took the bad region anyway (mapping a zero-sized,
# misaligned, overlapping or out-of-reach range, or one meant for another
# DART's master) fails the "refused" checks; one that let the error
# escape to the DART fails "darts-probed"; one that touched the live
# stream of a refused master trips the model (DART-VIOLATION).

. /dart/scenarios/display-common.sh

# refused DEV MESSAGE: DEV logged MESSAGE, got no IOMMU group and was not
# bound (deferred): a driver bound without its IOMMU would DMA through
# the boot loader's tables to wherever they lead.
refused() {
	local d=/sys/bus/platform/devices/$1
	dmesg | grep "$1" | sort | uniq -c | sed 's/^/# /'
	dmesg | grep -q "$1: .*$2" && [ ! -e $d/iommu_group ] && [ ! -e $d/driver ]
}

darts_probed() {
	[ -e /sys/class/iommu/apple-dart.$dcp_dart ] &&
		[ -e /sys/class/iommu/apple-dart.$disp_dart ]
}

# resv_bad_run DCP_MESSAGE PIODMA_MESSAGE
resv_bad_run() {
	insmod "$DART_MOD/io-pgtable-dart.ko"
	insmod "$DART_MOD/apple_dart.ko"
	engine_lib
	insmod "$DART_MOD/apple-dart-test.ko"
	ktest_check resv-bad darts-probed darts_probed
	ktest_check resv-bad dcp-refused refused $dcp_dev "$1"
	ktest_check resv-bad piodma-refused refused $piodma_dev "$2"
	sleep 1
	ktest_check resv-bad firmware-untouched l1_untouched
	ktest_check resv-bad heartbeat heartbeat
}
