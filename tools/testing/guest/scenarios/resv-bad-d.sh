# SPDX-License-Identifier: GPL-2.0
# An entry cut short, and a region with no entry for the master that
# lists it (resv-bad-d.dt, resv-bad-common.sh).
. /dart/scenarios/resv-bad-common.sh
resv_bad_run 'iommu-addresses entry for .* cut short' \
	'listed in memory-region but has no iommu-addresses entry for this device'
