# SPDX-License-Identifier: GPL-2.0
# driver-display-unlocked on a DT whose page-table region lacks "no-map"
# (driver-display-nomap.dt): the takeover is the same, but the probe must
# plan to block the stream on release, not hand it back to tables in
# memory Linux may reuse (release_planned); an IOVA-only region of the coprocessor is reported
# reserved and never mapped (reserved_regions, translations).
. /dart/scenarios/driver-display-unlocked.sh
