# SPDX-License-Identifier: GPL-2.0
# An entry naming no node, and one larger than its region (resv-bad-e.dt,
# resv-bad-common.sh).
. /dart/scenarios/resv-bad-common.sh
resv_bad_run 'iommu-addresses names no node' \
	'IOVA size 0x100000 exceeds the region'
