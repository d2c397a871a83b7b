# SPDX-License-Identifier: GPL-2.0
# Reserved regions: an IOVA not aligned to the DART's page (dcp), an IOVA
# beyond what the DART walks (piodma).  resv-bad-common.sh says what is
# checked.
. /dart/scenarios/resv-bad-common.sh
resv_bad_run "not aligned to the DART's 16 KiB pages" \
	'beyond the [0-9]* bits the DART can translate'
