# SPDX-License-Identifier: GPL-2.0
# Reserved regions: two regions overlapping in IOVA (dcp), an entry naming
# a node that is not behind an IOMMU (piodma).  resv-bad-common.sh says
# what is checked.
. /dart/scenarios/resv-bad-common.sh
resv_bad_run 'overlaps .* of another region' \
	'names .*, which is not behind an IOMMU'
