# SPDX-License-Identifier: GPL-2.0
# driver-display on unlocked display DARTs (driver-display-nolock.qemu):
# the handoff must work the same when the driver owns the DARTs' registers
# and the boot loader's mappings reach it only as reserved regions with
# translation.  The L1 counter test and the reload of apple_dart.ko are
# skipped: there is no firmware L1 to write, and on unlocked DARTs the
# driver blocks the streams when it goes.
. /dart/scenarios/driver-display.sh
