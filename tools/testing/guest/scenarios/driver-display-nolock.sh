# SPDX-License-Identifier: GPL-2.0
# driver-display on unlocked display DARTs (driver-display-nolock.qemu):
# the handoff must work the same when the driver owns the DARTs' registers
# and the boot loader's mappings reach it only as reserved regions with
# translation.  The L1 counter test is skipped: there is no firmware L1 to
# write.  The reload of apple_dart.ko runs: released streams go back to
# the boot loader's TCR and TTBRs, whose tables are in no-map memory.
. /dart/scenarios/driver-display.sh
