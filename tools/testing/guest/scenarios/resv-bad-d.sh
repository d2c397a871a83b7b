# SPDX-License-Identifier: GPL-2.0
# An entry naming no node, one cut short, and a region with no entry for
# the master that lists it (resv-bad-d.dt, resv-bad-common.sh).
. /dart/scenarios/resv-bad-common.sh
resv_bad_run 'iommu-addresses names no node' \
	'iommu-addresses entry for .* cut short'
ktest_check resv-bad display-refused refused $(printf %x.display $ADD_DISPLAY_BASE) \
	'listed in memory-region but has no iommu-addresses entry for this device'
