# SPDX-License-Identifier: GPL-2.0
# Reserved regions whose reg cannot be read (dcp: too short for the
# parent's cells, piodma: one byte).  A driver that took the region as
# IOVA-only (no reg) would map nothing and bind the master.
# resv-bad-common.sh says what is checked.
. /dart/scenarios/resv-bad-common.sh
resv_bad_run 'dcp-badreg: unreadable reg: -22' \
	'piodma-badreg: unreadable reg: -22'
