# SPDX-License-Identifier: GPL-2.0
# A master behind three DARTs whose link to the third is a dependency
# cycle (dt-bad-d.dt, dt-bad-common.sh).
. /dart/scenarios/dt-bad-common.sh

# links_to ENGINE: the device links that name the engine (its address)
# as consumer.
links_to() {
	ls /sys/class/devlink | grep -F -- "--platform:$1.dma-test"
}

# The master is refused with the reason and deferred (bound without its
# IOMMU it would DMA to blocked streams), and no link to any of its DARTs
# is left: the core warns if a driver deletes a managed link, so none may
# have been made before the refusal.
link_cycle() {
	local d=$plat/90f8000.dma-test
	dmesg | grep -F 90f8000.dma-test | sort | uniq -c | sed 's/^/# /'
	links_to 90f8000 | sed 's/^/# left: /'
	[ "$(readlink -f $d/90e0000.iommu/..)" = "$(readlink -f $d)" ] &&
		said 90f8000.dma-test 'cannot link to 90e0000.iommu (a dependency cycle' &&
		[ ! -e $d/driver ] && [ ! -e $d/iommu_group ] &&
		[ -z "$(links_to 90f8000)" ] &&
		[ ! -e $d/supplier:platform:90d4000.iommu ] &&
		[ ! -e $d/supplier:platform:90d8000.iommu ]
}

# dma-dcpext shares the first two DARTs, and is linked to them.
shared_darts_linked() {
	links_to 90f7000 | sed 's/^/# /'
	[ -e /sys/class/devlink/platform:90d4000.iommu--platform:90f7000.dma-test ] &&
		[ -e /sys/class/devlink/platform:90d8000.iommu--platform:90f7000.dma-test ]
}

dt_bad_load
ktest_check dt-bad darts-registered darts_registered \
	90c0000 90c4000 90c8000 90cc000 90d0000 90d4000 90d8000 90dc000 90e0000 90e4000 90e8000
ktest_check dt-bad link-cycle link_cycle
ktest_check dt-bad shared-darts-linked shared_darts_linked
dt_bad_dma 90f0000 90f1000 90f2000 90f3000 90f4000 90f5000 90f6000 90f7000
