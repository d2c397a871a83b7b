# SPDX-License-Identifier: GPL-2.0
# Reserved regions: an entry of size 0 (dcp), a region mapped only for a
# master behind another DART (piodma).  resv-bad-common.sh says what is
# checked.
. /dart/scenarios/resv-bad-common.sh
resv_bad_run 'iommu-addresses entry of size 0' \
	'mapped only for .*, behind another DART'
